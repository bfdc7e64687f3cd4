"""What the inference page shows besides its charts: glued numbers and phrases, captions,
tables.

Entry points as in every chapter: ``TABLES``, ``evaluate``, ``headlines``, ``numbers``,
``texts``, ``captions`` and the reader tables ``table_*``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from energybook.chapters.inference import model as m
from energybook.chapters.inference import model_check as mc
from energybook.chapters.inference import model_hardware as mh
from energybook.chapters.inference.params import GPUS, PRECISIONS, Params

TABLES = ("gpu_runs", "accelerators", "inference_gpus", "inference_measurements",
          "serving_overheads")

PRECISION_LABEL = {"bf16": "BF16", "fp8": "FP8"}
J_PER_WH = 3600.0


@dataclass(frozen=True)
class Evaluation:
    P: Params
    constants: dict[str, dict[str, float | str]]
    sheets: dict[str, dict[str, float]]
    memory: dict[str, str]
    split: pd.DataFrame
    points: pd.DataFrame
    hw: m.Hardware              # the chosen GPU and precision, utilization applied
    shape: m.Shape
    overheads: m.Overheads
    factor: float               # chosen boundary over GPU energy
    r: m.Response               # the chosen parameters
    r_batch1: m.Response
    max_batch: int              # largest batch that fits (every sequence at full length)
    r_max: m.Response
    compared: pd.DataFrame

    def hardware(self, chip: str, precision: str, *, utilization: bool = True) -> m.Hardware:
        hw = mh.hardware(chip, precision, self.constants, self.sheets, self.memory)
        return m.with_utilization(hw, self.P.utilization) if utilization else hw

    def respond(self, hw: m.Hardware, batch) -> m.Response:
        P = self.P
        return m.response(self.shape, hw, batch=batch, prompt_tokens=P.context_tokens,
                          output_tokens=P.output_tokens, n_gpus=P.n_gpus)

    def fits(self, hw: m.Hardware, batch: int) -> bool:
        return m.memory_fit_problem(self.shape, hw, batch=batch,
                                    tokens_per_sequence=self.tokens_per_sequence,
                                    n_gpus=self.P.n_gpus) is None

    @property
    def tokens_per_sequence(self) -> float:
        return float(self.P.context_tokens + self.P.output_tokens)


def _overheads(split: pd.DataFrame) -> m.Overheads:
    return m.overheads_from_split(
        {str(k): float(v) for k, v in split.groupby("part")["energy_wh"].sum().items()})


def _peaks(sheets: Mapping[str, Mapping[str, float]]) -> dict[tuple[str, str], float]:
    return {(chip, p): sheets[chip][mh.PEAK_COLUMN[p]] * 1e12
            for chip in GPUS if chip in sheets for p in PRECISIONS}


def _point_keys(points: pd.DataFrame, sheets: Mapping[str, object]) -> set[tuple[str, str]]:
    """(chip, precision) of every public point the chapter can model."""
    return {(str(g), str(p)) for g, p in zip(points["gpu"], points["precision"], strict=True)
            if g in sheets and p in PRECISIONS}


def _check_keys(ev: Evaluation) -> set[tuple[str, str]]:
    return _point_keys(ev.points, ev.sheets)


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    constants = mh.all_measured_constants(tables["gpu_runs"])
    sheets = mh.datasheets(tables["accelerators"])
    memory = mh.memory_types(tables["inference_gpus"])
    split = tables["serving_overheads"]
    overheads = _overheads(split)
    raw = mh.hardware(P.gpu, P.precision, constants, sheets, memory)
    hw = m.with_utilization(raw, P.utilization)
    shape = m.dense_shape(P.model_params_b)
    factor = m.boundary_factor(P.boundary, overheads, P.pue)
    tokens = P.context_tokens + P.output_tokens
    cap = max(1, m.max_batch(shape, hw, P.n_gpus, tokens))

    def run(batch) -> m.Response:
        return m.response(shape, hw, batch=batch, prompt_tokens=P.context_tokens,
                          output_tokens=P.output_tokens, n_gpus=P.n_gpus)

    points = tables["inference_measurements"]
    check_hw = {k: mh.hardware(k[0], k[1], constants, sheets, memory)
                for k in _point_keys(points, sheets)}
    compared = mc.compare(points, check_hw, _peaks(sheets), overheads, P.utilization)
    return Evaluation(P=P, constants=constants, sheets=sheets, memory=memory, split=split,
                      points=points, hw=hw, shape=shape, overheads=overheads, factor=factor,
                      r=run(P.batch_size), r_batch1=run(1), max_batch=cap, r_max=run(cap),
                      compared=compared)


def _f(x) -> float:
    return float(np.asarray(x).reshape(-1)[0])


def headlines(ev: Evaluation) -> dict[str, float]:
    r = ev.r
    return {
        "j_per_output_token": _f(r.j_per_output_token) * ev.factor,
        "wh_per_response": _f(r.j_per_response) * ev.factor / J_PER_WH,
        "compute_bound_batch": m.compute_bound_batch(ev.hw),
        "data_movement_share_pct": 100.0 * _f(r.decode_bytes_share),
        "median_ratio": mc.median_ratio(ev.compared),
    }


# --------------------------------------------------------------------------- comparisons
def _alternative(ev: Evaluation, chip: str, precision: str) -> m.Response | None:
    """The chosen parameters on another chip or precision, if they fit there."""
    hw = ev.hardware(chip, precision)
    return ev.respond(hw, ev.P.batch_size) if ev.fits(hw, ev.P.batch_size) else None


def misaligned_hardware(ev: Evaluation) -> m.Hardware:
    """The chosen chip as a hidden size of 4097 would use it (ratios of its reference run)."""
    c = ev.constants[mh.reference_gpu(ev.P.gpu, ev.memory)]
    return mh.misaligned(ev.hw, float(c["misaligned_energy_ratio"]),
                         float(c["misaligned_rate_ratio"]))


def batch_grid(top: int, n: int = 40) -> np.ndarray:
    """Whole batch sizes from 1 to ``top``, spaced evenly on a log scale."""
    return np.unique(np.round(np.logspace(0, math.log10(max(top, 1)), n)).astype(int))


def _median_by_series(ev: Evaluation) -> dict[str, float]:
    c = ev.compared[ev.compared["ratio"].notna() & (ev.compared["tier"] == "measured")]
    return {str(k): float(v) for k, v in c.groupby("series")["ratio"].median().items()}


def numbers(ev: Evaluation) -> dict[str, float]:
    P, hw, r = ev.P, ev.hw, ev.r
    h100, h200 = ev.constants["H100"], ev.constants["H200"]
    measured = ev.compared[ev.compared["ratio"].notna() & (ev.compared["tier"] == "measured")]
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
        "copy_power_w_h200": float(h200["idle_w"]) + float(h200["byte_j"])
        * float(h200["bytes_per_s"]),
        "power_limit_w_h200": float(h200["power_limit_w"]),
        "bandwidth_ratio_h200_h100": float(h200["bytes_per_s"]) / float(h100["bytes_per_s"]),
        # the model's shape
        "layers": ev.shape.layers,
        "width": ev.shape.width,
        "kv_kb_per_token": ev.shape.kv_bytes_per_token / 1e3,
        "weights_gb": m.weight_bytes(ev.shape, P.precision) / 1e9,
        # prompt and response
        "j_per_prompt_token": _f(r.j_per_prompt_token) * ev.factor,
        "wh_per_response_gpu": _f(r.j_per_response) / J_PER_WH,
        "prefill_share_pct": 100.0 * _f(r.prefill_j / (r.prefill_j + r.decode_j)),
        "facility_factor": ev.overheads.facility_factor(P.pue),
        "host_per_accelerator_pct": 100.0 * ev.overheads.host_per_accelerator,
        "idle_per_accelerator_pct": 100.0 * ev.overheads.idle_per_accelerator,
        "wh_per_response_facility": _f(r.j_per_response)
        * ev.overheads.facility_factor(P.pue) / J_PER_WH,
        # batching (counterfactual: the same model, lengths and GPUs at batch 1)
        "j_per_output_token_batch1": _f(ev.r_batch1.j_per_output_token) * ev.factor,
        "batch1_over_chosen": _f(ev.r_batch1.j_per_output_token / r.j_per_output_token),
        "max_batch": float(ev.max_batch),
        "j_per_output_token_max_batch": _f(ev.r_max.j_per_output_token) * ev.factor,
        "batch1_over_max_batch": _f(ev.r_batch1.j_per_output_token
                                    / ev.r_max.j_per_output_token),
        "batch1_movement_share_pct": 100.0 * _f(ev.r_batch1.decode_bytes_share),
        "max_batch_movement_share_pct": 100.0 * _f(ev.r_max.decode_bytes_share),
        # memory
        "memory_needed_gb": m.memory_needed_bytes(ev.shape, P.precision, P.batch_size,
                                                  ev.tokens_per_sequence) / 1e9,
        "memory_available_gb": m.memory_available_bytes(hw, P.n_gpus) / 1e9,
        "usable_memory_pct": 100.0 * m.USABLE_MEMORY_FRACTION,
        # the check against public measurements
        "n_measured_points": float((ev.compared["ratio"].notna()
                                    & (ev.compared["tier"] == "measured")).sum()),
        "ratio_min": float(measured["ratio"].min()),
        "ratio_max": float(measured["ratio"].max()),
    }
    half = mc.compare(ev.points, {k: ev.hardware(*k, utilization=False) for k in _check_keys(ev)},
                      _peaks(ev.sheets), ev.overheads, 0.5 * P.utilization)
    out["median_ratio_half_utilization"] = mc.median_ratio(half)
    for series, value in _median_by_series(ev).items():
        key = "median_ratio_" + ("h100" if "H100" in series else "b200")
        out[key] = value
    epoch = ev.compared[ev.compared["point_id"] == "epoch-chatgpt-gpt4o"].iloc[0]
    out.update(epoch_ratio=float(epoch["ratio"]), epoch_model_wh=float(epoch["model_value"]),
               epoch_wh=float(epoch["value"]), epoch_batch=float(epoch["run_batch"]))
    gemini = ev.points.set_index("point_id")["value"]
    out["gemini_full_wh"] = float(gemini["google-gemini-comprehensive"])
    out["gemini_accelerators_wh"] = float(gemini["google-gemini-accelerators"])
    out["gemini_full_over_accelerators"] = out["gemini_full_wh"] / out["gemini_accelerators_wh"]
    # hardware alignment (counterfactual: the same model with an aligned hidden size)
    mis = misaligned_hardware(ev)
    for name, batch in (("batch1", 1), ("chosen", P.batch_size), ("max_batch", ev.max_batch)):
        bad = ev.respond(mis, batch)
        good = {"batch1": ev.r_batch1, "chosen": r, "max_batch": ev.r_max}[name]
        out[f"misaligned_penalty_pct_{name}"] = 100.0 * (
            _f(bad.j_per_output_token / good.j_per_output_token) - 1.0)
    ref = ev.constants[mh.reference_gpu(P.gpu, ev.memory)]
    out["misaligned_energy_ratio"] = float(ref["misaligned_energy_ratio"])
    out["misaligned_rate_ratio"] = float(ref["misaligned_rate_ratio"])
    return out


def _compute_bound_phrase(ev: Evaluation) -> str:
    P = ev.P
    at = m.compute_bound_batch_at(ev.shape, ev.hw, P.context_tokens + P.output_tokens / 2.0,
                                  P.n_gpus)
    never = m.never_compute_bound_context(ev.shape, ev.hw, P.n_gpus)
    if math.isinf(at):
        return ("never becomes compute-bound at this context: each sequence's own KV-cache "
                "reads take longer than its arithmetic, whatever the batch")
    fits = "" if at <= ev.max_batch else (f", beyond the {ev.max_batch:,} sequences that fit "
                                          "in memory")
    tail = "" if math.isinf(never) or never < 0 else (
        f"; above about {never:,.0f} tokens of context no batch makes it compute-bound")
    return f"becomes compute-bound at a batch of about {at:,.0f}{fits}{tail}"


def _change_phrase(new: m.Response | None, old: m.Response, what: str) -> str:
    if new is None:
        return f"does not fit in memory {what} at these settings"
    change = 100.0 * (_f(new.j_per_output_token / old.j_per_output_token) - 1.0)
    word = "less" if change < 0 else "more"
    return f"uses {abs(change):.0f}% {word} energy per generated token {what}"


def _regime(r: m.Response) -> str:
    """The regime of most of a response's decode steps."""
    steps = {k: _f(v) for k, v in r.decode_regime_steps.items()}
    return m.REGIMES[max(steps, key=lambda k: steps[k])]


def texts(ev: Evaluation) -> dict[str, str]:
    P, hw = ev.P, ev.hw
    ref = mh.reference_gpu(P.gpu, ev.memory)
    origin = (f"measured by the book on the {ref}" if hw.measured else
              f"estimated: scaled from the book's {ref} run by its datasheet (same memory "
              f"generation, {ev.memory[P.gpu]})")
    other_precision = "fp8" if P.precision == "bf16" else "bf16"
    other_memory = "H200 SXM" if P.gpu != "H200 SXM" else "H100 SXM"
    on_other = _alternative(ev, other_memory, P.precision)
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
        "boundary_label": ("the GPU boards only" if P.boundary == "gpu" else
                           "the serving facility: GPUs, host machines, idle capacity and PUE"),
        "decode_regime": _regime(ev.r),
        "compute_bound_phrase": _compute_bound_phrase(ev),
        "precision_phrase": _change_phrase(_alternative(ev, P.gpu, other_precision), ev.r,
                                           "with " + PRECISION_LABEL[other_precision]
                                           + " weights"),
        "memory_phrase": _change_phrase(on_other, ev.r, f"on the {other_memory}"),
        "other_memory_regime": "does not fit" if on_other is None else _regime(on_other),
    }


# --------------------------------------------------------------------------- reader tables
def table_constants(ev: Evaluation) -> pd.DataFrame:
    """Roofline constants of every modelled GPU in the chosen precision."""
    rows = []
    for chip in GPUS:
        hw = ev.hardware(chip, ev.P.precision, utilization=False)
        rows.append({
            "GPU": chip,
            "Source": "measured (book run)" if hw.measured else
            f"estimated from the {mh.reference_gpu(chip, ev.memory)} run",
            "Energy per FLOP above idle (pJ)": round(hw.flop_j * 1e12, 3),
            "Energy per byte above idle (pJ)": round(hw.byte_j * 1e12, 1),
            "Static power (W)": round(hw.static_w),
            "Power limit (W)": round(hw.power_limit_w),
            "Delivered TFLOP/s": round(hw.flop_per_s / 1e12),
            "Delivered bandwidth (GB/s)": round(hw.bytes_per_s / 1e9),
            "Memory (GB)": round(hw.memory_bytes / 1e9),
            "Ridge batch": round(m.compute_bound_batch(hw)),
        })
    return pd.DataFrame(rows)


def table_check(ev: Evaluation) -> pd.DataFrame:
    """The public points by configuration: how many, the batches, the model/published ratios
    (every point is a row of data/inference_measurements.csv)."""
    c = ev.compared.copy()
    c["configuration"] = [
        f"{model}, {int(n)} x {g}, {PRECISION_LABEL.get(p, p)}" if pd.notna(n) else model
        for model, n, g, p in zip(c["model"].str.replace(" Instruct", "").str.replace(" FP8", ""), c["n_gpus"],
                                  c["gpu"], c["precision"], strict=True)]
    rows = []
    for (series, config), g in c.groupby(["series", "configuration"], sort=False):
        ok = g["ratio"].dropna()
        batches = g["batch_size"].dropna()
        rows.append({
            "Source": series, "Configuration": config, "Points": len(g),
            "Batch sizes": (f"{batches.min():,.0f} to {batches.max():,.0f}" if len(batches)
                            else "modelled at " + ", ".join(f"{b:,.0f}" for b in
                                                            g["run_batch"].dropna())
                            if len(ok) else ""),
            "Boundary": ", ".join(sorted(set(g["boundary"]))),
            "Median model / published": f"{ok.median():.2f}" if len(ok) else
            "not comparable: " + g["reason"].iloc[0],
            "Range": f"{ok.min():.2f} to {ok.max():.2f}" if len(ok) > 1 else "",
            "Tier": ", ".join(sorted(set(g["tier"] + ", " + g["checked"]))),
        })
    return pd.DataFrame(rows)


def table_boundary(ev: Evaluation) -> pd.DataFrame:
    """One response at the GPU boundary and at the facility boundary, by part."""
    gpu_wh = _f(ev.r.j_per_response) / J_PER_WH
    o = ev.overheads
    host, idle = gpu_wh * o.host_per_accelerator, gpu_wh * o.idle_per_accelerator
    it = gpu_wh + host + idle
    rows = [("GPUs (the model)", gpu_wh), ("Host CPUs and memory", host),
            ("Idle machines kept ready", idle),
            (f"Data-centre overhead (PUE {ev.P.pue:g})", it * (ev.P.pue - 1.0)),
            ("Facility total", it * ev.P.pue)]
    return pd.DataFrame({"Part": [r[0] for r in rows],
                         "Energy per response (Wh)": [f"{r[1]:.3g}" for r in rows]})


# --------------------------------------------------------------------------- chart tables
COMPONENTS = {"energy_bytes": "Moving bytes", "energy_flop": "Arithmetic",
              "energy_static": "Static power", "energy_total": "Total"}


def components_table(ev: Evaluation) -> pd.DataFrame:
    """Energy per generated token (chosen boundary) and its parts, by batch, up to the largest
    batch that fits."""
    grid = batch_grid(ev.max_batch)
    r = ev.respond(ev.hw, grid)
    per = ev.factor / (r.batch * r.output_tokens)
    parts = {"energy_bytes": r.decode_bytes_j, "energy_flop": r.decode_flop_j,
             "energy_static": r.decode_static_j, "energy_total": r.decode_j}
    return pd.concat([pd.DataFrame({"batch": grid, "part": COMPONENTS[k],
                                    "j_per_token": v * per}) for k, v in parts.items()],
                     ignore_index=True)


def _config_label(row) -> str:
    model = str(row["model"]).replace(" Instruct", "").replace(" FP8", "")
    return f"{model}, {int(row['n_gpus'])} x {row['gpu']}, {PRECISION_LABEL[row['precision']]}"


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
        hw = m.with_utilization(ev.hardware(str(first["gpu"]), str(first["precision"]),
                                            utilization=False), ev.P.utilization)
        shape = m.dense_shape(float(first["model_params_b"]))
        n, prompt, output = int(first["n_gpus"]), float(first["prompt_tokens"]), \
            float(first["output_tokens"])
        admitted = batch_grid(int(g["batch_size"].max()), 30)
        ran = np.array([mc.run_batch(shape, hw, batch=b, prompt_tokens=prompt,
                                     output_tokens=output, n_gpus=n) for b in admitted])
        r = m.response(shape, hw, batch=np.maximum(ran, 1), prompt_tokens=prompt,
                       output_tokens=output, n_gpus=n)
        frames.append(pd.DataFrame({"configuration": label, "batch": admitted,
                                    "run_batch": ran,
                                    "j_per_token": r.j_per_response / output}))
    return pd.concat(frames, ignore_index=True)


def alignment_table(ev: Evaluation) -> pd.DataFrame:
    """Energy per generated token by batch with an aligned hidden size and with the measured
    behaviour of hidden size 4097."""
    grid = batch_grid(ev.max_batch)
    good = ev.respond(ev.hw, grid).j_per_output_token * ev.factor
    bad = ev.respond(misaligned_hardware(ev), grid).j_per_output_token * ev.factor
    return pd.concat([
        pd.DataFrame({"batch": grid, "shape": "Aligned hidden size (like 4096)",
                      "j_per_token": good, "penalty_pct": 0.0}),
        pd.DataFrame({"batch": grid, "shape": "Misaligned hidden size (like 4097)",
                      "j_per_token": bad, "penalty_pct": 100.0 * (bad / good - 1.0)}),
    ], ignore_index=True)


def gpu_table(ev: Evaluation) -> pd.DataFrame:
    """Energy per generated token at the chosen settings on every modelled GPU that holds the
    model and its KV cache."""
    rows = []
    for chip in GPUS:
        hw = ev.hardware(chip, ev.P.precision)
        if not ev.fits(hw, ev.P.batch_size):
            continue
        r = ev.respond(hw, ev.P.batch_size)
        rows.append({"gpu": chip, "j_per_token": _f(r.j_per_output_token) * ev.factor,
                     "source": "Measured by the book" if hw.measured else
                     "Estimated from a datasheet",
                     "tokens_per_s": _f(r.decode_tokens_per_s)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- captions
def captions(ev: Evaluation) -> dict[str, str]:
    nums = numbers(ev)
    comp = components_table(ev)
    top, low = int(comp["batch"].max()), int(comp["batch"].min())
    configs = "; ".join(sorted(check_points(ev)["configuration"].unique()))
    gpus = gpu_table(ev)
    missing = sorted(set(GPUS) - set(gpus["gpu"]))
    best = gpus.loc[gpus["j_per_token"].idxmin()]
    return {
        "components": (
            f"Lines on log-log axes of the energy per generated token of a "
            f"{ev.P.model_params_b:g} B model on {ev.P.n_gpus} x {ev.P.gpu} "
            f"({PRECISION_LABEL[ev.P.precision]}, {ev.P.context_tokens} prompt and "
            f"{ev.P.output_tokens} output tokens) against batch size from {low} to {top}: the "
            f"total ({nums['j_per_output_token_batch1']:.3g} J at batch 1, "
            f"{nums['j_per_output_token_max_batch']:.3g} J at {top}) and its three parts: "
            "moving bytes, arithmetic, and static power over the step's time. Dashed rules "
            "mark the chosen batch and the ridge point. Source: the book's GPU runs and the "
            "roofline model."),
        "check": (
            "Points: energy per output token (prompts included, GPU boards only) measured by "
            "the ML.ENERGY Leaderboard v3.0 against batch size, log-log; lines: the roofline "
            f"model at the same configurations ({configs}), not fitted to the points. Model "
            f"over measurement ranges from {nums['ratio_min']:.2f} to {nums['ratio_max']:.2f}. "
            "Sources: ML.ENERGY blog posts (2026), read from their figures; the book's GPU "
            "runs."),
        "ratios": (
            "Points: the model's energy per output token over the measured one for each "
            "ML.ENERGY point, against batch size (log axis), by configuration, with a dashed "
            f"rule at 1; the median is {headlines(ev)['median_ratio']:.2f}. Sources as for "
            "the previous chart."),
        "alignment": (
            f"Lines on log-log axes of energy per generated token against batch size for the "
            f"chosen model with an aligned hidden size and with the measured behaviour of "
            f"hidden size 4097 (each FLOP {nums['misaligned_energy_ratio']:.1f} times the "
            f"energy, at {nums['misaligned_rate_ratio']:.2f} times the rate): "
            f"{nums['misaligned_penalty_pct_batch1']:.1f}% more at batch 1, "
            f"{nums['misaligned_penalty_pct_max_batch']:.0f}% more at batch "
            f"{ev.max_batch:,}. Source: the book's GPU runs."),
        "gpus": (
            f"Bars of energy per generated token at the chosen settings on each modelled GPU "
            f"that holds the model ({', '.join(gpus['gpu'])}), lowest on the {best['gpu']} "
            f"({best['j_per_token']:.3g} J); colour marks measured against estimated "
            "constants" + (f"; {', '.join(missing)} cannot hold the model and its KV cache"
                           if missing else "") + ". Sources: the book's GPU runs; Epoch AI's "
            "hardware data for the datasheets."),
    }
