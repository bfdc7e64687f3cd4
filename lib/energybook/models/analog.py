"""Analog in-memory computing against digital arithmetic: energy per multiply-accumulate.

The chapter "Analog computing: letting physics do the arithmetic" calls into this module.
Everything here is a pure function of plain numbers, numpy arrays and DataFrames; units are in
the names (``_j`` joules, ``_fj`` femtojoules, ``_pj`` picojoules, ``_f`` farads, ``_v`` volts,
``_db`` decibels); physical constants come from :mod:`scipy.constants`, unit factors from
:mod:`energybook.units`. The notebook loads the tables (``energy_per_op``, ``adc_fom``,
``analog_chips``, ``accelerators``, ``dc_electricity``) and passes them in.

The model, in six parts:

1. **Digital MAC** at ``b`` bits: a multiplier whose energy grows with ``b**2``, an adder at
   the product width (``2b``) whose energy grows linearly, and operand movement (weight and
   input, ``b`` bits each) from SRAM and from DRAM/HBM, each divided by a data-reuse factor.
   Coefficients are anchored to Horowitz's 45 nm figures (the ``energy_per_op`` table) and
   scaled to another node by ``(node_nm / 45) ** node_exponent`` (logic and SRAM only;
   DRAM/HBM energy per bit is set by the interface and is not scaled).
2. **Analog in-memory MAC**: weights sit in the array (no weight movement). Per MAC: the
   array's read energy (at least the kT/C floor of the column's summing capacitor, shared
   over the rows), the input DAC shared over the columns, the ADC conversion shared over the
   rows, and the input/output movement to SRAM. ADC energy per conversion is the larger of
   (or the sum of) the Walden line (``FOM_W * 2**b``: doubles per bit) and the Schreier line
   (``10**((SNDR - FOM_S)/10) / 2`` with the ideal SNDR of ``b`` bits: quadruples per bit),
   never below the kT/C floor ``12 kT 4**b``.
3. **Crossover**: the precision where analog / digital energy per MAC reaches 1, and maps of
   it over two parameters.
4. **Accuracy under analog noise**: a small MLP trained with scikit-learn on the digits data,
   run with ``b``-bit weights, ``b``-bit inputs (DAC), Gaussian noise at each MAC output
   (column) whose rms is ``noise_ratio`` times the ADC's quantization noise, and ``b``-bit
   output conversion (ADC). Seeded; accuracy against modelled energy per MAC.
5. **Published chips** against digital accelerators at matching precision.
6. **What it could change**: 2030 data-centre energy saved if a noise-tolerant share of AI
   inference ran on analog, and how a constant-elasticity rebound takes part of it back;
   its uncertainty (declared distributions of the shares, the achieved analog/digital ratio
   and the elasticity, a seeded Monte Carlo and a tornado) with the shared module
   :mod:`energybook.uncertainty`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import constants

from energybook.uncertainty import (
    PERT,
    Beta,
    Dist,
    Fixed,
    LogUniform,
    medians,
    monte_carlo,
    probability,
    summarize,
    tornado,
)
from energybook.units import factor

J_PER_FJ = factor("fJ", "J")
J_PER_PJ = factor("pJ", "J")
HOROWITZ_NODE_NM = 45.0
ROOM_TEMPERATURE_K = 300.0

# Defaults of the analog model's circuit assumptions (not sourced figures: order-of-magnitude
# engineering estimates, each a parameter the reader can change).
DEFAULT_CELL_ENERGY_FJ = 1.0  # read of one resistive cell: ~1 uA x 0.2 V x 5 ns
DEFAULT_DAC_ENERGY_PER_LEVEL_FJ = 0.5  # charge-redistribution / pulse DAC, per output level


def _ops_per_s(tera_ops_per_s):
    """Operations per second from tera-operations per second (pint: THz -> Hz)."""
    return np.asarray(tera_ops_per_s, dtype=float) * factor("THz", "Hz")


# ============================================================================ node scaling
def node_scale(node_nm, reference_nm: float = HOROWITZ_NODE_NM, exponent: float = 1.0):
    """Energy multiplier of logic/SRAM at ``node_nm`` relative to ``reference_nm``.

    ``(node_nm / reference_nm) ** exponent``. An exponent of 1 treats switched capacitance as
    the only thing that shrinks (supply voltage has barely scaled since ~65 nm); 3 would be
    classical Dennard scaling. Node names below ~20 nm are labels, not lengths: treat the
    exponent as an uncertain parameter.
    """
    node = np.asarray(node_nm, dtype=float)
    if np.any(node <= 0):
        raise ValueError("node_nm must be positive")
    out = (node / reference_nm) ** exponent
    return float(out) if out.ndim == 0 else out


# ============================================================================ (1) digital MAC
def digital_anchors(energy_per_op: pd.DataFrame, *, sram: str = "SRAM read 32 KB",
                    dram: str = "HBM2 access") -> dict[str, float]:
    """Per-bit energy coefficients at 45 nm, fitted to the ``energy_per_op`` table.

    Returns ``mult_pj_per_bit2`` (geometric mean of E/bits**2 over the integer multiply rows),
    ``add_pj_per_bit`` (geometric mean of E/bits over the integer add rows),
    ``sram_pj_per_bit`` and ``dram_pj_per_bit`` (the named rows' energy / bits read) and
    ``node_nm`` (45).
    """
    df = energy_per_op
    need = {"operation", "bits", "energy_pj"}
    if not need <= set(df.columns):
        raise ValueError(f"energy_per_op needs columns {sorted(need)}")

    def rows(op):
        r = df[df["operation"] == op]
        if r.empty:
            raise ValueError(f"energy_per_op has no row {op!r}")
        return r["energy_pj"].to_numpy(float), r["bits"].to_numpy(float)

    e, b = rows("int mult")
    mult = float(np.exp(np.mean(np.log(e / b**2))))
    e, b = rows("int add")
    add = float(np.exp(np.mean(np.log(e / b))))
    e, b = rows(sram)
    sram_pj = float(np.mean(e / b))
    e, b = rows(dram)
    dram_pj = float(np.mean(e / b))
    return {"mult_pj_per_bit2": mult, "add_pj_per_bit": add, "sram_pj_per_bit": sram_pj,
            "dram_pj_per_bit": dram_pj, "node_nm": HOROWITZ_NODE_NM}


def digital_mac_breakdown(bits, anchors: Mapping[str, float], *, node_nm: float = 4.0,
                          node_exponent: float = 1.0, sram_reuse: float = 16.0,
                          dram_reuse: float = 256.0) -> pd.DataFrame:
    """Components of the digital energy per MAC (J) at each precision in ``bits``.

    Columns: ``bits``, ``multiply_j`` (``k_m b**2``), ``add_j`` (``k_a 2b``: the accumulator
    adds the ``2b``-bit product), ``sram_j`` (two ``b``-bit operands read from SRAM, each
    reused ``sram_reuse`` times), ``dram_j`` (the same from DRAM/HBM, reused ``dram_reuse``
    times; ``inf`` for none), ``total_j``.
    """
    b = np.atleast_1d(np.asarray(bits, dtype=float))
    if np.any(b <= 0):
        raise ValueError("bits must be positive")
    if sram_reuse <= 0 or dram_reuse <= 0:
        raise ValueError("reuse factors must be positive")
    s = node_scale(node_nm, anchors["node_nm"], node_exponent)
    mult = anchors["mult_pj_per_bit2"] * b**2 * s * J_PER_PJ
    add = anchors["add_pj_per_bit"] * 2 * b * s * J_PER_PJ
    sram = anchors["sram_pj_per_bit"] * 2 * b / sram_reuse * s * J_PER_PJ
    dram = anchors["dram_pj_per_bit"] * 2 * b / dram_reuse * J_PER_PJ
    return pd.DataFrame({"bits": b, "multiply_j": mult, "add_j": add, "sram_j": sram,
                         "dram_j": dram, "total_j": mult + add + sram + dram})


def digital_mac_energy_j(bits, anchors: Mapping[str, float], **kwargs):
    """Digital energy per MAC in joules (see :func:`digital_mac_breakdown` for kwargs)."""
    out = digital_mac_breakdown(bits, anchors, **kwargs)["total_j"].to_numpy()
    return float(out[0]) if np.ndim(bits) == 0 else out


_DIGITAL_PRECISIONS = (("int8_tops", "INT8", 8), ("fp8_tflops", "FP8", 8),
                       ("fp4_tflops", "FP4", 4), ("bf16_tflops", "BF16", 16))


DEFAULT_GPUS = ("H100 SXM", "B200", "GB300")


def _year(r) -> float:
    if "year" in r and not pd.isna(r["year"]):
        return float(r["year"])
    d = r.get("release_date")
    if d is None or (not isinstance(d, str) and pd.isna(d)):
        return math.nan
    return float(str(d)[:4])


def _accelerator_rows(accelerators: pd.DataFrame,
                      chips: Sequence[str] | None = DEFAULT_GPUS) -> pd.DataFrame:
    if chips is not None:
        missing = sorted(set(chips) - set(accelerators["chip"]))
        if missing:
            raise ValueError(f"accelerators has no rows for {missing}")
        accelerators = accelerators[accelerators["chip"].isin(chips)]
    rows = []
    for _, r in accelerators.iterrows():
        for col, label, b in _DIGITAL_PRECISIONS:
            v = r.get(col)
            if v is None or pd.isna(v) or v <= 0:
                continue
            rows.append({"chip": r["chip"], "precision_label": label, "precision_bits": b,
                         "tops": float(v), "power_w": float(r["board_power_w"]),
                         "year": _year(r)})
    return pd.DataFrame(rows, columns=["chip", "precision_label", "precision_bits", "tops",
                                       "power_w", "year"])


def _best_per_bits(df: pd.DataFrame) -> pd.DataFrame:
    """Keep, for each chip and bit width, the precision format with the most operations per
    second (e.g. FP8 where INT8 was cut, as on GB300)."""
    if df.empty:
        return df
    idx = df.groupby(["chip", "precision_bits"], sort=False)["tops"].idxmax()
    return df.loc[sorted(idx)].reset_index(drop=True)


def gpu_check(accelerators: pd.DataFrame, anchors: Mapping[str, float], *,
              chips: Sequence[str] | None = DEFAULT_GPUS, best_per_bits: bool = False,
              **digital_kw) -> pd.DataFrame:
    """Today's GPUs' energy per MAC at board power against the digital model.

    One row per chip (``chips``; None for all) and precision column present (``int8_tops``, ``fp8_tflops``,
    ``fp4_tflops``, ``bf16_tflops``; dense figures assumed). A MAC is two operations, so
    ``board_energy_per_mac_j = 2 * board_power_w / ops_per_s``. Columns: ``chip``,
    ``precision_label``, ``precision_bits``, ``tops``, ``power_w``,
    ``board_energy_per_mac_j``, ``model_energy_per_mac_j``, ``board_to_model``: how much of
    the board's energy the MAC model does not account for (control, register files, caches,
    interconnect, leakage, idle units, power delivery). ``best_per_bits`` keeps one row per
    chip and bit width: the fastest format at that width.
    """
    df = _accelerator_rows(accelerators, chips)
    if best_per_bits:
        df = _best_per_bits(df)
    df["board_energy_per_mac_j"] = 2 * df["power_w"] / _ops_per_s(df["tops"])
    df["model_energy_per_mac_j"] = digital_mac_energy_j(
        df["precision_bits"].to_numpy(float), anchors, **digital_kw)
    df["board_to_model"] = df["board_energy_per_mac_j"] / df["model_energy_per_mac_j"]
    return df.drop(columns="year")


# ============================================================================ (2) ADC, kT/C
def thermal_energy_j(temperature_k: float = ROOM_TEMPERATURE_K) -> float:
    """kT in joules."""
    return constants.k * temperature_k


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


def min_sampling_capacitance_f(bits, full_scale_v: float = 1.0,
                               temperature_k: float = ROOM_TEMPERATURE_K,
                               noise_ratio: float = 1.0):
    """Smallest capacitor whose kT/C noise is ``noise_ratio`` times the quantization noise.

    ``sqrt(kT/C) = noise_ratio * LSB/sqrt(12)`` with ``LSB = full_scale_v / 2**bits``, so
    ``C = 12 kT 4**bits / (noise_ratio**2 full_scale_v**2)``.
    """
    if noise_ratio <= 0:
        raise ValueError("noise_ratio must be positive")
    q = quantization_noise_v(bits, full_scale_v)
    return constants.k * temperature_k / (noise_ratio * q) ** 2


def min_sampling_energy_j(bits, temperature_k: float = ROOM_TEMPERATURE_K,
                          noise_ratio: float = 1.0):
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


def adc_energy_j(bits, walden_fj: float, schreier_db: float, *, combine: str = "max",
                 temperature_k: float = ROOM_TEMPERATURE_K):
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


def adc_table(bits, walden_fj: float, schreier_db: float, *,
              temperature_k: float = ROOM_TEMPERATURE_K) -> pd.DataFrame:
    """Chart dataset: ADC energy per conversion against resolution.

    Columns: ``bits``, ``walden_j``, ``schreier_j``, ``ktc_floor_j``, ``adc_max_j``,
    ``adc_sum_j``, ``regime`` ("Walden" where that line dominates, else "thermal").
    """
    b = np.atleast_1d(np.asarray(bits, dtype=float))
    w = walden_energy_j(b, walden_fj)
    s = schreier_energy_j(b, schreier_db)
    return pd.DataFrame({
        "bits": b, "walden_j": w, "schreier_j": s,
        "ktc_floor_j": min_sampling_energy_j(b, temperature_k),
        "adc_max_j": adc_energy_j(b, walden_fj, schreier_db, combine="max",
                                  temperature_k=temperature_k),
        "adc_sum_j": adc_energy_j(b, walden_fj, schreier_db, combine="sum",
                                  temperature_k=temperature_k),
        "regime": np.where(w >= s, "Walden", "thermal"),
    })


# ============================================================================ analog MAC
def analog_mac_breakdown(bits, anchors: Mapping[str, float], *, array_rows: int = 256,
                         array_cols: int | None = None, walden_fj: float = 32.0,
                         schreier_db: float = 170.0, node_nm: float = 4.0,
                         node_exponent: float = 1.0, noise_ratio: float = 1.0,
                         cell_energy_fj: float = DEFAULT_CELL_ENERGY_FJ,
                         dac_energy_per_level_fj: float = DEFAULT_DAC_ENERGY_PER_LEVEL_FJ,
                         adc_combine: str = "max",
                         temperature_k: float = ROOM_TEMPERATURE_K) -> pd.DataFrame:
    """Components of the analog in-memory energy per MAC (J) at each precision in ``bits``.

    An array of ``array_rows`` x ``array_cols`` cells holds the weights. One matrix-vector
    step converts ``array_rows`` inputs (DACs), sums ``array_rows`` products on each column
    and converts each column once (ADC). Per MAC:

    - ``array_j``: ``max(cell_energy, 12 kT 4**b / noise_ratio**2 / rows)``: each column's
      summing capacitor must hold kT/C noise to ``noise_ratio`` times the quantization noise
      of a ``b``-bit result, and that charge is shared over the rows;
    - ``dac_j``: ``dac_energy_per_level * 2**b / cols`` (an input drives every column);
    - ``adc_j``: :func:`adc_energy_j` ``/ rows``;
    - ``movement_j``: inputs read and outputs written at ``b`` bits from SRAM (Horowitz
      per-bit energy, node-scaled): ``b (1/cols + 1/rows)`` bits per MAC. Weights stay put.

    ADC and array energies are not node-scaled (analog precision does not shrink with the
    node); the SRAM movement is.
    """
    b = np.atleast_1d(np.asarray(bits, dtype=float))
    rows = float(array_rows)
    cols = float(array_cols if array_cols is not None else array_rows)
    if rows < 1 or cols < 1:
        raise ValueError("array dimensions must be at least 1")
    thermal = min_sampling_energy_j(b, temperature_k, noise_ratio) / rows
    array = np.maximum(cell_energy_fj * J_PER_FJ, thermal)
    dac = dac_energy_per_level_fj * J_PER_FJ * 2.0**b / cols
    adc = np.asarray(adc_energy_j(b, walden_fj, schreier_db, combine=adc_combine,
                                  temperature_k=temperature_k)) / rows
    s = node_scale(node_nm, anchors["node_nm"], node_exponent)
    move = anchors["sram_pj_per_bit"] * s * J_PER_PJ * b * (1 / cols + 1 / rows)
    return pd.DataFrame({"bits": b, "array_j": array, "dac_j": dac, "adc_j": adc,
                         "movement_j": move, "total_j": array + dac + adc + move})


def analog_mac_energy_j(bits, anchors: Mapping[str, float], **kwargs):
    """Analog in-memory energy per MAC in joules (kwargs: :func:`analog_mac_breakdown`)."""
    out = analog_mac_breakdown(bits, anchors, **kwargs)["total_j"].to_numpy()
    return float(out[0]) if np.ndim(bits) == 0 else out


_DIGITAL_KEYS = ("node_nm", "node_exponent", "sram_reuse", "dram_reuse")
_ANALOG_KEYS = ("array_rows", "array_cols", "walden_fj", "schreier_db", "node_nm",
                "node_exponent", "noise_ratio", "cell_energy_fj", "dac_energy_per_level_fj",
                "adc_combine", "temperature_k")


def _split(kw: Mapping[str, Any]) -> tuple[dict, dict]:
    unknown = set(kw) - set(_DIGITAL_KEYS) - set(_ANALOG_KEYS)
    if unknown:
        raise TypeError(f"unknown model arguments: {sorted(unknown)}")
    return ({k: v for k, v in kw.items() if k in _DIGITAL_KEYS},
            {k: v for k, v in kw.items() if k in _ANALOG_KEYS})


def energy_ratio(bits, anchors: Mapping[str, float], **kw):
    """Analog / digital energy per MAC at ``bits`` (below 1: analog wins).

    ``kw``: any argument of :func:`digital_mac_breakdown` or :func:`analog_mac_breakdown`
    (``node_nm`` and ``node_exponent`` apply to both).
    """
    dkw, akw = _split(kw)
    out = analog_mac_energy_j(bits, anchors, **akw) / digital_mac_energy_j(bits, anchors, **dkw)
    return float(out) if np.ndim(out) == 0 else out


def energy_vs_bits(bits, anchors: Mapping[str, float], **kw) -> pd.DataFrame:
    """Chart dataset: energy per MAC against precision for both substrates (wide).

    Columns: ``bits``, ``digital_j``, ``analog_j``, ``ratio`` (analog / digital), and every
    component prefixed ``digital_`` / ``analog_`` (``digital_multiply_j``, ..., ``analog_adc_j``).
    """
    dkw, akw = _split(kw)
    d = digital_mac_breakdown(bits, anchors, **dkw).set_index("bits").add_prefix("digital_")
    a = analog_mac_breakdown(bits, anchors, **akw).set_index("bits").add_prefix("analog_")
    out = d.join(a).reset_index()
    out = out.rename(columns={"digital_total_j": "digital_j", "analog_total_j": "analog_j"})
    out["ratio"] = out["analog_j"] / out["digital_j"]
    return out


def energy_components_long(bits, anchors: Mapping[str, float], **kw) -> pd.DataFrame:
    """The same in long form for stacked charts: ``bits``, ``substrate`` ("digital" /
    "analog"), ``component``, ``energy_per_mac_j`` (totals under component "total")."""
    dkw, akw = _split(kw)
    frames = []
    for name, df in (("digital", digital_mac_breakdown(bits, anchors, **dkw)),
                     ("analog", analog_mac_breakdown(bits, anchors, **akw))):
        long = df.melt(id_vars="bits", var_name="component", value_name="energy_per_mac_j")
        long["component"] = long["component"].str.removesuffix("_j")
        long.insert(1, "substrate", name)
        frames.append(long)
    return pd.concat(frames, ignore_index=True)


# ============================================================================ (3) crossover
def crossover(anchors: Mapping[str, float], *, bits_min: float = 1.0, bits_max: float = 24.0,
              step: float = 0.01, **kw) -> tuple[float, str]:
    """Precision (bits, continuous) above which analog stops winning, and the regime.

    Evaluates the ratio on a grid from ``bits_min`` to ``bits_max`` and interpolates
    ``log(ratio)`` linearly at the first upward crossing of 1. Returns ``(bits, "crossover")``,
    or ``(nan, "analog wins throughout")`` / ``(nan, "digital wins throughout")`` when the ratio
    stays on one side of 1 over the whole range.
    """
    grid = np.arange(bits_min, bits_max + step / 2, step)
    lr = np.log(energy_ratio(grid, anchors, **kw))
    above = lr >= 0
    if above[0]:
        return math.nan, "digital wins throughout"
    if not above.any():
        return math.nan, "analog wins throughout"
    i = int(np.argmax(above))
    x0, x1, y0, y1 = grid[i - 1], grid[i], lr[i - 1], lr[i]
    return float(x0 + (0 - y0) * (x1 - x0) / (y1 - y0)), "crossover"


def crossover_bits(anchors: Mapping[str, float], **kw) -> float:
    """Headline: the crossover precision in bits (nan if there is none in range)."""
    return crossover(anchors, **kw)[0]


def crossover_map(anchors: Mapping[str, float], x_name: str, x_values: Iterable[float],
                  y_name: str, y_values: Iterable[float], **kw) -> pd.DataFrame:
    """Chart dataset: the crossover precision over a grid of two model arguments.

    ``x_name``/``y_name`` are any arguments of :func:`energy_ratio` (for example
    ``"array_rows"`` and ``"walden_fj"``, or ``"array_rows"`` and ``"node_nm"``); ``kw`` fixes
    the others. Columns: ``x_name``, ``y_name``, ``crossover_bits``, ``regime``.
    """
    if x_name == y_name:
        raise ValueError("x_name and y_name must differ")
    rows = []
    for xv in x_values:
        for yv in y_values:
            args = {**kw, x_name: xv, y_name: yv}
            bits, regime = crossover(anchors, **args)
            rows.append({x_name: xv, y_name: yv, "crossover_bits": bits, "regime": regime})
    return pd.DataFrame(rows)


# ============================================================================ (4) noise experiment
def train_digits_mlp(X, y, *, seed: int, hidden_units: int = 32, test_fraction: float = 0.3,
                     max_iter: int = 50, learning_rate_init: float = 0.01) -> dict[str, Any]:
    """Train a one-hidden-layer ReLU MLP (scikit-learn) on ``X, y``; return its parameters.

    Adam with a step of ``learning_rate_init`` for ``max_iter`` epochs: on the digits data the
    defaults reach about 97% test accuracy in a fraction of a second (200 epochs at the
    default step of 0.001 reach the same accuracy four times slower).

    ``X`` is scaled to [0, 1] by its maximum; the split is stratified and seeded with
    ``seed``, as is the network's initialisation. The returned dict holds ``weights`` and
    ``biases`` (lists of arrays), the scaled ``X_train``/``X_test``, ``y_test``, ``seed`` and
    the float model's test accuracy ``digital_accuracy``.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    X = np.asarray(X, dtype=float)
    X = X / X.max()
    y = np.asarray(y)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_fraction, random_state=seed,
                                              stratify=y)
    clf = MLPClassifier(hidden_layer_sizes=(hidden_units,), activation="relu",
                        max_iter=max_iter, random_state=seed, alpha=1e-3,
                        learning_rate_init=learning_rate_init)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_tr, y_tr)
    model = {"weights": [w.copy() for w in clf.coefs_],
             "biases": [b.copy() for b in clf.intercepts_],
             "classes": clf.classes_.copy(), "X_train": X_tr, "X_test": X_te, "y_test": y_te,
             "seed": int(seed)}
    model["digital_accuracy"] = float(np.mean(_forward_float(model, X_te) == y_te))
    return model


def _forward_float(model, X):
    h = X
    n = len(model["weights"])
    for i, (w, b) in enumerate(zip(model["weights"], model["biases"], strict=True)):
        h = h @ w + b
        if i < n - 1:
            h = np.maximum(h, 0)
    return model["classes"][np.argmax(h, axis=-1)]


def _quantize_signed(x, bits: float, full_scale):
    """Uniform ``bits``-bit quantization on [-full_scale, full_scale] with clipping."""
    levels = 2.0 ** bits
    lsb = 2 * full_scale / levels
    return np.clip(np.round(x / lsb) * lsb, -full_scale, full_scale)


def _quantize_unsigned(x, bits: float, full_scale):
    lsb = full_scale / (2.0 ** bits - 1)
    return np.clip(np.round(x / lsb) * lsb, 0, full_scale)


def _calibrate(model):
    """Per-layer input and MAC-output full scales from the float model on training data."""
    h = model["X_train"]
    in_fs, out_fs = [], []
    n = len(model["weights"])
    for i, (w, b) in enumerate(zip(model["weights"], model["biases"], strict=True)):
        in_fs.append(float(h.max()) or 1.0)
        z = h @ w
        out_fs.append(float(np.abs(z).max()) or 1.0)
        h = z + b
        if i < n - 1:
            h = np.maximum(h, 0)
    return in_fs, out_fs


def analog_accuracy(model: Mapping[str, Any], bits: float, noise_ratio: float,
                    rng: np.random.Generator, repeats: int = 1) -> np.ndarray:
    """Test accuracy of ``model`` run as an analog in-memory network, ``repeats`` draws.

    Each layer: inputs quantized to ``bits`` (DAC, unsigned), weights to ``bits`` (signed,
    per-layer max-abs scale), the MAC output gets Gaussian noise of rms
    ``noise_ratio * LSB / sqrt(12)`` (``LSB = 2 FS / 2**bits``, FS the calibrated full scale)
    and is converted at ``bits`` (ADC, clipped); bias and ReLU are digital. Returns an array
    of ``repeats`` accuracies.
    """
    in_fs, out_fs = _calibrate(model)
    X, y = model["X_test"], model["y_test"]
    h = np.broadcast_to(X, (repeats, *X.shape))
    n = len(model["weights"])
    for i, (w, b) in enumerate(zip(model["weights"], model["biases"], strict=True)):
        wq = _quantize_signed(w, bits, np.abs(w).max())
        z = _quantize_unsigned(h, bits, in_fs[i]) @ wq
        lsb = 2 * out_fs[i] / 2.0**bits
        sigma = noise_ratio * lsb / math.sqrt(12.0)
        if sigma > 0:
            z = z + sigma * rng.standard_normal(z.shape)
        h = _quantize_signed(z, bits, out_fs[i]) + b
        if i < n - 1:
            h = np.maximum(h, 0)
    pred = model["classes"][np.argmax(h, axis=-1)]
    return np.mean(pred == y, axis=-1)


def noise_experiment(models: Sequence[Mapping[str, Any]], bits_grid: Iterable[float],
                     noise_ratios: Iterable[float], *, repeats: int = 4) -> pd.DataFrame:
    """Accuracy of each trained model at each precision and noise level (long form).

    Noise draws come from ``numpy.random.default_rng(model["seed"])`` spawned per
    (bits, noise) cell, so a result depends only on the models' seeds. Columns: ``seed``,
    ``bits``, ``noise_ratio``, ``accuracy`` (mean of ``repeats`` draws), ``digital_accuracy``.
    """
    bits_grid = [float(b) for b in bits_grid]
    noise_ratios = [float(r) for r in noise_ratios]
    rows = []
    for m in models:
        children = np.random.default_rng(m["seed"]).spawn(len(bits_grid) * len(noise_ratios))
        k = 0
        for b in bits_grid:
            for r in noise_ratios:
                acc = analog_accuracy(m, b, r, children[k], repeats)
                k += 1
                rows.append({"seed": m["seed"], "bits": b, "noise_ratio": r,
                             "accuracy": float(acc.mean()),
                             "digital_accuracy": m["digital_accuracy"]})
    return pd.DataFrame(rows)


def accuracy_vs_energy(X, y, anchors: Mapping[str, float], *, bits_grid: Iterable[float],
                       seed: int = 0, n_seeds: int = 5, noise_ratio: float = 1.0,
                       hidden_units: int = 32, repeats: int = 4,
                       models: Sequence[Mapping[str, Any]] | None = None,
                       **analog_kw) -> pd.DataFrame:
    """Chart dataset: accuracy of the digits MLP against analog energy per MAC.

    Trains ``n_seeds`` models (seeds ``seed .. seed+n_seeds-1``; or pass ``models``), runs
    :func:`noise_experiment` at ``noise_ratio`` over ``bits_grid`` and joins the modelled
    analog energy per MAC at each precision (``analog_kw``: arguments of
    :func:`analog_mac_breakdown`; ``noise_ratio`` is shared). One row per precision:
    ``bits``, ``noise_ratio``, ``energy_per_mac_j``, ``accuracy_mean``, ``accuracy_sd``,
    ``accuracy_min``, ``accuracy_max``, ``n_seeds``, ``digital_accuracy`` (mean over seeds of
    the float model), ``drop_pp`` (digital minus analog mean, percentage points).
    """
    if models is None:
        models = [train_digits_mlp(X, y, seed=seed + i, hidden_units=hidden_units)
                  for i in range(n_seeds)]
    runs = noise_experiment(models, bits_grid, [noise_ratio], repeats=repeats)
    g = runs.groupby("bits")
    out = pd.DataFrame({
        "accuracy_mean": g["accuracy"].mean(), "accuracy_sd": g["accuracy"].std(ddof=1),
        "accuracy_min": g["accuracy"].min(), "accuracy_max": g["accuracy"].max(),
        "n_seeds": g["seed"].nunique(), "digital_accuracy": g["digital_accuracy"].mean(),
    }).reset_index()
    out.insert(1, "noise_ratio", float(noise_ratio))
    out.insert(2, "energy_per_mac_j", analog_mac_energy_j(
        out["bits"].to_numpy(float), anchors, noise_ratio=noise_ratio, **analog_kw))
    out["drop_pp"] = 100 * (out["digital_accuracy"] - out["accuracy_mean"])
    return out


def least_energy_within(table: pd.DataFrame, tolerance_pp: float = 1.0) -> dict[str, float]:
    """The cheapest row of :func:`accuracy_vs_energy` within ``tolerance_pp`` of digital.

    Returns ``bits``, ``energy_per_mac_j``, ``accuracy_mean``, ``drop_pp``; all nan when no
    precision is within tolerance.
    """
    ok = table[table["drop_pp"] <= tolerance_pp]
    if ok.empty:
        return {"bits": math.nan, "energy_per_mac_j": math.nan, "accuracy_mean": math.nan,
                "drop_pp": math.nan}
    r = ok.loc[ok["energy_per_mac_j"].idxmin()]
    return {k: float(r[k]) for k in ("bits", "energy_per_mac_j", "accuracy_mean", "drop_pp")}


# ============================================================================ (5) published chips
def chips_comparison(analog_chips: pd.DataFrame, accelerators: pd.DataFrame, *,
                     chips: Sequence[str] | None = DEFAULT_GPUS,
                     precisions: Iterable[int] | None = None,
                     best_per_bits: bool = False) -> pd.DataFrame:
    """Chart dataset: TOPS/W of analog and other non-von-Neumann chips and of digital GPUs.

    Analog rows come from the ``analog_chips`` table; their ``tops_per_w`` is the stated
    figure, or ``tops / power_w`` where none is stated (``derived`` says which). Digital rows
    are each accelerator named in ``chips`` (None: all) at each dense precision column it has
    (board power, vendor figures, level "card"), kept only at ``precisions`` (default: those of the analog rows). Columns:
    ``chip``, ``family`` ("analog and other non-von-Neumann" or "digital accelerator"), ``substrate``, ``level``,
    ``claim_type``, ``precision_bits``, ``precision_label``, ``tops``, ``power_w``,
    ``tops_per_w``, ``derived``, ``energy_per_op_pj``, ``year``, ``checked``.
    ``best_per_bits`` keeps one digital row per chip and bit width (its fastest format).
    """
    a = analog_chips.copy()
    stated = a["tops_per_w"].notna()
    a["derived"] = ~stated
    a.loc[~stated, "tops_per_w"] = a.loc[~stated, "tops"] / a.loc[~stated, "power_w"]
    a["family"] = "analog and other non-von-Neumann"
    a = a[["chip", "family", "substrate", "level", "claim_type", "precision_bits",
           "precision_label", "tops", "power_w", "tops_per_w", "derived", "year", "checked"]]
    d = _accelerator_rows(accelerators, chips)
    if best_per_bits:
        d = _best_per_bits(d)
    if "checked" in accelerators.columns:
        d = d.merge(accelerators[["chip", "checked"]], on="chip", how="left")
    else:
        d["checked"] = "unverified"
    d["family"] = "digital accelerator"
    d["substrate"] = "digital CMOS"
    d["level"] = "card"
    d["claim_type"] = "vendor"
    d["tops_per_w"] = d["tops"] / d["power_w"]
    d["derived"] = True
    keep = set(precisions) if precisions is not None else set(a["precision_bits"].dropna())
    d = d[d["precision_bits"].isin(keep)][a.columns]
    out = pd.concat([a, d], ignore_index=True)
    out["energy_per_op_pj"] = 1.0 / out["tops_per_w"]  # 1 / (1e12 op/J) = 1 pJ per op
    return out


# ============================================================================ (6) 2030 saving
def dc_energy_twh(dc_electricity: pd.DataFrame, *, year: int = 2030, case: str = "IEA Base",
                  scope: str = "World") -> float:
    """The data-centre electricity of one row of the ``dc_electricity`` table (TWh/year)."""
    r = dc_electricity[(dc_electricity["scope"] == scope) & (dc_electricity["year"] == year)
                       & (dc_electricity["case"] == case)]
    if len(r) != 1:
        cases = sorted(dc_electricity.loc[dc_electricity["year"] == year, "case"].unique())
        raise ValueError(f"no single row for {scope} {year} {case!r}; cases: {cases}")
    return float(r["energy_twh"].iloc[0])


def analog_saving(energy_twh: float, ai_share: float, inference_share: float,
                  tolerant_share: float, energy_ratio: float, *, elasticity: float = 0.0,
                  energy_share: float = 1.0) -> dict[str, float]:
    """Energy saved if the noise-tolerant share of AI inference ran on analog.

    ``addressable = energy_twh * ai_share * inference_share * tolerant_share``; analog uses
    ``energy_ratio`` (analog / digital energy for the same work) of it, so the gross saving
    is ``addressable * (1 - energy_ratio)``.

    Rebound, with constant-elasticity demand: the price of the service falls to
    ``p = 1 - energy_share * (1 - energy_ratio)`` of before (``energy_share``: energy's share of
    the service's cost; the same cost ratio as ``energybook.models.rebound.cost_ratio`` with
    ``efficiency_gain = 1 / energy_ratio``), demand grows by ``p ** -elasticity``, and
    the addressable work uses ``addressable * energy_ratio * p ** -elasticity``. Returns
    ``addressable_twh``, ``gross_saving_twh``, ``rebound_twh`` (energy taken back),
    ``net_saving_twh`` (negative: backfire) and ``demand_multiplier``.

    Vectorized: any argument may be a numpy array (the results are then arrays, broadcast
    together); with plain numbers the results are plain floats.
    """
    for name, v in (("ai_share", ai_share), ("inference_share", inference_share),
                    ("tolerant_share", tolerant_share), ("energy_share", energy_share)):
        v = np.asarray(v, dtype=float)
        if not np.all((v >= 0) & (v <= 1)):
            raise ValueError(f"{name} must be in [0, 1]")
    if not (np.all(np.asarray(energy_ratio, dtype=float) > 0)
            and np.all(np.asarray(energy_twh, dtype=float) >= 0)
            and np.all(np.asarray(elasticity, dtype=float) >= 0)):
        raise ValueError("energy_ratio must be positive; energy_twh and elasticity >= 0")
    addressable = energy_twh * ai_share * inference_share * tolerant_share
    gross = addressable * (1 - energy_ratio)
    price = 1 - energy_share * (1 - energy_ratio)
    demand = price ** (-elasticity)
    after = addressable * energy_ratio * demand
    net = addressable - after
    return {"addressable_twh": addressable, "gross_saving_twh": gross,
            "rebound_twh": gross - net, "net_saving_twh": net, "demand_multiplier": demand}


def saving_vs_elasticity(elasticities: Iterable[float], **kw) -> pd.DataFrame:
    """Chart dataset: :func:`analog_saving` over a range of elasticities (``kw``: its other
    arguments). Columns: ``elasticity`` and the returned quantities."""
    rows = [{"elasticity": float(e), **analog_saving(**kw, elasticity=float(e))}
            for e in elasticities]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- its uncertainty
#: Relative half-width of the declared range of each share around its point value: the
#: share runs from ``value * (1 - spread)`` to ``value * (1 + spread)`` (clipped to [0, 1]).
#: AI's share and the noise-tolerant share have no source (+-50 %); inference's share of AI
#: energy rests on one company's report (Patterson et al. 2022), so +-1/3.
SHARE_SPREAD = {"ai_share": 0.5, "inference_share": 1.0 / 3.0, "addressable_share": 0.5}
#: Upper end of the declared elasticity (at least the point elasticity).
ELASTICITY_MAX = 2.0
#: Reader-facing names of the uncertain inputs of :func:`saving_model`.
SAVING_INPUT_LABELS = {
    "ai_share": "AI's share of data-centre electricity",
    "inference_share": "Inference's share of AI energy",
    "addressable_share": "Noise-tolerant share of inference",
    "energy_ratio": "Achieved analog / digital energy ratio",
    "elasticity": "Price elasticity of demand (rebound)",
}


def _share_dist(value: float, spread: float) -> Dist:
    low, high = max(0.0, value * (1 - spread)), min(1.0, value * (1 + spread))
    return PERT(low, value, high) if high > low else Fixed(float(value))


def saving_distributions(ai_share: float, inference_share: float, addressable_share: float,
                         ratio_ideal: float, ratio_measured: float, elasticity: float, *,
                         elasticity_max: float = ELASTICITY_MAX,
                         spreads: Mapping[str, float] | None = None) -> dict[str, Dist]:
    """The declared distributions of the 2030 saving's uncertain inputs.

    - each share ~ PERT with its mode at the point value and the range of
      :data:`SHARE_SPREAD` (``spreads`` overrides it); a share of 0 or a zero spread is fixed;
    - ``energy_ratio`` (achieved analog / digital energy) ~ log-uniform between the modelled
      ideal core (``ratio_ideal``) and the measured chips' gap (``ratio_measured``: best
      peer-reviewed analog chip against best GPU): a real deployment lands somewhere between
      the ideal and what has been shown, and no one knows where;
    - ``elasticity`` ~ PERT(0, ``elasticity``, max(``elasticity_max``, ``elasticity``)):
      most weight near the point value, a tail to strong rebound (fixed at 0 if both are 0).
      No measured price elasticity of demand for AI inference exists.
    """
    sp = {**SHARE_SPREAD, **(dict(spreads) if spreads else {})}
    lo, hi = sorted((float(ratio_ideal), float(ratio_measured)))
    e_high = max(float(elasticity_max), float(elasticity))
    return {
        "ai_share": _share_dist(float(ai_share), sp["ai_share"]),
        "inference_share": _share_dist(float(inference_share), sp["inference_share"]),
        "addressable_share": _share_dist(float(addressable_share), sp["addressable_share"]),
        "energy_ratio": LogUniform(lo, hi) if hi > lo else Fixed(lo),
        "elasticity": PERT(0.0, float(elasticity), e_high) if e_high > 0 else Fixed(0.0),
    }


def saving_model(ai_share, inference_share, addressable_share, energy_ratio, elasticity, *,
                 energy_twh: float, energy_share: float = 1.0) -> dict[str, np.ndarray]:
    """The vectorized model of the saving's Monte Carlo: :func:`analog_saving` on arrays.

    Returns its quantities as arrays, and ``erased``: 1.0 where the rebound takes back the
    whole saving (a positive gross saving, a net saving <= 0), else 0.0.
    """
    s = analog_saving(energy_twh, ai_share, inference_share, addressable_share, energy_ratio,
                      elasticity=elasticity, energy_share=energy_share)
    out = {k: np.asarray(v, dtype=float) for k, v in s.items()}
    out["erased"] = ((out["gross_saving_twh"] > 0)
                     & (out["net_saving_twh"] <= 0)).astype(float)
    return out


def saving_uncertainty(dists: Mapping[str, Dist], energy_twh: float, n: int, seed: int, *,
                       energy_share: float = 1.0) -> dict[str, Any]:
    """Seeded Monte Carlo of the 2030 saving under ``dists`` (see :func:`saving_distributions`).

    Returns ``net`` and ``gross`` (:func:`energybook.uncertainty.summarize` of the net and
    gross saving, TWh: ``median``, ``p05``, ``p95``, ``mean``), ``p_erased`` (probability
    that the rebound erases the saving), ``p_negative`` (probability of a net increase),
    ``at_medians`` (the net saving with every input at its median), ``tornado`` (one row per
    input, ranked by swing of the net saving, with a reader-facing ``label``) and
    ``samples`` (the draws and outputs).
    """
    fixed = {"energy_twh": float(energy_twh), "energy_share": float(energy_share)}
    res = monte_carlo(saving_model, dists, n, seed, fixed=fixed)
    med = {k: np.asarray(v) for k, v in medians(dists).items()}
    tor = tornado(saving_model, dists, fixed=fixed, output="net_saving_twh")
    tor.insert(1, "label", tor["input"].map(lambda k: SAVING_INPUT_LABELS.get(k, k)))
    return {
        "net": summarize(res["net_saving_twh"]),
        "gross": summarize(res["gross_saving_twh"]),
        "p_erased": probability(res["erased"] > 0.5),
        "p_negative": probability(res["net_saving_twh"] < 0),
        "at_medians": float(saving_model(**med, **fixed)["net_saving_twh"]),
        "tornado": tor,
        "samples": res,
    }


def _in_prose(label: str) -> str:
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def saving_drivers_text(tor: pd.DataFrame, rel_tol: float = 1e-6) -> tuple[str, str]:
    """Prose for the first and second places of a tornado (:func:`saving_uncertainty`'s):
    the reader-facing labels, in running text; inputs whose swings are equal (within
    ``rel_tol``) share a place ("X and Y (equal swings)"). The second is "no other input"
    when there is none."""
    labels = [_in_prose(str(v)) for v in tor["label"]]
    swings = tor["swing"].to_numpy(dtype=float)
    groups: list[list[str]] = []
    for i, lab in enumerate(labels):
        if groups and math.isclose(swings[i], swings[i - 1], rel_tol=rel_tol, abs_tol=1e-12):
            groups[-1].append(lab)
        else:
            groups.append([lab])

    def text(g: list[str]) -> str:
        return g[0] if len(g) == 1 else ", ".join(g[:-1]) + f" and {g[-1]} (equal swings)"

    return (text(groups[0]) if groups else "no input",
            text(groups[1]) if len(groups) > 1 else "no other input")


def _describe(d: Dist) -> str:
    if isinstance(d, Fixed):
        return f"fixed at {d.value:.3g}"
    if isinstance(d, LogUniform):
        return f"log-uniform, {d.low:.3g} to {d.high:.3g}"
    if isinstance(d, Beta):
        mode = d.low + (d.high - d.low) * (d.a - 1) / (d.a + d.b - 2)
        return f"PERT, {d.low:.3g} to {d.high:.3g}, mode {mode:.3g}"
    return d.describe()


def saving_assumptions_table(dists: Mapping[str, Dist]) -> pd.DataFrame:
    """Reader-facing table of the declared distributions: Input, Distribution, 5th
    percentile, Median, 95th percentile (formatted to 3 significant figures)."""
    return pd.DataFrame([{
        "Input": SAVING_INPUT_LABELS.get(k, k), "Distribution": _describe(d),
        "5th percentile": f"{float(d.ppf(0.05)):.3g}", "Median": f"{d.median():.3g}",
        "95th percentile": f"{float(d.ppf(0.95)):.3g}"} for k, d in dists.items()])


# ============================================================================ glue for the chapter
def model_kwargs(params: Mapping[str, Any]) -> dict[str, Any]:
    """Map the chapter's parameters (``energybook.specs.analog``) to the keyword arguments of
    :func:`energy_ratio`, :func:`energy_vs_bits`, :func:`crossover` and friends."""
    return {"array_rows": int(params["array_rows"]), "walden_fj": float(params["adc_walden_fj"]),
            "schreier_db": float(params["adc_schreier_db"]),
            "adc_combine": str(params["adc_combine"]), "node_nm": float(params["node_nm"]),
            "node_exponent": float(params["node_exponent"]),
            "sram_reuse": float(params["sram_reuse"]), "dram_reuse": float(params["dram_reuse"]),
            "cell_energy_fj": float(params["cell_energy_fj"]),
            "dac_energy_per_level_fj": float(params["dac_energy_per_level_fj"]),
            "noise_ratio": float(params["noise_level"])}


def analog_kwargs(params: Mapping[str, Any]) -> dict[str, Any]:
    """The analog-only subset of :func:`model_kwargs` (for :func:`accuracy_vs_energy`, which
    takes ``noise_ratio`` separately)."""
    kw = model_kwargs(params)
    return {k: v for k, v in kw.items() if k in _ANALOG_KEYS and k != "noise_ratio"}


# ============================================================================ the chapter's datasets
CURVE_BITS = tuple(range(1, 17))
ACCURACY_BITS = tuple(range(1, 11))
ACCURACY_BITS_EXTRA = tuple(range(11, 17))
TOLERANCE_PP = 1.0
CROSSOVER_RANGE = (1.0, 24.0)

COMPONENT_LABELS = {
    ("digital", "multiply"): "multiplier (grows as b²)",
    ("digital", "add"): "adder (2b-bit accumulate)",
    ("digital", "sram"): "weight and input from SRAM",
    ("digital", "dram"): "weight and input from DRAM/HBM",
    ("analog", "array"): "array read (cells; kT/C floor)",
    ("analog", "dac"): "input DACs (shared over columns)",
    ("analog", "adc"): "ADC readout (shared over rows)",
    ("analog", "movement"): "inputs and outputs to SRAM",
}


def mac_j_to_tops_per_w(energy_per_mac_j):
    """TOPS per watt of an engine that spends ``energy_per_mac_j`` per MAC (two operations)."""
    e = np.asarray(energy_per_mac_j, dtype=float)
    out = 2.0 / e / _ops_per_s(1.0)
    return float(out) if out.ndim == 0 else out


def arrays_needed(n_weights: float, array_rows: int, array_cols: int | None = None) -> float:
    """How many ``array_rows`` x ``array_cols`` arrays hold ``n_weights`` weights (one cell per
    weight; real designs often use two cells per signed weight, which doubles it)."""
    cols = array_cols if array_cols is not None else array_rows
    if n_weights < 0 or array_rows < 1 or cols < 1:
        raise ValueError("n_weights must be >= 0 and array dimensions >= 1")
    return float(math.ceil(n_weights / (array_rows * cols)))


def crossover_headline(anchors: Mapping[str, float], **kw) -> tuple[float, str]:
    """The crossover precision, finite in every regime, and the regime.

    Within :data:`CROSSOVER_RANGE` this is :func:`crossover`; when digital wins at every
    precision it is the range's lower end, when analog wins throughout its upper end (a
    bound, flagged by the regime).
    """
    lo, hi = CROSSOVER_RANGE
    bits, regime = crossover(anchors, bits_min=lo, bits_max=hi, **kw)
    if regime == "digital wins throughout":
        return lo, regime
    if regime == "analog wins throughout":
        return hi, regime
    return bits, regime


def crossover_text(bits: float, regime: str) -> str:
    """A phrase for the prose: the crossover precision, or which substrate wins throughout."""
    lo, hi = CROSSOVER_RANGE
    if regime == "digital wins throughout":
        return f"below {lo:.0f} bit: digital wins at every precision modelled"
    if regime == "analog wins throughout":
        return f"above {hi:.0f} bits: analog wins at every precision modelled"
    return f"{bits:.1f} bits"


def energy_curves(anchors: Mapping[str, float], accelerators: pd.DataFrame,
                  bits: Iterable[float] = CURVE_BITS, *,
                  chips: Sequence[str] | None = DEFAULT_GPUS, **kw) -> pd.DataFrame:
    """Chart dataset: energy per MAC against precision, both models and today's GPUs.

    Long form: ``bits``, ``series``, ``kind`` ("model" or "GPU at board power"), ``format``
    (e.g. "FP8"), ``energy_per_mac_fj``, ``ratio`` (analog / digital model at those bits; GPU rows: board /
    digital model). GPU rows are :func:`gpu_check` with ``best_per_bits``.
    """
    dkw, _ = _split(kw)
    w = energy_vs_bits(np.asarray(list(bits), dtype=float), anchors, **kw)
    rows = []
    for _, r in w.iterrows():
        rows.append({"bits": r["bits"], "series": "digital MAC (model)", "kind": "model",
                     "format": f"{r['bits']:.0f}-bit",
                     "energy_per_mac_fj": r["digital_j"] / J_PER_FJ, "ratio": 1.0})
        rows.append({"bits": r["bits"], "series": "analog in-memory MAC (model)",
                     "kind": "model", "format": f"{r['bits']:.0f}-bit",
                     "energy_per_mac_fj": r["analog_j"] / J_PER_FJ, "ratio": r["ratio"]})
    g = gpu_check(accelerators, anchors, chips=chips, best_per_bits=True, **dkw)
    for _, r in g.iterrows():
        rows.append({"bits": float(r["precision_bits"]),
                     "series": f"{r['chip']} at board power",
                     "format": r["precision_label"],
                     "kind": "GPU at board power",
                     "energy_per_mac_fj": r["board_energy_per_mac_j"] / J_PER_FJ,
                     "ratio": r["board_to_model"]})
    return pd.DataFrame(rows)


def breakdown_table(bits: float, anchors: Mapping[str, float], **kw) -> pd.DataFrame:
    """Chart dataset: where the energy of one MAC goes, both substrates, at ``bits``.

    Columns: ``substrate``, ``component``, ``label`` (reader-facing), ``energy_per_mac_fj``,
    ``share_pct`` (of that substrate's total).
    """
    long = energy_components_long([float(bits)], anchors, **kw)
    long = long[long["component"] != "total"].copy()
    long["label"] = [COMPONENT_LABELS[(s, c)] for s, c in
                     zip(long["substrate"], long["component"], strict=True)]
    long["energy_per_mac_fj"] = long["energy_per_mac_j"] / J_PER_FJ
    tot = long.groupby("substrate")["energy_per_mac_fj"].transform("sum")
    long["share_pct"] = 100 * long["energy_per_mac_fj"] / tot
    return long[["substrate", "component", "label", "energy_per_mac_fj",
                 "share_pct"]].reset_index(drop=True)


def adc_long(bits: Iterable[float], walden_fj: float, schreier_db: float, *,
             combine: str = "max", array_rows: int | None = None,
             temperature_k: float = ROOM_TEMPERATURE_K) -> pd.DataFrame:
    """Chart dataset: ADC energy per conversion against resolution (long form).

    ``line``: "Walden line (x2 per bit)", "Schreier line (x4 per bit)", "kT/C floor (x4 per
    bit)", "ADC as modelled" (``combine`` of the two lines, floored); with ``array_rows``
    also "ADC as modelled, per MAC" (divided over the rows). Columns: ``bits``, ``line``,
    ``energy_fj``, ``regime``.
    """
    t = adc_table(np.asarray(list(bits), dtype=float), walden_fj, schreier_db,
                  temperature_k=temperature_k)
    used = t["adc_max_j"] if combine == "max" else t["adc_sum_j"]
    lines = {"Walden line (x2 per bit)": t["walden_j"],
             "Schreier line (x4 per bit)": t["schreier_j"],
             "kT/C floor (x4 per bit)": t["ktc_floor_j"],
             "ADC as modelled": used}
    if array_rows is not None:
        lines["ADC as modelled, per MAC"] = used / float(array_rows)
    frames = [pd.DataFrame({"bits": t["bits"], "line": name, "energy_fj": v / J_PER_FJ,
                            "regime": t["regime"]}) for name, v in lines.items()]
    return pd.concat(frames, ignore_index=True)


def crossover_grid(anchors: Mapping[str, float], x_name: str, x_values: Iterable[float],
                   y_name: str, y_values: Iterable[float], **kw) -> pd.DataFrame:
    """Chart dataset: :func:`crossover_map` with a finite ``crossover_shown`` (the range's
    ends where one substrate wins throughout) and a text ``label`` for each cell."""
    m = crossover_map(anchors, x_name, x_values, y_name, y_values, **kw)
    lo, hi = CROSSOVER_RANGE
    shown, labels = [], []
    for b, regime in zip(m["crossover_bits"], m["regime"], strict=True):
        if regime == "digital wins throughout":
            shown.append(lo)
            labels.append(f"<{lo:.0f}")
        elif regime == "analog wins throughout":
            shown.append(hi)
            labels.append(f">{hi:.0f}")
        else:
            shown.append(b)
            labels.append(f"{b:.1f}")
    m["crossover_shown"] = shown
    m["label"] = labels
    return m


def _claim(claim_type: str, checked: str) -> str:
    base = "peer-reviewed" if claim_type == "peer-reviewed" else "vendor claim"
    return f"{base}, unverified" if checked == "unverified" else base


def chips_chart_table(analog_chips: pd.DataFrame, accelerators: pd.DataFrame, *,
                      chips: Sequence[str] | None = DEFAULT_GPUS) -> pd.DataFrame:
    """Chart dataset: :func:`chips_comparison` (GPUs: fastest format per bit width) with a
    reader-facing ``label`` (chip and precision) and ``claim`` ("peer-reviewed", "vendor
    claim", either with ", unverified" when the row's source was not checked), sorted by
    TOPS/W."""
    c = chips_comparison(analog_chips, accelerators, chips=chips, best_per_bits=True)
    digital = c["family"] == "digital accelerator"
    c["label"] = [f"{chip} ({'GPU, ' if d else ''}{int(b)}-bit)" for chip, d, b in
                  zip(c["chip"], digital, c["precision_bits"], strict=True)]
    c["claim"] = [_claim(t, k) for t, k in zip(c["claim_type"], c["checked"], strict=True)]
    return c.sort_values("tops_per_w", ascending=False).reset_index(drop=True)


def model_reference(anchors: Mapping[str, float], bits: float = 8.0, **kw) -> pd.DataFrame:
    """Chart dataset: this model's digital MAC and ideal analog core at ``bits`` in TOPS/W.

    Columns: ``series``, ``bits``, ``energy_per_mac_fj``, ``tops_per_w``.
    """
    dkw, akw = _split(kw)
    d = digital_mac_energy_j(float(bits), anchors, **dkw)
    a = analog_mac_energy_j(float(bits), anchors, **akw)
    return pd.DataFrame({
        "series": [f"digital MAC, this model ({bits:.0f}-bit)",
                   f"ideal analog core, this model ({bits:.0f}-bit)"],
        "bits": [float(bits)] * 2,
        "energy_per_mac_fj": [d / J_PER_FJ, a / J_PER_FJ],
        "tops_per_w": [mac_j_to_tops_per_w(d), mac_j_to_tops_per_w(a)]})


def accuracy_table(params: Mapping[str, Any], anchors: Mapping[str, float], X, y, *,
                   repeats: int = 4, hidden_units: int = 32,
                   models: Sequence[Mapping[str, Any]] | None = None) -> pd.DataFrame:
    """:func:`accuracy_vs_energy` at the chapter's parameters.

    Precisions :data:`ACCURACY_BITS`; when none of them is within :data:`TOLERANCE_PP` of
    digital accuracy (high noise), :data:`ACCURACY_BITS_EXTRA` are added with the same models.
    Adds ``energy_per_mac_fj`` and the accuracies in percent (``pct_mean``, ``pct_min``,
    ``pct_max``, ``digital_accuracy_pct``).
    """
    if models is None:
        models = [train_digits_mlp(X, y, seed=int(params["seed"]) + i,
                                   hidden_units=hidden_units)
                  for i in range(int(params["n_seeds"]))]
    kw = {"noise_ratio": float(params["noise_level"]), "repeats": repeats,
          **analog_kwargs(params)}
    t = accuracy_vs_energy(X, y, anchors, bits_grid=ACCURACY_BITS, models=models, **kw)
    if math.isnan(least_energy_within(t, TOLERANCE_PP)["energy_per_mac_j"]):
        more = accuracy_vs_energy(X, y, anchors, bits_grid=ACCURACY_BITS_EXTRA,
                                  models=models, **kw)
        t = pd.concat([t, more], ignore_index=True)
    t["energy_per_mac_fj"] = t["energy_per_mac_j"] / J_PER_FJ
    for col in ("accuracy_mean", "accuracy_min", "accuracy_max", "digital_accuracy"):
        t[col.replace("accuracy", "pct").replace("digital_pct", "digital_accuracy_pct")] = (
            100 * t[col])
    return t


def _saving(params: Mapping[str, Any], dc_electricity: pd.DataFrame, ratio: float,
            elasticity: float | None = None) -> dict[str, float]:
    return analog_saving(
        dc_energy_twh(dc_electricity, case=str(params["dc_case"])),
        float(params["ai_share"]), float(params["inference_share"]),
        float(params["addressable_share"]), ratio,
        elasticity=float(params["elasticity"] if elasticity is None else elasticity),
        energy_share=float(params["energy_share"]))


def _is_analog(substrate: str) -> bool:
    return "analog" in substrate and "in-memory" in substrate


def _measured_8(analog_chips: pd.DataFrame, accelerators: pd.DataFrame
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The peer-reviewed analog in-memory chips and the digital accelerators at 8 bits."""
    cc = chips_comparison(analog_chips, accelerators, best_per_bits=True)
    meas = cc[(cc["family"] != "digital accelerator") & cc["substrate"].map(_is_analog)
              & (cc["claim_type"] == "peer-reviewed") & (cc["precision_bits"] == 8)]
    dig = cc[(cc["family"] == "digital accelerator") & (cc["precision_bits"] == 8)]
    return meas, dig


def measured_ratio_8(analog_chips: pd.DataFrame, accelerators: pd.DataFrame) -> float:
    """Energy per 8-bit operation of the best peer-reviewed analog in-memory chip over that
    of the best digital accelerator (best GPU TOPS/W over best chip TOPS/W)."""
    meas, dig = _measured_8(analog_chips, accelerators)
    return float(dig["tops_per_w"].max() / meas["tops_per_w"].max())


def run_saving_uncertainty(params: Mapping[str, Any], anchors: Mapping[str, float],
                           dc_electricity: pd.DataFrame, analog_chips: pd.DataFrame,
                           accelerators: pd.DataFrame) -> dict[str, Any]:
    """:func:`saving_uncertainty` at the chapter's parameters: the shares and elasticity
    around their values, the achieved ratio between the modelled ratio at
    ``precision_bits`` and :func:`measured_ratio_8`; ``n_draws`` draws seeded by ``seed``.

    Adds ``distributions``, ``ratio_ideal``, ``ratio_measured`` and ``assumptions``
    (:func:`saving_assumptions_table`) to the result.
    """
    ratio_ideal = energy_ratio(float(params["precision_bits"]), anchors,
                               **model_kwargs(params))
    ratio_meas = measured_ratio_8(analog_chips, accelerators)
    dists = saving_distributions(params["ai_share"], params["inference_share"],
                                 params["addressable_share"], ratio_ideal, ratio_meas,
                                 params["elasticity"])
    out = saving_uncertainty(dists, dc_energy_twh(dc_electricity, case=str(params["dc_case"])),
                             int(params["n_draws"]), int(params["seed"]),
                             energy_share=float(params["energy_share"]))
    out.update(distributions=dists, ratio_ideal=float(ratio_ideal),
               ratio_measured=ratio_meas, assumptions=saving_assumptions_table(dists))
    return out


def headline_results(params: Mapping[str, Any], anchors: Mapping[str, float],
                     accuracy: pd.DataFrame, dc_electricity: pd.DataFrame,
                     mc: Mapping[str, Any]) -> dict[str, float]:
    """The chapter's headline numbers (see ``energybook.specs.analog``).

    ``accuracy`` is :func:`accuracy_table`'s result and ``mc`` :func:`run_saving_uncertainty`'s.
    The crossover is :func:`crossover_headline` (finite in every regime); the saving uses the
    modelled analog/digital ratio at ``precision_bits``, its 90 % interval the Monte Carlo.
    If no precision of the experiment stays within 1 point of digital accuracy, the least
    energy is that of its highest precision (a lower bound).
    """
    kw = model_kwargs(params)
    best = least_energy_within(accuracy, TOLERANCE_PP)
    least = best["energy_per_mac_j"]
    if math.isnan(least):
        least = float(accuracy["energy_per_mac_j"].max())
    ratio = energy_ratio(float(params["precision_bits"]), anchors, **kw)
    return {
        "crossover_bits": crossover_headline(anchors, **kw)[0],
        "ratio_at_8_bits": energy_ratio(8.0, anchors, **kw),
        "least_energy_within_1pt_fj": least / J_PER_FJ,
        "saving_2030_twh": _saving(params, dc_electricity, ratio)["net_saving_twh"],
        "saving_2030_p05_twh": float(mc["net"]["p05"]),
        "saving_2030_p95_twh": float(mc["net"]["p95"]),
    }


def best_adc_fom(adc_fom: pd.DataFrame) -> dict[str, float]:
    """The best converters of the ``adc_fom`` table (Murmann's survey): ``walden_fj`` of its
    "best Walden" row and ``schreier_db`` of its "best Schreier" row."""
    t = adc_fom.set_index("statistic")
    for row in ("best Walden", "best Schreier"):
        if row not in t.index:
            raise ValueError(f"adc_fom has no row {row!r}")
    return {"walden_fj": float(t.loc["best Walden", "walden_fj"]),
            "schreier_db": float(t.loc["best Schreier", "schreier_db"])}


def walden_grid(adc_fom: pd.DataFrame, walden_fj: float) -> list[float]:
    """Walden figures of merit (fJ per step) for the crossover map: the survey's best and
    2020-2025 median converters (``adc_fom`` table), half-decade steps from 1 to 3200 fJ, and
    the chosen ``walden_fj``; sorted, without duplicates."""
    t = adc_fom.set_index("statistic")
    table = {float(t.loc["best Walden", "walden_fj"]),
             float(t.loc["median 2020-2025", "walden_fj"])}
    steps = {1.0, 3.2, 10.0, 100.0, 320.0, 1000.0, 3200.0}
    return sorted(table | steps | {float(walden_fj)})


def quoted_figures(energy_per_op: pd.DataFrame, analog_chips: pd.DataFrame,
                   accelerators: pd.DataFrame) -> dict[str, float]:
    """Published figures the chapter's prose quotes, read from the data tables (plain floats):
    Horowitz's 45 nm energies (``energy_per_op``: 8- and 32-bit integer multiply, 8-bit add,
    64-bit read of a 32 KB SRAM, in pJ) and HBM2's energy per bit (pJ); GB300's dense INT8
    rate (``accelerators``, TOPS) and EnCharge's claimed TOPS/W for its test chips
    (``analog_chips``)."""
    def op(operation: str, bits: int) -> float:
        r = energy_per_op[(energy_per_op["operation"] == operation)
                          & (energy_per_op["bits"] == bits)]
        if len(r) != 1:
            raise ValueError(f"energy_per_op has no single row {operation!r} at {bits} bits")
        return float(r["energy_pj"].iloc[0])

    def cell(df: pd.DataFrame, key: str, row: str, col: str) -> float:
        r = df[df[key] == row]
        if len(r) != 1 or pd.isna(r[col].iloc[0]):
            raise ValueError(f"no single {col!r} for {row!r}")
        return float(r[col].iloc[0])

    return {
        "horowitz_mult8_pj": op("int mult", 8),
        "horowitz_mult32_pj": op("int mult", 32),
        "horowitz_add8_pj": op("int add", 8),
        "horowitz_sram32k_pj": op("SRAM read 32 KB", 64),
        "hbm_pj_per_bit": op("HBM2 access", 1),
        "gb300_int8_tops": cell(accelerators, "chip", "GB300", "int8_tops"),
        "encharge_test_tops_per_w": cell(analog_chips, "chip", "EnCharge test chips",
                                         "tops_per_w"),
    }


def _clean_zero(x: float, scale: float, rel: float = 1e-9) -> float:
    """``x``, or 0.0 where it is a floating-point residue (below ``rel`` of ``scale``)."""
    return 0.0 if abs(x) <= rel * max(abs(scale), 1.0) else float(x)


def rebound_texts(elasticity: float, rebound_twh: float, gross_twh: float) -> dict[str, str]:
    """Prose labels that say whether the point estimate of the 2030 saving includes a
    rebound: ``rebound_clause`` (opens a sentence), ``rebound_caveat`` (a sentence) and
    ``headline_rebound_note`` (a parenthetical: which saving the headline is)."""
    if elasticity == 0:
        return {
            "rebound_clause": "At the chosen price elasticity of demand of 0 (the default) the "
                              "model has no rebound, so this is the saving before any rebound",
            "rebound_caveat": "Read it as the most this path could save under these "
                              "assumptions, not as a likely outcome: the uncertainty analysis "
                              "below draws an elasticity above 0, and so includes a rebound.",
            "headline_rebound_note": "before any rebound, at the default elasticity of 0",
        }
    return {
        "rebound_clause": f"With a price elasticity of demand of {elasticity:.2g}, the rebound "
                          f"takes back {rebound_twh:.0f} TWh of the {gross_twh:.0f} TWh gross "
                          "saving",
        "rebound_caveat": "The uncertainty analysis below draws the elasticity around the "
                          "chosen value rather than fixing it.",
        "headline_rebound_note": f"net of the rebound at the chosen elasticity of "
                                 f"{elasticity:.2g}",
    }


def parameter_problems(values: Mapping[str, Any]) -> list[str]:
    """Constraints between the chapter's parameters (the spec's ``check``): one message per
    problem, before anything executes.

    The two ADC figures of merit describe one converter: the Walden line (doubling per bit)
    must meet the Schreier line (quadrupling per bit) at 1 bit or above. If they met below 1
    bit, the Walden figure would be better than any converter with that Schreier figure
    could be at any resolution; the Walden figure would not count anywhere and the chapter
    would report a knee at a negative resolution.
    """
    problems = []
    w, s = float(values["adc_walden_fj"]), float(values["adc_schreier_db"])
    knee = adc_knee_bits(w, s)
    if knee < 1.0:
        w_min = 2 * 0.75 * 10 ** (-s / 10) / J_PER_FJ  # knee at exactly 1 bit
        s_min = -10 * math.log10(w * J_PER_FJ / (2 * 0.75))
        problems.append(
            f"adc_walden_fj {w:g} fJ and adc_schreier_db {s:g} dB do not describe one "
            f"converter: their lines would cross at {knee:.1f} bits, below 1 bit; raise "
            f"adc_walden_fj to at least {w_min:.3g} fJ or adc_schreier_db to at least "
            f"{s_min:.1f} dB")
    return problems


def chapter_numbers(params: Mapping[str, Any], anchors: Mapping[str, float],
                    accuracy: pd.DataFrame, dc_electricity: pd.DataFrame,
                    analog_chips: pd.DataFrame, accelerators: pd.DataFrame,
                    adc_fom: pd.DataFrame, *,
                    example_weights: float = 70e9) -> dict[str, float]:
    """The further numbers the chapter's prose quotes (plain floats, units in the names).

    Digital and analog energy per MAC at 8 bits and their parts; the ratio against a digital
    MAC with no DRAM/HBM traffic and against arithmetic alone; the GPUs' board energy per MAC;
    the ADC knee, kT/C figures; crossovers at other array sizes and at the best ADCs; the
    experiment's digital accuracy and best precision; the measured chips against the ideal
    core; the 2030 saving's parts, with the measured ratio, and the arrays a model of
    ``example_weights`` weights needs. The best converters are those of the ``adc_fom``
    table (:func:`best_adc_fom`).
    """
    kw = model_kwargs(params)
    dkw, akw = _split(kw)
    bits_p = float(params["precision_bits"])
    d8 = digital_mac_breakdown(8.0, anchors, **dkw).iloc[0]
    a8 = analog_mac_breakdown(8.0, anchors, **akw).iloc[0]
    arith8 = d8["multiply_j"] + d8["add_j"]
    no_dram8 = d8["total_j"] - d8["dram_j"]
    d16 = digital_mac_energy_j(16.0, anchors, **dkw)
    ktc16_per_mac = min_sampling_energy_j(16.0, noise_ratio=kw["noise_ratio"]) / kw["array_rows"]

    g = gpu_check(accelerators, anchors, best_per_bits=True, **dkw)
    g8 = g[g["precision_bits"] == 8]

    best = least_energy_within(accuracy, TOLERANCE_PP)
    least_j = best["energy_per_mac_j"]
    if math.isnan(least_j):
        least_j = float(accuracy["energy_per_mac_j"].max())
    digital_acc = float(accuracy["digital_accuracy"].iloc[0])

    meas, dig = _measured_8(analog_chips, accelerators)
    ideal_tpw = mac_j_to_tops_per_w(a8["total_j"])
    measured_ratio = measured_ratio_8(analog_chips, accelerators)

    ratio_p = energy_ratio(bits_p, anchors, **kw)
    s = _saving(params, dc_electricity, ratio_p)
    s_meas = _saving(params, dc_electricity, measured_ratio)
    no_rebound = _saving(params, dc_electricity, ratio_p, elasticity=0.0)
    fom_best = best_adc_fom(adc_fom)
    rows_lo = max(16, kw["array_rows"] // 4)
    rows_hi = min(4096, kw["array_rows"] * 4)
    return {
        "digital_8_fj": d8["total_j"] / J_PER_FJ,
        "digital_8_arith_fj": arith8 / J_PER_FJ,
        "digital_8_dram_fj": d8["dram_j"] / J_PER_FJ,
        "digital_8_movement_pct": 100 * (d8["sram_j"] + d8["dram_j"]) / d8["total_j"],
        "digital_16_fj": d16 / J_PER_FJ,
        "analog_8_fj": a8["total_j"] / J_PER_FJ,
        "analog_8_adc_pct": 100 * a8["adc_j"] / a8["total_j"],
        "analog_8_adc_fj": a8["adc_j"] / J_PER_FJ,
        "ratio_8_no_dram": a8["total_j"] / no_dram8,
        "ratio_8_arith_only": a8["total_j"] / arith8,
        "ratio_at_precision": ratio_p,
        "gpu_8_min_fj": float(g8["board_energy_per_mac_j"].min() / J_PER_FJ),
        "gpu_8_max_fj": float(g8["board_energy_per_mac_j"].max() / J_PER_FJ),
        "gpu_board_to_model_min": float(g["board_to_model"].min()),
        "gpu_board_to_model_max": float(g["board_to_model"].max()),
        "adc_knee_bits": adc_knee_bits(kw["walden_fj"], kw["schreier_db"]),
        "adc_knee_best_bits": adc_knee_bits(**fom_best),
        "best_walden_fj": fom_best["walden_fj"],
        "best_schreier_db": fom_best["schreier_db"],
        "ktc_noise_1pf_uv": ktc_noise_v(1e-12) * 1e6,
        "ktc_8_fj": min_sampling_energy_j(8.0) / J_PER_FJ,
        "ktc_cap_8_ff": min_sampling_capacitance_f(8.0) * 1e15,
        "ktc_16_per_mac_fj": ktc16_per_mac / J_PER_FJ,
        "crossover_rows_lo": crossover_headline(anchors, **{**kw, "array_rows": rows_lo})[0],
        "crossover_rows_hi": crossover_headline(anchors, **{**kw, "array_rows": rows_hi})[0],
        "rows_lo": float(rows_lo), "rows_hi": float(rows_hi),
        "crossover_best_adc": crossover_headline(anchors, **{**kw, **fom_best})[0],
        "digital_accuracy_pct": 100 * digital_acc,
        "least_bits": best["bits"] if not math.isnan(best["bits"])
        else float(accuracy["bits"].max()),
        "least_drop_pp": best["drop_pp"] if not math.isnan(best["drop_pp"])
        else float(accuracy["drop_pp"].iloc[-1]),
        "least_vs_digital_8": least_j / d8["total_j"],
        "ideal_tops_per_w_8": ideal_tpw,
        "digital_model_tops_per_w_8": mac_j_to_tops_per_w(d8["total_j"]),
        "measured_best_tops_per_w_8": float(meas["tops_per_w"].max()),
        "measured_worst_tops_per_w_8": float(meas["tops_per_w"].min()),
        "ideal_over_measured_min": ideal_tpw / float(meas["tops_per_w"].max()),
        "ideal_over_measured_max": ideal_tpw / float(meas["tops_per_w"].min()),
        "gpu_best_tops_per_w_8": float(dig["tops_per_w"].max()),
        "measured_ratio_8": measured_ratio,
        "dc_2030_twh": dc_energy_twh(dc_electricity, case=str(params["dc_case"])),
        "addressable_twh": s["addressable_twh"],
        "gross_saving_twh": s["gross_saving_twh"],
        # exactly 0 without a rebound (not a rounding residue such as -6e-14)
        "rebound_twh": _clean_zero(s["rebound_twh"], s["addressable_twh"]),
        "saving_no_rebound_twh": no_rebound["net_saving_twh"],
        "saving_measured_twh": s_meas["net_saving_twh"],
        "saving_pct_of_dc": 100 * s["net_saving_twh"] / dc_energy_twh(
            dc_electricity, case=str(params["dc_case"])),
        "arrays_for_example": arrays_needed(example_weights, kw["array_rows"]),
        "example_weights_billion": example_weights / 1e9,
    }


def saving_curves(params: Mapping[str, Any], dc_electricity: pd.DataFrame,
                  ratios: Mapping[str, float],
                  elasticities: Iterable[float] = tuple(np.round(np.arange(0, 2.01, 0.1), 2)),
                  ) -> pd.DataFrame:
    """Chart dataset: the 2030 net saving against elasticity, one curve per analog/digital
    energy ratio in ``ratios`` (label -> ratio). Columns: ``case``, ``energy_ratio``,
    ``elasticity``, ``net_saving_twh``, ``gross_saving_twh``, ``rebound_twh``."""
    frames = []
    # the chosen elasticity is always a point of the curves (the chart marks it)
    grid = sorted({round(float(e), 2) for e in elasticities}
                  | {round(float(params["elasticity"]), 2)})
    for label, r in ratios.items():
        t = saving_vs_elasticity(
            grid, energy_twh=dc_energy_twh(dc_electricity, case=str(params["dc_case"])),
            ai_share=float(params["ai_share"]), inference_share=float(params["inference_share"]),
            tolerant_share=float(params["addressable_share"]), energy_ratio=float(r),
            energy_share=float(params["energy_share"]))
        t.insert(0, "case", label)
        t.insert(1, "energy_ratio", float(r))
        frames.append(t[["case", "energy_ratio", "elasticity", "net_saving_twh",
                         "gross_saving_twh", "rebound_twh"]])
    return pd.concat(frames, ignore_index=True)


def chips_source_table(analog_chips: pd.DataFrame) -> pd.DataFrame:
    """Reader-facing table of the published chips: what was measured, by whom, and how
    sure we are. Columns: Chip, Substrate, Level and precision, TOPS/W (``*``: computed as
    TOPS / W from the stated figures), Claim, Source."""
    a = analog_chips.copy()
    stated = a["tops_per_w"].notna()
    tpw = a["tops_per_w"].where(stated, a["tops"] / a["power_w"])
    return pd.DataFrame({
        "Chip": a["chip"],
        "Substrate": a["substrate"],
        "Level, precision": [f"{lv}, {int(b)}-bit" for lv, b in
                             zip(a["level"], a["precision_bits"], strict=True)],
        "TOPS/W": [f"{v:.3g}" + ("" if st else "*") for v, st in zip(tpw, stated, strict=True)],
        "Claim": [_claim(t, k) for t, k in zip(a["claim_type"], a["checked"], strict=True)],
        "Source": [f"{p} ({int(y)})" for p, y in zip(a["source_publisher"], a["source_year"],
                                                     strict=True)],
    }).sort_values("Chip").reset_index(drop=True)
