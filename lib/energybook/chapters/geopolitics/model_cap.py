"""Power as the constraint: the highest price a buyer pays for performance per watt.

Pure functions of plain numbers (USD, USD per year, ratios).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from energybook.chapters.geopolitics.model import (
    FACILITY_LIFETIME_YEARS,
    HOURS_PER_YEAR,
    KWH_PER_MWH,
    W_PER_MW,
    capital_recovery_factor,
)
from energybook.chapters.geopolitics.params import Params


def power_costs_usd_per_year_per_chip(*, accelerator_power_w, price_usd_per_kwh, pue,
                                      utilization, facility_capex_usd_per_mw=0.0,
                                      facility_crf=0.0, server_power_factor=1.0):
    """Annual power-related cost of one accelerator: its energy plus its share of the facility."""
    it_mw = accelerator_power_w * server_power_factor / W_PER_MW
    energy = it_mw * utilization * pue * HOURS_PER_YEAR * KWH_PER_MWH * price_usd_per_kwh
    facility = it_mw * facility_capex_usd_per_mw * facility_crf
    return energy + facility


def max_price_uncapped_usd(base_price_usd, perf_per_watt_ratio, power_cost_usd_per_year,
                           crf):
    """Highest price of a chip ``ratio`` times as efficient (same power, ratio x throughput)
    at which its cost per unit of output matches the base chip's, when power is not binding.

    Equal cost per output: (c1 a + K) / R = c0 a + K  =>  c1 = R c0 + (R - 1) K / a, with K
    the power-related cost per chip per year and a the capital recovery factor.
    """
    r = np.asarray(perf_per_watt_ratio, dtype=float)
    out = r * base_price_usd + (r - 1.0) * power_cost_usd_per_year / crf
    return out.item() if out.ndim == 0 else out


def max_price_capped_usd(base_price_usd, perf_per_watt_ratio, value_usd_per_year, crf):
    """Highest price of a chip ``ratio`` times as efficient when the site's power is fixed.

    With power binding the number of chips is fixed by the site, so the efficient chip's
    extra output (R - 1) x the base chip's annual output value ``value_usd_per_year`` is
    what it earns over the base chip; power and facility costs are the same for both. Equal
    profit: c1 = c0 + (R - 1) V / a.
    """
    r = np.asarray(perf_per_watt_ratio, dtype=float)
    out = base_price_usd + (r - 1.0) * value_usd_per_year / crf
    return out.item() if out.ndim == 0 else out


def compute_value_usd_per_year(rental_usd_per_hour, utilization):
    """Market value of one accelerator's output per year, priced at its rental rate."""
    return rental_usd_per_hour * utilization * HOURS_PER_YEAR


def efficiency_premiums(*, compared_price_usd, compared_perf_per_watt,
                        reference_value_usd_per_year, power_cost_usd_per_year,
                        crf) -> dict[str, float]:
    """The chapter's one definition of the premium for performance per watt.

    The reference chip is the H100 (the best chip), whose output is worth
    ``reference_value_usd_per_year``. The compared chip draws the same power per chip,
    delivers ``compared_perf_per_watt`` (R <= 1) times the H100's output, so its output is
    worth R x that value, and sells at ``compared_price_usd``. Returns {'capped',
    'uncapped'}: the highest price of the H100 as a multiple of the compared chip's price,
    when power binds and when it does not, both with the compared chip as the base.
    """
    r = float(compared_perf_per_watt)
    if not 0.0 < r <= 1.0:
        raise ValueError("compared_perf_per_watt must be in (0, 1]")
    c0 = float(compared_price_usd)
    ratio = 1.0 / r
    compared_value = r * reference_value_usd_per_year
    return {"capped": max_price_capped_usd(c0, ratio, compared_value, crf) / c0,
            "uncapped": max_price_uncapped_usd(c0, ratio, power_cost_usd_per_year, crf) / c0}


def wtp_inputs(P: Params, ref: dict[str, float], price_usd_per_kwh: float) -> dict[str, Any]:
    """Inputs of the willingness-to-pay model (see :func:`efficiency_premiums`): the base is
    the compared chip, at the accelerator price (system price with the server overhead) and
    ``compared_perf_per_watt`` (R) times an H100's output. Returns base_price_usd, power
    cost per chip-year, the annual value of the *compared* chip's output (R x the H100's,
    priced at the H100 rental rate) at the current and the scarcity rental rates, the
    capital recovery factor, R and the H100's efficiency ratio over the compared chip
    (``ratio`` = 1/R)."""
    r = float(P.compared_perf_per_watt)
    crf = capital_recovery_factor(P.discount_rate, P.accelerator_lifetime_years)
    k = power_costs_usd_per_year_per_chip(
        accelerator_power_w=ref["accelerator_power_w"], price_usd_per_kwh=price_usd_per_kwh,
        pue=P.pue, utilization=P.utilization,
        facility_capex_usd_per_mw=ref["facility_capex_usd_per_mw"],
        facility_crf=capital_recovery_factor(P.discount_rate, FACILITY_LIFETIME_YEARS))
    return {"base_price_usd": P.accelerator_price_usd * (1.0 + P.system_overhead_fraction),
            "power_cost_usd_per_year": k, "crf": crf,
            "value_usd_per_year": r * compute_value_usd_per_year(ref["rental_usd_per_hour"],
                                                                 P.utilization),
            "value_peak_usd_per_year": r * compute_value_usd_per_year(
                ref["rental_peak_usd_per_hour"], P.utilization),
            "reference_value_usd_per_year": compute_value_usd_per_year(
                ref["rental_usd_per_hour"], P.utilization),
            "compared_perf_per_watt": r, "ratio": 1.0 / r}


def rental_threshold_usd_per_hour(base_price_usd, power_cost_usd_per_year, crf, utilization,
                                  compared_perf_per_watt=1.0):
    """H100 rental rate (USD per H100-hour) above which a power cap raises the price a buyer
    pays for efficiency (capped premium > uncapped premium).

    That happens when the compared chip's output, R x the H100 rate per hour of work, is
    worth more than the compared chip's full cost per hour of work, (price x CRF + power
    costs) / (utilization x hours); so the threshold is that cost divided by R."""
    full = (base_price_usd * crf + power_cost_usd_per_year) / (utilization * HOURS_PER_YEAR)
    return full / compared_perf_per_watt
