"""Peak is not delivered: the book's own measured GEMMs against the datasheet's peak per watt.

Pure functions over the ``gpu_runs`` table (the measurement harness's rows) and the
``accelerators`` table.
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


def delivered_points(runs: pd.DataFrame, accelerators: pd.DataFrame,
                     config: str = DELIVERED_CONFIG, precision: str = "bf16") -> pd.DataFrame:
    """Delivered FLOP/J of ``config`` per measured run (the mean of its accepted repeats of a
    full run), beside the datasheet's peak at ``precision`` per board watt of the same chip.

    Columns: chip, vendor, year (the chip's release date), gpu_name, run_id, repeats,
    power_limit_w, delivered_flop_per_j, peak_flop_per_j, delivered_share (delivered over
    peak per watt). Empty when no run measured ``config``.
    """
    ok = runs[(runs["status"] == "ok") & (runs["mode"] == "full") & (runs["config"] == config)]
    rows = []
    for (run_id, gpu), g in ok.groupby(["run_id", "gpu_name"], sort=True):
        name = datasheet_chip(str(gpu), accelerators)
        sheet = accelerators[accelerators["chip"] == name].iloc[0].to_dict()
        peak, _ = chip_format_peak(sheet, precision)
        peak_flop_per_j = peak * FLOP_PER_S_PER_TFLOPS / float(sheet["board_power_w"])
        delivered = float(g["tflop_per_j"].mean()) * FLOP_PER_S_PER_TFLOPS
        rows.append({"chip": name, "vendor": sheet["vendor"],
                     "release_date": sheet["release_date"], "gpu_name": str(gpu),
                     "run_id": str(run_id), "repeats": len(g),
                     "power_limit_w": float(g["power_limit_w"].iloc[0]),
                     "delivered_flop_per_j": delivered, "peak_flop_per_j": peak_flop_per_j,
                     "delivered_share": delivered / peak_flop_per_j})
    cols = ["chip", "vendor", "release_date", "gpu_name", "run_id", "repeats",
            "power_limit_w", "delivered_flop_per_j", "peak_flop_per_j", "delivered_share"]
    return pd.DataFrame(rows, columns=cols)
