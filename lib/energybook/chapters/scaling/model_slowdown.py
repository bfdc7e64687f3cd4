"""Is growth slowing? A test for a kink in the log-linear trend at an unknown date.

The model is a continuous two-segment (broken-stick) line for log2(FLOP/J) against release
date. The test statistic is the largest one-sided t-statistic of a fall in slope over every
candidate break date, so searching for the break is part of the statistic (Andrews 1993: a
break at an unknown date needs the distribution of the supremum, not of one t-statistic).
Its null distribution is simulated: under a straight line with independent normal errors,
the statistic depends only on the release dates (any line, any error spread gives the same
values), so the simulated p-value is exact up to Monte Carlo error under that assumption,
and only under it. Refreshes of one die (dependent errors) or power figures back-calculated
from ratios break it: :func:`wild_p_value` is a robustness check that keeps the observed
residuals' sizes instead of assuming normal ones, and the page runs the test on one chip
per design as well. The power of the same
test against a planted slowdown gives the smallest slowdown the dates and the scatter
could detect.

Pure functions; everything random takes a ``seed``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from energybook.chapters.scaling.model import doubling

#: Share of the chips kept on each side of every candidate break (Andrews' 15%), at least
#: :data:`MIN_EACH_SIDE`.
TRIM = 0.15
MIN_EACH_SIDE = 3
GRID_STEP = 0.1  # years between candidate break dates


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
    X1 = X[:, :2]
    c1, *_ = np.linalg.lstsq(X1, y, rcond=None)
    sse1 = float(np.sum((y - X1 @ c1) ** 2))
    f = (sse1 - sse) / s2 if dof > 0 and s2 > 0 else math.nan
    p = float(stats.f.sf(f, 1, dof)) if math.isfinite(f) else math.nan
    return {
        "breakpoint_year": float(breakpoint_year),
        "slope_before": before,
        "slope_after": after,
        "slope_change": change,
        "slope_before_se": math.sqrt(cov[1, 1]),
        "slope_after_se": math.sqrt(cov[1, 1] + cov[2, 2] + 2 * cov[1, 2]),
        "slope_change_se": math.sqrt(cov[2, 2]),
        "doubling_time_before_years": doubling(before),
        "doubling_time_after_years": doubling(after),
        "sse": sse,
        "n_before": int(np.sum(x < breakpoint_year)),
        "n_after": int(np.sum(x >= breakpoint_year)),
        "f_test_p": p,
    }


def min_each_side(n: int) -> int:
    """Chips kept on each side of a candidate break for ``n`` chips."""
    return max(MIN_EACH_SIDE, round(TRIM * n))


def candidate_breaks(x: np.ndarray, min_points: int, grid_step: float = GRID_STEP) -> np.ndarray:
    """Grid of breakpoints keeping at least ``min_points`` chips on each side."""
    xs = np.sort(np.asarray(x, float))
    if xs.size < 2 * min_points:
        return np.array([])
    lo, hi = xs[min_points - 1], xs[-min_points]
    if hi <= lo:
        return np.array([])
    return np.arange(lo, hi + 1e-9, grid_step)


class KinkBasis:
    """The continuous two-segment designs [1, x - b, max(0, x - b)] of every candidate
    breakpoint b, factorised once (batched QR) so that fitting many series at once is a few
    matrix products: no loop over candidates or series in Python."""

    def __init__(self, years, cands):
        x = np.asarray(years, float)
        self.x, self.cands = x, np.asarray(cands, float)
        d = x[None, :] - self.cands[:, None]
        X = np.stack([np.ones_like(d), d, np.maximum(d, 0.0)], axis=2)  # (c, n, 3)
        Q, R = np.linalg.qr(X)
        self.rinv = np.linalg.inv(R)  # (c, 3, 3): coef = R^-1 Q' y
        self.qt = np.ascontiguousarray(Q.transpose(0, 2, 1).reshape(-1, x.size))  # (3c, n)
        # The slope change is the last coefficient: its row of R^-1 Q', and its variance
        # factor [(X'X)^-1]_22 = |row 2 of R^-1|^2.
        self.change_row = np.einsum("ck,cnk->cn", self.rinv[:, 2, :], Q)
        self.change_var = np.sum(self.rinv[:, 2, :] ** 2, axis=1)
        self.line_q, _ = np.linalg.qr(np.column_stack([np.ones_like(x), x - x.mean()]))

    def profile(self, Y: np.ndarray, chunk: int = 2000) -> tuple[np.ndarray, np.ndarray]:
        """For each column of Y (n x m), the SSE-minimising candidate and its coefficients
        [level at b, slope before, slope change]. Returns (break (m,), coefs (m, 3))."""
        c = self.cands.size
        m = Y.shape[1]
        best_b = np.empty(m)
        best_c = np.empty((m, 3))
        for lo in range(0, m, chunk):
            y = Y[:, lo : lo + chunk]
            proj = (self.qt @ y).reshape(c, 3, -1)  # Q' y for every candidate
            # SSE = |y|^2 - |Q'y|^2; the first candidate wins ties.
            i = np.argmax(np.sum(proj * proj, axis=1), axis=0)
            cols = np.arange(y.shape[1])
            best_b[lo : lo + chunk] = self.cands[i]
            best_c[lo : lo + chunk] = np.einsum("mij,mj->mi", self.rinv[i], proj[i, :, cols])
        return best_b, best_c

    def statistic(self, Y: np.ndarray, chunk: int = 4000) -> np.ndarray:
        """For each column of Y: the largest t-statistic of a fall in slope over every
        candidate break, max_b (-change_b / se_b). Invariant to adding any straight line to
        a column and to scaling it.

        The two-segment model is the straight line plus one regressor, so its squared error
        is the line's less change_b^2 / [(X'X)^-1]_22: one matrix product per chunk."""
        n = self.x.size
        out = np.empty(Y.shape[1])
        for lo in range(0, Y.shape[1], chunk):
            y = Y[:, lo : lo + chunk]
            line = self.line_q.T @ y
            sse_line = np.sum(y * y, axis=0) - np.sum(line * line, axis=0)
            change = self.change_row @ y  # (c, m)
            sse = sse_line[None, :] - change**2 / self.change_var[:, None]
            s2 = np.maximum(sse, 0.0) / (n - 3)
            with np.errstate(divide="ignore", invalid="ignore"):
                t = -change / np.sqrt(s2 * self.change_var[:, None])
            out[lo : lo + chunk] = np.max(np.nan_to_num(t, nan=-np.inf), axis=0)
        return out


def slowdown_test(
    years,
    values,
    n_sim: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    alpha: float = 0.05,
    grid_step: float = GRID_STEP,
) -> dict[str, float]:
    """Test for a fall in the growth rate of log2(values) at an unknown date.

    - the break estimate: the candidate date of least squared error (searched between the
      ``min_each_side``-th chip from each end), its slopes, and whether it lies on the edge
      of the search range (then the data prefer no interior break);
    - the test: ``statistic`` (the largest one-sided t of a fall in slope over the search
      range) and ``p_value`` from ``n_sim`` simulated straight lines with normal errors and
      the same dates, (1 + #{null >= observed}) / (1 + n_sim); ``critical`` is the null's
      1 - ``alpha`` quantile;
    - a residual bootstrap (``n_sim`` resamples around the fitted two-segment line, the
      break re-estimated each time) for the ``level`` intervals of the break date and of
      the change in slope.

    Raises ValueError when there are too few chips to keep ``min_each_side`` on each side.
    """
    x = np.asarray(years, float)
    y = np.log2(np.asarray(values, float))
    n = x.size
    k = min_each_side(n)
    cands = candidate_breaks(x, k, grid_step)
    if cands.size < 2:
        raise ValueError(
            f"need at least {2 * MIN_EACH_SIDE} chips released on different "
            f"dates to look for a break, got {n}"
        )
    basis = KinkBasis(x, cands)
    b_hat, c_hat = basis.profile(y[:, None])
    b0, c0 = float(b_hat[0]), c_hat[0]
    observed = float(basis.statistic(y[:, None])[0])
    rng = np.random.default_rng(seed)
    null = basis.statistic(rng.standard_normal((n, n_sim)))
    # Residual bootstrap around the fitted two-segment line, for the intervals.
    fitted = _segmented_design(x, b0) @ c0
    resid = y - fitted
    resid = (resid - resid.mean()) * math.sqrt(n / max(n - 4, 1))  # 3 coefficients + break
    Y = fitted[:, None] + rng.choice(resid, size=(n, n_sim), replace=True)
    bb, cb = basis.profile(Y)
    a = (1 - level) / 2
    before, change = float(c0[1]), float(c0[2])
    edge = 0.5 * grid_step
    return {
        "breakpoint_year": b0,
        "slope_before": before,
        "slope_after": before + change,
        "slope_change": change,
        "doubling_time_before_years": doubling(before),
        "doubling_time_after_years": doubling(before + change),
        "at_edge": float(b0 <= cands[0] + edge or b0 >= cands[-1] - edge),
        "search_low": float(cands[0]),
        "search_high": float(cands[-1]),
        "min_each_side": float(k),
        "n": float(n),
        "n_sim": float(n_sim),
        "level": level,
        "statistic": observed,
        "p_value": float((1 + np.sum(null >= observed)) / (1 + n_sim)),
        "critical": float(np.quantile(null, 1 - alpha)),
        "alpha": alpha,
        "breakpoint_year_low": float(np.quantile(bb, a)),
        "breakpoint_year_high": float(np.quantile(bb, 1 - a)),
        "slope_change_low": float(np.quantile(cb[:, 2], a)),
        "slope_change_high": float(np.quantile(cb[:, 2], 1 - a)),
    }


def detectable_slowdown(
    years,
    residual_sd_log2: float,
    break_years,
    critical: float,
    n_sim: int = 400,
    seed: int = 0,
    power: float = 0.8,
    grid_step: float = GRID_STEP,
    iterations: int = 7,
) -> pd.DataFrame:
    """The smallest fall in slope (doublings per year) that :func:`slowdown_test` would
    detect with probability ``power`` at its ``critical`` value, for a break planted at each
    of ``break_years``, with normal scatter of ``residual_sd_log2`` about the line and the
    same release dates.

    Power is simulated with the same ``n_sim`` error draws for every change (so that it
    rises with the change) and the change is found by bisection between 0 and ten residual
    SDs per standard deviation of the dates, all break years at once; ``inf`` where even
    that is detected less often than ``power``. Columns: break_year, min_change_per_year,
    power_at_largest.
    """
    x = np.asarray(years, float)
    n = x.size
    if not (residual_sd_log2 > 0 and math.isfinite(residual_sd_log2)):
        raise ValueError("the residual spread must be positive and finite")
    cands = candidate_breaks(x, min_each_side(n), grid_step)
    if cands.size < 2:
        raise ValueError("too few chips to look for a break")
    basis = KinkBasis(x, cands)
    E = np.random.default_rng(seed).standard_normal((n, n_sim))
    breaks = np.atleast_1d(np.asarray(break_years, float))
    kinks = np.maximum(x[:, None] - breaks[None, :], 0.0) / residual_sd_log2  # (n, breaks)

    def power_at(changes: np.ndarray) -> np.ndarray:  # one change per break year
        Y = E[:, None, :] - (kinks * changes[None, :])[:, :, None]
        T = basis.statistic(Y.reshape(n, -1)).reshape(breaks.size, n_sim)
        return np.mean(T >= critical, axis=1)

    hi = np.full(breaks.size, 10.0 * residual_sd_log2 / float(np.std(x)))
    top = power_at(hi)
    lo = np.zeros(breaks.size)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        enough = power_at(mid) >= power
        hi = np.where(enough, mid, hi)
        lo = np.where(enough, lo, mid)
    mde = np.where(top >= power, hi, math.inf)
    return pd.DataFrame({"break_year": breaks, "min_change_per_year": mde, "power_at_largest": top})


def power_against(
    years,
    residual_sd_log2: float,
    break_years,
    change_per_year: float,
    critical: float,
    n_sim: int = 400,
    seed: int = 0,
    grid_step: float = GRID_STEP,
) -> np.ndarray:
    """The probability that :func:`slowdown_test` rejects at its ``critical`` value when the
    growth rate falls by ``change_per_year`` doublings a year at each of ``break_years``
    (normal scatter of ``residual_sd_log2``, the same release dates). A change equal to the
    fitted slope is a complete stop: growth before the break, a plateau after it."""
    x = np.asarray(years, float)
    n = x.size
    if not (residual_sd_log2 > 0 and math.isfinite(residual_sd_log2)):
        raise ValueError("the residual spread must be positive and finite")
    cands = candidate_breaks(x, min_each_side(n), grid_step)
    if cands.size < 2:
        raise ValueError("too few chips to look for a break")
    basis = KinkBasis(x, cands)
    E = np.random.default_rng(seed).standard_normal((n, n_sim))
    breaks = np.atleast_1d(np.asarray(break_years, float))
    kinks = np.maximum(x[:, None] - breaks[None, :], 0.0) * (change_per_year / residual_sd_log2)
    Y = E[:, None, :] - kinks[:, :, None]
    T = basis.statistic(Y.reshape(n, -1)).reshape(breaks.size, n_sim)
    return np.mean(T >= critical, axis=1)


def wild_p_value(
    years, values, n_sim: int = 1000, seed: int = 0, grid_step: float = GRID_STEP
) -> float:
    """p-value of the slowdown statistic against a wild-bootstrap null: the residuals of
    the straight-line fit, each multiplied by a random sign (Rademacher), added back to the
    line. It keeps each chip's own residual size (uneven scatter, outliers) instead of
    assuming normal errors of one size; it does not repair dependence between chips."""
    x = np.asarray(years, float)
    y = np.log2(np.asarray(values, float))
    n = x.size
    cands = candidate_breaks(x, min_each_side(n), grid_step)
    if cands.size < 2:
        raise ValueError(
            f"need at least {2 * MIN_EACH_SIDE} chips released on different "
            f"dates to look for a break, got {n}"
        )
    basis = KinkBasis(x, cands)
    X = np.column_stack([np.ones_like(x), x - x.mean()])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    observed = float(basis.statistic(y[:, None])[0])
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(n, n_sim))
    null = basis.statistic(resid[:, None] * signs)  # the line drops out of the statistic
    return float((1 + np.sum(null >= observed)) / (1 + n_sim))
