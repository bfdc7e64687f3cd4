"""Distance to physical limits: Landauer's kT ln 2 and a published CMOS limit.

Pure functions over plain data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.constants as const


def landauer_limit_j(temperature_k: float = 300.0) -> float:
    """Landauer's minimum energy to erase one bit, k T ln 2, in J (scipy.constants.k)."""
    return const.k * temperature_k * math.log(2)


def years_to_limit(current_flop_per_j, limit_flop_per_j, doubling_time_years):
    """Years for ``current`` to reach ``limit`` doubling every ``doubling_time_years``
    (0 when already there; inf when not improving)."""
    cur = np.asarray(current_flop_per_j, float)
    lim = np.asarray(limit_flop_per_j, float)
    dt = np.asarray(doubling_time_years, float)
    doublings = np.maximum(np.log2(lim / cur), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(doublings == 0, 0.0, doublings * dt)
    return float(out) if out.ndim == 0 else out


def best_chip(table: pd.DataFrame) -> dict:
    """The row of an efficiency table with the highest FLOP/J, as a dict."""
    if table.empty:
        raise ValueError("no chips to choose from")
    return table.loc[table["flop_per_j"].idxmax()].to_dict()


def limit_summary(
    at_format: pd.DataFrame,
    cmos_limit_flop_per_j: float,
    doubling_time_years: float,
    temperature_k: float = 300.0,
) -> dict[str, float]:
    """The best chip of ``at_format`` (an efficiency table in the limit's number format)
    against the CMOS limit and kT ln 2: its year and J/FLOP, the factor and the years to the
    limit at ``doubling_time_years``, and the limit's distance above Landauer."""
    best = best_chip(at_format)
    kt = landauer_limit_j(temperature_k)
    cmos_j = 1.0 / cmos_limit_flop_per_j
    return {
        "year": float(best["year"]),
        "j_per_flop": float(best["j_per_flop"]),
        "flop_per_j": float(best["flop_per_j"]),
        "factor_to_cmos_limit": float(cmos_limit_flop_per_j / best["flop_per_j"]),
        "years_to_cmos_limit": float(
            years_to_limit(best["flop_per_j"], cmos_limit_flop_per_j, doubling_time_years)
        ),
        "cmos_j_per_flop": cmos_j,
        "landauer_j": kt,
        "cmos_orders_above_landauer": math.log10(cmos_j / kt),
    }


def projection(
    start_year: float,
    start_j_per_flop: float,
    years: float,
    doubling_time_years: float,
    points: int = 30,
) -> pd.DataFrame:
    """J/FLOP falling from ``start_j_per_flop`` at one halving per ``doubling_time_years``
    over ``years`` (columns year, j_per_flop); empty when ``years`` is not finite and
    positive."""
    if not (math.isfinite(years) and years > 0):
        return pd.DataFrame({"year": [], "j_per_flop": []})
    grid = np.linspace(0.0, years, points)
    return pd.DataFrame(
        {
            "year": start_year + grid,
            "j_per_flop": start_j_per_flop * 2.0 ** (-grid / doubling_time_years),
        }
    )
