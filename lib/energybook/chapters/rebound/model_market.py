"""AI's own market: a confounded, upper-bound price elasticity of demand for tokens.

Over a period in which the price per token at fixed capability fell by a factor ``P`` a year
and the tokens served grew by ``Q`` a year, a constant-elasticity demand curve that did not
move would give ``e = ln Q / ln P``. Demand did move: new capabilities, new products and new
users shifted it outward over the same months, and every such shift raises ``Q`` without any
change of price. So ``ln Q / ln P`` overstates the elasticity: an *upper* bound, and a
confounded one (it also mixes capability levels: the tokens served are not at the fixed
capability whose price is measured).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

DAYS_PER_YEAR = 365.25


def factor_per_year(factor: ArrayLike, years: ArrayLike) -> np.ndarray:
    return np.power(np.asarray(factor, float), 1.0 / np.asarray(years, float))


def elasticity_bound(quantity_growth_per_year: ArrayLike, price_ratio_per_year: ArrayLike
                     ) -> np.ndarray:
    """``ln Q / -ln p``: the elasticity that the quantity growth ``Q`` and the price ratio
    ``p`` (below 1: a fall) would imply if demand had not shifted; ``nan`` where the price did
    not fall."""
    q = np.asarray(quantity_growth_per_year, float)
    p = np.asarray(price_ratio_per_year, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p < 1.0, np.log(q) / -np.log(np.where(p < 1.0, p, 0.5)), np.nan)


def annualised(token_market: pd.DataFrame) -> pd.DataFrame:
    """The ``token_market`` table with each factor per year (``per_year``, ``per_year_low``,
    ``per_year_high``) and the period's length (``years``)."""
    d = token_market.copy()
    d["years"] = [(pd.Timestamp(b) - pd.Timestamp(a)).days / DAYS_PER_YEAR
                  for a, b in zip(d["start_date"], d["end_date"], strict=True)]
    d["per_year"] = factor_per_year(d["factor"], d["years"])
    d["per_year_low"] = factor_per_year(d["factor_low"].astype(float), d["years"])
    d["per_year_high"] = factor_per_year(d["factor_high"].astype(float), d["years"])
    return d


def bound_table(token_market: pd.DataFrame) -> pd.DataFrame:
    """Every pairing of a tokens-served series with a price series: columns ``tokens``,
    ``tokens_start``, ``tokens_end``, ``token_growth``, ``price``, ``price_ratio``,
    ``bound``, and ``bound_low``/``bound_high`` from the price series' range (a faster fall
    gives a lower bound)."""
    d = annualised(token_market)
    tok = d[d["metric"] == "tokens_served"]
    pri = d[d["metric"] == "price_at_fixed_capability"]
    rows = []
    for _, t in tok.iterrows():
        for _, p in pri.iterrows():
            lo_p = p["per_year_low"] if np.isfinite(p["per_year_low"]) else p["per_year"]
            hi_p = p["per_year_high"] if np.isfinite(p["per_year_high"]) else p["per_year"]
            rows.append({"tokens": t["series"], "tokens_start": t["start_date"],
                         "tokens_end": t["end_date"], "token_growth": float(t["per_year"]),
                         "price": p["series"], "price_ratio": float(p["per_year"]),
                         "bound": float(elasticity_bound(t["per_year"], p["per_year"])),
                         "bound_low": float(elasticity_bound(t["per_year"], lo_p)),
                         "bound_high": float(elasticity_bound(t["per_year"], hi_p))})
    return pd.DataFrame(rows)


def headline_bound(token_market: pd.DataFrame, tokens: str = "google_tokens",
                   price: str = "epoch_inference_prices") -> dict[str, float]:
    """The chapter's bound: the largest provider's tokens over the year to May 2025 (the first
    period of ``tokens``) against the price series measured over the same year. Keys
    ``bound``, ``bound_low``, ``bound_high``, ``token_growth``, ``price_fall`` (a factor per
    year)."""
    b = bound_table(token_market)
    first = b[(b["tokens"] == tokens) & (b["price"] == price)].sort_values("tokens_start"
                                                                             ).iloc[0]
    return {"bound": float(first["bound"]), "bound_low": float(first["bound_low"]),
            "bound_high": float(first["bound_high"]),
            "token_growth": float(first["token_growth"]),
            "price_fall": 1.0 / float(first["price_ratio"])}
