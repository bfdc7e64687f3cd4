"""What the geopolitics page shows besides its charts: glued numbers and phrases, captions
and reader tables (see the overview chapter's page module for the shared entry points)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from energybook.chapters.geopolitics import model, model_cap, model_time
from energybook.chapters.geopolitics.model import HOURS_PER_YEAR, KW_PER_MW, KWH_PER_MWH
from energybook.chapters.geopolitics.params import Params
from energybook.chapters.geopolitics.spec import SPEC

TABLES = ("country_prices", "accelerators", "compute_costs", "capacity_additions",
          "dc_electricity", "national_electricity", "grid_carbon")


@dataclass(frozen=True)
class Evaluation:
    P: Params
    tables: Mapping[str, pd.DataFrame]
    ref: dict[str, float]
    campus: dict[str, Any]
    price: float  # the price the campus pays (USD/kWh)
    price_us: float
    price_china: float
    price_germany: float
    tco: dict[str, Any]  # campus_tco at the price the campus pays
    w: dict[str, Any]  # inputs of the willingness-to-pay model
    core: dict[str, float]  # the headline numbers and the results they come with


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    prices = tables["country_prices"]
    ref = model.reference_inputs(tables["accelerators"], tables["compute_costs"])
    campus = model.campus_kwargs(P, ref)
    price = model.selected_price_usd_per_kwh(P, prices)
    us, cn, de = (model.resolve_price_usd_per_kwh(prices, c)
                  for c in ("United States", "China", "Germany"))
    core: dict[str, float] = {}
    for key, country_price in (("energy_share_us", us), ("energy_share_china", cn),
                               ("energy_share_germany", de)):
        core[key] = model.campus_tco(price_usd_per_kwh=country_price, **campus)["energy_share"]
    tco = model.campus_tco(price_usd_per_kwh=price, **campus)
    core["energy_share_selected"] = tco["energy_share"]
    core["usd_per_eflop_selected"] = tco["usd_per_eflop"]
    # time to power
    idle = model_time.idle_capital_usd_per_month(tco)
    energy_kwh = tco["energy_mwh_per_year"] * KWH_PER_MWH
    core["idle_capital_usd_per_month"] = idle
    core["breakeven_premium_usd_per_kwh"] = model_time.breakeven_price_premium_usd_per_kwh(
        P.grid_wait_months, idle, energy_kwh, P.accelerator_lifetime_years)
    core["max_rational_price_usd_per_kwh"] = price + core["breakeven_premium_usd_per_kwh"]
    core["fast_power_pays"] = float(
        P.premium_power_price_usd_per_kwh <= core["max_rational_price_usd_per_kwh"])
    extra = model_time.fast_power_extra_usd_per_kwh(P.premium_power_price_usd_per_kwh, price)
    core["fast_power_extra_usd_per_kwh"] = extra
    core["breakeven_wait_months"] = model_time.breakeven_wait_months(
        extra, energy_kwh, P.accelerator_lifetime_years, idle)
    # power as the constraint
    w = model_cap.wtp_inputs(P, ref, price)
    prem = model_cap.efficiency_premiums(
        compared_price_usd=w["base_price_usd"], compared_perf_per_watt=P.compared_perf_per_watt,
        reference_value_usd_per_year=w["reference_value_usd_per_year"],
        power_cost_usd_per_year=w["power_cost_usd_per_year"], crf=w["crf"])
    core["efficiency_premium_capped"] = prem["capped"]
    core["efficiency_premium_uncapped"] = prem["uncapped"]
    core["efficiency_premium_capped_peak"] = model_cap.max_price_capped_usd(
        w["base_price_usd"], w["ratio"], w["value_peak_usd_per_year"], w["crf"]) \
        / w["base_price_usd"]
    thr = model_cap.rental_threshold_usd_per_hour(
        w["base_price_usd"], w["power_cost_usd_per_year"], w["crf"], P.utilization,
        w["compared_perf_per_watt"])
    core["rental_threshold_usd_per_hour"] = thr
    core["compute_sells_above_cost"] = float(ref["rental_usd_per_hour"] > thr)
    # China against the United States
    cmp = model.china_us_cost_ratio(campus, us, cn, P.compared_perf_per_watt)
    core["china_us_cost_ratio"] = cmp["cost_ratio"]
    core["china_power_ratio_same_compute"] = cmp["power_ratio"]
    core["parity_perf_per_watt_china"] = model.parity_perf_per_watt(campus, cn, us)
    core["parity_perf_per_watt_free_power"] = model.parity_perf_per_watt(campus, 0.0, us)
    return Evaluation(P, tables, ref, campus, price, us, cn, de, tco, w,
                      {k: float(v) for k, v in core.items()})


def headlines(ev: Evaluation) -> dict[str, float]:
    return {h.name: ev.core[h.name] for h in SPEC.headlines}


def _supply(ev: Evaluation) -> dict[str, float]:
    """The IEA's 2030 projection against national demand and what countries add."""
    dc, nat, add = (ev.tables["dc_electricity"], ev.tables["national_electricity"],
                    ev.tables["capacity_additions"])
    base = model.dc_twh(dc, "World", 2024, "Estimate")
    proj = model.dc_twh(dc, "World", 2030, "IEA Base")
    growth = model.dc_growth_twh_per_year(base, proj, 2030 - 2024)
    cf = model.implied_capacity_factor(add, "China", 2024)
    china = model.additions_row(add, "China", 2024)
    us = model.additions_row(add, "United States", 2024)
    us_2024 = model.dc_twh(dc, "United States", 2024, "Estimate")
    us_2030 = model.dc_twh(dc, "United States", 2030, "IEA Base")
    de_rate = ev.tables["country_prices"]
    de_rate = de_rate[(de_rate["country"] == "Germany") & de_rate["usd_per_local"].notna()]
    us_output = float(model.generation_from_capacity_twh(float(us["additions_gw"]), cf))
    return {
        "us_share_of_dc_growth_pct": 100.0 * (us_2030 - us_2024) / (proj - base),
        "usd_per_eur": float(de_rate.sort_values("year")["usd_per_local"].iloc[-1]),
        "dc_base_twh": base, "dc_projection_twh": proj, "dc_growth_twh_per_year": growth,
        "dc_projection_vs_germany": proj / model.demand_twh(nat, "Germany", 2024),
        "dc_projection_vs_japan": proj / model.demand_twh(nat, "Japan", 2024),
        "dc_projection_share_china_pct": 100.0 * proj / model.demand_twh(nat, "China", 2024),
        "dc_projection_share_us_pct": 100.0 * proj / model.demand_twh(nat, "United States",
                                                                      2024),
        "china_additions_gw": float(china["additions_gw"]),
        "china_generation_growth_twh": float(china["generation_growth_twh"]),
        "us_additions_gw": float(us["additions_gw"]),
        "implied_capacity_factor_pct": 100.0 * cf,
        "fleet_capacity_factor_pct": 100.0 * model.capacity_factor_from_hours(
            float(china["utilization_hours"])),
        "dc_growth_share_china_pct": 100.0 * growth / float(china["generation_growth_twh"]),
        "us_additions_output_twh": us_output,
        "dc_growth_vs_us_additions": growth / us_output,
    }


def carbon_table(ev: Evaluation) -> pd.DataFrame:
    """Emissions of a campus-year and of a GPT-4-scale run on each grid."""
    return model.carbon_table(ev.tables["grid_carbon"], ev.P, ev.ref,
                              ev.tco["energy_mwh_per_year"])


def numbers(ev: Evaluation) -> dict[str, float]:
    P, ref, tco, w, c = ev.P, ev.ref, ev.tco, ev.w, ev.core
    declared = {h.name for h in SPEC.headlines}
    x: dict[str, float] = dict(ref)
    x.update({k: v for k, v in c.items() if k not in declared})
    x.update({
        "price_selected": ev.price, "price_us": ev.price_us, "price_china": ev.price_china,
        "price_germany": ev.price_germany,
        "n_accelerators": tco["n_accelerators"],
        "total_busd_selected": tco["total_usd_per_year"] / 1e9,
        "energy_busd_selected": tco["energy_usd_per_year"] / 1e9,
        "capital_busd_selected": (tco["total_usd_per_year"] - tco["energy_usd_per_year"]) / 1e9,
        "energy_twh_selected": tco["energy_mwh_per_year"] / 1e6,
        "usd_per_accelerator_hour_selected": tco["total_usd_per_year"]
        / (tco["n_accelerators"] * P.utilization * HOURS_PER_YEAR),
        "germany_us_price_ratio": ev.price_germany / ev.price_us,
        "germany_us_cost_ratio": (
            model.campus_tco(price_usd_per_kwh=ev.price_germany, **ev.campus)["usd_per_eflop"]
            / model.campus_tco(price_usd_per_kwh=ev.price_us, **ev.campus)["usd_per_eflop"]),
        "energy_share_selected_pct": 100.0 * c["energy_share_selected"],
        "energy_share_us_pct": 100.0 * c["energy_share_us"],
        "energy_share_china_pct": 100.0 * c["energy_share_china"],
        "energy_share_germany_pct": 100.0 * c["energy_share_germany"],
        "published_energy_share_low_pct": 100.0 * ref["published_energy_share_low"],
        "published_energy_share_high_pct": 100.0 * ref["published_energy_share_high"],
    })
    supply = _supply(ev)
    x.update(supply)
    # time to power
    idle = c["idle_capital_usd_per_month"]
    site_kw = P.campus_mw * P.pue * KW_PER_MW
    onsite = model_time.breakeven_onsite_capex_usd_per_kw(P.grid_wait_months, idle, site_kw)
    x.update({
        "idle_busd_per_month": idle / 1e9,
        "wait_cost_busd": idle * P.grid_wait_months / 1e9,
        "breakeven_onsite_capex_usd_per_kw": onsite,
        "breakeven_onsite_vs_ccgt": onsite / ref["ccgt_capex_usd_per_kw"],
    })
    # power as the constraint
    x.update({
        "efficiency_ratio": w["ratio"],
        "power_cost_usd_per_chip_year": w["power_cost_usd_per_year"],
        "compared_value_usd_per_chip_year": w["value_usd_per_year"],
        "compared_perf_per_watt": P.compared_perf_per_watt,
        "power_cost_share_of_chip_cost_pct": 100.0 * w["power_cost_usd_per_year"]
        / (w["base_price_usd"] * w["crf"] + w["power_cost_usd_per_year"]),
    })
    # China against the United States
    gw_new = supply["china_generation_growth_twh"] / float(
        model.generation_from_capacity_twh(P.pue * P.utilization, 1.0))
    x.update({
        "china_gw_supported_new_generation": gw_new,
        "china_gw_supported_fleet_hours": model.datacentre_gw_supported(
            supply["china_additions_gw"], supply["fleet_capacity_factor_pct"] / 100.0, P.pue,
            P.utilization),
        "china_gw_supported_us_equivalent": gw_new * P.compared_perf_per_watt,
        "china_price_over_us": ev.price_china / ev.price_us,
        "china_us_cost_ratio_free_power": model.china_us_cost_ratio(
            ev.campus, ev.price_us, 0.0, P.compared_perf_per_watt)["cost_ratio"],
    })
    # carbon
    carbon = carbon_table(ev)
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
    band = model.energy_share_interval(ev.campus, ref, ev.price_us)
    x.update({"energy_share_us_p05_pct": 100.0 * band["p05"],
              "energy_share_us_p95_pct": 100.0 * band["p95"]})
    return {k: float(v) for k, v in x.items()}


# --------------------------------------------------------------------------- phrases


def selected_label(P: Params) -> str:
    """How the page names the price used: the country, or the override."""
    if P.use_price_override:
        return f"an override price of {P.price_override_usd_per_kwh:g} USD/kWh"
    the = "the " if P.country in ("United States", "European Union") else ""
    return f"the industrial price of {the}{P.country}"


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


def time_to_power_labels(premium_price_usd_per_kwh: float, grid_price_usd_per_kwh: float,
                         wait_months: float) -> dict[str, str]:
    """Words for the time-to-power prose and chart, for the three cases of
    ``model_time.fast_power_case``.

    ``wait_months`` is the break-even wait. Returns breakeven_wait_label (ends the sentence
    "fast power is worth paying: ..."), conclusion_wait_label, chart_title,
    chart_caption_lines and premium_series (the legend name of the fast-power line). When
    fast power costs no more than grid power, no "0.0 months" crossing is claimed.
    """
    extra = model_time.fast_power_extra_usd_per_kwh(premium_price_usd_per_kwh,
                                                    grid_price_usd_per_kwh)
    case = model_time.fast_power_case(extra)
    same = case == model_time.FAST_POWER_SAME_PRICE
    prices = (f"at {premium_price_usd_per_kwh:.3f} USD/kWh it "
              + ("costs the same as" if same else "is cheaper than")
              + f" the {grid_price_usd_per_kwh:.3f} USD/kWh grid power it replaces")
    if case == model_time.FAST_POWER_COSTS_MORE:
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
    saving = "costs nothing extra" if same else f"saves {-extra:.3f} USD/kWh"
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
                                  "price" if same else
                                  "and below zero, a lifetime saving, because the premium "
                                  "power price is below the grid price")
                               + ", so the lines never cross after zero months and fast power "
                               "pays at any wait",
        "premium_series": ("Paying for fast power (no extra cost)" if same else
                           "Paying for fast power (a saving: below zero)"),
    }


def ttp_labels(ev: Evaluation) -> dict[str, str]:
    return time_to_power_labels(ev.P.premium_power_price_usd_per_kwh, ev.price,
                                ev.core["breakeven_wait_months"])


def texts(ev: Evaluation) -> dict[str, str]:
    c, labels = ev.core, ttp_labels(ev)
    return {
        "price_label": selected_label(ev.P),
        "campus_label": f"{ev.P.campus_mw:,.0f} MW",
        "wait_label": f"{ev.P.grid_wait_months:g} months",
        "verdict_fast_power": "is worth paying" if c["fast_power_pays"] else
        "is not worth paying",
        "breakeven_wait_label": labels["breakeven_wait_label"],
        "conclusion_wait_label": labels["conclusion_wait_label"],
        "verdict_cap": "above" if c["compute_sells_above_cost"] else "below",
        "verdict_capped_vs_uncapped": "more" if c["efficiency_premium_capped"]
        > c["efficiency_premium_uncapped"] else "less",
        "parity_china_label": parity_phrase(c["parity_perf_per_watt_china"]),
        "parity_free_power_label": parity_phrase(c["parity_perf_per_watt_free_power"]),
    }


# --------------------------------------------------------------------------- captions


def captions(ev: Evaluation) -> dict[str, str]:
    c = ev.core
    proj = model.dc_twh(ev.tables["dc_electricity"], "World", 2030, "IEA Base")
    return {
        "demand": (
            "Horizontal bars of annual electricity: the 2024 demand of China, the United "
            "States, India, Japan, Germany and France, beside the world's data centres in 2024 "
            f"(IEA estimate) and in 2030 (IEA Base Case, {proj:.0f} TWh), which exceeds "
            "Japan's or Germany's whole demand. Sources: IEA Energy and AI (2025); Our World "
            "in Data (Ember, Energy Institute)."),
        "tco": (
            "Stacked horizontal bars of the campus's annual cost (accelerators, servers and "
            "network, facility, energy) at the industrial electricity price of the United "
            "States, China, Germany, Finland and the EU average. Capital dominates every bar; "
            "energy is a thin segment that widens in Germany. France, Japan and India show "
            "the text 'no sourced price (gap)' instead of a bar. Sources: EIA, China Briefing, "
            "Bundesnetzagentur, Eurostat (prices); Cushman and Wakefield (facility); Epoch AI "
            "(chip); accelerator price unverified."),
        "time_to_power": (
            f"Two lines against months of waiting for grid power: "
            f"{ttp_labels(ev)['chart_caption_lines']}. A dashed vertical rule marks the chosen "
            "wait. Sources: model; prices as in the table above; accelerator price "
            "unverified."),
        "wtp": (
            "Three rising lines of the highest price worth paying for the H100, as a multiple "
            "of the compared chip's price, against its efficiency advantage (the compared "
            "chip's output is worth that much less than an H100's): power not binding, power "
            "binding at the 2025 rental value, and power binding at the 2023 scarcity rental "
            "value, the steepest. At the chapter's ratio (dashed rule) the multiples are "
            f"{c['efficiency_premium_uncapped']:.2f}, {c['efficiency_premium_capped']:.2f} "
            f"and {c['efficiency_premium_capped_peak']:.2f}. Sources: model; H100 rental "
            "rates from SemiAnalysis and rental trackers (secondary); accelerator price "
            "unverified."),
        "premium_vs_value": (
            "Two lines of the highest price multiple for the H100 against the value of an "
            "H100-hour: flat when power is not binding, rising in a straight line when power "
            "binds. They cross where the compared chip's output just pays its full cost per "
            "hour of work. Dashed rules mark that threshold, the 2025 one-year rental rate "
            "and the 2023 scarcity rate. Sources: model; rental rates from SemiAnalysis and "
            "rental trackers (secondary, unverified here)."),
        "china_us": (
            "Two close falling lines, on a log scale, of China's cost per unit of compute "
            "relative to the US against the performance per watt of China's chip: at China's "
            "industrial price and with free electricity. They reach parity (dashed line at 1) "
            f"at {c['parity_perf_per_watt_china']:.3f} and "
            f"{c['parity_perf_per_watt_free_power']:.3f} times the best chip's efficiency. "
            "Sources: model; prices from China Briefing and the EIA; chip from Epoch AI; "
            "accelerator price unverified."),
        "carbon": (
            "Horizontal bars of the campus's annual emissions on each grid, largest first: "
            "India, China, Japan, the United States, Germany, Denmark, Finland, France; "
            "France's bar is a small fraction of India's or China's. Tooltips add the "
            "emissions of a GPT-4-scale training run. Source: Our World in Data (Ember) "
            "lifecycle carbon intensity, latest year per country."),
    }


# --------------------------------------------------------------------------- reader tables


def _fmt(v: Any, spec: str, scale: float = 1.0) -> str:
    return "gap" if pd.isna(v) else format(v * scale, spec)


def tco_table(ev: Evaluation) -> pd.DataFrame:
    """:func:`model.tco_country_table` for this page (with the override row if used)."""
    return model.tco_country_table(
        ev.tables["country_prices"], ev.campus,
        ev.P.price_override_usd_per_kwh if ev.P.use_price_override else None)


def table_tco(ev: Evaluation) -> pd.DataFrame:
    """The campus's annual cost by country, as printed for readers (gaps shown as gaps)."""
    t = tco_table(ev)
    return pd.DataFrame({
        "Country": t["country"],
        "Price (USD/kWh)": [_fmt(v, ".3f") for v in t["price_usd_per_kwh"]],
        "Total (billion USD/yr)": [_fmt(v, ",.2f", 1e-9) for v in t["total_usd_per_year"]],
        "Energy (billion USD/yr)": [_fmt(v, ",.2f", 1e-9) for v in t["energy_usd_per_year"]],
        "Energy share": [_fmt(v, ".1%") for v in t["energy_share"]],
        "USD per EFLOP": [_fmt(v, ".3f") for v in t["usd_per_eflop"]],
        "USD per accelerator-hour": [_fmt(v, ".2f") for v in t["usd_per_accelerator_hour"]],
    })


def table_supply(ev: Evaluation) -> pd.DataFrame:
    """What each country adds per year against data-centre growth. Every chapter country is
    listed; one with no sourced all-technology additions is a row of 'gap', and blank cells
    of sourced rows are shown as 'gap' too."""
    supply = _supply(ev)
    rows = model.supply_rows(ev.tables["capacity_additions"])
    df = model.supply_growth_comparison(rows, supply["dc_growth_twh_per_year"],
                                        supply["implied_capacity_factor_pct"] / 100.0)
    return pd.DataFrame({
        "Country": df["country"],
        "Year": ["gap" if pd.isna(y) else str(int(y)) for y in df["year"]],
        "Capacity added (GW)": [_fmt(v, ",.1f") for v in df["additions_gw"]],
        "Generation growth (TWh)": [_fmt(v, ",.0f") for v in df["generation_growth_twh"]],
        "Data-centre growth per year (TWh)": [_fmt(v, ",.0f") for v in df["dc_growth_twh"]],
        "...as a share of the additions' output": [_fmt(v, ".0%") for v in
                                                   df["dc_share_of_additions"]],
        "...as a share of generation growth": [_fmt(v, ".0%") for v in
                                               df["dc_share_of_generation_growth"]],
        "Data": ["gap: no sourced total additions" if g else "sourced" for g in rows["gap"]],
    })
