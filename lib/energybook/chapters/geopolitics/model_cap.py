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


def max_price_usd(*, base_price_usd, perf_per_watt_ratio, base_value_usd_per_year,
                  power_cost_usd_per_year, crf, power_binds: bool, outside_option: bool = True):
    """Highest price a buyer pays for a chip ``ratio`` (R) times as efficient as the base
    chip (same power per chip, R x its output), under one criterion for both regimes: the
    better chip must leave the buyer as well off as the best alternative use of what it
    takes.

    The base chip earns V0 = ``base_value_usd_per_year`` and costs c0 a + K a year (price
    x capital recovery factor a, plus K, the power and facility cost of a chip-slot), a
    profit of pi0 = V0 - c0 a - K. The better chip at price c1 earns R V0 - c1 a - K.

    - Power binds (a site with a fixed number of chip-slots): the alternative to the better
      chip in a slot is the base chip in that slot, or, with ``outside_option``, the slot
      left empty, worth max(0, pi0).
    - Power does not bind: the alternative is R base chips delivering the same output,
      worth R pi0, or, with ``outside_option``, not producing at all, max(0, R pi0).

    c1 = (R V0 - K - alternative) / a, and never below 0. When pi0 >= 0 this is
    c0 + (R - 1) V0 / a (power binds) and R c0 + (R - 1) K / a (equal cost per output, power
    not binding); when pi0 < 0 both are the better chip's own break-even price
    (R V0 - K) / a: a cap cannot bind while the base chip does not pay for itself.
    Without the outside option (``outside_option=False``) the formulas above hold at any
    pi0, which overstates the price when the base chip loses money."""
    r = np.asarray(perf_per_watt_ratio, dtype=float)
    v0 = np.asarray(base_value_usd_per_year, dtype=float)
    pi0 = v0 - base_price_usd * crf - power_cost_usd_per_year
    if outside_option:
        pi0 = np.maximum(pi0, 0.0)
    alternative = pi0 if power_binds else r * pi0
    out = np.maximum((r * v0 - power_cost_usd_per_year - alternative) / crf, 0.0)
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
    worth R x that value, and sells at ``compared_price_usd``. Returns the highest price of
    the H100 as a multiple of the compared chip's price (:func:`max_price_usd`) when power
    binds ('capped') and when it does not ('uncapped'), and 'capped_without_outside_option'
    (the capped formula that assumes the megawatts would otherwise hold compared chips,
    even when they lose money)."""
    r = float(compared_perf_per_watt)
    if not 0.0 < r <= 1.0:
        raise ValueError("compared_perf_per_watt must be in (0, 1]")
    c0 = float(compared_price_usd)
    kw = dict(base_price_usd=c0, perf_per_watt_ratio=1.0 / r,
              base_value_usd_per_year=r * reference_value_usd_per_year,
              power_cost_usd_per_year=power_cost_usd_per_year, crf=crf)
    return {"capped": max_price_usd(**kw, power_binds=True) / c0,
            "uncapped": max_price_usd(**kw, power_binds=False) / c0,
            "capped_without_outside_option": max_price_usd(
                **kw, power_binds=True, outside_option=False) / c0}


def compared_full_cost_usd_per_year(w: dict[str, Any]) -> float:
    """A compared chip's whole annual cost: its capital charge and its slot's power and
    facility cost."""
    return float(w["base_price_usd"] * w["crf"] + w["power_cost_usd_per_year"])


def wtp_inputs(P: Params, ref: dict[str, float], price_usd_per_kwh: float) -> dict[str, Any]:
    """Inputs of the willingness-to-pay model (see :func:`efficiency_premiums`): the base is
    the compared chip, at the accelerator price (system price with the server overhead),
    ``compared_perf_per_watt`` (R) times an H100's output. Returns base_price_usd,
    power_cost_usd_per_year (energy and facility share of a chip-slot),
    energy_cost_usd_per_year (energy alone: the slot's cost once the facility is sunk), crf,
    compared_perf_per_watt, ratio (the H100's efficiency over the compared chip, 1/R) and
    utilization."""
    r = float(P.compared_perf_per_watt)
    crf = capital_recovery_factor(P.discount_rate, P.accelerator_lifetime_years)
    k = power_costs_usd_per_year_per_chip(
        accelerator_power_w=ref["accelerator_power_w"], price_usd_per_kwh=price_usd_per_kwh,
        pue=P.pue, utilization=P.utilization,
        facility_capex_usd_per_mw=ref["facility_capex_usd_per_mw"],
        facility_crf=capital_recovery_factor(P.discount_rate, FACILITY_LIFETIME_YEARS))
    energy_only = power_costs_usd_per_year_per_chip(
        accelerator_power_w=ref["accelerator_power_w"], price_usd_per_kwh=price_usd_per_kwh,
        pue=P.pue, utilization=P.utilization)
    return {"base_price_usd": P.accelerator_price_usd * (1.0 + P.system_overhead_fraction),
            "power_cost_usd_per_year": k, "energy_cost_usd_per_year": energy_only, "crf": crf,
            "compared_perf_per_watt": r, "ratio": 1.0 / r, "utilization": P.utilization}


def premiums_at_rental(w: dict[str, Any], rental_usd_per_hour: float, *,
                       facility_sunk: bool = False) -> dict[str, float]:
    """:func:`efficiency_premiums` when an H100-hour is worth ``rental_usd_per_hour``; with
    ``facility_sunk`` a chip-slot costs only its energy (an existing site, whose facility is
    paid whatever fills it)."""
    return efficiency_premiums(
        compared_price_usd=w["base_price_usd"],
        compared_perf_per_watt=w["compared_perf_per_watt"],
        reference_value_usd_per_year=compute_value_usd_per_year(rental_usd_per_hour,
                                                                w["utilization"]),
        power_cost_usd_per_year=w["energy_cost_usd_per_year" if facility_sunk
                                  else "power_cost_usd_per_year"],
        crf=w["crf"])


def rental_threshold_usd_per_hour(base_price_usd, power_cost_usd_per_year, crf, utilization,
                                  compared_perf_per_watt=1.0):
    """H100 rental rate (USD per H100-hour) above which a power cap can bind, and so raise the
    price a buyer pays for efficiency (capped premium > uncapped premium): the rate at which
    the compared chip's output, R x the H100 rate per hour of work, pays the compared chip's
    full cost per hour of work, (price x CRF + power costs) / (utilization x hours). Below
    it no buyer fills megawatts with compared chips, and megawatts are not scarce."""
    full = (base_price_usd * crf + power_cost_usd_per_year) / (utilization * HOURS_PER_YEAR)
    return full / compared_perf_per_watt
