"""The measured chapter's charts: each a function of the page's ``Evaluation``."""

from __future__ import annotations

import altair as alt
import pandas as pd

from energybook import charts
from energybook import gpu_energy as ge
from energybook.chapters.measured.page import (
    FORMAT_SHORT,
    KIND_LABELS,
    Evaluation,
    clock_events,
)


def _config_label(kind: str, fmt, hidden_size) -> str:
    if isinstance(fmt, str):
        return f"{FORMAT_SHORT[fmt]} GEMM"
    if kind == "model_shape":
        return f"h = {int(hidden_size)}"
    return KIND_LABELS[kind]


def windows_data(ev: Evaluation) -> pd.DataFrame:
    """One row per (window, reading) of the chosen GPU's run in which the power cap held the
    clocks: its power as read and as used (on whole counter updates)."""
    w = ev.windows[(ev.windows["run_id"] == ev.run_id) & ev.windows["capped"]].copy()
    w["format"] = w["config"].map(lambda c: c.split("-")[1] if c.startswith("square-") else None)
    w["label"] = [
        _config_label(k, f, h)
        for k, f, h in zip(w["kind"], w["format"], w["hidden_size"], strict=True)
    ]
    long = pd.concat(
        [
            w.assign(reading="As read", value=w["power_w_read"]),
            w.assign(reading="On whole counter updates", value=w["power_w"]),
        ]
    )
    return long[["label", "repeat", "reading", "value", "sampled_power_w", "power_limit_w"]]


def windows(ev: Evaluation) -> alt.TopLevelMixin:
    t = windows_data(ev)
    limit = float(t["power_limit_w"].iloc[0])
    dots = (
        alt.Chart(t)
        .mark_point(size=70, filled=True, opacity=0.8)
        .encode(
            x=alt.X(
                "value:Q",
                title="Average board power of the window (W)",
                scale=alt.Scale(zero=False),
            ),
            y=alt.Y("label:N", title=None, sort=list(dict.fromkeys(t["label"]))),
            color=alt.Color("reading:N", title=None, legend=alt.Legend(orient="bottom")),
            shape=alt.Shape("reading:N", title=None),
            tooltip=[
                alt.Tooltip("label:N", title="Configuration"),
                alt.Tooltip("repeat:O", title="Window"),
                alt.Tooltip("reading:N", title="Reading"),
                alt.Tooltip("value:Q", title="Power (W)", format=".1f"),
                alt.Tooltip("sampled_power_w:Q", title="Mean of power samples (W)", format=".1f"),
            ],
        )
    )
    title = "Average board power of the window (W)"
    return alt.layer(
        dots,
        # The two lines are close and the higher one near the plot's right edge: both
        # labels on the left of their lines, a line of text apart.
        charts.reference_rule(limit, "power limit", axis="x", title=title, fmt=".0f", side="left"),
        charts.reference_rule(
            limit * ge.CAPPED_POWER_FACTOR,
            f"{ge.CAPPED_POWER_FACTOR:g} x the power limit",
            axis="x",
            title=title,
            fmt=".0f",
            side="left",
            row=1,
        ),
    ).properties(title="Power-capped windows: as read, and on whole counter updates", height=380)


def formats_data(ev: Evaluation) -> pd.DataFrame:
    """Long table for the format chart: per format, one 'Datasheet' bar (the peak per board
    watt, averaged over the chips: H100 SXM and H200 SXM differ by under 0.1%) and one
    'Measured, <GPU>' bar per GPU with its interval (``low``/``high``; equal to the value for
    the datasheet)."""
    rows = []
    for _, g in ev.formats.groupby("format", sort=False):
        label, order = FORMAT_SHORT[g["format"].iloc[0]], int(g["order"].iloc[0])
        sheet = float(g["datasheet_tflop_per_j"].mean())
        rows.append(
            {
                "format_label": label,
                "order": order,
                "series": "Datasheet peak / board",
                "tflop_per_j": sheet,
                "low": sheet,
                "high": sheet,
                "share_pct": 100.0,
                "avg_power_w": float(g["board_power_w"].mean()),
            }
        )
        for _, r in g.iterrows():
            rows.append(
                {
                    "format_label": label,
                    "order": order,
                    "series": f"Measured, {r['gpu']}",
                    "tflop_per_j": r["tflop_per_j"],
                    "low": r["tflop_per_j_low"],
                    "high": r["tflop_per_j_high"],
                    "share_pct": r["share_pct"],
                    "avg_power_w": r["avg_power_w"],
                }
            )
    return pd.DataFrame(rows).sort_values(["order", "series"], ignore_index=True)


def formats(ev: Evaluation) -> alt.TopLevelMixin:
    fc = formats_data(ev)
    order = list(fc.drop_duplicates("format_label")["format_label"])
    base = alt.Chart(fc).encode(
        x=alt.X("format_label:N", title=None, sort=order, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N"),
    )
    bars = base.mark_bar().encode(
        y=alt.Y("tflop_per_j:Q", title="TFLOP per joule"),
        color=alt.Color(
            "series:N",
            title=None,
            legend=alt.Legend(orient="bottom"),
            # The datasheet a reported figure, each GPU's run a measurement (the second GPU
            # a lighter shade of the measurement colour).
            scale=charts.role_scale(list(dict.fromkeys(fc["series"]))),
        ),
        tooltip=[
            alt.Tooltip("format_label:N", title="Format"),
            alt.Tooltip("series:N", title="Bar"),
            alt.Tooltip("tflop_per_j:Q", title="TFLOP per joule", format=".3f"),
            alt.Tooltip("low:Q", title="Interval: low", format=".3f"),
            alt.Tooltip("high:Q", title="Interval: high", format=".3f"),
            alt.Tooltip("share_pct:Q", title="Share of datasheet (%)", format=".0f"),
            alt.Tooltip("avg_power_w:Q", title="Board power (W)", format=".0f"),
        ],
    )
    ranges = base.mark_rule(color="#222").encode(
        y=alt.Y("low:Q", title="TFLOP per joule"),
        y2="high:Q",
        tooltip=[
            alt.Tooltip("series:N", title="Bar"),
            alt.Tooltip("low:Q", title="Interval: low", format=".3f"),
            alt.Tooltip("high:Q", title="Interval: high", format=".3f"),
        ],
    )
    return (bars + ranges).properties(
        title="Measured TFLOP per joule against the datasheet's peak per board watt", height=320
    )


def power_data(ev: Evaluation) -> pd.DataFrame:
    """Every configuration of the chosen GPU's run, with reader labels."""
    p = ev.power.copy()

    p["label"] = [
        _config_label(k, f, h)
        for k, f, h in zip(p["kind"], p["format"], p["hidden_size"], strict=True)
    ]
    p["workload"] = p["kind"].map(KIND_LABELS)
    p["capped"] = p["power_capped"].map({True: "yes (0x4)", False: "no"})
    p["clock_events"] = p["clock_event_mask"].map(clock_events)
    return p


def power(ev: Evaluation) -> alt.TopLevelMixin:
    p = power_data(ev)
    dots = (
        alt.Chart(p)
        .mark_point(size=90, filled=True)
        .encode(
            x=alt.X("avg_power_w:Q", title="Average board power (W)", scale=alt.Scale(zero=False)),
            y=alt.Y("sm_clock_mhz:Q", title="Average SM clock (MHz)", scale=alt.Scale(zero=False)),
            color=alt.Color("capped:N", title="Power-capped"),
            shape=alt.Shape("workload:N", title="Workload"),
            tooltip=[
                alt.Tooltip("label:N", title="Configuration"),
                alt.Tooltip("avg_power_w:Q", title="Board power (W)", format=".0f"),
                alt.Tooltip("sm_clock_mhz:Q", title="SM clock (MHz)", format=",.0f"),
                alt.Tooltip("clock_events:N", title="Clock-event reasons"),
            ],
        )
    )
    limit_tips = [
        alt.Tooltip("board_power_w:Q", title="Datasheet board power (W)", format=".0f"),
        alt.Tooltip("power_limit_w:Q", title="Power limit found (W)", format=".0f"),
    ]
    limits = p.drop_duplicates("gpu")
    limit = (
        alt.Chart(limits)
        .mark_rule(strokeDash=[6, 4], color=charts.REFERENCE_COLOUR)
        .encode(x=alt.X("board_power_w:Q", title="Average board power (W)"), tooltip=limit_tips)
    )
    # One label per distinct board power (two GPUs of one board power share a line).
    label = charts.reference_label(
        limits.drop_duplicates("board_power_w").assign(label="datasheet board power"),
        axis="x",
        field="board_power_w",
        title="Average board power (W)",
        side="left",
        at="bottom",
        tooltip=limit_tips,
    )
    return (limit + label + dots).properties(
        title="Board power and SM clock of each measured workload", height=320
    )


def shapes(ev: Evaluation) -> alt.TopLevelMixin:
    base = alt.Chart(ev.shapes)
    x = alt.X("hidden_size:O", title="Hidden size h")
    bars = base.mark_bar().encode(
        x=x,
        xOffset=alt.XOffset("gpu:N"),
        y=alt.Y("pj_per_flop:Q", title="Energy per FLOP (pJ)"),
        color=alt.Color("gpu:N", title="GPU"),
        tooltip=[
            alt.Tooltip("gpu:N", title="GPU"),
            alt.Tooltip("hidden_size:O", title="h"),
            alt.Tooltip("power_of_two_factor:Q", title="Largest power of 2 dividing h"),
            alt.Tooltip("pj_per_flop:Q", title="pJ per FLOP", format=".2f"),
            alt.Tooltip("throughput_tflop_per_s:Q", title="TFLOP/s", format=",.0f"),
            alt.Tooltip("aligned_neighbour:O", title="Aligned neighbour"),
            alt.Tooltip("penalty_pct:Q", title="Extra energy per FLOP (%)", format=".0f"),
        ],
    )
    whiskers = base.mark_rule(color="#222").encode(
        x=x,
        xOffset=alt.XOffset("gpu:N"),
        y=alt.Y("pj_per_flop_low:Q", title="Energy per FLOP (pJ)"),
        y2="pj_per_flop_high:Q",
        tooltip=[
            alt.Tooltip("gpu:N", title="GPU"),
            alt.Tooltip("hidden_size:O", title="h"),
            alt.Tooltip("pj_per_flop_low:Q", title="Interval: low (pJ)", format=".2f"),
            alt.Tooltip("pj_per_flop_high:Q", title="Interval: high (pJ)", format=".2f"),
        ],
    )
    return (bars + whiskers).properties(
        title="Energy per FLOP of a transformer MLP up-projection, by hidden size", height=320
    )


def copy_data(ev: Evaluation) -> pd.DataFrame:
    """Two bars per GPU: the copy's energy per byte for the whole board and above idle."""
    c = ev.copy
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "gpu": c["gpu"],
                    "measure": "Whole board",
                    "pj_per_byte": c["pj_per_byte"],
                    "low": c["pj_per_byte_low"],
                    "high": c["pj_per_byte_high"],
                    "power_w": c["avg_power_w"],
                    "bandwidth_gb_per_s": c["bandwidth_gb_per_s"],
                }
            ),
            pd.DataFrame(
                {
                    "gpu": c["gpu"],
                    "measure": "Above the idle board",
                    "pj_per_byte": c["incremental_pj_per_byte"],
                    "low": c["incremental_pj_per_byte_low"],
                    "high": c["incremental_pj_per_byte_high"],
                    "power_w": c["avg_power_w"] - c["idle_power_w"],
                    "bandwidth_gb_per_s": c["bandwidth_gb_per_s"],
                }
            ),
        ],
        ignore_index=True,
    )


def copy(ev: Evaluation) -> alt.TopLevelMixin:
    t = copy_data(ev)
    base = alt.Chart(t).encode(
        x=alt.X("gpu:N", title=None, axis=alt.Axis(labelAngle=0)), xOffset=alt.XOffset("measure:N")
    )
    y_title = "Energy per byte moved (pJ)"
    tips = [
        alt.Tooltip("gpu:N", title="GPU"),
        alt.Tooltip("measure:N", title="Measure"),
        alt.Tooltip("pj_per_byte:Q", title="pJ per byte", format=".0f"),
        alt.Tooltip("low:Q", title="Interval: low", format=".0f"),
        alt.Tooltip("high:Q", title="Interval: high", format=".0f"),
        alt.Tooltip("power_w:Q", title="Power counted (W)", format=".0f"),
        alt.Tooltip("bandwidth_gb_per_s:Q", title="Bandwidth (GB/s)", format=",.0f"),
    ]
    bars = base.mark_bar().encode(
        y=alt.Y("pj_per_byte:Q", title=y_title),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=tips,
    )
    rules = base.mark_rule(color="#222").encode(
        y=alt.Y("low:Q", title=y_title), y2="high:Q", tooltip=tips
    )
    return (bars + rules).properties(
        title=f"A {ev.setup['copy_gib']:.0f} GiB device-to-device copy: energy per byte", height=280
    )


def example_data(ev: Evaluation) -> pd.DataFrame:
    """Bars of the worked example: the three energies (MWh) with what each one is."""
    ex, h, a = ev.example, ev.P.hidden_size, ev.P.aligned_hidden_size
    return pd.DataFrame(
        [
            {
                "case": f"h = {h}, as measured",
                "order": 0,
                "energy_mwh": ex["energy_mwh"],
                "flop": ex["flop"],
            },
            {
                "case": f"h = {h} FLOPs at the h = {a} efficiency",
                "order": 1,
                "energy_mwh": ex["energy_mwh_at_aligned_efficiency"],
                "flop": ex["flop"],
            },
            {
                "case": f"h = {a} model instead",
                "order": 2,
                "energy_mwh": ex["energy_mwh_aligned"],
                "flop": ex["flop_aligned"],
            },
        ]
    )


def example(ev: Evaluation) -> alt.TopLevelMixin:
    t = example_data(ev)
    return (
        alt.Chart(t)
        .mark_bar()
        .encode(
            x=alt.X("energy_mwh:Q", title="GPU energy of the layers' training FLOPs (MWh)"),
            y=alt.Y("case:N", title=None, sort=list(t["case"]), axis=alt.Axis(labelLimit=360)),
            color=alt.Color("case:N", title=None, legend=None),
            tooltip=[
                alt.Tooltip("case:N", title="Case"),
                alt.Tooltip("energy_mwh:Q", title="MWh", format=",.1f"),
                alt.Tooltip("flop:Q", title="FLOPs", format=".3s"),
            ],
        )
        .properties(
            title="Worked example: training energy with and without an aligned hidden size",
            height=150,
        )
    )


def gallery(ev: Evaluation) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter by name (what the figure tests build and validate)."""
    return {
        "windows": windows(ev),
        "formats": formats(ev),
        "power": power(ev),
        "shapes": shapes(ev),
        "copy": copy(ev),
        "example": example(ev),
    }
