"""Trends of peak performance per watt: the chip table and log-linear fits.

Pure functions over plain data (the ``accelerators`` table as a DataFrame).

Conventions
-----------
- Throughput columns are dense peaks in TFLOP/s (``*_tflops``; ``int8_tops`` in TOP/s).
- Efficiency is ``flop_per_j`` = peak FLOP/s / board power (W): the vendor's peak at its
  rated power, not a measurement.
- Trends are fitted by ordinary least squares of log2(value) on decimal release year, so the
  slope is in doublings per year and the doubling time is its reciprocal.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from energybook.chapters.scaling.params import PRECISIONS
from energybook.units import factor

FLOP_PER_S_PER_TFLOPS = factor("THz", "Hz")  # 1e12: tera-operations per second -> per second

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
    "fp32": 32,
    "tf32": 19,
    "bf16": 16,
    "fp16": 16,
    "fp8": 8,
    "int8": 8,
    "fp4": 4,
}
# Formats "lowest" chooses from: floating point only.
LOWEST_CANDIDATES: tuple[str, ...] = ("fp4", "fp8", "bf16", "fp16", "tf32", "fp32")

# publish.headlines needs finite numbers; a doubling time whose interval reaches zero growth
# (or a negative fitted slope) is unbounded. Headlines report such values as this cap.
YEARS_CAP = 1000.0


# --------------------------------------------------------------------------- helpers
def decimal_year(dates) -> np.ndarray:
    """Release dates (date/datetime/str, scalar or sequence) as decimal years: the year plus
    the elapsed share of it."""
    out = []
    for d in np.atleast_1d(np.asarray(dates, dtype=object)):
        day = pd.Timestamp(d).date()
        start, end = dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1)
        out.append(day.year + (day - start).days / (end - start).days)
    return np.asarray(out, dtype=float)


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
        if value is None or pd.isna(value):
            return math.nan, ""
        return float(value), precision
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
    return (
        np.asarray(tflops, dtype=float) * FLOP_PER_S_PER_TFLOPS / np.asarray(power_w, dtype=float)
    )


# --------------------------------------------------------------------------- the table
TABLE_COLUMNS = [
    "chip",
    "vendor",
    "release_date",
    "year",
    "format",
    "format_bits",
    "tflops",
    "board_power_w",
    "power_estimated",
    "design",
    "flop_per_j",
    "j_per_flop",
]


def efficiency_table(
    accelerators: pd.DataFrame,
    precision: str = "bf16",
    vendors: Sequence[str] | None = None,
    start_year: float | None = None,
    end_year: float | None = None,
    include_estimated_power: bool = True,
) -> pd.DataFrame:
    """One row per chip with a peak at ``precision`` and a board power, filtered.

    Columns: :data:`TABLE_COLUMNS`; ``design`` names the chip whose silicon this one is
    (``refresh_of``, else the chip itself). ``start_year``/``end_year`` are inclusive calendar
    years of release. Sorted by release date.
    """
    rows = []
    keep_vendors = None if vendors is None else set(vendors)
    for rec in accelerators.to_dict("records"):
        peak, fmt = chip_format_peak(rec, precision)
        power = rec.get("board_power_w")
        if math.isnan(peak) or power is None or pd.isna(power):
            continue
        year = float(decimal_year(rec["release_date"])[0])
        est = isinstance(rec.get("power_estimated_by"), str) and rec["power_estimated_by"] != ""
        if (
            (keep_vendors is not None and rec["vendor"] not in keep_vendors)
            or (start_year is not None and math.floor(year) < start_year)
            or (end_year is not None and math.floor(year) > end_year)
            or (est and not include_estimated_power)
        ):
            continue
        parent = rec.get("refresh_of")
        rows.append(
            {
                "chip": rec["chip"],
                "vendor": rec["vendor"],
                "release_date": rec["release_date"],
                "year": year,
                "format": fmt,
                "format_bits": FORMAT_BITS[fmt],
                "tflops": peak,
                "board_power_w": float(power),
                "power_estimated": est,
                "design": parent if isinstance(parent, str) and parent else rec["chip"],
                "flop_per_j": peak * FLOP_PER_S_PER_TFLOPS / float(power),
            }
        )
    out = pd.DataFrame(rows, columns=[c for c in TABLE_COLUMNS if c != "j_per_flop"])
    out["j_per_flop"] = 1.0 / out["flop_per_j"].astype(float)
    out["power_estimated"] = out["power_estimated"].astype(bool)
    return out.sort_values("year", kind="stable").reset_index(drop=True)[TABLE_COLUMNS]


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
    doubling_time_low_years: float  # from slope_high
    doubling_time_high_years: float  # from slope_low (inf when slope_low <= 0)
    growth_per_year: float  # 2 ** slope
    r_squared: float
    residual_sd_log2: float
    level: float

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}

    def predict(self, years) -> np.ndarray:
        """Fitted values (in the units of the data) at ``years``."""
        y = np.asarray(years, dtype=float)
        return 2.0 ** (self.intercept_log2 + self.slope_per_year * (y - self.year_ref))


def doubling(slope: float) -> float:
    """Doubling time (years) of a slope in doublings per year; inf when not growing."""
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
    return TrendFit(
        n=n,
        slope_per_year=slope,
        slope_se=se,
        slope_low=lo,
        slope_high=hi,
        intercept_log2=intercept,
        year_ref=year_ref,
        doubling_time_years=doubling(slope),
        doubling_time_low_years=doubling(hi),
        doubling_time_high_years=doubling(lo),
        growth_per_year=2.0**slope,
        r_squared=r2,
        residual_sd_log2=math.sqrt(s2),
        level=level,
    )


def can_fit(table: pd.DataFrame) -> bool:
    """Whether an :func:`efficiency_table` supports a trend (3 chips on distinct dates)."""
    return len(table) >= 3 and float(np.ptp(table["year"])) > 0


def trend_summary(
    tables: Mapping[str, pd.DataFrame], by_vendor: bool = True, level: float = 0.95
) -> pd.DataFrame:
    """Doubling times (with interval) per precision, for all chips and per vendor.

    ``tables`` maps a precision to its :func:`efficiency_table`. Columns: precision, group
    ("all" or the vendor), n, doubling_time_years, doubling_time_low_years,
    doubling_time_high_years, growth_per_year, r_squared. Groups with fewer than 3 chips
    are left out.
    """
    out = []
    for p, t in tables.items():
        groups = [("all", t)]
        if by_vendor:
            groups += [(str(v), g) for v, g in t.groupby("vendor", sort=True)]
        for name, g in groups:
            if not can_fit(g):
                continue
            f = fit_log_trend(g["year"], g["flop_per_j"], level)
            out.append(
                {
                    "precision": p,
                    "group": name,
                    "n": f.n,
                    "doubling_time_years": f.doubling_time_years,
                    "doubling_time_low_years": f.doubling_time_low_years,
                    "doubling_time_high_years": f.doubling_time_high_years,
                    "growth_per_year": f.growth_per_year,
                    "r_squared": f.r_squared,
                }
            )
    return pd.DataFrame(
        out,
        columns=[
            "precision",
            "group",
            "n",
            "doubling_time_years",
            "doubling_time_low_years",
            "doubling_time_high_years",
            "growth_per_year",
            "r_squared",
        ],
    )


def trend_line(
    fit: TrendFit,
    years,
    level: float | None = None,
    *,
    x_years=None,
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
    return pd.DataFrame(
        {
            "year": grid,
            "fit": 2.0**centre,
            "low": 2.0 ** (centre - t * se_mean),
            "high": 2.0 ** (centre + t * se_mean),
        }
    )


def trend_band(table: pd.DataFrame, column: str, level: float = 0.95) -> pd.DataFrame:
    """Fitted log-linear line (with band) of ``column`` against ``year`` in ``table``."""
    f = fit_log_trend(table["year"], table[column], level)
    return trend_line(f, table["year"])


def trend_lines_by_vendor(table: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """The trend line (with band) for all chips and for each vendor with >= 3.

    ``table`` is an :func:`efficiency_table`. Columns: group ("all" or the vendor), year,
    fit, low, high.
    """
    parts = []
    groups = [("all", table)] + [(str(v), g) for v, g in table.groupby("vendor", sort=True)]
    for name, g in groups:
        if not can_fit(g):
            continue
        f = fit_log_trend(g["year"], g["flop_per_j"], level)
        parts.append(trend_line(f, g["year"]).assign(group=name))
    if not parts:
        return pd.DataFrame(columns=["group", "year", "fit", "low", "high"])
    return pd.concat(parts, ignore_index=True)[["group", "year", "fit", "low", "high"]]


def one_per_design(table: pd.DataFrame) -> pd.DataFrame:
    """One chip per silicon design: the first released of each ``design`` in ``table``
    (a refresh whose original is not in the table stands for its design)."""
    return (
        table.sort_values("year", kind="stable")
        .drop_duplicates("design", keep="first")
        .reset_index(drop=True)
    )


def frontier(table: pd.DataFrame) -> pd.DataFrame:
    """The record setters: on each release date the best chip, kept when its FLOP/J beats
    every chip released before it. This is the running best (the frontier) that a trend of
    'leading' hardware follows, as against the trend of every product."""
    t = table.sort_values(["year", "flop_per_j"], ascending=[True, False], kind="stable")
    best_each_date = t.drop_duplicates("year", keep="first")
    earlier_best = best_each_date["flop_per_j"].cummax().shift(1, fill_value=-math.inf)
    return best_each_date[best_each_date["flop_per_j"] > earlier_best].reset_index(drop=True)


TREND_KINDS: tuple[str, ...] = ("all products", "one per design", "frontier")


def trend_variants(table: pd.DataFrame, level: float = 0.95) -> dict[str, TrendFit]:
    """The log-linear trend of FLOP/J fitted three ways: to every product (pooled), to one
    chip per silicon design (refreshes of an earlier die dropped) and to the frontier
    (record setters only). A variant with fewer than 3 chips on distinct dates is left out.

    The frontier's t-interval treats the records as independent points around a line; they
    are selected as maxima, so read it as indicative.
    """
    out = {}
    for kind, t in zip(TREND_KINDS, (table, one_per_design(table), frontier(table)), strict=True):
        if can_fit(t):
            out[kind] = fit_log_trend(t["year"], t["flop_per_j"], level)
    return out


def rolling_growth(
    years,
    values,
    window_years: float = 4.0,
    step_years: float = 1.0,
    level: float = 0.90,
    min_points: int = 3,
) -> pd.DataFrame:
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
            rows.append(
                {
                    "window_start": start,
                    "window_end": start + window_years,
                    "window_mid": start + window_years / 2,
                    "n": f.n,
                    "slope_per_year": f.slope_per_year,
                    "slope_low": f.slope_low,
                    "slope_high": f.slope_high,
                    "doubling_time_years": f.doubling_time_years,
                    "doubling_time_low_years": f.doubling_time_low_years,
                    "doubling_time_high_years": f.doubling_time_high_years,
                }
            )
        start += step_years
    return pd.DataFrame(
        rows,
        columns=[
            "window_start",
            "window_end",
            "window_mid",
            "n",
            "slope_per_year",
            "slope_low",
            "slope_high",
            "doubling_time_years",
            "doubling_time_low_years",
            "doubling_time_high_years",
        ],
    )


def cap_years(value: float, cap: float = YEARS_CAP) -> float:
    """``value`` with +inf (no finite bound) replaced by ``cap``; NaN is left as NaN."""
    return float(cap) if value == math.inf or (math.isfinite(value) and value > cap) else value


def selection_counts(
    accelerators: pd.DataFrame,
    precisions: Iterable[str],
    vendors: Sequence[str] | None = None,
    start_year: float | None = None,
    end_year: float | None = None,
    include_estimated_power: bool = True,
) -> dict[str, tuple[int, bool]]:
    """For each precision: (chips in the selection, whether they span more than one date)."""
    out = {}
    for p in precisions:
        t = efficiency_table(
            accelerators, p, vendors, start_year, end_year, include_estimated_power
        )
        out[p] = (len(t), len(t) > 0 and float(np.ptp(t["year"])) > 0)
    return out


# --------------------------------------------------------------------------- the frontier
def frontier_slopes(years, Y: np.ndarray) -> np.ndarray:
    """The frontier's fitted slope (doublings per year) of each column of ``Y``.

    ``Y`` (n x m) holds log2 values of n chips released at ``years``; for each column the
    records are found as :func:`frontier` finds them (the best chip of each date, kept when
    it beats every earlier date's best) and log2 is fitted on year by least squares over
    the records only. NaN where a column has fewer than 3 records. Vectorised over columns.
    """
    x = np.asarray(years, float)
    Y = np.asarray(Y, float)
    if Y.ndim != 2 or Y.shape[0] != x.size:
        raise ValueError("Y must be (chips x series) with one row per release date")
    order = np.argsort(x, kind="stable")
    x, Y = x[order], Y[order]
    dates, starts = np.unique(x, return_index=True)
    best = np.maximum.reduceat(Y, starts, axis=0)  # (dates, m)
    earlier = np.vstack(
        [np.full((1, Y.shape[1]), -np.inf), np.maximum.accumulate(best, axis=0)[:-1]]
    )
    w = (best > earlier).astype(float)
    k = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = (w * dates[:, None]).sum(axis=0) / k
        my = (w * best).sum(axis=0) / k
        dx = dates[:, None] - mx[None, :]
        sxx = (w * dx * dx).sum(axis=0)
        slope = (w * dx * (best - my[None, :])).sum(axis=0) / sxx
    return np.where(k >= 3, slope, np.nan)


def frontier_calibration(
    years, values, n_sim: int = 1000, seed: int = 0, level: float = 0.95
) -> dict[str, float]:
    """The frontier's slope, calibrated against what a running best does by itself.

    A running best rises faster than the line it is drawn from whenever more chips are
    released later (more draws, higher maxima), so the frontier's least-squares slope is
    biased and its t-interval, which treats records as independent points, is too narrow.
    This simulates the pooled straight line (same dates, normal scatter of the pooled
    residual spread) ``n_sim`` times and takes each draw's frontier slope:

    - ``null_median_slope``: the median frontier slope when nothing but the pooled trend
      is at work, and ``bias`` = that less the pooled slope;
    - ``share_as_fast``: the share of draws whose frontier is at least as steep as the
      observed one (how often the pooled trend alone produces such a frontier);
    - ``slope_low``/``slope_high``: a parametric-bootstrap interval of the trend slope
      from the observed frontier slope, inverting the simulated distribution of
      (frontier slope - true slope); ``corrected_slope`` = observed - bias.

    The calibration assumes the straight line with independent normal scatter; it corrects
    the selection of maxima, not a change of trend.
    """
    x = np.asarray(years, float)
    v = np.asarray(values, float)
    pooled = fit_log_trend(x, v, level)
    y = np.log2(v)
    observed = float(frontier_slopes(x, y[:, None])[0])
    if not math.isfinite(observed):
        raise ValueError("the frontier has fewer than 3 records")
    rng = np.random.default_rng(seed)
    line = pooled.intercept_log2 + pooled.slope_per_year * (x - pooled.year_ref)
    Y = line[:, None] + pooled.residual_sd_log2 * rng.standard_normal((x.size, n_sim))
    sim = frontier_slopes(x, Y)
    sim = sim[np.isfinite(sim)]
    d = sim - pooled.slope_per_year
    a = (1 - level) / 2
    bias = float(np.median(d))
    lo, hi = observed - float(np.quantile(d, 1 - a)), observed - float(np.quantile(d, a))
    return {
        "observed_slope": observed,
        "pooled_slope": pooled.slope_per_year,
        "null_median_slope": pooled.slope_per_year + bias,
        "bias": bias,
        "share_as_fast": float(np.mean(sim >= observed)),
        "corrected_slope": observed - bias,
        "slope_low": lo,
        "slope_high": hi,
        "doubling_time_years": doubling(observed - bias),
        "doubling_time_low_years": doubling(hi),
        "doubling_time_high_years": doubling(lo),
        "null_median_doubling_time_years": doubling(pooled.slope_per_year + bias),
        "n_sim": float(sim.size),
        "level": level,
    }


def last_record(table: pd.DataFrame) -> dict:
    """The latest record setter of an :func:`efficiency_table` and the chips after it:
    chip, year, later (count of chips released after it, none of which beat it)."""
    rec = frontier(table).iloc[-1]
    return {
        "chip": str(rec["chip"]),
        "year": float(rec["year"]),
        "later": int((table["year"] > rec["year"]).sum()),
    }
