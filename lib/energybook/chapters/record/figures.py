"""The record chapter's charts: each a function of the page's ``Evaluation``."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from energybook import charts
from energybook.chapters.record import model_compute, model_forecasts
from energybook.chapters.record.page import PERIODS, SOBOL_LABELS, Evaluation, counterfactual


def vintages_data(ev: Evaluation) -> pd.DataFrame:
    """One row per publication and year with a TWh figure: its central value where the
    source publishes one (no point is invented for a range-only figure), and its range, for
    the data-centre rows (ICT shares have no TWh)."""
    f = ev.forecasts[ev.forecasts["coverage"] != "ICT"].copy()
    f["value_twh"] = f["central_twh"]
    f = f[f["value_twh"].notna() | (f["low_twh"].notna() & f["high_twh"].notna())]
    f["series"] = f["publication"] + np.where(
        f["coverage"] == "data centres and crypto", " (incl. crypto)", ""
    )
    f["figure"] = f["kind"].map({"estimate": "Estimate of a past year", "forecast": "Forecast"})
    return f[
        [
            "region",
            "series",
            "publication",
            "case",
            "figure",
            "year",
            "value_twh",
            "low_twh",
            "high_twh",
        ]
    ].sort_values(["region", "series", "year"], ignore_index=True)


def _vintage_panel(d: pd.DataFrame, region: str) -> alt.LayerChart:
    d = d[d["region"] == region]
    ytitle = f"{region}: TWh per year (log scale)"
    y = alt.Y("value_twh:Q", title=ytitle, scale=alt.Scale(type="log"))
    x = alt.X("year:Q", title="Year the figure refers to", axis=alt.Axis(format="d"))
    tips = [
        alt.Tooltip("series:N", title="Publication"),
        alt.Tooltip("case:N", title="Case"),
        alt.Tooltip("figure:N", title="Figure"),
        alt.Tooltip("year:Q", title="Year"),
        alt.Tooltip("value_twh:Q", title="TWh per year", format=",.0f"),
    ]
    colour = alt.Color("series:N", title="Publication", legend=alt.Legend(columns=2))
    central = d.dropna(subset=["value_twh"])
    lines = (
        alt.Chart(central)
        .mark_line(strokeWidth=1.5, opacity=0.8)
        .encode(x=x, y=y, color=colour, detail="series:N", tooltip=tips)
    )
    points = (
        alt.Chart(central)
        .mark_point(size=60, filled=True)
        .encode(x=x, y=y, color=colour, tooltip=tips, shape=alt.Shape("figure:N", title="Figure"))
    )
    ranged = d.dropna(subset=["low_twh", "high_twh"])
    ranges = (
        alt.Chart(ranged)
        .mark_rule()
        .encode(
            x=x,
            y=alt.Y("low_twh:Q", title=ytitle, scale=alt.Scale(type="log")),
            y2="high_twh:Q",
            color=colour,
            tooltip=tips
            + [
                alt.Tooltip("low_twh:Q", title="Low", format=",.0f"),
                alt.Tooltip("high_twh:Q", title="High", format=",.0f"),
            ],
        )
    )
    return alt.LayerChart(layer=[lines, ranges, points]).properties(height=260)


def vintages(ev: Evaluation) -> alt.TopLevelMixin:
    d = vintages_data(ev)
    return (
        alt.vconcat(_vintage_panel(d, "World"), _vintage_panel(d, "United States"))
        .resolve_scale(color="independent")
        .properties(title="Forecasts of data-centre electricity, vintage by vintage")
    )


def errors_data(ev: Evaluation) -> pd.DataFrame:
    s = ev.scored[ev.scored["status"] == model_forecasts.SCORED]
    return pd.DataFrame(
        {
            "forecast": s["publication"]
            + ", "
            + s["case"]
            + " ("
            + s["year"].astype(int).astype(str)
            + ")",
            "region": s["region"],
            "horizon_years": s["horizon_years"],
            "log_error": s["log_error"],
            "direction": s["direction"].str.capitalize(),
            "forecast_twh": s["compared_twh"],
            "outturn_twh": s["outturn_twh"],
            "outturn": s["outturn_publication"] + " (" + s["outturn_method"] + ")",
        }
    ).reset_index(drop=True)


def errors(ev: Evaluation) -> alt.TopLevelMixin:
    d = errors_data(ev)
    title = "Log error (forecast over later estimate)"
    pts = (
        alt.Chart(d)
        .mark_point(size=90, filled=True)
        .encode(
            x=alt.X("horizon_years:Q", title="Horizon (years)"),
            y=alt.Y("log_error:Q", title=title),
            color=alt.Color(
                "direction:N",
                title="Forecast was",
                scale=alt.Scale(
                    domain=["Too high", "Within the estimate's range", "Too low"],
                    range=[
                        charts.OTHER_COLOURS[2],
                        charts.OTHER_COLOURS[3],
                        charts.OTHER_COLOURS[5],
                    ],
                ),
            ),
            shape=alt.Shape("region:N", title="Region"),
            tooltip=[
                alt.Tooltip("forecast:N", title="Forecast"),
                alt.Tooltip("horizon_years:Q", title="Horizon (years)"),
                alt.Tooltip("forecast_twh:Q", title="Forecast (TWh)", format=",.0f"),
                alt.Tooltip("outturn_twh:Q", title="Later estimate (TWh)", format=",.0f"),
                alt.Tooltip("outturn:N", title="Later estimate from"),
                alt.Tooltip("log_error:Q", title="Log error", format="+.2f"),
            ],
        )
    )
    zero = charts.reference_rule(0.0, "a perfect forecast", title=title)
    return alt.layer(pts, zero).properties(
        title="How far off the forecasts were, by horizon", height=280
    )


def decomposition_data(ev: Evaluation) -> pd.DataFrame:
    rows = []
    for p in PERIODS:
        t = ev.decade[p]["lmdi"]
        rows += [
            {
                "period": p,
                "factor": r["factor"],
                "ratio": r["ratio"],
                "contribution_twh": r["contribution_twh"],
                "against": counterfactual(r["factor"], p),
            }
            for _, r in t.iterrows()
        ]
    return pd.DataFrame(rows)


def decomposition(ev: Evaluation) -> alt.TopLevelMixin:
    d = decomposition_data(ev)
    return (
        alt.Chart(d)
        .mark_bar()
        .encode(
            x=alt.X("contribution_twh:Q", title="Contribution to the change (TWh per year)"),
            y=alt.Y(
                "factor:N",
                title=None,
                axis=alt.Axis(labelLimit=320),
                sort=list(dict.fromkeys(d["factor"])),
            ),
            yOffset=alt.YOffset("period:N"),
            color=alt.Color("period:N", title="Period"),
            tooltip=[
                alt.Tooltip("period:N", title="Period"),
                alt.Tooltip("factor:N", title="Factor"),
                alt.Tooltip("ratio:Q", title="End over start", format=".2f"),
                alt.Tooltip("contribution_twh:Q", title="Contribution (TWh)", format="+,.0f"),
                alt.Tooltip("against:N", title="Measured against"),
            ],
        )
        .properties(
            title="What moved data-centre electricity: the identity, period by period", height=320
        )
    )


def _index_year(ev: Evaluation) -> float:
    """The first year both series were measured in: each line is shown relative to its own
    fitted value there, so that neither trend is extended beyond its data."""
    return float(max(ev.P.compute_fit_start, int(ev.hardware["year"].min())))


def compute_growth_data(ev: Evaluation) -> pd.DataFrame:
    """Training compute and hardware efficiency, each relative to its fitted value in the
    first year both were measured, with the fitted lines over the years each was measured
    on."""
    start = _index_year(ev)
    cf, hf = ev.compute_fit, ev.hardware_fit
    c0 = float(model_compute.fitted(cf, [start])[0])
    h0 = float(model_compute.fitted(hf, [start])[0])
    m = ev.models
    pts = [
        pd.DataFrame(
            {
                "series": "Training compute of a notable model",
                "what": m["model"],
                "year": m["year"],
                "index": m["training_compute_flop"] / c0,
                "kind": "Observed",
            }
        ),
        pd.DataFrame(
            {
                "series": "Hardware efficiency (FLOP/s per watt)",
                "what": ev.hardware["chip"],
                "year": ev.hardware["year"],
                "index": ev.hardware["flop_per_s_per_w"] / h0,
                "kind": "Observed",
            }
        ),
    ]
    for name, fit, base, yrs in (
        ("Training compute of a notable model", cf, c0, m["year"]),
        ("Hardware efficiency (FLOP/s per watt)", hf, h0, ev.hardware["year"]),
    ):
        grid = np.linspace(float(yrs.min()), float(yrs.max()), 30)
        pts.append(
            pd.DataFrame(
                {
                    "series": name,
                    "what": "fitted trend",
                    "year": grid,
                    "index": model_compute.fitted(fit, grid) / base,
                    "kind": "Fitted trend",
                }
            )
        )
    return pd.concat(pts, ignore_index=True)


def compute_growth(ev: Evaluation) -> alt.TopLevelMixin:
    d = compute_growth_data(ev)
    y = alt.Y(
        "index:Q",
        title=f"Relative to the fitted value in {_index_year(ev):.0f} (log scale)",
        scale=alt.Scale(type="log"),
    )
    x = alt.X(
        "year:Q", title="Year", axis=alt.Axis(format="d"), scale=alt.Scale(zero=False, nice=False)
    )
    colour = alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom"))
    tips = [
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("what:N", title="What"),
        alt.Tooltip("year:Q", title="Year", format=".1f"),
        alt.Tooltip("index:Q", title="Relative value", format=".3g"),
    ]
    pts = (
        alt.Chart(d[d["kind"] == "Observed"])
        .mark_point(size=20, opacity=0.5)
        .encode(x=x, y=y, color=colour, tooltip=tips)
    )
    lines = (
        alt.Chart(d[d["kind"] == "Fitted trend"])
        .mark_line()
        .encode(x=x, y=y, color=colour, tooltip=tips)
    )
    return alt.layer(pts, lines).properties(
        title="Training compute against hardware efficiency", height=320
    )


def sobol(ev: Evaluation) -> alt.TopLevelMixin:
    """Total Sobol indices of the compute growth over the fit period's first and last year:
    sensitivity to the analyst's choice of period, not uncertainty."""
    return charts.sobol_bars(
        ev.sobol,
        title="Compute growth: sensitivity to the analyst's choice of period, not uncertainty",
        labels=SOBOL_LABELS,
        height=120,
    )


def gallery(ev: Evaluation) -> dict[str, alt.TopLevelMixin]:
    return {
        "vintages": vintages(ev),
        "errors": errors(ev),
        "decomposition": decomposition(ev),
        "compute_growth": compute_growth(ev),
        "sobol": sobol(ev),
    }
