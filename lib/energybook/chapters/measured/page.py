"""What the measured page shows besides its charts: glued numbers and phrases, captions and
reader tables (see the overview chapter's page module for the entry points)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from energybook import data
from energybook import gpu_energy as ge
from energybook.chapters.measured import model
from energybook.chapters.measured.params import Params

TABLES = ("gpu_runs", "accelerators")

#: How each number format is named on the page.
FORMAT_LABELS = {"fp32": "FP32", "tf32": "TF32", "bf16": "BF16", "fp16": "FP16",
                 "fp8": "FP8", "fp8fast": "FP8 fast acc."}
#: How each kind of configuration is named on the page.
KIND_LABELS = {"idle": "idle", "number_format": "square GEMM", "model_shape": "model shape",
               "memory": "memory copy"}


@dataclass(frozen=True)
class Evaluation:
    P: Params
    run_id: str                      # the chosen GPU's latest full run
    run_ids: dict[str, str]          # GPU -> its latest full run
    metadata: tuple[dict, ...]       # of those runs, sorted by run id
    summary: pd.DataFrame            # per (run, configuration), both latest runs
    formats: pd.DataFrame
    shapes: pd.DataFrame
    copy: pd.DataFrame
    power: pd.DataFrame              # the chosen GPU's run only
    example: dict[str, float]
    setup: dict[str, float]


@lru_cache(maxsize=8)
def _metadata(run_ids: tuple[str, ...]) -> tuple[dict, ...]:
    return tuple(data.load_run_metadata(run_ids))


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    runs, acc = tables["gpu_runs"], tables["accelerators"]
    run_ids = model.latest_runs(runs)
    run_id = run_ids[P.gpu]
    metadata = _metadata(tuple(sorted(set(run_ids.values()))))
    summary = model.summarize_repeats(runs)
    summary = summary[summary["run_id"].isin(run_ids.values())].reset_index(drop=True)
    shapes = model.shape_table(summary)
    power = model.power_table(summary, acc)
    power = power[power["gpu"] == P.gpu].reset_index(drop=True)
    example = model.worked_example(shapes, run_id, P.hidden_size, P.aligned_hidden_size,
                                   P.training_tokens, P.layers)
    return Evaluation(P, run_id, run_ids, metadata, summary,
                      model.format_table(summary, acc), shapes,
                      model.copy_table(summary, acc), power, example,
                      model.run_setup_values(metadata, run_id))


def _format_row(ev: Evaluation, run_id: str, key: str) -> pd.Series:
    f = ev.formats[(ev.formats["run_id"] == run_id) & (ev.formats["format"] == key)]
    if len(f) != 1:
        raise ValueError(f"format {key!r} was not measured in run {run_id}")
    return f.iloc[0]


def headlines(ev: Evaluation) -> dict[str, float]:
    f = _format_row(ev, ev.run_id, ev.P.number_format)
    worst = model.worst_shape(ev.shapes, ev.run_id)
    copy = ev.copy[ev.copy["run_id"] == ev.run_id].iloc[0]
    ex = ev.example
    return {
        "tflop_per_j": float(f["tflop_per_j"]),
        "datasheet_tflop_per_j": float(f["datasheet_tflop_per_j"]),
        "datasheet_share_pct": float(f["share_pct"]),
        "full_load_power_w": float(f["avg_power_w"]),
        "board_power_w": float(f["board_power_w"]),
        "full_load_sm_clock_mhz": float(f["sm_clock_mhz"]),
        "worst_penalty_pct": float(worst["penalty_pct"]),
        "worst_hidden_size": float(worst["hidden_size"]),
        "copy_pj_per_byte": float(copy["pj_per_byte"]),
        "example_penalty_pct": 100.0 * float(ex["penalty"]),
        "example_energy_mwh": float(ex["energy_mwh"]),
        "example_extra_energy_mwh": float(ex["extra_energy_mwh"]),
    }


def numbers(ev: Evaluation) -> dict[str, float]:
    """Every other number of the prose: the chosen format on the chosen GPU and on the other,
    FP8 against BF16, the run's idle power, limit and clocks, each hidden size's penalty,
    the copy on both GPUs, the worked example, and how the run was made."""
    P = ev.P
    other = ev.run_ids[model.other_gpu(P.gpu)]
    f = _format_row(ev, ev.run_id, P.number_format)
    theirs = _format_row(ev, other, P.number_format)
    fp8 = _format_row(ev, ev.run_id, "fp8fast")
    bf16 = _format_row(ev, ev.run_id, "bf16")
    meta = {m["run_id"]: m for m in ev.metadata}[ev.run_id]
    max_clock = float(meta["gpu"]["max_sm_clock_mhz"])
    idle = ev.summary[(ev.summary["run_id"] == ev.run_id) & (ev.summary["kind"] == "idle")]
    out = {
        "throughput_tflop_per_s": float(f["throughput_tflop_per_s"]),
        "throughput_share_pct": float(f["throughput_share_pct"]),
        "peak_tflop_per_s": float(f["peak_tflop_per_s"]),
        "tflop_per_j_min": float(f["tflop_per_j_min"]),
        "tflop_per_j_max": float(f["tflop_per_j_max"]),
        "other_tflop_per_j": float(theirs["tflop_per_j"]),
        "other_share_pct": float(theirs["share_pct"]),
        "fp8_over_bf16": float(fp8["tflop_per_j"] / bf16["tflop_per_j"]),
        "fp8_datasheet_over_bf16": float(fp8["datasheet_tflop_per_j"]
                                         / bf16["datasheet_tflop_per_j"]),
        "idle_power_w": float(idle["avg_power_w"].iloc[0]),
        "power_limit_w": float(meta["gpu"]["enforced_power_limit_w"]),
        "max_sm_clock_mhz": max_clock,
        "clock_share_pct": 100.0 * float(f["sm_clock_mhz"]) / max_clock,
    }
    mine = ev.shapes[ev.shapes["run_id"] == ev.run_id]
    for _, r in mine.iterrows():
        h = int(r["hidden_size"])
        out[f"penalty_pct_h{h}"] = float(r["penalty_pct"])
        out[f"energy_ratio_h{h}"] = float(r["energy_ratio"])
        out[f"power_w_h{h}"] = float(r["avg_power_w"])
        out[f"sm_clock_mhz_h{h}"] = float(r["sm_clock_mhz"])
    out["worst_energy_ratio"] = float(model.worst_shape(ev.shapes, ev.run_id)["energy_ratio"])
    copy = ev.copy.set_index("gpu")
    for g in model.CHIP_FOR_GPU:
        key = g.lower()
        out[f"copy_pj_per_byte_{key}"] = float(copy.loc[g, "pj_per_byte"])
        out[f"copy_bandwidth_gb_per_s_{key}"] = float(copy.loc[g, "bandwidth_gb_per_s"])
        out[f"copy_bandwidth_share_pct_{key}"] = float(copy.loc[g, "bandwidth_share_pct"])
        out[f"copy_power_w_{key}"] = float(copy.loc[g, "avg_power_w"])
    out["copy_saving_pct"] = 100.0 * (1.0 - copy.loc["H200", "pj_per_byte"]
                                      / copy.loc["H100", "pj_per_byte"])
    ex = ev.example
    out["example_flop"] = float(ex["flop"])
    out["example_params_billion"] = float(ex["params_billion"])
    out["example_energy_at_aligned_mwh"] = float(ex["energy_mwh_at_aligned_efficiency"])
    out["example_aligned_model_mwh"] = float(ex["energy_mwh_aligned"])
    out.update(ev.setup)
    return out


_SUPERSCRIPT = str.maketrans("-0123456789",
                             "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def sci_label(value: float, digits: int = 2) -> str:
    """A number in scientific notation for prose: ``3.87e22`` -> ``'3.87 × 10²²'``."""
    mantissa, exponent = f"{float(value):.{digits}e}".split("e")
    return f"{mantissa} \u00d7 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def texts(ev: Evaluation) -> dict[str, str]:
    P = ev.P
    return {
        "gpu_label": P.gpu,
        "other_gpu": model.other_gpu(P.gpu),
        "chip_label": model.CHIP_FOR_GPU[P.gpu],
        "run_label": f"`{ev.run_id}`",
        "format_label": FORMAT_LABELS[P.number_format],
        "hidden_label": str(P.hidden_size),
        "aligned_label": str(P.aligned_hidden_size),
        "layers_label": str(P.layers),
        "tokens_label": sci_label(P.training_tokens),
        "flop_label": sci_label(ev.example["flop"]),
    }


def clock_events(mask: int) -> str:
    """The clock-event reasons of a mask, for a reader ('none' when no bit is set)."""
    return ", ".join(ge.decode_clock_event_reasons(int(mask))) or "none"


def captions(ev: Evaluation) -> dict[str, str]:
    P = ev.P
    f, p, s, c = ev.formats, ev.power, ev.shapes, ev.copy
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
            f"of the {P.gpu} run: idle at {idle.mean():.0f} W; the memory copy and the "
            "misaligned model shapes below the limit at full clock; the aligned tensor-core "
            "GEMMs near the "
            f"{board:.0f} W board power (dashed line) with clocks lowered by the software power "
            "cap. Source: this book's measurements."),
        "shapes": (
            "Grouped bars of picojoules per FLOP of the BF16 GEMM (tokens by h inputs into 4h "
            "outputs) at each measured hidden size, per GPU, with the range of the measured "
            f"windows. Multiples of 64 cost {span(aligned, '.2f')} pJ per FLOP; h = 4095 and "
            f"4097 cost {span(odd, '.1f')} times as much as their aligned neighbour, h = 4100 "
            f"{span(h4100, '.1f')} times; the other sizes only a few per cent more. "
            "Source: this book's measurements."),
        "copy": (
            "Two bar charts. Left: energy per byte moved by the copy (bytes read plus written): "
            + "; ".join(f"{r.gpu} {r.pj_per_byte:.0f} pJ" for r in c.itertuples())
            + ", with the range of the measured windows. Right: the measured bandwidth: "
            + "; ".join(f"{r.gpu} {r.bandwidth_gb_per_s:,.0f} GB/s" for r in c.itertuples())
            + ", with the datasheet bandwidth (Epoch AI) as a tick. "
            "Source: this book's measurements."),
        "example": (
            "Three horizontal bars of training energy in MWh for the worked example on the "
            "selected GPU: the model with the chosen hidden size priced at its measured "
            "efficiency; the same FLOPs at the aligned size's efficiency; and the model built "
            "with the aligned hidden size. Source: this book's measurements; FLOP count after "
            "Narayanan et al. (2021)."),
    }


# --- reader tables ---------------------------------------------------------------------------


def table_provenance(ev: Evaluation) -> pd.DataFrame:
    """One row per run from its metadata (as written by the harness)."""
    rows = []
    for m in ev.metadata:
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


def table_formats(ev: Evaluation) -> pd.DataFrame:
    """The number-format comparison of the chosen GPU."""
    f = ev.formats[ev.formats["gpu"] == ev.P.gpu]
    return pd.DataFrame({
        "Format": f["format"].map(FORMAT_LABELS),
        "Delivered (TFLOP/s)": f["throughput_tflop_per_s"].map("{:,.0f}".format),
        "Board power (W)": f["avg_power_w"].map("{:.0f}".format),
        "SM clock (MHz)": f["sm_clock_mhz"].map("{:.0f}".format),
        "Measured (TFLOP/J)": [f"{m:.3f} ({lo:.3f}-{hi:.3f})" for m, lo, hi in
                               zip(f["tflop_per_j"], f["tflop_per_j_min"],
                                   f["tflop_per_j_max"], strict=True)],
        "Datasheet (TFLOP/J)": f["datasheet_tflop_per_j"].map("{:.3f}".format),
        "Share of datasheet": f["share_pct"].map("{:.0f}%".format),
        "Clock limited by": f["clock_event_mask"].map(clock_events),
    })


def table_shapes(ev: Evaluation) -> pd.DataFrame:
    """The shape comparison of the chosen GPU."""
    s = ev.shapes[ev.shapes["gpu"] == ev.P.gpu]
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

