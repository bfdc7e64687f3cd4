"""Energy per multiply-accumulate (MAC): digital arithmetic against analog in-memory arrays.

1. **Digital MAC** at ``b`` bits: a multiplier whose energy grows with ``b**2``, an adder at
   the product width (``2b``) whose energy grows linearly, and operand movement (weight and
   input, ``b`` bits each) from SRAM and from DRAM/HBM, each divided by a data-reuse factor.
   Coefficients are anchored to Horowitz's 45 nm figures (the ``energy_per_op`` table) and
   scaled to another node by ``(node_nm / 45) ** node_exponent`` (logic and SRAM only;
   DRAM/HBM energy per bit is set by the interface and is not scaled).
2. **Analog in-memory MAC**: weights sit in the array (no weight movement). Per MAC: the
   array's read energy (at least the kT/C floor of the column's summing capacitor, shared
   over the rows), the input DAC shared over the columns, the ADC conversion shared over the
   rows (:mod:`.model_adc`), and the input/output movement to SRAM.
3. **Crossover**: the precision where analog / digital energy per MAC reaches 1.
4. **Published chips** against digital accelerators at matching precision.

Pure functions of plain numbers, numpy arrays and DataFrames; units in the names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from energybook.chapters.analog.model_adc import (
    J_PER_FJ,
    J_PER_PJ,
    ROOM_TEMPERATURE_K,
    adc_energy_j,
    min_sampling_energy_j,
)
from energybook.chapters.analog.params import Params
from energybook.units import factor

HOROWITZ_NODE_NM = 45.0

# Defaults of the analog model's circuit assumptions (not sourced figures: order-of-magnitude
# engineering estimates, each a parameter the reader can change).
DEFAULT_CELL_ENERGY_FJ = 1.0  # read of one resistive cell: ~1 uA x 0.2 V x 5 ns
DEFAULT_DAC_ENERGY_PER_LEVEL_FJ = 0.5  # charge-redistribution / pulse DAC, per output level

#: Precisions the crossover is searched over (bits).
CROSSOVER_RANGE = (1.0, 24.0)
#: Regimes of :func:`crossover`.
CROSSOVER = "crossover"
DIGITAL_THROUGHOUT = "digital wins throughout"
ANALOG_THROUGHOUT = "analog wins throughout"

DEFAULT_GPUS = ("H100 SXM", "B200", "GB300")
_DIGITAL_PRECISIONS = (
    ("int8_tops", "INT8", 8),
    ("fp8_tflops", "FP8", 8),
    ("fp4_tflops", "FP4", 4),
    ("bf16_tflops", "BF16", 16),
)
ANALOG_FAMILY = "analog and other non-von-Neumann"
DIGITAL_FAMILY = "digital accelerator"


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


# ============================================================================ digital MAC
def digital_anchors(
    energy_per_op: pd.DataFrame, *, sram: str = "SRAM read 32 KB", dram: str = "HBM2 access"
) -> dict[str, float]:
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
    return {
        "mult_pj_per_bit2": mult,
        "add_pj_per_bit": add,
        "sram_pj_per_bit": sram_pj,
        "dram_pj_per_bit": dram_pj,
        "node_nm": HOROWITZ_NODE_NM,
    }


def digital_mac_breakdown(
    bits,
    anchors: Mapping[str, float],
    *,
    node_nm: float = 4.0,
    node_exponent: float = 1.0,
    sram_reuse: float = 16.0,
    dram_reuse: float = 256.0,
    hbm: bool = True,
) -> pd.DataFrame:
    """Components of the digital energy per MAC (J) at each precision in ``bits``.

    Columns: ``bits``, ``multiply_j`` (``k_m b**2``), ``add_j`` (``k_a 2b``: the accumulator
    adds the ``2b``-bit product), ``sram_j`` (two ``b``-bit operands read from SRAM, each
    reused ``sram_reuse`` times), ``dram_j`` (the same from DRAM/HBM, reused ``dram_reuse``
    times; 0 for a weight-stationary design, ``hbm=False``, whose weights and activations
    never leave the chip), ``total_j``.
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
    dram = anchors["dram_pj_per_bit"] * 2 * b / dram_reuse * J_PER_PJ * float(bool(hbm))
    return pd.DataFrame(
        {
            "bits": b,
            "multiply_j": mult,
            "add_j": add,
            "sram_j": sram,
            "dram_j": dram,
            "total_j": mult + add + sram + dram,
        }
    )


def digital_mac_energy_j(bits, anchors: Mapping[str, float], **kwargs):
    """Digital energy per MAC in joules (see :func:`digital_mac_breakdown` for kwargs)."""
    out = digital_mac_breakdown(bits, anchors, **kwargs)["total_j"].to_numpy()
    return float(out[0]) if np.ndim(bits) == 0 else out


def _year(r) -> float:
    if "year" in r and not pd.isna(r["year"]):
        return float(r["year"])
    d = r.get("release_date")
    if d is None or (not isinstance(d, str) and pd.isna(d)):
        return math.nan
    return float(str(d)[:4])


def accelerator_rows(
    accelerators: pd.DataFrame, chips: Sequence[str] | None = DEFAULT_GPUS
) -> pd.DataFrame:
    """One row per accelerator in ``chips`` (None: all) and dense precision column it has:
    ``chip``, ``precision_label``, ``precision_bits``, ``tops``, ``power_w``, ``year``."""
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
            rows.append(
                {
                    "chip": r["chip"],
                    "precision_label": label,
                    "precision_bits": b,
                    "tops": float(v),
                    "power_w": float(r["board_power_w"]),
                    "year": _year(r),
                }
            )
    return pd.DataFrame(
        rows, columns=["chip", "precision_label", "precision_bits", "tops", "power_w", "year"]
    )


def best_per_bits(df: pd.DataFrame) -> pd.DataFrame:
    """Keep, for each chip and bit width, the precision format with the most operations per
    second (e.g. FP8 where INT8 was cut, as on GB300)."""
    if df.empty:
        return df
    idx = df.groupby(["chip", "precision_bits"], sort=False)["tops"].idxmax()
    return df.loc[sorted(idx)].reset_index(drop=True)


def gpu_check(
    accelerators: pd.DataFrame,
    anchors: Mapping[str, float],
    *,
    chips: Sequence[str] | None = DEFAULT_GPUS,
    fastest_per_bits: bool = False,
    **digital_kw,
) -> pd.DataFrame:
    """Today's GPUs' energy per MAC at board power against the digital model.

    One row per chip and precision column present (dense figures assumed). A MAC is two
    operations, so ``board_energy_per_mac_j = 2 * board_power_w / ops_per_s``. Columns:
    ``chip``, ``precision_label``, ``precision_bits``, ``tops``, ``power_w``,
    ``board_energy_per_mac_j``, ``model_energy_per_mac_j``, ``board_to_model``: how much of
    the board's energy the MAC model does not account for (control, register files, caches,
    interconnect, leakage, idle units, power delivery). ``fastest_per_bits`` keeps one row per
    chip and bit width: the fastest format at that width.
    """
    df = accelerator_rows(accelerators, chips)
    if fastest_per_bits:
        df = best_per_bits(df)
    df["board_energy_per_mac_j"] = 2 * df["power_w"] / _ops_per_s(df["tops"])
    df["model_energy_per_mac_j"] = digital_mac_energy_j(
        df["precision_bits"].to_numpy(float), anchors, **digital_kw
    )
    df["board_to_model"] = df["board_energy_per_mac_j"] / df["model_energy_per_mac_j"]
    return df.drop(columns="year")


# ============================================================================ analog MAC
def analog_mac_breakdown(
    bits,
    anchors: Mapping[str, float],
    *,
    array_rows: int = 256,
    array_cols: int | None = None,
    walden_fj: float = 32.0,
    schreier_db: float = 170.0,
    node_nm: float = 4.0,
    node_exponent: float = 1.0,
    noise_ratio: float = 1.0,
    cell_energy_fj: float = DEFAULT_CELL_ENERGY_FJ,
    dac_energy_per_level_fj: float = DEFAULT_DAC_ENERGY_PER_LEVEL_FJ,
    adc_combine: str = "max",
    temperature_k: float = ROOM_TEMPERATURE_K,
) -> pd.DataFrame:
    """Components of the analog in-memory energy per MAC (J) at each precision in ``bits``.

    An array of ``array_rows`` x ``array_cols`` cells holds the weights. One matrix-vector
    step converts ``array_rows`` inputs (DACs), sums ``array_rows`` products on each column
    and converts each column once (ADC). Per MAC:

    - ``array_j``: ``max(cell_energy, 12 kT 4**b / noise_ratio**2 / rows)``: each column's
      summing capacitor must hold kT/C noise to ``noise_ratio`` times the quantization noise
      of a ``b``-bit result, and that charge is shared over the rows;
    - ``dac_j``: ``dac_energy_per_level * 2**b / cols`` (an input drives every column);
    - ``adc_j``: :func:`~.model_adc.adc_energy_j` ``/ rows``;
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
    adc = (
        np.asarray(
            adc_energy_j(
                b, walden_fj, schreier_db, combine=adc_combine, temperature_k=temperature_k
            )
        )
        / rows
    )
    s = node_scale(node_nm, anchors["node_nm"], node_exponent)
    move = anchors["sram_pj_per_bit"] * s * J_PER_PJ * b * (1 / cols + 1 / rows)
    return pd.DataFrame(
        {
            "bits": b,
            "array_j": array,
            "dac_j": dac,
            "adc_j": adc,
            "movement_j": move,
            "total_j": array + dac + adc + move,
        }
    )


def analog_mac_energy_j(bits, anchors: Mapping[str, float], **kwargs):
    """Analog in-memory energy per MAC in joules (kwargs: :func:`analog_mac_breakdown`)."""
    out = analog_mac_breakdown(bits, anchors, **kwargs)["total_j"].to_numpy()
    return float(out[0]) if np.ndim(bits) == 0 else out


def network_mac_energy_j(
    bits, layers: Sequence[tuple[int, int]], anchors: Mapping[str, float], **kwargs
):
    """Energy per MAC of a network whose layer ``i`` has ``layers[i] = (fan_in, fan_out)``
    and sits in an array of exactly that size: each layer's :func:`analog_mac_energy_j` at
    ``array_rows = fan_in`` and ``array_cols = fan_out`` (each ADC conversion shared over the
    layer's fan-in, each DAC over its fan-out), weighted by the layer's MACs ``fan_in x
    fan_out``. ``kwargs``: :func:`analog_mac_breakdown`'s, without the array size."""
    if not layers or any(int(a) < 1 or int(c) < 1 for a, c in layers):
        raise ValueError("layers must be a non-empty sequence of (fan_in, fan_out) >= 1")
    kw = {k: v for k, v in kwargs.items() if k not in ("array_rows", "array_cols")}
    macs = np.array([float(a) * float(c) for a, c in layers])
    per = [
        np.asarray(
            analog_mac_energy_j(bits, anchors, array_rows=int(a), array_cols=int(c), **kw),
            dtype=float,
        )
        for a, c in layers
    ]
    out = sum(m * e for m, e in zip(macs, per, strict=True)) / macs.sum()
    return float(out) if np.ndim(bits) == 0 else np.asarray(out)


DIGITAL_KEYS = ("node_nm", "node_exponent", "sram_reuse", "dram_reuse", "hbm")
ANALOG_KEYS = (
    "array_rows",
    "array_cols",
    "walden_fj",
    "schreier_db",
    "node_nm",
    "node_exponent",
    "noise_ratio",
    "cell_energy_fj",
    "dac_energy_per_level_fj",
    "adc_combine",
    "temperature_k",
)


def split_kwargs(kw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The digital and the analog model's share of ``kw`` (a ``TypeError`` on any other)."""
    unknown = set(kw) - set(DIGITAL_KEYS) - set(ANALOG_KEYS)
    if unknown:
        raise TypeError(f"unknown model arguments: {sorted(unknown)}")
    return (
        {k: v for k, v in kw.items() if k in DIGITAL_KEYS},
        {k: v for k, v in kw.items() if k in ANALOG_KEYS},
    )


def model_kwargs(P: Params) -> dict[str, Any]:
    """The chapter's parameters as keyword arguments of :func:`energy_ratio`,
    :func:`energy_vs_bits`, :func:`crossover` and friends."""
    return {
        "array_rows": int(P.array_rows),
        "walden_fj": float(P.adc_walden_fj),
        "schreier_db": float(P.adc_schreier_db),
        "adc_combine": str(P.adc_combine),
        "node_nm": float(P.node_nm),
        "node_exponent": float(P.node_exponent),
        "sram_reuse": float(P.sram_reuse),
        "dram_reuse": float(P.dram_reuse),
        "cell_energy_fj": float(P.cell_energy_fj),
        "dac_energy_per_level_fj": float(P.dac_energy_per_level_fj),
        "noise_ratio": float(P.noise_level),
    }


def analog_kwargs(P: Params) -> dict[str, Any]:
    """The analog-only subset of :func:`model_kwargs`, without ``noise_ratio``."""
    return {k: v for k, v in model_kwargs(P).items() if k in ANALOG_KEYS and k != "noise_ratio"}


def energy_ratio(bits, anchors: Mapping[str, float], **kw):
    """Analog / digital energy per MAC at ``bits`` (below 1: analog wins).

    ``kw``: any argument of :func:`digital_mac_breakdown` or :func:`analog_mac_breakdown`
    (``node_nm`` and ``node_exponent`` apply to both).
    """
    dkw, akw = split_kwargs(kw)
    out = analog_mac_energy_j(bits, anchors, **akw) / digital_mac_energy_j(bits, anchors, **dkw)
    return float(out) if np.ndim(out) == 0 else out


def weights_streamed_ratio(bits, anchors: Mapping[str, float], **kw):
    """Analog / digital energy per MAC when the weights do not fit in the arrays and must be
    brought in from DRAM/HBM as the digital MAC brings them (one ``b``-bit operand per MAC,
    reused ``dram_reuse`` times). A lower bound: writing the cells costs more than reading
    DRAM, and is slow."""
    dkw, akw = split_kwargs(kw)
    d = digital_mac_breakdown(bits, anchors, **dkw)
    weight_traffic = d["dram_j"].to_numpy() / 2
    out = (analog_mac_energy_j(np.atleast_1d(bits), anchors, **akw) + weight_traffic) / d[
        "total_j"
    ].to_numpy()
    return float(out[0]) if np.ndim(bits) == 0 else out


def accumulator_bits(bits: float, rows: int) -> float:
    """Width of the exact sum of ``rows`` products of two ``bits``-bit operands: ``2 bits +
    ceil(log2 rows)``. A digital MAC keeps it; the analog column converts it to ``bits``."""
    return 2 * float(bits) + math.ceil(math.log2(rows))


def energy_vs_bits(bits, anchors: Mapping[str, float], **kw) -> pd.DataFrame:
    """Energy per MAC against precision for both substrates (wide).

    Columns: ``bits``, ``digital_j``, ``analog_j``, ``ratio`` (analog / digital), and every
    component prefixed ``digital_`` / ``analog_`` (``digital_multiply_j``, ..., ``analog_adc_j``).
    """
    dkw, akw = split_kwargs(kw)
    d = digital_mac_breakdown(bits, anchors, **dkw).set_index("bits").add_prefix("digital_")
    a = analog_mac_breakdown(bits, anchors, **akw).set_index("bits").add_prefix("analog_")
    out = d.join(a).reset_index()
    out = out.rename(columns={"digital_total_j": "digital_j", "analog_total_j": "analog_j"})
    out["ratio"] = out["analog_j"] / out["digital_j"]
    return out


def energy_components_long(bits, anchors: Mapping[str, float], **kw) -> pd.DataFrame:
    """The same in long form: ``bits``, ``substrate`` ("digital" / "analog"), ``component``,
    ``energy_per_mac_j`` (totals under component "total")."""
    dkw, akw = split_kwargs(kw)
    frames = []
    for name, df in (
        ("digital", digital_mac_breakdown(bits, anchors, **dkw)),
        ("analog", analog_mac_breakdown(bits, anchors, **akw)),
    ):
        long = df.melt(id_vars="bits", var_name="component", value_name="energy_per_mac_j")
        long["component"] = long["component"].str.removesuffix("_j")
        long.insert(1, "substrate", name)
        frames.append(long)
    return pd.concat(frames, ignore_index=True)


# ============================================================================ crossover
def crossover(
    anchors: Mapping[str, float],
    *,
    bits_min: float = 1.0,
    bits_max: float = 24.0,
    step: float = 0.01,
    **kw,
) -> tuple[float, str]:
    """Precision (bits, continuous) above which analog stops winning, and the regime.

    Evaluates the ratio on a grid from ``bits_min`` to ``bits_max`` and interpolates
    ``log(ratio)`` linearly at the first upward crossing of 1. Returns ``(bits, CROSSOVER)``,
    or ``(nan, ANALOG_THROUGHOUT)`` / ``(nan, DIGITAL_THROUGHOUT)`` when the ratio stays on
    one side of 1 over the whole range.
    """
    grid = np.arange(bits_min, bits_max + step / 2, step)
    lr = np.log(energy_ratio(grid, anchors, **kw))
    above = lr >= 0
    if above[0]:
        return math.nan, DIGITAL_THROUGHOUT
    if not above.any():
        return math.nan, ANALOG_THROUGHOUT
    i = int(np.argmax(above))
    x0, x1, y0, y1 = grid[i - 1], grid[i], lr[i - 1], lr[i]
    return float(x0 + (0 - y0) * (x1 - x0) / (y1 - y0)), CROSSOVER


def crossover_headline(anchors: Mapping[str, float], **kw) -> tuple[float, str]:
    """The crossover precision, finite in every regime, and the regime.

    Within :data:`CROSSOVER_RANGE` this is :func:`crossover`; when digital wins at every
    precision it is the range's lower end, when analog wins throughout its upper end (a
    bound, flagged by the regime).
    """
    lo, hi = CROSSOVER_RANGE
    bits, regime = crossover(anchors, bits_min=lo, bits_max=hi, **kw)
    if regime == DIGITAL_THROUGHOUT:
        return lo, regime
    if regime == ANALOG_THROUGHOUT:
        return hi, regime
    return bits, regime


def crossover_map(
    anchors: Mapping[str, float],
    x_name: str,
    x_values: Iterable[float],
    y_name: str,
    y_values: Iterable[float],
    **kw,
) -> pd.DataFrame:
    """The crossover precision over a grid of two model arguments.

    ``x_name``/``y_name`` are any arguments of :func:`energy_ratio` (for example
    ``"array_rows"`` and ``"walden_fj"``); ``kw`` fixes the others. Columns: ``x_name``,
    ``y_name``, ``crossover_bits`` (nan outside the range), ``crossover_shown`` (the range's
    ends where one substrate wins throughout), ``regime``.
    """
    if x_name == y_name:
        raise ValueError("x_name and y_name must differ")
    y_values = list(y_values)
    rows = []
    for xv in x_values:
        for yv in y_values:
            args = {**kw, x_name: xv, y_name: yv}
            bits, regime = crossover(
                anchors, bits_min=CROSSOVER_RANGE[0], bits_max=CROSSOVER_RANGE[1], **args
            )
            shown = {
                DIGITAL_THROUGHOUT: CROSSOVER_RANGE[0],
                ANALOG_THROUGHOUT: CROSSOVER_RANGE[1],
            }.get(regime, bits)
            rows.append(
                {
                    x_name: xv,
                    y_name: yv,
                    "crossover_bits": bits,
                    "crossover_shown": shown,
                    "regime": regime,
                }
            )
    return pd.DataFrame(rows)


# ============================================================================ published chips
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


def chips_comparison(
    analog_chips: pd.DataFrame,
    accelerators: pd.DataFrame,
    *,
    chips: Sequence[str] | None = DEFAULT_GPUS,
    precisions: Iterable[int] | None = None,
    fastest_per_bits: bool = False,
) -> pd.DataFrame:
    """TOPS/W of analog and other non-von-Neumann chips and of digital GPUs.

    Analog rows come from the ``analog_chips`` table; their ``tops_per_w`` is the stated
    figure, or ``tops / power_w`` where none is stated (``derived`` says which). Digital rows
    are each accelerator named in ``chips`` (None: all) at each dense precision column it has
    (board power, vendor figures, level "card"), kept only at ``precisions`` (default: those
    of the analog rows). Columns: ``chip``, ``family`` (:data:`ANALOG_FAMILY` or
    :data:`DIGITAL_FAMILY`), ``substrate``, ``level``, ``claim_type``, ``precision_bits``,
    ``precision_label``, ``tops``, ``power_w``, ``tops_per_w``, ``derived``,
    ``energy_per_op_pj``, ``year``, ``checked``. ``fastest_per_bits`` keeps one digital row
    per chip and bit width (its fastest format).
    """
    a = analog_chips.copy()
    stated = a["tops_per_w"].notna()
    a["derived"] = ~stated
    a.loc[~stated, "tops_per_w"] = a.loc[~stated, "tops"] / a.loc[~stated, "power_w"]
    a["family"] = ANALOG_FAMILY
    a = a[
        [
            "chip",
            "family",
            "substrate",
            "level",
            "claim_type",
            "precision_bits",
            "precision_label",
            "tops",
            "power_w",
            "tops_per_w",
            "derived",
            "year",
            "checked",
        ]
    ]
    d = accelerator_rows(accelerators, chips)
    if fastest_per_bits:
        d = best_per_bits(d)
    if "checked" in accelerators.columns:
        d = d.merge(accelerators[["chip", "checked"]], on="chip", how="left")
    else:
        d["checked"] = "unverified"
    d["family"] = DIGITAL_FAMILY
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


def is_analog_in_memory(substrate: str) -> bool:
    return "analog" in substrate and "in-memory" in substrate


def measured_8(
    analog_chips: pd.DataFrame, accelerators: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The peer-reviewed analog in-memory chips and the digital accelerators at 8 bits."""
    cc = chips_comparison(analog_chips, accelerators, fastest_per_bits=True)
    meas = cc[
        (cc["family"] != DIGITAL_FAMILY)
        & cc["substrate"].map(is_analog_in_memory)
        & (cc["claim_type"] == "peer-reviewed")
        & (cc["precision_bits"] == 8)
    ]
    dig = cc[(cc["family"] == DIGITAL_FAMILY) & (cc["precision_bits"] == 8)]
    return meas, dig


def measured_ratio_8(analog_chips: pd.DataFrame, accelerators: pd.DataFrame) -> float:
    """Energy per 8-bit operation of the best peer-reviewed analog in-memory chip over that
    of the best digital accelerator (best GPU TOPS/W over best chip TOPS/W)."""
    return float(measured_ratios_8(analog_chips, accelerators).min())


def measured_ratios_8(analog_chips: pd.DataFrame, accelerators: pd.DataFrame) -> np.ndarray:
    """Energy per 8-bit operation of every peer-reviewed analog in-memory chip over that of
    the best digital accelerator (above 1: the chip uses more than the GPU)."""
    meas, dig = measured_8(analog_chips, accelerators)
    if meas.empty or dig.empty:
        raise ValueError("no peer-reviewed 8-bit analog chip or no 8-bit accelerator")
    return float(dig["tops_per_w"].max()) / meas["tops_per_w"].to_numpy(float)


def units_needed(n_weights: float, capacity_weights: float) -> float:
    """How many chips of ``capacity_weights`` weights each hold ``n_weights`` weights."""
    if n_weights < 0 or capacity_weights <= 0:
        raise ValueError("n_weights must be >= 0 and capacity_weights > 0")
    return float(math.ceil(n_weights / capacity_weights))
