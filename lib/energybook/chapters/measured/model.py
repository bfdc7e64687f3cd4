"""The book's own GPU energy measurements, read for the measured chapter.

Pure functions over the ``gpu_runs`` table (one row per measured window, written by the
harness ``energybook.measure``), the ``accelerators`` table (datasheet peaks) and the runs'
metadata (plain dicts, as the harness writes them): numbers in, numbers out.

Only rows of full runs whose status is ``ok`` are used; the repeats of each configuration are
averaged, and their minimum and maximum are kept as the spread.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from energybook import gpu_energy as ge
from energybook import units

#: The datasheet row (``accelerators.chip``) of each measured GPU: both cards ran at a 700 W
#: limit, the SXM parts' board power (the PCIe H100 is a 350 W card).
CHIP_FOR_GPU = {"H100": "H100 SXM", "H200": "H200 SXM"}

#: Number formats of the square GEMM, in book order, with the datasheet column of each
#: format's dense peak.
FORMAT_COLUMNS = {
    "fp32": "fp32_tflops",
    "tf32": "tf32_tflops",
    "bf16": "bf16_tflops",
    "fp16": "fp16_tflops",
    "fp8": "fp8_tflops",
    "fp8fast": "fp8_tflops",
}

#: Weights of a standard transformer layer over h**2 (QKV and output 4h^2, 4h-wide MLP 8h^2).
WEIGHTS_PER_LAYER_PER_H2 = 12

_AVERAGED = ("tflop_per_j", "pj_per_flop", "throughput_tflop_per_s", "avg_power_w",
             "pj_per_byte", "bandwidth_gb_per_s", "sm_clock_mhz", "temperature_c")
_FIRST = ("kind", "dtype", "m", "n", "k", "hidden_size", "tokens", "gpu_name",
          "driver_version", "power_limit_w")


# --- selecting and averaging ----------------------------------------------------------------


def usable_rows(runs: pd.DataFrame) -> pd.DataFrame:
    """Rows of full runs that passed the harness's checks (``mode == 'full'``,
    ``status == 'ok'``)."""
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
        raise ValueError(f"no usable full run on {gpu} in gpu_runs")
    latest = ok.groupby("run_id")["timestamp_utc"].min().sort_values()
    return str(latest.index[-1])


def latest_runs(runs: pd.DataFrame) -> dict[str, str]:
    """GPU -> the run id of its latest usable full run, for every GPU the chapter knows."""
    return {g: run_for_gpu(runs, g) for g in CHIP_FOR_GPU}


def other_gpu(gpu: str) -> str:
    """The other measured GPU ('H100' <-> 'H200')."""
    others = [g for g in CHIP_FOR_GPU if g != gpu]
    if gpu not in CHIP_FOR_GPU or len(others) != 1:
        raise ValueError(f"unknown GPU {gpu!r}")
    return others[0]


def _or_masks(values: Iterable) -> int:
    mask = 0
    for v in values:
        if isinstance(v, str) and v:
            mask |= int(v, 16)
    return mask


def summarize_repeats(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (run, configuration): the mean of each measured quantity over the usable
    repeats, with ``<quantity>_min`` and ``<quantity>_max``; ``repeats`` counts them;
    ``clock_event_mask`` is the OR of their clock-event reason bits; ``gpu`` is the short GPU
    label."""
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
        row["clock_event_mask"] = _or_masks(g["clock_event_reasons"])
        row["power_capped"] = bool(row["clock_event_mask"] & ge.SW_POWER_CAP)
        row["gpu"] = gpu_label(row["gpu_name"])
        out.append(row)
    return pd.DataFrame(out)


def format_key(config: str) -> str | None:
    """``'square-bf16-8192'`` -> ``'bf16'``; None for a configuration that is not one."""
    parts = str(config).split("-")
    if len(parts) == 3 and parts[0] == "square" and parts[1] in FORMAT_COLUMNS:
        return parts[1]
    return None


def datasheet_row(accelerators: pd.DataFrame, gpu: str) -> pd.Series:
    """The accelerators row of the chip matching ``gpu``."""
    hit = accelerators[accelerators["chip"] == CHIP_FOR_GPU[gpu]]
    if len(hit) != 1:
        raise ValueError(f"no single datasheet row for {CHIP_FOR_GPU[gpu]!r}")
    return hit.iloc[0]


# --- tables for the chapter -----------------------------------------------------------------


def format_table(summary: pd.DataFrame, accelerators: pd.DataFrame) -> pd.DataFrame:
    """Delivered TFLOP/J of each number format against the datasheet's peak per board watt,
    for every run in ``summary``: one row per (run, format), in book order."""
    rows = []
    for _, r in summary.iterrows():
        key = format_key(r["config"])
        if key is None:
            continue
        sheet = datasheet_row(accelerators, r["gpu"])
        peak, board = float(sheet[FORMAT_COLUMNS[key]]), float(sheet["board_power_w"])
        rows.append({
            "run_id": r["run_id"], "gpu": r["gpu"], "chip": sheet["chip"], "format": key,
            "order": list(FORMAT_COLUMNS).index(key),
            "tflop_per_j": r["tflop_per_j"], "tflop_per_j_min": r["tflop_per_j_min"],
            "tflop_per_j_max": r["tflop_per_j_max"],
            "throughput_tflop_per_s": r["throughput_tflop_per_s"],
            "avg_power_w": r["avg_power_w"], "sm_clock_mhz": r["sm_clock_mhz"],
            "clock_event_mask": r["clock_event_mask"], "repeats": r["repeats"],
            "peak_tflop_per_s": peak, "board_power_w": board,
            "datasheet_tflop_per_j": ge.datasheet_tflop_per_j(peak, board),
            "share_pct": 100.0 * ge.datasheet_share(r["tflop_per_j"], peak, board),
            "throughput_share_pct": 100.0 * r["throughput_tflop_per_s"] / peak,
        })
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows).sort_values(["gpu", "order"], ignore_index=True)


def shape_table(summary: pd.DataFrame, multiple: int = ge.ALIGN_MULTIPLE) -> pd.DataFrame:
    """Energy per FLOP of each measured hidden size, and its penalty against its aligned
    neighbour (the nearest measured multiple of ``multiple`` in the same run).

    ``penalty_pct`` is the mean's penalty; ``penalty_pct_low`` / ``_high`` the range spanned by
    the repeats (best window of the shape against the aligned neighbour's worst, and the
    reverse).
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
                "clock_event_mask": r["clock_event_mask"],
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
        raise ValueError(f"run {run_id} has no misaligned shape")
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
    the software power cap held the clocks down in any window."""
    rows = []
    for _, r in summary.iterrows():
        sheet = datasheet_row(accelerators, r["gpu"])
        rows.append({
            "run_id": r["run_id"], "gpu": r["gpu"], "config": r["config"], "kind": r["kind"],
            "format": format_key(r["config"]),
            "hidden_size": r["hidden_size"], "avg_power_w": r["avg_power_w"],
            "avg_power_w_min": r["avg_power_w_min"], "avg_power_w_max": r["avg_power_w_max"],
            "sm_clock_mhz": r["sm_clock_mhz"], "power_limit_w": float(r["power_limit_w"]),
            "board_power_w": float(sheet["board_power_w"]),
            "power_capped": bool(r["power_capped"]),
            "clock_event_mask": r["clock_event_mask"],
        })
    return pd.DataFrame(rows)


def worked_example(shapes: pd.DataFrame, run_id: str, hidden_size: int,
                   aligned_hidden_size: int, training_tokens: float, layers: int) -> dict:
    """What the measured penalty of ``hidden_size`` means for training ``layers`` transformer
    layers on ``training_tokens`` tokens: :func:`energybook.gpu_energy.misalignment_worked_example`
    priced at the run's measured TFLOP/J, with energies also in MWh and the weights of the
    layers (``params_billion``)."""
    g = shapes[shapes["run_id"] == run_id].set_index("hidden_size")
    for h in (hidden_size, aligned_hidden_size):
        if h not in g.index:
            raise ValueError(f"hidden size {h} was not measured in run {run_id}")
    ex = ge.misalignment_worked_example(
        tokens=training_tokens, hidden_size=hidden_size, aligned_hidden_size=aligned_hidden_size,
        tflop_per_j_shape=float(g.loc[hidden_size, "tflop_per_j"]),
        tflop_per_j_aligned=float(g.loc[aligned_hidden_size, "tflop_per_j"]), layers=layers)
    to_mwh = units.factor("J", "MWh")
    for key in ("energy_j", "energy_j_at_aligned_efficiency", "extra_energy_j",
                "energy_j_aligned"):
        ex[key.replace("energy_j", "energy_mwh")] = ex[key] * to_mwh
    ex["params_billion"] = float(layers * WEIGHTS_PER_LAYER_PER_H2 * hidden_size**2 / 1e9)
    return ex


def run_setup_values(metadata: Sequence[Mapping], run_id: str) -> dict[str, float]:
    """Figures of how run ``run_id`` was made, from its metadata: the square GEMM's size
    (``gemm_size``, its m = n = k), the tokens of the model-shape GEMMs (``shape_tokens``) and
    how many hidden sizes were measured (``n_hidden_sizes``), the size of the copied buffer
    (``copy_gib``: half the bytes moved per iteration, which count bytes read plus bytes
    written), and the harness settings ``window_s`` (minimum length of a measured window),
    ``sample_ms`` (sampling period) and ``repeats`` (windows per configuration). Raises
    ValueError when the run's configurations disagree (e.g. two sizes of the square GEMM)."""
    meta = {m["run_id"]: m for m in metadata}[run_id]
    configs = meta["configs"]

    def one(kind: str, key) -> float:
        vals = {key(c) for c in configs if c["kind"] == kind}
        if len(vals) != 1:
            raise ValueError(f"run {run_id}: {kind} configurations give {sorted(vals)}")
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


def require_measured(runs: pd.DataFrame, gpu: str, number_format: str, hidden_size: int,
                     aligned_hidden_size: int) -> None:
    """Raise ValueError, naming the parameter and what is allowed, unless the latest full run
    on ``gpu`` measured the square GEMM in ``number_format`` and both hidden sizes (a new run
    may measure fewer configurations than the committed ones)."""
    run_id = run_for_gpu(runs, gpu)
    ok = usable_rows(runs)
    mine = ok[ok["run_id"] == run_id]
    formats = sorted({k for k in map(format_key, mine["config"]) if k is not None})
    sizes = sorted({int(h) for h in mine.loc[mine["kind"] == "model_shape", "hidden_size"]})
    problems = []
    if number_format not in formats:
        problems.append(f"number_format {number_format} was not measured in run {run_id} "
                        f"(gpu {gpu}); allowed: {', '.join(formats)}")
    for name, h in (("hidden_size", hidden_size), ("aligned_hidden_size", aligned_hidden_size)):
        if h not in sizes:
            problems.append(f"{name} {h} was not measured in run {run_id} (gpu {gpu}); "
                            f"allowed: {', '.join(map(str, sizes))}")
    if problems:
        raise ValueError("; ".join(problems))
