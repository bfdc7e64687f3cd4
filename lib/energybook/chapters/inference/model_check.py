"""The roofline against published measurements: the model run at each point's conditions,
converted to the point's boundary and unit, and the model/measurement ratio.

Pure functions over the ``inference_measurements`` table and the chapter's ``Hardware``. The
model is not fitted to the points: they are the check.

- An ML.ENERGY point (GPU boards only) divides the steady-state energy of the GPUs, prompts
  processed in the window included, by the output tokens generated in it: the model's
  counterpart is the energy of a response (prefill and decode) over its output tokens.
- Its batch is vLLM's ``max_num_seqs``: the number of sequences that actually run is at most
  what the KV cache allows, so the model runs at the smaller of the two (each sequence holding
  its prompt and half its output on average).
- A point whose boundary is the facility is compared with the model's GPU energy scaled by the
  serving split's host and idle overheads and by the point's own PUE.
- An estimate that states a FLOP utilization instead of a batch (Epoch AI's) is run at the batch
  for which the model's FLOP utilization, against the datasheet peak, equals that assumption.
- A point whose model, hardware or token counts are undisclosed cannot be run: it is kept,
  with the reason, and has no ratio.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from energybook.chapters.inference import model as m

J_PER_WH = 3600.0


def run_batch(shape: m.Shape, hw: m.Hardware, *, batch: float, prompt_tokens: float,
              output_tokens: float, n_gpus: int) -> int:
    """The batch that runs when ``batch`` sequences are admitted: capped by the KV cache, each
    sequence holding its prompt and, on average, half its output."""
    cap = m.max_batch(shape, hw, n_gpus, prompt_tokens + output_tokens / 2.0)
    return int(min(batch, cap))


def batch_at_flop_utilization(shape: m.Shape, hw: m.Hardware, *, target: float,
                              peak_flop_per_s: float, prompt_tokens: float,
                              output_tokens: float, n_gpus: int) -> int:
    """The smallest batch whose response runs at ``target`` FLOP utilization of the datasheet
    peak (the largest batch that fits, if none reaches it)."""
    if not 0 < target <= 1:
        raise ValueError(f"FLOP utilization must be in (0, 1], got {target}")
    cap = m.max_batch(shape, hw, n_gpus, prompt_tokens + output_tokens / 2.0)
    if cap < 1:
        raise ValueError(f"the weights of {shape.params / 1e9:.0f} B parameters do not fit on "
                         f"{n_gpus} x {hw.chip}")
    def mfu(batch: int) -> float:
        r = m.response(shape, hw, batch=batch, prompt_tokens=prompt_tokens,
                       output_tokens=output_tokens, n_gpus=n_gpus)
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


def compare(points: pd.DataFrame, hardware: Mapping[tuple[str, str], m.Hardware],
            peaks: Mapping[tuple[str, str], float], overheads: m.Overheads,
            utilization: float) -> pd.DataFrame:
    """One row per point: its inputs, the batch the model ran at, the model's value in the
    point's unit and boundary, and ``ratio`` (model over published); ``reason`` says why a
    point could not be run. ``hardware`` and ``peaks`` (datasheet FLOP/s) are keyed by
    (chip, precision). Points that share a configuration are run together (one response per
    batch size)."""
    rows: list[dict] = []
    runs: dict[tuple, tuple[m.Shape, m.Hardware, list[dict]]] = {}
    for p in points.itertuples(index=False):
        out = {"point_id": p.point_id, "series": p.series, "model": p.model,
               "model_params_b": p.model_params_b, "gpu": p.gpu, "n_gpus": p.n_gpus,
               "precision": p.precision, "batch_size": p.batch_size, "value": p.value,
               "unit": p.unit, "boundary": p.boundary, "tier": p.tier, "checked": p.checked,
               "run_batch": math.nan, "model_value": math.nan, "ratio": math.nan,
               "reason": ""}
        rows.append(out)
        key = (p.gpu, p.precision)
        if _blank(p.model_params_b) or _blank(p.output_tokens) or _blank(p.n_gpus) or \
                key not in hardware:
            out["reason"] = "model, hardware or token counts undisclosed"
            continue
        hw = m.with_utilization(hardware[key], utilization)
        shape = m.dense_shape(float(p.model_params_b))
        n = int(p.n_gpus)
        prompt = 0.0 if _blank(p.prompt_tokens) else float(p.prompt_tokens)
        output = float(p.output_tokens)
        if not _blank(p.flop_utilization):
            batch = batch_at_flop_utilization(shape, hw, target=float(p.flop_utilization),
                                              peak_flop_per_s=peaks[key], prompt_tokens=prompt,
                                              output_tokens=output, n_gpus=n)
        elif not _blank(p.batch_size):
            batch = run_batch(shape, hw, batch=float(p.batch_size), prompt_tokens=prompt,
                              output_tokens=output, n_gpus=n)
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
        config = (float(p.model_params_b), key, n, prompt, output)
        runs.setdefault(config, (shape, hw, []))[2].append(out)
    for (_, _, n, prompt, output), (shape, hw, members) in runs.items():
        batches = sorted({o["run_batch"] for o in members})
        r = m.response(shape, hw, batch=batches, prompt_tokens=prompt, output_tokens=output,
                       n_gpus=n)
        per_response = dict(zip(batches, r.j_per_response, strict=True))
        for o in members:
            joules = float(per_response[o["run_batch"]]) * o.pop("_factor")
            out_tokens = o.pop("_output")
            value = joules / out_tokens if o["unit"] == "J/output token" else joules / J_PER_WH
            o.update(model_value=value, ratio=value / float(o["value"]))
    return pd.DataFrame(rows)


def median_ratio(compared: pd.DataFrame, tier: str = "measured") -> float:
    """Median model/published ratio over the points of ``tier`` that could be run."""
    r = compared[(compared["tier"] == tier) & compared["ratio"].notna()]["ratio"]
    if r.empty:
        raise ValueError(f"no {tier} point could be compared")
    return float(r.median())
