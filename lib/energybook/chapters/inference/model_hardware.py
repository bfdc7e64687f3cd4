"""The roofline's hardware constants, from the book's own GPU runs and from datasheets.

Pure functions over the measured chapter's corrected table of the ``gpu_runs`` (the H100 and
H200 runs), the ``accelerators`` table (datasheet peaks) and the ``inference_gpus`` table
(memory generation).

The runs are read only through the measured chapter's model
(:func:`energybook.chapters.measured.model.corrected_summary`): each window's power put on a
whole number of the energy counter's updates, the repeats of a configuration averaged, the
latest usable full run of each GPU. The two chapters therefore price a joule of the same run
the same way; the roofline uses the corrected means only (not the windows' bounds).

Measured chips (H100 SXM, H200 SXM), from the latest full run of each:

- static power: the run's idle baseline as the measured chapter takes it
  (:func:`energybook.chapters.measured.model.idle_power`: the warm idle, measured last, where
  the run has one, else the cold idle; CUDA context open, nothing running);
- energy per FLOP: (board power - idle power) / delivered FLOP/s of the square 8192 GEMM in the
  precision (BF16; FP8 with standard accumulation), and that GEMM's FLOP/s;
- energy per byte: (board power - idle power) / bandwidth of the device-to-device copy (bytes
  read plus written), and that bandwidth: the measured chapter's incremental energy per byte;
- power limit: the limit the run recorded.

Other chips (estimated): scaled from the measured chip with the same memory generation (HBM3:
the H100 run; HBM3e: the H200 run). The assumptions: the chip delivers the same share of its
datasheet FLOP/s and bandwidth, its GEMM also runs at its board power, its idle power is the
same share of its board power, and its per-byte energy is that of the same memory generation.
For a measured chip the scaling is the identity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from energybook.chapters.inference.model import Hardware
from energybook.chapters.measured import model as measured

#: The measured chip of each datasheet row, and back.
MEASURED = {"H100 SXM": "H100", "H200 SXM": "H200"}
CHIP_OF = {v: k for k, v in MEASURED.items()}
#: The measured GPU whose per-byte energy an unmeasured chip borrows, by memory generation.
REFERENCE_FOR_MEMORY = {"HBM3": "H100", "HBM3e": "H200"}
#: The square GEMM that prices each precision, and the datasheet column of its peak.
GEMM_CONFIG = {"bf16": "square-bf16-8192", "fp8": "square-fp8-8192"}
PEAK_COLUMN = {"bf16": "bf16_tflops", "fp8": "fp8_tflops"}
#: The model-shape GEMMs of the misalignment comparison (hidden size 4097 against 4096).
MISALIGNED_CONFIG, ALIGNED_CONFIG = "mlp-up-bf16-h4097", "mlp-up-bf16-h4096"
#: Prefix of the BF16 MLP up-projection GEMMs (one per hidden size).
SHAPE_PREFIX = "mlp-up-bf16-h"


def corrected_summary(runs: pd.DataFrame, details: pd.DataFrame | None = None) -> pd.DataFrame:
    """The measured chapter's corrected table of the latest usable full run of each GPU, one
    row per (run, configuration), with its default correction (counter updates counted):
    :func:`energybook.chapters.measured.model.corrected_summary`. ``details``: the runs'
    per-window details (:func:`energybook.chapters.measured.model.window_details`); they move
    only the bounds of windows measured between counter updates, which the roofline does not
    use."""
    return measured.corrected_summary(runs, details=details)


def run_rows(summary: pd.DataFrame, gpu: str) -> tuple[str, pd.DataFrame]:
    """The one run on ``gpu`` ('H100' or 'H200') in ``summary`` (:func:`corrected_summary`)
    and its rows, indexed by configuration: corrected mean power ``power_w``, throughput,
    bandwidth, power limit, SM clock and whether the power cap held the clocks."""
    if gpu not in CHIP_OF:
        raise ValueError(f"GPU {gpu!r} is not one the chapter knows ({sorted(CHIP_OF)})")
    mine = summary[summary["gpu"] == gpu] if len(summary) else summary
    if mine.empty:
        raise ValueError(f"gpu_runs holds no usable full run on the {gpu}")
    ids = sorted(set(mine["run_id"]))
    if len(ids) != 1:
        raise ValueError(f"the corrected table holds {len(ids)} runs on the {gpu}: {ids}")
    return str(ids[0]), mine.set_index("config")


def _row(rows: pd.DataFrame, config: str, run_id: str) -> pd.Series:
    if config not in rows.index:
        raise ValueError(f"run {run_id} did not measure {config}")
    return rows.loc[config]


def measured_constants(summary: pd.DataFrame, gpu: str) -> dict[str, float | str]:
    """The constants of one measured GPU (see the module docstring), in SI units, from the
    measured chapter's corrected table ``summary`` (:func:`corrected_summary`): ``idle_w``,
    ``power_limit_w``, ``byte_j``, ``bytes_per_s``, ``flop_j_<precision>``,
    ``flop_per_s_<precision>`` and ``run_id``; and what hidden size 4097 costs against 4096 in
    the run's BF16 MLP up-projection: ``misaligned_energy_ratio`` (energy per FLOP above idle,
    4097 over 4096) and ``misaligned_rate_ratio`` (delivered FLOP/s, 4097 over 4096)."""
    run_id, rows = run_rows(summary, gpu)
    idle_w = measured.idle_power(summary, run_id)["baseline_w"]
    copy = rows[rows["kind"] == "memory"]
    if copy.empty:
        raise ValueError(f"run {run_id} has no memory-copy rows")
    copy_w = float(copy["power_w"].iloc[0])
    bytes_per_s = float(copy["bandwidth_gb_per_s"].iloc[0]) * 1e9
    out: dict[str, float | str] = {
        "run_id": run_id,
        "idle_w": idle_w,
        "power_limit_w": float(pd.to_numeric(rows["power_limit_w"]).max()),
        "byte_j": (copy_w - idle_w) / bytes_per_s,
        "bytes_per_s": bytes_per_s,
    }
    for precision, config in GEMM_CONFIG.items():
        r = _row(rows, config, run_id)
        rate = float(r["throughput_tflop_per_s"]) * 1e12
        out[f"flop_per_s_{precision}"] = rate
        out[f"flop_j_{precision}"] = (float(r["power_w"]) - idle_w) / rate

    def per_flop(r: pd.Series) -> float:
        return (float(r["power_w"]) - idle_w) / float(r["throughput_tflop_per_s"])

    bad, good = _row(rows, MISALIGNED_CONFIG, run_id), _row(rows, ALIGNED_CONFIG, run_id)
    out["misaligned_energy_ratio"] = per_flop(bad) / per_flop(good)
    out["misaligned_rate_ratio"] = float(bad["throughput_tflop_per_s"]) / float(
        good["throughput_tflop_per_s"]
    )
    return out


def datasheets(accelerators: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Chip -> its datasheet figures (board power, peaks, memory), as plain floats."""
    cols = ["board_power_w", "memory_gb", "memory_bw_tbps", *PEAK_COLUMN.values()]
    table = accelerators.drop_duplicates("chip", keep=False).set_index("chip")[cols]
    return {str(chip): {k: float(v) for k, v in row.items()} for chip, row in table.iterrows()}


def memory_types(gpus: pd.DataFrame) -> dict[str, str]:
    """Chip -> its memory generation (inference_gpus.csv)."""
    return {str(c): str(t) for c, t in zip(gpus["chip"], gpus["memory_type"], strict=True)}


def link_bandwidths(gpus: pd.DataFrame) -> dict[str, float]:
    """Chip -> its scale-up link bandwidth in one direction, bytes/s (half the vendor's
    both-directions figure in inference_gpus.csv)."""
    return {
        str(c): float(v) * 1e9 / 2.0
        for c, v in zip(gpus["chip"], gpus["link_gb_per_s"], strict=True)
    }


def _figure(sheets: Mapping[str, Mapping[str, float]], chip: str, column: str) -> float:
    if chip not in sheets:
        raise ValueError(f"accelerators.csv has no single row for {chip!r}")
    value = sheets[chip][column]
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"accelerators.csv gives {chip} no {column}")
    return value


def reference_gpu(chip: str, memory: Mapping[str, str]) -> str:
    """The measured GPU the chip's constants come from: itself if measured, else the one with
    the same memory generation."""
    if chip in MEASURED:
        return MEASURED[chip]
    if chip not in memory:
        raise ValueError(f"inference_gpus.csv has no row for {chip!r}")
    if memory[chip] not in REFERENCE_FOR_MEMORY:
        raise ValueError(f"{chip}: no measured GPU has {memory[chip]} memory")
    return REFERENCE_FOR_MEMORY[memory[chip]]


def all_measured_constants(summary: pd.DataFrame) -> dict[str, dict[str, float | str]]:
    """:func:`measured_constants` of every measured GPU, by its short name, from the measured
    chapter's corrected table (:func:`corrected_summary`)."""
    return {gpu: measured_constants(summary, gpu) for gpu in CHIP_OF}


def hardware(
    chip: str,
    precision: str,
    constants: Mapping[str, Mapping[str, float | str]],
    sheets: Mapping[str, Mapping[str, float]],
    memory: Mapping[str, str],
    links: Mapping[str, float] | None = None,
) -> Hardware:
    """The roofline constants of ``chip`` in ``precision`` (measured, or scaled from the
    measured GPU with the same memory generation). ``constants``:
    :func:`all_measured_constants`; ``sheets``: :func:`datasheets`; ``memory``:
    :func:`memory_types`; ``links``: :func:`link_bandwidths` (no link time without it).

    The estimated per-FLOP energy is the measured one times the ratio of datasheet FLOP/s per
    board watt (measured card over this chip): a ranking of estimated chips is an identity of
    those datasheet ratios (two chips with the same compute die and different board powers get
    different energies per FLOP), not evidence about the chips."""
    if precision not in GEMM_CONFIG:
        raise ValueError(f"precision {precision!r} is not one of {list(GEMM_CONFIG)}")
    ref = reference_gpu(chip, memory)
    if ref not in constants:
        raise ValueError(f"no measured constants of the {ref}")
    c, ref_chip, column = constants[ref], CHIP_OF[ref], PEAK_COLUMN[precision]

    def ratio(col: str) -> float:
        return _figure(sheets, chip, col) / _figure(sheets, ref_chip, col)

    board, peak, bandwidth = ratio("board_power_w"), ratio(column), ratio("memory_bw_tbps")
    return Hardware(
        chip=chip,
        precision=precision,
        flop_j=float(c[f"flop_j_{precision}"]) * board / peak,
        byte_j=float(c["byte_j"]),
        static_w=float(c["idle_w"]) * board,
        power_limit_w=float(c["power_limit_w"]) * board,
        flop_per_s=float(c[f"flop_per_s_{precision}"]) * peak,
        bytes_per_s=float(c["bytes_per_s"]) * bandwidth,
        memory_bytes=_figure(sheets, chip, "memory_gb") * 1e9,
        measured=chip in MEASURED,
        reference=str(c["run_id"]),
        link_bytes_per_s=(links or {}).get(chip, math.inf),
    )


def misaligned(hw: Hardware, energy_ratio: float, rate_ratio: float) -> Hardware:
    """The chip as a model of hidden size 4097 would use it: every FLOP priced and timed as
    the measured 4097 GEMM against 4096 (memory traffic unchanged)."""
    if energy_ratio <= 0 or rate_ratio <= 0:
        raise ValueError("misalignment ratios must be positive")
    return replace(hw, flop_j=hw.flop_j * energy_ratio, flop_per_s=hw.flop_per_s * rate_ratio)


def alignment_ratios(summary: pd.DataFrame, gpu: str) -> pd.DataFrame:
    """Every hidden size of the run's BF16 MLP up-projection against 4096, from the measured
    chapter's corrected table (:func:`corrected_summary`): delivered FLOP/s ratio, energy per
    FLOP above idle ratio, and each GEMM's mean SM clock (MHz) and whether the software power
    cap held its clocks in any window (``power_capped``: its DVFS state), one row per hidden
    size."""
    run_id, rows = run_rows(summary, gpu)
    idle_w = measured.idle_power(summary, run_id)["baseline_w"]
    good = _row(rows, ALIGNED_CONFIG, run_id)
    good_rate = float(good["throughput_tflop_per_s"])
    good_per_flop = (float(good["power_w"]) - idle_w) / good_rate
    configs = [c for c in rows.index if str(c).startswith(SHAPE_PREFIX)]
    out = []
    for config in sorted(configs, key=lambda c: int(c.rsplit("h", 1)[1])):
        r = rows.loc[config]
        rate = float(r["throughput_tflop_per_s"])
        out.append(
            {
                "hidden_size": int(config.rsplit("h", 1)[1]),
                "rate_ratio": rate / good_rate,
                "energy_ratio": (float(r["power_w"]) - idle_w) / rate / good_per_flop,
                "sm_clock_mhz": float(r["sm_clock_mhz"]),
                "power_capped": bool(r["power_capped"]),
            }
        )
    return pd.DataFrame(out)
