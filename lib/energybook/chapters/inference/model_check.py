"""The roofline against published measurements: the model run at each point's conditions,
converted to the point's boundary and unit, and the model/measurement ratio.

Pure functions over the ``inference_measurements`` table and the chapter's ``Hardware``. The
model is not fitted to the points: they are the check.

- An ML.ENERGY point (GPU boards only) divides the steady-state energy of the GPUs, prompts
  processed in the window included, by the output tokens generated in it: the model's
  counterpart is the energy of a response (prefill and decode) over its output tokens.
- A named model runs with its published shape (layers, width, KV heads); the shape rule only
  where no configuration is given.
- Its batch is vLLM's ``max_num_seqs``: the number of sequences that actually run (the run's
  average batch) is not in the data the book holds; the model runs at the smaller of the
  admitted batch and what the KV cache holds with every sequence at its prompt and half its
  output (``capped`` marks the points where the cache, not the admission limit, sets it).
- Energy agreement alone cannot test the per-FLOP and per-byte energies: a baseline that draws
  every GPU's power limit for the roofline's own time (``baseline_ratio``) is reported beside
  the roofline, and ``implied_power_w`` spreads the measured energy over the model's time: above
  the power limit, the model's time is too short (its power too high) at that point.
- A point whose boundary is the facility or a server is compared with the model's GPU energy
  scaled by the serving split's overheads and by the point's own PUE.
- An estimate that states a FLOP utilization instead of a batch (Epoch AI's) is run at the batch
  for which the model's FLOP utilization, against the datasheet peak, equals that assumption.
- A point whose model, hardware or token counts are undisclosed cannot be run: it is kept,
  with the reason, and has no ratio.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from energybook.chapters.inference import model as m

J_PER_WH = 3600.0


def run_batch(
    shape: m.Shape,
    hw: m.Hardware,
    *,
    batch: float,
    prompt_tokens: float,
    output_tokens: float,
    n_gpus: int,
) -> int:
    """The batch that runs when ``batch`` sequences are admitted: capped by the KV cache, each
    sequence holding its prompt and, on average, half its output."""
    cap = m.max_batch(
        shape, hw, n_gpus, m.tokens_held(prompt_tokens, output_tokens, on_average=True)
    )
    return int(min(batch, cap))


def batch_at_flop_utilization(
    shape: m.Shape,
    hw: m.Hardware,
    *,
    target: float,
    peak_flop_per_s: float,
    prompt_tokens: float,
    output_tokens: float,
    n_gpus: int,
) -> int:
    """The smallest batch whose response runs at ``target`` FLOP utilization of the datasheet
    peak (the largest batch that fits, if none reaches it)."""
    if not 0 < target <= 1:
        raise ValueError(f"FLOP utilization must be in (0, 1], got {target}")
    cap = m.max_batch(
        shape, hw, n_gpus, m.tokens_held(prompt_tokens, output_tokens, on_average=True)
    )
    if cap < 1:
        raise ValueError(
            f"the weights of {shape.params / 1e9:.0f} B parameters do not fit on "
            f"{n_gpus} x {hw.chip}"
        )

    def mfu(batch: int) -> float:
        r = m.response(
            shape,
            hw,
            batch=batch,
            prompt_tokens=prompt_tokens,
            output_tokens=output_tokens,
            n_gpus=n_gpus,
        )
        return float(m.flop_utilization(r, peak_flop_per_s, n_gpus)[0])

    # FLOP utilization never falls as the batch grows (time per sequence never rises), so
    # bisect for the first batch that reaches the target.
    if mfu(cap) < target:
        return cap
    lo, hi = 1, cap
    while lo < hi:
        mid = (lo + hi) // 2
        if mfu(mid) >= target:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


#: Columns a compared row carries besides the point's own.
RESULT_COLUMNS = (
    "shape_source",
    "run_batch",
    "capped",
    "model_value",
    "ratio",
    "model_time_s",
    "model_power_w",
    "power_limit_w",
    "implied_power_w",
    "baseline_value",
    "baseline_ratio",
    "reason",
)


def compare(
    points: pd.DataFrame,
    hardware: Mapping[tuple[str, str], m.Hardware],
    peaks: Mapping[tuple[str, str], float],
    overheads: m.Overheads,
    utilization: float,
    shapes: Mapping[str, m.Shape] | None = None,
) -> pd.DataFrame:
    """One row per point: its inputs, the batch the model ran at, the model's value in the
    point's unit and boundary, and ``ratio`` (model over published); for GPU-boundary points
    also the power-limit baseline and the implied power (module docstring); ``reason`` says
    why a point could not be run. ``hardware`` and ``peaks`` (datasheet FLOP/s) are keyed by
    (chip, precision); ``shapes`` by model name (published shapes). Points that share a
    configuration are run together (one response per batch size)."""
    shapes = shapes or {}
    rows: list[dict] = []
    runs: dict[tuple, tuple[m.Shape, m.Hardware, list[dict]]] = {}
    for p in points.itertuples(index=False):
        out = {
            "point_id": p.point_id,
            "series": p.series,
            "model": p.model,
            "model_params_b": p.model_params_b,
            "gpu": p.gpu,
            "n_gpus": p.n_gpus,
            "precision": p.precision,
            "batch_size": p.batch_size,
            "value": p.value,
            "unit": p.unit,
            "boundary": p.boundary,
            "tier": p.tier,
            "checked": p.checked,
            "prompt_tokens": p.prompt_tokens,
            "output_tokens": p.output_tokens,
            "shape_source": "",
            "run_batch": math.nan,
            "capped": False,
            "model_value": math.nan,
            "ratio": math.nan,
            "model_time_s": math.nan,
            "model_power_w": math.nan,
            "power_limit_w": math.nan,
            "implied_power_w": math.nan,
            "baseline_value": math.nan,
            "baseline_ratio": math.nan,
            "reason": "",
        }
        rows.append(out)
        key = (p.gpu, p.precision)
        if (
            _blank(p.model_params_b)
            or _blank(p.output_tokens)
            or _blank(p.n_gpus)
            or key not in hardware
        ):
            out["reason"] = "model, hardware or token counts undisclosed"
            continue
        hw = m.with_utilization(hardware[key], utilization)
        if p.model in shapes:
            shape, out["shape_source"] = shapes[p.model], "published configuration"
        else:
            shape, out["shape_source"] = m.dense_shape(float(p.model_params_b)), "shape rule"
        n = int(p.n_gpus)
        prompt = 0.0 if _blank(p.prompt_tokens) else float(p.prompt_tokens)
        output = float(p.output_tokens)
        if not _blank(p.flop_utilization):
            batch = batch_at_flop_utilization(
                shape,
                hw,
                target=float(p.flop_utilization),
                peak_flop_per_s=peaks[key],
                prompt_tokens=prompt,
                output_tokens=output,
                n_gpus=n,
            )
        elif not _blank(p.batch_size):
            batch = run_batch(
                shape,
                hw,
                batch=float(p.batch_size),
                prompt_tokens=prompt,
                output_tokens=output,
                n_gpus=n,
            )
            out["capped"] = batch < float(p.batch_size)
        else:
            out["reason"] = "no batch size or utilization stated"
            continue
        if batch < 1:
            out["reason"] = "the weights do not fit in the stated GPUs' memory"
            continue
        out["run_batch"] = float(batch)
        pue = 1.0 if _blank(p.pue) else float(p.pue)
        out["_factor"] = m.boundary_factor(p.boundary, overheads, pue)
        out["_output"] = output
        config = (p.model, float(p.model_params_b), key, n, prompt, output)
        runs.setdefault(config, (shape, hw, []))[2].append(out)
    for (_, _, _, n, prompt, output), (shape, hw, members) in runs.items():
        batches = sorted({o["run_batch"] for o in members})
        r = m.response(
            shape, hw, batch=batches, prompt_tokens=prompt, output_tokens=output, n_gpus=n
        )
        by_batch = {b: i for i, b in enumerate(batches)}
        for o in members:
            i = by_batch[o["run_batch"]]
            joules = float(r.j_per_response[i]) * o.pop("_factor")
            out_tokens = o.pop("_output")
            value = joules / out_tokens if o["unit"] == "J/output token" else joules / J_PER_WH
            time_s = float(r.time_s[i])
            o.update(
                model_value=value,
                ratio=value / float(o["value"]),
                model_time_s=time_s,
                model_power_w=float(r.prefill_j[i] + r.decode_j[i]) / time_s / n,
                power_limit_w=hw.power_limit_w,
            )
            if o["unit"] == "J/output token" and o["boundary"] == "gpu":
                tokens = o["run_batch"] * out_tokens
                baseline = n * hw.power_limit_w * time_s / tokens
                o.update(
                    implied_power_w=float(o["value"]) * tokens / time_s / n,
                    baseline_value=baseline,
                    baseline_ratio=baseline / float(o["value"]),
                )
    return pd.DataFrame(rows)


def measured_points(compared: pd.DataFrame, series: str | None = None) -> pd.DataFrame:
    """The measured points that could be run (of one series, if named)."""
    c = compared[(compared["tier"] == "measured") & compared["ratio"].notna()]
    if series is not None:
        c = c[c["series"] == series]
    return c


def median_ratio(
    compared: pd.DataFrame, tier: str = "measured", series: str | None = None, column: str = "ratio"
) -> float:
    """Median model/published ratio over the points of ``tier`` (and ``series``) that could
    be run; ``column`` may name another ratio (``baseline_ratio``)."""
    c = compared[(compared["tier"] == tier) & compared["ratio"].notna()]
    if series is not None:
        c = c[c["series"] == series]
    r = c[column].dropna()
    if r.empty:
        raise ValueError(f"no {tier} point could be compared")
    return float(r.median())


def median_abs_log_error(ratios) -> float:
    """Median of |ln(ratio)|: how far off a typical point is, either way."""
    r = np.asarray(ratios, dtype=float)
    if r.size == 0 or np.any(r <= 0):
        raise ValueError("log errors need positive ratios")
    return float(np.median(np.abs(np.log(r))))


CONFIG_COLUMNS = ["model", "gpu", "n_gpus", "precision"]


def by_configuration(points: pd.DataFrame) -> pd.DataFrame:
    """Per configuration (model, GPU, GPU count, precision) of the points: how many, the
    median ratio and the median baseline ratio."""
    g = points.groupby(CONFIG_COLUMNS, sort=True)
    return pd.DataFrame(
        {
            "points": g.size(),
            "median_ratio": g["ratio"].median(),
            "median_baseline_ratio": g["baseline_ratio"].median(),
            "series": g["series"].first(),
        }
    ).reset_index()


def sign_test_p(below: int, total: int) -> float:
    """One-sided sign test: the chance that at least ``below`` of ``total`` independent
    configurations fall below 1 if each were equally likely above or below."""
    if not 0 <= below <= total:
        raise ValueError(f"need 0 <= below <= total, got {below} of {total}")
    return float(sum(math.comb(total, k) for k in range(below, total + 1)) / 2.0**total)


def bootstrap_median(
    points: pd.DataFrame, *, draws: int = 4000, seed: int = 0, level: float = 0.9
) -> tuple[float, float]:
    """Interval of the pooled median ratio, resampling whole configurations with replacement
    (points of one configuration share their errors, so they are drawn together)."""
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    groups = [g["ratio"].to_numpy(float) for _, g in points.groupby(CONFIG_COLUMNS)]
    if not groups:
        raise ValueError("no configuration to resample")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(groups), size=(draws, len(groups)))
    medians = np.array([np.median(np.concatenate([groups[i] for i in row])) for row in picks])
    lo, hi = np.quantile(medians, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)
