"""Power as the constraint: the highest price a buyer pays for performance per watt.

Definitions used once, here, and by the whole chapter:

- A *chip-slot* is the power (and the facility share) one accelerator takes. Its value is
  what the best chip, the H100, earns in it above its full annual cost (capital, power,
  facility), or 0 when it earns less: :func:`slot_value_usd_per_year`.
- *Power binds* when a chip-slot has a positive value: the megawatts are scarce, since more
  of them would be filled at a profit. That happens above :func:`binding_rental_usd_per_hour`.
- A *fixed allocation of power* (the "capped" regime) is a site whose number of chip-slots
  is fixed: a grid allocation, with the facility not yet built (so an empty slot saves its
  facility share as well as its energy). Whether a cap *raises* the premium over the
  uncapped regime is a third question: it does only when the compared chip pays its own
  full cost, above :func:`rental_threshold_usd_per_hour`.

Revenue is counted on the hours that are paid for: a reserved (one-year contract) GPU-hour
is paid whether the chip works or not, so its rate is earned on the rented fraction of all
hours; an on-demand (spot) rate is earned only on the hours used (the utilization). Power is
drawn on the hours used. Pure functions of plain numbers (USD, USD per year, ratios).
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

#: How a rental rate is paid: for every contracted hour, or for the hours used.
RESERVED, ON_DEMAND = "reserved", "on-demand"


def power_costs_usd_per_year_per_chip(
    *,
    accelerator_power_w,
    price_usd_per_kwh,
    pue,
    utilization,
    facility_capex_usd_per_mw=0.0,
    facility_crf=0.0,
    server_power_factor=1.0,
):
    """Annual power-related cost of one accelerator: its energy plus its share of the facility."""
    it_mw = accelerator_power_w * server_power_factor / W_PER_MW
    energy = it_mw * utilization * pue * HOURS_PER_YEAR * KWH_PER_MWH * price_usd_per_kwh
    facility = it_mw * facility_capex_usd_per_mw * facility_crf
    return energy + facility


def paid_fraction(contract: str, *, rented_fraction: float, utilization: float) -> float:
    """Fraction of the year's hours on which a rental rate is earned: the rented fraction
    for a reserved rate (paid for every contracted hour), the utilization for an on-demand
    rate (paid only for the hours used)."""
    if contract == RESERVED:
        return float(rented_fraction)
    if contract == ON_DEMAND:
        return float(utilization)
    raise ValueError(f"contract must be {RESERVED!r} or {ON_DEMAND!r}, not {contract!r}")


def compute_value_usd_per_year(rental_usd_per_hour, paid_fraction_of_year):
    """Market value of one accelerator's output per year: its rental rate on the hours that
    are paid for (see :func:`paid_fraction`)."""
    return rental_usd_per_hour * paid_fraction_of_year * HOURS_PER_YEAR


def slot_value_usd_per_year(value_usd_per_year, price_usd, crf, power_cost_usd_per_year):
    """What a chip-slot is worth a year: the chip's earnings above its full annual cost
    (price x capital recovery factor + power and facility), never below 0 (a slot that no
    chip fills at a profit is left empty). Positive means power binds."""
    out = np.maximum(
        np.asarray(value_usd_per_year, dtype=float) - price_usd * crf - power_cost_usd_per_year, 0.0
    )
    return out.item() if out.ndim == 0 else out


def binding_rental_usd_per_hour(price_usd, power_cost_usd_per_year, crf, paid_fraction_of_year):
    """Rental rate (USD per paid hour) above which power binds: where the best chip's output
    pays its full annual cost, (price x CRF + power costs) / (paid fraction x hours)."""
    return (price_usd * crf + power_cost_usd_per_year) / (paid_fraction_of_year * HOURS_PER_YEAR)


def rental_threshold_usd_per_hour(
    base_price_usd, power_cost_usd_per_year, crf, paid_fraction_of_year, compared_perf_per_watt=1.0
):
    """H100 rental rate above which a fixed allocation of power *raises* the price of
    efficiency above its uncapped price: where the compared chip's output, R x the H100's,
    pays the compared chip's full cost. Not where a cap binds (that is
    :func:`binding_rental_usd_per_hour`, lower by the factor R)."""
    return (
        binding_rental_usd_per_hour(
            base_price_usd, power_cost_usd_per_year, crf, paid_fraction_of_year
        )
        / compared_perf_per_watt
    )


def breakeven_perf_per_watt(
    reference_value_usd_per_year, price_usd, crf, power_cost_usd_per_year
) -> float:
    """Performance per watt (a multiple of the H100's) at which a chip with the H100's price
    and power starts to pay its full cost: (price x CRF + K) / V. Below it the capped and
    uncapped premiums are both the H100's own break-even price, whatever the ratio; above 1
    not even the H100 pays at this value of compute."""
    if reference_value_usd_per_year <= 0:
        return float("inf")
    return float((price_usd * crf + power_cost_usd_per_year) / reference_value_usd_per_year)


def max_price_usd(
    *,
    base_price_usd,
    perf_per_watt_ratio,
    base_value_usd_per_year,
    power_cost_usd_per_year,
    crf,
    slots_fixed: bool,
    outside_option: bool = True,
):
    """Highest price a buyer pays for a chip ``ratio`` (R) times as efficient as the base
    chip (same power per chip, R x its output), under one criterion for both regimes: the
    better chip must leave the buyer as well off as the best alternative use of what it
    takes.

    The base chip earns V0 = ``base_value_usd_per_year`` and costs c0 a + K a year (price
    x capital recovery factor a, plus K, the power and facility cost of a chip-slot), a
    profit of pi0 = V0 - c0 a - K. The better chip at price c1 earns R V0 - c1 a - K.

    - ``slots_fixed`` (a fixed allocation of power): the alternative to the better chip in a
      slot is the base chip in that slot, or, with ``outside_option``, the slot left empty,
      worth max(0, pi0).
    - Otherwise (more power can be had): the alternative is R base chips delivering the same
      output, worth R pi0, or, with ``outside_option``, not producing at all, max(0, R pi0).

    c1 = (R V0 - K - alternative) / a, and never below 0. When pi0 >= 0 this is
    c0 + (R - 1) V0 / a (slots fixed) and R c0 + (R - 1) K / a (equal cost per output);
    when pi0 < 0 both are the better chip's own break-even price (R V0 - K) / a, which does
    not depend on R x V0 being split into R and V0: an identity, not a finding.
    Without the outside option (``outside_option=False``) the formulas above hold at any
    pi0, which overstates the price when the base chip loses money."""
    r = np.asarray(perf_per_watt_ratio, dtype=float)
    v0 = np.asarray(base_value_usd_per_year, dtype=float)
    pi0 = v0 - base_price_usd * crf - power_cost_usd_per_year
    if outside_option:
        pi0 = np.maximum(pi0, 0.0)
    alternative = pi0 if slots_fixed else r * pi0
    out = np.maximum((r * v0 - power_cost_usd_per_year - alternative) / crf, 0.0)
    return out.item() if out.ndim == 0 else out


def efficiency_premiums(
    *,
    compared_price_usd,
    compared_perf_per_watt,
    reference_value_usd_per_year,
    power_cost_usd_per_year,
    crf,
) -> dict[str, float]:
    """The chapter's one definition of the premium for performance per watt.

    The reference chip is the H100 (the best chip), whose output is worth
    ``reference_value_usd_per_year``. The compared chip draws the same power per chip,
    delivers ``compared_perf_per_watt`` (R <= 1) times the H100's output, so its output is
    worth R x that value, and sells at ``compared_price_usd``. Returns the highest price of
    the H100 as a multiple of the compared chip's price (:func:`max_price_usd`) with a fixed
    allocation of power ('capped') and without ('uncapped'), and
    'capped_without_outside_option' (the capped formula that assumes the megawatts would
    otherwise hold compared chips, even when they lose money)."""
    r = float(compared_perf_per_watt)
    if not 0.0 < r <= 1.0:
        raise ValueError("compared_perf_per_watt must be in (0, 1]")
    c0 = float(compared_price_usd)
    kw = dict(
        base_price_usd=c0,
        perf_per_watt_ratio=1.0 / r,
        base_value_usd_per_year=r * reference_value_usd_per_year,
        power_cost_usd_per_year=power_cost_usd_per_year,
        crf=crf,
    )
    return {
        "capped": max_price_usd(**kw, slots_fixed=True) / c0,
        "uncapped": max_price_usd(**kw, slots_fixed=False) / c0,
        "capped_without_outside_option": max_price_usd(**kw, slots_fixed=True, outside_option=False)
        / c0,
    }


def full_cost_usd_per_year(w: dict[str, Any], *, facility_sunk: bool = False) -> float:
    """A chip's whole annual cost (the compared chip and the H100 share price and power):
    its capital charge and its slot's power and facility cost (energy only when the facility
    is sunk)."""
    k = w["energy_cost_usd_per_year" if facility_sunk else "power_cost_usd_per_year"]
    return float(w["base_price_usd"] * w["crf"] + k)


def wtp_inputs(P: Params, ref: dict[str, float], price_usd_per_kwh: float) -> dict[str, Any]:
    """Inputs of the willingness-to-pay model (see :func:`efficiency_premiums`): the base is
    the compared chip, at the accelerator price (system price with the server overhead),
    ``compared_perf_per_watt`` (R) times an H100's output. Returns base_price_usd,
    power_cost_usd_per_year (energy and facility share of a chip-slot),
    energy_cost_usd_per_year (energy alone: the slot's cost once the facility is sunk), crf,
    compared_perf_per_watt, ratio (the H100's efficiency over the compared chip, 1/R),
    utilization (hours used: power and on-demand revenue) and rented_fraction (hours paid
    at a reserved rate)."""
    r = float(P.compared_perf_per_watt)
    crf = capital_recovery_factor(P.discount_rate, P.accelerator_lifetime_years)
    chip = dict(
        accelerator_power_w=ref["accelerator_power_w"],
        price_usd_per_kwh=price_usd_per_kwh,
        pue=P.pue,
        utilization=P.utilization,
        server_power_factor=P.server_power_factor,
    )
    k = power_costs_usd_per_year_per_chip(
        **chip,
        facility_capex_usd_per_mw=ref["facility_capex_usd_per_mw"],
        facility_crf=capital_recovery_factor(P.discount_rate, FACILITY_LIFETIME_YEARS),
    )
    energy_only = power_costs_usd_per_year_per_chip(**chip)
    return {
        "base_price_usd": P.accelerator_price_usd * (1.0 + P.system_overhead_fraction),
        "power_cost_usd_per_year": k,
        "energy_cost_usd_per_year": energy_only,
        "crf": crf,
        "compared_perf_per_watt": r,
        "ratio": 1.0 / r,
        "utilization": P.utilization,
        "rented_fraction": P.rented_fraction,
    }


def value_at(w: dict[str, Any], rental_usd_per_hour, contract: str = RESERVED):
    """An H100's output value a year at ``rental_usd_per_hour`` paid as ``contract``."""
    return compute_value_usd_per_year(
        rental_usd_per_hour,
        paid_fraction(contract, rented_fraction=w["rented_fraction"], utilization=w["utilization"]),
    )


def premiums_at_rental(
    w: dict[str, Any],
    rental_usd_per_hour: float,
    contract: str = RESERVED,
    *,
    facility_sunk: bool = False,
) -> dict[str, float]:
    """:func:`efficiency_premiums` when an H100-hour is worth ``rental_usd_per_hour``, paid
    as ``contract``; with ``facility_sunk`` a chip-slot costs only its energy (an existing
    site, whose facility is paid whatever fills it)."""
    return efficiency_premiums(
        compared_price_usd=w["base_price_usd"],
        compared_perf_per_watt=w["compared_perf_per_watt"],
        reference_value_usd_per_year=value_at(w, rental_usd_per_hour, contract),
        power_cost_usd_per_year=w[
            "energy_cost_usd_per_year" if facility_sunk else "power_cost_usd_per_year"
        ],
        crf=w["crf"],
    )
