"""The scaling chapter's charts: each a function of the page's ``Evaluation``."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from energybook import charts
from energybook.chapters.scaling import model, model_limits
from energybook.chapters.scaling.page import (
    GEMM_SMS,
    POWER,
    REFERENCE_RATES,
    SOBOL_LABELS,
    Evaluation,
    reference_label,
    trend_rows,
)
from energybook.chapters.scaling.params import VENDORS

ALL_CHIPS = "all chips"
FRONTIER = "frontier (record setters)"
# Vendors in colours no role of the book's palette takes (green is the book's measurement,
# drawn beside them): the same vendor, the same colour, every chart.
VENDOR_COLOURS = charts.OTHER_COLOURS[:4]
VENDOR_SCALE = alt.Scale(
    domain=[*VENDORS, ALL_CHIPS, FRONTIER],
    range=[*VENDOR_COLOURS, charts.OTHER_COLOURS[5], charts.OTHER_COLOURS[4]],
)
VENDOR_ONLY = alt.Scale(domain=list(VENDORS), range=VENDOR_COLOURS)
# A tick label in joules with its SI prefix: "1 pJ", "100 aJ", "10 zJ".
SI_JOULES = "replace(format(datum.value, '~s'), /([a-zµ])$/, ' $1') + 'J'"
FACTOR_LABELS = {
    "power": "board power",
    "format": "number format",
    "efficiency": "FLOP per joule at 16 bits",
}


def _x_year(title: str = "Release date (year)") -> alt.X:
    return alt.X("year:Q", title=title, scale=alt.Scale(zero=False), axis=alt.Axis(format="d"))


# --------------------------------------------------------------------------- the trend
def efficiency_data(ev: Evaluation) -> pd.DataFrame:
    """Each selected chip at the chosen precision, with its power basis and GFLOP/s per W."""
    t = ev.table
    return t.assign(
        power_basis=np.where(t["power_estimated"].astype(bool), "estimate", "vendor figure"),
        gflop_per_j=t["flop_per_j"] / 1e9,
        release_date=t["release_date"].astype(str),
    )


def _trend_lines(ev: Evaluation) -> pd.DataFrame:
    lines = model.trend_lines_by_vendor(ev.table, ev.P.confidence_level)
    front = model.frontier(ev.table)
    frontier_line = model.trend_line(ev.variants["frontier"], front["year"]).assign(group=FRONTIER)
    lines = pd.concat([lines, frontier_line], ignore_index=True)
    return lines.assign(
        group=lines["group"].replace({"all": ALL_CHIPS}),
        fit_gflop_per_j=lines["fit"] / 1e9,
        low_gflop_per_j=lines["low"] / 1e9,
        high_gflop_per_j=lines["high"] / 1e9,
    )


def _delivered_points(ev: Evaluation) -> pd.DataFrame:
    d = ev.delivered.drop(columns="release_date")
    return d.assign(
        gflop_per_j=d["delivered_flop_per_j"] / 1e9,
        peak_gflop_per_j=d["peak_flop_per_j"] / 1e9,
        share_pct=100 * d["delivered_share"],
        what="measured BF16 matrix multiply (this book)",
    )


def efficiency(ev: Evaluation) -> alt.TopLevelMixin:
    points = efficiency_data(ev)
    lines = _trend_lines(ev)
    y_title = "GFLOP/s per watt (log scale)"
    tips = [
        alt.Tooltip("chip:N", title="Chip"),
        alt.Tooltip("vendor:N", title="Vendor"),
        alt.Tooltip("release_date:N", title="Released"),
        alt.Tooltip("format:N", title="Format"),
        alt.Tooltip("tflops:Q", title="Dense peak (TFLOP/s)", format=",.1f"),
        alt.Tooltip("board_power_w:Q", title="Board power (W)", format=",.0f"),
        alt.Tooltip("power_basis:N", title="Power figure"),
        alt.Tooltip("gflop_per_j:Q", title="GFLOP/s per W", format=",.0f"),
    ]
    y_eff = alt.Y("gflop_per_j:Q", title=y_title, scale=alt.Scale(type="log"))
    colour = alt.Color("vendor:N", title="Vendor / fit", scale=VENDOR_SCALE)
    pooled = lines[lines["group"] == ALL_CHIPS]
    band = (
        alt.Chart(pooled)
        .mark_area(opacity=0.12, color=charts.ROLE_COLOURS["uncertainty"])
        .encode(
            x=_x_year(),
            y=alt.Y("low_gflop_per_j:Q", title=y_title, scale=alt.Scale(type="log")),
            y2="high_gflop_per_j:Q",
            tooltip=[
                alt.Tooltip("year:Q", title="Year", format=".1f"),
                alt.Tooltip("low_gflop_per_j:Q", title="Band low (GFLOP/s per W)", format=",.0f"),
                alt.Tooltip("high_gflop_per_j:Q", title="Band high (GFLOP/s per W)", format=",.0f"),
            ],
        )
    )
    # The band labelled where it starts, just under it (no chip is drawn there).
    band_label = (
        alt.Chart(
            pooled.iloc[[0]].assign(
                label=f"{100 * ev.P.confidence_level:.0f}% band of the all-chips fit"
            )
        )
        .mark_text(align="left", baseline="top", dx=2, dy=3, fontSize=11, color="#444444")
        .encode(
            x=_x_year(),
            y=alt.Y("low_gflop_per_j:Q", title=y_title, scale=alt.Scale(type="log")),
            text="label:N",
            tooltip=[alt.Tooltip("label:N", title="Band")],
        )
    )
    fit_tips = [
        alt.Tooltip("group:N", title="Fit"),
        alt.Tooltip("year:Q", title="Year", format=".1f"),
        alt.Tooltip("fit_gflop_per_j:Q", title="Fitted GFLOP/s per W", format=",.0f"),
    ]
    fits = (
        alt.Chart(lines)
        .mark_line()
        .encode(
            x=_x_year(),
            y=alt.Y("fit_gflop_per_j:Q", title=y_title, scale=alt.Scale(type="log")),
            color=alt.Color("group:N", title="Vendor / fit", scale=VENDOR_SCALE),
            strokeDash=alt.condition(
                alt.datum.group == ALL_CHIPS, alt.value([1, 0]), alt.value([5, 3])
            ),
            strokeWidth=alt.condition(alt.datum.group == FRONTIER, alt.value(3.5), alt.value(2.5)),
            tooltip=fit_tips,
        )
    )
    measured = (
        alt.Chart(_delivered_points(ev))
        .mark_point(filled=True, size=130, color=charts.ROLE_COLOURS["measured"])
        .encode(
            x=_x_year(),
            y=alt.Y("gflop_per_j:Q", title=y_title, scale=alt.Scale(type="log")),
            shape=alt.Shape("what:N", title="Delivered", scale=alt.Scale(range=["cross"])),
            tooltip=[
                alt.Tooltip("chip:N", title="Chip"),
                alt.Tooltip("what:N", title="Point"),
                alt.Tooltip("gflop_per_j:Q", title="Delivered GFLOP per J", format=",.0f"),
                alt.Tooltip("peak_gflop_per_j:Q", title="Peak GFLOP/s per W", format=",.0f"),
                alt.Tooltip("share_pct:Q", title="Share of peak (%)", format=".0f"),
            ],
        )
    )
    reported = (
        alt.Chart(points[points["power_basis"] == "vendor figure"])
        .mark_point(filled=True, size=70)
        .encode(x=_x_year(), y=y_eff, color=colour, tooltip=tips)
    )
    estimated = (
        alt.Chart(points[points["power_basis"] == "estimate"])
        .mark_point(filled=False, size=70, strokeWidth=2)
        .encode(x=_x_year(), y=y_eff, color=colour, tooltip=tips)
    )
    return alt.layer(band, band_label, fits, reported, estimated, measured).properties(
        title="Peak FLOP/s per watt of data-centre accelerators", height=340
    )


# --------------------------------------------------------------------------- which trend
def trends_data(ev: Evaluation) -> pd.DataFrame:
    return trend_rows(ev)


def trends(ev: Evaluation) -> alt.TopLevelMixin:
    rows = trends_data(ev)
    return charts.interval_bars(
        rows,
        label="label",
        low="growth_pct_low",
        high="growth_pct_high",
        point="growth_pct",
        title="Growth of FLOP/s per watt: which trend",
        sort=list(rows["label"]),
        x_title="Growth of FLOP/s per watt (% per year)",
        fmt=".0f",
    )


# --------------------------------------------------------------------------- rolling windows
def rolling_data(ev: Evaluation) -> pd.DataFrame:
    return ev.rolling


def _reference_rates(ev: Evaluation) -> pd.DataFrame:
    published = ev.tables["efficiency_trends"]
    t = published.set_index("estimate").loc[list(REFERENCE_RATES)]
    ref = [reference_label(published, e) for e in REFERENCE_RATES]
    dt = t["doubling_time_years"].astype(float).to_numpy()
    return pd.DataFrame({"reference": ref, "doubling_time_years": dt, "slope_per_year": 1 / dt})


def rolling(ev: Evaluation) -> alt.TopLevelMixin:
    roll = rolling_data(ev)
    refs = _reference_rates(ev)
    x = alt.X(
        "window_mid:Q",
        title="Middle of the release-date window (year)",
        scale=alt.Scale(zero=False),
        axis=alt.Axis(format="d"),
    )
    y_title = "Growth rate (doublings per year)"
    windows = (
        alt.Chart(roll)
        .mark_point(filled=True, size=70, color=charts.PALETTE[0])
        .encode(
            x=x,
            y=alt.Y("slope_per_year:Q", title=y_title),
            tooltip=[
                alt.Tooltip("window_start:Q", title="From", format="d"),
                alt.Tooltip("window_end:Q", title="To", format="d"),
                alt.Tooltip("n:Q", title="Chips"),
                alt.Tooltip("slope_per_year:Q", title="Doublings per year", format=".2f"),
                alt.Tooltip("slope_low:Q", title="Interval low", format=".2f"),
                alt.Tooltip("slope_high:Q", title="Interval high", format=".2f"),
            ],
        )
    )
    bars = (
        alt.Chart(roll)
        .mark_rule(color=charts.PALETTE[0])
        .encode(
            x=x,
            y=alt.Y("slope_low:Q", title=y_title),
            y2="slope_high:Q",
            tooltip=[
                alt.Tooltip("slope_low:Q", title="Interval low", format=".2f"),
                alt.Tooltip("slope_high:Q", title="Interval high", format=".2f"),
            ],
        )
    )
    ref_rules = (
        alt.Chart(refs)
        .mark_rule(strokeDash=[4, 3])
        .encode(
            y=alt.Y("slope_per_year:Q", title=y_title),
            color=alt.Color(
                "reference:N",
                title="Reference",
                scale=alt.Scale(range=[*charts.OTHER_COLOURS[4:], charts.OTHER_COLOURS[0]]),
            ),
            tooltip=[
                alt.Tooltip("reference:N", title="Reference"),
                alt.Tooltip("doubling_time_years:Q", title="Doubling time (years)", format=".2f"),
            ],
        )
    )
    zero = charts.reference_rule(0.0, "no growth", title=y_title)
    return alt.layer(zero, ref_rules, bars, windows).properties(
        title="Growth of peak FLOP/s per watt in rolling windows", height=300
    )


# --------------------------------------------------------------------------- detectable slowdown
def detectable_data(ev: Evaluation) -> pd.DataFrame:
    """The smallest detectable fall in growth by planted break date (finite ones only)."""
    d = ev.detectable.iloc[1:]
    d = d[np.isfinite(d["min_change_per_year"])]
    return d.assign(after_per_year=ev.fit.slope_per_year - d["min_change_per_year"])


def detectable(ev: Evaluation) -> alt.TopLevelMixin:
    d = detectable_data(ev)
    y_title = "Smallest detectable fall in growth (doublings per year)"
    line = (
        alt.Chart(d)
        .mark_line(point=True, color=charts.PALETTE[0])
        .encode(
            x=alt.X(
                "break_year:Q",
                title="Date of the planted break (year)",
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format="d"),
            ),
            y=alt.Y("min_change_per_year:Q", title=y_title),
            tooltip=[
                alt.Tooltip("break_year:Q", title="Break date", format=".1f"),
                alt.Tooltip(
                    "min_change_per_year:Q", title="Smallest detectable fall", format=".2f"
                ),
                alt.Tooltip("after_per_year:Q", title="Growth after such a fall", format=".2f"),
            ],
        )
    )
    growth = charts.reference_rule(
        ev.fit.slope_per_year, "the fitted growth rate itself", title=y_title, fmt=".2f"
    )
    return alt.layer(growth, line).properties(
        title=f"What the slowdown test could detect ({100 * POWER:.0f}% of the time)", height=260
    )


# --------------------------------------------------------------------------- decomposition
def decomposition_data(ev: Evaluation) -> pd.DataFrame:
    long = ev.steps_long
    return long.assign(
        label=long["line"] + ": " + long["step"], factor_label=long["factor"].map(FACTOR_LABELS)
    )


def decomposition(ev: Evaluation) -> alt.TopLevelMixin:
    long = decomposition_data(ev)
    order = list(dict.fromkeys(long["label"]))
    x_title = "Factor (log10 of the ratio; bars sum to the total)"
    stack = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
            x=alt.X("log10_ratio:Q", title=x_title),
            color=alt.Color(
                "factor_label:N", title="Factor", sort=[FACTOR_LABELS[f] for f in FACTOR_LABELS]
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Step"),
                alt.Tooltip("factor_label:N", title="Factor"),
                alt.Tooltip("ratio:Q", title="Ratio (after / before)", format=".2f"),
                alt.Tooltip("total:Q", title="Total throughput ratio", format=".2f"),
            ],
        )
    )
    totals = (
        alt.Chart(long.drop_duplicates("label"))
        .mark_point(shape="diamond", filled=True, size=110, color=charts.ROLE_COLOURS["model"])
        .encode(
            y=alt.Y("label:N", title=None, sort=order),
            x=alt.X("log10_total:Q", title=x_title),
            tooltip=[
                alt.Tooltip("label:N", title="Step"),
                alt.Tooltip("total:Q", title="Total throughput ratio", format=".2f"),
            ],
        )
    )
    return alt.layer(stack, totals).properties(
        title="Where each generation's throughput gain came from", height=260
    )


# --------------------------------------------------------------------------- memory wall
def memory_data(ev: Evaluation) -> pd.DataFrame:
    return ev.memory


def memory(ev: Evaluation) -> alt.TopLevelMixin:
    mw = memory_data(ev)
    line = model.trend_band(mw, "byte_per_flop", ev.P.confidence_level)
    y_title = "Memory bandwidth per peak FLOP (bytes, log scale)"
    tips = [
        alt.Tooltip("chip:N", title="Chip"),
        alt.Tooltip("vendor:N", title="Vendor"),
        alt.Tooltip("memory_bw_tbps:Q", title="Bandwidth (TB/s)", format=".2f"),
        alt.Tooltip("tflops:Q", title="Dense peak (TFLOP/s)", format=",.0f"),
        alt.Tooltip("byte_per_flop:Q", title="Bytes per FLOP", format=".4f"),
        alt.Tooltip("ridge_flop_per_byte:Q", title="Ridge point (FLOP per byte)", format=",.0f"),
        alt.Tooltip("bw_gbps_per_w:Q", title="GB/s per W", format=".1f"),
    ]
    points = (
        alt.Chart(mw)
        .mark_point(filled=True, size=70)
        .encode(
            x=_x_year(),
            y=alt.Y("byte_per_flop:Q", title=y_title, scale=alt.Scale(type="log")),
            color=alt.Color("vendor:N", title="Vendor", scale=VENDOR_ONLY),
            tooltip=tips,
        )
    )
    fit = (
        alt.Chart(line)
        .mark_line(color=charts.ROLE_COLOURS["model"])
        .encode(
            x=alt.X("year:Q", title="Release date (year)"),
            y=alt.Y("fit:Q", title=y_title, scale=alt.Scale(type="log")),
            tooltip=[
                alt.Tooltip("year:Q", title="Year", format=".1f"),
                alt.Tooltip("fit:Q", title="Fitted bytes per FLOP", format=".4f"),
            ],
        )
    )
    return alt.layer(fit, points).properties(
        title="Memory bandwidth per FLOP is falling", height=300
    )


# --------------------------------------------------------------------------- limits
def limits_data(ev: Evaluation) -> pd.DataFrame:
    """Each selected chip at its lowest precision: J per FLOP at peak."""
    return ev.by_precision["lowest"][["chip", "vendor", "year", "format", "j_per_flop"]]


def limits(ev: Evaluation) -> alt.TopLevelMixin:
    cmos = ev.tables["cmos_limits"].iloc[0]
    lim = ev.limit
    fmt = str(cmos["number_format"]).upper()
    rules = pd.DataFrame(
        {
            "name": [
                f"CMOS limit estimate ({fmt})",
                f"Landauer kT ln 2 at {ev.P.temperature_k:g} K",
            ],
            "j_per_flop": [lim["cmos_j_per_flop"], lim["landauer_j"]],
        }
    )
    proj = model_limits.projection(
        lim["year"],
        lim["j_per_flop"],
        lim["years_to_cmos_limit"],
        model.cap_years(ev.fit.doubling_time_years),
    )
    fast = model_limits.projection(
        lim["year"],
        lim["j_per_flop"],
        ev.limit_years[0],
        model.cap_years(ev.fit.doubling_time_low_years),
    )
    horizon = 1.5 * lim["years_to_cmos_limit"]  # the slow end is drawn this far at most
    slow = model_limits.projection(
        lim["year"],
        lim["j_per_flop"],
        min(ev.limit_years[1], horizon),
        model.cap_years(ev.fit.doubling_time_high_years),
    )
    ends = pd.concat(
        [fast.assign(end="fast end of the interval"), slow.assign(end="slow end of the interval")],
        ignore_index=True,
    )
    j_title = "Energy per operation at peak (joules per FLOP, log scale)"
    y_j = alt.Y(
        "j_per_flop:Q",
        title=j_title,
        scale=alt.Scale(type="log"),
        # SI prefixes (1 pJ, 10 zJ), never "1e-21".
        axis=alt.Axis(labelExpr=SI_JOULES),
    )
    x = _x_year("Year")
    chips = (
        alt.Chart(limits_data(ev))
        .mark_point(filled=True, size=60)
        .encode(
            x=x,
            y=y_j,
            color=alt.Color("vendor:N", title="Vendor", scale=VENDOR_ONLY),
            tooltip=[
                alt.Tooltip("chip:N", title="Chip"),
                alt.Tooltip("format:N", title="Format"),
                alt.Tooltip("year:Q", title="Released", format=".1f"),
                alt.Tooltip("j_per_flop:Q", title="Joules per FLOP", format=".2e"),
            ],
        )
    )
    projected = (
        alt.Chart(proj)
        .mark_line(strokeDash=[6, 4], color=charts.ROLE_COLOURS["projection"])
        .encode(
            x=x,
            y=y_j,
            tooltip=[
                alt.Tooltip("year:Q", title="Year", format=".0f"),
                alt.Tooltip("j_per_flop:Q", title="Projected J per FLOP", format=".2e"),
            ],
        )
    )
    interval = (
        alt.Chart(ends)
        .mark_line(strokeDash=[2, 3], color="#777777")
        .encode(
            x=x,
            y=y_j,
            detail="end:N",
            tooltip=[
                alt.Tooltip("end:N", title="Projection"),
                alt.Tooltip("year:Q", title="Year", format=".0f"),
                alt.Tooltip("j_per_flop:Q", title="Projected J per FLOP", format=".2e"),
            ],
        )
    )
    limit_rules = (
        alt.Chart(rules)
        .mark_rule(strokeWidth=2)
        .encode(
            y=y_j,
            strokeDash=alt.StrokeDash("name:N", title="Limit"),
            tooltip=[
                alt.Tooltip("name:N", title="Limit"),
                alt.Tooltip("j_per_flop:Q", title="J per FLOP", format=".2e"),
            ],
        )
    )
    limit_labels = charts.reference_label(
        rules,
        axis="y",
        field="j_per_flop",
        title=j_title,
        text="name",
        side="left",
        tooltip=[
            alt.Tooltip("name:N", title="Limit"),
            alt.Tooltip("j_per_flop:Q", title="J per FLOP", format=".2e"),
        ],
        scale=alt.Scale(type="log"),
    )
    return alt.layer(limit_rules, limit_labels, interval, projected, chips).properties(
        title="Distance to physical limits", height=340
    )


# --------------------------------------------------------------------------- GEMM shapes
def gemm_data(ev: Evaluation) -> pd.DataFrame:
    g = ev.gemm
    return g.assign(
        efficiency_percent=100 * g["efficiency"],
        tile=g["tile_m"].astype(str) + " x " + g["tile_n"].astype(str),
    )


def gemm(ev: Evaluation) -> alt.TopLevelMixin:
    return (
        alt.Chart(gemm_data(ev))
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("size:Q", title="Swept GEMM dimension N (elements)"),
            y=alt.Y(
                "efficiency_percent:Q",
                title="Share of peak reachable from shape (%)",
                scale=alt.Scale(zero=False),
            ),
            color=alt.Color("tile:N", title="Tile (M x N)"),
            tooltip=[
                alt.Tooltip("size:Q", title="N"),
                alt.Tooltip("tile:N", title="Tile"),
                alt.Tooltip("tiles:Q", title="Tiles"),
                alt.Tooltip("waves:Q", title="Waves"),
                alt.Tooltip("tile_efficiency:Q", title="Tile efficiency", format=".3f"),
                alt.Tooltip("wave_efficiency:Q", title="Wave efficiency", format=".3f"),
                alt.Tooltip("multiple_of_128:N", title="Multiple of 128"),
            ],
        )
        .properties(
            title=f"Tile and wave quantization of a matrix multiply on {GEMM_SMS} SMs", height=280
        )
    )


def sobol(ev: Evaluation) -> alt.TopLevelMixin:
    """Total Sobol indices of the pooled doubling time over the analyst's choices of data."""
    return charts.sobol_bars(
        ev.sobol,
        labels=SOBOL_LABELS,
        title="Pooled doubling time: sensitivity to the analyst's choices of data, "
        "not uncertainty about the chips",
    )


def gallery(ev: Evaluation) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter by name (what the figure tests build and validate)."""
    return {
        "efficiency": efficiency(ev),
        "trends": trends(ev),
        "rolling": rolling(ev),
        "detectable": detectable(ev),
        "decomposition": decomposition(ev),
        "memory": memory(ev),
        "limits": limits(ev),
        "gemm": gemm(ev),
        "sobol": sobol(ev),
    }
