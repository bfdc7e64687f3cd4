"""Measured: the book's own GPU energy measurements, read for the chapter.

Pure functions over the ``gpu_runs`` table (one row per measured window, written by
:mod:`energybook.measure`) and the ``accelerators`` table (datasheet peaks). The one function
that reads files lives in :func:`energybook.data.load_run_metadata`.

Only rows of full runs whose status is ``ok`` are used; the repeats of each configuration are
averaged, and their minimum and maximum are kept as the spread (two windows per configuration:
the spread is a range, not a confidence interval).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from energybook import gpu_energy as ge
from energybook import units
from energybook.measure import decode_clock_event_reasons

#: The datasheet row (``accelerators.chip``) of each measured GPU: both cards ran at a 700 W
#: limit, the SXM parts' board power (the PCIe H100 is a 350 W card).
CHIP_FOR_GPU = {"H100": "H100 SXM", "H200": "H200 SXM"}

#: Number formats of the square GEMM: label and the datasheet column of its dense peak.
FORMATS = {
    "fp32": ("FP32", "fp32_tflops"),
    "tf32": ("TF32", "tf32_tflops"),
    "bf16": ("BF16", "bf16_tflops"),
    "fp16": ("FP16", "fp16_tflops"),
    "fp8": ("FP8", "fp8_tflops"),
    "fp8fast": ("FP8 fast acc.", "fp8_tflops"),
}

#: Alignment the aligned neighbour of a hidden size must have (a multiple of 64 elements).
ALIGN_MULTIPLE = 64

#: NVML clock-event reason bit of the software power cap (nvml.h).
SW_POWER_CAP = 0x4
#: Weights of a standard transformer layer over h**2 (QKV and output 4h^2, 4h-wide MLP 8h^2).
WEIGHTS_PER_LAYER_PER_H2 = 12

_AVERAGED = ("tflop_per_j", "pj_per_flop", "throughput_tflop_per_s", "avg_power_w",
             "pj_per_byte", "bandwidth_gb_per_s", "sm_clock_mhz", "temperature_c")
_FIRST = ("kind", "dtype", "m", "n", "k", "hidden_size", "tokens", "gpu_name",
          "driver_version", "power_limit_w")


# --- selecting and averaging ----------------------------------------------------------------


def usable_rows(runs: pd.DataFrame) -> pd.DataFrame:
    """Rows of full runs that passed the harness's checks (``mode == 'full'``, ``status == 'ok'``)."""
    keep = (runs["mode"] == "full") & (runs["status"] == "ok")
    return runs[keep].reset_index(drop=True)


def gpu_label(gpu_name: str) -> str:
    """The short GPU label of an NVML name: 'NVIDIA H100 80GB HBM3' -> 'H100'."""
    for token in str(gpu_name).replace("-", " ").split():
        if token.upper() in CHIP_FOR_GPU:
            return token.upper()
    raise ValueError(f"GPU {gpu_name!r} is not one this chapter knows ({sorted(CHIP_FOR_GPU)})")


def run_for_gpu(runs: pd.DataFrame, gpu: str) -> str:
    """The run id of the latest usable full run on ``gpu`` ('H100' or 'H200')."""
    ok = usable_rows(runs)
    ok = ok[ok["gpu_name"].map(gpu_label) == gpu]
    if ok.empty:
        raise KeyError(f"no usable full run on {gpu} in gpu_runs")
    latest = ok.groupby("run_id")["timestamp_utc"].min().sort_values()
    return str(latest.index[-1])


def _or_masks(values: Iterable) -> int:
    mask = 0
    for v in values:
        if isinstance(v, str) and v:
            mask |= int(v, 16)
    return mask


def summarize_repeats(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (run, configuration): the mean of each measured quantity over the usable
    repeats, with ``<quantity>_min`` and ``<quantity>_max``; ``repeats`` counts them;
    ``clock_event_mask`` is the OR of their clock-event reason bits and ``clock_events`` their
    names; ``gpu`` is the short GPU label."""
    ok = usable_rows(runs)
    out = []
    for (run_id, config), g in ok.groupby(["run_id", "config"], sort=True):
        row: dict = {"run_id": run_id, "config": config, "repeats": len(g)}
        for col in _FIRST:
            row[col] = g[col].iloc[0]
        for col in _AVERAGED:
            vals = pd.to_numeric(g[col], errors="coerce").dropna()
            row[col] = float(vals.mean()) if len(vals) else float("nan")
            row[f"{col}_min"] = float(vals.min()) if len(vals) else float("nan")
            row[f"{col}_max"] = float(vals.max()) if len(vals) else float("nan")
        mask = _or_masks(g["clock_event_reasons"])
        row["clock_event_mask"] = mask
        row["clock_events"] = ", ".join(decode_clock_event_reasons(mask)) or "none"
        row["gpu"] = gpu_label(row["gpu_name"])
        out.append(row)
    return pd.DataFrame(out)


def format_key(config: str) -> str | None:
    """``'square-bf16-8192'`` -> ``'bf16'``; None for a configuration that is not one."""
    parts = str(config).split("-")
    if len(parts) == 3 and parts[0] == "square" and parts[1] in FORMATS:
        return parts[1]
    return None


def datasheet_row(accelerators: pd.DataFrame, gpu: str) -> pd.Series:
    """The accelerators row of the chip matching ``gpu``."""
    hit = accelerators[accelerators["chip"] == CHIP_FOR_GPU[gpu]]
    if len(hit) != 1:
        raise KeyError(f"no single datasheet row for {CHIP_FOR_GPU[gpu]!r}")
    return hit.iloc[0]


# --- tables for the chapter -----------------------------------------------------------------


def format_table(summary: pd.DataFrame, accelerators: pd.DataFrame) -> pd.DataFrame:
    """Delivered TFLOP/J of each number format against the datasheet's peak per board watt,
    for every run in ``summary``: one row per (run, format)."""
    rows = []
    for _, r in summary.iterrows():
        key = format_key(r["config"])
        if key is None:
            continue
        label, column = FORMATS[key]
        sheet = datasheet_row(accelerators, r["gpu"])
        peak, board = float(sheet[column]), float(sheet["board_power_w"])
        sheet_eff = ge.datasheet_tflop_per_j(peak, board)
        rows.append({
            "run_id": r["run_id"], "gpu": r["gpu"], "chip": sheet["chip"], "format": key,
            "format_label": label, "order": list(FORMATS).index(key),
            "tflop_per_j": r["tflop_per_j"], "tflop_per_j_min": r["tflop_per_j_min"],
            "tflop_per_j_max": r["tflop_per_j_max"],
            "throughput_tflop_per_s": r["throughput_tflop_per_s"],
            "avg_power_w": r["avg_power_w"], "sm_clock_mhz": r["sm_clock_mhz"],
            "clock_events": r["clock_events"], "repeats": r["repeats"],
            "peak_tflop_per_s": peak, "board_power_w": board,
            "datasheet_tflop_per_j": sheet_eff,
            "share_pct": 100.0 * ge.datasheet_share(r["tflop_per_j"], peak, board),
            "throughput_share_pct": 100.0 * r["throughput_tflop_per_s"] / peak,
        })
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows).sort_values(["gpu", "order"], ignore_index=True)


def format_chart_data(formats: pd.DataFrame) -> pd.DataFrame:
    """Long table for the format chart: per format, one 'Datasheet' bar (the peak per board
    watt, averaged over the chips: H100 SXM and H200 SXM differ by under 0.1%) and one
    'Measured, <GPU>' bar per GPU with its range (``low``/``high``; equal to the value for the
    datasheet)."""
    rows = []
    for _, g in formats.groupby("format", sort=False):
        label, order = g["format_label"].iloc[0], int(g["order"].iloc[0])
        sheet = float(g["datasheet_tflop_per_j"].mean())
        rows.append({"format_label": label, "order": order, "series": "Datasheet peak / board",
                     "tflop_per_j": sheet, "low": sheet, "high": sheet, "share_pct": 100.0,
                     "avg_power_w": float(g["board_power_w"].mean())})
        for _, r in g.iterrows():
            rows.append({"format_label": label, "order": order,
                         "series": f"Measured, {r['gpu']}", "tflop_per_j": r["tflop_per_j"],
                         "low": r["tflop_per_j_min"], "high": r["tflop_per_j_max"],
                         "share_pct": r["share_pct"], "avg_power_w": r["avg_power_w"]})
    return pd.DataFrame(rows).sort_values(["order", "series"], ignore_index=True)


def shape_table(summary: pd.DataFrame, multiple: int = ALIGN_MULTIPLE) -> pd.DataFrame:
    """Energy per FLOP of each measured hidden size, and its penalty against its aligned
    neighbour (the nearest measured multiple of ``multiple`` in the same run).

    ``penalty_pct`` is the mean's penalty; ``penalty_pct_low`` / ``_high`` the range spanned by
    the repeats (best window of the shape against the aligned neighbour's worst, and the reverse).
    """
    shapes = summary[summary["kind"] == "model_shape"]
    rows = []
    for run_id, g in shapes.groupby("run_id", sort=True):
        sizes = [int(h) for h in g["hidden_size"]]
        by_h = {int(r["hidden_size"]): r for _, r in g.iterrows()}
        for h in sorted(sizes):
            r = by_h[h]
            nb = ge.aligned_neighbour(h, sizes, multiple)
            a = by_h[nb]
            rows.append({
                "run_id": run_id, "gpu": r["gpu"], "hidden_size": h,
                "power_of_two_factor": ge.power_of_two_factor(h),
                "aligned": h % multiple == 0, "aligned_neighbour": nb,
                "tokens": int(r["tokens"]),
                "tflop_per_j": r["tflop_per_j"],
                "pj_per_flop": r["pj_per_flop"], "pj_per_flop_min": r["pj_per_flop_min"],
                "pj_per_flop_max": r["pj_per_flop_max"],
                "throughput_tflop_per_s": r["throughput_tflop_per_s"],
                "avg_power_w": r["avg_power_w"], "sm_clock_mhz": r["sm_clock_mhz"],
                "clock_events": r["clock_events"],
                "penalty_pct": 100.0 * ge.misalignment_penalty(r["tflop_per_j"],
                                                               a["tflop_per_j"]),
                "penalty_pct_low": 100.0 * ge.misalignment_penalty(r["tflop_per_j_max"],
                                                                   a["tflop_per_j_min"]),
                "penalty_pct_high": 100.0 * ge.misalignment_penalty(r["tflop_per_j_min"],
                                                                    a["tflop_per_j_max"]),
                "energy_ratio": a["tflop_per_j"] / r["tflop_per_j"],
            })
    return pd.DataFrame(rows)


def worst_shape(shapes: pd.DataFrame, run_id: str) -> pd.Series:
    """The misaligned shape of ``run_id`` with the largest penalty."""
    mis = shapes[(shapes["run_id"] == run_id) & ~shapes["aligned"]]
    if mis.empty:
        raise KeyError(f"run {run_id} has no misaligned shape")
    return mis.loc[mis["penalty_pct"].idxmax()]


def copy_table(summary: pd.DataFrame, accelerators: pd.DataFrame) -> pd.DataFrame:
    """Energy per byte and bandwidth of the memory-bound copy, per run, with the datasheet
    bandwidth of the chip."""
    mem = summary[summary["kind"] == "memory"]
    rows = []
    for _, r in mem.iterrows():
        sheet = datasheet_row(accelerators, r["gpu"])
        bw_sheet = float(sheet["memory_bw_tbps"]) * units.factor("TB/s", "GB/s")
        rows.append({
            "run_id": r["run_id"], "gpu": r["gpu"], "config": r["config"],
            "pj_per_byte": r["pj_per_byte"], "pj_per_byte_min": r["pj_per_byte_min"],
            "pj_per_byte_max": r["pj_per_byte_max"],
            "bandwidth_gb_per_s": r["bandwidth_gb_per_s"],
            "datasheet_bandwidth_gb_per_s": bw_sheet,
            "bandwidth_share_pct": 100.0 * r["bandwidth_gb_per_s"] / bw_sheet,
            "avg_power_w": r["avg_power_w"], "sm_clock_mhz": r["sm_clock_mhz"],
        })
    return pd.DataFrame(rows).sort_values("gpu", ignore_index=True)


def power_table(summary: pd.DataFrame, accelerators: pd.DataFrame) -> pd.DataFrame:
    """Average watts and SM clock of every configuration, with the board power and whether
    the software power cap (clock-event bit 0x4) held the clocks down in any window."""
    what = {"idle": "idle", "number_format": "square GEMM", "model_shape": "model shape",
            "memory": "memory copy"}
    rows = []
    for _, r in summary.iterrows():
        sheet = datasheet_row(accelerators, r["gpu"])
        key = format_key(r["config"])
        if key is not None:
            label = f"{FORMATS[key][0]} GEMM"
        elif r["kind"] == "model_shape":
            label = f"h = {int(r['hidden_size'])}"
        else:
            label = what[r["kind"]]
        rows.append({
            "run_id": r["run_id"], "gpu": r["gpu"], "config": r["config"], "label": label,
            "kind": what[r["kind"]], "avg_power_w": r["avg_power_w"],
            "avg_power_w_min": r["avg_power_w_min"], "avg_power_w_max": r["avg_power_w_max"],
            "sm_clock_mhz": r["sm_clock_mhz"], "power_limit_w": float(r["power_limit_w"]),
            "board_power_w": float(sheet["board_power_w"]),
            "power_capped": bool(int(r["clock_event_mask"]) & SW_POWER_CAP),
            "clock_events": r["clock_events"],
        })
    return pd.DataFrame(rows)


def worked_example(shapes: pd.DataFrame, run_id: str, hidden_size: int,
                   aligned_hidden_size: int, training_tokens: float, layers: int) -> dict:
    """What the measured penalty of ``hidden_size`` means for training ``layers`` transformer
    layers on ``training_tokens`` tokens: :func:`energybook.gpu_energy.misalignment_worked_example`
    priced at the run's measured TFLOP/J, with energies also in MWh."""
    g = shapes[shapes["run_id"] == run_id].set_index("hidden_size")
    for h in (hidden_size, aligned_hidden_size):
        if h not in g.index:
            raise KeyError(f"hidden size {h} was not measured in run {run_id}")
    ex = ge.misalignment_worked_example(
        tokens=training_tokens, hidden_size=hidden_size, aligned_hidden_size=aligned_hidden_size,
        tflop_per_j_shape=float(g.loc[hidden_size, "tflop_per_j"]),
        tflop_per_j_aligned=float(g.loc[aligned_hidden_size, "tflop_per_j"]), layers=layers)
    to_mwh = units.factor("J", "MWh")
    for key in ("energy_j", "energy_j_at_aligned_efficiency", "extra_energy_j",
                "energy_j_aligned"):
        ex[key.replace("energy_j", "energy_mwh")] = ex[key] * to_mwh
    return ex


def worked_example_table(example: Mapping[str, float], hidden_size: int,
                         aligned_hidden_size: int) -> pd.DataFrame:
    """Bars of the worked example: the three energies (MWh) with what each one is."""
    return pd.DataFrame([
        {"case": f"h = {hidden_size}, as measured", "order": 0,
         "energy_mwh": example["energy_mwh"], "flop": example["flop"]},
        {"case": f"h = {hidden_size} FLOPs at the h = {aligned_hidden_size} efficiency",
         "order": 1, "energy_mwh": example["energy_mwh_at_aligned_efficiency"],
         "flop": example["flop"]},
        {"case": f"h = {aligned_hidden_size} model instead", "order": 2,
         "energy_mwh": example["energy_mwh_aligned"], "flop": example["flop_aligned"]},
    ])


def provenance_table(metadata: Sequence[Mapping]) -> pd.DataFrame:
    """One row per run from its metadata dict (as written by the harness)."""
    rows = []
    for m in metadata:
        gpu = m.get("gpu", {})
        rows.append({
            "Run": m["run_id"], "GPU": gpu.get("name", ""),
            "Power limit (W)": f"{gpu.get('enforced_power_limit_w', float('nan')):.0f}",
            "Driver": gpu.get("driver_version", ""),
            "PyTorch": gpu.get("torch_version", ""),
            "Started (UTC)": m.get("started_utc", ""),
            "Took (s)": f"{m.get('elapsed_s', float('nan')):.0f}",
            "Windows ok": str(m.get("row_counts", {}).get("ok", "")),
            "Command": m.get("command", ""),
        })
    return pd.DataFrame(rows)


def format_display_table(formats: pd.DataFrame, gpu: str) -> pd.DataFrame:
    """The number-format comparison of one GPU, formatted for the page."""
    f = formats[formats["gpu"] == gpu]
    return pd.DataFrame({
        "Format": f["format_label"],
        "Delivered (TFLOP/s)": f["throughput_tflop_per_s"].map("{:,.0f}".format),
        "Board power (W)": f["avg_power_w"].map("{:.0f}".format),
        "SM clock (MHz)": f["sm_clock_mhz"].map("{:.0f}".format),
        "Measured (TFLOP/J)": [f"{m:.3f} ({lo:.3f}-{hi:.3f})" for m, lo, hi in
                               zip(f["tflop_per_j"], f["tflop_per_j_min"],
                                   f["tflop_per_j_max"], strict=True)],
        "Datasheet (TFLOP/J)": f["datasheet_tflop_per_j"].map("{:.3f}".format),
        "Share of datasheet": f["share_pct"].map("{:.0f}%".format),
        "Clock limited by": f["clock_events"],
    })


def shape_display_table(shapes: pd.DataFrame, gpu: str) -> pd.DataFrame:
    """The shape comparison of one GPU, formatted for the page."""
    s = shapes[shapes["gpu"] == gpu]
    return pd.DataFrame({
        "Hidden size": s["hidden_size"].astype(str),
        "Largest power of 2 dividing it": s["power_of_two_factor"].astype(str),
        "Delivered (TFLOP/s)": s["throughput_tflop_per_s"].map("{:,.0f}".format),
        "Board power (W)": s["avg_power_w"].map("{:.0f}".format),
        "Energy per FLOP (pJ)": s["pj_per_flop"].map("{:.2f}".format),
        "Aligned neighbour": s["aligned_neighbour"].astype(str),
        "Extra energy per FLOP": [
            "(aligned)" if a else f"{p:.0f}% ({lo:.0f} to {hi:.0f}%)"
            for a, p, lo, hi in zip(s["aligned"], s["penalty_pct"], s["penalty_pct_low"],
                                    s["penalty_pct_high"], strict=True)],
    })


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def sci_label(value: float, digits: int = 2) -> str:
    """A number in scientific notation for prose: ``3.87e22`` -> ``'3.87 × 10²²'``."""
    mantissa, exponent = f"{float(value):.{digits}e}".split("e")
    return f"{mantissa} \u00d7 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def chapter_tables(runs: pd.DataFrame, accelerators: pd.DataFrame,
                   gpu: str) -> dict[str, pd.DataFrame]:
    """The chapter's chart tables, from the latest full run of each GPU: ``formats``,
    ``shapes`` and ``copy`` for both GPUs; ``power`` for ``gpu`` only, with a ``capped``
    label ('yes (0x4)' / 'no')."""
    run_ids = [run_for_gpu(runs, g) for g in CHIP_FOR_GPU]
    summary = summarize_repeats(runs)
    summary = summary[summary["run_id"].isin(run_ids)]
    power = power_table(summary, accelerators)
    power = power[power["gpu"] == gpu].reset_index(drop=True)
    power["capped"] = power["power_capped"].map({True: "yes (0x4)", False: "no"})
    formats = format_table(summary, accelerators)
    return {"formats": formats, "format_chart": format_chart_data(formats),
            "shapes": shape_table(summary),
            "copy": copy_table(summary, accelerators), "power": power}


def captions(tables: Mapping[str, pd.DataFrame], gpu: str) -> dict[str, str]:
    """Text alternatives of the chapter's measured charts, their numbers taken from
    :func:`chapter_tables`."""
    f, p, s, c = tables["formats"], tables["power"], tables["shapes"], tables["copy"]
    idle = p.loc[p["kind"] == "idle", "avg_power_w"]
    board = p["board_power_w"].iloc[0]
    aligned = s.loc[s["aligned"], "pj_per_flop"]
    odd = s.loc[s["hidden_size"].isin([4095, 4097]), "energy_ratio"]
    h4100 = s.loc[s["hidden_size"] == 4100, "energy_ratio"]

    def span(x: pd.Series, fmt: str) -> str:
        return f"{x.min():{fmt}} to {x.max():{fmt}}"

    return {
        "formats": (
            "Grouped bars per number format: the dense datasheet peak divided by the board "
            f"power ({', '.join(sorted(f['chip'].unique()))}; Epoch AI), and the TFLOP per "
            "joule measured for the square GEMM on each GPU, with the range of its measured "
            "windows as a line. Every measured bar is lower than the datasheet's, at "
            f"{span(f['share_pct'], '.0f')}% of it. "
            "Source: this book's measurements (data/measured/gpu_runs.csv)."),
        "power": (
            "Scatter of average board power against average SM clock for every configuration "
            f"of the {gpu} run: idle at {idle.mean():.0f} W; the memory copy and the "
            "misaligned model shapes below the limit at full clock; the aligned tensor-core "
            "GEMMs near the "
            f"{board:.0f} W board power (dashed line) with clocks lowered by the software power "
            "cap. Source: this book's measurements."),
        "shapes": (
            "Grouped bars of picojoules per FLOP of the BF16 GEMM (tokens by h inputs into 4h "
            "outputs) at each measured hidden size, per GPU, with the range of the measured windows. "
            f"Multiples of 64 cost {span(aligned, '.2f')} pJ per FLOP; h = 4095 and 4097 "
            f"cost {span(odd, '.1f')} times as much as their aligned neighbour, h = 4100 "
            f"{span(h4100, '.1f')} times; the other sizes only a few per cent more. "
            "Source: this book's measurements."),
        "copy": (
            "Two bar charts. Left: energy per byte moved by the copy (bytes read plus written): "
            + "; ".join(f"{r.gpu} {r.pj_per_byte:.0f} pJ" for r in c.itertuples())
            + ", with the range of the measured windows. Right: the measured bandwidth: "
            + "; ".join(f"{r.gpu} {r.bandwidth_gb_per_s:,.0f} GB/s" for r in c.itertuples())
            + ", with the datasheet bandwidth (Epoch AI) as a tick. "
            "Source: this book's measurements."),
    }


# --- headline numbers -----------------------------------------------------------------------


def headline_results(runs: pd.DataFrame, accelerators: pd.DataFrame, gpu: str,
                     number_format: str, hidden_size: int, aligned_hidden_size: int,
                     training_tokens: float, layers: int) -> dict[str, float]:
    """The chapter's headline numbers for the chosen GPU's latest full run."""
    run_id = run_for_gpu(runs, gpu)
    summary = summarize_repeats(runs)
    summary = summary[summary["run_id"] == run_id]
    formats = format_table(summary, accelerators)
    fmt = formats[formats["format"] == number_format]
    if len(fmt) != 1:
        raise KeyError(f"format {number_format!r} was not measured in run {run_id}")
    fmt = fmt.iloc[0]
    shapes = shape_table(summary)
    worst = worst_shape(shapes, run_id)
    copy = copy_table(summary, accelerators).iloc[0]
    ex = worked_example(shapes, run_id, hidden_size, aligned_hidden_size, training_tokens,
                        layers)
    return {
        "tflop_per_j": float(fmt["tflop_per_j"]),
        "datasheet_tflop_per_j": float(fmt["datasheet_tflop_per_j"]),
        "datasheet_share_pct": float(fmt["share_pct"]),
        "full_load_power_w": float(fmt["avg_power_w"]),
        "board_power_w": float(fmt["board_power_w"]),
        "full_load_sm_clock_mhz": float(fmt["sm_clock_mhz"]),
        "worst_penalty_pct": float(worst["penalty_pct"]),
        "worst_hidden_size": float(worst["hidden_size"]),
        "copy_pj_per_byte": float(copy["pj_per_byte"]),
        "example_penalty_pct": 100.0 * float(ex["penalty"]),
        "example_energy_mwh": float(ex["energy_mwh"]),
        "example_extra_energy_mwh": float(ex["extra_energy_mwh"]),
    }


def other_gpu(gpu: str) -> str:
    """The other measured GPU ('H100' <-> 'H200')."""
    others = [g for g in CHIP_FOR_GPU if g != gpu]
    if gpu not in CHIP_FOR_GPU or len(others) != 1:
        raise KeyError(f"unknown GPU {gpu!r}")
    return others[0]


def prose_values(runs: pd.DataFrame, accelerators: pd.DataFrame,
                 metadata: Sequence[Mapping], gpu: str, number_format: str,
                 hidden_size: int, aligned_hidden_size: int, training_tokens: float,
                 layers: int) -> dict[str, float]:
    """Further numbers the chapter's prose quotes (plain floats, for glue).

    Keys: the chosen format on the chosen GPU (``throughput_tflop_per_s``,
    ``throughput_share_pct``, ``peak_tflop_per_s``, ``tflop_per_j_min`` / ``_max``) and on the
    other GPU (``other_tflop_per_j``, ``other_share_pct``); ``fp8_over_bf16`` (delivered TFLOP/J
    of FP8 with fast accumulation over BF16) and ``fp8_datasheet_over_bf16``; the run's
    ``idle_power_w``, ``power_limit_w``, ``max_sm_clock_mhz`` (from its metadata) and
    ``clock_share_pct`` (full-load SM clock over that maximum); per measured hidden size h of
    the chosen GPU ``penalty_pct_h<h>``, ``energy_ratio_h<h>``, ``power_w_h<h>`` and
    ``sm_clock_mhz_h<h>``; ``worst_energy_ratio``; per GPU g of the copy
    ``copy_pj_per_byte_<g>``, ``copy_bandwidth_gb_per_s_<g>``, ``copy_bandwidth_share_pct_<g>``
    and ``copy_power_w_<g>``, and ``copy_saving_pct`` (H200's energy per byte below H100's);
    for the worked example ``example_flop``, ``example_params_billion`` (weights of the layers),
    ``example_energy_at_aligned_mwh`` and ``example_aligned_model_mwh``.
    """
    summary = summarize_repeats(runs)
    run_ids = {g: run_for_gpu(runs, g) for g in CHIP_FOR_GPU}
    run_id = run_ids[gpu]
    summary = summary[summary["run_id"].isin(run_ids.values())]
    formats = format_table(summary, accelerators)
    mine = formats[formats["run_id"] == run_id].set_index("format")
    theirs = formats[formats["run_id"] == run_ids[other_gpu(gpu)]].set_index("format")
    f = mine.loc[number_format]
    meta = {m["run_id"]: m for m in metadata}[run_id]
    max_clock = float(meta["gpu"]["max_sm_clock_mhz"])
    idle = summary[(summary["run_id"] == run_id) & (summary["kind"] == "idle")]
    out = {
        "throughput_tflop_per_s": float(f["throughput_tflop_per_s"]),
        "throughput_share_pct": float(f["throughput_share_pct"]),
        "peak_tflop_per_s": float(f["peak_tflop_per_s"]),
        "tflop_per_j_min": float(f["tflop_per_j_min"]),
        "tflop_per_j_max": float(f["tflop_per_j_max"]),
        "other_tflop_per_j": float(theirs.loc[number_format, "tflop_per_j"]),
        "other_share_pct": float(theirs.loc[number_format, "share_pct"]),
        "fp8_over_bf16": float(mine.loc["fp8fast", "tflop_per_j"] / mine.loc["bf16", "tflop_per_j"]),
        "fp8_datasheet_over_bf16": float(mine.loc["fp8fast", "datasheet_tflop_per_j"]
                                         / mine.loc["bf16", "datasheet_tflop_per_j"]),
        "idle_power_w": float(idle["avg_power_w"].iloc[0]),
        "power_limit_w": float(meta["gpu"]["enforced_power_limit_w"]),
        "max_sm_clock_mhz": max_clock,
        "clock_share_pct": 100.0 * float(f["sm_clock_mhz"]) / max_clock,
    }
    shapes = shape_table(summary)
    for _, r in shapes[shapes["run_id"] == run_id].iterrows():
        h = int(r["hidden_size"])
        out[f"penalty_pct_h{h}"] = float(r["penalty_pct"])
        out[f"energy_ratio_h{h}"] = float(r["energy_ratio"])
        out[f"power_w_h{h}"] = float(r["avg_power_w"])
        out[f"sm_clock_mhz_h{h}"] = float(r["sm_clock_mhz"])
    out["worst_energy_ratio"] = float(worst_shape(shapes, run_id)["energy_ratio"])
    copy = copy_table(summary, accelerators).set_index("gpu")
    for g in CHIP_FOR_GPU:
        key = g.lower()
        out[f"copy_pj_per_byte_{key}"] = float(copy.loc[g, "pj_per_byte"])
        out[f"copy_bandwidth_gb_per_s_{key}"] = float(copy.loc[g, "bandwidth_gb_per_s"])
        out[f"copy_bandwidth_share_pct_{key}"] = float(copy.loc[g, "bandwidth_share_pct"])
        out[f"copy_power_w_{key}"] = float(copy.loc[g, "avg_power_w"])
    out["copy_saving_pct"] = 100.0 * (1.0 - copy.loc["H200", "pj_per_byte"]
                                      / copy.loc["H100", "pj_per_byte"])
    ex = worked_example(shapes, run_id, hidden_size, aligned_hidden_size, training_tokens,
                        layers)
    out["example_flop"] = float(ex["flop"])
    out["example_params_billion"] = float(layers * WEIGHTS_PER_LAYER_PER_H2
                                          * hidden_size**2 / 1e9)
    out["example_energy_at_aligned_mwh"] = float(ex["energy_mwh_at_aligned_efficiency"])
    out["example_aligned_model_mwh"] = float(ex["energy_mwh_aligned"])
    return out


def run_setup_values(metadata: Sequence[Mapping], run_id: str) -> dict[str, float]:
    """Figures of how run ``run_id`` was made, for the prose, from its metadata file: the
    square GEMM's size (``gemm_size``, its m = n = k), the tokens of the model-shape GEMMs
    (``shape_tokens``) and how many hidden sizes were measured (``n_hidden_sizes``), the
    size of the copied buffer (``copy_gib``: half the bytes moved per iteration, which count
    bytes read plus bytes written), and the harness settings ``window_s`` (minimum length of
    a measured window), ``sample_ms`` (sampling period) and ``repeats`` (windows per
    configuration). Raises KeyError when the run's configurations disagree (e.g. two sizes
    of the square GEMM)."""
    meta = {m["run_id"]: m for m in metadata}[run_id]
    configs = meta["configs"]

    def one(kind: str, key) -> float:
        vals = {key(c) for c in configs if c["kind"] == kind}
        if len(vals) != 1:
            raise KeyError(f"run {run_id}: {kind} configurations give {sorted(vals)}")
        return float(vals.pop())

    settings = meta["settings"]
    return {
        "gemm_size": one("number_format", lambda c: (c["m"] if c["m"] == c["n"] == c["k"]
                                                     else math.nan)),
        "shape_tokens": one("model_shape", lambda c: c["tokens"]),
        "n_hidden_sizes": float(len({c["hidden_size"] for c in configs
                                     if c["kind"] == "model_shape"})),
        "copy_gib": one("memory", lambda c: c["bytes_per_iteration"] / 2
                        * units.factor("B", "GiB")),
        "window_s": float(settings["window_s"]),
        "sample_ms": float(settings["sample_period_s"]) * units.factor("s", "ms"),
        "repeats": float(settings["repeats"]),
    }


def example_problems(hidden_size: int, aligned_hidden_size: int,
                     measured_sizes: Iterable[int], multiple: int = ALIGN_MULTIPLE
                     ) -> list[str]:
    """Constraints of the worked example, one message per problem: ``hidden_size`` must be
    a misaligned size (not a multiple of ``multiple``), priced against an aligned one; an
    aligned size against another shows a 'penalty' of about zero or below, which the prose
    would misread as an extra cost."""
    problems = []
    misaligned = [h for h in measured_sizes if h % multiple]
    if hidden_size % multiple == 0:
        problems.append(
            f"hidden_size {hidden_size} is itself a multiple of {multiple}, so the worked "
            f"example would price one aligned size against another (aligned_hidden_size "
            f"{aligned_hidden_size}): choose a misaligned hidden_size, one of "
            f"{', '.join(map(str, misaligned))}")
    if aligned_hidden_size % multiple:
        problems.append(f"aligned_hidden_size {aligned_hidden_size} is not a multiple of "
                        f"{multiple}")
    return problems

