"""Growth of training compute and of hardware efficiency: log-linear fits with intervals.

Plain functions on arrays: a least-squares line through log10(values) against time (years),
its slope as a growth factor per year, and a t-based interval for it.
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


def fit_growth(years, values, level: float = 0.90) -> dict[str, float]:
    """Ordinary least squares of log10(values) on years. Returns the growth factor per year
    (10**slope), its ``level`` interval from the slope's standard error and Student's t with
    n - 2 degrees of freedom, the doubling time in months, and n."""
    x, y = np.asarray(years, dtype=float), np.asarray(values, dtype=float)
    if x.shape != y.shape or x.size < 3:
        raise ValueError("a growth fit needs at least three points")
    if np.any(y <= 0) or not np.all(np.isfinite(y)):
        raise ValueError("a growth fit needs positive, finite values")
    if np.ptp(x) <= 0:
        raise ValueError("a growth fit needs points at different times")
    ly = np.log10(y)
    res = stats.linregress(x, ly)
    t = stats.t.ppf(0.5 + level / 2, x.size - 2)
    slope, se = float(res.slope), float(res.stderr)
    return {"factor_per_year": float(10 ** slope), "low": float(10 ** (slope - t * se)),
            "high": float(10 ** (slope + t * se)), "slope_log10": slope, "stderr_log10": se,
            "intercept_log10": float(res.intercept), "n": float(x.size),
            "doubling_months": 12 * math.log10(2) / slope if slope > 0 else math.inf}


def fitted(fit: dict[str, float], years) -> np.ndarray:
    """The fitted line's values at ``years``."""
    return 10 ** (fit["intercept_log10"] + fit["slope_log10"] * np.asarray(years, dtype=float))


def hardware_points(accelerators: pd.DataFrame) -> pd.DataFrame:
    """Dense 16-bit FLOP/s per watt of each accelerator whose board power its maker
    published (rows whose power someone else estimated are left out): ``chip``, ``vendor``,
    ``release_date``, ``flop_per_s_per_w``. BF16 where the chip has it, else FP16."""


    a = accelerators[accelerators["power_estimated_by"].isna()
                     | (accelerators["power_estimated_by"] == "")]
    tflops = a["bf16_tflops"].where(a["bf16_tflops"].notna(), a["fp16_tflops"])
    out = pd.DataFrame({"chip": a["chip"], "vendor": a["vendor"],
                        "release_date": pd.to_datetime(a["release_date"]),
                        "flop_per_s_per_w": tflops * 1e12 / a["board_power_w"]})
    return out.dropna().sort_values("release_date", ignore_index=True)
