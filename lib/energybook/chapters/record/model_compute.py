"""Growth of training compute and of hardware efficiency: log-linear fits with intervals.

Plain functions on arrays: a least-squares line through log10(values) against time (years),
its slope as a growth factor per year, and an interval for it that allows points of the same
year to share a shock (cluster-robust); a test of a kink in the line.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats


def decimal_year(dates) -> np.ndarray:
    """Dates (anything numpy reads as datetime64) as fractional years."""
    d = np.asarray(dates, dtype="datetime64[D]")
    years = d.astype("datetime64[Y]").astype(int) + 1970
    start = d.astype("datetime64[Y]").astype("datetime64[D]")
    length = (start.astype("datetime64[Y]") + 1).astype("datetime64[D]") - start
    return years + (d - start).astype(float) / length.astype(float)


def _ols(
    X: np.ndarray, y: np.ndarray, groups: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Least squares ``y ~ X`` with its covariance: the classical one (``groups`` None), or
    the cluster-robust (CR1) one, which lets every point of a cluster share a shock. Returns
    (coefficients, covariance, degrees of freedom for Student's t)."""
    n, k = X.shape
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ X.T @ y
    resid = y - X @ beta
    if groups is None:
        sigma2 = float(resid @ resid) / (n - k)
        return beta, sigma2 * xtx_inv, n - k
    labels = np.unique(groups)
    g = labels.size
    if g < k + 1:
        raise ValueError(f"a clustered fit needs at least {k + 1} clusters, got {g}")
    meat = np.zeros((k, k))
    for lab in labels:
        m = groups == lab
        u = X[m].T @ resid[m]
        meat += np.outer(u, u)
    c = g / (g - 1) * (n - 1) / (n - k)
    return beta, c * xtx_inv @ meat @ xtx_inv, g - 1


def fit_growth(years, values, level: float = 0.90, clusters=None) -> dict[str, float]:
    """Least squares of log10(values) on years. Returns the growth factor per year
    (10**slope), its ``level`` interval, the doubling time in months, and n.

    With ``clusters`` (one label per point, e.g. the calendar year), the interval is
    cluster-robust (CR1, Student's t with clusters - 1 degrees of freedom): points that
    share a cluster may share a shock (a year of unusually large models), which the
    classical interval, also returned as ``low_iid``/``high_iid``, assumes away."""
    x, y = np.asarray(years, dtype=float), np.asarray(values, dtype=float)
    if x.shape != y.shape or x.size < 3:
        raise ValueError("a growth fit needs at least three points")
    if np.any(y <= 0) or not np.all(np.isfinite(y)):
        raise ValueError("a growth fit needs positive, finite values")
    if np.ptp(x) <= 0:
        raise ValueError("a growth fit needs points at different times")
    ly = np.log10(y)
    X = np.column_stack([np.ones_like(x), x])
    beta, cov, _ = _ols(X, ly, None)
    slope, se_iid = float(beta[1]), float(math.sqrt(cov[1, 1]))
    t_iid = stats.t.ppf(0.5 + level / 2, x.size - 2)
    se, t = se_iid, t_iid
    if clusters is not None:
        _, ccov, df = _ols(X, ly, np.asarray(clusters))
        se, t = float(math.sqrt(ccov[1, 1])), float(stats.t.ppf(0.5 + level / 2, df))
    resid = ly - X @ beta
    return {
        "factor_per_year": float(10**slope),
        "low": float(10 ** (slope - t * se)),
        "high": float(10 ** (slope + t * se)),
        "slope_log10": slope,
        "stderr_log10": se,
        "low_iid": float(10 ** (slope - t_iid * se_iid)),
        "high_iid": float(10 ** (slope + t_iid * se_iid)),
        "intercept_log10": float(beta[0]),
        "n": float(x.size),
        "residual_sd_log10": float(np.std(resid, ddof=2)),
        "doubling_months": 12 * math.log10(2) / slope if slope > 0 else math.inf,
    }


def break_test(years, values, break_year: float, clusters) -> dict[str, float]:
    """A test of one straight line against a kink at ``break_year``: log10(values) = a +
    b t + c max(0, t - break_year). Returns the growth factors per year before (10**b) and
    after (10**(b + c)) and the two-sided p-value of c = 0 from its cluster-robust t
    statistic (clusters - 1 degrees of freedom)."""
    x, y = np.asarray(years, dtype=float), np.log10(np.asarray(values, dtype=float))
    if not (x.min() < break_year < x.max()):
        raise ValueError(f"the break year {break_year} must lie inside the data")
    X = np.column_stack([np.ones_like(x), x, np.maximum(0.0, x - break_year)])
    beta, cov, df = _ols(X, y, np.asarray(clusters))
    tstat = float(beta[2] / math.sqrt(cov[2, 2]))
    return {
        "before": float(10 ** beta[1]),
        "after": float(10 ** (beta[1] + beta[2])),
        "p_value": float(2 * stats.t.sf(abs(tstat), df)),
        "t": tstat,
    }


def fitted(fit: dict[str, float], years) -> np.ndarray:
    """The fitted line's values at ``years``."""
    return 10 ** (fit["intercept_log10"] + fit["slope_log10"] * np.asarray(years, dtype=float))


def hardware_points(accelerators: pd.DataFrame) -> pd.DataFrame:
    """Dense 16-bit FLOP/s per watt of each accelerator whose board power its maker
    published (rows whose power someone else estimated are left out): ``chip``, ``vendor``,
    ``release_date``, ``flop_per_s_per_w``. BF16 where the chip has it, else FP16."""
    a = accelerators[
        accelerators["power_estimated_by"].isna() | (accelerators["power_estimated_by"] == "")
    ]
    tflops = a["bf16_tflops"].where(a["bf16_tflops"].notna(), a["fp16_tflops"])
    out = pd.DataFrame(
        {
            "chip": a["chip"],
            "vendor": a["vendor"],
            "release_date": pd.to_datetime(a["release_date"]),
            "flop_per_s_per_w": tflops * 1e12 / a["board_power_w"],
        }
    )
    return out.dropna().sort_values("release_date", ignore_index=True)
