"""The analog chapter's charts: each a function of the page's ``Evaluation``."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from energybook import charts
from energybook.chapters.analog import model_adc, model_mac, model_saving
from energybook.chapters.analog.model_adc import J_PER_FJ
from energybook.chapters.analog.page import (
    SAVING_INPUT_LABELS,
    SOBOL_LABELS,
    Evaluation,
    claim_text,
)

CURVE_BITS = tuple(range(1, 17))
ROWS_GRID = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
NODE_GRID = (3, 4, 5, 7, 10, 16, 28, 45, 65, 90, 180)
NODE_ROWS = (64, 256, 1024)

COMPONENT_LABELS = {
    ("digital", "multiply"): "multiplier (grows as b²)",
    ("digital", "add"): "adder (2b-bit accumulate)",
    ("digital", "sram"): "weight and input from SRAM",
    ("digital", "dram"): "weight and input from DRAM/HBM",
    ("analog", "array"): "array read (cells; kT/C floor)",
    ("analog", "dac"): "input DACs (shared over columns)",
    ("analog", "adc"): "ADC readout (shared over rows)",
    ("analog", "movement"): "inputs and outputs to SRAM",
}


def _legend_below() -> alt.Legend:
    return alt.Legend(orient="bottom", direction="vertical")


# ---------------------------------------------------------------------------- energy per MAC
def energy_data(ev: Evaluation) -> pd.DataFrame:
    """Energy per MAC against precision: the digital MAC with HBM traffic and
    weight-stationary, the ideal analog MAC, and today's GPUs (long form): ``bits``,
    ``series``, ``kind`` ("model" or "GPU at board power"), ``format``,
    ``energy_per_mac_fj``, ``ratio`` (against the digital model with HBM)."""
    dkw, _ = model_mac.split_kwargs(ev.kw)
    bits = np.asarray(CURVE_BITS, dtype=float)
    w = model_mac.energy_vs_bits(bits, ev.anchors, **ev.kw)
    ws = model_mac.digital_mac_breakdown(bits, ev.anchors, **{**dkw, "hbm": False})
    rows = []
    for (_, r), ws_j in zip(w.iterrows(), ws["total_j"], strict=True):
        fmt = f"{r['bits']:.0f}-bit"
        rows += [
            {
                "bits": r["bits"],
                "series": "digital MAC, operands from HBM (model)",
                "kind": "model",
                "format": fmt,
                "energy_per_mac_fj": r["digital_j"] / J_PER_FJ,
                "ratio": 1.0,
            },
            {
                "bits": r["bits"],
                "series": "digital MAC, weight-stationary (model)",
                "kind": "model",
                "format": fmt,
                "energy_per_mac_fj": ws_j / J_PER_FJ,
                "ratio": ws_j / r["digital_j"],
            },
            {
                "bits": r["bits"],
                "series": "ideal analog in-memory MAC (model)",
                "kind": "model",
                "format": fmt,
                "energy_per_mac_fj": r["analog_j"] / J_PER_FJ,
                "ratio": r["ratio"],
            },
        ]
    g = model_mac.gpu_check(ev.accelerators, ev.anchors, fastest_per_bits=True, **dkw)
    for _, r in g.iterrows():
        rows.append(
            {
                "bits": float(r["precision_bits"]),
                "series": f"{r['chip']} at board power",
                "format": r["precision_label"],
                "kind": "GPU at board power",
                "energy_per_mac_fj": r["board_energy_per_mac_j"] / J_PER_FJ,
                "ratio": r["board_to_model"],
            }
        )
    return pd.DataFrame(rows)


def _marks(ev: Evaluation) -> pd.DataFrame:
    """The precisions marked on the energy chart: both crossovers and what devices reach."""
    rows = [
        {
            "bits": ev.crossover[0],
            "what": "crossover against digital with HBM",
            "kind": "crossover",
        },
        {
            "bits": ev.crossover_ws[0],
            "what": "crossover against weight-stationary digital",
            "kind": "crossover",
        },
    ]
    wb = ev.experiment.weight_bits
    if math.isfinite(wb):
        rows.append(
            {
                "bits": min(max(wb, 1.0), 16.0),
                "what": "precision the modelled PCM devices give the weights",
                "kind": "devices",
            }
        )
    return pd.DataFrame(rows)


def energy(ev: Evaluation) -> alt.TopLevelMixin:
    curves = energy_data(ev)
    x_bits = alt.X("bits:Q", title="Precision (bits)", scale=alt.Scale(domain=[1, 16]))
    y_energy = alt.Y(
        "energy_per_mac_fj:Q", title="Energy per MAC (fJ, log scale)", scale=alt.Scale(type="log")
    )
    tips = [
        alt.Tooltip("series:N", title="What"),
        alt.Tooltip("format:N", title="Format"),
        alt.Tooltip("energy_per_mac_fj:Q", title="fJ per MAC", format=",.3g"),
        alt.Tooltip("ratio:Q", title="Against digital with HBM", format=".3g"),
    ]
    model_lines = (
        alt.Chart(curves[curves["kind"] == "model"])
        .mark_line(point=True)
        .encode(
            x=x_bits,
            y=y_energy,
            tooltip=tips,
            color=alt.Color("series:N", title="Model", legend=_legend_below()),
        )
    )
    gpu_points = (
        alt.Chart(curves[curves["kind"] != "model"])
        .mark_point(size=110, filled=False, strokeWidth=2)
        .encode(
            x=x_bits,
            y=y_energy,
            color=alt.value("#000000"),
            tooltip=tips,
            shape=alt.Shape("series:N", title="GPUs (dense peak)", legend=_legend_below()),
        )
    )
    marks = _marks(ev)
    mark_tips = [
        alt.Tooltip("what:N", title="What"),
        alt.Tooltip("bits:Q", title="Bits", format=".1f"),
    ]
    # Each marked precision labelled along its line (the labels are long: written across,
    # they would run past the plot on a phone).
    marks = marks.sort_values("bits", ignore_index=True)
    rules = []
    for i, r in marks.iterrows():
        one = marks.iloc[[i]]
        dash, width = ([4, 4], 1.5) if r["kind"] == "crossover" else ([1, 3], 2)
        rules.append(
            alt.Chart(one)
            .mark_rule(strokeDash=dash, strokeWidth=width, color=charts.REFERENCE_COLOUR)
            .encode(x=alt.X("bits:Q", title="Precision (bits)"), tooltip=mark_tips)
        )
        rules.append(
            charts.reference_label(
                one,
                axis="x",
                field="bits",
                title="Precision (bits)",
                text="what",
                along=True,
                tooltip=mark_tips,
            )
        )
    return alt.layer(model_lines, gpu_points, *rules).properties(
        title="Energy per multiply-accumulate against precision", height=340
    )


# ---------------------------------------------------------------------------- converters
def adc_data(ev: Evaluation) -> pd.DataFrame:
    """ADC energy per conversion against resolution, one line per ``line``: the Walden and
    Schreier lines, the kT/C floor, the ADC as modelled and the same per MAC."""
    kw = ev.kw
    t = model_adc.adc_table(np.asarray(CURVE_BITS, dtype=float), kw["walden_fj"], kw["schreier_db"])
    used = t["adc_max_j"] if kw["adc_combine"] == "max" else t["adc_sum_j"]
    lines = {
        "Walden line (x2 per bit)": t["walden_j"],
        "Schreier line (x4 per bit)": t["schreier_j"],
        "kT/C floor (x4 per bit)": t["ktc_floor_j"],
        "ADC as modelled": used,
        "ADC as modelled, per MAC": used / float(kw["array_rows"]),
    }
    regime = np.where(t["walden_dominates"], "Walden", "thermal")
    return pd.concat(
        [
            pd.DataFrame(
                {"bits": t["bits"], "line": name, "energy_fj": v / J_PER_FJ, "regime": regime}
            )
            for name, v in lines.items()
        ],
        ignore_index=True,
    )


def adc(ev: Evaluation) -> alt.TopLevelMixin:
    return (
        alt.Chart(adc_data(ev))
        .mark_line(point=True)
        .encode(
            x=alt.X("bits:Q", title="Resolution (bits)"),
            y=alt.Y(
                "energy_fj:Q",
                title="Energy per conversion (fJ, log scale)",
                scale=alt.Scale(type="log"),
            ),
            color=alt.Color("line:N", title=None, legend=alt.Legend(orient="bottom", columns=2)),
            strokeDash=alt.StrokeDash("line:N", title=None, legend=None),
            tooltip=[
                alt.Tooltip("line:N", title="Line"),
                alt.Tooltip("bits:Q", title="Bits"),
                alt.Tooltip("energy_fj:Q", title="fJ", format=",.3g"),
                alt.Tooltip("regime:N", title="Dominant regime"),
            ],
        )
        .properties(title="ADC energy per conversion against resolution", height=340)
    )


# ---------------------------------------------------------------------------- breakdown
def breakdown_data(ev: Evaluation) -> pd.DataFrame:
    """Where the energy of one MAC goes, both substrates, at the chosen precision:
    ``substrate``, ``component``, ``label``, ``energy_per_mac_fj``, ``share_pct``."""
    long = model_mac.energy_components_long([float(ev.P.precision_bits)], ev.anchors, **ev.kw)
    long = long[long["component"] != "total"].copy()
    long["label"] = [
        COMPONENT_LABELS[(s, c)] for s, c in zip(long["substrate"], long["component"], strict=True)
    ]
    long["energy_per_mac_fj"] = long["energy_per_mac_j"] / J_PER_FJ
    tot = long.groupby("substrate")["energy_per_mac_fj"].transform("sum")
    long["share_pct"] = 100 * long["energy_per_mac_fj"] / tot
    return long[["substrate", "component", "label", "energy_per_mac_fj", "share_pct"]].reset_index(
        drop=True
    )


def breakdown(ev: Evaluation) -> alt.TopLevelMixin:
    return (
        alt.Chart(breakdown_data(ev))
        .mark_bar()
        .encode(
            x=alt.X("energy_per_mac_fj:Q", title="Energy per MAC (fJ)"),
            y=alt.Y("substrate:N", title=None),
            color=alt.Color(
                "label:N", title="Component", legend=alt.Legend(orient="bottom", columns=2)
            ),
            order=alt.Order("component:N"),
            tooltip=[
                alt.Tooltip("substrate:N", title="Substrate"),
                alt.Tooltip("label:N", title="Component"),
                alt.Tooltip("energy_per_mac_fj:Q", title="fJ per MAC", format=",.3g"),
                alt.Tooltip("share_pct:Q", title="Share (%)", format=".1f"),
            ],
        )
        .properties(title=f"Where one {ev.P.precision_bits}-bit MAC's energy goes", height=120)
    )


# ---------------------------------------------------------------------------- crossover maps
def _crossover_label(bits: float, regime: str) -> str:
    lo, hi = model_mac.CROSSOVER_RANGE
    if regime == model_mac.DIGITAL_THROUGHOUT:
        return f"<{lo:.0f}"
    if regime == model_mac.ANALOG_THROUGHOUT:
        return f">{hi:.0f}"
    return f"{bits:.1f}"


def crossover_map_data(ev: Evaluation) -> pd.DataFrame:
    """The crossover over array rows and the ADC's Walden figure, the others fixed:
    ``array_rows``, ``walden_fj``, ``crossover_bits``, ``crossover_shown``, ``regime``,
    ``label``, ``chosen``."""
    kw = ev.kw
    fixed = {k: v for k, v in kw.items() if k not in ("array_rows", "walden_fj")}
    rows = sorted(set(ROWS_GRID) | {kw["array_rows"]})
    foms = model_adc.walden_grid(ev.adc_fom, kw["walden_fj"])
    m = model_mac.crossover_map(ev.anchors, "array_rows", rows, "walden_fj", foms, **fixed)
    m["label"] = [
        _crossover_label(b, r) for b, r in zip(m["crossover_bits"], m["regime"], strict=True)
    ]
    m["chosen"] = (m["array_rows"] == kw["array_rows"]) & (m["walden_fj"] == kw["walden_fj"])
    return m


def crossover_map(ev: Evaluation) -> alt.TopLevelMixin:
    grid = crossover_map_data(ev)
    map_x = alt.X("array_rows:O", title="Array rows (products per ADC conversion)")
    map_y = alt.Y(
        "walden_fj:O", title="ADC Walden figure of merit (fJ per step)", sort="descending"
    )
    tips = [
        alt.Tooltip("array_rows:O", title="Rows"),
        alt.Tooltip("walden_fj:Q", title="Walden FOM (fJ)", format=".3g"),
        alt.Tooltip("label:N", title="Crossover (bits)"),
        alt.Tooltip("regime:N", title="Regime"),
    ]
    cells = (
        alt.Chart(grid)
        .mark_rect()
        .encode(
            x=map_x,
            y=map_y,
            tooltip=tips,
            color=alt.Color(
                "crossover_shown:Q",
                title="Crossover (bits)",
                scale=alt.Scale(scheme="viridis"),
                legend=alt.Legend(orient="bottom", direction="horizontal"),
            ),
        )
    )
    labels = (
        alt.Chart(grid)
        .mark_text(fontSize=11)
        .encode(
            x=map_x,
            y=map_y,
            text="label:N",
            tooltip=tips,
            color=alt.condition(
                alt.datum.crossover_shown > 10, alt.value("#000000"), alt.value("#ffffff")
            ),
        )
    )
    chosen = (
        alt.Chart(grid[grid["chosen"]])
        .mark_rect(fill=None, stroke="#D55E00", strokeWidth=3)
        .encode(x=map_x, y=map_y, tooltip=tips)
    )
    return alt.layer(cells, labels, chosen).properties(
        title="Crossover precision by array size and ADC figure of merit", height=340
    )


def node_data(ev: Evaluation) -> pd.DataFrame:
    """The crossover against the digital node for three array sizes."""
    fixed = {k: v for k, v in ev.kw.items() if k not in ("array_rows", "node_nm")}
    m = model_mac.crossover_map(ev.anchors, "node_nm", NODE_GRID, "array_rows", NODE_ROWS, **fixed)
    m["label"] = [
        _crossover_label(b, r) for b, r in zip(m["crossover_bits"], m["regime"], strict=True)
    ]
    return m


def node(ev: Evaluation) -> alt.TopLevelMixin:
    return (
        alt.Chart(node_data(ev))
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "node_nm:Q",
                title="Digital process node (nm, log scale)",
                scale=alt.Scale(type="log", domain=[3, 180]),
            ),
            y=alt.Y("crossover_shown:Q", title="Crossover precision (bits)"),
            color=alt.Color("array_rows:N", title="Array rows", legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("node_nm:Q", title="Node (nm)"),
                alt.Tooltip("array_rows:N", title="Rows"),
                alt.Tooltip("label:N", title="Crossover (bits)"),
            ],
        )
        .properties(title="Crossover precision against the digital node", height=260)
    )


# ---------------------------------------------------------------------------- accuracy
def accuracy_data(ev: Evaluation) -> pd.DataFrame:
    """Accuracy against analog energy per MAC, one row per precision and device case:
    ``bits``, ``case``, ``energy_per_mac_fj``, ``pct_mean``, ``pct_min``, ``pct_max``,
    ``drop_pp``."""
    ex = ev.experiment
    hours = ev.P.drift_hours
    frames = []
    for case, t in (
        (f"phase-change memory, {hours:g} h after programming", ex.table),
        ("ideal devices (converters and thermal noise only)", ex.ideal),
    ):
        frames.append(
            pd.DataFrame(
                {
                    "bits": t["bits"],
                    "case": case,
                    "energy_per_mac_fj": t["energy_per_mac_fj"],
                    "pct_mean": 100 * t["accuracy_mean"],
                    "pct_min": 100 * t["accuracy_min"],
                    "pct_max": 100 * t["accuracy_max"],
                    "drop_pp": t["drop_pp"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def accuracy(ev: Evaluation) -> alt.TopLevelMixin:
    acc = accuracy_data(ev)
    ex = ev.experiment
    acc_x = alt.X(
        "energy_per_mac_fj:Q",
        title="Analog energy per MAC (fJ, log scale)",
        scale=alt.Scale(type="log"),
    )
    acc_y = alt.Y("pct_mean:Q", title="Test accuracy (%)")
    tips = [
        alt.Tooltip("case:N", title="Devices"),
        alt.Tooltip("bits:Q", title="Precision (bits)"),
        alt.Tooltip("energy_per_mac_fj:Q", title="fJ per MAC", format=".3g"),
        alt.Tooltip("pct_mean:Q", title="Accuracy, mean (%)", format=".1f"),
        alt.Tooltip("pct_min:Q", title="Lowest seed (%)", format=".1f"),
        alt.Tooltip("pct_max:Q", title="Highest seed (%)", format=".1f"),
        alt.Tooltip("drop_pp:Q", title="Below floating point (points)", format=".2f"),
    ]
    colour = alt.Color("case:N", title=None, legend=_legend_below())
    spread = (
        alt.Chart(acc)
        .mark_rule()
        .encode(
            x=acc_x,
            y=alt.Y("pct_min:Q", title="Test accuracy (%)"),
            y2="pct_max:Q",
            color=colour,
            tooltip=tips,
        )
    )
    curve = (
        alt.Chart(acc).mark_line(point=True).encode(x=acc_x, y=acc_y, color=colour, tooltip=tips)
    )
    device = acc[acc["case"].str.startswith("phase-change")]
    bit_labels = (
        alt.Chart(device)
        .mark_text(dx=9, dy=12, fontSize=11)
        .encode(x=acc_x, y=acc_y, text=alt.Text("bits:Q", format=".0f"), tooltip=tips)
    )
    refs = pd.DataFrame(
        {
            "what": ["floating-point network", "linear model (no hidden layer)"],
            "pct": [100 * ex.digital_accuracy, 100 * ex.linear_accuracy],
        }
    )
    ref_tips = [
        alt.Tooltip("what:N", title="Reference"),
        alt.Tooltip("pct:Q", title="Accuracy (%)", format=".1f"),
    ]
    ref_rules = alt.layer(
        alt.Chart(refs)
        .mark_rule(strokeDash=[4, 4], color=charts.REFERENCE_COLOUR)
        .encode(y=alt.Y("pct:Q", title="Test accuracy (%)"), tooltip=ref_tips),
        charts.reference_label(
            refs, axis="y", field="pct", title="Test accuracy (%)", text="what", tooltip=ref_tips
        ),
    )
    best = device[device["bits"] == ex.best["bits"]]
    best_point = (
        alt.Chart(best)
        .mark_point(size=260, shape="circle", filled=False, color="#D55E00", strokeWidth=3)
        .encode(x=acc_x, y=acc_y, tooltip=tips)
    )
    return alt.layer(spread, curve, bit_labels, ref_rules, best_point).properties(
        title="Accuracy of the network against analog energy per MAC", height=340
    )


def drift_data(ev: Evaluation) -> pd.DataFrame:
    """Accuracy at the chosen precision against time since programming."""
    d = ev.experiment.drift.copy()
    d["hours"] = d["time_s"] / 3600.0
    for col in ("accuracy_mean", "accuracy_min", "accuracy_max"):
        d[col.replace("accuracy", "pct")] = 100 * d[col]
    return d


def drift(ev: Evaluation) -> alt.TopLevelMixin:
    d = drift_data(ev)
    x = alt.X(
        "hours:Q", title="Time since programming (hours, log scale)", scale=alt.Scale(type="log")
    )
    y = alt.Y("pct_mean:Q", title="Test accuracy (%)", scale=alt.Scale(zero=False))
    tips = [
        alt.Tooltip("hours:Q", title="Hours", format=",.3g"),
        alt.Tooltip("pct_mean:Q", title="Accuracy, mean (%)", format=".1f"),
        alt.Tooltip("pct_min:Q", title="Lowest seed (%)", format=".1f"),
        alt.Tooltip("pct_max:Q", title="Highest seed (%)", format=".1f"),
    ]
    band = (
        alt.Chart(d)
        .mark_rule()
        .encode(x=x, y=alt.Y("pct_min:Q", title="Test accuracy (%)"), y2="pct_max:Q", tooltip=tips)
    )
    line = alt.Chart(d).mark_line(point=True).encode(x=x, y=y, tooltip=tips)
    ref = charts.reference_rule(
        100 * ev.experiment.digital_accuracy,
        "floating-point network",
        title="Test accuracy (%)",
        fmt=".1f",
    )
    return alt.layer(band, line, ref).properties(
        title=f"Accuracy at {ev.P.precision_bits} bits as the conductances drift", height=260
    )


# ---------------------------------------------------------------------------- published chips
def chips_data(ev: Evaluation) -> pd.DataFrame:
    """Published chips and GPUs (fastest format per bit width) by TOPS/W, with a ``label``
    (chip and precision) and ``claim`` (peer-reviewed or vendor claim, unverified or not)."""
    c = model_mac.chips_comparison(ev.chips, ev.accelerators, fastest_per_bits=True)
    digital = c["family"] == model_mac.DIGITAL_FAMILY
    c["label"] = [
        f"{chip} ({'GPU, ' if d else ''}{int(b)}-bit)"
        for chip, d, b in zip(c["chip"], digital, c["precision_bits"], strict=True)
    ]
    c["claim"] = [claim_text(t, k) for t, k in zip(c["claim_type"], c["checked"], strict=True)]
    return c.sort_values("tops_per_w", ascending=False).reset_index(drop=True)


def _model_reference(ev: Evaluation, bits: float = 8.0) -> pd.DataFrame:
    dkw, akw = model_mac.split_kwargs(ev.kw)
    d = model_mac.digital_mac_energy_j(bits, ev.anchors, **dkw)
    a = model_mac.analog_mac_energy_j(bits, ev.anchors, **akw)
    return pd.DataFrame(
        {
            "series": [
                f"digital MAC, this model ({bits:.0f}-bit)",
                f"ideal analog core, this model ({bits:.0f}-bit)",
            ],
            "tops_per_w": [model_mac.mac_j_to_tops_per_w(d), model_mac.mac_j_to_tops_per_w(a)],
        }
    )


def chips(ev: Evaluation) -> alt.TopLevelMixin:
    table = chips_data(ev)
    ref = _model_reference(ev)
    chip_x = alt.X(
        "tops_per_w:Q",
        title="TOPS per watt (log scale)",
        scale=alt.Scale(type="log", domain=[0.5, 200]),
    )
    points = (
        alt.Chart(table)
        .mark_point(size=120, filled=True)
        .encode(
            x=chip_x,
            y=alt.Y(
                "label:N", title=None, sort=list(table["label"]), axis=alt.Axis(labelLimit=300)
            ),
            color=alt.Color(
                "claim:N",
                title="Claim",
                legend=_legend_below(),
                # A peer-reviewed figure is a measurement; a vendor's, a reported figure.
                scale=charts.role_scale(
                    sorted(set(table["claim"])),
                    {c: "measured" if c.startswith("peer") else "reported" for c in table["claim"]},
                ),
            ),
            shape=alt.Shape("level:N", title="Level", legend=_legend_below()),
            tooltip=[
                alt.Tooltip("chip:N", title="Chip"),
                alt.Tooltip("substrate:N", title="Substrate"),
                alt.Tooltip("level:N", title="Level"),
                alt.Tooltip("claim:N", title="Claim"),
                alt.Tooltip("precision_label:N", title="Precision"),
                alt.Tooltip("tops_per_w:Q", title="TOPS/W", format=".3g"),
                alt.Tooltip("derived:N", title="Computed as TOPS / W"),
                alt.Tooltip("year:Q", title="Year", format=".0f"),
            ],
        )
    )
    ref_lines = (
        alt.Chart(ref)
        .mark_rule(strokeDash=[6, 3], color=charts.REFERENCE_COLOUR)
        .encode(
            x=chip_x,
            tooltip=[
                alt.Tooltip("series:N", title="Model"),
                alt.Tooltip("tops_per_w:Q", title="TOPS/W", format=".3g"),
            ],
        )
    )
    # Along each line, on its right, from the bottom up: the chips right of either line are
    # in the top rows, so the labels stay clear of them at any width.
    ref_text = charts.reference_label(
        ref,
        axis="x",
        field="tops_per_w",
        title="TOPS per watt (log scale)",
        text="series",
        along=True,
        at="bottom",
        scale=alt.Scale(type="log", domain=[0.5, 200]),
        tooltip=[alt.Tooltip("series:N", title="Model")],
    )
    return alt.layer(ref_lines, ref_text, points).properties(
        title="Published analog and non-von-Neumann chips against GPUs", height=380
    )


# ---------------------------------------------------------------------------- 2030 saving
def scope_data(ev: Evaluation) -> pd.DataFrame:
    """From 2030 data-centre electricity to what analog arithmetic saves of it: ``step``,
    ``energy_twh``, ``kind`` ("electricity" or "saving")."""
    P, s, w = ev.P, ev.saving, ev.saving_ws
    dc = model_saving.dc_energy_twh(ev.dc, case=P.dc_case)
    steps = [
        ("World data centres, 2030", dc, "electricity"),
        ("of which AI", dc * P.ai_share, "electricity"),
        ("of which inference", dc * P.ai_share * P.inference_share, "electricity"),
        ("of which noise-tolerant", float(s["addressable_twh"]), "electricity"),
        ("of which analog arithmetic can replace", float(s["replaceable_twh"]), "electricity"),
        (
            "saved against digital with HBM, before the rebound",
            float(s["gross_saving_twh"]),
            "saving",
        ),
        (
            "saved against a weight-stationary digital fleet, before the rebound",
            float(w["gross_saving_twh"]),
            "saving",
        ),
    ]
    return pd.DataFrame(steps, columns=["step", "energy_twh", "kind"])


def scope(ev: Evaluation) -> alt.TopLevelMixin:
    t = scope_data(ev)
    x = alt.X(
        "energy_twh:Q",
        title="Electricity in 2030 (TWh, log scale)",
        scale=alt.Scale(type="log", domainMin=1),
    )
    y = alt.Y("step:N", title=None, sort=list(t["step"]), axis=alt.Axis(labelLimit=320))
    tips = [
        alt.Tooltip("step:N", title="What"),
        alt.Tooltip("energy_twh:Q", title="TWh", format=",.1f"),
    ]
    bars = (
        alt.Chart(t)
        .mark_bar()
        .encode(
            x=x,
            x2=alt.datum(1),
            y=y,
            tooltip=tips,
            color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="bottom")),
        )
    )
    labels = (
        alt.Chart(t)
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(x=x, y=y, text=alt.Text("energy_twh:Q", format=",.1f"), tooltip=tips)
    )
    return alt.layer(bars, labels).properties(
        title="What analog arithmetic could touch in 2030", height=240
    )


def saving_data(ev: Evaluation) -> pd.DataFrame:
    """The net 2030 saving against elasticity: the ideal core and the worst peer-reviewed
    chip at the chosen energy share of cost, and the ideal core with energy the whole cost."""
    share = ev.P.energy_share
    cases = {
        f"ideal core, energy {100 * share:.0f}% of cost": (ev.ratio_at_precision, share),
        f"worst measured chip, energy {100 * share:.0f}% of cost": (
            float(ev.ratios_measured.max()),
            share,
        ),
        "ideal core, energy the whole cost": (ev.ratio_at_precision, 1.0),
    }
    return model_saving.saving_curves(ev.P, ev.dc, cases)


def saving(ev: Evaluation) -> alt.TopLevelMixin:
    curves = saving_data(ev)
    now = curves[curves["elasticity"].round(2) == round(float(ev.P.elasticity), 2)]
    tips = [
        alt.Tooltip("case:N", title="Case"),
        alt.Tooltip("energy_ratio:Q", title="Analog / digital", format=".3g"),
        alt.Tooltip("elasticity:Q", title="Elasticity", format=".1f"),
        alt.Tooltip("net_saving_twh:Q", title="Net saving (TWh)", format=",.1f"),
        alt.Tooltip("rebound_twh:Q", title="Taken back by rebound (TWh)", format=",.1f"),
    ]
    s_x = alt.X("elasticity:Q", title="Price elasticity of demand for inference")
    s_y = alt.Y("net_saving_twh:Q", title="Net electricity saved in 2030 (TWh)")
    lines = (
        alt.Chart(curves)
        .mark_line()
        .encode(
            x=s_x,
            y=s_y,
            tooltip=tips,
            color=alt.Color("case:N", title=None, legend=_legend_below()),
        )
    )
    points = (
        alt.Chart(now)
        .mark_point(size=120, filled=True)
        .encode(x=s_x, y=s_y, color=alt.Color("case:N", title=None), tooltip=tips)
    )
    zero = charts.reference_rule(0.0, "no saving", title="Net electricity saved in 2030 (TWh)")
    return alt.layer(zero, lines, points).properties(
        title="2030 saving from analog inference against the rebound", height=300
    )


def tornado_data(ev: Evaluation) -> pd.DataFrame:
    """The Monte Carlo's tornado with a reader-facing ``label`` per input."""
    tor = ev.mc["tornado"].copy()
    tor.insert(1, "label", tor["input"].map(lambda k: SAVING_INPUT_LABELS.get(k, k)))
    return tor


def tornado(ev: Evaluation) -> alt.TopLevelMixin:
    return charts.tornado(
        tornado_data(ev),
        label="label",
        height=200,
        fmt=",.1f",
        title="Which uncertain input moves the 2030 saving most",
        output_title="Net electricity saved in 2030 (TWh)",
    )


def sobol(ev: Evaluation) -> alt.TopLevelMixin:
    """Total Sobol indices of the point 2030 net saving (the page's ``ev.sobol``)."""
    return charts.sobol_bars(
        ev.sobol,
        labels=SOBOL_LABELS,
        title="Which input's range drives the 2030 saving, interactions included",
    )


def gallery(ev: Evaluation) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter by name (what the figure tests build and validate)."""
    return {
        "energy": energy(ev),
        "adc": adc(ev),
        "breakdown": breakdown(ev),
        "crossover_map": crossover_map(ev),
        "node": node(ev),
        "accuracy": accuracy(ev),
        "drift": drift(ev),
        "chips": chips(ev),
        "scope": scope(ev),
        "saving": saving(ev),
        "tornado": tornado(ev),
        "sobol": sobol(ev),
    }
