"""What the geopolitics page shows besides its charts: glued numbers and phrases, captions
and reader tables (see the overview chapter's page module for the shared entry points)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from energybook import sobol
from energybook.chapters.geopolitics import model, model_cap, model_time
from energybook.chapters.geopolitics.model import HOURS_PER_YEAR, KW_PER_MW, KWH_PER_MWH
from energybook.chapters.geopolitics.params import Params
from energybook.chapters.geopolitics.spec import SPEC

TABLES = (
    "country_prices",
    "accelerators",
    "compute_costs",
    "capacity_additions",
    "dc_electricity",
    "national_electricity",
    "grid_carbon",
)

#: How the page names each data case of a price (the ``case`` column of country_prices).
CASE_LABELS = {
    "average": "national average",
    "before relief": "24 GWh/yr tariff before relief, an upper bound",
    "new contracts": "BDEW average for new contracts up to 20 GWh/yr, with the "
    "standard electricity tax (unverified)",
    "subsidised": "subsidised data-centre provinces (press report, unverified)",
    "lowest state": "lowest-priced state (New Mexico)",
    model.OVERRIDE: "override",
}


#: The same, short, for chart labels and captions.
CASE_SHORT = {
    **CASE_LABELS,
    "before relief": "tariff before relief, an upper bound",
    "new contracts": "BDEW new contracts with standard tax, unverified",
    "subsidised": "subsidised provinces, domestic chips only, unverified",
}


@dataclass(frozen=True)
class Evaluation:
    P: Params
    tables: Mapping[str, pd.DataFrame]
    ref: dict[str, float]
    campus: dict[str, Any]
    price: float  # the price the campus pays (USD/kWh)
    prices: dict[str, float]  # reference and low-case prices by short name (see evaluate)
    tco: dict[str, Any]  # campus_tco at the price the campus pays
    w: dict[str, Any]  # inputs of the willingness-to-pay model
    core: dict[str, float]  # the headline numbers and the results they come with
    breakeven_wait_months: float  # may be math.inf: never glued as a number

    @cached_property
    def sobol(self) -> pd.DataFrame:
        """Total Sobol indices of the main headline, energy's share at the price the campus
        pays (:func:`sobol_indices`), computed once, on first use (the figure, the caption and
        the glued numbers read the same ones)."""
        return sobol_indices(self.P, self.ref, self.tables["country_prices"])


#: The value-of-compute axis of the premium chart ends here (USD per H100-hour).
VALUE_AXIS_MAX_USD_PER_HOUR = 10.0
#: Performance per watt of China's chip (a multiple of the best chip's) on the China chart.
CHINA_RATIOS = tuple(0.2 + 0.02 * i for i in range(51))

#: The IEA's estimate year and projection year of data-centre electricity.
BASE_YEAR, PROJECTION_YEAR = 2024, 2030

#: The countries of the demand chart, in its order.
DEMAND_COUNTRIES = ("China", "United States", "India", "Japan", "Germany", "France")


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    table = tables["country_prices"]
    ref = model.reference_inputs(tables["accelerators"], tables["compute_costs"])
    campus = model.campus_kwargs(P, ref)
    price = model.selected_price_usd_per_kwh(P, table)
    prices = {
        "us": model.resolve_price_usd_per_kwh(table, "United States"),
        "china": model.resolve_price_usd_per_kwh(table, "China"),
        "germany": model.resolve_price_usd_per_kwh(table, "Germany"),
        "china_low": model.resolve_price_usd_per_kwh(table, "China", case="low"),
        "germany_low": model.resolve_price_usd_per_kwh(table, "Germany", case="low"),
        "us_low": model.resolve_price_usd_per_kwh(table, "United States", case="low"),
    }

    def share(p: float) -> float:
        return float(model.campus_tco(price_usd_per_kwh=p, **campus)["energy_share"])

    core: dict[str, float] = {
        "energy_share_us": share(prices["us"]),
        "energy_share_china": share(prices["china"]),
        "energy_share_germany": share(prices["germany"]),
    }
    tco = model.campus_tco(price_usd_per_kwh=price, **campus)
    core["energy_share_selected"] = tco["energy_share"]
    core["usd_per_eflop_selected"] = tco["usd_per_eflop"]

    # power as the constraint (its value of compute also prices the campus's margin)
    w = model_cap.wtp_inputs(P, ref, price)
    rates = {
        "": (ref["rental_usd_per_hour"], model_cap.RESERVED),
        "_high": (ref["rental_high_usd_per_hour"], model_cap.RESERVED),
        "_peak": (ref["rental_peak_usd_per_hour"], model_cap.ON_DEMAND),
    }
    for key, (rate, contract) in rates.items():
        at = model_cap.premiums_at_rental(w, rate, contract)
        core[f"efficiency_premium_capped{key}"] = at["capped"]
        core[f"efficiency_premium_uncapped{key}"] = at["uncapped"]
        value = model_cap.value_at(w, rate, contract)
        core[f"h100_value_usd_per_chip_year{key}"] = value
        core[f"slot_value_usd_per_chip_year{key}"] = model_cap.slot_value_usd_per_year(
            value, w["base_price_usd"], w["crf"], w["power_cost_usd_per_year"]
        )
        core[f"power_binds{key}"] = float(core[f"slot_value_usd_per_chip_year{key}"] > 0)
        core[f"compared_pays{key}"] = float(
            P.compared_perf_per_watt * value >= model_cap.full_cost_usd_per_year(w)
        )
        core[f"breakeven_perf_per_watt{key}"] = model_cap.breakeven_perf_per_watt(
            value, w["base_price_usd"], w["crf"], w["power_cost_usd_per_year"]
        )
    now = model_cap.premiums_at_rental(w, ref["rental_usd_per_hour"])
    core["efficiency_premium_capped_without_outside_option"] = now["capped_without_outside_option"]
    core["efficiency_premium_capped_sunk_facility"] = model_cap.premiums_at_rental(
        w, ref["rental_usd_per_hour"], facility_sunk=True
    )["capped"]
    core["rental_threshold_usd_per_hour"] = model_cap.rental_threshold_usd_per_hour(
        w["base_price_usd"],
        w["power_cost_usd_per_year"],
        w["crf"],
        P.rented_fraction,
        w["compared_perf_per_watt"],
    )
    core["binding_rental_usd_per_hour"] = model_cap.binding_rental_usd_per_hour(
        w["base_price_usd"], w["power_cost_usd_per_year"], w["crf"], P.rented_fraction
    )
    core["cap_raises_premium"] = core["compared_pays"]
    value_h100 = core["h100_value_usd_per_chip_year"]
    core["compared_value_usd_per_chip_year"] = P.compared_perf_per_watt * value_h100
    core["compared_cost_usd_per_chip_year"] = model_cap.full_cost_usd_per_year(w)

    # time to power: a built site waits; a developer who knows the wait defers the chips
    r, life = P.discount_rate, P.accelerator_lifetime_years
    energy_kwh = tco["energy_mwh_per_year"] * KWH_PER_MWH
    n = tco["n_accelerators"]
    for key in ("", "_high"):
        revenue = n * core[f"h100_value_usd_per_chip_year{key}"]
        op = model_time.operating_margin_usd_per_year(tco, revenue)
        core[f"margin_usd_per_year{key}"] = model_time.margin_usd_per_year(tco, revenue)
        core[f"operating_margin_usd_per_year{key}"] = op
        wait = model_time.waiting_cost_usd(
            P.grid_wait_months,
            operating_margin_usd_per_year=op,
            discount_rate=r,
            facility_lifetime_years=model.FACILITY_LIFETIME_YEARS,
        )
        core[f"wait_cost_usd{key}"] = wait["calendar"]
        core[f"wait_cost_delay_usd{key}"] = wait["delay"]
        core[f"breakeven_premium_usd_per_kwh{key}"] = model_time.breakeven_premium_usd_per_kwh(
            wait["calendar"], energy_kwh, r, life
        )
        core[f"breakeven_bridging_premium_usd_per_kwh{key}"] = (
            model_time.bridging_breakeven_usd_per_kwh(
                operating_margin_usd_per_year=op, energy_kwh_per_year=energy_kwh
            )
        )
    core["breakeven_premium_delay_usd_per_kwh"] = model_time.breakeven_premium_usd_per_kwh(
        core["wait_cost_delay_usd"], energy_kwh, r, life
    )
    core["breakeven_premium_delay_facility_life_usd_per_kwh"] = (
        model_time.breakeven_premium_usd_per_kwh(
            core["wait_cost_delay_usd"], energy_kwh, r, model.FACILITY_LIFETIME_YEARS
        )
    )
    core["wait_cost_positive"] = float(core["wait_cost_usd"] > 0)
    chips_bought = model_time.idle_chips_cost_usd(P.grid_wait_months, tco, r)
    core["wait_cost_chips_bought_usd"] = chips_bought
    core["breakeven_premium_chips_bought_usd_per_kwh"] = model_time.breakeven_premium_usd_per_kwh(
        chips_bought, energy_kwh, r, life
    )
    extra = model_time.fast_power_extra_usd_per_kwh(P.premium_power_price_usd_per_kwh, price)
    core["fast_power_extra_usd_per_kwh"] = extra
    core["fast_power_pays"] = float(extra <= core["breakeven_premium_usd_per_kwh"])
    core["bridging_pays"] = float(extra <= core["breakeven_bridging_premium_usd_per_kwh"])
    core["bridging_pays_high"] = float(extra <= core["breakeven_bridging_premium_usd_per_kwh_high"])
    site_kw = P.campus_mw * P.pue * KW_PER_MW
    core["breakeven_onsite_capex_usd_per_kw"] = model_time.breakeven_onsite_capex_usd_per_kw(
        core["wait_cost_usd"], site_kw
    )
    core["breakeven_onsite_capex_high_usd_per_kw"] = model_time.breakeven_onsite_capex_usd_per_kw(
        core["wait_cost_usd_high"], site_kw
    )
    wait_months = model_time.breakeven_wait_months(
        extra,
        energy_kwh_per_year=energy_kwh,
        discount_rate=r,
        lifetime_years=life,
        waiting_cost_usd_per_year=model_time.waiting_cost_rate_usd_per_year(
            core["operating_margin_usd_per_year"]
        ),
    )

    # China against the United States
    cmp = model.china_us_cost_ratio(campus, prices["us"], prices["china"], P.compared_perf_per_watt)
    core["china_us_cost_ratio"] = cmp["cost_ratio"]
    core["china_power_ratio_same_compute"] = cmp["power_ratio"]
    core["parity_perf_per_watt_china"] = model.parity_perf_per_watt(
        campus, prices["china"], prices["us"]
    )
    core["parity_perf_per_watt_free_power"] = model.parity_perf_per_watt(campus, 0.0, prices["us"])
    core["parity_perf_per_watt_china_subsidised"] = model.parity_perf_per_watt(
        campus, prices["china_low"], prices["us"]
    )
    return Evaluation(
        P,
        tables,
        ref,
        campus,
        price,
        prices,
        tco,
        w,
        {k: float(v) for k, v in core.items()},
        wait_months,
    )


# --------------------------------------------------------------------------- sensitivity
#: Sobol sample size (a power of two): SOBOL_N * (k + 2) runs of the closed-form share.
SOBOL_N = 256
#: Plain-language names of the inputs the Sobol chart varies.
SOBOL_LABELS = {
    "price_override_usd_per_kwh": "Electricity price",
    "accelerator_price_usd": "Accelerator price",
    "system_overhead_fraction": "Servers and network (share of chip price)",
    "pue": "Power usage effectiveness",
    "server_power_factor": "Server power over board power",
    "utilization": "Utilization",
    "discount_rate": "Discount rate",
    "accelerator_lifetime_years": "Accelerator lifetime",
}


def sensitivity_ranges(
    P: Params, tables: Mapping[str, pd.DataFrame] | None = None
) -> dict[str, tuple[float, float]]:
    """Plausible ranges of the campus's uncertain economic inputs, each widened to include
    the chosen value and kept inside its declared bounds. Sourced: the accelerator price over
    its (unverified) published range, the PUE from Google's fleet to Uptime's industry
    average, the servers and network over Epoch AI's range across chips, the server power
    from board power alone to Epoch AI's DGX H100 factor. Assumed: utilization 0.5 to 0.9,
    discount rate 5% to 15%, accelerator lifetime 3 to 6 years. The electricity price is
    not here (it is a choice of country, see :func:`price_range`)."""
    if tables is None:
        from energybook import data

        tables = data.load_tables(TABLES)
    return ranges_from_reference(
        P, model.reference_inputs(tables["accelerators"], tables["compute_costs"])
    )


def ranges_from_reference(P: Params, ref: dict[str, float]) -> dict[str, tuple[float, float]]:
    """:func:`sensitivity_ranges` from the chapter's data-derived constants ``ref``."""
    epoch = {
        k: model.system_overhead_from_costs(
            ref[f"server_cost_overhead{k}"], ref["interconnect_cost_fraction"]
        )
        for k in ("_low", "_high")
    }
    wanted = {
        "accelerator_price_usd": (ref["h100_price_low_usd"], ref["h100_price_high_usd"]),
        "system_overhead_fraction": (epoch["_low"], epoch["_high"]),
        "pue": (ref["pue_best_fleet"], ref["pue_industry_average"]),
        "server_power_factor": (1.0, ref["server_power_factor_h100"]),
        "utilization": (0.5, 0.9),
        "discount_rate": (0.05, 0.15),
        "accelerator_lifetime_years": (3.0, 6.0),
    }
    decl = Params.declarations()
    out: dict[str, tuple[float, float]] = {}
    for name, (lo, hi) in wanted.items():
        value = float(getattr(P, name))
        lo = max(min(lo, value), float(decl[name].min or 0.0))
        hi = min(max(hi, value), float(decl[name].max or math.inf))
        if lo < hi:
            out[name] = (float(lo), float(hi))
    return out


def price_range(P: Params, prices: pd.DataFrame) -> tuple[float, float] | None:
    """The chosen country's sourced electricity prices, lowest to highest (its reference and
    low cases), or None where it has one price only or the override is used."""
    if P.use_price_override:
        return None
    found = []
    for case in ("reference", "low"):
        try:
            found.append(model.resolve_price_usd_per_kwh(prices, P.country, case=case))
        except ValueError:
            pass
    return (min(found), max(found)) if len(found) == 2 and min(found) < max(found) else None


def energy_share_point(P: Params, ref: dict[str, float], price_usd_per_kwh: float) -> float:
    """The main headline, energy's share of the campus's annual cost, at ``P`` and a price
    (the closed-form :func:`model.campus_tco`)."""
    return float(
        model.campus_tco(price_usd_per_kwh=price_usd_per_kwh, **model.campus_kwargs(P, ref))[
            "energy_share"
        ]
    )


def sobol_indices(
    P: Params, ref: dict[str, float], prices: pd.DataFrame, n: int = SOBOL_N
) -> pd.DataFrame:
    """Total (and first-order) Sobol indices of energy's share at the price the campus pays,
    each input uniform on :func:`sensitivity_ranges`, plus the electricity price over the
    chosen country's sourced range (:func:`price_range`; carried in the
    ``price_override_usd_per_kwh`` slot, which only this function reads as the price)."""
    ranges = ranges_from_reference(P, ref)
    fixed = model.selected_price_usd_per_kwh(P, prices)
    span = price_range(P, prices)
    if span is not None:
        ranges = {"price_override_usd_per_kwh": span, **ranges}

    def share(Q: Params) -> float:
        return energy_share_point(Q, ref, Q.price_override_usd_per_kwh if span else fixed)

    return sobol.of_parameters(share, P, ranges, n)


def sobol_top(ev: Evaluation) -> tuple[str, float, bool]:
    """The input with the largest total index, that index, and whether the intervals
    separate it from the next one."""
    top = ev.sobol.sort_values("ST", ascending=False).iloc[0]
    return str(top["parameter"]), float(top["ST"]), sobol.separated(ev.sobol)


def evaluate_core_at(
    P: Params, tables: Mapping[str, pd.DataFrame], **changes: Any
) -> dict[str, float]:
    """The evaluation's numbers with some parameters changed (a sensitivity shown beside the
    defaults)."""
    return evaluate(dataclasses.replace(P, **changes), tables).core


def headlines(ev: Evaluation) -> dict[str, float]:
    return {h.name: ev.core[h.name] for h in SPEC.headlines}


def supply(ev: Evaluation) -> dict[str, float]:
    """The IEA's 2030 projection against national demand and what countries add."""
    dc, nat, add = (
        ev.tables["dc_electricity"],
        ev.tables["national_electricity"],
        ev.tables["capacity_additions"],
    )
    base = model.dc_twh(dc, "World", BASE_YEAR, "Estimate")
    proj = model.dc_twh(dc, "World", PROJECTION_YEAR, "IEA Base")
    years = float(PROJECTION_YEAR - BASE_YEAR)
    growth = model.dc_growth_twh_per_year(base, proj, years)
    cf = model.implied_capacity_factor(add, "China", 2024)
    china = model.additions_row(add, "China", 2024)
    us = model.additions_row(add, "United States", 2024)
    us_2024 = model.dc_twh(dc, "United States", 2024, "Estimate")
    us_2030 = model.dc_twh(dc, "United States", 2030, "IEA Base")
    rates = ev.tables["country_prices"]
    rates = rates[(rates["country"] == "Germany") & rates["usd_per_local"].notna()]
    us_output = float(model.generation_from_capacity_twh(float(us["additions_gw"]), cf))
    return {
        "us_share_of_dc_growth_pct": 100.0 * (us_2030 - us_2024) / (proj - base),
        "usd_per_eur": float(rates.sort_values("year")["usd_per_local"].iloc[-1]),
        "dc_base_twh": base,
        "dc_projection_twh": proj,
        "dc_growth_twh_per_year": growth,
        "dc_projection_years": years,
        "dc_projection_vs_germany": proj / model.demand_twh(nat, "Germany", 2024),
        "dc_projection_vs_japan": proj / model.demand_twh(nat, "Japan", 2024),
        "dc_projection_share_china_pct": 100.0 * proj / model.demand_twh(nat, "China", 2024),
        "dc_projection_share_us_pct": 100.0 * proj / model.demand_twh(nat, "United States", 2024),
        "china_additions_gw": float(china["additions_gw"]),
        "china_generation_growth_twh": float(china["generation_growth_twh"]),
        "us_additions_gw": float(us["additions_gw"]),
        "implied_capacity_factor_pct": 100.0 * cf,
        "fleet_capacity_factor_pct": 100.0
        * model.capacity_factor_from_hours(float(china["utilization_hours"])),
        "dc_growth_share_china_pct": 100.0 * growth / float(china["generation_growth_twh"]),
        "us_additions_output_twh": us_output,
        "dc_growth_vs_us_additions": growth / us_output,
    }


def carbon_table(ev: Evaluation) -> pd.DataFrame:
    """Emissions of a campus-year and of a GPT-4-scale run on each grid."""
    return model.carbon_table(ev.tables["grid_carbon"], ev.P, ev.ref, ev.tco["energy_mwh_per_year"])


#: Each Chinese price case and the US price it is compared with like for like: the
#: national average with the US average, the cheapest provinces with the cheapest state.
CHINA_COUNTERPART = {"average": "us", "subsidised": "us_low"}


def china_cases(ev: Evaluation) -> pd.DataFrame:
    """China's electricity price against the US's, case by case (national average,
    subsidised provinces): columns case, label, price_usd_per_kwh, us_key and
    us_price_usd_per_kwh (its like-for-like US counterpart: the US average, or the
    lowest-priced state), over_us (China's price over the US average), over_us_low (over the
    lowest-priced state), over_counterpart, cost_ratio (cost per unit of compute, China over
    the US average) and campus_cost_ratio (the Chinese campus's annual cost over the US
    campus's, the same chips; ``cost_ratio`` is it over compared_perf_per_watt, by
    construction)."""
    rows = []
    for case, key in (("average", "china"), ("subsidised", "china_low")):
        p = ev.prices[key]
        us_key = CHINA_COUNTERPART[case]
        cmp = model.china_us_cost_ratio(ev.campus, ev.prices["us"], p, ev.P.compared_perf_per_watt)
        rows.append(
            {
                "case": case,
                "label": CASE_LABELS[case],
                "price_usd_per_kwh": p,
                "us_key": us_key,
                "us_price_usd_per_kwh": ev.prices[us_key],
                "over_us": p / ev.prices["us"],
                "over_us_low": p / ev.prices["us_low"],
                "over_counterpart": p / ev.prices[us_key],
                "cost_ratio": cmp["cost_ratio"],
                "campus_cost_ratio": model.parity_perf_per_watt(ev.campus, p, ev.prices["us"]),
            }
        )
    return pd.DataFrame(rows)


def china_us_prices(ev: Evaluation) -> dict[str, float]:
    """The Chinese prices the China chart draws a line for, by legend label."""
    return {
        f"China, {CASE_LABELS['average']} ({ev.prices['china']:.3f} USD/kWh)": ev.prices["china"],
        f"China, {CASE_LABELS['subsidised']} ({ev.prices['china_low']:.3f} USD/kWh)": ev.prices[
            "china_low"
        ],
        "China, with free electricity": 0.0,
    }


def numbers(ev: Evaluation) -> dict[str, float]:
    P, ref, tco, w, c = ev.P, ev.ref, ev.tco, ev.w, ev.core
    declared = {h.name for h in SPEC.headlines}
    x: dict[str, float] = dict(ref)
    x.update({k: v for k, v in c.items() if k not in declared})
    tco_at = {k: model.campus_tco(price_usd_per_kwh=v, **ev.campus) for k, v in ev.prices.items()}
    x.update(
        {
            "price_selected": ev.price,
            "price_us": ev.prices["us"],
            "price_china": ev.prices["china"],
            "price_germany": ev.prices["germany"],
            "n_accelerators": tco["n_accelerators"],
            "total_busd_selected": tco["total_usd_per_year"] / 1e9,
            "energy_busd_selected": tco["energy_usd_per_year"] / 1e9,
            "capital_busd_selected": (tco["total_usd_per_year"] - tco["energy_usd_per_year"]) / 1e9,
            "energy_twh_selected": tco["energy_mwh_per_year"] / 1e6,
            "usd_per_accelerator_hour_selected": tco["total_usd_per_year"]
            / (tco["n_accelerators"] * P.utilization * HOURS_PER_YEAR),
            "usd_per_chip_hour_of_year_selected": tco["total_usd_per_year"]
            / (tco["n_accelerators"] * HOURS_PER_YEAR),
            "germany_us_price_ratio": ev.prices["germany"] / ev.prices["us"],
            "germany_us_cost_ratio": tco_at["germany"]["usd_per_eflop"]
            / tco_at["us"]["usd_per_eflop"],
            "energy_share_selected_pct": 100.0 * c["energy_share_selected"],
            "energy_share_us_pct": 100.0 * c["energy_share_us"],
            "energy_share_china_pct": 100.0 * c["energy_share_china"],
            "energy_share_germany_pct": 100.0 * c["energy_share_germany"],
            "published_energy_share_low_pct": 100.0 * ref["published_energy_share_low"],
            "published_energy_share_high_pct": 100.0 * ref["published_energy_share_high"],
            "discount_rate_pct": 100.0 * P.discount_rate,
        }
    )
    for key in ("china_low", "germany_low", "us_low"):
        x[f"price_{key}"] = ev.prices[key]
        x[f"energy_share_{key}_pct"] = 100.0 * float(tco_at[key]["energy_share"])
    x.update(supply(ev))
    # time to power, in billions for the prose
    x.update(
        {
            "facility_idle_busd_per_month": tco["facility_usd_per_year"]
            / model.MONTHS_PER_YEAR
            / 1e9,
            "campus_revenue_busd_per_year": tco["n_accelerators"]
            * c["h100_value_usd_per_chip_year"]
            / 1e9,
        }
    )
    for key in ("", "_high"):
        x[f"margin_busd_per_year{key}"] = c[f"margin_usd_per_year{key}"] / 1e9
        x[f"operating_margin_busd_per_year{key}"] = c[f"operating_margin_usd_per_year{key}"] / 1e9
        x[f"wait_cost_busd{key}"] = c[f"wait_cost_usd{key}"] / 1e9
        x[f"wait_cost_delay_busd{key}"] = c[f"wait_cost_delay_usd{key}"] / 1e9
    x["wait_cost_chips_bought_busd"] = c["wait_cost_chips_bought_usd"] / 1e9
    # power as the constraint
    full = model_cap.full_cost_usd_per_year(w)
    x.update(
        {
            "efficiency_ratio": w["ratio"],
            "power_cost_usd_per_chip_year": w["power_cost_usd_per_year"],
            "compared_loss_usd_per_chip_year": c["compared_cost_usd_per_chip_year"]
            - c["compared_value_usd_per_chip_year"],
            "compared_perf_per_watt": P.compared_perf_per_watt,
            "power_cost_share_of_chip_cost_pct": 100.0 * w["power_cost_usd_per_year"] / full,
            "system_price_usd": w["base_price_usd"],
            "h100_full_cost_usd_per_chip_year": full,
            "h100_profit_usd_per_chip_year": c["h100_value_usd_per_chip_year"] - full,
            "h100_profit_usd_per_chip_year_high": c["h100_value_usd_per_chip_year_high"] - full,
            "rented_hours_per_year": P.rented_fraction * HOURS_PER_YEAR,
            "used_hours_per_year": P.utilization * HOURS_PER_YEAR,
            "system_overhead_epoch": model.system_overhead_from_costs(
                ref["server_cost_overhead"], ref["interconnect_cost_fraction"]
            ),
            "system_overhead_epoch_low": model.system_overhead_from_costs(
                ref["server_cost_overhead_low"], ref["interconnect_cost_fraction"]
            ),
            "system_overhead_epoch_high": model.system_overhead_from_costs(
                ref["server_cost_overhead_high"], ref["interconnect_cost_fraction"]
            ),
            "interconnect_cost_fraction_pct": 100.0 * ref["interconnect_cost_fraction"],
            "china_chip_energy_vs_h20_low_pct": 100.0 * (ref["china_chip_energy_vs_h20_low"] - 1),
            "china_chip_energy_vs_h20_high_pct": 100.0 * (ref["china_chip_energy_vs_h20_high"] - 1),
        }
    )
    # the headlines at the overhead left out (0), to show what the sourced default moves
    zero = evaluate_core_at(P, ev.tables, system_overhead_fraction=0.0)
    for k in (
        "efficiency_premium_capped",
        "breakeven_premium_usd_per_kwh",
        "breakeven_bridging_premium_usd_per_kwh",
    ):
        x[f"{k}_no_overhead"] = zero[k]
    x["margin_busd_per_year_no_overhead"] = zero["margin_usd_per_year"] / 1e9
    x["energy_share_us_no_overhead_pct"] = 100.0 * zero["energy_share_us"]
    # China against the United States
    cases = china_cases(ev).set_index("case")
    x["china_campus_cost_over_us"] = float(cases.loc["average", "campus_cost_ratio"])
    x["china_price_over_us"] = float(cases.loc["average", "over_us"])
    x["china_subsidised_over_us"] = float(cases.loc["subsidised", "over_us"])
    x["china_subsidised_over_us_low"] = float(cases.loc["subsidised", "over_us_low"])
    x["price_us_low"] = ev.prices["us_low"]
    x["china_us_cost_ratio_subsidised"] = float(cases.loc["subsidised", "cost_ratio"])
    s = supply(ev)
    gw_new = s["china_generation_growth_twh"] / float(
        model.generation_from_capacity_twh(P.pue * P.utilization, 1.0)
    )
    x.update(
        {
            "china_gw_supported_new_generation": gw_new,
            "china_gw_supported_fleet_hours": model.datacentre_gw_supported(
                s["china_additions_gw"],
                s["fleet_capacity_factor_pct"] / 100.0,
                P.pue,
                P.utilization,
            ),
            "china_gw_supported_us_equivalent": gw_new * P.compared_perf_per_watt,
            "china_us_cost_ratio_free_power": model.china_us_cost_ratio(
                ev.campus, ev.prices["us"], 0.0, P.compared_perf_per_watt
            )["cost_ratio"],
        }
    )
    # carbon
    carbon = carbon_table(ev)
    by = carbon.set_index("country")
    x.update(
        {
            "training_mwh": float(carbon["training_mwh"].iloc[0]),
            "campus_mt_china": float(by.loc["China", "campus_mt_per_year"]),
            "campus_mt_us": float(by.loc["United States", "campus_mt_per_year"]),
            "campus_mt_france": float(by.loc["France", "campus_mt_per_year"]),
            "training_t_china": float(by.loc["China", "training_t"]),
            "training_t_france": float(by.loc["France", "training_t"]),
            "carbon_china_over_france": float(
                by.loc["China", "carbon_intensity_g_per_kwh"]
                / by.loc["France", "carbon_intensity_g_per_kwh"]
            ),
        }
    )
    band = model.energy_share_interval(ev.campus, ref, ev.prices["us"])
    corners = model.energy_share_corners(ev.campus, ref, ev.prices["us"])
    s_top, s_st, _ = sobol_top(ev)
    x["sobol_top_total_index"] = s_st
    x.update(
        {
            "energy_share_us_p05_pct": 100.0 * band["p05"],
            "energy_share_us_p95_pct": 100.0 * band["p95"],
            "energy_share_us_min_pct": 100.0 * corners["min"],
            "energy_share_us_max_pct": 100.0 * corners["max"],
        }
    )
    return {k: float(v) for k, v in x.items()}


# --------------------------------------------------------------------------- phrases


def selected_label(P: Params) -> str:
    """How the page names the price used: the country and its price case, or the override."""
    if P.use_price_override:
        return f"an override price of {P.price_override_usd_per_kwh:g} USD/kWh"
    the = "the " if P.country in ("United States", "European Union") else ""
    if P.price_case == "low":
        return {
            "Germany": "BDEW's average price for new industrial contracts in Germany, "
            "with the standard electricity tax (unverified)",
            "China": "the subsidised price of China's data-centre provinces",
            "United States": "the industrial price of the cheapest US state (New Mexico)",
        }.get(P.country, f"the low-case price of {the}{P.country}")
    if P.country == "Germany":
        return f"the industrial price of {the}{P.country} ({CASE_LABELS['before relief']})"
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
    return f"{r:.3f} times the best chip's performance per watt, more than the best chip itself"


def cheaper_phrase(price: float, us_price: float) -> str:
    """'cheaper' or 'not cheaper' than the US price, by the numbers (equal is not cheaper)."""
    return "cheaper" if price < us_price else "not cheaper"


CHINA_PLACES = {
    "average": "at the national average",
    "subsidised": "in the subsidised data-centre provinces",
}
US_PLACES = {
    "us": "the EIA's US industrial average",
    "us_low": "the cheapest US state in EIA's table (New Mexico's industrial average)",
}


def china_price_phrase(ev: Evaluation) -> str:
    """China's electricity against the US's, one clause per price case, each compared like
    for like (the national average with the US average; the cheapest provinces with the
    cheapest state) and saying 'cheaper' or 'not cheaper' by its own numbers."""
    clauses = []
    for row in china_cases(ev).itertuples():
        us = float(row.us_price_usd_per_kwh)
        clauses.append(
            f"{CHINA_PLACES[str(row.case)]} ({row.price_usd_per_kwh:.3f} USD/kWh "
            f"against {US_PLACES[str(row.us_key)]} of {us:.4f}, "
            f"{row.over_counterpart:.2f} times) it is "
            f"*{cheaper_phrase(row.price_usd_per_kwh, us)}*"
        )
    return "; ".join(clauses)


def time_to_power_labels(
    premium_price_usd_per_kwh: float, grid_price_usd_per_kwh: float, wait_months: float
) -> dict[str, str]:
    """Words for the time-to-power prose and chart, for the cases of
    ``model_time.fast_power_case`` and a break-even wait that may be infinite.

    ``wait_months`` is the break-even wait of permanent fast power. Returns
    breakeven_wait_label (ends "fast power for the lifetime is (not) worth paying: ..."),
    conclusion_wait_label, chart_title and chart_caption_lines. When fast power costs no
    more than grid power, no "0.0 months" crossing is claimed.
    """
    extra = model_time.fast_power_extra_usd_per_kwh(
        premium_price_usd_per_kwh, grid_price_usd_per_kwh
    )
    case = model_time.fast_power_case(extra)
    same = case == model_time.FAST_POWER_SAME_PRICE
    prices = (
        f"at {premium_price_usd_per_kwh:.3f} USD/kWh it "
        + ("costs the same as" if same else "is cheaper than")
        + f" the {grid_price_usd_per_kwh:.3f} USD/kWh grid power it replaces"
    )
    if case == model_time.FAST_POWER_COSTS_MORE:
        if math.isinf(wait_months):
            return {
                "breakeven_wait_label": "it never pays for itself: even a wait without end "
                "costs less than its premium over the lifetime",
                "conclusion_wait_label": "no wait, however long, costs as much as paying the "
                "premium power price on a lifetime contract",
                "chart_title": "Time to power: waiting never costs as much as fast power "
                "on a lifetime contract",
                "chart_caption_lines": "at every wait the cost of waiting stays below the "
                "flat extra cost of fast power on a lifetime "
                "contract",
            }
        return {
            "breakeven_wait_label": f"it pays for itself once the wait exceeds "
            f"{wait_months:.1f} months",
            "conclusion_wait_label": f"a wait of {wait_months:.1f} months costs as much as "
            "paying the premium power price on a "
            "lifetime contract",
            "chart_title": "Time to power: the cost of waiting against the cost of fast power",
            "chart_caption_lines": "the cost of waiting rises with the wait and crosses the "
            "flat extra cost of fast power on a lifetime contract at "
            f"{wait_months:.1f} months, beyond which fast power pays",
        }
    saving = "costs nothing extra" if same else f"saves {-extra:.3f} USD/kWh"
    return {
        "breakeven_wait_label": f"{prices}, so it {saving} and pays at any wait (its break-even "
        "wait is zero)",
        "conclusion_wait_label": f"with these prices fast power {saving} against grid power, "
        "so waiting for the grid only loses money and fast power "
        "pays at any wait",
        "chart_title": "Time to power: fast power costs no more than the grid, so it pays at "
        "any wait",
        "chart_caption_lines": "the cost of waiting rises from zero; the extra cost of fast "
        "power is "
        + (
            "zero, because the premium power price equals the grid price"
            if same
            else "below zero, a saving, because the premium power price is below the grid price"
        )
        + ", so fast power pays at any wait",
    }


def ttp_labels(ev: Evaluation) -> dict[str, str]:
    return time_to_power_labels(
        ev.P.premium_power_price_usd_per_kwh, ev.price, ev.breakeven_wait_months
    )


def _worth(pays: float) -> str:
    return "is worth paying" if pays else "is not worth paying"


def _more(a: float, b: float) -> str:
    return "more than" if a > b * (1 + 1e-12) else "the same as"


def texts(ev: Evaluation) -> dict[str, str]:
    c, labels = ev.core, ttp_labels(ev)
    return {
        "price_label": selected_label(ev.P),
        "campus_label": f"{ev.P.campus_mw:,.0f} MW",
        "wait_label": f"{ev.P.grid_wait_months:g} months",
        "verdict_fast_power": _worth(c["fast_power_pays"]),
        "verdict_bridging": _worth(c["bridging_pays"]),
        "verdict_bridging_high": _worth(c["bridging_pays_high"]),
        "breakeven_wait_label": labels["breakeven_wait_label"],
        "conclusion_wait_label": labels["conclusion_wait_label"],
        "verdict_cap": "above" if c["cap_raises_premium"] else "below",
        "verdict_binds": "above" if c["power_binds"] else "below",
        "verdict_binds_high": "above" if c["power_binds_high"] else "below",
        "verdict_capped_vs_uncapped": _more(
            c["efficiency_premium_capped"], c["efficiency_premium_uncapped"]
        ),
        "verdict_capped_vs_uncapped_high": _more(
            c["efficiency_premium_capped_high"], c["efficiency_premium_uncapped_high"]
        ),
        "china_price_phrase": china_price_phrase(ev),
        "parity_china_label": parity_phrase(c["parity_perf_per_watt_china"]),
        "parity_free_power_label": parity_phrase(c["parity_perf_per_watt_free_power"]),
        "parity_subsidised_label": parity_phrase(c["parity_perf_per_watt_china_subsidised"]),
        **cap_phrases(ev),
        **wait_phrases(ev),
        **sobol_phrases(ev),
    }


def sobol_phrases(ev: Evaluation) -> dict[str, str]:
    """The sensitivity paragraph's clauses: which input has the largest total index, and
    whether the intervals rank it above the next one."""
    order = ev.sobol.sort_values("ST", ascending=False)["parameter"].tolist()
    top, second = (SOBOL_LABELS[p].lower() for p in order[:2])
    apart = sobol.separated(ev.sobol)
    varied = price_range(ev.P, ev.tables["country_prices"]) is not None
    return {
        "sobol_top_label": top,
        "sobol_price_phrase": (
            "the electricity price over the chosen country's sourced prices"
            if varied
            else "the electricity price held at the one used (the chosen "
            "country has a single sourced price, or it is the "
            "override)"
        ),
        "sobol_ranking_phrase": (
            f"the intervals rank it clearly above the {second}"
            if apart
            else f"its interval overlaps that of the {second}, so this sample does not rank the two"
        ),
    }


def _binds(binds: float) -> str:
    return (
        "power binds: a chip-slot is worth something, and megawatts are scarce"
        if binds
        else "power does not bind: not even the H100 pays its full cost, so no one would "
        "pay to fill more megawatts"
    )


def cap_phrases(ev: Evaluation) -> dict[str, str]:
    """The power-cap section's clauses, each true of the numbers it speaks of: whether power
    binds, whether a compared chip pays for itself, at each rental rate, and at what
    efficiency the compared chip would start to pay."""
    c = ev.core
    profit = c["compared_value_usd_per_chip_year"] - c["compared_cost_usd_per_chip_year"]
    pays = profit >= 0
    naive = c["efficiency_premium_capped_without_outside_option"]
    r_star = c["breakeven_perf_per_watt"]
    return {
        "compared_result": (
            f"it earns {profit:,.0f} USD a year above its cost"
            if pays
            else f"it loses {-profit:,.0f} USD a year"
        ),
        "binds_phrase": _binds(c["power_binds"]),
        "binds_phrase_high": _binds(c["power_binds_high"]),
        "uncapped_reason": (
            "Since they pay for themselves, that equal-cost price is the H100's worth"
            if pays
            else "Since they lose money, the alternative is not to produce, and "
            "the H100 is worth what it earns itself, its break-even price"
        ),
        "capped_reason": (
            "Here the compared chip wins, so the H100 is worth the compared "
            "chip's price plus the value of its extra output over the chip's "
            "life"
            if pays
            else "Here the empty slot wins, so the H100 is again worth its break-even price"
        ),
        "naive_phrase": (
            "Here that is also what the formula that assumes the megawatts "
            f"would otherwise hold compared chips gives ({naive:.2f}), since "
            "they pay for themselves"
            if pays
            else "The formula that assumes the megawatts would otherwise hold "
            f"compared chips gives {naive:.2f}, because it credits the H100 with "
            "avoiding losses that no buyer would incur"
        ),
        "efficiency_phrase": (
            "so this multiple does not depend on the compared chip's efficiency at all: it is "
            "the H100's own break-even price over the assumed price, the same for any "
            "compared chip that loses money, which is true by construction and is not a "
            "finding about efficiency. A compared chip would start to pay for itself only "
            + (
                f"at {r_star:.2f} of the H100's performance per watt"
                if r_star <= 1
                else f"at {r_star:.2f} times the H100's performance per watt, more than the H100 "
                "itself has: at this rental not even an H100 pays its full cost"
            )
            if not pays
            else f"so the multiple does depend on efficiency: a compared chip pays for itself "
            f"from {r_star:.2f} of the H100's performance per watt, and this one is above "
            "that"
        ),
        "high_phrase": (
            "a compared chip pays for itself, and the two cases part"
            if c["compared_pays_high"]
            else "a compared chip still does not pay for itself, and the two cases stay one"
        ),
        "peak_phrase": (
            "a compared chip pays for itself, and the two cases part"
            if c["compared_pays_peak"]
            else "even a compared chip does not pay for itself, and the two cases stay one"
        ),
    }


def wait_phrases(ev: Evaluation) -> dict[str, str]:
    """The time-to-power section's clauses: whether filling the site pays at each rental
    (so whether a wait costs anything at all)."""
    c = ev.core
    op, op_high = c["operating_margin_usd_per_year"], c["operating_margin_usd_per_year_high"]

    def clause(m: float) -> str:
        return (
            f"the site would earn {m / 1e9:,.2f} billion USD a year above the chips' "
            "capital charge and energy, and each month of waiting loses a month of that"
            if m > 0
            else f"filling the site with chips would lose {-m / 1e9:,.2f} billion USD a year "
            "after the chips' capital charge and energy, so a developer would leave it "
            "empty and the wait costs nothing"
        )

    return {"wait_phrase": clause(op), "wait_phrase_high": clause(op_high)}


def row_label(row: Any) -> str:
    """A TCO row as readers see it: its country, and its price case where it has several."""
    case = str(row["case"])
    if row["country"] == model.OVERRIDE_ROW or case == "average":
        return str(row["country"])
    return f"{row['country']} ({CASE_SHORT.get(case, case)})"


# --------------------------------------------------------------------------- captions


def _possessive(country: str) -> str:
    return "the United States'" if country == "United States" else f"{country}'s"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _the(country: str) -> str:
    return f"the {country}" if country in ("United States", "European Union") else country


def _series(names: list[str], conj: str = "and") -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {conj} " + names[-1]


def captions(ev: Evaluation) -> dict[str, str]:
    c = ev.core
    dc, nat = ev.tables["dc_electricity"], ev.tables["national_electricity"]
    proj = model.dc_twh(dc, "World", 2030, "IEA Base")
    base = model.dc_twh(dc, "World", 2024, "Estimate")
    multiples = [
        (country, proj / model.demand_twh(nat, country, 2024)) for country in DEMAND_COUNTRIES
    ]
    exceeds = [f"{_the(k)} ({m:.2f} times)" for k, m in multiples if m > 1]
    short = [f"{_the(k)} ({m:.2f} times)" for k, m in multiples if m <= 1]
    demand = (
        f"The world's data centres in 2030 (IEA Base Case, {proj:,.0f} TWh) would use "
        + (
            "more electricity than the whole 2024 demand of "
            + _series(exceeds)
            + (" but not that of " + _series(short, "or") if short else "")
            if exceeds
            else "less electricity than the whole 2024 demand of each of " + _series(short)
        )
        + ". The bars compare the annual electricity of the world's data centres in 2024 "
        f"(IEA estimate, {base:,.0f} TWh) and 2030 with the 2024 demand of "
        f"{_series([_the(k) for k in DEMAND_COUNTRIES])}. National demand is generation "
        "plus net imports. Sources: IEA Energy and AI (2025); Our World in Data (Ember, "
        "Energy Institute)."
    )
    t = tco_table(ev)
    have = t[t["price_status"] != model.GAP]
    gaps = list(t.loc[t["price_status"] == model.GAP, "country"])
    capital_share = 1.0 - have["energy_share"]
    lo, hi = have.loc[have["energy_share"].idxmin()], have.loc[have["energy_share"].idxmax()]
    tco = (
        f"Capital is {100 * capital_share.min():.0f}% to {100 * capital_share.max():.0f}% of "
        "the campus's annual cost at every sourced electricity price, and energy is "
        f"{100 * lo['energy_share']:.1f}% for {row_label(lo)} and "
        f"{100 * hi['energy_share']:.1f}% for {row_label(hi)}. Each bar stacks one price "
        "case's costs (accelerators, servers and network, facility, energy). "
        + (
            _series(gaps) + " show the text 'no sourced price (gap)' instead of a bar. "
            if gaps
            else ""
        )
        + "Sources: EIA, China Briefing, Financial Times, Bundesnetzagentur, BDEW, Eurostat "
        "(prices); Cushman and Wakefield (facility); Epoch AI (chip); accelerator price "
        "unverified."
    )
    ttp = (
        "At the chosen wait for grid power (dashed rule), waiting costs a developer who "
        f"defers its chips {c['wait_cost_usd'] / 1e9:,.2f} billion USD of lost site "
        "earnings, or "
        f"{c['wait_cost_delay_usd'] / 1e9:,.2f} if nothing ages and the whole project only "
        "starts later; had the chips been bought and left idle their capital charge would be "
        f"{c['wait_cost_chips_bought_usd'] / 1e9:,.1f}. The lines give present value against "
        f"months of waiting: {ttp_labels(ev)['chart_caption_lines']}. The line for bridging "
        "power, paid only "
        "until the grid arrives, rises in proportion to the cost of waiting, so the two "
        "never cross after zero months. Values of compute at the 2025 one-year rental; "
        "sources: model; prices as in the table above; accelerator price unverified."
    )
    wtp = (
        "The highest price worth paying for a chip more efficient than the compared one, at "
        f"the chapter's ratio (vertical rule, {ev.w['ratio']:.2f}), is "
        f"{c['efficiency_premium_capped']:.2f} and {c['efficiency_premium_uncapped']:.2f} "
        "times the compared chip's price at the 2025 rental, with a fixed allocation of "
        f"power and without, and {c['efficiency_premium_capped_peak']:.2f} and "
        f"{c['efficiency_premium_uncapped_peak']:.2f} at the 2023 spot rate. The lines give "
        "this multiple against the efficiency advantage, with a fixed allocation of power "
        "(solid) and without (dashed), at the 2025 one-year rental and at the 2023 spot "
        "rate, an upper bound on the value of compute. Sources: model; "
        "H100 rental rates from SemiAnalysis and rental trackers (secondary); accelerator "
        "price unverified."
    )
    top = model_cap.premiums_at_rental(ev.w, VALUE_AXIS_MAX_USD_PER_HOUR)
    value = (
        "How the H100's highest price multiple changes with the one-year rental rate of an "
        "H100-hour (paid for every contracted hour), with a fixed allocation of power and "
        "without: one line, the H100's own break-even price, up to "
        f"{c['rental_threshold_usd_per_hour']:.2f} USD per hour, where a compared chip starts "
        "to pay its full cost; beyond it the line without a cap flattens at equal cost per "
        "output and the line with a cap keeps rising, to "
        f"{top['capped']:.2f} against {top['uncapped']:.2f} at the right edge of the chart. "
        "Dashed rules mark where power starts to bind (an H100 pays its full cost, "
        f"{c['binding_rental_usd_per_hour']:.2f}), that threshold, and the one-year rates of "
        f"2025 ({ev.ref['rental_usd_per_hour']:.2f}) and March 2026 "
        f"({ev.ref['rental_high_usd_per_hour']:.2f}). Sources: model; rental rates from "
        "SemiAnalysis via secondary outlets."
    )
    curves = [
        model.cost_ratio_curve(ev.campus, ev.prices["us"], p, CHINA_RATIOS)["cost_ratio"]
        for p in china_us_prices(ev).values()
    ]
    spread = pd.concat(curves, axis=1).agg(lambda r: r.max() / r.min(), axis=1)
    cases = china_cases(ev)
    china_us = (
        "China's cost per unit of compute relative to the US (log scale) falls as the "
        "performance per watt of China's chip rises, "
        + _series(
            [
                {
                    "average": "at China's national average price",
                    "subsidised": "at its price in the subsidised data-centre provinces",
                }[str(k)]
                for k in cases["case"]
            ]
            + ["with free electricity"]
        )
        + f"; at any efficiency the lines are at most {100 * (spread.max() - 1):.1f}% apart. "
        "They reach parity (dashed line) at "
        + _series(
            [
                f"{x:.3f}"
                for x in [*cases["campus_cost_ratio"], c["parity_perf_per_watt_free_power"]]
            ]
        )
        + " times the best chip's efficiency. "
        "Sources: model; prices from China Briefing, the Financial Times and the EIA; chip "
        "from Epoch AI; accelerator price unverified."
    )
    carbon = carbon_table(ev)
    first, last = carbon.iloc[0], carbon.iloc[-1]
    carbon_caption = (
        "The campus's annual emissions depend on the grid: on "
        + _possessive(str(last["country"]))
        + f" grid they ({last['campus_mt_per_year']:.2f} Mt) are "
        f"{100 * last['campus_mt_per_year'] / first['campus_mt_per_year']:.0f}% of those on "
        f"{_possessive(str(first['country']))} ({first['campus_mt_per_year']:.2f} Mt). The "
        "bars give the emissions on each grid, largest first: "
        + _series([_the(str(k)) for k in carbon["country"]])
        + ". Tooltips add the emissions of a training run of GPT-4's estimated compute. Source: "
        "Our World in Data (Ember) lifecycle carbon intensity, latest year per country."
    )
    s_top, s_st, apart = sobol_top(ev)
    second = SOBOL_LABELS[ev.sobol.sort_values("ST", ascending=False)["parameter"].iloc[1]]
    price_phrase = (
        "the electricity price over the chosen country's sourced prices, "
        if price_range(ev.P, ev.tables["country_prices"])
        else ""
    )
    sobol_caption = (
        "The largest total Sobol index of energy's share of the campus's annual cost at "
        f"{selected_label(ev.P)}, {s_st:.2f}, is that of the {SOBOL_LABELS[s_top].lower()}"
        + (
            ""
            if apart
            else f"; its interval overlaps that of the {second.lower()}, so this "
            "sample does not rank the two"
        )
        + ". The bars give the total indices of the closed-form cost model (not a Monte "
        "Carlo), each input varied uniformly over a range that includes the chosen value: "
        f"{price_phrase}the accelerator price over its unverified published range, the PUE "
        "from Google's fleet to the industry average, servers and network over Epoch AI's "
        "range across chips, server power from board power to Epoch AI's DGX factor, and "
        "utilization, discount rate and accelerator lifetime over assumed ranges. Rules "
        "mark bootstrap confidence intervals. The indices measure the assumed ranges, not a "
        "measured uncertainty. Sources: "
        "model; ranges as in the text."
    )
    return {
        "demand": demand,
        "tco": tco,
        "time_to_power": ttp,
        "wtp": wtp,
        "premium_vs_value": value,
        "china_us": china_us,
        "carbon": carbon_caption,
        "sobol": sobol_caption,
    }


# --------------------------------------------------------------------------- reader tables


def _fmt(v: Any, spec: str, scale: float = 1.0) -> str:
    return "gap" if pd.isna(v) else format(v * scale, spec)


def tco_table(ev: Evaluation) -> pd.DataFrame:
    """:func:`model.tco_country_table` for this page (with the override row if used)."""
    return model.tco_country_table(
        ev.tables["country_prices"],
        ev.campus,
        ev.P.price_override_usd_per_kwh if ev.P.use_price_override else None,
    )


def table_tco(ev: Evaluation) -> pd.DataFrame:
    """The campus's annual cost by country and price case, as printed for readers (gaps
    shown as gaps)."""
    t = tco_table(ev)
    return pd.DataFrame(
        {
            "Country": t["country"],
            "Price case": [CASE_LABELS.get(str(k), str(k)) for k in t["case"]],
            "Price (USD/kWh)": [_fmt(v, ".3f") for v in t["price_usd_per_kwh"]],
            "Total (billion USD/yr)": [_fmt(v, ",.2f", 1e-9) for v in t["total_usd_per_year"]],
            "Energy (billion USD/yr)": [_fmt(v, ",.2f", 1e-9) for v in t["energy_usd_per_year"]],
            "Energy share": [_fmt(v, ".1%") for v in t["energy_share"]],
            "USD per EFLOP": [_fmt(v, ".3f") for v in t["usd_per_eflop"]],
            "USD per accelerator-hour": [_fmt(v, ".2f") for v in t["usd_per_accelerator_hour"]],
        }
    )


def table_supply(ev: Evaluation) -> pd.DataFrame:
    """What each country adds per year against data-centre growth. Every chapter country is
    listed; one with no sourced all-technology additions is a row of 'gap', and blank cells
    of sourced rows are shown as 'gap' too."""
    s = supply(ev)
    rows = model.supply_rows(ev.tables["capacity_additions"])
    df = model.supply_growth_comparison(
        rows, s["dc_growth_twh_per_year"], s["implied_capacity_factor_pct"] / 100.0
    )
    return pd.DataFrame(
        {
            "Country": df["country"],
            "Year": ["gap" if pd.isna(y) else str(int(y)) for y in df["year"]],
            "Capacity added (GW)": [_fmt(v, ",.1f") for v in df["additions_gw"]],
            "Generation growth (TWh)": [_fmt(v, ",.0f") for v in df["generation_growth_twh"]],
            "Data-centre growth per year (TWh)": [_fmt(v, ",.0f") for v in df["dc_growth_twh"]],
            "...as a share of the additions' output": [
                _fmt(v, ".0%") for v in df["dc_share_of_additions"]
            ],
            "...as a share of generation growth": [
                _fmt(v, ".0%") for v in df["dc_share_of_generation_growth"]
            ],
            "Data": ["gap: no sourced total additions" if g else "sourced" for g in rows["gap"]],
        }
    )
