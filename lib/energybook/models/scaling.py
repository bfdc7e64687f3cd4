"""Scaling limits of performance per watt: trends, slowdown tests, decompositions, limits.

Pure functions over plain data. The notebook loads ``accelerators`` (and ``energy_per_op``,
``cmos_limits``) with :func:`energybook.data.load_table` and passes the DataFrames in.

Conventions
-----------
- Throughput columns are dense peaks in TFLOP/s (``*_tflops``; ``int8_tops`` in TOP/s).
- Efficiency is ``flop_per_j`` = peak FLOP/s / board power (W): the vendor's peak at its
  rated power, not a measurement.
- Trends are fitted by ordinary least squares of log2(value) on decimal release year, so the
  slope is in doublings per year and the doubling time is its reciprocal.
- Everything random takes a ``seed``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import scipy.constants as const
from scipy import stats

from energybook.units import factor

FLOP_PER_S_PER_TFLOPS = factor("THz", "Hz")  # 1e12: tera-operations per second -> per second
BYTE_PER_S_PER_TBPS = factor("TB/s", "B/s")
J_PER_PJ = factor("pJ", "J")

# Number formats: the data column holding each, and its width in bits.
FORMAT_COLUMNS: dict[str, str] = {
    "fp32": "fp32_tflops",
    "tf32": "tf32_tflops",
    "bf16": "bf16_tflops",
    "fp16": "fp16_tflops",
    "fp8": "fp8_tflops",
    "int8": "int8_tops",
    "fp4": "fp4_tflops",
}
FORMAT_BITS: dict[str, int] = {
    "fp32": 32, "tf32": 19, "bf16": 16, "fp16": 16, "fp8": 8, "int8": 8, "fp4": 4,
}
# Formats "lowest" chooses from: floating point only.
LOWEST_CANDIDATES: tuple[str, ...] = ("fp4", "fp8", "bf16", "fp16", "tf32", "fp32")
# Choices for a trend's precision: a format, or each chip's narrowest supported format.
PRECISIONS: tuple[str, ...] = ("bf16", "fp32", "tf32", "fp16", "fp8", "fp4", "int8", "lowest")
VENDORS: tuple[str, ...] = ("NVIDIA", "AMD", "Google", "Intel")
SILICON_MEASURES: tuple[str, ...] = ("transistors", "dies")

NVIDIA_LINE: tuple[str, ...] = ("V100 SXM2", "A100 SXM 80GB", "H100 SXM", "B200", "GB300")
AMD_LINE: tuple[str, ...] = ("MI100", "MI250X", "MI300X", "MI355X")


# --------------------------------------------------------------------------- helpers
def decimal_year(dates) -> np.ndarray:
    """Release dates (date/datetime/str, scalar or sequence) as decimal years."""
    ts = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(dates, dtype=object))))
    start = pd.to_datetime(ts.dt.year.astype(str) + "-01-01")
    end = pd.to_datetime((ts.dt.year + 1).astype(str) + "-01-01")
    frac = (ts - start) / (end - start)
    return (ts.dt.year + frac).to_numpy(dtype=float)


def chip_format_peak(row: Mapping, precision: str) -> tuple[float, str]:
    """(peak in TFLOP/s or TOP/s, format used) of one chip at ``precision``.

    ``"lowest"`` takes the narrowest floating-point format the chip lists (fp4 < fp8 < 16-bit
    < tf32 < fp32), the largest peak among formats of that width; INT8 is left out so that
    every figure counts FLOP. NaN and ``""`` when absent.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r} is not one of {PRECISIONS}")
    if precision != "lowest":
        value = row.get(FORMAT_COLUMNS[precision])
        ok = value is not None and not pd.isna(value)
        return (float(value), precision) if ok else (math.nan, "")
    best: tuple[float, str] = (math.nan, "")
    best_bits = math.inf
    for fmt in LOWEST_CANDIDATES:
        value = row.get(FORMAT_COLUMNS[fmt])
        if value is None or pd.isna(value):
            continue
        bits = FORMAT_BITS[fmt]
        if bits < best_bits or (bits == best_bits and float(value) > best[0]):
            best, best_bits = (float(value), fmt), bits
    return best


def flop_per_j(tflops, power_w):
    """Peak efficiency in FLOP/J from a peak in TFLOP/s and a power in W."""
    return np.asarray(tflops, dtype=float) * FLOP_PER_S_PER_TFLOPS / np.asarray(power_w, dtype=float)


# --------------------------------------------------------------------------- the table
def efficiency_table(accelerators: pd.DataFrame, precision: str = "bf16",
                     vendors: Sequence[str] | None = None, start_year: float | None = None,
                     end_year: float | None = None, include_estimated_power: bool = True
                     ) -> pd.DataFrame:
    """One row per chip with a peak at ``precision`` and a board power, filtered.

    Columns: chip, vendor, release_date, year, format, format_bits, tflops, board_power_w,
    power_estimated, flop_per_j, j_per_flop. ``start_year``/``end_year`` are inclusive
    calendar years of release. Sorted by release date.
    """
    rows = []
    for rec in accelerators.to_dict("records"):
        peak, fmt = chip_format_peak(rec, precision)
        power = rec.get("board_power_w")
        if math.isnan(peak) or power is None or pd.isna(power):
            continue
        est = isinstance(rec.get("power_estimated_by"), str) and rec["power_estimated_by"] != ""
        rows.append({
            "chip": rec["chip"], "vendor": rec["vendor"], "release_date": rec["release_date"],
            "format": fmt, "format_bits": FORMAT_BITS[fmt], "tflops": peak,
            "board_power_w": float(power), "power_estimated": est,
        })
    out = pd.DataFrame(rows, columns=["chip", "vendor", "release_date", "format", "format_bits",
                                      "tflops", "board_power_w", "power_estimated"])
    if out.empty:
        out["year"] = []
    else:
        out["year"] = decimal_year(out["release_date"])
    if vendors is not None:
        out = out[out["vendor"].isin(list(vendors))]
    if start_year is not None:
        out = out[np.floor(out["year"]) >= start_year]
    if end_year is not None:
        out = out[np.floor(out["year"]) <= end_year]
    if not include_estimated_power:
        out = out[~out["power_estimated"].astype(bool)]
    out = out.assign(flop_per_j=flop_per_j(out["tflops"], out["board_power_w"]))
    out = out.assign(j_per_flop=1.0 / out["flop_per_j"])
    cols = ["chip", "vendor", "release_date", "year", "format", "format_bits", "tflops",
            "board_power_w", "power_estimated", "flop_per_j", "j_per_flop"]
    return out.sort_values("year", kind="stable").reset_index(drop=True)[cols]


# --------------------------------------------------------------------------- trend fits
@dataclass(frozen=True)
class TrendFit:
    """A log-linear trend: log2(value) = intercept + slope * (year - year_ref)."""

    n: int
    slope_per_year: float  # doublings per year
    slope_se: float
    slope_low: float
    slope_high: float
    intercept_log2: float
    year_ref: float
    doubling_time_years: float
    doubling_time_low_years: float   # from slope_high
    doubling_time_high_years: float  # from slope_low (inf when slope_low <= 0)
    growth_per_year: float           # 2 ** slope
    r_squared: float
    residual_sd_log2: float
    level: float

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}

    def predict(self, years) -> np.ndarray:
        """Fitted values (in the units of the data) at ``years``."""
        y = np.asarray(years, dtype=float)
        return 2.0 ** (self.intercept_log2 + self.slope_per_year * (y - self.year_ref))


def _doubling(slope: float) -> float:
    return 1.0 / slope if slope > 0 else math.inf


def fit_log_trend(years, values, level: float = 0.95) -> TrendFit:
    """OLS fit of log2(values) on years with a t-interval on the slope.

    The doubling time is 1/slope; its interval is the reciprocal of the slope's interval
    (the upper end is infinite when the interval reaches zero growth). Needs >= 3 points
    with distinct years and positive values.
    """
    x = np.asarray(years, dtype=float)
    v = np.asarray(values, dtype=float)
    if x.shape != v.shape:
        raise ValueError("years and values differ in length")
    keep = np.isfinite(x) & np.isfinite(v)
    x, v = x[keep], v[keep]
    if np.any(v <= 0):
        raise ValueError("values must be positive for a log-linear fit")
    n = x.size
    if n < 3 or np.ptp(x) == 0:
        raise ValueError(f"need at least 3 points spread over time, got {n}")
    y = np.log2(v)
    year_ref = float(np.mean(x))
    xc = x - year_ref
    sxx = float(np.sum(xc**2))
    slope = float(np.sum(xc * (y - y.mean())) / sxx)
    intercept = float(y.mean())
    resid = y - (intercept + slope * xc)
    dof = n - 2
    s2 = float(np.sum(resid**2) / dof)
    se = math.sqrt(s2 / sxx)
    t = float(stats.t.ppf(0.5 + level / 2, dof))
    lo, hi = slope - t * se, slope + t * se
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid**2)) / ss_tot if ss_tot > 0 else 1.0
    return TrendFit(n=n, slope_per_year=slope, slope_se=se, slope_low=lo, slope_high=hi,
                    intercept_log2=intercept, year_ref=year_ref,
                    doubling_time_years=_doubling(slope), doubling_time_low_years=_doubling(hi),
                    doubling_time_high_years=_doubling(lo), growth_per_year=2.0**slope,
                    r_squared=r2, residual_sd_log2=math.sqrt(s2), level=level)


def efficiency_trend(accelerators: pd.DataFrame, precision: str = "bf16",
                     vendors: Sequence[str] | None = None, start_year: float | None = None,
                     end_year: float | None = None, include_estimated_power: bool = True,
                     level: float = 0.95) -> TrendFit:
    """Fitted trend of peak FLOP/J (= FLOP/s per W) against release date."""
    t = efficiency_table(accelerators, precision, vendors, start_year, end_year,
                         include_estimated_power)
    return fit_log_trend(t["year"], t["flop_per_j"], level)


def trend_summary(accelerators: pd.DataFrame, precisions: Iterable[str] = ("bf16", "fp32", "lowest"),
                  vendors: Sequence[str] | None = None, start_year: float | None = None,
                  end_year: float | None = None, include_estimated_power: bool = True,
                  by_vendor: bool = True, level: float = 0.95) -> pd.DataFrame:
    """Doubling times (with interval) per precision, for all chips and per vendor.

    Columns: precision, group ("all" or the vendor), n, doubling_time_years,
    doubling_time_low_years, doubling_time_high_years, growth_per_year, r_squared.
    Groups with fewer than 3 chips are left out.
    """
    out = []
    for p in precisions:
        t = efficiency_table(accelerators, p, vendors, start_year, end_year,
                             include_estimated_power)
        groups = [("all", t)]
        if by_vendor:
            groups += [(v, g) for v, g in t.groupby("vendor", sort=True)]
        for name, g in groups:
            if len(g) < 3 or np.ptp(g["year"]) == 0:
                continue
            f = fit_log_trend(g["year"], g["flop_per_j"], level)
            out.append({"precision": p, "group": name, "n": f.n,
                        "doubling_time_years": f.doubling_time_years,
                        "doubling_time_low_years": f.doubling_time_low_years,
                        "doubling_time_high_years": f.doubling_time_high_years,
                        "growth_per_year": f.growth_per_year, "r_squared": f.r_squared})
    return pd.DataFrame(out, columns=["precision", "group", "n", "doubling_time_years",
                                      "doubling_time_low_years", "doubling_time_high_years",
                                      "growth_per_year", "r_squared"])


def trend_line(fit: TrendFit, years, level: float | None = None, *, x_years=None,
               ) -> pd.DataFrame:
    """Fitted line with a confidence band of the mean, for charts.

    ``years`` are the years of the fitted data (for the band's leverage); ``x_years`` the
    grid to draw on (default: 50 points over the data's range). Columns: year, fit, low, high
    (in the fitted units, e.g. FLOP/J).
    """
    x = np.asarray(years, dtype=float)
    grid = np.linspace(x.min(), x.max(), 50) if x_years is None else np.asarray(x_years, float)
    lvl = fit.level if level is None else level
    t = float(stats.t.ppf(0.5 + lvl / 2, fit.n - 2))
    sxx = float(np.sum((x - fit.year_ref) ** 2))
    se_mean = fit.residual_sd_log2 * np.sqrt(1.0 / fit.n + (grid - fit.year_ref) ** 2 / sxx)
    centre = fit.intercept_log2 + fit.slope_per_year * (grid - fit.year_ref)
    return pd.DataFrame({"year": grid, "fit": 2.0**centre, "low": 2.0 ** (centre - t * se_mean),
                         "high": 2.0 ** (centre + t * se_mean)})


def trend_lines_by_vendor(table: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Chart dataset: the trend line (with band) for all chips and for each vendor with >= 3.

    ``table`` is an :func:`efficiency_table`. Columns: group, year, fit, low, high.
    """
    parts = []
    groups = [("all", table)] + [(v, g) for v, g in table.groupby("vendor", sort=True)]
    for name, g in groups:
        if len(g) < 3 or np.ptp(g["year"]) == 0:
            continue
        f = fit_log_trend(g["year"], g["flop_per_j"], level)
        parts.append(trend_line(f, g["year"]).assign(group=name))
    if not parts:
        return pd.DataFrame(columns=["group", "year", "fit", "low", "high"])
    return pd.concat(parts, ignore_index=True)[["group", "year", "fit", "low", "high"]]


# --------------------------------------------------------------------------- slowdown
def _segmented_design(x: np.ndarray, breakpoint: float) -> np.ndarray:
    """Continuous broken-stick design: [1, x - b, max(0, x - b)]."""
    d = x - breakpoint
    return np.column_stack([np.ones_like(x), d, np.maximum(d, 0.0)])


def segmented_fit(years, values, breakpoint_year: float) -> dict[str, float]:
    """Continuous two-segment fit of log2(values) with a given breakpoint.

    Returns slope_before, slope_after (doublings/year), slope_change, doubling times before
    and after, their standard errors (conditional on the breakpoint), sse, n_before, n_after,
    and the F-test p-value of the kink against one straight line (valid for a breakpoint fixed
    in advance, not for one chosen from the data).
    """
    x = np.asarray(years, float)
    y = np.log2(np.asarray(values, float))
    X = _segmented_design(x, breakpoint_year)
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    n = x.size
    sse = float(resid @ resid)
    dof = n - 3
    s2 = sse / dof if dof > 0 else math.nan
    cov = s2 * np.linalg.pinv(X.T @ X)
    before, change = float(coef[1]), float(coef[2])
    after = before + change
    se_before = math.sqrt(cov[1, 1])
    se_change = math.sqrt(cov[2, 2])
    se_after = math.sqrt(cov[1, 1] + cov[2, 2] + 2 * cov[1, 2])
    X1 = X[:, :2]
    c1, *_ = np.linalg.lstsq(X1, y, rcond=None)
    sse1 = float(np.sum((y - X1 @ c1) ** 2))
    f = (sse1 - sse) / s2 if dof > 0 and s2 > 0 else math.nan
    p = float(stats.f.sf(f, 1, dof)) if math.isfinite(f) else math.nan
    return {"breakpoint_year": float(breakpoint_year), "slope_before": before,
            "slope_after": after, "slope_change": change, "slope_before_se": se_before,
            "slope_after_se": se_after, "slope_change_se": se_change,
            "doubling_time_before_years": _doubling(before),
            "doubling_time_after_years": _doubling(after), "sse": sse,
            "n_before": int(np.sum(x < breakpoint_year)),
            "n_after": int(np.sum(x >= breakpoint_year)), "f_test_p": p}


def _candidate_breaks(x: np.ndarray, min_points: int, grid_step: float) -> np.ndarray:
    xs = np.sort(x)
    if xs.size < 2 * min_points:
        return np.array([])
    lo, hi = xs[min_points - 1], xs[-min_points]
    if hi <= lo:
        return np.array([])
    return np.arange(lo, hi + 1e-9, grid_step)


def _profile_breaks(x: np.ndarray, Y: np.ndarray, cands: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each column of Y, the SSE-minimising breakpoint among ``cands`` and its slopes.

    Returns (best_break, coefs[ncols, 3]).
    """
    best_sse = np.full(Y.shape[1], np.inf)
    best_b = np.full(Y.shape[1], np.nan)
    best_c = np.full((Y.shape[1], 3), np.nan)
    for b in cands:
        X = _segmented_design(x, b)
        coef, *_ = np.linalg.lstsq(X, Y, rcond=None)
        sse = np.sum((Y - X @ coef) ** 2, axis=0)
        better = sse < best_sse
        best_sse[better] = sse[better]
        best_b[better] = b
        best_c[better] = coef.T[better]
    return best_b, best_c


def breakpoint_test(years, values, n_boot: int = 1000, seed: int = 0, level: float = 0.90,
                    min_points: int = 4, grid_step: float = 0.05) -> dict[str, float]:
    """Estimate a slowdown: breakpoint and slope change with residual-bootstrap intervals.

    The breakpoint is the one that minimises the squared error of a continuous two-segment
    fit of log2(values), searched on a grid keeping ``min_points`` chips on each side. The
    interval comes from a residual bootstrap (seeded) that re-estimates the breakpoint each
    time. ``prob_slowdown`` is the share of bootstrap fits whose later slope is lower.

    Returns breakpoint_year (+ _low/_high), slope_before/after (doublings per year, + _low,
    _high), doubling_time_before/after_years (+ _low/_high), slope_change (+ _low/_high),
    prob_slowdown, n, n_boot.
    """
    x = np.asarray(years, float)
    y = np.log2(np.asarray(values, float))
    cands = _candidate_breaks(x, min_points, grid_step)
    if cands.size == 0:
        raise ValueError(f"need at least {2 * min_points} chips to look for a breakpoint")
    b_hat, c_hat = _profile_breaks(x, y[:, None], cands)
    b0, c0 = float(b_hat[0]), c_hat[0]
    fitted = _segmented_design(x, b0) @ c0
    resid = y - fitted
    resid = resid - resid.mean()
    # Inflate residuals for the 3 fitted parameters plus the breakpoint.
    resid = resid * math.sqrt(x.size / max(x.size - 4, 1))
    rng = np.random.default_rng(seed)
    Y = fitted[:, None] + rng.choice(resid, size=(x.size, n_boot), replace=True)
    bb, cb = _profile_breaks(x, Y, cands)
    before_b, after_b = cb[:, 1], cb[:, 1] + cb[:, 2]
    a = (1 - level) / 2

    def q(v):
        return float(np.quantile(v, a)), float(np.quantile(v, 1 - a))

    before, after = float(c0[1]), float(c0[1] + c0[2])
    out = {"breakpoint_year": b0, "slope_before": before, "slope_after": after,
           "slope_change": after - before,
           "doubling_time_before_years": _doubling(before),
           "doubling_time_after_years": _doubling(after),
           "prob_slowdown": float(np.mean(after_b < before_b)),
           "n": int(x.size), "n_boot": int(n_boot), "level": level,
           "search_low": float(cands[0]), "search_high": float(cands[-1])}
    for name, v in (("breakpoint_year", bb), ("slope_before", before_b),
                    ("slope_after", after_b), ("slope_change", after_b - before_b)):
        out[f"{name}_low"], out[f"{name}_high"] = q(v)
    out["doubling_time_before_low_years"] = _doubling(out["slope_before_high"])
    out["doubling_time_before_high_years"] = _doubling(out["slope_before_low"])
    out["doubling_time_after_low_years"] = _doubling(out["slope_after_high"])
    out["doubling_time_after_high_years"] = _doubling(out["slope_after_low"])
    return out


def rolling_growth(years, values, window_years: float = 4.0, step_years: float = 1.0,
                   level: float = 0.90, min_points: int = 3) -> pd.DataFrame:
    """Growth rate in rolling windows of release date, each with a t-interval.

    Columns: window_start, window_end, window_mid, n, slope_per_year, slope_low, slope_high,
    doubling_time_years, doubling_time_low_years, doubling_time_high_years. Windows with fewer
    than ``min_points`` chips (or all in one year) are skipped.
    """
    x = np.asarray(years, float)
    v = np.asarray(values, float)
    rows = []
    start = math.floor(x.min())
    while start + window_years <= math.ceil(x.max()) + 1e-9:
        m = (x >= start) & (x < start + window_years)
        if m.sum() >= min_points and np.ptp(x[m]) > 0:
            f = fit_log_trend(x[m], v[m], level)
            rows.append({"window_start": start, "window_end": start + window_years,
                         "window_mid": start + window_years / 2, "n": f.n,
                         "slope_per_year": f.slope_per_year, "slope_low": f.slope_low,
                         "slope_high": f.slope_high,
                         "doubling_time_years": f.doubling_time_years,
                         "doubling_time_low_years": f.doubling_time_low_years,
                         "doubling_time_high_years": f.doubling_time_high_years})
        start += step_years
    return pd.DataFrame(rows, columns=["window_start", "window_end", "window_mid", "n",
                                       "slope_per_year", "slope_low", "slope_high",
                                       "doubling_time_years", "doubling_time_low_years",
                                       "doubling_time_high_years"])


# --------------------------------------------------------------------------- decomposition
def _chip(accelerators: pd.DataFrame, chip: str) -> dict:
    m = accelerators[accelerators["chip"] == chip]
    if m.empty:
        raise KeyError(f"no accelerator named {chip!r}")
    return m.iloc[0].to_dict()


def _silicon(rec: Mapping, measure: str) -> float:
    col = {"transistors": "transistors_billion", "dies": "dies"}[measure]
    v = rec.get(col)
    return math.nan if v is None or pd.isna(v) else float(v)


def decompose_step(before: Mapping, after: Mapping, precision: str = "bf16",
                   reference: str = "bf16", silicon: str = "transistors") -> dict[str, float]:
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
    """:func:`decompose_step` for each consecutive pair of ``chips`` (one row per step).

    Columns: step, before, after, format_before, format_after, total, format, silicon, power,
    residual, efficiency, residual_includes_silicon, log_* and share_* of each factor,
    share_non_efficiency.
    """
    rows = []
    for b, a in zip(chips[:-1], chips[1:], strict=True):
        d = decompose_step(_chip(accelerators, b), _chip(accelerators, a), precision,
                           reference, silicon)
        rows.append({"step": f"{b} -> {a}", "before": b, "after": a, **d})
    return pd.DataFrame(rows)


def decomposition_long(steps: pd.DataFrame) -> pd.DataFrame:
    """Chart dataset from :func:`decompose_line`: one row per step and factor.

    Columns: step, factor, ratio, log10_ratio (the bars stack to log10 of the total).
    """
    rows = []
    for rec in steps.to_dict("records"):
        for f in ("format", "silicon", "power", "residual"):
            ratio = rec[f]
            if not math.isfinite(ratio):
                continue
            rows.append({"step": rec["step"], "factor": f, "ratio": ratio,
                         "log10_ratio": math.log10(ratio)})
    return pd.DataFrame(rows, columns=["step", "factor", "ratio", "log10_ratio"])


def generation_ratios(accelerators: pd.DataFrame, before: str = "H100 SXM", after: str = "B200",
                      precision: str = "bf16") -> dict[str, float]:
    """Plain ratios after/before: throughput at ``precision``, board power, transistors, dies,
    and FLOP/s per W. (Hopper -> Blackwell at BF16: about 2.3x, 1.4x, 2.6x.)"""
    a, b = _chip(accelerators, after), _chip(accelerators, before)
    pa, _ = chip_format_peak(a, precision)
    pb, _ = chip_format_peak(b, precision)
    power = float(a["board_power_w"]) / float(b["board_power_w"])
    return {"throughput": pa / pb, "power": power,
            "transistors": _silicon(a, "transistors") / _silicon(b, "transistors"),
            "dies": _silicon(a, "dies") / _silicon(b, "dies"),
            "flop_per_j": (pa / pb) / power}


# --------------------------------------------------------------------------- memory wall
def memory_wall_table(accelerators: pd.DataFrame, precision: str = "bf16",
                      vendors: Sequence[str] | None = None, start_year: float | None = None,
                      end_year: float | None = None,
                      include_estimated_power: bool = True) -> pd.DataFrame:
    """Bandwidth per FLOP and per watt, per chip.

    Columns: chip, vendor, year, format, tflops, memory_bw_tbps, board_power_w,
    byte_per_flop (bandwidth / peak), ridge_flop_per_byte (its inverse: the arithmetic
    intensity above which a kernel is compute-bound), bw_gbps_per_w.
    """
    t = efficiency_table(accelerators, precision, vendors, start_year, end_year,
                         include_estimated_power)
    bw = accelerators.set_index("chip")["memory_bw_tbps"]
    t = t.assign(memory_bw_tbps=t["chip"].map(bw).astype(float)).dropna(subset=["memory_bw_tbps"])
    bps = t["memory_bw_tbps"] * BYTE_PER_S_PER_TBPS
    fps = t["tflops"] * FLOP_PER_S_PER_TFLOPS
    t = t.assign(byte_per_flop=bps / fps, ridge_flop_per_byte=fps / bps,
                 bw_gbps_per_w=t["memory_bw_tbps"] * factor("TB/s", "GB/s") / t["board_power_w"])
    return t[["chip", "vendor", "year", "format", "tflops", "memory_bw_tbps", "board_power_w",
              "byte_per_flop", "ridge_flop_per_byte", "bw_gbps_per_w"]].reset_index(drop=True)


def memory_wall_trends(table: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Trends of a :func:`memory_wall_table`: bandwidth, peak, byte/FLOP, bandwidth per W.

    Columns: quantity, n, slope_per_year, doubling_time_years, low, high (a negative slope is
    a halving: doubling_time is inf and ``halving_time_years`` is given).
    """
    rows = []
    for q in ("memory_bw_tbps", "tflops", "byte_per_flop", "bw_gbps_per_w"):
        f = fit_log_trend(table["year"], table[q], level)
        rows.append({"quantity": q, "n": f.n, "slope_per_year": f.slope_per_year,
                     "slope_low": f.slope_low, "slope_high": f.slope_high,
                     "doubling_time_years": f.doubling_time_years,
                     "halving_time_years": _doubling(-f.slope_per_year)})
    return pd.DataFrame(rows)


def data_vs_arithmetic(energy_per_op: pd.DataFrame, reference: str = "float mult",
                       reference_bits: int = 16) -> pd.DataFrame:
    """Energy of each operation or access relative to one arithmetic operation.

    Columns: operation, kind, bits, energy_pj, energy_pj_per_bit, ratio_to_reference.
    """
    ref = energy_per_op[(energy_per_op["operation"] == reference)
                        & (energy_per_op["bits"] == reference_bits)]
    if ref.empty:
        raise KeyError(f"no row {reference!r} at {reference_bits} bits")
    e_ref = float(ref["energy_pj"].iloc[0])
    t = energy_per_op[["operation", "kind", "bits", "energy_pj"]].copy()
    t["energy_pj_per_bit"] = t["energy_pj"] / t["bits"]
    t["ratio_to_reference"] = t["energy_pj"] / e_ref
    return t.sort_values("energy_pj").reset_index(drop=True)


def weight_streaming_energy(batch_sizes, bits_per_weight: float = 16.0,
                            memory_pj_per_bit: float = 3.9, mult_pj: float = 1.1,
                            add_pj: float = 0.4) -> pd.DataFrame:
    """Memory vs arithmetic energy per weight per token in memory-bound decoding.

    Each weight is read once per forward pass and shared by ``batch_sizes`` tokens; each
    token spends one multiply and one add (2 FLOP) on it. Defaults: HBM2 access 3.9 pJ/bit
    (O'Connor et al. 2017), FP16 multiply 1.1 pJ and add 0.4 pJ at 45 nm (Horowitz 2014): the
    notebook should pass the values from ``energy_per_op``.

    Columns: batch_size, memory_pj_per_token, arithmetic_pj_per_token, memory_share.
    """
    b = np.asarray(batch_sizes, float)
    mem = bits_per_weight * memory_pj_per_bit / b
    arith = np.full_like(b, mult_pj + add_pj)
    return pd.DataFrame({"batch_size": b, "memory_pj_per_token": mem,
                         "arithmetic_pj_per_token": arith, "memory_share": mem / (mem + arith)})


# --------------------------------------------------------------------------- physical limits
def landauer_limit_j(temperature_k: float = 300.0) -> float:
    """Landauer's minimum energy to erase one bit, k T ln 2, in J (scipy.constants.k)."""
    return const.k * temperature_k * math.log(2)


def years_to_limit(current_flop_per_j, limit_flop_per_j, doubling_time_years):
    """Years for ``current`` to reach ``limit`` doubling every ``doubling_time_years``
    (0 when already there; inf when not improving)."""
    cur = np.asarray(current_flop_per_j, float)
    lim = np.asarray(limit_flop_per_j, float)
    dt = np.asarray(doubling_time_years, float)
    doublings = np.maximum(np.log2(lim / cur), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(doublings == 0, 0.0, doublings * dt)
    return float(out) if out.ndim == 0 else out


def distance_to_limits(table: pd.DataFrame, cmos_limit_flop_per_j: float,
                       doubling_time_years: float, temperature_k: float = 300.0) -> pd.DataFrame:
    """Per chip of an :func:`efficiency_table`: J/FLOP against kT ln 2 and a CMOS limit.

    A FLOP is not one bit erasure (a 16-bit multiply-add switches thousands of gates), so
    the Landauer ratio is a floor on the distance, not a forecast. Columns: chip, vendor,
    year, format, j_per_flop, landauer_j, orders_above_landauer (log10 of the ratio),
    cmos_limit_flop_per_j, factor_to_cmos_limit, years_to_cmos_limit (at the given rate).
    """
    kt = landauer_limit_j(temperature_k)
    t = table[["chip", "vendor", "year", "format", "j_per_flop", "flop_per_j"]].copy()
    t["landauer_j"] = kt
    t["orders_above_landauer"] = np.log10(t["j_per_flop"] / kt)
    t["cmos_limit_flop_per_j"] = float(cmos_limit_flop_per_j)
    t["factor_to_cmos_limit"] = cmos_limit_flop_per_j / t["flop_per_j"]
    t["years_to_cmos_limit"] = years_to_limit(t["flop_per_j"], cmos_limit_flop_per_j,
                                              doubling_time_years)
    return t.drop(columns="flop_per_j").reset_index(drop=True)


def best_chip(table: pd.DataFrame) -> dict:
    """The row of an :func:`efficiency_table` with the highest FLOP/J, as a dict."""
    if table.empty:
        raise ValueError("no chips to choose from")
    return table.loc[table["flop_per_j"].idxmax()].to_dict()


# --------------------------------------------------------------------------- GEMM shapes
def gemm_efficiency(m, n, k=None, tile_m: int = 128, tile_n: int = 128, tile_k: int | None = None,
                    n_sms: int = 132) -> dict[str, np.ndarray | float]:
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

    return {"tiles": _out(tiles), "waves": _out(waves), "tile_efficiency": _out(tile_eff),
            "wave_efficiency": _out(wave_eff), "k_efficiency": _out(k_eff),
            "efficiency": _out(eff)}


def gemm_efficiency_curve(sizes, other_dim: int = 4096, tile_shapes: Sequence[tuple[int, int]] = (
        (128, 128), (256, 128)), n_sms: int = 132, vary: str = "n") -> pd.DataFrame:
    """Chart dataset: quantization efficiency as one GEMM dimension sweeps ``sizes``.

    ``vary`` is "n" (N sweeps, M = other_dim) or "m". Columns: size, tile, tiles, waves,
    tile_efficiency, wave_efficiency, efficiency, multiple_of_64, multiple_of_128.
    """
    s = np.asarray(sizes, dtype=int)
    parts = []
    for tm, tn in tile_shapes:
        m, n = (other_dim, s) if vary == "n" else (s, other_dim)
        e = gemm_efficiency(m, n, tile_m=tm, tile_n=tn, n_sms=n_sms)
        parts.append(pd.DataFrame({
            "size": s, "tile": f"{tm}x{tn}", "tiles": e["tiles"], "waves": e["waves"],
            "tile_efficiency": e["tile_efficiency"], "wave_efficiency": e["wave_efficiency"],
            "efficiency": e["efficiency"], "multiple_of_64": s % 64 == 0,
            "multiple_of_128": s % 128 == 0}))
    return pd.concat(parts, ignore_index=True)


def padded_size(size: int, multiple: int) -> int:
    """``size`` rounded up to a multiple of ``multiple`` (e.g. vocabulary 50,257 -> 50,304 at 64)."""
    if size < 1 or multiple < 1:
        raise ValueError("size and multiple must be >= 1")
    return int(-(-size // multiple) * multiple)


# --------------------------------------------------------------------------- headlines
def _safe(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except (ValueError, KeyError, ZeroDivisionError):
        return None


def headline_numbers(accelerators: pd.DataFrame, cmos_limits: pd.DataFrame,
                     precision: str = "bf16", vendors: Sequence[str] | None = None,
                     start_year: float | None = None, end_year: float | None = None,
                     include_estimated_power: bool = True, confidence_level: float = 0.95,
                     n_bootstrap: int = 1000, seed: int = 0,
                     hopper_chip: str = "H100 SXM", blackwell_chip: str = "B200",
                     decomposition_precision: str = "lowest", silicon: str = "transistors",
                     temperature_k: float = 300.0) -> dict[str, float]:
    """Every headline of the chapter from its parameters, as plain floats (NaN where the
    filtered data cannot support a fit).

    - doubling_time_years (+ _low/_high): FLOP/s per W at ``precision``;
    - lowest_precision_doubling_time_years, fp32_doubling_time_years;
    - breakpoint_year, prob_slowdown_percent: :func:`breakpoint_test` at ``precision``;
    - hopper_blackwell_throughput, _power, _transistors: ratios at BF16 (:func:`generation_ratios`);
    - hopper_blackwell_non_efficiency_percent: share of log(throughput gain) at
      ``decomposition_precision`` from format, silicon and power (:func:`decompose_step`);
    - landauer_orders: log10(J/FLOP of the most efficient chip at ``precision`` / kT ln 2);
    - years_to_cmos_limit: from the best chip in the limit's number format to the first
      ``cmos_limits`` row, at the doubling time of ``precision`` (the best such chip of the
      whole table when the selection has none).

    Doubling times and years that have no finite bound (a slope interval reaching zero
    growth, or a fitted decline) are reported as :data:`YEARS_CAP`.
    """
    nan = math.nan
    out: dict[str, float] = {}
    kw = dict(vendors=vendors, start_year=start_year, end_year=end_year,
              include_estimated_power=include_estimated_power)
    f = _safe(efficiency_trend, accelerators, precision, level=confidence_level, **kw)
    out["doubling_time_years"] = f.doubling_time_years if f else nan
    out["doubling_time_low_years"] = f.doubling_time_low_years if f else nan
    out["doubling_time_high_years"] = f.doubling_time_high_years if f else nan
    fl = _safe(efficiency_trend, accelerators, "lowest", level=confidence_level, **kw)
    out["lowest_precision_doubling_time_years"] = fl.doubling_time_years if fl else nan
    f32 = _safe(efficiency_trend, accelerators, "fp32", level=confidence_level, **kw)
    out["fp32_doubling_time_years"] = f32.doubling_time_years if f32 else nan

    table = efficiency_table(accelerators, precision, **kw)
    bt = _safe(breakpoint_test, table["year"], table["flop_per_j"], n_boot=n_bootstrap,
               seed=seed, level=confidence_level) if len(table) else None
    out["breakpoint_year"] = bt["breakpoint_year"] if bt else nan
    out["prob_slowdown_percent"] = 100 * bt["prob_slowdown"] if bt else nan

    r = _safe(generation_ratios, accelerators, hopper_chip, blackwell_chip, "bf16")
    for k in ("throughput", "power", "transistors"):
        out[f"hopper_blackwell_{k}"] = r[k] if r else nan
    d = _safe(decompose_step, _chip(accelerators, hopper_chip),
              _chip(accelerators, blackwell_chip), decomposition_precision, "bf16", silicon)
    out["hopper_blackwell_non_efficiency_percent"] = (
        100 * d["share_non_efficiency"] if d else nan)

    if len(table):
        best = best_chip(table)
        out["landauer_orders"] = math.log10(best["j_per_flop"] / landauer_limit_j(temperature_k))
    else:
        out["landauer_orders"] = nan
    lim = cmos_limits.iloc[0]
    fmt = str(lim["number_format"])
    at_fmt = efficiency_table(accelerators, fmt if fmt in PRECISIONS else "lowest", **kw)
    if at_fmt.empty:  # no chip in the selection lists the limit's format: use every chip
        at_fmt = efficiency_table(accelerators, fmt if fmt in PRECISIONS else "lowest")
    if len(at_fmt) and f:
        out["years_to_cmos_limit"] = float(years_to_limit(
            best_chip(at_fmt)["flop_per_j"], float(lim["flop_per_j"]), f.doubling_time_years))
    else:
        out["years_to_cmos_limit"] = nan
    years = ("doubling_time_years", "doubling_time_low_years", "doubling_time_high_years",
             "lowest_precision_doubling_time_years", "fp32_doubling_time_years",
             "years_to_cmos_limit")
    return {k: float(cap_years(v) if k in years else v) for k, v in out.items()}


# --------------------------------------------------------------------------- chapter helpers
# publish.headlines needs finite numbers; a doubling time whose interval reaches zero growth
# (or a negative fitted slope) is unbounded. Headlines report such values as this cap.
YEARS_CAP = 1000.0
MIN_CHIPS_BREAKPOINT = 8  # breakpoint_test keeps 4 chips on each side


def cap_years(value: float, cap: float = YEARS_CAP) -> float:
    """``value`` with +inf (no finite bound) replaced by ``cap``; NaN is left as NaN."""
    return float(cap) if value == math.inf or (math.isfinite(value) and value > cap) else value


def _selection_label(vendors, start_year, end_year, include_estimated_power) -> str:
    who = "all vendors" if vendors is None else "vendors " + ", ".join(vendors)
    when = f"releases {start_year or 'any'}-{end_year or 'any'}"
    est = "" if include_estimated_power else ", estimated power excluded"
    return f"{who}, {when}{est}"


def selection_problems(accelerators: pd.DataFrame, precision: str = "bf16",
                       vendors: Sequence[str] | None = None, start_year: float | None = None,
                       end_year: float | None = None,
                       include_estimated_power: bool = True) -> list[str]:
    """One message per shortfall of the selection (empty when the chapter can be fitted).

    The main trend and the breakpoint test need :data:`MIN_CHIPS_BREAKPOINT` chips at
    ``precision``; the FP32 and lowest-precision trends need 3 each, released in different
    years. Each message names the selection, what is missing and what would be allowed.
    """
    if start_year is not None and end_year is not None and start_year >= end_year:
        return [f"start_year ({start_year}) must be before end_year ({end_year})"]
    kw = dict(vendors=vendors, start_year=start_year, end_year=end_year,
              include_estimated_power=include_estimated_power)
    where = _selection_label(vendors, start_year, end_year, include_estimated_power)
    hint = ("add vendors, widen start_year-end_year"
            + ("" if include_estimated_power else " or set include_estimated_power to true"))
    problems = []
    n = len(efficiency_table(accelerators, precision, **kw))
    if n < MIN_CHIPS_BREAKPOINT:
        allowed = [p for p in PRECISIONS
                   if len(efficiency_table(accelerators, p, **kw)) >= MIN_CHIPS_BREAKPOINT]
        alt_p = (f"; precisions with enough chips in this selection: {', '.join(allowed)}"
                 if allowed else "")
        problems.append(f"only {n} chips at precision {precision} ({where}); the trend and "
                        f"breakpoint test need {MIN_CHIPS_BREAKPOINT}: {hint}{alt_p}")
    for p in ("fp32", "lowest"):
        t = efficiency_table(accelerators, p, **kw)
        if len(t) < 3 or np.ptp(t["year"]) == 0:
            problems.append(f"only {len(t)} chips with {p} figures ({where}); the {p} trend "
                            f"needs 3 released on different dates (Google and Intel publish no "
                            f"FP32 matrix peaks): {hint}")
    return problems


def check_selection(accelerators: pd.DataFrame, precision: str = "bf16",
                    vendors: Sequence[str] | None = None, start_year: float | None = None,
                    end_year: float | None = None,
                    include_estimated_power: bool = True) -> dict[str, int]:
    """Chips per precision in the selection; a clear error if the chapter cannot be fitted.

    Raises :class:`energybook.params.ParameterError` with the messages of
    :func:`selection_problems`.
    """
    from energybook.params import ParameterError

    problems = selection_problems(accelerators, precision, vendors, start_year, end_year,
                                  include_estimated_power)
    if problems:
        raise ParameterError(["too few chips: " + p if p.startswith("only") else p
                              for p in problems])
    kw = dict(vendors=vendors, start_year=start_year, end_year=end_year,
              include_estimated_power=include_estimated_power)
    return {p: len(efficiency_table(accelerators, p, **kw))
            for p in dict.fromkeys((precision, "fp32", "lowest"))}


#: Chips the fixed breakpoint of :func:`segmented_fit` must have on each side.
MIN_CHIPS_EACH_SIDE = 2


def parameter_problems(accelerators: pd.DataFrame, values: Mapping) -> list[str]:
    """Every constraint between the chapter's parameters and the data, one message per
    problem (empty when the chapter can run): the selection (:func:`selection_problems`),
    the fixed breakpoint (at least :data:`MIN_CHIPS_EACH_SIDE` selected chips on each side)
    and the rolling window (no longer than the span of the selected releases)."""
    sel = dict(vendors=values["vendors"], start_year=values["start_year"],
               end_year=values["end_year"],
               include_estimated_power=values["include_estimated_power"])
    problems = selection_problems(accelerators, values["precision"], **sel)
    if problems:
        return ["too few chips: " + p if p.startswith("only") else p for p in problems]
    t = efficiency_table(accelerators, values["precision"], **sel)
    x = np.sort(t["year"].to_numpy())
    bp = float(values["breakpoint_year"])
    k = MIN_CHIPS_EACH_SIDE
    if not (np.sum(x < bp) >= k and np.sum(x >= bp) >= k):
        lo, hi = math.floor(x[k - 1] * 10 + 1) / 10, math.floor(x[-k] * 10) / 10
        problems.append(
            f"breakpoint_year {bp:g} leaves {int(np.sum(x < bp))} selected chips before it and "
            f"{int(np.sum(x >= bp))} after; the two-segment fit needs {k} on each side: choose "
            f"a breakpoint_year from {lo:.1f} to {hi:.1f}")
    span = math.ceil(x.max()) - math.floor(x.min())
    if rolling_growth(t["year"], t["flop_per_j"], values["window_years"]).empty:
        problems.append(
            f"window_years {values['window_years']:g} leaves no rolling window with 3 chips "
            f"released on different dates (the selected releases span {span} calendar "
            f"years): choose a shorter window, at most {span}")
    h, b = values["hopper_chip"], values["blackwell_chip"]
    dp = values["decomposition_precision"]

    def step_ok(prec: str) -> bool:
        d = decompose_step(_chip(accelerators, h), _chip(accelerators, b), prec, "bf16",
                           values["silicon"])
        return math.isfinite(d["total"]) and math.isfinite(d["share_non_efficiency"])

    if h == b:
        problems.append(f"hopper_chip and blackwell_chip are both {h!r}: choose two chips")
    elif not step_ok(dp):
        ok = [p for p in PRECISIONS if step_ok(p)]
        problems.append(
            f"decomposition_precision {dp} has no peak figure for both {h} and {b}, so the "
            f"Hopper -> Blackwell step cannot be decomposed: choose one of {', '.join(ok)}")
    return problems


def limit_rate_note(precision: str) -> str:
    """Sentence for the physical-limits prose: whether the fitted rate used for the years to
    the CMOS limit is a fixed-format rate (the relevant one) or includes format narrowing."""
    if precision == "lowest":
        return ("That rate counts each chip's narrowest format, so it includes the gains from "
                "narrowing formats; a fixed-format rate is the relevant one.")
    return "A fixed-format rate like this one is the relevant one."


PRECISION_LABELS: dict[str, str] = {
    "bf16": "BF16", "fp32": "FP32", "tf32": "TF32", "fp16": "FP16", "fp8": "FP8", "fp4": "FP4",
    "int8": "INT8", "lowest": "each chip's lowest floating-point precision"}


def format_years(v: float) -> str:
    """A duration in years for prose: two decimals, or "unbounded" when infinite."""
    return "unbounded" if not math.isfinite(v) else f"{v:.2f}"


_fmt_years = format_years


def published_comparison(summary: pd.DataFrame, efficiency_trends: pd.DataFrame,
                         level: float = 0.95, period: str = "selected years") -> pd.DataFrame:
    """Reader-facing table: this chapter's doubling times beside published estimates.

    ``summary`` is a :func:`trend_summary`; its "all" rows come first. Columns (strings):
    Estimate, Measure, Period, Doubling time (years), Interval, Source.
    """
    rows = []
    names = {**PRECISION_LABELS, "lowest": "lowest precision"}
    for rec in summary[summary["group"] == "all"].to_dict("records"):
        rows.append({
            "Estimate": f"This chapter, {names[rec['precision']]} ({rec['n']} chips)",
            "Measure": "peak FLOP/s per W",
            "Period": period,
            "Doubling time (years)": _fmt_years(rec["doubling_time_years"]),
            "Interval": (f"{_fmt_years(rec['doubling_time_low_years'])} to "
                         f"{_fmt_years(rec['doubling_time_high_years'])} ({level:.0%})"),
            "Source": "data/accelerators.csv (Epoch AI and vendors)"})
    for rec in efficiency_trends.to_dict("records"):
        lo, hi = rec.get("doubling_time_low_years"), rec.get("doubling_time_high_years")
        interval = (f"{lo:.2f} to {hi:.2f}" if pd.notna(lo) and pd.notna(hi)
                    else "not stated")
        rows.append({
            "Estimate": rec["scope"], "Measure": rec["metric"],
            "Period": f"{int(rec['period_start'])}-{int(rec['period_end'])}",
            "Doubling time (years)": f"{rec['doubling_time_years']:.2f}",
            "Interval": interval,
            "Source": f"{rec['source_publisher']}, {rec['source_title']} ({rec['source_year']})"})
    return pd.DataFrame(rows, columns=["Estimate", "Measure", "Period", "Doubling time (years)",
                                       "Interval", "Source"])


def efficiency_chart_data(table: pd.DataFrame, level: float = 0.95
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chart datasets for the efficiency scatter: (points, lines).

    points: the :func:`efficiency_table` with ``power_basis`` ("vendor figure" or "estimate")
    and ``gflop_per_j`` added and ``release_date`` as text; lines: :func:`trend_lines_by_vendor` with ``group`` "all chips"
    for the pooled fit.
    """
    pts = table.assign(
        power_basis=np.where(table["power_estimated"].astype(bool), "estimate", "vendor figure"),
        gflop_per_j=table["flop_per_j"] / 1e9,
        release_date=table["release_date"].astype(str))
    lines = trend_lines_by_vendor(table, level)
    lines = lines.assign(group=lines["group"].replace({"all": "all chips"}),
                         fit_gflop_per_j=lines["fit"] / 1e9, low_gflop_per_j=lines["low"] / 1e9,
                         high_gflop_per_j=lines["high"] / 1e9)
    return pts, lines


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
    long = long.assign(log10_total=np.log10(long["total"]),
                       label=long["line"] + ": " + long["step"])
    return steps_df, long


def trend_band(table: pd.DataFrame, column: str, level: float = 0.95) -> pd.DataFrame:
    """Fitted log-linear line (with band) of ``column`` against ``year`` in ``table``."""
    f = fit_log_trend(table["year"], table[column], level)
    return trend_line(f, table["year"])


def limit_chart_data(accelerators: pd.DataFrame, cmos_limit_flop_per_j: float,
                     doubling_time_years: float, limit_format: str = "fp4",
                     temperature_k: float = 300.0, vendors: Sequence[str] | None = None,
                     start_year: float | None = None, end_year: float | None = None,
                     include_estimated_power: bool = True) -> dict[str, pd.DataFrame | dict]:
    """Chart datasets for the distance-to-limit chart and the numbers behind it.

    Returns ``points`` (each selected chip at its lowest precision: chip, vendor, year,
    format, j_per_flop), ``limits`` (name, j_per_flop), ``projection`` (year, j_per_flop:
    from the best chip at ``limit_format`` down to the CMOS limit at ``doubling_time_years``;
    empty if not improving) and ``summary`` (best chip, its J/FLOP, factor and years to the
    limit). The best chip is chosen as in :func:`headline_numbers`: from the selection, or
    from every chip when the selection has none at ``limit_format``.
    """
    kw = dict(vendors=vendors, start_year=start_year, end_year=end_year,
              include_estimated_power=include_estimated_power)
    kt = landauer_limit_j(temperature_k)
    pts = efficiency_table(accelerators, "lowest", **kw)[
        ["chip", "vendor", "year", "format", "j_per_flop"]]
    at_fmt = efficiency_table(accelerators, limit_format, **kw)
    from_selection = not at_fmt.empty
    if at_fmt.empty:
        at_fmt = efficiency_table(accelerators, limit_format)
    best = best_chip(at_fmt)
    cmos_j = 1.0 / cmos_limit_flop_per_j
    years = float(years_to_limit(best["flop_per_j"], cmos_limit_flop_per_j, doubling_time_years))
    limits = pd.DataFrame({
        "name": [f"CMOS limit estimate ({limit_format.upper()})",
                 f"Landauer kT ln 2 at {temperature_k:g} K"],
        "j_per_flop": [cmos_j, kt]})
    if math.isfinite(years) and years > 0:
        grid = np.linspace(0.0, years, 30)
        proj = pd.DataFrame({"year": best["year"] + grid,
                             "j_per_flop": best["j_per_flop"]
                             * 2.0 ** (-grid / doubling_time_years)})
    else:
        proj = pd.DataFrame({"year": [], "j_per_flop": []})
    summary = {"chip": best["chip"], "from_selection": from_selection,
               "year": float(best["year"]), "j_per_flop": float(best["j_per_flop"]),
               "factor_to_cmos_limit": float(cmos_limit_flop_per_j / best["flop_per_j"]),
               "years_to_cmos_limit": years, "cmos_j_per_flop": cmos_j, "landauer_j": kt,
               "cmos_orders_above_landauer": math.log10(cmos_j / kt)}
    return {"points": pts, "limits": limits, "projection": proj, "summary": summary}


def step_summary(accelerators: pd.DataFrame, before: str = "H100 SXM", after: str = "B200",
                 precision: str = "lowest", silicon: str = "transistors") -> dict[str, float]:
    """Numbers for the prose on one generation step (e.g. Hopper -> Blackwell).

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
    d = decompose_step(_chip(accelerators, before), _chip(accelerators, after), precision,
                       "bf16", silicon)
    for k in ("total", "format", "silicon", "power", "residual", "efficiency"):
        out[f"dec_{k}"] = float(d[k])
    for k in ("format", "silicon", "power", "residual", "non_efficiency"):
        out[f"dec_share_{k}_percent"] = 100 * float(d[f"share_{k}"])
    return out


def decomposition_table(steps: pd.DataFrame) -> pd.DataFrame:
    """Reader-facing table of :func:`generation_decomposition` steps (ratios, 2 decimals)."""
    t = pd.DataFrame({
        "Line": steps["line"], "Step": steps["step"],
        "Formats": steps["format_before"].str.upper() + " -> " + steps["format_after"].str.upper(),
        "Total": steps["total"], "Format": steps["format"], "Silicon": steps["silicon"],
        "Power": steps["power"], "Residual": steps["residual"],
        "FLOP/s per W": steps["efficiency"]})
    num = ["Total", "Format", "Silicon", "Power", "Residual", "FLOP/s per W"]
    t[num] = t[num].map(lambda v: "n/a" if pd.isna(v) else f"{v:.2f}x")
    return t


def memory_bound_summary(mw_table: pd.DataFrame, energy_per_op: pd.DataFrame,
                         bits_per_weight: float = 16.0) -> dict[str, float | str]:
    """Numbers for the memory-wall prose.

    The newest chip's ridge point (FLOP per byte) and the share of its peak reachable by
    batch-1 decoding (2 FLOP per weight of ``bits_per_weight``); the energy of reading a
    weight from HBM against one multiply-add (O'Connor 2017, Horowitz 2014, from
    ``energy_per_op``), and the batch size at which they are equal.
    """
    newest = mw_table.loc[mw_table["year"].idxmax()]
    intensity = 2.0 / (bits_per_weight / 8.0)
    e = energy_per_op.set_index(["operation", "bits"])["energy_pj"]
    hbm = float(e[("HBM2 access", 1)])
    mult, add = float(e[("float mult", 16)]), float(e[("float add", 16)])
    dram_lo, dram_hi = float(e[("DRAM read (low)", 64)]), float(e[("DRAM read (high)", 64)])
    mem = bits_per_weight * hbm
    return {"newest_chip": str(newest["chip"]),
            "newest_ridge_flop_per_byte": float(newest["ridge_flop_per_byte"]),
            "batch1_intensity_flop_per_byte": intensity,
            "batch1_peak_share_percent": 100 * intensity / float(newest["ridge_flop_per_byte"]),
            "hbm_pj_per_bit": hbm, "weight_read_pj": mem, "fma_pj": mult + add,
            "weight_read_over_fma": mem / (mult + add), "breakeven_batch": mem / (mult + add),
            "dram_read_low_pj": dram_lo, "dram_read_high_pj": dram_hi,
            "dram_over_fp16_mult_low": dram_lo / mult, "dram_over_fp16_mult_high": dram_hi / mult}


def vocab_padding_example(vocab: int = 50257, multiple: int = 64, tokens: int = 8192,
                          tile: tuple[int, int] = (128, 128), n_sms: int = 132
                          ) -> dict[str, float]:
    """The output-layer GEMM (tokens x vocab) before and after padding the vocabulary.

    Only tile and wave quantization are modelled (:func:`gemm_efficiency`); the measured
    gains from padding also come from aligned memory access and kernel choice.
    """
    padded = padded_size(vocab, multiple)
    a = gemm_efficiency(tokens, vocab, tile_m=tile[0], tile_n=tile[1], n_sms=n_sms)
    b = gemm_efficiency(tokens, padded, tile_m=tile[0], tile_n=tile[1], n_sms=n_sms)
    return {"vocab": float(vocab), "padded": float(padded),
            "efficiency_before_percent": 100 * float(a["efficiency"]),
            "efficiency_after_percent": 100 * float(b["efficiency"]),
            "waves_before": float(a["waves"]), "waves_after": float(b["waves"])}


def koomey_reference_rates(efficiency_trends: pd.DataFrame,
                           estimates: Sequence[str] = ("koomey_2011", "koomey_naffziger_2016",
                                                       "hobbhahn_heim_aydos_2023_fp32")
                           ) -> pd.DataFrame:
    """Published efficiency doubling times as growth rates, for reference lines on a chart.

    Columns: reference (a short label with the period), doubling_time_years, slope_per_year.
    """
    t = efficiency_trends.set_index("estimate").loc[list(estimates)]
    labels = {"koomey_2011": "Koomey", "koomey_naffziger_2016": "Koomey & Naffziger",
              "hobbhahn_heim_aydos_2023_fp32": "Epoch AI, GPUs FP32"}
    ref = [f"{labels.get(e, e)} {int(r.period_start)}-{int(r.period_end)}"
           for e, r in t.iterrows()]
    dt = t["doubling_time_years"].astype(float).to_numpy()
    return pd.DataFrame({"reference": ref, "doubling_time_years": dt, "slope_per_year": 1 / dt})
