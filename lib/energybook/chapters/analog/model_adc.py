"""Converters and the thermal floor: ADC energy per conversion against resolution.

Pure functions of plain numbers and numpy arrays; units in the names (``_j`` joules, ``_fj``
femtojoules, ``_f`` farads, ``_v`` volts, ``_db`` decibels). Physical constants come from
:mod:`scipy.constants`, unit factors from :mod:`energybook.units`.

ADC energy per conversion is the larger of (or the sum of) the Walden line (``FOM_W * 2**b``:
doubles per bit) and the Schreier line (``10**((SNDR - FOM_S)/10) / 2`` with the ideal SNDR of
``b`` bits: quadruples per bit), never below the kT/C floor ``12 kT 4**b``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import constants

from energybook.units import factor

J_PER_FJ = factor("fJ", "J")
J_PER_PJ = factor("pJ", "J")
ROOM_TEMPERATURE_K = 300.0


def ktc_noise_v(capacitance_f, temperature_k: float = ROOM_TEMPERATURE_K):
    """RMS thermal (kT/C) noise voltage sampled on a capacitor: ``sqrt(kT/C)``."""
    c = np.asarray(capacitance_f, dtype=float)
    if np.any(c <= 0):
        raise ValueError("capacitance must be positive")
    out = np.sqrt(constants.k * temperature_k / c)
    return float(out) if out.ndim == 0 else out


def quantization_noise_v(bits, full_scale_v: float = 1.0):
    """RMS quantization noise of an ideal ``bits``-bit converter: ``LSB / sqrt(12)``."""
    return full_scale_v / 2.0 ** np.asarray(bits, dtype=float) / math.sqrt(12.0)


def min_sampling_capacitance_f(
    bits,
    full_scale_v: float = 1.0,
    temperature_k: float = ROOM_TEMPERATURE_K,
    noise_ratio: float = 1.0,
):
    """Smallest capacitor whose kT/C noise is ``noise_ratio`` times the quantization noise.

    ``sqrt(kT/C) = noise_ratio * LSB/sqrt(12)`` with ``LSB = full_scale_v / 2**bits``, so
    ``C = 12 kT 4**bits / (noise_ratio**2 full_scale_v**2)``.
    """
    if noise_ratio <= 0:
        raise ValueError("noise_ratio must be positive")
    q = quantization_noise_v(bits, full_scale_v)
    return constants.k * temperature_k / (noise_ratio * q) ** 2


def min_sampling_energy_j(
    bits, temperature_k: float = ROOM_TEMPERATURE_K, noise_ratio: float = 1.0
):
    """Least energy to charge that capacitor to full scale: ``C V**2 = 12 kT 4**b / r**2``.

    Independent of the full-scale voltage; quadruples per extra bit.
    """
    return min_sampling_capacitance_f(bits, 1.0, temperature_k, noise_ratio) * 1.0**2


def ideal_sndr_db(bits):
    """SNDR of an ideal ``bits``-bit converter with a full-scale sine: ``6.02 b + 1.76`` dB,
    computed exactly as ``10 log10(1.5 * 4**b)``."""
    return 10 * np.log10(1.5 * 4.0 ** np.asarray(bits, dtype=float))


def walden_energy_j(bits, walden_fj: float):
    """ADC energy per conversion on the Walden line: ``FOM_W * 2**bits`` (ENOB = bits)."""
    if walden_fj <= 0:
        raise ValueError("walden_fj must be positive")
    return walden_fj * J_PER_FJ * 2.0 ** np.asarray(bits, dtype=float)


def schreier_energy_j(bits, schreier_db: float):
    """ADC energy per Nyquist sample on the Schreier line.

    ``FOM_S = SNDR + 10 log10(f_nyq / (2 P))``, so ``P / f_nyq = 10**((SNDR - FOM_S)/10) / 2``
    with the ideal SNDR of ``bits`` bits: quadruples per extra bit.
    """
    return 0.5 * 10 ** ((ideal_sndr_db(bits) - schreier_db) / 10)


def adc_energy_j(
    bits,
    walden_fj: float,
    schreier_db: float,
    *,
    combine: str = "max",
    temperature_k: float = ROOM_TEMPERATURE_K,
):
    """ADC energy per conversion: Walden and Schreier lines combined, floored at kT/C.

    ``combine="max"`` takes the larger line (Walden at low resolution, Schreier, i.e.
    thermal-noise-limited, at high resolution); ``"sum"`` adds them (a smooth knee). The
    result is never below :func:`min_sampling_energy_j`.
    """
    w = walden_energy_j(bits, walden_fj)
    s = schreier_energy_j(bits, schreier_db)
    if combine == "max":
        e = np.maximum(w, s)
    elif combine == "sum":
        e = w + s
    else:
        raise ValueError("combine must be 'max' or 'sum'")
    out = np.maximum(e, min_sampling_energy_j(bits, temperature_k))
    return float(out) if np.ndim(out) == 0 else out


def adc_knee_bits(walden_fj: float, schreier_db: float) -> float:
    """Resolution where the Walden and Schreier lines cross (bits, continuous).

    ``FOM_W 2**b = 0.75 * 4**b * 10**(-FOM_S/10)`` gives
    ``b = log2(FOM_W / (0.75 * 10**(-FOM_S/10)))``.
    """
    return math.log2(walden_fj * J_PER_FJ / (0.75 * 10 ** (-schreier_db / 10)))


def walden_fj_for_knee(schreier_db: float, knee_bits: float = 1.0) -> float:
    """The Walden figure (fJ) whose line meets the Schreier line at ``knee_bits``."""
    return 2.0**knee_bits * 0.75 * 10 ** (-schreier_db / 10) / J_PER_FJ


def schreier_db_for_knee(walden_fj: float, knee_bits: float = 1.0) -> float:
    """The Schreier figure (dB) whose line meets the Walden line at ``knee_bits``."""
    return -10 * math.log10(walden_fj * J_PER_FJ / (2.0**knee_bits * 0.75))


def require_one_converter(walden_fj: float, schreier_db: float) -> float:
    """The knee (bits) of two figures of merit that describe one converter; a ``ValueError``
    when their lines would cross below 1 bit (the Walden figure would then be better than
    any converter with that Schreier figure could be at any resolution)."""
    knee = adc_knee_bits(walden_fj, schreier_db)
    if knee < 1.0:
        raise ValueError(f"the Walden and Schreier lines cross at {knee:.1f} bits, below 1 bit")
    return knee


def adc_table(
    bits, walden_fj: float, schreier_db: float, *, temperature_k: float = ROOM_TEMPERATURE_K
) -> pd.DataFrame:
    """ADC energy per conversion against resolution.

    Columns: ``bits``, ``walden_j``, ``schreier_j``, ``ktc_floor_j``, ``adc_max_j``,
    ``adc_sum_j``, ``walden_dominates`` (True where the Walden line is the larger).
    """
    b = np.atleast_1d(np.asarray(bits, dtype=float))
    w = walden_energy_j(b, walden_fj)
    s = schreier_energy_j(b, schreier_db)
    return pd.DataFrame(
        {
            "bits": b,
            "walden_j": w,
            "schreier_j": s,
            "ktc_floor_j": min_sampling_energy_j(b, temperature_k),
            "adc_max_j": adc_energy_j(
                b, walden_fj, schreier_db, combine="max", temperature_k=temperature_k
            ),
            "adc_sum_j": adc_energy_j(
                b, walden_fj, schreier_db, combine="sum", temperature_k=temperature_k
            ),
            "walden_dominates": w >= s,
        }
    )


def best_adc_fom(adc_fom: pd.DataFrame) -> dict[str, float]:
    """The best converters of the ``adc_fom`` table (Murmann's survey): ``walden_fj`` of its
    "best Walden" row and ``schreier_db`` of its "best Schreier" row."""
    t = adc_fom.set_index("statistic")
    for row in ("best Walden", "best Schreier"):
        if row not in t.index:
            raise ValueError(f"adc_fom has no row {row!r}")
    return {
        "walden_fj": float(t.loc["best Walden", "walden_fj"]),
        "schreier_db": float(t.loc["best Schreier", "schreier_db"]),
    }


def median_adc_fom(adc_fom: pd.DataFrame) -> dict[str, float]:
    """The 2020-2025 median converter of the ``adc_fom`` table."""
    t = adc_fom.set_index("statistic")
    if "median 2020-2025" not in t.index:
        raise ValueError("adc_fom has no row 'median 2020-2025'")
    return {
        "walden_fj": float(t.loc["median 2020-2025", "walden_fj"]),
        "schreier_db": float(t.loc["median 2020-2025", "schreier_db"]),
    }


def walden_grid(adc_fom: pd.DataFrame, walden_fj: float) -> list[float]:
    """Walden figures of merit (fJ per step) for a crossover map: the survey's best and
    2020-2025 median converters (``adc_fom`` table), half-decade steps from 1 to 3200 fJ, and
    ``walden_fj``; sorted, without duplicates."""
    table = {best_adc_fom(adc_fom)["walden_fj"], median_adc_fom(adc_fom)["walden_fj"]}
    steps = {1.0, 3.2, 10.0, 100.0, 320.0, 1000.0, 3200.0}
    return sorted(table | steps | {float(walden_fj)})
