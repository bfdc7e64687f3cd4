"""What the inference page shows besides its charts: glued numbers and phrases, captions,
tables.

Entry points as in every chapter: ``TABLES``, ``evaluate``, ``headlines``, ``numbers``,
``texts``, ``captions`` and the reader tables ``table_*``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from energybook import data, fmt, sobol
from energybook.chapters.inference import model as m
from energybook.chapters.inference import model_check as mc
from energybook.chapters.inference import model_hardware as mh
from energybook.chapters.inference.params import GPUS, PRECISIONS, Params
from energybook.chapters.measured import model as measured

#: The width of one key-value head of the shape rule (grouped-query attention, as in the
#: Llama 3 and Qwen 3 families): the rule's KV width over it is its number of KV heads.
KV_HEAD_DIM = 128.0

TABLES = (
    "gpu_runs",
    "accelerators",
    "inference_gpus",
    "inference_measurements",
    "serving_overheads",
    "inference_model_configs",
)

PRECISION_LABEL = {"bf16": "BF16", "fp8": "FP8"}
J_PER_WH = 3600.0
#: The two ML.ENERGY series: H100 (the book measured this card's constants) and B200
#: (constants scaled from a datasheet).
SERIES_H100, SERIES_B200 = "ML.ENERGY v3.0, H100", "ML.ENERGY v3.0, B200"


@dataclass(frozen=True)
class Evaluation:
    P: Params
    constants: dict[str, dict[str, float | str]]
    sheets: dict[str, dict[str, float]]
    memory: dict[str, str]
    links: dict[str, float]
    gpu_checked: dict[str, str]  # chip -> how firmly its inference_gpus row was checked
    shapes: dict[str, m.Shape]
    split: pd.DataFrame
    points: pd.DataFrame
    summary: pd.DataFrame  # the measured chapter's corrected table of the latest runs
    hw: m.Hardware  # the chosen GPU and precision, utilization applied
    shape: m.Shape
    overheads: m.Overheads
    factor: float  # chosen boundary over GPU energy
    r: m.Response  # the chosen parameters
    r_batch1: m.Response
    max_batch: int  # largest batch that fits (every sequence at full length)
    r_max: m.Response
    compared: pd.DataFrame
    sobol: pd.DataFrame  # total Sobol indices of j_per_output_token (point model)

    def hardware(self, chip: str, precision: str, *, utilization: bool = True) -> m.Hardware:
        hw = mh.hardware(chip, precision, self.constants, self.sheets, self.memory, self.links)
        return m.with_utilization(hw, self.P.utilization) if utilization else hw

    def respond(self, hw: m.Hardware, batch) -> m.Response:
        P = self.P
        return m.response(
            self.shape,
            hw,
            batch=batch,
            prompt_tokens=P.context_tokens,
            output_tokens=P.output_tokens,
            n_gpus=P.n_gpus,
        )

    def fits(self, hw: m.Hardware, batch: int) -> bool:
        return (
            m.memory_fit_problem(
                self.shape,
                hw,
                batch=batch,
                tokens_per_sequence=self.tokens_per_sequence,
                n_gpus=self.P.n_gpus,
            )
            is None
        )

    @property
    def tokens_per_sequence(self) -> float:
        return m.tokens_held(self.P.context_tokens, self.P.output_tokens, on_average=False)

    @property
    def mean_context(self) -> float:
        return m.tokens_held(self.P.context_tokens, self.P.output_tokens, on_average=True)


def _overheads(split: pd.DataFrame) -> m.Overheads:
    return m.overheads_from_split(
        {str(k): float(v) for k, v in split.groupby("part")["energy_wh"].sum().items()}
    )


def _peaks(sheets: Mapping[str, Mapping[str, float]]) -> dict[tuple[str, str], float]:
    return {
        (chip, p): sheets[chip][mh.PEAK_COLUMN[p]] * 1e12
        for chip in GPUS
        if chip in sheets
        for p in PRECISIONS
    }


def _point_keys(points: pd.DataFrame, sheets: Mapping[str, object]) -> set[tuple[str, str]]:
    """(chip, precision) of every public point the chapter can model."""
    return {
        (str(g), str(p))
        for g, p in zip(points["gpu"], points["precision"], strict=True)
        if g in sheets and p in PRECISIONS
    }


def published_shapes(configs: pd.DataFrame) -> dict[str, m.Shape]:
    """Model name -> its published shape (inference_model_configs.csv)."""
    return {
        str(r.model): m.published_shape(
            float(r.params_b),
            int(r.layers),
            int(r.hidden_size),
            int(r.attention_heads),
            int(r.kv_heads),
            int(r.head_dim),
        )
        for r in configs.itertuples(index=False)
    }


def _compare(
    constants, sheets, memory, links, shapes, points, overheads, utilization: float
) -> pd.DataFrame:
    hw = {
        k: mh.hardware(k[0], k[1], constants, sheets, memory, links)
        for k in _point_keys(points, sheets)
    }
    return mc.compare(points, hw, _peaks(sheets), overheads, utilization, shapes)


@lru_cache(maxsize=8)
def _metadata(run_ids: tuple[str, ...]) -> tuple[dict, ...]:
    return tuple(data.load_run_metadata(run_ids))


def corrected_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The measured chapter's corrected table of the latest runs, with the same per-window
    details from the runs' metadata that the measured page reads: the same table, row for
    row, as that page's ``summary`` at its default correction."""
    ids = tuple(sorted(set(measured.latest_runs(runs).values())))
    return mh.corrected_summary(runs, measured.window_details(_metadata(ids)))


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    summary = corrected_runs(tables["gpu_runs"])
    constants = mh.all_measured_constants(summary)
    sheets = mh.datasheets(tables["accelerators"])
    memory = mh.memory_types(tables["inference_gpus"])
    links = mh.link_bandwidths(tables["inference_gpus"])
    gpus = tables["inference_gpus"]
    gpu_checked = {str(c): str(k) for c, k in zip(gpus["chip"], gpus["checked"], strict=True)}
    shapes = published_shapes(tables["inference_model_configs"])
    split = tables["serving_overheads"]
    overheads = _overheads(split)
    raw = mh.hardware(P.gpu, P.precision, constants, sheets, memory, links)
    hw = m.with_utilization(raw, P.utilization)
    shape = m.dense_shape(P.model_params_b)
    factor = m.boundary_factor(P.boundary, overheads, P.pue)
    tokens = m.tokens_held(P.context_tokens, P.output_tokens, on_average=False)
    cap = max(1, m.max_batch(shape, hw, P.n_gpus, tokens))

    def run(batch) -> m.Response:
        return m.response(
            shape,
            hw,
            batch=batch,
            prompt_tokens=P.context_tokens,
            output_tokens=P.output_tokens,
            n_gpus=P.n_gpus,
        )

    points = tables["inference_measurements"]
    compared = _compare(constants, sheets, memory, links, shapes, points, overheads, P.utilization)
    return Evaluation(
        P=P,
        constants=constants,
        sheets=sheets,
        memory=memory,
        links=links,
        gpu_checked=gpu_checked,
        shapes=shapes,
        split=split,
        points=points,
        summary=summary,
        hw=hw,
        shape=shape,
        overheads=overheads,
        factor=factor,
        r=run(P.batch_size),
        r_batch1=run(1),
        max_batch=cap,
        r_max=run(cap),
        compared=compared,
        sobol=sobol_indices(P, raw, overheads, sensitivity_ranges(P, raw)),
    )


# --------------------------------------------------------------------------- sensitivity
#: Sobol sample size (a power of two): SOBOL_N * (k + 2) point-model runs, a few tenths of
#: a second.
SOBOL_N = 128
#: Plain-language names of the parameters the Sobol chart varies.
SOBOL_LABELS = {
    "model_params_b": "Model size",
    "batch_size": "Batch size",
    "context_tokens": "Prompt length",
    "output_tokens": "Output length",
    "utilization": "Share of measured rates reached",
    "pue": "Power usage effectiveness",
}
#: The unit words of the ranges in the Sobol caption.
SOBOL_UNITS = {
    "model_params_b": " billion parameters",
    "batch_size": " sequences",
    "context_tokens": " tokens",
    "output_tokens": " tokens",
    "utilization": "",
    "pue": "",
}


def _corner_fits(
    P: Params, raw: m.Hardware, params_b: float, context: int, output: int, batch: int
) -> int:
    """The largest batch that fits at a corner of the ranges (every sequence at full length);
    the memory need grows with each of the four, so the corner bounds every sampled point."""
    return m.max_batch(
        m.dense_shape(params_b), raw, P.n_gpus, m.tokens_held(context, output, on_average=False)
    )


def sensitivity_ranges(P: Params, raw: m.Hardware) -> dict[str, tuple[float, float]]:
    """Plausible ranges, around the chosen settings and inside the declared bounds, of the
    numeric inputs of the energy per generated token: model size from half to 1.4 times the
    chosen one, prompt and output lengths from half to 1.5 times, batch from a quarter to four
    times (at most what fits), utilization from 0.4 times the chosen one (real serving kernels
    are slower than the book's runs) up to it, and PUE from Google's 1.09 to Uptime's 1.56 at
    the facility boundary only (at the GPU boundary it does not enter). The GPU, precision
    and number of GPUs are choices and stay fixed. Every point in the ranges fits in memory:
    the largest corner is shrunk towards the chosen settings (which fit) until it holds the
    chosen batch, and the batch range stops at what that corner holds."""
    decl = Params.declarations()

    def lo_(name: str) -> float:
        return float(decl[name].min or 0.0)

    def hi_(name: str) -> float:
        return float(decl[name].max or math.inf)

    hi_b = min(1.4 * P.model_params_b, hi_("model_params_b"))
    hi_c = int(min(1.5 * P.context_tokens, hi_("context_tokens")))
    hi_o = int(min(1.5 * P.output_tokens, hi_("output_tokens")))
    for _ in range(30):
        if _corner_fits(P, raw, hi_b, hi_c, hi_o, P.batch_size) >= P.batch_size:
            break
        hi_b = (hi_b + P.model_params_b) / 2
        hi_c, hi_o = (hi_c + P.context_tokens) // 2, (hi_o + P.output_tokens) // 2
    else:
        hi_b, hi_c, hi_o = P.model_params_b, P.context_tokens, P.output_tokens
    cap = _corner_fits(P, raw, hi_b, hi_c, hi_o, P.batch_size)
    ranges: dict[str, tuple[float, float]] = {
        "model_params_b": (max(0.5 * P.model_params_b, lo_("model_params_b")), hi_b),
        "batch_size": (
            max(1, P.batch_size // 4),
            min(4 * P.batch_size, cap, int(hi_("batch_size"))),
        ),
        "context_tokens": (max(1, math.ceil(P.context_tokens / 2)), hi_c),
        "output_tokens": (max(1, math.ceil(P.output_tokens / 2)), hi_o),
        "utilization": (max(0.4 * P.utilization, lo_("utilization")), P.utilization),
    }
    if P.boundary == "facility":
        ranges["pue"] = (min(P.pue, 1.09), max(P.pue, 1.56))
    return {k: (float(lo), float(hi)) for k, (lo, hi) in ranges.items() if lo < hi}


def point_j_per_output_token(P: Params, raw: m.Hardware, overheads: m.Overheads) -> float:
    """The headline j_per_output_token of the point model at ``P`` (the chosen GPU and
    precision's constants ``raw``, before utilization), at the chosen boundary."""
    r = m.response(
        m.dense_shape(P.model_params_b),
        m.with_utilization(raw, P.utilization),
        batch=P.batch_size,
        prompt_tokens=P.context_tokens,
        output_tokens=P.output_tokens,
        n_gpus=P.n_gpus,
    )
    return _f(r.j_per_output_token) * m.boundary_factor(P.boundary, overheads, P.pue)


def sobol_indices(
    P: Params,
    raw: m.Hardware,
    overheads: m.Overheads,
    ranges: Mapping[str, tuple[float, float]],
    n: int = SOBOL_N,
) -> pd.DataFrame:
    """Total (and first-order) Sobol indices of the energy per generated token over
    ``ranges``, each parameter uniform on its range, the others at ``P``."""
    return sobol.of_parameters(
        lambda Q: point_j_per_output_token(Q, raw, overheads), P, dict(ranges), n
    )


def sobol_top(ev: Evaluation) -> tuple[str, float, bool]:
    """The parameter with the largest total index, that index, and whether the intervals
    separate it from the next one."""
    top = ev.sobol.sort_values("ST", ascending=False).iloc[0]
    return str(top["parameter"]), float(top["ST"]), sobol.separated(ev.sobol)


def _f(x) -> float:
    return float(np.asarray(x).reshape(-1)[0])


def memory_roof_exit(ev: Evaluation) -> tuple[float, int | None]:
    """Where decode at the chosen settings' mean context leaves the memory roof, and the roof
    that takes over (see :func:`model.memory_roof_exit`)."""
    return m.memory_roof_exit(ev.shape, ev.hw, ev.mean_context, ev.P.n_gpus)


def exit_batch(ev: Evaluation) -> float:
    """The first whole batch off the memory roof; 0 when decode stays on it at every batch."""
    batch, roof = memory_roof_exit(ev)
    if roof is None:
        return 0.0
    return float(max(1, math.ceil(batch)))


def headlines(ev: Evaluation) -> dict[str, float]:
    r = ev.r
    return {
        "j_per_output_token": _f(r.j_per_output_token) * ev.factor,
        "wh_per_response": _f(r.j_per_response) * ev.factor / J_PER_WH,
        "memory_roof_exit_batch": exit_batch(ev),
        "data_movement_share_pct": 100.0 * _f(r.decode_bytes_share),
        "median_ratio_h100": mc.median_ratio(ev.compared, series=SERIES_H100),
        "median_ratio_b200": mc.median_ratio(ev.compared, series=SERIES_B200),
    }


# --------------------------------------------------------------------------- comparisons
def _alternative(ev: Evaluation, chip: str, precision: str) -> m.Response | None:
    """The chosen parameters on another chip or precision, if they fit there."""
    hw = ev.hardware(chip, precision)
    return ev.respond(hw, ev.P.batch_size) if ev.fits(hw, ev.P.batch_size) else None


def misaligned_hardware(ev: Evaluation) -> m.Hardware:
    """The chosen chip as a hidden size of 4097 would use it (ratios of its reference run)."""
    c = ev.constants[mh.reference_gpu(ev.P.gpu, ev.memory)]
    return mh.misaligned(
        ev.hw, float(c["misaligned_energy_ratio"]), float(c["misaligned_rate_ratio"])
    )


def batch_grid(top: int, n: int = 40) -> np.ndarray:
    """Whole batch sizes from 1 to ``top``, spaced evenly on a log scale."""
    return np.unique(np.round(np.logspace(0, math.log10(max(top, 1)), n)).astype(int))


def _config_label(row) -> str:
    model = str(row["model"]).replace(" Instruct", "").replace(" FP8", "")
    return f"{model}, {int(row['n_gpus'])} x {row['gpu']}, {PRECISION_LABEL[row['precision']]}"


def _measured(ev: Evaluation, series: str | None = None) -> pd.DataFrame:
    return mc.measured_points(ev.compared, series)


def _half_utilization(ev: Evaluation) -> pd.DataFrame:
    return _compare(
        ev.constants,
        ev.sheets,
        ev.memory,
        ev.links,
        ev.shapes,
        ev.points,
        ev.overheads,
        0.5 * ev.P.utilization,
    )


def check_statistics(ev: Evaluation) -> dict[str, float]:
    """The check's numbers: per-configuration medians, a sign test, intervals by configuration,
    the power-limit baseline and the implied power."""
    pts = _measured(ev)
    h100 = _measured(ev, SERIES_H100)
    configs = mc.by_configuration(pts)
    below = int((configs["median_ratio"] < 1).sum())
    lo, hi = mc.bootstrap_median(pts)
    lo_h, hi_h = mc.bootstrap_median(h100)
    over = pts[pts["implied_power_w"] > pts["power_limit_w"]]
    uncapped = pts[~pts["capped"].astype(bool)]
    return {
        "n_measured_points": float(len(pts)),
        "n_configurations": float(len(configs)),
        "n_configurations_below_one": float(below),
        "sign_test_p": mc.sign_test_p(below, len(configs)),
        "median_ratio_all": mc.median_ratio(ev.compared),
        "median_ratio_low": lo,
        "median_ratio_high": hi,
        "median_ratio_h100_low": lo_h,
        "median_ratio_h100_high": hi_h,
        "n_h100_configurations": float(len(mc.by_configuration(h100))),
        "ratio_min": float(pts["ratio"].min()),
        "ratio_max": float(pts["ratio"].max()),
        "log_error_model": mc.median_abs_log_error(pts["ratio"]),
        "log_error_baseline": mc.median_abs_log_error(pts["baseline_ratio"]),
        "median_baseline_ratio": mc.median_ratio(ev.compared, column="baseline_ratio"),
        "n_points_over_limit": float(len(over)),
        "max_implied_power_w": float(pts["implied_power_w"].max()),
        "n_capped_points": float(pts["capped"].astype(bool).sum()),
        "median_ratio_uncapped": float(uncapped["ratio"].median()) if len(uncapped) else math.nan,
    }


def numbers(ev: Evaluation) -> dict[str, float]:
    P, hw, r = ev.P, ev.hw, ev.r
    h100, h200 = ev.constants["H100"], ev.constants["H200"]
    exit_at, _ = memory_roof_exit(ev)
    out: dict[str, float] = {
        # the two measured numbers and the static floor, per measured GPU
        "e_flop_pj_h100": float(h100["flop_j_bf16"]) * 1e12,
        "e_flop_pj_h200": float(h200["flop_j_bf16"]) * 1e12,
        "e_flop_fp8_pj_h100": float(h100["flop_j_fp8"]) * 1e12,
        "e_byte_pj_h100": float(h100["byte_j"]) * 1e12,
        "e_byte_pj_h200": float(h200["byte_j"]) * 1e12,
        "idle_w_h100": float(h100["idle_w"]),
        "idle_w_h200": float(h200["idle_w"]),
        "bytes_per_flop_energy": float(h100["byte_j"]) / float(h100["flop_j_bf16"]),
        "copy_power_w_h200": float(h200["idle_w"])
        + float(h200["byte_j"]) * float(h200["bytes_per_s"]),
        "power_limit_w_h200": float(h200["power_limit_w"]),
        "bandwidth_ratio_h200_h100": float(h200["bytes_per_s"]) / float(h100["bytes_per_s"]),
        # the shape rule's constants and the model's shape
        "width_per_layer": m.WIDTH_PER_LAYER,
        "weights_per_layer_per_d2": m.WEIGHTS_PER_LAYER_PER_D2,
        "kv_heads_rule": m.KV_WIDTH / KV_HEAD_DIM,
        "kv_head_dim": KV_HEAD_DIM,
        "layers": ev.shape.layers,
        "width": ev.shape.width,
        "kv_kb_per_token": ev.shape.kv_bytes_per_token / 1e3,
        "weights_gb": m.weight_bytes(ev.shape, P.precision) / 1e9,
        # tensor parallelism
        "allreduces_per_step": m.allreduces_per_step(ev.shape, P.n_gpus),
        "allreduce_latency_us": m.ALLREDUCE_LATENCY_S * 1e6,
        "allreduce_time_share_pct": 100.0
        * _f(
            m.allreduce_time_s(ev.shape, hw, P.batch_size, P.n_gpus)
            * P.output_tokens
            / r.decode_time_s
        ),
        "max_gpus_per_node": float(m.MAX_GPUS_PER_NODE),
        # prompt and response
        "j_per_prompt_token": _f(r.j_per_prompt_token) * ev.factor,
        "j_per_output_token_with_prefill": _f(r.j_per_output_token_with_prefill) * ev.factor,
        "wh_per_response_gpu": _f(r.j_per_response) / J_PER_WH,
        "prefill_share_pct": 100.0 * _f(r.prefill_j / (r.prefill_j + r.decode_j)),
        "facility_factor": ev.overheads.facility_factor(P.pue),
        "host_per_accelerator_pct": 100.0 * ev.overheads.host_per_accelerator,
        "idle_per_accelerator_pct": 100.0 * ev.overheads.idle_per_accelerator,
        "wh_per_response_facility": _f(r.j_per_response)
        * ev.overheads.facility_factor(P.pue)
        / J_PER_WH,
        # batching (counterfactual: the same model, lengths and GPUs at batch 1)
        "j_per_output_token_batch1": _f(ev.r_batch1.j_per_output_token) * ev.factor,
        "batch1_over_chosen": _f(ev.r_batch1.j_per_output_token / r.j_per_output_token),
        "max_batch": float(ev.max_batch),
        "max_batch_mean_length": float(m.max_batch(ev.shape, hw, P.n_gpus, ev.mean_context)),
        "j_per_output_token_max_batch": _f(ev.r_max.j_per_output_token) * ev.factor,
        "batch1_over_max_batch": _f(ev.r_batch1.j_per_output_token / ev.r_max.j_per_output_token),
        "batch1_movement_share_pct": 100.0 * _f(ev.r_batch1.decode_bytes_share),
        "batch1_static_share_pct": 100.0 * _f(ev.r_batch1.decode_static_j / ev.r_batch1.decode_j),
        "max_batch_movement_share_pct": 100.0 * _f(ev.r_max.decode_bytes_share),
        # the roofs
        "ridge_batch": m.ridge_batch(hw),
        "memory_roof_exit_exact": exit_at if math.isfinite(exit_at) else 0.0,
        # memory
        "memory_needed_gb": m.memory_needed_bytes(
            ev.shape, P.precision, P.batch_size, ev.tokens_per_sequence
        )
        / 1e9,
        "memory_available_gb": m.memory_available_bytes(hw, P.n_gpus) / 1e9,
        "usable_memory_pct": 100.0 * m.USABLE_MEMORY_FRACTION,
    }
    # the check against public measurements
    out.update(check_statistics(ev))
    _, top_st, _ = sobol_top(ev)
    out["sobol_top_total_index"] = top_st
    out["sobol_n_runs"] = float(SOBOL_N * (len(ev.sobol) + 2))
    _, half, closed = gap_closed_pct(ev)
    out["median_ratio_half_utilization"] = half
    out["gap_closed_pct"] = closed if math.isfinite(closed) else 0.0
    epoch = ev.compared.set_index("point_id").loc["epoch-chatgpt-gpt4o"]
    out.update(
        epoch_ratio=float(epoch["ratio"]),
        epoch_model_wh=float(epoch["model_value"]),
        epoch_wh=float(epoch["value"]),
        epoch_batch=float(epoch["run_batch"]),
    )
    erow = ev.points.set_index("point_id").loc["epoch-chatgpt-gpt4o"]
    out.update(
        epoch_params_b=float(erow["model_params_b"]),
        epoch_output_tokens=float(erow["output_tokens"]),
        epoch_flop_utilization_pct=100.0 * float(erow["flop_utilization"]),
        epoch_pue=float(erow["pue"]),
        epoch_n_gpus=float(erow["n_gpus"]),
        epoch_server_factor=m.boundary_factor("server", ev.overheads, float(erow["pue"])),
    )
    gemini = ev.points.set_index("point_id")["value"]
    parts = ev.split.groupby("part")["energy_wh"].sum()
    out["gemini_full_wh"] = float(gemini["google-gemini-comprehensive"])
    out["gemini_accelerators_wh"] = float(gemini["google-gemini-accelerators"])
    out["gemini_full_over_accelerators"] = out["gemini_full_wh"] / out["gemini_accelerators_wh"]
    out["gemini_split_accelerators_wh"] = float(parts["accelerators"])
    out["gemini_boundary_effect"] = out["gemini_full_wh"] / float(parts["accelerators"])
    out["gemini_sample_effect"] = float(parts["accelerators"]) / out["gemini_accelerators_wh"]
    # hardware alignment (counterfactual: the same model with an aligned hidden size)
    mis = misaligned_hardware(ev)
    for name, batch in (("batch1", 1), ("chosen", P.batch_size), ("max_batch", ev.max_batch)):
        bad = ev.respond(mis, batch)
        good = {"batch1": ev.r_batch1, "chosen": r, "max_batch": ev.r_max}[name]
        out[f"misaligned_penalty_pct_{name}"] = 100.0 * (
            _f(bad.j_per_output_token / good.j_per_output_token) - 1.0
        )
    ref_gpu = mh.reference_gpu(P.gpu, ev.memory)
    ref = ev.constants[ref_gpu]
    out["misaligned_energy_ratio"] = float(ref["misaligned_energy_ratio"])
    out["misaligned_rate_ratio"] = float(ref["misaligned_rate_ratio"])
    sizes = mh.alignment_ratios(ev.summary, ref_gpu).set_index("hidden_size")
    out["clock_4096_mhz"] = float(sizes.loc[4096, "sm_clock_mhz"])
    out["clock_4097_mhz"] = float(sizes.loc[4097, "sm_clock_mhz"])
    for h in (4100, 4104, 5000):
        out[f"rate_ratio_h{h}"] = float(sizes.loc[h, "rate_ratio"])
        out[f"energy_ratio_h{h}"] = float(sizes.loc[h, "energy_ratio"])
    return out


# --------------------------------------------------------------------------- phrases
ROOF_NAME = {m.COMPUTE: "compute", m.POWER: "power"}


def _fits_clause(ev: Evaluation, batch: float) -> str:
    return (
        ""
        if batch <= ev.max_batch
        else (f", beyond the {ev.max_batch:,} sequences that fit in memory")
    )


def _exit_phrase(ev: Evaluation) -> str:
    batch, roof = memory_roof_exit(ev)
    if roof is None:
        return (
            "stays on the memory roof at every batch at this context: each sequence's own "
            "KV-cache reads grow faster than its arithmetic"
        )
    if batch <= 1:
        return (
            f"is off the memory roof from batch 1: the {ROOF_NAME[roof]} roof binds at every batch"
        )
    whole = max(1, math.ceil(batch))
    if roof == m.COMPUTE:
        return (
            f"leaves the memory roof at a batch of about {whole:,} and becomes "
            f"compute-bound{_fits_clause(ev, whole)}"
        )
    return (
        f"leaves the memory roof at a batch of about {whole:,}{_fits_clause(ev, whole)}, "
        "where the sum of the two measured increments reaches the power limit before the "
        "arithmetic reaches the FLOP roof: a prediction of the additive model, not a "
        "finding (see below)"
    )


def _change_phrase(new: m.Response | None, old: m.Response, what: str) -> str:
    if new is None:
        return f"does not fit in memory {what} at these settings"
    change = 100.0 * (_f(new.j_per_output_token / old.j_per_output_token) - 1.0)
    word = "less" if change < 0 else "more"
    return f"uses {abs(change):.0f}% {word} energy per generated token {what}"


def _regime_steps(r: m.Response) -> int:
    steps = {k: _f(v) for k, v in r.decode_regime_steps.items()}
    return max(steps, key=lambda k: steps[k])


def _regime(r: m.Response) -> str:
    """The regime of most of a response's decode steps."""
    return m.REGIMES[_regime_steps(r)]


def _other_memory_sentence(ev: Evaluation, other: str, on_other: m.Response | None) -> str:
    if on_other is None:
        return f"The chosen model and batch do not fit on the {other}."
    regime = _regime_steps(on_other)
    head = f"On the {other} most of the model's decode steps at this batch are {m.REGIMES[regime]}"
    if regime == m.POWER:
        return (
            head + ": the additive model predicts that the power limit, not the bandwidth, "
            "sets the pace there, so the faster memory saves less than the bandwidth ratio. "
            "That is a prediction of the additive model (it adds two increments each "
            "measured on a busy chip); no serving measurement on that card checks it."
        )
    if regime == m.MEMORY:
        return (
            head + ": the faster memory shortens each step and so its static energy; the "
            "per-byte energy itself barely changes."
        )
    return head + ": arithmetic, not memory, sets the pace there."


def _batch1_rest_phrase(ev: Evaluation) -> str:
    r = ev.r_batch1
    static, flop = _f(r.decode_static_j), _f(r.decode_flop_j)
    return (
        "the rest is mostly static power while the weights stream past"
        if static >= flop
        else "the rest is mostly arithmetic"
    )


def _points_above_one(ev: Evaluation) -> str:
    pts = _measured(ev)
    above = pts[pts["ratio"] > 1].sort_values("ratio", ascending=False)
    if above.empty:
        return "none of the points"
    items = [
        f"{_config_label(row)} at batch {int(row['batch_size']):,} "
        f"({row['ratio']:.2f}{', KV cache capped' if row['capped'] else ''})"
        for _, row in above.iterrows()
    ]
    return "; ".join(items)


def gap_closed_pct(ev: Evaluation) -> tuple[float, float, float]:
    """The median ratio at the chosen utilization and at half of it, and the share of the gap
    to 1 that halving closes (nan when the model is not below the measurements)."""
    base = mc.median_ratio(ev.compared)
    half = mc.median_ratio(_half_utilization(ev))
    return base, half, (100.0 * (half - base) / (1.0 - base) if base < 1 else math.nan)


def _half_phrase(closed: float) -> str:
    if not math.isfinite(closed):
        return (
            "the model is not below the measurements, so there is no gap for slower "
            "kernels to close"
        )
    share = "most" if closed >= 50 else "part"
    return (
        f"closes {closed:.0f}% of the gap to 1: slower kernels (more time at static power) "
        f"plausibly explain {share} of it"
    )


def _check_phrases(ev: Evaluation) -> dict[str, str]:
    """Verdicts of the check that depend on its numbers: the baseline against the roofline,
    how many of the points above 1 are capped by the KV cache, the lowest configuration."""
    pts = _measured(ev)
    model_err = mc.median_abs_log_error(pts["ratio"])
    base_err = mc.median_abs_log_error(pts["baseline_ratio"])
    verdict = (
        "the baseline does at least as well"
        if base_err <= model_err
        else "the roofline does better than the baseline, but not by much more than the "
        "spread of either"
        if base_err < 1.5 * model_err
        else "the roofline does clearly better than the baseline"
    )
    above = pts[pts["ratio"] > 1]
    capped = int(above["capped"].astype(bool).sum())
    capped_phrase = (
        "None of them"
        if capped == 0
        else "All of them"
        if capped == len(above)
        else "Most of them"
        if 2 * capped > len(above)
        else "Some of them"
    )
    configs = mc.by_configuration(pts)
    low = configs.loc[configs["median_ratio"].idxmin()]
    return {
        "baseline_verdict": verdict,
        "capped_above_phrase": capped_phrase if len(above) else "No point",
        "lowest_configuration": _config_label(low),
        "lowest_configuration_ratio": f"{low['median_ratio']:.2f}",
    }


def texts(ev: Evaluation) -> dict[str, str]:
    P, hw = ev.P, ev.hw
    ref = mh.reference_gpu(P.gpu, ev.memory)
    origin = (
        f"measured by the book on the {ref}"
        if hw.measured
        else f"estimated: scaled from the book's {ref} run by its datasheet (same memory "
        f"generation, {ev.memory[P.gpu]})"
    )
    other_precision = "fp8" if P.precision == "bf16" else "bf16"
    other_memory = "H200 SXM" if P.gpu != "H200 SXM" else "H100 SXM"
    on_other = _alternative(ev, other_memory, P.precision)
    _, roof = memory_roof_exit(ev)
    pts = _measured(ev)
    worst = pts.loc[pts["implied_power_w"].idxmax()]
    return {
        "model_label": f"{P.model_params_b:g} billion",
        "gpus_label": f"{P.n_gpus} × {P.gpu}",
        "batch_label": f"{P.batch_size:,}",
        "context_label": f"{P.context_tokens:,}",
        "output_label": f"{P.output_tokens:,}",
        "pue_label": f"{P.pue:g}",
        "utilization_label": f"{P.utilization:g}",
        "gpu_label": P.gpu,
        "gpu_origin": origin,
        "precision_label": PRECISION_LABEL[P.precision],
        "boundary_label": (
            "the GPU boards only"
            if P.boundary == "gpu"
            else "the serving facility: GPUs, host machines, idle capacity and PUE"
        ),
        "decode_regime": _regime(ev.r),
        "prefill_regime": m.REGIMES[int(np.asarray(ev.r.prefill_regime).reshape(-1)[0])],
        "batch1_rest_phrase": _batch1_rest_phrase(ev),
        "exit_roof_label": "none" if roof is None else ROOF_NAME[roof],
        "memory_roof_exit_phrase": _exit_phrase(ev),
        "precision_phrase": _change_phrase(
            _alternative(ev, P.gpu, other_precision),
            ev.r,
            "with " + PRECISION_LABEL[other_precision] + " weights",
        ),
        "memory_phrase": _change_phrase(on_other, ev.r, f"on the {other_memory}"),
        "other_memory_regime": "does not fit" if on_other is None else _regime(on_other),
        "other_memory_sentence": _other_memory_sentence(ev, other_memory, on_other),
        "points_above_one": _points_above_one(ev),
        "half_utilization_phrase": _half_phrase(gap_closed_pct(ev)[2]),
        "worst_power_point": f"{_config_label(worst)} at batch {int(worst['batch_size']):,}",
        "sobol_top_label": SOBOL_LABELS[sobol_top(ev)[0]].lower(),
        **_check_phrases(ev),
    }


# --------------------------------------------------------------------------- reader tables
def _constants_source(ev: Evaluation, chip: str, measured_chip: bool) -> str:
    """Where a chip's constants come from, with its memory generation and link bandwidth
    marked unverified where its inference_gpus row is."""
    base = (
        "measured (book run)"
        if measured_chip
        else f"estimated from the {mh.reference_gpu(chip, ev.memory)} run"
    )
    if ev.gpu_checked.get(chip) == "unverified":
        return f"{base}; memory generation and link bandwidth unverified"
    return base


def table_constants(ev: Evaluation) -> pd.DataFrame:
    """Roofline constants of every modelled GPU in the chosen precision."""
    rows = []
    for chip in GPUS:
        hw = ev.hardware(chip, ev.P.precision, utilization=False)
        rows.append(
            {
                "GPU": chip,
                "Source": _constants_source(ev, chip, hw.measured),
                "Energy per FLOP above idle (pJ)": fmt.fixed(hw.flop_j * 1e12, 3),
                "Energy per byte above idle (pJ)": fmt.fixed(hw.byte_j * 1e12, 1),
                "Static power (W)": fmt.fixed(hw.static_w, 0),
                "Power limit (W)": fmt.fixed(hw.power_limit_w, 0),
                "Delivered TFLOP/s": fmt.fixed(hw.flop_per_s / 1e12, 0),
                "Delivered bandwidth (GB/s)": fmt.fixed(hw.bytes_per_s / 1e9, 0),
                "Link bandwidth each way (GB/s)": fmt.fixed(hw.link_bytes_per_s / 1e9, 0),
                "Memory (GB)": fmt.fixed(hw.memory_bytes / 1e9, 0),
                "Ridge batch": fmt.fixed(m.ridge_batch(hw), 0),
            }
        )
    return pd.DataFrame(rows)


def table_configurations(ev: Evaluation) -> pd.DataFrame:
    """The ML.ENERGY configurations: points, median model/measured ratio and the median of
    the power-limit baseline over measured, and the constants' origin."""
    configs = mc.by_configuration(_measured(ev))
    return pd.DataFrame(
        {
            "Configuration": [_config_label(r) for _, r in configs.iterrows()],
            "Points": configs["points"].astype(int),
            "Median model / measured": configs["median_ratio"].map(lambda v: f"{v:.2f}"),
            "Median power-limit baseline / measured": configs["median_baseline_ratio"].map(
                lambda v: f"{v:.2f}"
            ),
            "Constants": [
                "measured (book run)" if s == SERIES_H100 else "estimated (datasheet)"
                for s in configs["series"]
            ],
        }
    )


def table_check(ev: Evaluation) -> pd.DataFrame:
    """The public points by configuration: how many, the batches, the model/published ratios
    (every point is a row of data/inference_measurements.csv)."""
    c = ev.compared.copy()
    c["configuration"] = [
        f"{model}, {int(n)} x {g}, {PRECISION_LABEL.get(p, p)}" if pd.notna(n) else model
        for model, n, g, p in zip(
            c["model"].str.replace(" Instruct", "").str.replace(" FP8", ""),
            c["n_gpus"],
            c["gpu"],
            c["precision"],
            strict=True,
        )
    ]
    rows = []
    for (series, config), g in c.groupby(["series", "configuration"], sort=False):
        ok = g["ratio"].dropna()
        batches = g["batch_size"].dropna()
        rows.append(
            {
                "Source": series,
                "Configuration": config,
                "Points": len(g),
                "Batch sizes": (
                    f"{batches.min():,.0f} to {batches.max():,.0f}"
                    if len(batches)
                    else "modelled at " + ", ".join(f"{b:,.0f}" for b in g["run_batch"].dropna())
                    if len(ok)
                    else ""
                ),
                "Boundary": ", ".join(sorted(set(g["boundary"]))),
                "Shape": ", ".join(sorted(set(g["shape_source"]) - {""})),
                "Median model / published": f"{ok.median():.2f}"
                if len(ok)
                else "not comparable: " + g["reason"].iloc[0],
                "Range": f"{ok.min():.2f} to {ok.max():.2f}" if len(ok) > 1 else "",
                "Tier": ", ".join(sorted(set(g["tier"] + ", " + g["checked"]))),
            }
        )
    return pd.DataFrame(rows)


def table_boundary(ev: Evaluation) -> pd.DataFrame:
    """One response at the GPU boundary and at the facility boundary, by part."""
    gpu_wh = _f(ev.r.j_per_response) / J_PER_WH
    o = ev.overheads
    host, idle = gpu_wh * o.host_per_accelerator, gpu_wh * o.idle_per_accelerator
    it = gpu_wh + host + idle
    rows = [
        ("GPUs (the model)", gpu_wh),
        ("Host CPUs and memory", host),
        ("Idle machines kept ready", idle),
        (f"Data-centre overhead (PUE {ev.P.pue:g})", it * (ev.P.pue - 1.0)),
        ("Facility total", it * ev.P.pue),
    ]
    return pd.DataFrame(
        {"Part": [r[0] for r in rows], "Energy per response (Wh)": [f"{r[1]:.3g}" for r in rows]}
    )


def table_alignment(ev: Evaluation) -> pd.DataFrame:
    """Every hidden size the reference run measured against 4096: rate, energy per FLOP above
    idle, and the GEMM's clock and whether it ran power-capped."""
    ref = mh.reference_gpu(ev.P.gpu, ev.memory)
    t = mh.alignment_ratios(ev.summary, ref)
    return pd.DataFrame(
        {
            "Hidden size": t["hidden_size"].astype(int),
            "Multiple of 8": ["yes" if h % 8 == 0 else "no" for h in t["hidden_size"]],
            "FLOP/s against 4096": t["rate_ratio"].map(lambda v: f"{v:.2f}"),
            "Energy per FLOP against 4096": t["energy_ratio"].map(lambda v: f"{v:.2f}"),
            "Mean SM clock (MHz)": t["sm_clock_mhz"].round().astype(int),
            "Power-capped": ["yes" if capped else "no" for capped in t["power_capped"]],
        }
    )


# --------------------------------------------------------------------------- chart tables
COMPONENTS = {
    "energy_bytes": "Moving bytes",
    "energy_flop": "Arithmetic",
    "energy_static": "Static power",
    "energy_total": "Total",
}


def components_table(ev: Evaluation) -> pd.DataFrame:
    """Energy per generated token (chosen boundary) and its parts, by batch, up to the largest
    batch that fits."""
    grid = batch_grid(ev.max_batch)
    r = ev.respond(ev.hw, grid)
    per = ev.factor / (r.batch * r.output_tokens)
    parts = {
        "energy_bytes": r.decode_bytes_j,
        "energy_flop": r.decode_flop_j,
        "energy_static": r.decode_static_j,
        "energy_total": r.decode_j,
    }
    return pd.concat(
        [
            pd.DataFrame({"batch": grid, "part": COMPONENTS[k], "j_per_token": v * per})
            for k, v in parts.items()
        ],
        ignore_index=True,
    )


def check_points(ev: Evaluation) -> pd.DataFrame:
    """The measured ML.ENERGY points with the model's value and ratio."""
    c = ev.compared
    c = c[(c["unit"] == "J/output token") & c["ratio"].notna()].copy()
    c["configuration"] = c.apply(_config_label, axis=1)
    return c.reset_index(drop=True)


def check_lines(ev: Evaluation) -> pd.DataFrame:
    """The model at each measured configuration, by admitted batch (1 to the largest point):
    energy per output token with the prompts' prefill included, as ML.ENERGY counts it."""
    pts = check_points(ev)
    frames = []
    for label, g in pts.groupby("configuration", sort=True):
        first = ev.points.set_index("point_id").loc[g["point_id"].iloc[0]]
        hw = ev.hardware(str(first["gpu"]), str(first["precision"]))
        shape = ev.shapes.get(str(first["model"]), m.dense_shape(float(first["model_params_b"])))
        n, prompt, output = (
            int(first["n_gpus"]),
            float(first["prompt_tokens"]),
            float(first["output_tokens"]),
        )
        admitted = batch_grid(int(g["batch_size"].max()), 30)
        ran = np.array(
            [
                mc.run_batch(
                    shape, hw, batch=b, prompt_tokens=prompt, output_tokens=output, n_gpus=n
                )
                for b in admitted
            ]
        )
        r = m.response(
            shape,
            hw,
            batch=np.maximum(ran, 1),
            prompt_tokens=prompt,
            output_tokens=output,
            n_gpus=n,
        )
        frames.append(
            pd.DataFrame(
                {
                    "configuration": label,
                    "batch": admitted,
                    "run_batch": ran,
                    "j_per_token": r.j_per_response / output,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def alignment_table(ev: Evaluation) -> pd.DataFrame:
    """Energy per generated token by batch with an aligned hidden size and with the measured
    behaviour of hidden size 4097."""
    grid = batch_grid(ev.max_batch)
    good = ev.respond(ev.hw, grid).j_per_output_token * ev.factor
    bad = ev.respond(misaligned_hardware(ev), grid).j_per_output_token * ev.factor
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "batch": grid,
                    "shape": "Aligned hidden size (like 4096)",
                    "j_per_token": good,
                    "penalty_pct": 0.0,
                }
            ),
            pd.DataFrame(
                {
                    "batch": grid,
                    "shape": "Misaligned hidden size (like 4097)",
                    "j_per_token": bad,
                    "penalty_pct": 100.0 * (bad / good - 1.0),
                }
            ),
        ],
        ignore_index=True,
    )


def gpu_table(ev: Evaluation) -> pd.DataFrame:
    """Energy per generated token at the chosen settings on every modelled GPU that holds the
    model and its KV cache (in the order of the parameter's choices: the estimated rows are
    identities of datasheet ratios, so no ranking is implied)."""
    rows = []
    for chip in GPUS:
        hw = ev.hardware(chip, ev.P.precision)
        if not ev.fits(hw, ev.P.batch_size):
            continue
        r = ev.respond(hw, ev.P.batch_size)
        rows.append(
            {
                "gpu": chip,
                "j_per_token": _f(r.j_per_output_token) * ev.factor,
                "source": "Measured by the book" if hw.measured else "Estimated from a datasheet",
                "tokens_per_s": _f(r.decode_tokens_per_s),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- captions
def captions(ev: Evaluation) -> dict[str, str]:
    nums = numbers(ev)
    comp = components_table(ev)
    top, low = int(comp["batch"].max()), int(comp["batch"].min())
    configs = "; ".join(sorted(check_points(ev)["configuration"].unique()))
    gpus = gpu_table(ev)
    missing = sorted(set(GPUS) - set(gpus["gpu"]))
    h = headlines(ev)
    exit_rule = (
        ""
        if h["memory_roof_exit_batch"] == 0 or h["memory_roof_exit_batch"] > ev.max_batch
        else " and the batch at which decode leaves the memory roof"
    )
    s_top, s_st, apart = sobol_top(ev)
    ranges = sensitivity_ranges(ev.P, ev.hardware(ev.P.gpu, ev.P.precision, utilization=False))
    varied = "; ".join(
        f"{SOBOL_LABELS[p].lower()} {lo:,.4g} to {hi:,.4g}{SOBOL_UNITS[p]}"
        for p, (lo, hi) in ranges.items()
    )
    ranking = (
        ""
        if apart
        else "; the 95% intervals of the top two overlap, so this sample does not rank them"
    )
    sobol_caption = (
        f"The largest total Sobol index of the energy per generated token of the point model "
        f"(decode only, at the chosen boundary), {s_st:.2f}, is the "
        f"{SOBOL_LABELS[s_top].lower()}'s{ranking}. The bars give the total indices, each "
        f"parameter varied uniformly over a plausible range around the chosen settings "
        f"({varied}: assumptions, chosen so that every point fits in memory), with 95% "
        f"bootstrap intervals as rules, from {SOBOL_N * (len(ev.sobol) + 2):,} runs of the "
        "model. Source: the book's GPU runs and the roofline model."
    )
    return {
        "sobol": sobol_caption,
        "components": (
            f"How the energy per generated token of a "
            f"{ev.P.model_params_b:g} B model on {ev.P.n_gpus} x {ev.P.gpu} "
            f"({PRECISION_LABEL[ev.P.precision]}, {ev.P.context_tokens} prompt and "
            f"{ev.P.output_tokens} output tokens) changes with batch size from {low} to "
            f"{top}: the total is {nums['j_per_output_token_batch1']:.3g} J at batch 1 and "
            f"{nums['j_per_output_token_max_batch']:.3g} J at {top}, with its three parts: "
            "moving bytes, arithmetic, and static power over the step's time. Both axes are "
            f"logarithmic; dashed rules mark the chosen batch{exit_rule}. Source: the book's "
            "GPU runs and the roofline model."
        ),
        "check": (
            "The roofline model, not fitted to the measurements, gives "
            f"{nums['ratio_min']:.2f} to {nums['ratio_max']:.2f} times the energy per output "
            "token (prompts included, GPU boards only) measured by the ML.ENERGY Leaderboard "
            f"v3.0 at the same configurations ({configs}). Points are the measurements against "
            "batch size, log-log; lines are the model, each configuration with its published "
            "shape. Sources: ML.ENERGY blog posts "
            "(2026), read from their figures; the models' published configurations; the book's "
            "GPU runs."
        ),
        "ratios": (
            "The model's energy per output token over the measured one has a median of "
            f"{h['median_ratio_h100']:.2f} on the H100 (measured constants) and "
            f"{h['median_ratio_b200']:.2f} on the B200 (estimated constants). One point per "
            "ML.ENERGY measurement, against batch size (log axis), by configuration, with a dashed "
            "rule at 1. "
            "Sources as for the previous chart."
        ),
        "alignment": (
            f"With the measured behaviour of hidden size 4097 (each FLOP "
            f"{nums['misaligned_energy_ratio']:.1f} times the energy, at "
            f"{nums['misaligned_rate_ratio']:.2f} times the rate, memory traffic assumed "
            f"unaffected) the chosen model uses {nums['misaligned_penalty_pct_batch1']:.1f}% "
            f"more energy per generated token than with an aligned hidden size at batch 1, "
            f"{nums['misaligned_penalty_pct_max_batch']:.0f}% more at batch "
            f"{ev.max_batch:,}. The lines give both against batch size on log-log axes. "
            "Source: the book's GPU runs."
        ),
        "gpus": (
            f"How the energy per generated token at the chosen settings compares across the "
            f"modelled GPUs that hold the model ({', '.join(gpus['gpu'])}), in a fixed order; "
            "colour marks measured against estimated constants. The estimated bars follow from "
            "datasheet "
            "ratios to the measured cards and are not a ranking of the chips"
            + (f"; {', '.join(missing)} cannot hold the model and its KV cache" if missing else "")
            + ". Sources: the book's GPU runs; Epoch AI's hardware data "
            "for the datasheets."
        ),
    }
