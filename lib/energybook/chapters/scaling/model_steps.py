"""Where a generation's gain came from: ratios and a multiplicative decomposition.

Pure functions over the ``accelerators`` table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from energybook.chapters.scaling.model import chip_format_peak
from energybook.chapters.scaling.params import SILICON_MEASURES

NVIDIA_LINE: tuple[str, ...] = ("V100 SXM2", "A100 SXM 80GB", "H100 SXM", "B200", "GB300")
AMD_LINE: tuple[str, ...] = ("MI100", "MI250X", "MI300X", "MI355X")
FACTORS: tuple[str, ...] = ("format", "silicon", "power", "residual")


def chip(accelerators: pd.DataFrame, name: str) -> dict:
    """The row of chip ``name`` as a dict; a ValueError naming it if absent."""
    m = accelerators[accelerators["chip"] == name]
    if m.empty:
        raise ValueError(f"no accelerator named {name!r}")
    return m.iloc[0].to_dict()


def _silicon(rec: Mapping, measure: str) -> float:
    col = {"transistors": "transistors_billion", "dies": "dies"}[measure]
    v = rec.get(col)
    return math.nan if v is None or pd.isna(v) else float(v)


def decompose_step(before: Mapping, after: Mapping, precision: str = "bf16",
                   reference: str = "bf16", silicon: str = "transistors") -> dict[str, Any]:
    """Split the throughput gain from chip ``before`` to chip ``after`` into factors.

    total = peak(after, precision) / peak(before, precision)   (each chip's own format for
    "lowest"), and total = format x silicon x power x residual where

    - format   = [peak_a(fmt_a) / peak_a(ref)] / [peak_b(fmt_b) / peak_b(ref)]: the gain from
      narrower number formats, relative to the ``reference`` format (1 at a fixed format);
    - silicon  = transistors (or dies) after / before;
    - power    = board power after / before;
    - residual = what is left: throughput per transistor per watt at the reference format.

    The logs sum exactly: residual is defined as total / (format x silicon x power). Where
    the silicon measure is unpublished for either chip, ``silicon`` is NaN and the residual
    absorbs it (``residual_includes_silicon`` is 1.0). Also returned: the shares of log(total)
    of each factor, and ``efficiency`` = total / power (the gain in FLOP/s per W).
    """
    if silicon not in SILICON_MEASURES:
        raise ValueError(f"silicon must be one of {SILICON_MEASURES}")
    pa, fa = chip_format_peak(after, precision)
    pb, fb = chip_format_peak(before, precision)
    ra, _ = chip_format_peak(after, reference)
    rb, _ = chip_format_peak(before, reference)
    total = pa / pb
    fmt = (pa / ra) / (pb / rb)
    power = float(after["board_power_w"]) / float(before["board_power_w"])
    sil = _silicon(after, silicon) / _silicon(before, silicon)
    known = math.isfinite(sil)
    residual = total / (fmt * power * (sil if known else 1.0))
    logs = {"format": math.log(fmt), "silicon": math.log(sil) if known else 0.0,
            "power": math.log(power), "residual": math.log(residual)}
    lt = math.log(total)
    out = {"total": total, "format": fmt, "silicon": sil, "power": power,
           "residual": residual, "efficiency": total / power,
           "residual_includes_silicon": 0.0 if known else 1.0,
           "format_before": fb, "format_after": fa}
    for k, v in logs.items():
        out[f"log_{k}"] = v
        out[f"share_{k}"] = v / lt if lt != 0 else math.nan
    out["share_non_efficiency"] = (
        (logs["format"] + logs["silicon"] + logs["power"]) / lt if lt != 0 else math.nan)
    return out


def decompose_line(accelerators: pd.DataFrame, chips: Sequence[str], precision: str = "bf16",
                   reference: str = "bf16", silicon: str = "transistors") -> pd.DataFrame:
    """:func:`decompose_step` for each consecutive pair of ``chips`` (one row per step)."""
    rows = []
    for b, a in zip(chips[:-1], chips[1:], strict=True):
        d = decompose_step(chip(accelerators, b), chip(accelerators, a), precision,
                           reference, silicon)
        rows.append({"step": f"{b} -> {a}", "before": b, "after": a, **d})
    return pd.DataFrame(rows)


def decomposition_long(steps: pd.DataFrame) -> pd.DataFrame:
    """One row per step and factor of :func:`decompose_line` rows.

    Columns: step, factor, ratio, log10_ratio (the bars stack to log10 of the total).
    """
    rows = []
    for rec in steps.to_dict("records"):
        for f in FACTORS:
            ratio = rec[f]
            if not math.isfinite(ratio):
                continue
            rows.append({"step": rec["step"], "factor": f, "ratio": ratio,
                         "log10_ratio": math.log10(ratio)})
    return pd.DataFrame(rows, columns=["step", "factor", "ratio", "log10_ratio"])


def generation_ratios(accelerators: pd.DataFrame, before: str = "H100 SXM", after: str = "B200",
                      precision: str = "bf16") -> dict[str, float]:
    """Plain ratios after/before: throughput at ``precision``, board power, transistors, dies,
    and FLOP/s per W."""
    a, b = chip(accelerators, after), chip(accelerators, before)
    pa, _ = chip_format_peak(a, precision)
    pb, _ = chip_format_peak(b, precision)
    power = float(a["board_power_w"]) / float(b["board_power_w"])
    return {"throughput": pa / pb, "power": power,
            "transistors": _silicon(a, "transistors") / _silicon(b, "transistors"),
            "dies": _silicon(a, "dies") / _silicon(b, "dies"),
            "flop_per_j": (pa / pb) / power}


def step_summary(accelerators: pd.DataFrame, before: str = "H100 SXM", after: str = "B200",
                 precision: str = "lowest", silicon: str = "transistors") -> dict[str, float]:
    """Numbers on one generation step (e.g. Hopper -> Blackwell).

    At BF16 (a fixed format): throughput, power, transistors, flop_per_j ratios;
    power_share_percent = log(power) / log(throughput); throughput_per_transistor and
    power_per_transistor ratios. At ``precision``: the :func:`decompose_step` factors as
    ``dec_*`` (total, format, silicon, power, residual, efficiency) and shares in percent.
    """
    r = generation_ratios(accelerators, before, after, "bf16")
    out = {k: float(r[k]) for k in ("throughput", "power", "transistors", "flop_per_j")}
    out["power_share_percent"] = 100 * math.log(r["power"]) / math.log(r["throughput"])
    out["throughput_per_transistor"] = r["throughput"] / r["transistors"]
    out["power_per_transistor"] = r["power"] / r["transistors"]
    d = decompose_step(chip(accelerators, before), chip(accelerators, after), precision,
                       "bf16", silicon)
    for k in ("total", "format", "silicon", "power", "residual", "efficiency"):
        out[f"dec_{k}"] = float(d[k])
    for k in ("format", "silicon", "power", "residual", "non_efficiency"):
        out[f"dec_share_{k}_percent"] = 100 * float(d[f"share_{k}"])
    return out


def generation_decomposition(accelerators: pd.DataFrame, precision: str = "lowest",
                             reference: str = "bf16", silicon: str = "transistors",
                             lines: Mapping[str, Sequence[str]] | None = None
                             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-generation decomposition of the NVIDIA and AMD lines: (steps, long).

    steps: :func:`decompose_line` rows with a ``line`` column; long: one row per step and
    factor (line, step, factor, ratio, log10_ratio, total, log10_total) for a stacked chart.
    """
    lines = lines or {"NVIDIA": NVIDIA_LINE, "AMD": AMD_LINE}
    steps, longs = [], []
    for name, chips in lines.items():
        s = decompose_line(accelerators, chips, precision, reference, silicon).assign(line=name)
        lg = decomposition_long(s)
        total = s.set_index("step")["total"]
        lg = lg.assign(line=name, total=lg["step"].map(total).astype(float))
        steps.append(s)
        longs.append(lg)
    steps_df = pd.concat(steps, ignore_index=True)
    long = pd.concat(longs, ignore_index=True)
    long = long.assign(log10_total=np.log10(long["total"]))
    return steps_df, long
