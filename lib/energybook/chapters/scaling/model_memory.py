"""The memory wall and the shape of a matrix multiply: bandwidth per FLOP, energy of moving
data against computing on it, tile and wave quantization.

Pure functions over plain data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from energybook.chapters.scaling.model import (
    FLOP_PER_S_PER_TFLOPS,
    doubling,
    efficiency_table,
    fit_log_trend,
)
from energybook.units import factor

BYTE_PER_S_PER_TBPS = factor("TB/s", "B/s")
GBPS_PER_TBPS = factor("TB/s", "GB/s")
BITS_PER_BYTE = 8.0
QUANTITIES: tuple[str, ...] = ("memory_bw_tbps", "tflops", "byte_per_flop", "bw_gbps_per_w")


def memory_wall_table(
    accelerators: pd.DataFrame,
    precision: str = "bf16",
    vendors: Sequence[str] | None = None,
    start_year: float | None = None,
    end_year: float | None = None,
    include_estimated_power: bool = True,
) -> pd.DataFrame:
    """Bandwidth per FLOP and per watt, per chip.

    Columns: chip, vendor, year, format, tflops, memory_bw_tbps, board_power_w,
    byte_per_flop (bandwidth / peak), ridge_flop_per_byte (its inverse: the arithmetic
    intensity above which a kernel is compute-bound), bw_gbps_per_w.
    """
    t = efficiency_table(
        accelerators, precision, vendors, start_year, end_year, include_estimated_power
    )
    bw = accelerators.set_index("chip")["memory_bw_tbps"]
    t = t.assign(memory_bw_tbps=t["chip"].map(bw).astype(float)).dropna(subset=["memory_bw_tbps"])
    bps = t["memory_bw_tbps"] * BYTE_PER_S_PER_TBPS
    fps = t["tflops"] * FLOP_PER_S_PER_TFLOPS
    t = t.assign(
        byte_per_flop=bps / fps,
        ridge_flop_per_byte=fps / bps,
        bw_gbps_per_w=t["memory_bw_tbps"] * GBPS_PER_TBPS / t["board_power_w"],
    )
    return t[
        [
            "chip",
            "vendor",
            "year",
            "format",
            "tflops",
            "memory_bw_tbps",
            "board_power_w",
            "byte_per_flop",
            "ridge_flop_per_byte",
            "bw_gbps_per_w",
        ]
    ].reset_index(drop=True)


def memory_wall_trends(table: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Trends of a :func:`memory_wall_table`: bandwidth, peak, byte/FLOP, bandwidth per W.

    Columns: quantity, n, slope_per_year, slope_low, slope_high, doubling_time_years,
    halving_time_years (a negative slope is a halving: its doubling time is inf).
    """
    rows = []
    for q in QUANTITIES:
        f = fit_log_trend(table["year"], table[q], level)
        rows.append(
            {
                "quantity": q,
                "n": f.n,
                "slope_per_year": f.slope_per_year,
                "slope_low": f.slope_low,
                "slope_high": f.slope_high,
                "doubling_time_years": f.doubling_time_years,
                "halving_time_years": doubling(-f.slope_per_year),
            }
        )
    return pd.DataFrame(rows)


def memory_bound_summary(
    mw_table: pd.DataFrame, energy_per_op: pd.DataFrame, bits_per_weight: float = 16.0
) -> dict[str, float]:
    """Numbers for the memory-wall prose.

    The newest chip's ridge point (FLOP per byte) and the share of its peak reachable by
    batch-1 decoding (2 FLOP per weight of ``bits_per_weight``); the energy of reading a
    weight from HBM against one multiply-add (O'Connor 2017, Horowitz 2014, from
    ``energy_per_op``), and the batch size at which they are equal.
    """
    newest = mw_table.loc[mw_table["year"].idxmax()]
    intensity = 2.0 / (bits_per_weight / BITS_PER_BYTE)
    e = energy_per_op.set_index(["operation", "bits"])["energy_pj"]
    hbm = float(e[("HBM2 access", 1)])
    mult, add = float(e[("float mult", 16)]), float(e[("float add", 16)])
    dram_lo, dram_hi = float(e[("DRAM read (low)", 64)]), float(e[("DRAM read (high)", 64)])
    mem = bits_per_weight * hbm
    return {
        "newest_ridge_flop_per_byte": float(newest["ridge_flop_per_byte"]),
        "batch1_intensity_flop_per_byte": intensity,
        "batch1_peak_share_percent": 100 * intensity / float(newest["ridge_flop_per_byte"]),
        "hbm_pj_per_bit": hbm,
        "weight_read_pj": mem,
        "fma_pj": mult + add,
        "fp16_mult_pj": mult,
        "weight_read_over_fma": mem / (mult + add),
        "breakeven_batch": mem / (mult + add),
        "dram_read_low_pj": dram_lo,
        "dram_read_high_pj": dram_hi,
        "dram_over_fp16_mult_low": dram_lo / mult,
        "dram_over_fp16_mult_high": dram_hi / mult,
    }


def newest_chip(mw_table: pd.DataFrame) -> str:
    """The most recently released chip of a :func:`memory_wall_table`."""
    return str(mw_table.loc[mw_table["year"].idxmax(), "chip"])


# --------------------------------------------------------------------------- GEMM shapes
def gemm_efficiency(
    m, n, k=None, tile_m: int = 128, tile_n: int = 128, tile_k: int | None = None, n_sms: int = 132
) -> dict[str, np.ndarray | float]:
    """Tile and wave quantization efficiency of an M x N (x K) matrix multiply.

    The output is cut into ceil(M/tile_m) x ceil(N/tile_n) tiles, each run by one SM; the
    tiles execute in ceil(tiles / n_sms) waves. Useful work over work done:

    - tile efficiency = M N / (tiles x tile_m x tile_n)   (partial tiles at the edges)
    - wave efficiency = tiles / (waves x n_sms)            (an idle tail in the last wave)
    - k efficiency    = K / (ceil(K/tile_k) x tile_k)      (only if ``tile_k`` is given)

    ``efficiency`` is their product: the share of peak reachable from shape alone, under this
    simple model (one tile per SM at a time; NVIDIA, *Matrix Multiplication Background User's
    Guide*). Default ``n_sms`` = 132, the H100 SXM. Arrays broadcast.
    """
    M = np.asarray(m, dtype=float)
    N = np.asarray(n, dtype=float)
    if np.any(M < 1) or np.any(N < 1) or tile_m < 1 or tile_n < 1 or n_sms < 1:
        raise ValueError("dimensions, tiles and SM count must be >= 1")
    tiles = np.ceil(M / tile_m) * np.ceil(N / tile_n)
    tile_eff = (M * N) / (tiles * tile_m * tile_n)
    waves = np.ceil(tiles / n_sms)
    wave_eff = tiles / (waves * n_sms)
    k_eff = np.ones_like(tile_eff)
    if tile_k is not None and k is not None:
        K = np.asarray(k, dtype=float)
        k_eff = K / (np.ceil(K / tile_k) * tile_k) * np.ones_like(tile_eff)
    eff = tile_eff * wave_eff * k_eff

    def _out(a):
        return float(a) if np.ndim(a) == 0 else a

    return {
        "tiles": _out(tiles),
        "waves": _out(waves),
        "tile_efficiency": _out(tile_eff),
        "wave_efficiency": _out(wave_eff),
        "k_efficiency": _out(k_eff),
        "efficiency": _out(eff),
    }


def gemm_efficiency_curve(
    sizes,
    other_dim: int = 4096,
    tile_shapes: Sequence[tuple[int, int]] = ((128, 128), (256, 128)),
    n_sms: int = 132,
) -> pd.DataFrame:
    """Quantization efficiency as the output dimension N sweeps ``sizes`` (M = other_dim).

    Columns: size, tile_m, tile_n, tiles, waves, tile_efficiency, wave_efficiency,
    efficiency, multiple_of_128.
    """
    s = np.asarray(sizes, dtype=int)
    parts = []
    for tm, tn in tile_shapes:
        e = gemm_efficiency(other_dim, s, tile_m=tm, tile_n=tn, n_sms=n_sms)
        parts.append(
            pd.DataFrame(
                {
                    "size": s,
                    "tile_m": tm,
                    "tile_n": tn,
                    "tiles": e["tiles"],
                    "waves": e["waves"],
                    "tile_efficiency": e["tile_efficiency"],
                    "wave_efficiency": e["wave_efficiency"],
                    "efficiency": e["efficiency"],
                    "multiple_of_128": s % 128 == 0,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def padded_size(size: int, multiple: int) -> int:
    """``size`` rounded up to a multiple of ``multiple`` (e.g. 50,257 -> 50,304 at 64)."""
    if size < 1 or multiple < 1:
        raise ValueError("size and multiple must be >= 1")
    return int(-(-size // multiple) * multiple)


def vocab_padding_example(
    vocab: int = 50257,
    multiple: int = 64,
    tokens: int = 8192,
    tile: tuple[int, int] = (128, 128),
    n_sms: int = 132,
) -> dict[str, float]:
    """The output-layer GEMM (tokens x vocab) before and after padding the vocabulary.

    Only tile and wave quantization are modelled (:func:`gemm_efficiency`); the measured
    gains from padding also come from aligned memory access and kernel choice.
    """
    padded = padded_size(vocab, multiple)
    a = gemm_efficiency(tokens, vocab, tile_m=tile[0], tile_n=tile[1], n_sms=n_sms)
    b = gemm_efficiency(tokens, padded, tile_m=tile[0], tile_n=tile[1], n_sms=n_sms)
    return {
        "vocab": float(vocab),
        "padded": float(padded),
        "multiple": float(multiple),
        "efficiency_before_percent": 100 * float(a["efficiency"]),
        "efficiency_after_percent": 100 * float(b["efficiency"]),
        "waves_before": float(a["waves"]),
        "waves_after": float(b["waves"]),
    }
