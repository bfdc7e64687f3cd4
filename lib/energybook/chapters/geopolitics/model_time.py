"""Time-to-power: what waiting for a grid connection costs, against paying for fast power.

The counterfactual of "fast power pays" is a developer who waits for the grid. Its site (the
facility) is built; a developer who knows the wait does not buy the chips to let them sit
idle: it buys them when the grid arrives, at the same price. The facility is paid whatever
happens, so what the wait costs is what the site would have earned meanwhile: its
*operating margin*, revenue less the chips' capital charge and energy (:func:
`operating_margin_usd_per_year`), never below zero (a site that would lose money filled with
chips loses nothing by staying empty).

Two counterfactuals bound the cost, and the chapter names the first:

- ``calendar`` (the headline): the site's life runs on the calendar, so each month of
  waiting is a month of the site's earnings lost for good: margin x annuity(wait).
- ``delay``: nothing ages while the site waits, and its whole life (the facility's
  lifetime of chip generations) starts later: margin x annuity(facility life) x (1 - the
  discount factor of the wait). Only the time value is lost; always the smaller.

Fast power is priced as an extra price per kWh over the grid price, in two forms:

- bridging: paid only until the grid arrives. Each month of it buys back one month of
  waiting, so its break-even is the margin over a year's energy, whatever the wait (an
  identity of the ``calendar`` counterfactual).
- a contract for the accelerators' lifetime (take-or-pay): paid whether or not the grid
  arrives. At the same price it is never better than a bridge; a developer signs one only
  when a provider asks for the term to recover the capital of an on-site plant.

Every sum is discounted at the same rate (the chapter's discount rate) to the start of the
wait. Pure functions of plain numbers; costs in USD, energy in kWh, time in months or years
as named.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from energybook.chapters.geopolitics.model import MONTHS_PER_YEAR, capital_usd_per_year

FAST_POWER_COSTS_MORE = "costs more"
FAST_POWER_SAME_PRICE = "same price"
FAST_POWER_CHEAPER = "cheaper"


def annuity_factor(discount_rate: float, years):
    """Present value at time 0 of 1 USD a year paid for ``years`` (fractional years allowed):
    (1 - (1 + r)^-t) / r, and t when r = 0. The inverse of the capital recovery factor."""
    r = float(discount_rate)
    t = np.asarray(years, dtype=float)
    if r < 0 or np.any(t < 0):
        raise ValueError("the discount rate and the years must be >= 0")
    if r <= 1e-12:
        out = t * (1.0 - r * (t + 1.0) / 2.0)
    else:
        out = -np.expm1(-t * math.log1p(r)) / r
    return out.item() if out.ndim == 0 else out


def discount_factor(discount_rate: float, years):
    """Present value of 1 USD paid after ``years``: (1 + r)^-t."""
    t = np.asarray(years, dtype=float)
    out = np.exp(-t * math.log1p(float(discount_rate)))
    return out.item() if out.ndim == 0 else out


def margin_usd_per_year(tco: dict[str, Any], revenue_usd_per_year: float) -> float:
    """The campus's margin: revenue less its whole annual cost (``campus_tco``), facility
    included, where the capital charge already pays the discount rate. Positive: a new
    campus earns more than its cost of capital (power binds)."""
    return float(revenue_usd_per_year - tco["total_usd_per_year"])


def operating_margin_usd_per_year(tco: dict[str, Any], revenue_usd_per_year: float) -> float:
    """What a built site earns a year once filled with chips: revenue less the chips' (and
    servers') capital charge and energy. The facility is left out: it is paid whether the
    site waits or not."""
    return float(revenue_usd_per_year - tco["total_usd_per_year"] + tco["facility_usd_per_year"])


def waiting_cost_rate_usd_per_year(operating_margin: float) -> float:
    """What each year of waiting costs (the ``calendar`` counterfactual): the operating
    margin, or 0 when filling the site would lose money."""
    return max(float(operating_margin), 0.0)


def waiting_cost_usd(
    wait_months,
    *,
    operating_margin_usd_per_year: float,
    discount_rate: float,
    facility_lifetime_years: float,
) -> dict[str, Any]:
    """Present value, at the start of the wait, of what a wait of ``wait_months`` costs a
    developer who defers buying the chips: 'calendar' (the site's earnings over the wait,
    lost for good; the chapter's counterfactual) and 'delay' (the site's whole life started
    later, only its time value lost; a lower bound)."""
    t = np.asarray(wait_months, dtype=float) / MONTHS_PER_YEAR
    if np.any(t < 0):
        raise ValueError("wait must be >= 0")
    m = waiting_cost_rate_usd_per_year(operating_margin_usd_per_year)
    calendar = m * annuity_factor(discount_rate, t)
    delay = (
        m
        * annuity_factor(discount_rate, facility_lifetime_years)
        * (1.0 - discount_factor(discount_rate, t))
    )
    return {"calendar": calendar, "delay": delay}


def idle_chips_cost_usd(wait_months, tco: dict[str, Any], discount_rate: float):
    """Present value of the whole capital charge (chips, servers, facility) over the wait:
    what the wait costs a developer who has *already* bought the chips and must leave them
    idle. Not the counterfactual of a developer who knows the wait (it would defer them)."""
    t = np.asarray(wait_months, dtype=float) / MONTHS_PER_YEAR
    return capital_usd_per_year(tco) * annuity_factor(discount_rate, t)


def breakeven_premium_usd_per_kwh(
    cost_usd, energy_kwh_per_year: float, discount_rate: float, premium_years
):
    """Highest extra price per kWh, paid on ``energy_kwh_per_year`` for ``premium_years``,
    whose present value equals ``cost_usd`` (both discounted at the same rate)."""
    if energy_kwh_per_year <= 0:
        raise ValueError("energy must be positive")
    years = np.asarray(premium_years, dtype=float)
    if np.any(years <= 0):
        raise ValueError("premium years must be positive")
    out = np.asarray(cost_usd, dtype=float) / (
        energy_kwh_per_year * annuity_factor(discount_rate, years)
    )
    return out.item() if out.ndim == 0 else out


def bridging_breakeven_usd_per_kwh(
    *, operating_margin_usd_per_year: float, energy_kwh_per_year: float
) -> float:
    """Highest extra price per kWh of bridging power, paid only until the grid arrives.

    Each month of bridging power avoids one month of waiting, so the break-even is the
    cost of a year of waiting over a year's energy, whatever the wait: an identity of the
    ``calendar`` counterfactual (a premium and a waiting cost that both accrue over the
    same months)."""
    if energy_kwh_per_year <= 0:
        raise ValueError("energy must be positive")
    return waiting_cost_rate_usd_per_year(operating_margin_usd_per_year) / energy_kwh_per_year


def breakeven_onsite_capex_usd_per_kw(cost_usd, site_power_kw: float):
    """Highest capital cost per kW of on-site generation that the cost of the wait pays
    for: that cost over the site's power (IT power x PUE). Counts the plant's fuel at the
    grid price and the plant as worth nothing once the grid arrives (no resale)."""
    if site_power_kw <= 0:
        raise ValueError("site power must be positive")
    out = np.asarray(cost_usd, dtype=float) / site_power_kw
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


def breakeven_wait_months(
    extra_usd_per_kwh: float,
    *,
    energy_kwh_per_year: float,
    discount_rate: float,
    lifetime_years: float,
    waiting_cost_usd_per_year: float,
) -> float:
    """Shortest wait beyond which permanent fast power pays: where the present value of the
    wait's cost, ``waiting_cost_usd_per_year`` x annuity(wait), reaches the present value of
    the premium over the lifetime.

    0 when fast power costs no more than the grid (it pays at any wait; a wait cannot be
    negative). ``math.inf`` when even a wait without end costs less than the premium (a
    perpetuity of waiting costs ``waiting_cost / r``)."""
    if energy_kwh_per_year <= 0 or lifetime_years <= 0:
        raise ValueError("energy and lifetime must be positive")
    need = extra_usd_per_kwh * energy_kwh_per_year * annuity_factor(discount_rate, lifetime_years)
    if need <= 0:
        return 0.0
    if waiting_cost_usd_per_year <= 0:
        return math.inf
    a = need / waiting_cost_usd_per_year  # the annuity factor the wait must reach
    r = discount_rate
    if r <= 1e-12:
        return MONTHS_PER_YEAR * a
    if r * a >= 1.0:
        return math.inf
    return MONTHS_PER_YEAR * -math.log1p(-r * a) / math.log1p(r)


def time_to_power_tradeoff(
    wait_months,
    *,
    operating_margin_usd_per_year: float,
    discount_rate: float,
    lifetime_years: float,
    facility_lifetime_years: float,
    energy_kwh_per_year: float,
    extra_usd_per_kwh: float,
) -> pd.DataFrame:
    """Present values, wait by wait: waiting_cost_usd (the site's earnings lost over the
    wait), delay_cost_usd (the whole life started later; a lower bound), lifetime_cost_usd
    (the extra cost of fast power under a contract for the accelerators' lifetime; flat)
    and bridging_cost_usd (the extra cost of fast power until the grid arrives). Negative
    premium costs are savings (fast power cheaper than the grid)."""
    wait = np.atleast_1d(np.asarray(wait_months, dtype=float))
    cost = waiting_cost_usd(
        wait,
        operating_margin_usd_per_year=operating_margin_usd_per_year,
        discount_rate=discount_rate,
        facility_lifetime_years=facility_lifetime_years,
    )
    lifetime_pv = (
        extra_usd_per_kwh * energy_kwh_per_year * annuity_factor(discount_rate, lifetime_years)
    )
    return pd.DataFrame(
        {
            "wait_months": wait,
            "waiting_cost_usd": cost["calendar"],
            "delay_cost_usd": cost["delay"],
            "lifetime_cost_usd": np.full_like(wait, lifetime_pv),
            "bridging_cost_usd": extra_usd_per_kwh
            * energy_kwh_per_year
            * annuity_factor(discount_rate, wait / MONTHS_PER_YEAR),
        }
    )
