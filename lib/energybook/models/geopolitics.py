"""Energy geopolitics and the economics of power: pure models.

Six questions, one group of functions each:

1. 945 TWh in context: :func:`share_of_national_demand`, :func:`supply_growth_comparison`.
2. Total cost of ownership of an AI campus: :func:`campus_tco`, :func:`tco_by_country`,
   :func:`tco_stack`.
3. Time-to-power: :func:`idle_capital_usd_per_month`, :func:`breakeven_price_premium_usd_per_kwh`,
   :func:`breakeven_onsite_capex_usd_per_kw`, :func:`fast_power_extra_usd_per_kwh`,
   :func:`breakeven_wait_months`, :func:`time_to_power_labels`, :func:`time_to_power_tradeoff`.
4. Power as the constraint: :func:`max_price_uncapped_usd`, :func:`max_price_capped_usd`,
   :func:`willingness_to_pay_curve`.
5. China against the United States: :func:`compare_regions`, :func:`datacentre_gw_supported`.
6. Carbon: :func:`campus_emissions_t_per_year`, :func:`training_run_energy_mwh`,
   :func:`carbon_by_country`.

Plain floats / numpy arrays / DataFrames in and out; units in the names; no I/O. Tables come
from ``energybook.data.load_table`` in the notebook and are passed in.

Conventions used throughout

- ``utilization`` is the fraction of the year the accelerators do useful work at their peak
  rate (so it scales both the energy drawn and the compute delivered; idle power is ignored).
- Capital is turned into an annual charge with the capital recovery factor
  (:func:`capital_recovery_factor`): an annuity at ``discount_rate`` over the lifetime
  (straight-line when the rate is 0).
- An accelerator's IT power is its board power times ``server_power_factor`` (1 = board power
  only, a lower bound; host CPUs, memory and network add to it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from energybook import units

HOURS_PER_YEAR = units.HOURS_PER_YEAR
SECONDS_PER_HOUR = units.factor("hour", "s")
KWH_PER_MWH = units.factor("MWh", "kWh")
W_PER_MW = units.factor("MW", "W")
KW_PER_MW = units.factor("MW", "kW")
W_PER_KW = units.factor("kW", "W")
FLOP_PER_EFLOP = 1e18  # SI prefix exa
G_PER_T = units.factor("t", "g")
MONTHS_PER_YEAR = 12.0

TCO_COMPONENTS = ("accelerators", "servers_network", "facility", "energy")


# --------------------------------------------------------------------------- 1. 945 TWh


def share_of_national_demand(national: pd.DataFrame, dc_energy_twh: float = 945.0,
                             year: int = 2024) -> pd.DataFrame:
    """Data-centre electricity as a share (and multiple) of each country's demand in ``year``.

    ``national`` has columns country, year, demand_twh (the ``national_electricity`` table).
    Returns country, year, demand_twh, dc_energy_twh, share_of_demand (dc / demand),
    sorted by demand, largest first.
    """
    df = national.loc[national["year"] == year, ["country", "year", "demand_twh"]].copy()
    df = df.dropna(subset=["demand_twh"])
    df["dc_energy_twh"] = float(dc_energy_twh)
    df["share_of_demand"] = df["dc_energy_twh"] / df["demand_twh"]
    return df.sort_values("demand_twh", ascending=False).reset_index(drop=True)


def dc_growth_twh_per_year(start_twh: float, end_twh: float, years: float) -> float:
    """Average new electricity data centres need each year to grow from start to end (linear)."""
    if years <= 0:
        raise ValueError("years must be positive")
    return (end_twh - start_twh) / years


def generation_from_capacity_twh(capacity_gw, capacity_factor):
    """Annual generation (TWh/yr) of ``capacity_gw`` running at ``capacity_factor``."""
    return units.twh_per_year_from_gw(np.asarray(capacity_gw, dtype=float) * capacity_factor)


def supply_growth_comparison(additions: pd.DataFrame, dc_growth_twh: float,
                             capacity_factor: float) -> pd.DataFrame:
    """New data-centre demand per year against what each country adds per year.

    ``additions`` has columns country, year, additions_gw and optionally
    generation_growth_twh (rows of ``capacity_additions`` with technology == 'all').
    Returns country, year, additions_gw, generation_from_additions_twh (additions x capacity
    factor x hours), generation_growth_twh, dc_growth_twh, dc_share_of_additions and
    dc_share_of_generation_growth (NaN where the input is a gap).
    """
    cols = ["country", "year", "additions_gw"]
    df = additions[cols + (["generation_growth_twh"] if "generation_growth_twh" in additions
                           else [])].copy()
    if "generation_growth_twh" not in df:
        df["generation_growth_twh"] = np.nan
    df["generation_from_additions_twh"] = generation_from_capacity_twh(
        df["additions_gw"].astype(float), capacity_factor)
    df["dc_growth_twh"] = float(dc_growth_twh)
    df["dc_share_of_additions"] = df["dc_growth_twh"] / df["generation_from_additions_twh"]
    df["dc_share_of_generation_growth"] = df["dc_growth_twh"] / df["generation_growth_twh"]
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- 2. TCO


def capital_recovery_factor(discount_rate, lifetime_years):
    """Annual payment per unit of capital: r / (1 - (1+r)^-n); 1/n when r = 0."""
    r = np.asarray(discount_rate, dtype=float)
    n = np.asarray(lifetime_years, dtype=float)
    if np.any(n <= 0):
        raise ValueError("lifetime must be positive")
    if np.any(r < 0):
        raise ValueError("discount rate must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        # 1 - (1+r)^-n written as -expm1(-n log1p(r)); below 1e-9 (where subnormal
        # rates would lose all precision) the first-order expansion 1/n + r(n+1)/(2n).
        exact = r / -np.expm1(-n * np.log1p(r))
        crf = np.where(r > 1e-9, exact, 1.0 / n + r * (n + 1.0) / (2.0 * n))
    return crf.item() if crf.ndim == 0 else crf


def accelerators_for_power(it_power_mw, accelerator_power_w, server_power_factor=1.0):
    """Number of accelerators an IT load of ``it_power_mw`` powers (fractional)."""
    return np.asarray(it_power_mw, dtype=float) * W_PER_MW / (
        accelerator_power_w * server_power_factor)


def campus_tco(*, it_power_mw, accelerator_price_usd, accelerator_power_w,
               accelerator_peak_flop_per_s, price_usd_per_kwh, pue, utilization,
               accelerator_lifetime_years, discount_rate=0.0,
               facility_capex_usd_per_mw=0.0, facility_lifetime_years=20.0,
               system_overhead_fraction=0.0, server_power_factor=1.0) -> dict:
    """Annual total cost of ownership of an AI campus and its parts.

    The campus has ``it_power_mw`` of IT load, filled with accelerators of the given price,
    board power and peak throughput. Annual costs (USD/yr):

    - accelerators: n x price x CRF(rate, accelerator lifetime)
    - servers_network: accelerators x ``system_overhead_fraction``
    - facility: IT MW x facility capex per MW x CRF(rate, facility lifetime)
    - energy: IT MW x utilization x PUE x hours x price

    Every argument may be a numpy array (broadcast). Returns a dict with n_accelerators,
    one key ``<component>_usd_per_year`` per component in :data:`TCO_COMPONENTS`,
    total_usd_per_year, energy_share, energy_mwh_per_year, compute_eflop_per_year and
    usd_per_eflop.
    """
    p_mw = np.asarray(it_power_mw, dtype=float)
    n_acc = accelerators_for_power(p_mw, accelerator_power_w, server_power_factor)
    crf_acc = capital_recovery_factor(discount_rate, accelerator_lifetime_years)
    crf_fac = capital_recovery_factor(discount_rate, facility_lifetime_years)
    acc = n_acc * accelerator_price_usd * crf_acc
    sys = acc * system_overhead_fraction
    fac = p_mw * facility_capex_usd_per_mw * crf_fac
    energy_mwh = p_mw * utilization * pue * HOURS_PER_YEAR
    energy = energy_mwh * KWH_PER_MWH * price_usd_per_kwh
    total = acc + sys + fac + energy
    compute_eflop = (n_acc * accelerator_peak_flop_per_s * utilization * HOURS_PER_YEAR
                     * SECONDS_PER_HOUR / FLOP_PER_EFLOP)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, energy / total, 0.0)
        per_eflop = np.where(compute_eflop > 0, total / compute_eflop, np.inf)
    out = {
        "n_accelerators": n_acc,
        "accelerators_usd_per_year": acc,
        "servers_network_usd_per_year": sys,
        "facility_usd_per_year": fac,
        "energy_usd_per_year": energy,
        "total_usd_per_year": total,
        "energy_share": share,
        "energy_mwh_per_year": energy_mwh,
        "compute_eflop_per_year": compute_eflop,
        "usd_per_eflop": per_eflop,
    }
    return {k: (float(v) if np.ndim(v) == 0 else np.asarray(v, dtype=float))
            for k, v in out.items()}


def resolve_price_usd_per_kwh(prices: pd.DataFrame, country: str, *,
                              use_override: bool = False,
                              override_usd_per_kwh: float | None = None) -> float:
    """The electricity price to use for ``country``.

    With ``use_override`` the override is returned as is. Otherwise the most recent
    non-blank ``price_usd_per_kwh`` of the country in ``prices`` (the ``country_prices``
    table), preferring 'industrial' over other consumer classes. Raises ValueError when the
    country has no sourced price (a gap is not silently filled).
    """
    if use_override:
        if override_usd_per_kwh is None or override_usd_per_kwh < 0:
            raise ValueError("an override price >= 0 is required when use_override is true")
        return float(override_usd_per_kwh)
    rows = prices[(prices["country"] == country) & prices["price_usd_per_kwh"].notna()]
    if rows.empty:
        raise ValueError(f"no sourced electricity price for {country!r}; set an override")
    rows = rows.assign(_ind=(rows["consumer"] == "industrial") if "consumer" in rows else True)
    rows = rows.sort_values(["_ind", "year"], ascending=[False, False])
    return float(rows.iloc[0]["price_usd_per_kwh"])


def latest_prices(prices: pd.DataFrame) -> pd.DataFrame:
    """One price per country (the one :func:`resolve_price_usd_per_kwh` picks); gaps dropped."""
    out = []
    for country in prices["country"].unique():
        try:
            out.append((country, resolve_price_usd_per_kwh(prices, country)))
        except ValueError:
            continue
    return pd.DataFrame(out, columns=["country", "price_usd_per_kwh"])


def tco_by_country(country_prices: pd.DataFrame, **campus) -> pd.DataFrame:
    """:func:`campus_tco` for each country's price.

    ``country_prices`` has columns country, price_usd_per_kwh (e.g. :func:`latest_prices`);
    ``campus`` are the other keyword arguments of :func:`campus_tco`. Returns one row per
    country: country, price_usd_per_kwh, the four component costs, total_usd_per_year,
    energy_share, usd_per_eflop.
    """
    rows = []
    for country, price in zip(country_prices["country"], country_prices["price_usd_per_kwh"],
                              strict=True):
        r = campus_tco(price_usd_per_kwh=float(price), **campus)
        rows.append({"country": country, "price_usd_per_kwh": float(price),
                     **{f"{c}_usd_per_year": r[f"{c}_usd_per_year"] for c in TCO_COMPONENTS},
                     "total_usd_per_year": r["total_usd_per_year"],
                     "energy_share": r["energy_share"], "usd_per_eflop": r["usd_per_eflop"]})
    return pd.DataFrame(rows)


def tco_stack(tco: pd.DataFrame) -> pd.DataFrame:
    """Long form of :func:`tco_by_country` for a stacked bar chart.

    Returns country, component, cost_usd_per_year, share (of the country's total).
    """
    long = tco.melt(id_vars=["country"], value_vars=[f"{c}_usd_per_year" for c in TCO_COMPONENTS],
                    var_name="component", value_name="cost_usd_per_year")
    long["component"] = long["component"].str.removesuffix("_usd_per_year")
    totals = long.groupby("country")["cost_usd_per_year"].transform("sum")
    long["share"] = long["cost_usd_per_year"] / totals
    return long


# --------------------------------------------------------------------------- 3. time to power


def idle_capital_usd_per_month(tco: dict) -> float:
    """Capital charge lost per month while a built campus waits for power.

    The annual capital charge (accelerators + servers/network + facility) of a :func:`campus_tco`
    result, over twelve months. It counts only the cost of the capital (depreciation and
    interest), not the profit the missing compute would have earned: a lower bound on the
    value of time.
    """
    annual = (tco["accelerators_usd_per_year"] + tco["servers_network_usd_per_year"]
              + tco["facility_usd_per_year"])
    return annual / MONTHS_PER_YEAR


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

    wait x idle capital per month / site power (IT power x PUE), in USD per kW. Compare
    with the cost of a combined-cycle plant (``compute_costs``: ccgt_capex). Counts the
    on-site plant as sunk (no resale, fuel costed at the grid price).
    """
    wait = np.asarray(wait_months, dtype=float)
    if np.any(wait < 0):
        raise ValueError("wait must be >= 0")
    out = wait * idle_usd_per_month / site_power_kw
    return out.item() if out.ndim == 0 else out


def fast_power_extra_usd_per_kwh(premium_price_usd_per_kwh, grid_price_usd_per_kwh) -> float:
    """Extra price per kWh of fast power over the grid power it replaces.

    Not clipped: at or below zero fast power costs nothing extra, and a negative value is
    what it *saves* per kWh (fast power cheaper than the grid), a real saving that the
    time-to-power chart shows below zero.
    """
    return float(premium_price_usd_per_kwh) - float(grid_price_usd_per_kwh)


def breakeven_wait_months(extra_usd_per_kwh, energy_kwh_per_year, premium_years,
                          idle_usd_per_month) -> float:
    """Shortest grid wait beyond which fast power pays for itself.

    The extra cost of fast power over ``premium_years`` (extra x energy per year x years,
    undiscounted) over the idle capital lost per month of waiting. Clipped at 0 months, and
    only here, because a wait cannot be negative: when fast power costs no more than grid
    power (``extra_usd_per_kwh`` <= 0) it pays at any wait, and the break-even wait is 0.
    """
    if idle_usd_per_month <= 0:
        raise ValueError("idle capital per month must be positive")
    if energy_kwh_per_year < 0 or premium_years <= 0:
        raise ValueError("energy must be >= 0 and premium years positive")
    return (max(float(extra_usd_per_kwh), 0.0) * energy_kwh_per_year * premium_years
            / idle_usd_per_month)


FAST_POWER_COSTS_MORE = "costs more"
FAST_POWER_SAME_PRICE = "same price"
FAST_POWER_CHEAPER = "cheaper"


def fast_power_case(extra_usd_per_kwh: float, tol: float = 1e-12) -> str:
    """Whether fast power costs more than grid power, the same, or less (one of the
    ``FAST_POWER_*`` constants); differences within ``tol`` USD/kWh count as the same."""
    if extra_usd_per_kwh > tol:
        return FAST_POWER_COSTS_MORE
    if extra_usd_per_kwh < -tol:
        return FAST_POWER_CHEAPER
    return FAST_POWER_SAME_PRICE


def time_to_power_labels(premium_price_usd_per_kwh: float, grid_price_usd_per_kwh: float,
                         wait_months: float) -> dict:
    """Words for the time-to-power prose and chart, for the three cases of
    :func:`fast_power_case`.

    ``wait_months`` is the break-even wait (:func:`breakeven_wait_months`). Returns
    breakeven_wait_label (ends the sentence "fast power is worth paying: ..."),
    conclusion_wait_label (the conclusion's clause on the price of time), chart_title,
    chart_caption_lines (the caption's description of the two lines) and
    premium_series (the legend name of the fast-power line). When fast power costs no more
    than grid power, no "0.0 months" crossing is claimed: the words say it pays at any wait.
    """
    extra = fast_power_extra_usd_per_kwh(premium_price_usd_per_kwh, grid_price_usd_per_kwh)
    case = fast_power_case(extra)
    prices = (f"at {premium_price_usd_per_kwh:.3f} USD/kWh it "
              + ("costs the same as" if case == FAST_POWER_SAME_PRICE else "is cheaper than")
              + f" the {grid_price_usd_per_kwh:.3f} USD/kWh grid power it replaces")
    if case == FAST_POWER_COSTS_MORE:
        return {
            "breakeven_wait_label": f"it pays for itself once the wait exceeds "
                                    f"{wait_months:.1f} months",
            "conclusion_wait_label": f"a wait of {wait_months:.1f} months costs as much as "
                                     "paying the premium power price for the accelerators' "
                                     "whole lifetime",
            "chart_title": "Time to power: the cost of waiting against the cost of fast power",
            "chart_caption_lines": "the idle capital lost while waiting rises in a straight "
                                   "line, and the extra cost of paying the premium power price "
                                   "over the accelerators' lifetime is flat; they cross at "
                                   f"{wait_months:.1f} months, beyond which fast power pays",
            "premium_series": "Paying for fast power (extra over the lifetime)",
        }
    saving = ("costs nothing extra" if case == FAST_POWER_SAME_PRICE
              else f"saves {-extra:.3f} USD/kWh")
    return {
        "breakeven_wait_label": f"{prices}, so it {saving} and pays at any wait (its break-even "
                                "wait is zero)",
        "conclusion_wait_label": f"with these prices fast power {saving} against grid power, "
                                 "so waiting for the grid only loses idle capital and fast "
                                 "power pays at any wait",
        "chart_title": "Time to power: fast power costs no more than the grid, so it pays at "
                       "any wait",
        "chart_caption_lines": "the idle capital lost while waiting rises in a straight line "
                               "from zero; the line for fast power is flat "
                               + ("at zero, because the premium power price equals the grid "
                                  "price" if case == FAST_POWER_SAME_PRICE else
                                  "and below zero, a lifetime saving, because the premium "
                                  "power price is below the grid price")
                               + ", so the lines never cross after zero months and fast power "
                               "pays at any wait",
        "premium_series": ("Paying for fast power (no extra cost)"
                           if case == FAST_POWER_SAME_PRICE else
                           "Paying for fast power (a saving: below zero)"),
    }


def time_to_power_tradeoff(wait_months, *, idle_usd_per_month, energy_kwh_per_year,
                           premium_usd_per_kwh, premium_years, site_power_kw) -> pd.DataFrame:
    """The time-to-power chart: cost of waiting against cost of paying for fast power.

    For each wait (months): idle_cost_usd (waiting), premium_cost_usd (paying
    ``premium_usd_per_kwh`` over ``premium_years``; negative when fast power is cheaper
    than the grid, a saving), fast_power_pays (bool: waiting costs more than fast power),
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


# --------------------------------------------------------------------------- 4. power cap


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
    profit: c1 = c0 + (R - 1) V / a. Grows without bound with the value of compute.
    """
    r = np.asarray(perf_per_watt_ratio, dtype=float)
    out = base_price_usd + (r - 1.0) * value_usd_per_year / crf
    return out.item() if out.ndim == 0 else out


def compute_value_usd_per_year(rental_usd_per_hour, utilization):
    """Market value of one accelerator's output per year, priced at its rental rate."""
    return rental_usd_per_hour * utilization * HOURS_PER_YEAR


def efficiency_premiums(*, compared_price_usd, compared_perf_per_watt,
                        reference_value_usd_per_year, power_cost_usd_per_year, crf) -> dict:
    """The chapter's one definition of the premium for performance per watt.

    The reference chip is the H100 (the best chip), whose output is worth
    ``reference_value_usd_per_year`` (its rental value). The compared chip draws the same
    power per chip, delivers ``compared_perf_per_watt`` (R <= 1) times the H100's output, so
    its output is worth R x that value, and sells at ``compared_price_usd`` (the chapter
    assumes the accelerator price, as in the China section). The H100 is 1/R times as
    efficient. Returns {'capped', 'uncapped'}: the highest price of the H100 as a multiple of
    the compared chip's price, when power binds (:func:`max_price_capped_usd`) and when it
    does not (:func:`max_price_uncapped_usd`), both with the compared chip as the base.
    """
    r = float(compared_perf_per_watt)
    if not 0.0 < r <= 1.0:
        raise ValueError("compared_perf_per_watt must be in (0, 1]")
    c0 = float(compared_price_usd)
    ratio = 1.0 / r
    compared_value = r * reference_value_usd_per_year
    return {"capped": max_price_capped_usd(c0, ratio, compared_value, crf) / c0,
            "uncapped": max_price_uncapped_usd(c0, ratio, power_cost_usd_per_year, crf) / c0}


def willingness_to_pay_curve(perf_per_watt_ratios, *, base_price_usd, power_cost_usd_per_year,
                             value_usd_per_year, crf) -> pd.DataFrame:
    """The power-capped willingness-to-pay chart (long form).

    For each ratio: regime ('power not binding' / 'power binding'), max_price_usd and
    premium (max price / base price).
    """
    r = np.atleast_1d(np.asarray(perf_per_watt_ratios, dtype=float))
    unc = max_price_uncapped_usd(base_price_usd, r, power_cost_usd_per_year, crf)
    cap = max_price_capped_usd(base_price_usd, r, value_usd_per_year, crf)
    frames = [pd.DataFrame({"perf_per_watt_ratio": r, "regime": name, "max_price_usd": v,
                            "premium": v / base_price_usd})
              for name, v in (("power not binding", unc), ("power binding", cap))]
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- 5. China vs US


def compare_regions(regions: pd.DataFrame, **campus) -> pd.DataFrame:
    """Cost per unit of compute and power for the same compute, region by region.

    ``regions`` has columns region, price_usd_per_kwh, perf_per_watt_ratio (throughput of
    the region's accelerator relative to the reference one at the same power) and
    optionally accelerator_price_usd. ``campus`` are :func:`campus_tco` keywords for the
    reference accelerator (its ``accelerator_peak_flop_per_s`` is scaled by the ratio).

    Returns region, price_usd_per_kwh, perf_per_watt_ratio, usd_per_eflop, energy_share,
    cost_ratio (to the first row) and power_mw_for_same_compute (IT power the region needs
    to deliver the first row's compute).
    """
    rows = []
    for rec in regions.to_dict("records"):
        kw = dict(campus)
        kw["accelerator_peak_flop_per_s"] = campus["accelerator_peak_flop_per_s"] * \
            rec["perf_per_watt_ratio"]
        if "accelerator_price_usd" in rec and pd.notna(rec["accelerator_price_usd"]):
            kw["accelerator_price_usd"] = rec["accelerator_price_usd"]
        r = campus_tco(price_usd_per_kwh=rec["price_usd_per_kwh"], **kw)
        rows.append({"region": rec["region"], "price_usd_per_kwh": rec["price_usd_per_kwh"],
                     "perf_per_watt_ratio": rec["perf_per_watt_ratio"],
                     "usd_per_eflop": r["usd_per_eflop"], "energy_share": r["energy_share"],
                     "compute_eflop_per_year": r["compute_eflop_per_year"]})
    df = pd.DataFrame(rows)
    ref = df.iloc[0]
    df["cost_ratio"] = df["usd_per_eflop"] / ref["usd_per_eflop"]
    df["power_mw_for_same_compute"] = (campus["it_power_mw"] * ref["compute_eflop_per_year"]
                                       / df["compute_eflop_per_year"])
    return df.drop(columns="compute_eflop_per_year")


def datacentre_gw_supported(additions_gw, capacity_factor, pue, utilization):
    """IT capacity (GW) of data centres that a year's capacity additions could run.

    Average output of the additions (additions x capacity factor) divided by the average draw
    per GW of IT capacity (PUE x utilization).
    """
    return additions_gw * capacity_factor / (pue * utilization)


def capacity_factor_from_hours(utilization_hours):
    """Capacity factor of plant running ``utilization_hours`` full-load hours a year."""
    return utilization_hours / HOURS_PER_YEAR


# --------------------------------------------------------------------------- 6. carbon


def campus_emissions_t_per_year(it_power_mw, utilization, pue, carbon_intensity_g_per_kwh):
    """Annual emissions (tCO2e) of a campus drawing grid power of the given intensity."""
    kwh = it_power_mw * utilization * pue * HOURS_PER_YEAR * KWH_PER_MWH
    return kwh * carbon_intensity_g_per_kwh / G_PER_T


def training_run_energy_mwh(training_flop, peak_flop_per_s, accelerator_power_w, utilization,
                            pue, server_power_factor=1.0):
    """Facility energy (MWh) of a training run.

    Accelerator-seconds = FLOP / (peak FLOP/s x utilization); energy = that x board power x
    server_power_factor x PUE.
    """
    acc_seconds = training_flop / (peak_flop_per_s * utilization)
    joules = acc_seconds * accelerator_power_w * server_power_factor * pue
    return joules / units.factor("MWh", "J")


def carbon_by_country(grid_carbon: pd.DataFrame, *, campus_mwh_per_year: float,
                      training_mwh: float) -> pd.DataFrame:
    """Emissions of a year of a campus and of a training run on each country's grid.

    ``grid_carbon`` has country, year, carbon_intensity_g_per_kwh; the latest year per
    country is used. Returns country, year, carbon_intensity_g_per_kwh,
    campus_kt_per_year and training_t.
    """
    g = grid_carbon.sort_values("year").groupby("country", as_index=False).last()
    g = g[["country", "year", "carbon_intensity_g_per_kwh"]].copy()
    per_mwh_t = g["carbon_intensity_g_per_kwh"] * KWH_PER_MWH / G_PER_T
    g["campus_kt_per_year"] = campus_mwh_per_year * per_mwh_t / 1e3
    g["training_t"] = training_mwh * per_mwh_t
    return g.sort_values("carbon_intensity_g_per_kwh", ascending=False).reset_index(drop=True)


# --------------------------------------------------------------------------- headlines


def headline_numbers(params: dict, prices: pd.DataFrame, *, accelerator_power_w: float,
                     accelerator_peak_flop_per_s: float, facility_capex_usd_per_mw: float,
                     rental_usd_per_hour: float) -> dict:
    """The chapter's headline numbers from its parameters (see specs/geopolitics.py).

    ``prices`` is the ``country_prices`` table. The accelerator's power and peak throughput
    (reference chip), the facility capex per MW and the rental rate come from data.
    Returns plain floats.
    """
    p = params
    campus = dict(it_power_mw=p["campus_mw"], accelerator_price_usd=p["accelerator_price_usd"],
                  accelerator_power_w=accelerator_power_w,
                  accelerator_peak_flop_per_s=accelerator_peak_flop_per_s,
                  pue=p["pue"], utilization=p["utilization"],
                  accelerator_lifetime_years=p["accelerator_lifetime_years"],
                  discount_rate=p["discount_rate"],
                  facility_capex_usd_per_mw=facility_capex_usd_per_mw,
                  system_overhead_fraction=p["system_overhead_fraction"])

    def price(country):
        return resolve_price_usd_per_kwh(prices, country)

    out = {}
    for key, country in (("energy_share_us", "United States"), ("energy_share_china", "China"),
                         ("energy_share_germany", "Germany")):
        out[key] = campus_tco(price_usd_per_kwh=price(country), **campus)["energy_share"]

    own_price = resolve_price_usd_per_kwh(
        prices, p["country"], use_override=p["use_price_override"],
        override_usd_per_kwh=p["price_override_usd_per_kwh"])
    tco = campus_tco(price_usd_per_kwh=own_price, **campus)
    out["energy_share_selected"] = tco["energy_share"]
    out["usd_per_eflop_selected"] = tco["usd_per_eflop"]
    idle = idle_capital_usd_per_month(tco)
    out["idle_capital_usd_per_month"] = idle
    out["breakeven_premium_usd_per_kwh"] = breakeven_price_premium_usd_per_kwh(
        p["grid_wait_months"], idle, tco["energy_mwh_per_year"] * KWH_PER_MWH,
        p["accelerator_lifetime_years"])
    out["max_rational_price_usd_per_kwh"] = own_price + out["breakeven_premium_usd_per_kwh"]
    out["fast_power_pays"] = float(
        p["premium_power_price_usd_per_kwh"] <= out["max_rational_price_usd_per_kwh"])

    crf = capital_recovery_factor(p["discount_rate"], p["accelerator_lifetime_years"])
    fac_crf = capital_recovery_factor(p["discount_rate"], 20.0)
    k = power_costs_usd_per_year_per_chip(
        accelerator_power_w=accelerator_power_w, price_usd_per_kwh=own_price, pue=p["pue"],
        utilization=p["utilization"], facility_capex_usd_per_mw=facility_capex_usd_per_mw,
        facility_crf=fac_crf)
    prem = efficiency_premiums(
        compared_price_usd=p["accelerator_price_usd"] * (1.0 + p["system_overhead_fraction"]),
        compared_perf_per_watt=p["compared_perf_per_watt"],
        reference_value_usd_per_year=compute_value_usd_per_year(rental_usd_per_hour,
                                                                p["utilization"]),
        power_cost_usd_per_year=k, crf=crf)
    out["efficiency_premium_capped"] = prem["capped"]
    out["efficiency_premium_uncapped"] = prem["uncapped"]

    regions = pd.DataFrame({"region": ["United States", "China"],
                            "price_usd_per_kwh": [price("United States"), price("China")],
                            "perf_per_watt_ratio": [1.0, p["compared_perf_per_watt"]]})
    cmp = compare_regions(regions, **campus)
    out["china_us_cost_ratio"] = float(cmp["cost_ratio"].iloc[1])
    out["china_power_ratio_same_compute"] = float(
        cmp["power_mw_for_same_compute"].iloc[1] / p["campus_mw"])
    return {k: float(v) for k, v in out.items()}


# --------------------------------------------------------------------------- chapter helpers
#
# Thin functions that turn the tables and the chapter's parameters into the numbers and the
# chart datasets the notebook shows. They only combine the models above.

REFERENCE_CHIP = "H100 SXM"
PRICE_GAP = "no sourced price (gap)"


def _cost_item(costs: pd.DataFrame, item: str, column: str = "value") -> float:
    rows = costs[costs["item"] == item].sort_values("year")
    if rows.empty:
        raise KeyError(f"compute_costs has no item {item!r}")
    return float(rows.iloc[-1][column])


def reference_inputs(accelerators: pd.DataFrame, compute_costs: pd.DataFrame,
                     chip: str = REFERENCE_CHIP) -> dict:
    """The data-derived constants of the chapter (reference chip and cost items).

    Returns plain floats: accelerator_power_w (board power), accelerator_peak_flop_per_s
    (dense BF16 peak), facility_capex_usd_per_mw, rental_usd_per_hour (1-year contract, the
    2025 cycle low), rental_peak_usd_per_hour (2023 scarcity), ccgt_capex_usd_per_kw,
    training_flop (GPT-4, Epoch's estimate), published energy-share bounds and the PUE
    reference points.
    """
    row = accelerators[accelerators["chip"] == chip]
    if len(row) != 1:
        raise KeyError(f"accelerators has no single row for {chip!r}")
    row = row.iloc[0]
    return {
        "accelerator_power_w": float(row["board_power_w"]),
        "accelerator_peak_flop_per_s": float(row["bf16_tflops"]) * 1e12,
        "facility_capex_usd_per_mw": _cost_item(compute_costs, "dc_construction_capex") * 1e6,
        "rental_usd_per_hour": _cost_item(compute_costs, "h100_rental_1yr"),
        "rental_high_usd_per_hour": _cost_item(compute_costs, "h100_rental_1yr", "high"),
        "rental_peak_usd_per_hour": _cost_item(compute_costs, "h100_rental_peak"),
        "ccgt_capex_usd_per_kw": _cost_item(compute_costs, "ccgt_capex"),
        "training_flop": _cost_item(compute_costs, "gpt4_training_compute"),
        "published_energy_share_low": _cost_item(
            compute_costs, "energy_share_frontier_development_cost", "low"),
        "published_energy_share_high": _cost_item(
            compute_costs, "energy_share_frontier_development_cost", "high"),
        "h100_price_low_usd": _cost_item(compute_costs, "h100_price", "low"),
        "h100_price_high_usd": _cost_item(compute_costs, "h100_price", "high"),
        "pue_best_fleet": _cost_item(compute_costs, "pue_google_fleet"),
        "pue_industry_average": _cost_item(compute_costs, "pue_industry_average"),
    }


def campus_kwargs(params: dict, ref: dict) -> dict:
    """Keyword arguments of :func:`campus_tco` from the chapter's parameters and data."""
    p = params
    return dict(it_power_mw=p["campus_mw"], accelerator_price_usd=p["accelerator_price_usd"],
                accelerator_power_w=ref["accelerator_power_w"],
                accelerator_peak_flop_per_s=ref["accelerator_peak_flop_per_s"],
                pue=p["pue"], utilization=p["utilization"],
                accelerator_lifetime_years=p["accelerator_lifetime_years"],
                discount_rate=p["discount_rate"],
                facility_capex_usd_per_mw=ref["facility_capex_usd_per_mw"],
                system_overhead_fraction=p["system_overhead_fraction"])


def selected_price_usd_per_kwh(params: dict, prices: pd.DataFrame) -> float:
    """The price the campus pays: the chosen country's sourced price or the override."""
    return resolve_price_usd_per_kwh(prices, params["country"],
                                     use_override=params["use_price_override"],
                                     override_usd_per_kwh=params["price_override_usd_per_kwh"])


def selected_label(params: dict) -> str:
    """How the page names the price used: the country, or the override."""
    if params["use_price_override"]:
        return f"an override price of {params['price_override_usd_per_kwh']:g} USD/kWh"
    country = params["country"]
    the = "the " if country in ("United States", "European Union") else ""
    return f"the industrial price of {the}{country}"


# 1. 945 TWh in context

def demand_chart_data(national: pd.DataFrame, dc: pd.DataFrame, year: int = 2024,
                      projection_year: int = 2030, case: str = "IEA Base") -> pd.DataFrame:
    """Bars for the 945 TWh chart: each country's demand in ``year`` beside the world's
    data centres (estimate for ``year`` and the projection). Columns label, kind, energy_twh,
    share_of_dc_projection (the projection as a share of the bar)."""
    world = dc[dc["scope"] == "World"]
    est = world[(world["year"] == year) & (world["case"] == "Estimate")]["energy_twh"]
    proj = world[(world["year"] == projection_year) & (world["case"] == case)]["energy_twh"]
    if len(est) != 1 or len(proj) != 1:
        raise KeyError("dc_electricity lacks the world estimate or projection")
    nat = share_of_national_demand(national, float(proj.iloc[0]), year)
    rows = [{"label": f"{c} demand ({year})", "kind": "National electricity demand",
             "energy_twh": float(d)} for c, d in zip(nat["country"], nat["demand_twh"],
                                                      strict=True)]
    rows.append({"label": f"Data centres, world ({year})", "kind": "Data centres (IEA)",
                 "energy_twh": float(est.iloc[0])})
    rows.append({"label": f"Data centres, world ({projection_year})",
                 "kind": "Data centres (IEA)", "energy_twh": float(proj.iloc[0])})
    df = pd.DataFrame(rows)
    df["projection_share"] = float(proj.iloc[0]) / df["energy_twh"]
    return df


def implied_capacity_factor(additions: pd.DataFrame, country: str = "China",
                            year: int = 2024) -> float:
    """Capacity factor a year's additions would need to supply that year's generation
    growth: generation growth / (additions x hours). For China in 2024 this is the new
    generation actually obtained per GW added (a mostly solar and wind mix)."""
    row = additions[(additions["country"] == country) & (additions["year"] == year)
                    & (additions["technology"] == "all")]
    if len(row) != 1 or row[["additions_gw", "generation_growth_twh"]].isna().any(axis=None):
        raise KeyError(f"no additions and generation growth for {country} {year}")
    r = row.iloc[0]
    return float(r["generation_growth_twh"] / generation_from_capacity_twh(r["additions_gw"], 1.0))


#: Countries the chapter discusses (Finland stands for the Nordics), in reading order.
CHAPTER_COUNTRIES = ("China", "United States", "Germany", "France", "Japan", "India", "Finland")


def supply_rows(additions: pd.DataFrame,
                countries: tuple[str, ...] = CHAPTER_COUNTRIES) -> pd.DataFrame:
    """All-technology rows of ``capacity_additions`` for every country of ``countries``.

    A country with no all-technology row gets one row of NaN (year, additions_gw,
    generation_growth_twh) and ``gap`` True, so the gap stays visible; nothing is filled in.
    Countries outside ``countries`` that have data follow at the end.
    """
    add = additions[additions["technology"] == "all"]
    cols = ["country", "year", "additions_gw", "generation_growth_twh"]
    add = add[[c for c in cols if c in add]].copy()
    add["gap"] = False
    order = list(countries) + sorted(set(add["country"]) - set(countries))
    parts = []
    for country in order:
        rows = add[add["country"] == country].sort_values("year")
        if rows.empty:
            rows = pd.DataFrame({"country": [country], "year": [np.nan],
                                 "additions_gw": [np.nan],
                                 "generation_growth_twh": [np.nan], "gap": [True]})
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)


def supply_table(additions: pd.DataFrame, dc_growth_twh: float,
                 capacity_factor: float,
                 countries: tuple[str, ...] = CHAPTER_COUNTRIES) -> pd.DataFrame:
    """Reader-facing table: what each country adds per year against data-centre growth.

    Every country of ``countries`` is listed; one with no sourced all-technology additions
    is a row of 'gap', and blank cells of sourced rows are shown as 'gap' too.
    """
    rows = supply_rows(additions, countries)
    df = supply_growth_comparison(rows, dc_growth_twh, capacity_factor)
    gap = rows["gap"].to_numpy()

    def fmt(v, spec):
        return "gap" if pd.isna(v) else format(v, spec)

    return pd.DataFrame({
        "Country": df["country"],
        "Year": ["gap" if pd.isna(y) else str(int(y)) for y in df["year"]],
        "Capacity added (GW)": [fmt(v, ",.1f") for v in df["additions_gw"]],
        "Generation growth (TWh)": [fmt(v, ",.0f") for v in df["generation_growth_twh"]],
        "Data-centre growth per year (TWh)": [fmt(v, ",.0f") for v in df["dc_growth_twh"]],
        "...as a share of the additions' output": [fmt(v, ".0%") for v in
                                                   df["dc_share_of_additions"]],
        "...as a share of generation growth": [fmt(v, ".0%") for v in
                                               df["dc_share_of_generation_growth"]],
        "Data": ["gap: no sourced total additions" if g else "sourced" for g in gap],
    })


# 2. TCO by country

def tco_country_table(prices: pd.DataFrame, campus: dict,
                      override_usd_per_kwh: float | None = None) -> pd.DataFrame:
    """:func:`tco_by_country` for every country of ``prices``, gaps kept as NaN rows.

    Adds price_status ('sourced' / gap label / 'override') and usd_per_accelerator_hour
    (total cost per hour of accelerator work). With ``override_usd_per_kwh`` an extra row
    'Override price' is appended.
    """
    lp = latest_prices(prices)
    if override_usd_per_kwh is not None:
        lp = pd.concat([lp, pd.DataFrame({"country": ["Override price"],
                                          "price_usd_per_kwh": [override_usd_per_kwh]})],
                       ignore_index=True)
    t = tco_by_country(lp, **campus)
    t["price_status"] = np.where(t["country"] == "Override price", "override", "sourced")
    r = campus_tco(price_usd_per_kwh=0.0, **campus)
    acc_hours = r["n_accelerators"] * campus["utilization"] * HOURS_PER_YEAR
    t["usd_per_accelerator_hour"] = t["total_usd_per_year"] / acc_hours
    gaps = [c for c in prices["country"].unique() if c not in set(lp["country"])]
    if gaps:
        t = pd.concat([t, pd.DataFrame({"country": gaps, "price_status": PRICE_GAP})],
                      ignore_index=True)
    return t


def tco_chart_data(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(stack, gaps) for the TCO chart: the long stack in billion USD per year (countries
    with a price), and the gap countries with a label to print in place of a bar."""
    have = table[table["price_status"] != PRICE_GAP]
    stack = tco_stack(have)
    stack["cost_busd_per_year"] = stack["cost_usd_per_year"] / 1e9
    stack = stack.merge(have[["country", "price_usd_per_kwh", "energy_share"]], on="country")
    names = {"accelerators": "Accelerators", "servers_network": "Servers and network",
             "facility": "Facility", "energy": "Energy"}
    stack["component"] = stack["component"].map(names)
    stack["order"] = stack["component"].map({v: i for i, v in enumerate(names.values())})
    gaps = table.loc[table["price_status"] == PRICE_GAP, ["country"]].copy()
    gaps["label"] = PRICE_GAP
    gaps["x"] = 0.0
    return stack, gaps


def tco_reader_table(table: pd.DataFrame) -> pd.DataFrame:
    """The TCO table as printed for readers (gaps shown as gaps)."""
    def fmt(v, spec, scale=1.0):
        return "gap" if pd.isna(v) else format(v * scale, spec)

    return pd.DataFrame({
        "Country": table["country"],
        "Price (USD/kWh)": [fmt(v, ".3f") for v in table["price_usd_per_kwh"]],
        "Total (billion USD/yr)": [fmt(v, ",.2f", 1e-9) for v in table["total_usd_per_year"]],
        "Energy (billion USD/yr)": [fmt(v, ",.2f", 1e-9) for v in table["energy_usd_per_year"]],
        "Energy share": [fmt(v, ".1%") for v in table["energy_share"]],
        "USD per EFLOP": [fmt(v, ".3f") for v in table["usd_per_eflop"]],
        "USD per accelerator-hour": [fmt(v, ".2f") for v in table["usd_per_accelerator_hour"]],
    })


# 3. time to power

def time_to_power_chart_data(params: dict, tco: dict, price_usd_per_kwh: float,
                             max_months: int = 60) -> pd.DataFrame:
    """Long form of :func:`time_to_power_tradeoff` in billion USD: the cost of waiting and
    the extra cost of fast power (its price above the grid price, over the accelerators'
    lifetime), for waits of 0 to ``max_months``. The extra cost is not clipped: when fast
    power is cheaper than the grid it is negative (a saving), and the series is named so
    (see :func:`time_to_power_labels`)."""
    premium = fast_power_extra_usd_per_kwh(params["premium_power_price_usd_per_kwh"],
                                           price_usd_per_kwh)
    labels = time_to_power_labels(params["premium_power_price_usd_per_kwh"],
                                  price_usd_per_kwh, 0.0)
    df = time_to_power_tradeoff(
        np.arange(0, max_months + 1), idle_usd_per_month=idle_capital_usd_per_month(tco),
        energy_kwh_per_year=tco["energy_mwh_per_year"] * KWH_PER_MWH,
        premium_usd_per_kwh=premium, premium_years=params["accelerator_lifetime_years"],
        site_power_kw=params["campus_mw"] * params["pue"] * KW_PER_MW)
    long = df.melt(id_vars=["wait_months", "breakeven_premium_usd_per_kwh"],
                   value_vars=["idle_cost_usd", "premium_cost_usd"], var_name="series",
                   value_name="cost_usd")
    long["series"] = long["series"].map({
        "idle_cost_usd": "Waiting for the grid (idle capital)",
        "premium_cost_usd": labels["premium_series"]})
    long["cost_busd"] = long["cost_usd"] / 1e9
    return long.drop(columns="cost_usd")


# 4. power as the constraint

def wtp_inputs(params: dict, ref: dict, price_usd_per_kwh: float) -> dict:
    """Inputs of the willingness-to-pay model (see :func:`efficiency_premiums`): the base is
    the compared chip, at the accelerator price (system price with the server overhead) and
    ``compared_perf_per_watt`` (R) times an H100's output. Returns base_price_usd, power
    cost per chip-year, the annual value of the *compared* chip's output (R x the H100's,
    priced at the H100 rental rate) at the current and the scarcity rental rates, the
    capital recovery factor, R (``compared_perf_per_watt``) and the H100's efficiency ratio
    over the compared chip (``ratio`` = 1/R)."""
    p = params
    r = float(p["compared_perf_per_watt"])
    crf = capital_recovery_factor(p["discount_rate"], p["accelerator_lifetime_years"])
    k = power_costs_usd_per_year_per_chip(
        accelerator_power_w=ref["accelerator_power_w"], price_usd_per_kwh=price_usd_per_kwh,
        pue=p["pue"], utilization=p["utilization"],
        facility_capex_usd_per_mw=ref["facility_capex_usd_per_mw"],
        facility_crf=capital_recovery_factor(p["discount_rate"], 20.0))
    return {"base_price_usd": p["accelerator_price_usd"] * (1.0 + p["system_overhead_fraction"]),
            "power_cost_usd_per_year": k, "crf": crf,
            "value_usd_per_year": r * compute_value_usd_per_year(ref["rental_usd_per_hour"],
                                                                 p["utilization"]),
            "value_peak_usd_per_year": r * compute_value_usd_per_year(
                ref["rental_peak_usd_per_hour"], p["utilization"]),
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


def wtp_chart_data(w: dict, max_ratio: float = 4.0, n: int = 61) -> pd.DataFrame:
    """The power-capped willingness-to-pay curves: highest price (relative to the compared
    chip) of a chip ``ratio`` times as efficient, when power is not binding, when it binds
    at today's rental value, and when it binds at the 2023 scarcity value."""
    ratios = np.linspace(1.0, max(max_ratio, w["ratio"]), n)
    df = willingness_to_pay_curve(ratios, base_price_usd=w["base_price_usd"],
                                  power_cost_usd_per_year=w["power_cost_usd_per_year"],
                                  value_usd_per_year=w["value_usd_per_year"], crf=w["crf"])
    df["regime"] = df["regime"].map({"power not binding": "Power not binding",
                                     "power binding": "Power binding, 2025 rental value"})
    peak = max_price_capped_usd(w["base_price_usd"], ratios, w["value_peak_usd_per_year"],
                                w["crf"])
    extra = pd.DataFrame({"perf_per_watt_ratio": ratios,
                          "regime": "Power binding, 2023 scarcity rental value",
                          "max_price_usd": peak, "premium": peak / w["base_price_usd"]})
    return pd.concat([df, extra], ignore_index=True)


def premium_vs_value_data(w: dict, utilization: float, max_usd_per_hour: float = 10.0,
                          n: int = 101) -> pd.DataFrame:
    """The H100's highest price relative to the compared chip against the value of an
    H100-hour (its rental rate), capped and uncapped, at the chapter's efficiency ratio. The
    compared chip's output is worth ``compared_perf_per_watt`` times the H100's."""
    rate = np.linspace(0.0, max_usd_per_hour, n)
    value = w.get("compared_perf_per_watt", 1.0 / w["ratio"]) * compute_value_usd_per_year(
        rate, utilization)
    cap = max_price_capped_usd(w["base_price_usd"], w["ratio"], value, w["crf"])
    unc = max_price_uncapped_usd(w["base_price_usd"], w["ratio"],
                                 w["power_cost_usd_per_year"], w["crf"])
    return pd.concat([
        pd.DataFrame({"rental_usd_per_hour": rate, "regime": "Power binding",
                      "premium": cap / w["base_price_usd"]}),
        pd.DataFrame({"rental_usd_per_hour": rate, "regime": "Power not binding",
                      "premium": np.full_like(rate, unc / w["base_price_usd"])}),
    ], ignore_index=True)


def value_markers(numbers: dict) -> pd.DataFrame:
    """Vertical markers of the premium-against-value chart: the threshold and the two
    rental rates (USD per accelerator-hour)."""
    return pd.DataFrame({
        "rate": [numbers["rental_threshold_usd_per_hour"], numbers["rental_usd_per_hour"],
                 numbers["rental_peak_usd_per_hour"]],
        "what": ["Threshold (full cost per hour of work)", "2025 rental (1-year contract)",
                 "2023 scarcity rental"]})


# 5. China against the United States

def parity_perf_per_watt(campus: dict, price_usd_per_kwh: float,
                         reference_price_usd_per_kwh: float) -> float:
    """Relative performance per watt a chip (same price and power) needs, on power at
    ``price_usd_per_kwh``, to match the reference chip's cost per unit of compute on power
    at ``reference_price_usd_per_kwh``: (capital + energy) / (capital + reference energy)."""
    a = campus_tco(price_usd_per_kwh=price_usd_per_kwh, **campus)["total_usd_per_year"]
    b = campus_tco(price_usd_per_kwh=reference_price_usd_per_kwh, **campus)["total_usd_per_year"]
    return a / b


def parity_phrase(ratio: float) -> str:
    """How the page states a parity efficiency (a multiple of the best chip's performance
    per watt) without hiding which side of 1 it is on: below 1 as a fraction, at or above 1
    with three decimals and the words 'more than the best chip itself'."""
    r = float(ratio)
    if r < 0.995:
        return f"{r:.2f} of the best chip's performance per watt"
    if r < 1.0:
        return f"{r:.3f} of the best chip's performance per watt (just below the best chip)"
    if r == 1.0:
        return "exactly the best chip's performance per watt"
    return (f"{r:.3f} times the best chip's performance per watt, more than the best chip "
            "itself")


def china_us_chart_data(campus: dict, us_price: float, cn_price: float,
                        ratios=None) -> pd.DataFrame:
    """China's cost per unit of compute relative to the US (best chip, US power) against the
    domestic chip's performance per watt, at China's sourced price and with free power."""
    ratios = np.linspace(0.2, 1.2, 51) if ratios is None else np.asarray(ratios, dtype=float)
    frames = []
    for label, price in ((f"China, at its industrial price ({cn_price:.3f} USD/kWh)",
                          cn_price), ("China, with free electricity", 0.0)):
        regions = pd.DataFrame({"region": ["United States"] + ["China"] * len(ratios),
                                "price_usd_per_kwh": [us_price] + [price] * len(ratios),
                                "perf_per_watt_ratio": [1.0, *ratios]})
        cmp = compare_regions(regions, **campus).iloc[1:]
        frames.append(pd.DataFrame({"perf_per_watt": ratios, "case": label,
                                    "cost_ratio": cmp["cost_ratio"].to_numpy(),
                                    "power_ratio": cmp["power_mw_for_same_compute"].to_numpy()
                                    / campus["it_power_mw"]}))
    return pd.concat(frames, ignore_index=True)


# 6. carbon

def carbon_chart_data(grid_carbon: pd.DataFrame, params: dict, ref: dict,
                      campus_mwh_per_year: float) -> pd.DataFrame:
    """:func:`carbon_by_country` for a year of the campus and a GPT-4-scale training run on
    the reference chip (at the chapter's utilization and PUE), with Mt for the chart."""
    mwh = training_run_energy_mwh(ref["training_flop"], ref["accelerator_peak_flop_per_s"],
                                  ref["accelerator_power_w"], params["utilization"],
                                  params["pue"])
    df = carbon_by_country(grid_carbon, campus_mwh_per_year=campus_mwh_per_year,
                           training_mwh=mwh)
    df["campus_mt_per_year"] = df["campus_kt_per_year"] / 1e3
    df["training_mwh"] = mwh
    return df


def energy_share_interval(params: dict, ref: dict, price_usd_per_kwh: float,
                          n: int = 20_000, seed: int = 7) -> dict:
    """90% interval of energy's share of TCO at ``price_usd_per_kwh`` when the accelerator
    price is uncertain over its (unverified) published range and the PUE lies anywhere from
    the best fleet to the industry average (both uniform). Uses the shared uncertainty
    module; returns {'median', 'p05', 'p95', 'mean'}."""
    from energybook import uncertainty as u

    campus = campus_kwargs(params, ref)

    def model(accelerator_price_usd, pue):
        kw = {**campus, "accelerator_price_usd": accelerator_price_usd, "pue": pue}
        return campus_tco(price_usd_per_kwh=price_usd_per_kwh, **kw)["energy_share"]

    dists = {"accelerator_price_usd": u.Uniform(ref["h100_price_low_usd"],
                                                ref["h100_price_high_usd"]),
             "pue": u.Uniform(ref["pue_best_fleet"], ref["pue_industry_average"])}
    res = u.monte_carlo(model, dists, n=n, seed=seed)
    return u.summarize(res["output"])


# numbers for the page

def chapter_numbers(params: dict, tables: dict) -> tuple[dict, dict]:
    """Everything the chapter glues: (headlines, extras), both {name: float}.

    ``tables`` holds the loaded tables country_prices, accelerators, compute_costs,
    capacity_additions, dc_electricity, national_electricity and grid_carbon. The
    headlines are exactly those declared in specs/geopolitics.py.
    """
    from energybook.specs import get

    p = params
    prices = tables["country_prices"]
    ref = reference_inputs(tables["accelerators"], tables["compute_costs"])
    nums = headline_numbers(p, prices, accelerator_power_w=ref["accelerator_power_w"],
                            accelerator_peak_flop_per_s=ref["accelerator_peak_flop_per_s"],
                            facility_capex_usd_per_mw=ref["facility_capex_usd_per_mw"],
                            rental_usd_per_hour=ref["rental_usd_per_hour"])
    campus = campus_kwargs(p, ref)
    price = selected_price_usd_per_kwh(p, prices)
    us = resolve_price_usd_per_kwh(prices, "United States")
    cn = resolve_price_usd_per_kwh(prices, "China")
    de = resolve_price_usd_per_kwh(prices, "Germany")
    tco = campus_tco(price_usd_per_kwh=price, **campus)
    x = dict(ref)
    x.update({k: v for k, v in nums.items()})
    x.update({
        "price_selected": price, "price_us": us, "price_china": cn, "price_germany": de,
        "n_accelerators": tco["n_accelerators"],
        "total_busd_selected": tco["total_usd_per_year"] / 1e9,
        "energy_busd_selected": tco["energy_usd_per_year"] / 1e9,
        "capital_busd_selected": (tco["total_usd_per_year"] - tco["energy_usd_per_year"]) / 1e9,
        "energy_twh_selected": tco["energy_mwh_per_year"] / 1e6,
        "usd_per_accelerator_hour_selected": tco["total_usd_per_year"]
        / (tco["n_accelerators"] * p["utilization"] * HOURS_PER_YEAR),
        "germany_us_price_ratio": de / us,
        "germany_us_cost_ratio": (
            campus_tco(price_usd_per_kwh=de, **campus)["usd_per_eflop"]
            / campus_tco(price_usd_per_kwh=us, **campus)["usd_per_eflop"]),
        "energy_share_selected_pct": 100.0 * nums["energy_share_selected"],
        "energy_share_us_pct": 100.0 * nums["energy_share_us"],
        "energy_share_china_pct": 100.0 * nums["energy_share_china"],
        "energy_share_germany_pct": 100.0 * nums["energy_share_germany"],
        "published_energy_share_low_pct": 100.0 * ref["published_energy_share_low"],
        "published_energy_share_high_pct": 100.0 * ref["published_energy_share_high"],
    })
    # 1. 945 TWh
    dc, nat, add = (tables["dc_electricity"], tables["national_electricity"],
                    tables["capacity_additions"])
    world = dc[dc["scope"] == "World"]
    base = float(world[(world["year"] == 2024) & (world["case"] == "Estimate")]["energy_twh"]
                 .iloc[0])
    proj = float(world[(world["year"] == 2030) & (world["case"] == "IEA Base")]["energy_twh"]
                 .iloc[0])
    growth = dc_growth_twh_per_year(base, proj, 2030 - 2024)
    cf = implied_capacity_factor(add, "China", 2024)
    china_row = add[(add["country"] == "China") & (add["year"] == 2024)
                    & (add["technology"] == "all")].iloc[0]
    us_row = add[(add["country"] == "United States") & (add["year"] == 2024)
                 & (add["technology"] == "all")].iloc[0]
    demand = nat[nat["year"] == 2024].set_index("country")["demand_twh"]
    reg = dc[dc["case"].isin(["Estimate", "IEA Base"])
             & dc["year"].isin([2024, 2030])].pivot_table(index="scope", columns="year",
                                                          values="energy_twh")
    us_growth = float(reg.loc["United States", 2030] - reg.loc["United States", 2024])
    de_row = prices[(prices["country"] == "Germany") & prices["usd_per_local"].notna()]
    x.update({
        "us_share_of_dc_growth_pct": 100.0 * us_growth / (proj - base),
        "usd_per_eur": float(de_row.sort_values("year")["usd_per_local"].iloc[-1]),
        "dc_base_twh": base, "dc_projection_twh": proj, "dc_growth_twh_per_year": growth,
        "dc_projection_vs_germany": proj / float(demand["Germany"]),
        "dc_projection_vs_japan": proj / float(demand["Japan"]),
        "dc_projection_share_china_pct": 100.0 * proj / float(demand["China"]),
        "dc_projection_share_us_pct": 100.0 * proj / float(demand["United States"]),
        "china_additions_gw": float(china_row["additions_gw"]),
        "china_generation_growth_twh": float(china_row["generation_growth_twh"]),
        "us_additions_gw": float(us_row["additions_gw"]),
        "implied_capacity_factor_pct": 100.0 * cf,
        "fleet_capacity_factor_pct": 100.0 * capacity_factor_from_hours(
            float(china_row["utilization_hours"])),
        "dc_growth_share_china_pct": 100.0 * growth / float(china_row["generation_growth_twh"]),
        "us_additions_output_twh": float(generation_from_capacity_twh(
            float(us_row["additions_gw"]), cf)),
        "dc_growth_vs_us_additions": growth / float(generation_from_capacity_twh(
            float(us_row["additions_gw"]), cf)),
    })
    # 3. time to power
    idle = idle_capital_usd_per_month(tco)
    x.update({
        "idle_busd_per_month": idle / 1e9,
        "wait_cost_busd": idle * p["grid_wait_months"] / 1e9,
        "fast_power_extra_usd_per_kwh": fast_power_extra_usd_per_kwh(
            p["premium_power_price_usd_per_kwh"], price),
        "breakeven_onsite_capex_usd_per_kw": breakeven_onsite_capex_usd_per_kw(
            p["grid_wait_months"], idle, p["campus_mw"] * p["pue"] * KW_PER_MW),
        "breakeven_onsite_vs_ccgt": breakeven_onsite_capex_usd_per_kw(
            p["grid_wait_months"], idle, p["campus_mw"] * p["pue"] * KW_PER_MW)
        / ref["ccgt_capex_usd_per_kw"],
        "breakeven_wait_months": breakeven_wait_months(
            fast_power_extra_usd_per_kwh(p["premium_power_price_usd_per_kwh"], price),
            tco["energy_mwh_per_year"] * KWH_PER_MWH, p["accelerator_lifetime_years"], idle),
    })
    # 4. power cap
    w = wtp_inputs(p, ref, price)
    thr = rental_threshold_usd_per_hour(w["base_price_usd"], w["power_cost_usd_per_year"],
                                        w["crf"], p["utilization"], w["compared_perf_per_watt"])
    x.update({
        "efficiency_ratio": w["ratio"],
        "power_cost_usd_per_chip_year": w["power_cost_usd_per_year"],
        "compared_value_usd_per_chip_year": w["value_usd_per_year"],
        "rental_threshold_usd_per_hour": thr,
        "compute_sells_above_cost": float(ref["rental_usd_per_hour"] > thr),
        "compared_perf_per_watt": p["compared_perf_per_watt"],
        "efficiency_premium_capped_peak": max_price_capped_usd(
            w["base_price_usd"], w["ratio"], w["value_peak_usd_per_year"], w["crf"])
        / w["base_price_usd"],
        "power_cost_share_of_chip_cost_pct": 100.0 * w["power_cost_usd_per_year"]
        / (w["base_price_usd"] * w["crf"] + w["power_cost_usd_per_year"]),
    })
    # 5. China vs US
    gw_new = float(china_row["generation_growth_twh"]) / float(
        generation_from_capacity_twh(p["pue"] * p["utilization"], 1.0))
    gw_fleet = datacentre_gw_supported(float(china_row["additions_gw"]),
                                       x["fleet_capacity_factor_pct"] / 100.0, p["pue"],
                                       p["utilization"])
    x.update({
        "china_gw_supported_new_generation": gw_new,
        "china_gw_supported_fleet_hours": gw_fleet,
        "china_gw_supported_us_equivalent": gw_new * p["compared_perf_per_watt"],
        "china_price_over_us": cn / us,
        "parity_perf_per_watt_china": parity_perf_per_watt(campus, cn, us),
        "parity_perf_per_watt_free_power": parity_perf_per_watt(campus, 0.0, us),
        "china_us_cost_ratio_free_power": float(compare_regions(pd.DataFrame({
            "region": ["United States", "China"], "price_usd_per_kwh": [us, 0.0],
            "perf_per_watt_ratio": [1.0, p["compared_perf_per_watt"]]}), **campus)
            ["cost_ratio"].iloc[1]),
    })
    # 6. carbon
    carbon = carbon_chart_data(tables["grid_carbon"], p, ref, tco["energy_mwh_per_year"])
    by = carbon.set_index("country")
    x.update({
        "training_mwh": float(carbon["training_mwh"].iloc[0]),
        "campus_mt_china": float(by.loc["China", "campus_mt_per_year"]),
        "campus_mt_us": float(by.loc["United States", "campus_mt_per_year"]),
        "campus_mt_france": float(by.loc["France", "campus_mt_per_year"]),
        "training_t_china": float(by.loc["China", "training_t"]),
        "training_t_france": float(by.loc["France", "training_t"]),
        "carbon_china_over_france": float(by.loc["China", "carbon_intensity_g_per_kwh"]
                                          / by.loc["France", "carbon_intensity_g_per_kwh"]),
    })
    band = energy_share_interval(p, ref, us)
    x.update({"energy_share_us_p05_pct": 100.0 * band["p05"],
              "energy_share_us_p95_pct": 100.0 * band["p95"]})
    declared = [h.name for h in get("geopolitics").headlines]
    headlines = {k: float(nums[k]) for k in declared}
    extras = {k: float(v) for k, v in x.items() if k not in declared}
    return headlines, extras
