"""Peak is not delivered: the book's own measured GEMMs against the datasheet's peak per watt.

Pure functions over a per-configuration summary of the measured runs (as the measured
chapter reads the ``gpu_runs`` table) and the ``accelerators`` table.
"""

from __future__ import annotations

import pandas as pd

from energybook.chapters.scaling.model import FLOP_PER_S_PER_TFLOPS, chip_format_peak

#: The measured configuration placed on the trend chart: a square BF16 GEMM, 8192 cubed.
DELIVERED_CONFIG = "square-bf16-8192"


def datasheet_chip(gpu_name: str, accelerators: pd.DataFrame) -> str:
    """The accelerators row a measured GPU is: the one chip whose first word is a word of
    the GPU's name ("NVIDIA H100 80GB HBM3" -> "H100 SXM"). A ValueError when none or
    several match."""
    words = set(str(gpu_name).replace("-", " ").split())
    hits = [c for c in accelerators["chip"] if str(c).split()[0] in words]
    if len(hits) != 1:
        raise ValueError(f"GPU {gpu_name!r} matches {len(hits)} datasheet rows ({hits})")
    return str(hits[0])


def delivered_points(
    summary: pd.DataFrame,
    accelerators: pd.DataFrame,
    config: str = DELIVERED_CONFIG,
    precision: str = "bf16",
) -> pd.DataFrame:
    """Delivered FLOP/J of ``config`` per measured run beside the datasheet's peak at
    ``precision`` per board watt of the same chip.

    ``summary`` has one row per (run, configuration), as the measured chapter reads its
    windows (each window's energy on whole counter updates, the repeats averaged): columns
    run_id, config, gpu_name, repeats, power_limit_w, tflop_per_j, and optionally
    tflop_per_j_low / _high (the envelope of the windows' bounds).

    Columns: chip, vendor, release_date, gpu_name, run_id, repeats, power_limit_w,
    delivered_flop_per_j (+ _low, _high), peak_flop_per_j, delivered_share. Empty when no
    run measured ``config``.
    """
    rows = []
    for rec in summary[summary["config"] == config].to_dict("records"):
        name = datasheet_chip(str(rec["gpu_name"]), accelerators)
        sheet = accelerators[accelerators["chip"] == name].iloc[0].to_dict()
        peak, _ = chip_format_peak(sheet, precision)
        peak_flop_per_j = peak * FLOP_PER_S_PER_TFLOPS / float(sheet["board_power_w"])
        delivered = float(rec["tflop_per_j"]) * FLOP_PER_S_PER_TFLOPS
        rows.append(
            {
                "chip": name,
                "vendor": sheet["vendor"],
                "release_date": sheet["release_date"],
                "gpu_name": str(rec["gpu_name"]),
                "run_id": str(rec["run_id"]),
                "repeats": int(rec["repeats"]),
                "power_limit_w": float(rec["power_limit_w"]),
                "delivered_flop_per_j": delivered,
                "delivered_flop_per_j_low": float(rec.get("tflop_per_j_low", rec["tflop_per_j"]))
                * FLOP_PER_S_PER_TFLOPS,
                "delivered_flop_per_j_high": float(rec.get("tflop_per_j_high", rec["tflop_per_j"]))
                * FLOP_PER_S_PER_TFLOPS,
                "peak_flop_per_j": peak_flop_per_j,
                "delivered_share": delivered / peak_flop_per_j,
            }
        )
    cols = [
        "chip",
        "vendor",
        "release_date",
        "gpu_name",
        "run_id",
        "repeats",
        "power_limit_w",
        "delivered_flop_per_j",
        "delivered_flop_per_j_low",
        "delivered_flop_per_j_high",
        "peak_flop_per_j",
        "delivered_share",
    ]
    return pd.DataFrame(rows, columns=cols).sort_values("chip", ignore_index=True)
