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
#: The factors that multiply exactly to a step's throughput ratio, in stacking order.
FACTORS: tuple[str, ...] = ("power", "format", "efficiency")
#: The fixed width the efficiency factor is measured at: the 16-bit formats, counted as one
#: width (each chip's fastest of them), so that a chip that runs BF16 at half its FP16 rate
#: (MI100) does not show that mode as a change of number format.
REFERENCE_FORMATS: tuple[str, ...] = ("bf16", "fp16")
REFERENCE = "16-bit"


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


def reference_peak(rec: Mapping, formats: Sequence[str] = REFERENCE_FORMATS) -> float:
    """A chip's peak at the reference width: the largest of its ``formats`` peaks (NaN when
    it lists none)."""
    peaks = [chip_format_peak(rec, f)[0] for f in formats]
    peaks = [v for v in peaks if math.isfinite(v)]
    return max(peaks) if peaks else math.nan


def reference_format(
    before: Mapping, after: Mapping, formats: Sequence[str] = REFERENCE_FORMATS
) -> str:
    """:data:`REFERENCE` when both chips list a peak at one of ``formats``, else ""."""
    ok = math.isfinite(reference_peak(before, formats)) and math.isfinite(
        reference_peak(after, formats)
    )
    return REFERENCE if ok else ""


def decompose_step(
    before: Mapping, after: Mapping, precision: str = "bf16", silicon: str = "transistors"
) -> dict[str, Any]:
    """Split the peak-throughput gain from chip ``before`` to chip ``after`` into factors
    that multiply exactly to it and do not overlap:

        throughput = FLOP per joule x watts,  FLOP per joule = number format x the rest, so
        total = power x format x efficiency, where

    - total      = peak(after, precision) / peak(before, precision) (each chip's own
      narrowest format for "lowest");
    - power      = board power after / before;
    - format     = [peak_a(fmt_a) / peak_a(ref)] / [peak_b(fmt_b) / peak_b(ref)]: the gain
      from counting narrower numbers, against the reference width (16 bits: each chip's
      fastest of BF16 and FP16, one width whatever the format's name); 1 at the reference
      width except where a chip runs the chosen 16-bit format below its fastest 16-bit rate
      (then it is that rate mode, not a narrower number);
    - efficiency = [peak_a(ref) / W_a] / [peak_b(ref) / W_b]: the change in FLOP per joule at
      the reference width and rated power. It is what is left once more watts and narrower
      numbers are set aside: process, circuit and architecture, and the voltage and clock
      each chip is run at. Two copies of a chip joined together have efficiency 1.

    The silicon measure (transistors or dies) is context, not a factor: ``silicon`` is its
    ratio and ``power_per_silicon`` = power / silicon, so that power = silicon x power per
    unit of silicon (NaN where the measure is unpublished). Also returned: the log of each
    factor, its share of log(total), and ``share_non_efficiency`` = the share of power and
    format together (above 1 when the efficiency factor is below 1).
    """
    if silicon not in SILICON_MEASURES:
        raise ValueError(f"silicon must be one of {SILICON_MEASURES}")
    pa, fa = chip_format_peak(after, precision)
    pb, fb = chip_format_peak(before, precision)
    ref = reference_format(before, after)
    ra = reference_peak(after) if ref else math.nan
    rb = reference_peak(before) if ref else math.nan
    wa, wb = float(after["board_power_w"]), float(before["board_power_w"])
    if not (wa > 0 and wb > 0):
        raise ValueError("board power must be positive")
    total = pa / pb
    power = wa / wb
    fmt = (pa / ra) / (pb / rb)
    eff = (ra / wa) / (rb / wb)
    sil = _silicon(after, silicon) / _silicon(before, silicon)
    out: dict[str, Any] = {
        "total": total,
        "power": power,
        "format": fmt,
        "efficiency": eff,
        "silicon": sil,
        "power_per_silicon": power / sil,
        "reference": ref,
        "format_before": fb,
        "format_after": fa,
    }
    lt = math.log(total) if total > 0 else math.nan
    for k in FACTORS:
        v = out[k]
        out[f"log_{k}"] = math.log(v) if v > 0 else math.nan
        out[f"share_{k}"] = out[f"log_{k}"] / lt if lt != 0 else math.nan
    out["share_non_efficiency"] = (
        (out["log_power"] + out["log_format"]) / lt if lt != 0 else math.nan
    )
    return out


def decompose_line(
    accelerators: pd.DataFrame,
    chips: Sequence[str],
    precision: str = "bf16",
    silicon: str = "transistors",
) -> pd.DataFrame:
    """:func:`decompose_step` for each consecutive pair of ``chips`` (one row per step)."""
    rows = []
    sub = accelerators[accelerators["chip"].isin(list(chips))]
    for b, a in zip(chips[:-1], chips[1:], strict=True):
        d = decompose_step(chip(sub, b), chip(sub, a), precision, silicon)
        rows.append({"step": f"{b} -> {a}", "before": b, "after": a, **d})
    return pd.DataFrame(rows)


def decomposition_long(steps: pd.DataFrame) -> pd.DataFrame:
    """One row per step and factor of :func:`decompose_line` rows.

    Columns: step, factor, ratio, log10_ratio (the bars stack to log10 of the total).
    """
    rows = []
    for rec in steps.to_dict("records"):
        if not math.isfinite(rec["total"]):
            continue
        for f in FACTORS:
            ratio = rec[f]
            rows.append(
                {"step": rec["step"], "factor": f, "ratio": ratio, "log10_ratio": math.log10(ratio)}
            )
    return pd.DataFrame(rows, columns=["step", "factor", "ratio", "log10_ratio"])


def generation_ratios(
    accelerators: pd.DataFrame,
    before: str = "H100 SXM",
    after: str = "B200",
    precision: str = "bf16",
) -> dict[str, float]:
    """Plain ratios after/before: throughput at ``precision``, board power, transistors, dies,
    and FLOP/s per W."""
    a, b = chip(accelerators, after), chip(accelerators, before)
    pa, _ = chip_format_peak(a, precision)
    pb, _ = chip_format_peak(b, precision)
    power = float(a["board_power_w"]) / float(b["board_power_w"])
    return {
        "throughput": pa / pb,
        "power": power,
        "transistors": _silicon(a, "transistors") / _silicon(b, "transistors"),
        "dies": _silicon(a, "dies") / _silicon(b, "dies"),
        "flop_per_j": (pa / pb) / power,
    }


def step_summary(
    accelerators: pd.DataFrame,
    before: str = "H100 SXM",
    after: str = "B200",
    precision: str = "lowest",
    silicon: str = "transistors",
) -> dict[str, float]:
    """Numbers on one generation step (e.g. Hopper -> Blackwell).

    At BF16 (a fixed format): throughput, power, transistors and FLOP/J ratios;
    power_share_percent = log(power) / log(throughput) (an identity: throughput = FLOP/J x
    watts); throughput_per_transistor and power_per_transistor ratios. At ``precision``: the
    :func:`decompose_step` factors as ``dec_*`` and their shares in percent.
    """
    r = generation_ratios(accelerators, before, after, "bf16")
    out = {k: float(r[k]) for k in ("throughput", "power", "transistors", "flop_per_j")}
    out["power_share_percent"] = 100 * math.log(r["power"]) / math.log(r["throughput"])
    out["throughput_per_transistor"] = r["throughput"] / r["transistors"]
    out["power_per_transistor"] = r["power"] / r["transistors"]
    d = decompose_step(chip(accelerators, before), chip(accelerators, after), precision, silicon)
    for k in ("total", "power", "format", "efficiency", "silicon", "power_per_silicon"):
        out[f"dec_{k}"] = float(d[k])
    for k in (*FACTORS, "non_efficiency"):
        out[f"dec_share_{k}_percent"] = 100 * float(d[f"share_{k}"])
    return out


def generation_decomposition(
    accelerators: pd.DataFrame,
    precision: str = "lowest",
    silicon: str = "transistors",
    lines: Mapping[str, Sequence[str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-generation decomposition of the NVIDIA and AMD lines: (steps, long).

    steps: :func:`decompose_line` rows with a ``line`` column; long: one row per step and
    factor (line, step, factor, ratio, log10_ratio, total, log10_total) for a stacked chart.
    """
    lines = lines or {"NVIDIA": NVIDIA_LINE, "AMD": AMD_LINE}
    steps, longs = [], []
    for name, chips in lines.items():
        s = decompose_line(accelerators, chips, precision, silicon).assign(line=name)
        lg = decomposition_long(s)
        total = s.set_index("step")["total"]
        lg = lg.assign(line=name, total=lg["step"].map(total).astype(float))
        steps.append(s)
        longs.append(lg)
    steps_df = pd.concat(steps, ignore_index=True)
    long = pd.concat(longs, ignore_index=True)
    long = long.assign(log10_total=np.log10(long["total"]))
    return steps_df, long
