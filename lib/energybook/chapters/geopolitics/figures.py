"""The geopolitics chapter's charts: each a function of the page's ``Evaluation``."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from energybook import charts
from energybook.chapters.geopolitics import model, model_cap, model_time
from energybook.chapters.geopolitics.model import KWH_PER_MWH
from energybook.chapters.geopolitics.page import (
    CHINA_RATIOS,
    DEMAND_COUNTRIES,
    SOBOL_LABELS,
    VALUE_AXIS_MAX_USD_PER_HOUR,
    Evaluation,
    carbon_table,
    china_us_prices,
    row_label,
    tco_table,
    ttp_labels,
)

PRICE_GAP_LABEL = "no sourced price (gap)"


# --------------------------------------------------------------------------- 1. demand


def demand_data(ev: Evaluation) -> pd.DataFrame:
    """Bars: each country's 2024 demand beside the world's data centres in 2024 and 2030."""
    dc, nat = ev.tables["dc_electricity"], ev.tables["national_electricity"]
    rows = [
        {
            "label": f"{c} demand (2024)",
            "kind": "National demand",
            "energy_twh": model.demand_twh(nat, c, 2024),
        }
        for c in DEMAND_COUNTRIES
    ]
    rows.append(
        {
            "label": "Data centres, world (2024)",
            "kind": "Data centres (estimate)",
            "energy_twh": model.dc_twh(dc, "World", 2024, "Estimate"),
        }
    )
    rows.append(
        {
            "label": "Data centres, world (2030)",
            "kind": "Data centres (projection)",
            "energy_twh": model.dc_twh(dc, "World", 2030, "IEA Base"),
        }
    )
    return pd.DataFrame(rows)


def demand(ev: Evaluation) -> alt.Chart:
    proj = model.dc_twh(ev.tables["dc_electricity"], "World", 2030, "IEA Base")
    return charts.nations_bar(
        demand_data(ev), title=f"{proj:.0f} TWh of data centres against national electricity demand"
    )


# --------------------------------------------------------------------------- 2. TCO

COMPONENTS = {
    "accelerators": "Accelerators",
    "servers_network": "Servers and network",
    "facility": "Facility",
    "energy": "Energy",
}


def tco_data(ev: Evaluation) -> pd.DataFrame:
    """The annual cost stacked by component (billion USD per year), one bar per country with
    a price; countries without one are rows with ``gap`` true and no cost."""
    t = tco_table(ev)
    t["country"] = [row_label(row) for _, row in t.iterrows()]
    have = t[t["price_status"] != model.GAP]
    long = have.melt(
        id_vars=["country", "price_usd_per_kwh", "energy_share"],
        value_vars=[f"{c}_usd_per_year" for c in model.TCO_COMPONENTS],
        var_name="component",
        value_name="cost_usd_per_year",
    )
    long["component"] = long["component"].str.removesuffix("_usd_per_year")
    totals = long.groupby("country")["cost_usd_per_year"].transform("sum")
    long["share"] = long["cost_usd_per_year"] / totals
    long["cost_busd_per_year"] = long["cost_usd_per_year"] / 1e9
    long["order"] = long["component"].map({c: i for i, c in enumerate(COMPONENTS)})
    long["component"] = long["component"].map(COMPONENTS)
    long["gap"] = False
    gaps = pd.DataFrame(
        {
            "country": t.loc[t["price_status"] == model.GAP, "country"],
            "gap": True,
            "cost_busd_per_year": 0.0,
        }
    )
    return pd.concat([long.drop(columns="cost_usd_per_year"), gaps], ignore_index=True)


def tco(ev: Evaluation) -> alt.TopLevelMixin:
    data = tco_data(ev)
    countries = list(dict.fromkeys(data["country"]))
    x_title = "Annual cost (billion USD per year)"
    y = alt.Y("country:N", title=None, sort=countries, axis=alt.Axis(labelLimit=340))
    bars = (
        alt.Chart(data[~data["gap"]])
        .mark_bar()
        .encode(
            x=alt.X("cost_busd_per_year:Q", title=x_title),
            y=y,
            color=alt.Color(
                "component:N",
                title="Cost",
                sort=list(COMPONENTS.values()),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("component:N", title="Cost"),
                alt.Tooltip("cost_busd_per_year:Q", title="Billion USD per year", format=",.2f"),
                alt.Tooltip("share:Q", title="Share of total", format=".1%"),
                alt.Tooltip(
                    "price_usd_per_kwh:Q", title="Electricity price (USD/kWh)", format=".3f"
                ),
            ],
        )
    )
    gaps = data[data["gap"]].assign(label=PRICE_GAP_LABEL)[
        ["country", "label", "cost_busd_per_year"]
    ]
    gap_text = (
        alt.Chart(gaps)
        .mark_text(align="left", dx=4, color="#555", fontStyle="italic")
        .encode(
            x=alt.X("cost_busd_per_year:Q", title=x_title),
            y=y,
            text="label:N",
            tooltip=[
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("label:N", title="Price"),
            ],
        )
    )
    return (bars + gap_text).properties(
        title="Annual cost of an AI campus by country and price case", height=320
    )


# --------------------------------------------------------------------------- 3. time to power


def time_to_power_data(ev: Evaluation, max_months: int = 60) -> pd.DataFrame:
    """Present values (billion USD) for waits of 0 to ``max_months``, for a developer who
    defers its chips: the site's earnings lost over the wait, the same if nothing ages and
    the project only starts later (a lower bound), and the extra cost of fast power under a
    contract for the accelerators' lifetime and until the grid arrives (below zero, a
    saving, when fast power is cheaper than the grid)."""
    P, tco_ = ev.P, ev.tco
    df = model_time.time_to_power_tradeoff(
        np.arange(0, max_months + 1),
        operating_margin_usd_per_year=ev.core["operating_margin_usd_per_year"],
        discount_rate=P.discount_rate,
        lifetime_years=P.accelerator_lifetime_years,
        facility_lifetime_years=model.FACILITY_LIFETIME_YEARS,
        energy_kwh_per_year=tco_["energy_mwh_per_year"] * KWH_PER_MWH,
        extra_usd_per_kwh=ev.core["fast_power_extra_usd_per_kwh"],
    )
    names = {
        "waiting_cost_usd": "Waiting: the site's earnings lost",
        "delay_cost_usd": "Waiting, if nothing ages (lower bound)",
        "lifetime_cost_usd": "Fast power on a lifetime contract (extra cost)",
        "bridging_cost_usd": "Fast power until the grid arrives (extra cost)",
    }
    long = df.melt(
        id_vars=["wait_months"], value_vars=list(names), var_name="series", value_name="cost_usd"
    )
    long["series"] = long["series"].map(names)
    long["cost_busd"] = long["cost_usd"] / 1e9
    return long.drop(columns="cost_usd")


def time_to_power(ev: Evaluation) -> alt.TopLevelMixin:
    x_title = "Months waiting for a grid connection"
    data = time_to_power_data(ev)
    lines = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("wait_months:Q", title=x_title),
            y=alt.Y("cost_busd:Q", title="Present value (billion USD)"),
            color=alt.Color(
                "series:N",
                title=None,
                sort=list(dict.fromkeys(data["series"])),
                legend=alt.Legend(orient="bottom", columns=1),
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Cost"),
                alt.Tooltip("wait_months:Q", title="Wait (months)"),
                alt.Tooltip("cost_busd:Q", title="Billion USD", format=",.2f"),
            ],
        )
    )
    rule = charts.reference_rule(
        ev.P.grid_wait_months, "Chosen wait (months)", axis="x", title=x_title, fmt=".0f"
    )
    return (lines + rule).properties(title=ttp_labels(ev)["chart_title"])


# --------------------------------------------------------------------------- 4. power cap

RATIO_TITLE = "Performance per watt of the better chip (multiple of the compared chip)"
PREMIUM_TITLE = "Highest price worth paying (multiple of the compared chip)"
BINDS = {True: "Fixed allocation of power", False: "More power can be had"}


def wtp_data(ev: Evaluation, max_ratio: float = 4.0, n: int = 61) -> pd.DataFrame:
    """Highest price (relative to the compared chip) of a chip ``ratio`` times as efficient
    as the compared one, whose output is worth ``ratio`` times the compared chip's: with and
    without a fixed allocation of power, at the 2025 one-year rental (paid for every
    contracted hour) and at the 2023 spot rate (paid for the hours used; an upper bound)."""
    w = ev.w
    ratios = np.linspace(1.0, max(max_ratio, w["ratio"]), n)
    frames = []
    for label, rate, contract in (
        ("2025 one-year rental", ev.ref["rental_usd_per_hour"], model_cap.RESERVED),
        ("2023 spot rate, an upper bound", ev.ref["rental_peak_usd_per_hour"], model_cap.ON_DEMAND),
    ):
        v0 = w["compared_perf_per_watt"] * model_cap.value_at(w, rate, contract)
        for binds in (True, False):
            price = model_cap.max_price_usd(
                base_price_usd=w["base_price_usd"],
                perf_per_watt_ratio=ratios,
                base_value_usd_per_year=v0,
                power_cost_usd_per_year=w["power_cost_usd_per_year"],
                crf=w["crf"],
                slots_fixed=binds,
            )
            frames.append(
                pd.DataFrame(
                    {
                        "perf_per_watt_ratio": ratios,
                        "value": label,
                        "regime": BINDS[binds],
                        "max_price_usd": price,
                        "premium": price / w["base_price_usd"],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def wtp(ev: Evaluation) -> alt.TopLevelMixin:
    lines = (
        alt.Chart(wtp_data(ev))
        .mark_line()
        .encode(
            x=alt.X("perf_per_watt_ratio:Q", title=RATIO_TITLE),
            y=alt.Y("premium:Q", title=PREMIUM_TITLE),
            color=alt.Color(
                "value:N", title="Value of compute", legend=alt.Legend(orient="bottom")
            ),
            strokeDash=alt.StrokeDash(
                "regime:N",
                title="Power supply",
                sort=list(BINDS.values()),
                legend=alt.Legend(orient="bottom"),
            ),
            detail="regime:N",
            tooltip=[
                alt.Tooltip("value:N", title="Value of compute"),
                alt.Tooltip("regime:N", title="Power supply"),
                alt.Tooltip(
                    "perf_per_watt_ratio:Q", title="Performance per watt (x)", format=".2f"
                ),
                alt.Tooltip("premium:Q", title="Price multiple", format=".2f"),
                alt.Tooltip("max_price_usd:Q", title="Highest price (USD)", format=",.0f"),
            ],
        )
    )
    rule = charts.reference_rule(
        ev.w["ratio"], "This chapter's ratio", axis="x", title=RATIO_TITLE, fmt=".2f"
    )
    return (lines + rule).properties(title="What a buyer can pay for performance per watt")


VALUE_TITLE = "One-year rental rate of an H100 (USD per contracted hour)"


def premium_vs_value_data(
    ev: Evaluation, max_usd_per_hour: float = VALUE_AXIS_MAX_USD_PER_HOUR, n: int = 101
) -> pd.DataFrame:
    """The H100's highest price relative to the compared chip against the value of an
    H100-hour on a one-year contract (paid for every contracted hour), with and without a
    fixed allocation of power, at the chapter's efficiency ratio."""
    w = ev.w
    rate = np.linspace(0.0, max_usd_per_hour, n)
    v0 = w["compared_perf_per_watt"] * model_cap.value_at(w, rate)
    frames = []
    for binds in (True, False):
        price = model_cap.max_price_usd(
            base_price_usd=w["base_price_usd"],
            perf_per_watt_ratio=w["ratio"],
            base_value_usd_per_year=v0,
            power_cost_usd_per_year=w["power_cost_usd_per_year"],
            crf=w["crf"],
            slots_fixed=binds,
        )
        frames.append(
            pd.DataFrame(
                {
                    "rental_usd_per_hour": rate,
                    "regime": BINDS[binds],
                    "premium": price / w["base_price_usd"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def premium_vs_value(ev: Evaluation) -> alt.TopLevelMixin:
    lines = (
        alt.Chart(premium_vs_value_data(ev))
        .mark_line()
        .encode(
            x=alt.X("rental_usd_per_hour:Q", title=VALUE_TITLE),
            y=alt.Y("premium:Q", title=PREMIUM_TITLE),
            color=alt.Color(
                "regime:N",
                title=None,
                sort=list(BINDS.values()),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "regime:N", title=None, sort=list(BINDS.values()), legend=None
            ),
            tooltip=[
                alt.Tooltip("regime:N", title="Case"),
                alt.Tooltip("rental_usd_per_hour:Q", title="USD per hour", format=".2f"),
                alt.Tooltip("premium:Q", title="Price multiple", format=".2f"),
            ],
        )
    )
    marks = sorted(
        (
            (
                ev.core["binding_rental_usd_per_hour"],
                "Power binds above: an H100 pays its full cost",
            ),
            (
                ev.core["rental_threshold_usd_per_hour"],
                "A cap raises the premium above this",
            ),
            (ev.ref["rental_usd_per_hour"], "2025 rental (1-year contract)"),
            (ev.ref["rental_high_usd_per_hour"], "March 2026 rental (1-year contract)"),
        )
    )
    # Left to right, each label a line lower than the last: neighbouring lines (a few
    # pixels apart on a phone) never write over each other's labels.
    rows = [sum(charts.label_lines(label) for _, label in marks[:i]) for i in range(len(marks))]
    rules = [
        charts.reference_rule(v, label, axis="x", title=VALUE_TITLE, fmt=".2f", row=row)
        for row, (v, label) in zip(rows, marks, strict=True)
    ]
    return alt.layer(lines, *rules).properties(
        title="A fixed allocation of power raises the premium only when compute sells high"
    )


# --------------------------------------------------------------------------- 5. China vs US

COST_RATIO_TITLE = "Cost per unit of compute, China / United States"


def china_us_data(ev: Evaluation) -> pd.DataFrame:
    """China's cost per unit of compute relative to the US against the domestic chip's
    performance per watt, at China's sourced prices and with free power."""
    frames = []
    for label, price in china_us_prices(ev).items():
        frames.append(
            model.cost_ratio_curve(ev.campus, ev.prices["us"], price, CHINA_RATIOS).assign(
                case=label
            )
        )
    return pd.concat(frames, ignore_index=True)


def china_us(ev: Evaluation) -> alt.TopLevelMixin:
    lines = (
        alt.Chart(china_us_data(ev))
        .mark_line()
        .encode(
            x=alt.X(
                "perf_per_watt:Q",
                title="Performance per watt of China's chip (multiple of the best chip)",
            ),
            y=alt.Y("cost_ratio:Q", title=COST_RATIO_TITLE, scale=alt.Scale(type="log")),
            color=alt.Color("case:N", title=None, legend=alt.Legend(orient="bottom", columns=1)),
            tooltip=[
                alt.Tooltip("case:N", title="Case"),
                alt.Tooltip("perf_per_watt:Q", title="Performance per watt (x)", format=".2f"),
                alt.Tooltip("cost_ratio:Q", title="Cost ratio", format=".2f"),
                alt.Tooltip("power_ratio:Q", title="Power for the same compute (x)", format=".2f"),
            ],
        )
    )
    rule = charts.reference_rule(1.0, "Parity with the US", title=COST_RATIO_TITLE, fmt=".0f")
    return (lines + rule).properties(
        title="Cheap power against efficient chips: China's cost "
        "per unit of compute relative to the US"
    )


# --------------------------------------------------------------------------- 6. carbon


def carbon_data(ev: Evaluation) -> pd.DataFrame:
    """Emissions of a campus-year and of a GPT-4-scale run on each grid."""
    return carbon_table(ev)


def carbon(ev: Evaluation) -> alt.Chart:
    return (
        alt.Chart(carbon_data(ev))
        .mark_bar()
        .encode(
            x=alt.X("campus_mt_per_year:Q", title="Emissions of one campus-year (Mt CO2e)"),
            y=alt.Y("country:N", title=None, sort="-x"),
            tooltip=[
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("year:Q", title="Intensity year"),
                alt.Tooltip("carbon_intensity_g_per_kwh:Q", title="g CO2e per kWh"),
                alt.Tooltip("campus_mt_per_year:Q", title="Campus-year (Mt CO2e)", format=".2f"),
                alt.Tooltip(
                    "training_t:Q", title="GPT-4-scale training run (t CO2e)", format=",.0f"
                ),
            ],
        )
        .properties(title="Emissions of a year of the campus on each country's grid", height=260)
    )


# --------------------------------------------------------------------------- 7. sensitivity


def sobol_data(ev: Evaluation) -> pd.DataFrame:
    """Total and first-order Sobol indices of energy's share of the campus's cost."""
    return ev.sobol


def sobol(ev: Evaluation) -> alt.TopLevelMixin:
    return charts.sobol_bars(
        sobol_data(ev), labels=SOBOL_LABELS, title="What moves energy's share of the campus's cost"
    )


def gallery(ev: Evaluation) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter by name (what the figure tests build and validate)."""
    return {
        "demand": demand(ev),
        "tco": tco(ev),
        "time_to_power": time_to_power(ev),
        "wtp": wtp(ev),
        "premium_vs_value": premium_vs_value(ev),
        "china_us": china_us(ev),
        "carbon": carbon(ev),
        "sobol": sobol(ev),
    }
