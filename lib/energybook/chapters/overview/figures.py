"""The overview chapter's charts: each a function of the page's ``Evaluation``."""

from __future__ import annotations

import altair as alt
import pandas as pd

from energybook import charts
from energybook.chapters.overview import model
from energybook.chapters.overview.page import Evaluation


def comparison_data(ev: Evaluation) -> pd.DataFrame:
    """Bars for the comparison chart: national demand and world data-centre use, with the
    other IEA vintage of the chosen projection beside it (the 2025 report and its April 2026
    update)."""
    P = ev.P
    rows = [
        {
            "label": f"{c} (all electricity, {P.demand_year})",
            "energy_twh": model.demand_twh(ev.national, c, P.demand_year),
            "kind": "National demand",
        }
        for c in P.countries
    ]
    rows.append(
        {
            "label": f"World data centres, {P.base_year}",
            "energy_twh": ev.picture["base_twh"],
            "kind": "Data centres (estimate)",
        }
    )
    rows.append(
        {
            "label": f"World data centres, {ev.horizon_year} ({ev.case})",
            "energy_twh": ev.picture["projection_twh"],
            "kind": "Data centres (projection)",
        }
    )
    for case in model.other_vintages(ev.dc, ev.case, ev.horizon_year):
        rows.append(
            {
                "label": f"World data centres, {ev.horizon_year} ({case})",
                "energy_twh": model.lookup_twh(ev.dc, model.WORLD, ev.horizon_year, case),
                "kind": "Data centres (projection)",
            }
        )
    return pd.DataFrame(rows).sort_values("energy_twh", ascending=False, ignore_index=True)


def comparison(ev: Evaluation) -> alt.Chart:
    return charts.nations_bar(
        comparison_data(ev), title="Data centres against national electricity demand"
    )


def forecasts_data(ev: Evaluation) -> pd.DataFrame:
    """Every world and US figure, tagged by publisher and kind, for the timeline chart."""
    dc = ev.dc
    keep = dc[dc["scope"].isin([model.WORLD, "United States", "World (incl. crypto)"])].copy()
    keep["series"] = (
        keep["scope"] + ": " + keep["case"].where(keep["case"] != "Estimate", "estimates")
    )
    keep["kind"] = keep["tier"].map({"estimated": "Estimate", "projected": "Projection"})
    keep["source"] = (
        keep["source_publisher"]
        + ", "
        + keep["source_title"]
        + " ("
        + keep["source_year"].astype(str)
        + ")"
    )
    return keep[
        ["scope", "year", "case", "energy_twh", "series", "kind", "source", "checked"]
    ].sort_values(["scope", "year", "case"], ignore_index=True)


def forecasts(ev: Evaluation) -> alt.Chart:
    d = forecasts_data(ev)
    # A time axis is quantitative; figures of one year that agree (the IEA's 2030 Base Case
    # and its 2026 update) are moved apart along it, so that none hides another.
    d = d.assign(x=charts.spread(d.rename(columns={"energy_twh": "value"}), step=0.45))
    return (
        alt.Chart(d)
        .mark_point(size=90, filled=False, strokeWidth=2, opacity=1)
        .encode(
            x=alt.X("x:Q", title="Year", axis=alt.Axis(format="d"), scale=alt.Scale(zero=False)),
            y=alt.Y("energy_twh:Q", title="Data-centre electricity (TWh per year)"),
            color=alt.Color(
                "kind:N", title="Figure", scale=charts.role_scale(["Estimate", "Projection"])
            ),
            shape=alt.Shape("scope:N", title="Scope"),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("year:Q", title="Year", format="d"),
                alt.Tooltip("energy_twh:Q", title="TWh per year", format=",.0f"),
                alt.Tooltip("source:N", title="Source"),
            ],
        )
        .properties(title="Estimates and projections of data-centre electricity", height=320)
    )


# The IEA's regional table: 2024 is an estimate, 2030 its Base Case projection.
YEAR_LABELS = {"twh_2024": "2024 (estimate)", "twh_2030": "2030 (projection)"}


def regions(ev: Evaluation) -> alt.Chart:
    reg = model.regional_table(ev.dc)
    long = reg.melt(
        id_vars="region",
        value_vars=["twh_2024", "twh_2030"],
        var_name="year",
        value_name="energy_twh",
    )
    long["year"] = long["year"].map(YEAR_LABELS)
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("energy_twh:Q", title="Data-centre electricity (TWh per year)"),
            y=alt.Y("region:N", title=None, sort=list(reg["region"])),
            yOffset=alt.YOffset("year:N"),
            color=alt.Color(
                "year:N", title="Year", scale=charts.role_scale(list(YEAR_LABELS.values()))
            ),
            tooltip=[
                alt.Tooltip("region:N", title="Region"),
                alt.Tooltip("year:N", title="Year"),
                alt.Tooltip("energy_twh:Q", title="TWh per year", format=",.0f"),
            ],
        )
        .properties(title="Data-centre electricity by region, IEA Base Case", height=300)
    )


def gallery(ev: Evaluation) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter by name (what the figure tests build and validate)."""
    return {"comparison": comparison(ev), "forecasts": forecasts(ev), "regions": regions(ev)}
