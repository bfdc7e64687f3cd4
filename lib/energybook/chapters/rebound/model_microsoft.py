"""Microsoft: energy and emissions against the 2020 baseline."""

from __future__ import annotations

import pandas as pd


def microsoft_case(energy_change_pct: float, emissions_change_pct: float, years: float,
                   efficiency_growth: float) -> dict[str, float]:
    """What efficiency growth would have held Microsoft's energy flat?

    Energy grew by ``energy_change_pct`` over ``years`` (e.g. +168 % FY20 -> FY24). Since
    energy = demand / efficiency, demand grew by energy growth x efficiency growth; given an
    assumed efficiency growth ``f`` per year, demand grew ``(1 + e)(1 + f) - 1`` per year,
    and holding energy flat needed efficiency to grow as fast as demand.

    Keys: ``energy_factor``, ``emissions_factor``, ``energy_growth_per_year``,
    ``emissions_per_energy_factor`` (caveat: Microsoft's total is >96 % Scope 3, not
    energy), ``implied_demand_growth`` (per year), ``efficiency_growth_to_hold_flat`` (per
    year, = implied demand growth).
    """
    ef = 1.0 + energy_change_pct / 100.0
    cf = 1.0 + emissions_change_pct / 100.0
    eg = ef ** (1.0 / years) - 1.0
    demand = (1.0 + eg) * (1.0 + efficiency_growth) - 1.0
    return {
        "energy_factor": ef, "emissions_factor": cf, "energy_growth_per_year": eg,
        "emissions_per_energy_factor": cf / ef, "implied_demand_growth": demand,
        "efficiency_growth_to_hold_flat": demand,
    }


def microsoft_from_table(table: pd.DataFrame, efficiency_growth: float,
                         fiscal_year: int = 2024) -> dict[str, float]:
    """:func:`microsoft_case` reading the ``microsoft_sustainability`` table."""
    t = table[table["fiscal_year"] == fiscal_year].set_index("metric")
    years = fiscal_year - int(t.loc["energy_use", "base_fiscal_year"])
    return microsoft_case(float(t.loc["energy_use", "change_pct"]),
                          float(t.loc["total_emissions", "change_pct"]), years,
                          efficiency_growth)
