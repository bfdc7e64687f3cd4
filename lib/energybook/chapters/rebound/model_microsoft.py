"""Microsoft: energy use against observed proxies of its compute.

The identity is ``energy = compute / efficiency``. Microsoft publishes its energy use, not its
compute. Its cloud revenue and its capital spending are observed proxies of compute, each
with an assumption attached: compute grows like cloud revenue times the growth of compute
delivered per dollar of revenue (the fall of the price of a unit of cloud compute, not
published), or like spending times compute bought per dollar. Hence::

    fleet efficiency growth = proxy growth x (compute per dollar growth) / energy growth

which is a restatement, not evidence: the observed part is ``energy / proxy``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike


def energy_against_proxy(
    energy_factor: float, proxy_factor: float, years: float
) -> dict[str, float]:
    """Energy and one compute proxy over the same ``years``: ``energy_growth``,
    ``proxy_growth`` and ``energy_per_proxy_growth`` (per year; the last is the observed
    change of energy per dollar of the proxy)."""
    if years <= 0 or energy_factor <= 0 or proxy_factor <= 0:
        raise ValueError("need positive factors over a positive number of years")
    return {
        "energy_growth": energy_factor ** (1.0 / years) - 1.0,
        "proxy_growth": proxy_factor ** (1.0 / years) - 1.0,
        "energy_per_proxy_growth": (energy_factor / proxy_factor) ** (1.0 / years) - 1.0,
    }


def implied_efficiency_growth(
    energy_factor: float, proxy_factor: float, years: float, compute_per_dollar_growth: ArrayLike
) -> np.ndarray:
    """The fleet efficiency growth per year the identity implies if compute grew like the
    proxy times ``compute_per_dollar_growth`` a year (an assumption, not an observation)."""
    x = np.asarray(compute_per_dollar_growth, float)
    return (proxy_factor / energy_factor) ** (1.0 / years) * (1.0 + x) - 1.0


def microsoft_from_tables(
    sustainability: pd.DataFrame, proxies: pd.DataFrame, fiscal_year: int = 2024
) -> dict[str, float]:
    """Energy use (change against fiscal ``base``) against cloud revenue and capital spending
    over the same fiscal years. Keys: ``years``, ``energy_factor``, ``emissions_factor``,
    ``emissions_per_energy_factor`` (caveat: Microsoft's total is mostly Scope 3, not energy),
    ``energy_growth``, and per proxy ``<proxy>_factor``, ``<proxy>_growth``,
    ``energy_per_<proxy>_growth``."""
    t = sustainability[sustainability["fiscal_year"] == fiscal_year].set_index("metric")
    base = int(t.loc["energy_use", "base_fiscal_year"])
    years = fiscal_year - base
    ef = 1.0 + float(t.loc["energy_use", "change_pct"]) / 100.0
    cf = 1.0 + float(t.loc["total_emissions", "change_pct"]) / 100.0
    out = {
        "years": float(years),
        "base_fiscal_year": float(base),
        "fiscal_year": float(fiscal_year),
        "energy_factor": ef,
        "emissions_factor": cf,
        "emissions_per_energy_factor": cf / ef,
    }
    p = proxies.set_index(["metric", "fiscal_year"])["value_usd_bn"]
    for name in ("cloud_revenue", "capital_expenditure"):
        factor = float(p[(name, fiscal_year)]) / float(p[(name, base)])
        r = energy_against_proxy(ef, factor, years)
        out.update(
            {
                f"{name}_factor": factor,
                f"{name}_growth": r["proxy_growth"],
                f"energy_per_{name}_growth": r["energy_per_proxy_growth"],
                "energy_growth": r["energy_growth"],
            }
        )
    return out
