"""Time-to-power: what waiting for a grid connection costs, against paying for fast power.

Pure functions of plain numbers; costs in USD, energy in kWh, time in months.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from energybook.chapters.geopolitics.model import MONTHS_PER_YEAR, capital_usd_per_year

FAST_POWER_COSTS_MORE = "costs more"
FAST_POWER_SAME_PRICE = "same price"
FAST_POWER_CHEAPER = "cheaper"


def idle_capital_usd_per_month(tco: dict[str, Any]) -> float:
    """Capital charge lost per month while a built campus waits for power.

    The annual capital charge (accelerators + servers/network + facility) of a
    ``campus_tco`` result, over twelve months. It counts only the cost of the capital
    (depreciation and interest), not the profit the missing compute would have earned.
    """
    return capital_usd_per_year(tco) / MONTHS_PER_YEAR


def breakeven_price_premium_usd_per_kwh(wait_months, idle_usd_per_month,
                                        energy_kwh_per_year, premium_years):
    """Highest extra price per kWh worth paying for power now instead of after ``wait_months``.

    Fast power avoids ``wait_months x idle_usd_per_month``; it costs ``premium x energy`` for
    each of ``premium_years`` years (undiscounted). Break-even premium =
    wait x idle / (energy per year x premium years). Rises linearly with the wait.
    """
    wait = np.asarray(wait_months, dtype=float)
    if np.any(wait < 0):
        raise ValueError("wait must be >= 0")
    if energy_kwh_per_year <= 0 or premium_years <= 0:
        raise ValueError("energy and premium years must be positive")
    out = wait * idle_usd_per_month / (energy_kwh_per_year * premium_years)
    return out.item() if out.ndim == 0 else out


def breakeven_onsite_capex_usd_per_kw(wait_months, idle_usd_per_month, site_power_kw):
    """Highest capital cost per kW of on-site generation worth paying to avoid the wait.

    wait x idle capital per month / site power (IT power x PUE), in USD per kW. Counts the
    on-site plant as sunk (no resale, fuel costed at the grid price).
    """
    wait = np.asarray(wait_months, dtype=float)
    if np.any(wait < 0):
        raise ValueError("wait must be >= 0")
    out = wait * idle_usd_per_month / site_power_kw
    return out.item() if out.ndim == 0 else out


def fast_power_extra_usd_per_kwh(premium_price_usd_per_kwh, grid_price_usd_per_kwh) -> float:
    """Extra price per kWh of fast power over the grid power it replaces.

    Not clipped: a negative value is what fast power *saves* per kWh (cheaper than the grid).
    """
    return float(premium_price_usd_per_kwh) - float(grid_price_usd_per_kwh)


def fast_power_case(extra_usd_per_kwh: float, tol: float = 1e-12) -> str:
    """Whether fast power costs more than grid power, the same, or less (one of the
    ``FAST_POWER_*`` constants); differences within ``tol`` USD/kWh count as the same."""
    if extra_usd_per_kwh > tol:
        return FAST_POWER_COSTS_MORE
    if extra_usd_per_kwh < -tol:
        return FAST_POWER_CHEAPER
    return FAST_POWER_SAME_PRICE


def breakeven_wait_months(extra_usd_per_kwh, energy_kwh_per_year, premium_years,
                          idle_usd_per_month) -> float:
    """Shortest grid wait beyond which fast power pays for itself.

    The extra cost of fast power over ``premium_years`` (extra x energy per year x years,
    undiscounted) over the idle capital lost per month of waiting. Clipped at 0 months, and
    only here, because a wait cannot be negative: when fast power costs no more than grid
    power it pays at any wait, and the break-even wait is 0.
    """
    if idle_usd_per_month <= 0:
        raise ValueError("idle capital per month must be positive")
    if energy_kwh_per_year < 0 or premium_years <= 0:
        raise ValueError("energy must be >= 0 and premium years positive")
    return (max(float(extra_usd_per_kwh), 0.0) * energy_kwh_per_year * premium_years
            / idle_usd_per_month)


def time_to_power_tradeoff(wait_months, *, idle_usd_per_month, energy_kwh_per_year,
                           premium_usd_per_kwh, premium_years, site_power_kw) -> pd.DataFrame:
    """Cost of waiting against cost of paying for fast power, wait by wait.

    For each wait (months): idle_cost_usd (waiting), premium_cost_usd (paying
    ``premium_usd_per_kwh`` over ``premium_years``; negative when fast power is cheaper
    than the grid, a saving), fast_power_pays (waiting costs more than fast power),
    breakeven_premium_usd_per_kwh and breakeven_onsite_capex_usd_per_kw.
    """
    wait = np.atleast_1d(np.asarray(wait_months, dtype=float))
    idle = wait * idle_usd_per_month
    premium = np.full_like(wait, premium_usd_per_kwh * energy_kwh_per_year * premium_years)
    return pd.DataFrame({
        "wait_months": wait,
        "idle_cost_usd": idle,
        "premium_cost_usd": premium,
        "fast_power_pays": idle > premium,
        "breakeven_premium_usd_per_kwh": breakeven_price_premium_usd_per_kwh(
            wait, idle_usd_per_month, energy_kwh_per_year, premium_years),
        "breakeven_onsite_capex_usd_per_kw": breakeven_onsite_capex_usd_per_kw(
            wait, idle_usd_per_month, site_power_kw),
    })
