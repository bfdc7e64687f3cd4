"""Is growth slowing? Two-segment (broken-stick) fits of log2(efficiency) on release date.

Pure functions; everything random takes a ``seed``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from energybook.chapters.scaling.model import doubling


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
    return {"breakpoint_year": float(breakpoint_year), "slope_before": before,
            "slope_after": after, "slope_change": change,
            "slope_before_se": math.sqrt(cov[1, 1]),
            "slope_after_se": math.sqrt(cov[1, 1] + cov[2, 2] + 2 * cov[1, 2]),
            "slope_change_se": math.sqrt(cov[2, 2]),
            "doubling_time_before_years": doubling(before),
            "doubling_time_after_years": doubling(after), "sse": sse,
            "n_before": int(np.sum(x < breakpoint_year)),
            "n_after": int(np.sum(x >= breakpoint_year)), "f_test_p": p}


def candidate_breaks(x: np.ndarray, min_points: int, grid_step: float) -> np.ndarray:
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

    def profile(self, Y: np.ndarray, chunk: int = 2000) -> tuple[np.ndarray, np.ndarray]:
        """For each column of Y (n x m), the SSE-minimising candidate and its coefficients
        [level at b, slope before, slope change]. Returns (break (m,), coefs (m, 3))."""
        c = self.cands.size
        m = Y.shape[1]
        best_b = np.empty(m)
        best_c = np.empty((m, 3))
        for lo in range(0, m, chunk):
            y = Y[:, lo:lo + chunk]
            proj = (self.qt @ y).reshape(c, 3, -1)  # Q' y for every candidate
            # SSE = |y|^2 - |Q'y|^2; the first candidate wins ties.
            i = np.argmax(np.sum(proj * proj, axis=1), axis=0)
            cols = np.arange(y.shape[1])
            best_b[lo:lo + chunk] = self.cands[i]
            best_c[lo:lo + chunk] = np.einsum("mij,mj->mi", self.rinv[i], proj[i, :, cols])
        return best_b, best_c


def _profile_breaks(x: np.ndarray, Y: np.ndarray, cands: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """For each column of Y, the SSE-minimising breakpoint among ``cands`` and its slopes.

    Returns (best_break, coefs[ncols, 3]).
    """
    return KinkBasis(x, cands).profile(Y)


def breakpoint_test(years, values, n_boot: int = 1000, seed: int = 0, level: float = 0.90,
                    min_points: int = 4, grid_step: float = 0.05) -> dict[str, float]:
    """Estimate a slowdown: breakpoint and slope change with residual-bootstrap intervals.

    The breakpoint is the one that minimises the squared error of a continuous two-segment
    fit of log2(values), searched on a grid keeping ``min_points`` chips on each side. The
    interval comes from a residual bootstrap (seeded) that re-estimates the breakpoint each
    time. ``prob_slowdown`` is the share of bootstrap fits whose later slope is lower.

    Returns breakpoint_year (+ _low/_high), slope_before/after (doublings per year, + _low,
    _high), doubling_time_before/after_years, slope_change (+ _low/_high), prob_slowdown, n,
    n_boot, level, search_low, search_high.
    """
    x = np.asarray(years, float)
    y = np.log2(np.asarray(values, float))
    cands = candidate_breaks(x, min_points, grid_step)
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
           "doubling_time_before_years": doubling(before),
           "doubling_time_after_years": doubling(after),
           "prob_slowdown": float(np.mean(after_b < before_b)),
           "n": int(x.size), "n_boot": int(n_boot), "level": level,
           "search_low": float(cands[0]), "search_high": float(cands[-1])}
    for name, v in (("breakpoint_year", bb), ("slope_before", before_b),
                    ("slope_after", after_b), ("slope_change", after_b - before_b)):
        out[f"{name}_low"], out[f"{name}_high"] = q(v)
    return out
