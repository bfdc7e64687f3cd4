"""AI's own market: a confounded ratio of token growth to price fall, sign of bias ambiguous.

Over a period in which the price per token at fixed capability fell by a factor ``P`` a year
and the tokens served grew by ``Q`` a year, a constant-elasticity demand curve that did not
move would give ``e = ln Q / ln P``. The ratio is not an estimate of ``e`` and not a bound
on it either, because its biases run both ways:

- up: outward shifts of demand (new products, new users, zero-price features rolled out by
  the supplier, such as Google's AI Overviews, launched on the day its series starts) and one
  provider's gains of market share add tokens without any fall in price; reasoning models
  write more tokens per answer;
- down: supply held quantities back (scarce GPUs, rate limits); a one-year, short-run
  response understates the long-run elasticity that a six-year horizon needs; and raw token
  counts, moving up the capability mix while the price is measured at fixed capability,
  understate quality-adjusted quantity growth.

The series' periods also differ (the price trends are fits over up to three years, the
token counts one year apart), so every pairing is shown and none is privileged: the
chapter's figure is their median.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

DAYS_PER_YEAR = 365.25


def factor_per_year(factor: ArrayLike, years: ArrayLike) -> np.ndarray:
    return np.power(np.asarray(factor, float), 1.0 / np.asarray(years, float))


def elasticity_bound(
    quantity_growth_per_year: ArrayLike, price_ratio_per_year: ArrayLike
) -> np.ndarray:
    """``ln Q / -ln p``: the elasticity that the quantity growth ``Q`` and the price ratio
    ``p`` (below 1: a fall) would imply if demand had neither shifted nor been held back;
    ``nan`` where the price did not fall."""
    q = np.asarray(quantity_growth_per_year, float)
    p = np.asarray(price_ratio_per_year, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p < 1.0, np.log(q) / -np.log(np.where(p < 1.0, p, 0.5)), np.nan)


def annualised(token_market: pd.DataFrame) -> pd.DataFrame:
    """The ``token_market`` table with each factor per year (``per_year``, ``per_year_low``,
    ``per_year_high``) and the period's length (``years``)."""
    d = token_market.copy()
    d["years"] = [
        (pd.Timestamp(b) - pd.Timestamp(a)).days / DAYS_PER_YEAR
        for a, b in zip(d["start_date"], d["end_date"], strict=True)
    ]
    d["per_year"] = factor_per_year(d["factor"], d["years"])
    d["per_year_low"] = factor_per_year(d["factor_low"].astype(float), d["years"])
    d["per_year_high"] = factor_per_year(d["factor_high"].astype(float), d["years"])
    return d


def bound_table(token_market: pd.DataFrame) -> pd.DataFrame:
    """Every pairing of a tokens-served series with a price series: columns ``tokens``,
    ``tokens_start``, ``tokens_end``, ``token_growth``, ``price``, ``price_ratio``,
    ``bound`` (the ratio), and ``bound_low``/``bound_high`` from the price series' range (a
    faster fall gives a lower ratio)."""
    d = annualised(token_market)
    tok = d[d["metric"] == "tokens_served"]
    pri = d[d["metric"] == "price_at_fixed_capability"]
    rows = []
    for _, t in tok.iterrows():
        for _, p in pri.iterrows():
            lo_p = p["per_year_low"] if np.isfinite(p["per_year_low"]) else p["per_year"]
            hi_p = p["per_year_high"] if np.isfinite(p["per_year_high"]) else p["per_year"]
            rows.append(
                {
                    "tokens": t["series"],
                    "tokens_start": t["start_date"],
                    "tokens_end": t["end_date"],
                    "token_growth": float(t["per_year"]),
                    "price": p["series"],
                    "price_ratio": float(p["per_year"]),
                    "bound": float(elasticity_bound(t["per_year"], p["per_year"])),
                    "bound_low": float(elasticity_bound(t["per_year"], lo_p)),
                    "bound_high": float(elasticity_bound(t["per_year"], hi_p)),
                }
            )
    return pd.DataFrame(rows)


def summary(token_market: pd.DataFrame) -> dict[str, float]:
    """The median, least and greatest ratio over every pairing (``median``, ``min``,
    ``max``, ``n``), and the least and greatest over the price series' stated ranges
    (``range_low``, ``range_high``)."""
    b = bound_table(token_market)
    if b.empty:
        raise ValueError("token_market has no pairing of tokens served and price")
    return {
        "median": float(b["bound"].median()),
        "min": float(b["bound"].min()),
        "max": float(b["bound"].max()),
        "n": float(len(b)),
        "range_low": float(b["bound_low"].min()),
        "range_high": float(b["bound_high"].max()),
    }
