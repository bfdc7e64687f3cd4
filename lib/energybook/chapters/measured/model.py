"""The book's own GPU energy measurements, read for the measured chapter.

Pure functions over the ``gpu_runs`` table (one row per measured window, written by the
harness ``energybook.measure``), the ``accelerators`` table (datasheet peaks) and the runs'
metadata (plain dicts, as the harness writes them): numbers in, numbers out.

Only rows of full runs whose status is ``ok`` are used. Each window's power is first put on
a whole number of the energy counter's updates (:func:`window_table`): the committed runs read
the counter at the window's ends, so each holds 25 or 26 updates of ~100 ms for a ~2.5 s
window, and its power as read is off by up to 4%. The repeats of each configuration are then
averaged (:func:`summarize_repeats`), with the envelope of the windows' bounds as the interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
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

#: ``energy_method`` of windows measured between two counter updates (no correction needed).
ALIGNED_METHOD = "nvml_energy_counter_aligned"
#: ``energy_method`` of windows read at their ends (the November 2026 runs).
UNALIGNED_METHOD = "nvml_energy_counter"

#: Quantities averaged over a configuration's windows (mean, min, max), and those with a
#: lower and upper bound (``_low``/``_high``: the envelope of the windows' bounds).
_AVERAGED = (
    "tflop_per_j",
    "pj_per_flop",
    "throughput_tflop_per_s",
    "power_w",
    "power_w_read",
    "tflop_per_j_read",
    "tflop_per_j_sampled",
    "power_w_sampled",
    "pj_per_byte",
    "bandwidth_gb_per_s",
    "sm_clock_mhz",
    "temperature_c",
)
_BOUNDED = ("tflop_per_j", "pj_per_flop", "power_w", "pj_per_byte")
_FIRST = (
    "kind",
    "dtype",
    "m",
    "n",
    "k",
    "hidden_size",
    "tokens",
    "gpu_name",
    "driver_version",
    "power_limit_w",
)


# --- selecting --------------------------------------------------------------------------------


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


def _mask(value) -> int:
    return int(value, 16) if isinstance(value, str) and value else 0


# --- windows: power on whole counter updates --------------------------------------------------


def window_details(metadata: Sequence[Mapping]) -> pd.DataFrame:
    """The per-window details the harness writes to each run's metadata (``windows``: the
    counter updates, their mean period ``update_period_s``, ``timing_error_s`` and the counter
    span ``counter_span_s`` of a window measured between updates), one row per (run, config,
    repeat); empty for runs that have none (the November 2026 runs)."""
    rows = [{"run_id": m["run_id"], **w} for m in metadata for w in m.get("windows", [])]
    cols = [
        "run_id",
        "config",
        "repeat",
        "counter_updates",
        "update_period_s",
        "timing_error_s",
        "counter_span_s",
    ]
    out = pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)
    return out[cols]


def window_table(
    runs: pd.DataFrame,
    *,
    count_updates: bool = True,
    update_s: float = ge.COUNTER_UPDATE_S,
    capped_factor: float = ge.CAPPED_POWER_FACTOR,
    details: pd.DataFrame | None = None,
    period_tolerance: float = ge.REFERENCE_SIGMA,
    reference_sigma: float = ge.REFERENCE_SIGMA,
    read_slack_s: float = ge.READ_SLACK_S,
) -> pd.DataFrame:
    """Every usable window with its power put on whole counter updates, and what follows.

    For a window read at its ends (``energy_method`` ``nvml_energy_counter``), with
    ``count_updates``: :func:`energybook.gpu_energy.tick_count` weighs the prior of the
    window's phase against the window's sampled power and, where the most probable number of
    updates has a posterior of at least 0.95 (``resolved``), the power is the energy over that
    many updates of ``update_s``, with bounds of ``period_tolerance`` either way (the step's
    length is assumed to within that; the committed runs cannot check it without the
    samples). Otherwise the power is kept as read, with its one-update bounds
    (:func:`energybook.gpu_energy.one_update_bounds`). A window measured between updates
    (``nvml_energy_counter_aligned``) is taken as read, with bounds of its power times
    ``1 -/+ timing_error_s / counter_span_s`` from ``details`` (:func:`window_details`), or
    one update over its duration where the details are missing; a power-sample window with
    bounds of ``period_tolerance``. Without ``count_updates`` every window read at its ends
    is taken as read with its one-update bounds.

    Adds ``power_w_read``, ``power_w`` (the power used), ``power_w_low``/``_high``,
    ``power_w_sampled``, ``counter_updates``, ``posterior``, ``prior_pick`` (the prior of the
    chosen count), ``prior_extra`` (prior probability of one update more than
    ``floor(d / update_s)``), ``extra_step`` (the chosen count is that one more),
    ``resolved``, ``corrected``, ``update_period_s`` (measured, from ``details``); ``capped``
    (the software power cap's bit was set), ``above_limit_read`` and ``over_cap_read`` /
    ``over_cap`` (capped and above the limit, or above ``capped_factor`` times it, as read /
    as used); and, from the power used, ``tflop_per_j``, ``tflop_per_j_read``,
    ``tflop_per_j_sampled``, ``pj_per_flop``, ``pj_per_byte`` with their ``_low``/``_high``
    bounds. ``reference_sigma`` and ``read_slack_s`` are passed to ``tick_count``.
    """
    w = usable_rows(runs).copy()
    read = w["avg_power_w"].astype(float).to_numpy()
    energy = w["energy_j"].astype(float).to_numpy()
    dur = w["duration_s"].astype(float).to_numpy()
    sampled = pd.to_numeric(w["sampled_power_w"], errors="coerce").to_numpy(dtype=float)
    method = w["energy_method"].to_numpy()
    n = len(w)
    timing, period = np.full(n, np.nan), np.full(n, np.nan)
    if details is not None and len(details) and n:
        d = details.set_index(["run_id", "config", "repeat"])
        for i, key in enumerate(
            zip(w["run_id"], w["config"], w["repeat"].astype(int), strict=True)
        ):
            if key in d.index:
                row = d.loc[key]
                span = float(row["counter_span_s"] or np.nan)
                timing[i] = float(row["timing_error_s"] or np.nan) / span
                period[i] = float(row["update_period_s"] or np.nan)
    power, updates = read.copy(), np.full(n, np.nan)
    resolved, extra = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    post, prior_pick, prior_extra = (np.full(n, np.nan) for _ in range(3))
    lo, hi = read * (1 - period_tolerance), read * (1 + period_tolerance)
    for i in range(n):
        if method[i] == ALIGNED_METHOD:
            rel = timing[i] if np.isfinite(timing[i]) else update_s / dur[i]
            lo[i], hi[i] = read[i] * (1 - rel), read[i] * (1 + rel)
            continue
        if method[i] != UNALIGNED_METHOD:
            continue
        lo[i], hi[i] = ge.one_update_bounds(energy[i], dur[i], update_s)
        if not count_updates or not np.isfinite(sampled[i]) or sampled[i] <= 0:
            continue
        t = ge.tick_count(
            energy[i],
            dur[i],
            sampled[i],
            update_s,
            reference_sigma=reference_sigma,
            read_slack_s=read_slack_s,
        )
        updates[i], post[i] = t["updates"], t["posterior"]
        prior_pick[i], prior_extra[i] = t["prior"], t["prior_extra"]
        extra[i] = t["updates"] > max(1, math.floor(dur[i] / update_s))
        if t["resolved"]:
            resolved[i] = True
            power[i] = t["power_w"]
            lo[i], hi[i] = power[i] * (1 - period_tolerance), power[i] * (1 + period_tolerance)
    w["power_w_read"], w["power_w"], w["power_w_sampled"] = read, power, sampled
    w["power_w_low"], w["power_w_high"] = lo, hi
    w["counter_updates"], w["update_period_s"] = updates, period
    w["posterior"], w["prior_pick"], w["prior_extra"] = post, prior_pick, prior_extra
    w["extra_step"] = extra
    w["resolved"], w["corrected"] = resolved, resolved & (power != read)
    limit = w["power_limit_w"].astype(float).to_numpy()
    capped = np.array(
        [bool(_mask(v) & ge.SW_POWER_CAP) for v in w["clock_event_reasons"]], dtype=bool
    )
    w["capped"] = capped
    w["above_limit_read"] = capped & (read > limit)
    w["over_cap_read"] = capped & (read > capped_factor * limit)
    w["over_cap"] = capped & (power > capped_factor * limit)
    thr = pd.to_numeric(w["throughput_tflop_per_s"], errors="coerce").to_numpy(dtype=float)
    bw = pd.to_numeric(w["bandwidth_gb_per_s"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        w["tflop_per_j"] = thr / power
        w["tflop_per_j_read"] = thr / read
        w["tflop_per_j_sampled"] = thr / sampled
        w["tflop_per_j_low"], w["tflop_per_j_high"] = thr / hi, thr / lo
        w["pj_per_flop"] = power / thr
        w["pj_per_flop_low"], w["pj_per_flop_high"] = lo / thr, hi / thr
        # W / (GB/s) = nJ/B: x 1000 for pJ/B
        w["pj_per_byte"] = 1e3 * power / bw
        w["pj_per_byte_low"], w["pj_per_byte_high"] = 1e3 * lo / bw, 1e3 * hi / bw
    return w


def latest_windows(
    runs: pd.DataFrame, *, count_updates: bool = True, details: pd.DataFrame | None = None
) -> pd.DataFrame:
    """:func:`window_table` of the latest usable full run of every GPU the chapter knows
    (:func:`latest_runs`): the windows this chapter reads, and the only way another chapter
    should read the runs, so that the two cannot correct them differently."""
    ids = set(latest_runs(runs).values())
    return window_table(
        runs[runs["run_id"].isin(ids)], count_updates=count_updates, details=details
    )


def corrected_summary(
    runs: pd.DataFrame, *, count_updates: bool = True, details: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The corrected table of the latest runs: :func:`summarize_repeats` of
    :func:`latest_windows`, one row per (run, configuration)."""
    return summarize_repeats(latest_windows(runs, count_updates=count_updates, details=details))


def update_period_summary(windows: pd.DataFrame) -> dict[str, float]:
    """What windows measured between counter updates say one update lasted (s): ``median``,
    ``p05`` and ``p95`` of their measured ``update_period_s``, and how many (``windows``).
    Windows read at their ends do not measure it (their step count was chosen with the
    sampled power), so runs without measured windows give NaN and 0."""
    t = pd.to_numeric(windows["update_period_s"], errors="coerce").dropna().to_numpy(float)
    if len(t) == 0:
        nan = float("nan")
        return {"median": nan, "p05": nan, "p95": nan, "windows": 0.0}
    p05, p50, p95 = np.percentile(t, [5, 50, 95])
    return {"median": float(p50), "p05": float(p05), "p95": float(p95), "windows": float(len(t))}


def correction_checks(windows: pd.DataFrame, low_prior: float = 0.01) -> dict[str, float]:
    """Checks of the step-count correction that do not use the sampled power's agreement with
    the corrected power, over windows read at their ends with a step count chosen:
    ``extra_steps`` (windows given one update more than ``floor(d / T)``) against
    ``extra_steps_expected`` (the sum of its prior probabilities: the two should be close if
    the counter's phase is unrelated to the windows, within a few ``extra_steps_sd``, the
    standard deviation of that count; a reference biased low or high on every window would
    push the chosen counts up or down together); ``low_prior`` (chosen counts whose prior
    probability is below ``low_prior``); ``expected_wrong`` (the sum of one minus the
    posterior over corrected windows: how many of them the posterior itself expects to be
    wrong); and the median relative difference between the repeats of a configuration as
    read (``repeat_diff_read_pct``) and as used (``repeat_diff_pct``)."""
    u = windows[windows["energy_method"] == UNALIGNED_METHOD]
    chosen = u[u["counter_updates"].notna()]
    res = u[u["resolved"]]

    def repeat_diff(col: str) -> float:
        g = u.groupby(["run_id", "config"])[col]
        d = (g.max() - g.min()) / g.mean()
        d = d[g.size() > 1]
        return 100.0 * float(d.median()) if len(d) else float("nan")

    return {
        "extra_steps": float(chosen["extra_step"].sum()),
        "extra_steps_expected": float(chosen["prior_extra"].sum()),
        "extra_steps_sd": float(
            np.sqrt((chosen["prior_extra"] * (1 - chosen["prior_extra"])).sum())
        ),
        "low_prior": float((chosen["prior_pick"] < low_prior).sum()),
        "low_prior_resolved": float((res["prior_pick"] < low_prior).sum()),
        "expected_wrong": float((1.0 - res["posterior"]).sum()),
        "chosen": float(len(chosen)),
        "repeat_diff_read_pct": repeat_diff("power_w_read"),
        "repeat_diff_pct": repeat_diff("power_w"),
    }


def summarize_repeats(windows: pd.DataFrame) -> pd.DataFrame:
    """One row per (run, configuration) of :func:`window_table`'s windows: the mean of each
    quantity over the repeats, with ``<quantity>_min`` and ``_max``, and for the bounded ones
    ``<quantity>_low`` / ``_high``, the lowest and highest bound of any window; ``repeats``
    counts the windows, ``resolved`` is true when every one was resolved;
    ``clock_event_mask`` is the OR of their clock-event reason bits, ``power_capped`` whether
    the software power cap's bit is among them; ``gpu`` is the short GPU label."""
    if windows.empty:
        return pd.DataFrame()
    keys = ["run_id", "config"]
    g = windows.groupby(keys, sort=True)
    cols = list(_AVERAGED)
    num = windows[keys + cols].copy()
    for c in cols:
        num[c] = pd.to_numeric(num[c], errors="coerce")
    gn = num.groupby(keys, sort=True)
    out = gn.mean()
    out = out.join(gn.min().add_suffix("_min")).join(gn.max().add_suffix("_max"))
    for c in _BOUNDED:
        out[f"{c}_low"] = g[f"{c}_low"].min()
        out[f"{c}_high"] = g[f"{c}_high"].max()
    first = g[list(_FIRST)].first()
    out = out.join(first)
    out["repeats"] = g.size()
    out["resolved"] = g["resolved"].all()
    out["clock_event_mask"] = g["clock_event_reasons"].agg(
        lambda v: int(np.bitwise_or.reduce([_mask(x) for x in v] or [0]))
    )
    out = out.reset_index()
    out["power_capped"] = (out["clock_event_mask"] & ge.SW_POWER_CAP) > 0
    out["gpu"] = out["gpu_name"].map(gpu_label)
    out["avg_power_w"] = out["power_w"]
    return out


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


def _sheets(summary: pd.DataFrame, accelerators: pd.DataFrame) -> dict[str, dict]:
    return {g: datasheet_row(accelerators, g).to_dict() for g in set(summary["gpu"])}


# --- tables for the chapter -----------------------------------------------------------------


def format_table(summary: pd.DataFrame, accelerators: pd.DataFrame) -> pd.DataFrame:
    """Delivered TFLOP/J of each number format against the datasheet's peak per board watt,
    for every run in ``summary``: one row per (run, format), in book order, with the
    interval (``tflop_per_j_low``/``_high``) and the value as read (``tflop_per_j_read``)."""
    sheets = _sheets(summary, accelerators)
    rows = []
    for _, r in summary.iterrows():
        key = format_key(r["config"])
        if key is None:
            continue
        sheet = sheets[r["gpu"]]
        peak, board = float(sheet[FORMAT_COLUMNS[key]]), float(sheet["board_power_w"])
        share = 100.0 * ge.datasheet_share(1.0, peak, board)
        rows.append(
            {
                "run_id": r["run_id"],
                "gpu": r["gpu"],
                "chip": sheet["chip"],
                "format": key,
                "order": list(FORMAT_COLUMNS).index(key),
                "tflop_per_j": r["tflop_per_j"],
                "tflop_per_j_low": r["tflop_per_j_low"],
                "tflop_per_j_high": r["tflop_per_j_high"],
                "tflop_per_j_min": r["tflop_per_j_min"],
                "tflop_per_j_max": r["tflop_per_j_max"],
                "tflop_per_j_read": r["tflop_per_j_read"],
                "tflop_per_j_sampled": r["tflop_per_j_sampled"],
                "throughput_tflop_per_s": r["throughput_tflop_per_s"],
                "avg_power_w": r["power_w"],
                "power_w_read": r["power_w_read"],
                "sm_clock_mhz": r["sm_clock_mhz"],
                "temperature_c": r["temperature_c"],
                "clock_event_mask": r["clock_event_mask"],
                "repeats": r["repeats"],
                "resolved": r["resolved"],
                "peak_tflop_per_s": peak,
                "board_power_w": board,
                "datasheet_tflop_per_j": ge.datasheet_tflop_per_j(peak, board),
                "share_pct": share * r["tflop_per_j"],
                "share_pct_low": share * r["tflop_per_j_low"],
                "share_pct_high": share * r["tflop_per_j_high"],
                "throughput_share_pct": 100.0 * r["throughput_tflop_per_s"] / peak,
            }
        )
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows).sort_values(["gpu", "order"], ignore_index=True)


def shape_table(
    summary: pd.DataFrame,
    vector_peaks: pd.DataFrame | None = None,
    multiple: int = ge.ALIGN_MULTIPLE,
) -> pd.DataFrame:
    """Energy per FLOP of each measured hidden size, and its penalty against its aligned
    neighbour (the nearest measured multiple of ``multiple`` in the same run).

    ``penalty_pct`` is the means' penalty; ``penalty_pct_low`` / ``_high`` its interval (the
    shape's highest efficiency bound against the neighbour's lowest, and the reverse).
    ``slowdown`` is the neighbour's throughput over the shape's, ``clock_slowdown`` the same
    per SM clock cycle (the neighbour may run at a lower, power-capped clock);
    ``row_alignment_bytes`` the
    alignment of the shape's BF16 rows (capped at 16). With ``vector_peaks`` (the chips' peak
    BF16 without tensor cores), ``vector_peak_tflop_per_s`` and ``above_vector_peak`` (the
    shape delivered more than the vector units can).
    """
    shapes = summary[summary["kind"] == "model_shape"]
    peaks = (
        {}
        if vector_peaks is None
        else dict(
            zip(vector_peaks["chip"], vector_peaks["bf16_vector_tflops"].astype(float), strict=True)
        )
    )
    rows = []
    for run_id, g in shapes.groupby("run_id", sort=True):
        sizes = [int(h) for h in g["hidden_size"]]
        by_h = {int(r["hidden_size"]): r for _, r in g.iterrows()}
        for h in sorted(sizes):
            r = by_h[h]
            nb = ge.aligned_neighbour(h, sizes, multiple)
            a = by_h[nb]
            peak = peaks.get(CHIP_FOR_GPU[r["gpu"]], float("nan"))
            rows.append(
                {
                    "run_id": run_id,
                    "gpu": r["gpu"],
                    "hidden_size": h,
                    "power_of_two_factor": ge.power_of_two_factor(h),
                    "row_alignment_bytes": ge.row_alignment_bytes(h),
                    "aligned": h % multiple == 0,
                    "aligned_neighbour": nb,
                    "tokens": int(r["tokens"]),
                    "tflop_per_j": r["tflop_per_j"],
                    "pj_per_flop": r["pj_per_flop"],
                    "pj_per_flop_low": r["pj_per_flop_low"],
                    "pj_per_flop_high": r["pj_per_flop_high"],
                    "throughput_tflop_per_s": r["throughput_tflop_per_s"],
                    "avg_power_w": r["power_w"],
                    "sm_clock_mhz": r["sm_clock_mhz"],
                    "clock_event_mask": r["clock_event_mask"],
                    "power_capped": r["power_capped"],
                    "penalty_pct": 100.0
                    * ge.misalignment_penalty(r["tflop_per_j"], a["tflop_per_j"]),
                    "penalty_pct_low": 100.0
                    * ge.misalignment_penalty(r["tflop_per_j_high"], a["tflop_per_j_low"]),
                    "penalty_pct_high": 100.0
                    * ge.misalignment_penalty(r["tflop_per_j_low"], a["tflop_per_j_high"]),
                    "energy_ratio": a["tflop_per_j"] / r["tflop_per_j"],
                    "slowdown": a["throughput_tflop_per_s"] / r["throughput_tflop_per_s"],
                    "clock_slowdown": (a["throughput_tflop_per_s"] / a["sm_clock_mhz"])
                    / (r["throughput_tflop_per_s"] / r["sm_clock_mhz"]),
                    "vector_peak_tflop_per_s": peak,
                    "above_vector_peak": bool(r["throughput_tflop_per_s"] > peak),
                }
            )
    return pd.DataFrame(rows)


def worst_shape(shapes: pd.DataFrame, run_id: str) -> pd.Series:
    """The misaligned shape of ``run_id`` with the largest penalty."""
    mis = shapes[(shapes["run_id"] == run_id) & ~shapes["aligned"]]
    if mis.empty:
        raise ValueError(f"run {run_id} has no misaligned shape")
    return mis.loc[mis["penalty_pct"].idxmax()]


def idle_power(summary: pd.DataFrame, run_id: str) -> dict[str, float]:
    """The idle board power of a run: ``cold_w`` (config ``idle``, measured first),
    ``warm_w`` (``idle-warm``, measured last; NaN when the run has none), and ``baseline_w``
    with its bounds ``baseline_w_low``/``_high``: the warm figure where there is one, else
    the cold one, and ``baseline_is_warm``."""
    mine = summary[(summary["run_id"] == run_id) & (summary["kind"] == "idle")]
    by = mine.set_index("config")
    if "idle" not in by.index:
        raise ValueError(f"run {run_id} has no idle measurement")
    warm = "idle-warm" in by.index
    base = by.loc["idle-warm" if warm else "idle"]
    return {
        "cold_w": float(by.loc["idle", "power_w"]),
        "warm_w": float(by.loc["idle-warm", "power_w"]) if warm else float("nan"),
        "baseline_w": float(base["power_w"]),
        "baseline_w_low": float(base["power_w_low"]),
        "baseline_w_high": float(base["power_w_high"]),
        "baseline_is_warm": float(warm),
    }


def copy_table(summary: pd.DataFrame, accelerators: pd.DataFrame) -> pd.DataFrame:
    """Energy per byte and bandwidth of the memory-bound copy, per run, with the datasheet
    bandwidth of the chip: ``pj_per_byte`` is the whole board's; ``incremental_pj_per_byte``
    the board's power above its idle baseline (:func:`idle_power`) over the bandwidth, the
    energy the copy added to a card that would otherwise have stood idle. Both with bounds."""
    mem = summary[summary["kind"] == "memory"]
    sheets = _sheets(summary, accelerators)
    rows = []
    for _, r in mem.iterrows():
        sheet = sheets[r["gpu"]]
        bw_sheet = float(sheet["memory_bw_tbps"]) * units.factor("TB/s", "GB/s")
        idle = idle_power(summary, r["run_id"])
        bw = float(r["bandwidth_gb_per_s"])
        rows.append(
            {
                "run_id": r["run_id"],
                "gpu": r["gpu"],
                "config": r["config"],
                "pj_per_byte": r["pj_per_byte"],
                "pj_per_byte_low": r["pj_per_byte_low"],
                "pj_per_byte_high": r["pj_per_byte_high"],
                "idle_power_w": idle["baseline_w"],
                "idle_is_warm": bool(idle["baseline_is_warm"]),
                "incremental_pj_per_byte": 1e3 * (r["power_w"] - idle["baseline_w"]) / bw,
                "incremental_pj_per_byte_low": 1e3
                * (r["power_w_low"] - idle["baseline_w_high"])
                / bw,
                "incremental_pj_per_byte_high": 1e3
                * (r["power_w_high"] - idle["baseline_w_low"])
                / bw,
                "bandwidth_gb_per_s": bw,
                "datasheet_bandwidth_gb_per_s": bw_sheet,
                "bandwidth_share_pct": 100.0 * bw / bw_sheet,
                "avg_power_w": r["power_w"],
                "sm_clock_mhz": r["sm_clock_mhz"],
            }
        )
    return pd.DataFrame(rows).sort_values("gpu", ignore_index=True)


def power_table(summary: pd.DataFrame, accelerators: pd.DataFrame) -> pd.DataFrame:
    """Average watts and SM clock of every configuration, with the board power and whether
    the software power cap held the clocks down in any window."""
    sheets = _sheets(summary, accelerators)
    rows = []
    for _, r in summary.iterrows():
        sheet = sheets[r["gpu"]]
        rows.append(
            {
                "run_id": r["run_id"],
                "gpu": r["gpu"],
                "config": r["config"],
                "kind": r["kind"],
                "format": format_key(r["config"]),
                "hidden_size": r["hidden_size"],
                "avg_power_w": r["power_w"],
                "avg_power_w_low": r["power_w_low"],
                "avg_power_w_high": r["power_w_high"],
                "power_w_read": r["power_w_read"],
                "sm_clock_mhz": r["sm_clock_mhz"],
                "temperature_c": r["temperature_c"],
                "power_limit_w": float(r["power_limit_w"]),
                "board_power_w": float(sheet["board_power_w"]),
                "power_capped": bool(r["power_capped"]),
                "clock_event_mask": r["clock_event_mask"],
            }
        )
    return pd.DataFrame(rows)


def cap_counts(windows: pd.DataFrame) -> dict[str, float]:
    """How many windows there are (``windows``), how many ran with the software power cap
    (``capped``), and of those how many read above the limit (``above_limit_read``), above
    the harness's ceiling as read (``over_cap_read``) and after the correction
    (``over_cap``); how many the correction changed (``corrected``) and could not resolve
    (``unresolved``: read at their ends, but no clear number of updates)."""
    unaligned = windows["energy_method"] == UNALIGNED_METHOD
    return {
        "windows": float(len(windows)),
        "capped": float(windows["capped"].sum()),
        "above_limit_read": float(windows["above_limit_read"].sum()),
        "over_cap_read": float(windows["over_cap_read"].sum()),
        "over_cap": float(windows["over_cap"].sum()),
        "corrected": float(windows["corrected"].sum()),
        "unresolved": float((unaligned & ~windows["resolved"]).sum()),
    }


def worked_example(
    shapes: pd.DataFrame,
    run_id: str,
    hidden_size: int,
    aligned_hidden_size: int,
    training_tokens: float,
    layers: int,
) -> dict:
    """What the measured penalty of ``hidden_size`` means for training ``layers`` transformer
    layers on ``training_tokens`` tokens: :func:`energybook.gpu_energy.misalignment_worked_example`
    priced at the run's measured TFLOP/J, with energies also in MWh and the weights of the
    layers (``params_billion``)."""
    g = shapes[shapes["run_id"] == run_id].set_index("hidden_size")
    for h in (hidden_size, aligned_hidden_size):
        if h not in g.index:
            raise ValueError(f"hidden size {h} was not measured in run {run_id}")
    ex = ge.misalignment_worked_example(
        tokens=training_tokens,
        hidden_size=hidden_size,
        aligned_hidden_size=aligned_hidden_size,
        tflop_per_j_shape=float(g.loc[hidden_size, "tflop_per_j"]),
        tflop_per_j_aligned=float(g.loc[aligned_hidden_size, "tflop_per_j"]),
        layers=layers,
    )
    to_mwh = units.factor("J", "MWh")
    for key in ("energy_j", "energy_j_at_aligned_efficiency", "extra_energy_j", "energy_j_aligned"):
        ex[key.replace("energy_j", "energy_mwh")] = ex[key] * to_mwh
    ex["params_billion"] = float(layers * WEIGHTS_PER_LAYER_PER_H2 * hidden_size**2 / 1e9)
    return ex


def run_setup_values(metadata: Sequence[Mapping], run_id: str) -> dict[str, float]:
    """Figures of how run ``run_id`` was made, from its metadata: the square GEMM's size
    (``gemm_size``, its m = n = k), the tokens of the model-shape GEMMs (``shape_tokens``) and
    how many hidden sizes were measured (``n_hidden_sizes``), the size of the copied buffer
    (``copy_gib``: half the bytes moved per iteration, which count bytes read plus bytes
    written), and the harness settings ``window_s`` (minimum length of a measured window),
    ``warmup_s`` (shortest warm-up), ``sample_ms`` (sampling period) and ``repeats``
    (windows per configuration). Raises
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
        "gemm_size": one(
            "number_format", lambda c: c["m"] if c["m"] == c["n"] == c["k"] else math.nan
        ),
        "shape_tokens": one("model_shape", lambda c: c["tokens"]),
        "n_hidden_sizes": float(
            len({c["hidden_size"] for c in configs if c["kind"] == "model_shape"})
        ),
        "copy_gib": one(
            "memory", lambda c: c["bytes_per_iteration"] / 2 * units.factor("B", "GiB")
        ),
        "window_s": float(settings["window_s"]),
        "warmup_s": float(settings["warmup_s"]),
        "sample_ms": float(settings["sample_period_s"]) * units.factor("s", "ms"),
        "repeats": float(settings["repeats"]),
    }


def require_measured(
    runs: pd.DataFrame, gpu: str, number_format: str, hidden_size: int, aligned_hidden_size: int
) -> None:
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
        problems.append(
            f"number_format {number_format} was not measured in run {run_id} "
            f"(gpu {gpu}); allowed: {', '.join(formats)}"
        )
    for name, h in (("hidden_size", hidden_size), ("aligned_hidden_size", aligned_hidden_size)):
        if h not in sizes:
            problems.append(
                f"{name} {h} was not measured in run {run_id} (gpu {gpu}); "
                f"allowed: {', '.join(map(str, sizes))}"
            )
    if problems:
        raise ValueError("; ".join(problems))
