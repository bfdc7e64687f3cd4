"""Ambition as growth: trends, the one demand model, the published forecasts as its
scenarios, and an exact (LMDI) decomposition of the change in energy.

Pure functions over floats, numpy arrays and the ``growth_trends`` and ``dc_electricity``
tables.

References
----------
- Ang, B. W. (2005). The LMDI approach to decomposition analysis: a practical guide.
  *Energy Policy*, 33(7), 867-871. https://doi.org/10.1016/j.enpol.2003.10.010
  (additive log-mean Divisia index, exact: no residual).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from energybook.chapters.rebound.model import cost_ratio, demand_ratio

# =========================================================================== trends


def annual_factor(measure: str, value: float, start_year: int | None = None,
                  end_year: int | None = None) -> float:
    """A growth figure as a factor per year, whichever way its source states it
    (``factor_per_year``, ``factor_over_period`` over end - start years, or
    ``doubling_time_years``) -- the ``measure`` column of ``growth_trends``."""
    if measure == "factor_per_year":
        return float(value)
    if measure == "factor_over_period":
        if start_year is None or end_year is None:
            raise ValueError("factor_over_period needs start_year and end_year")
        years = float(end_year) - float(start_year)
        if years <= 0:
            raise ValueError("factor_over_period needs end_year > start_year")
        return float(value) ** (1.0 / years)
    if measure == "doubling_time_years":
        return 2.0 ** (1.0 / float(value))
    raise ValueError(f"unknown measure {measure!r}")


def growth_table(trends: pd.DataFrame) -> pd.DataFrame:
    """The ``growth_trends`` table with every figure as a factor and a rate per year:
    adds ``factor_per_year``, ``rate_per_year``, ``factor_per_year_low``/``_high``."""
    df = trends.copy()

    def conv(col):
        return [annual_factor(m, v, a, b) if pd.notna(v) else np.nan
                for m, v, a, b in zip(df["measure"], df[col], df["start_year"], df["end_year"],
                                      strict=True)]

    df["factor_per_year"] = conv("value")
    lo, hi = conv("value_low"), conv("value_high")
    # a longer doubling time is a slower growth: keep low <= high
    df["factor_per_year_low"] = np.fmin(lo, hi)
    df["factor_per_year_high"] = np.fmax(lo, hi)
    df["rate_per_year"] = df["factor_per_year"] - 1.0
    return df


# =========================================================================== LMDI


def _log_mean(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        lm = (a - b) / (np.log(a) - np.log(b))
    return np.where(np.isclose(a, b, rtol=1e-12, atol=0.0), a, lm)


def lmdi(factors_start: Mapping[str, float], factors_end: Mapping[str, float]) -> pd.DataFrame:
    """Additive LMDI-I decomposition of the change in ``E = product of factors``.

    Contribution of factor i: ``L(E_T, E_0) * ln(x_iT / x_i0)`` with the logarithmic mean
    ``L(a, b) = (a - b) / (ln a - ln b)`` (Ang 2005). The contributions sum exactly to
    ``E_T - E_0`` (no residual). Factors must be positive.

    Returns columns ``driver``, ``start``, ``end``, ``contribution``, ``share`` (of the total
    change), one row per factor, in the given order.
    """
    names = list(factors_start)
    if set(names) != set(factors_end):
        raise ValueError("start and end must name the same factors")
    x0 = np.array([float(factors_start[n]) for n in names])
    x1 = np.array([float(factors_end[n]) for n in names])
    if np.any(x0 <= 0) or np.any(x1 <= 0):
        raise ValueError("LMDI needs positive factors")
    e0, e1 = float(np.prod(x0)), float(np.prod(x1))
    contrib = _log_mean(e1, e0) * np.log(x1 / x0)
    total = e1 - e0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = contrib / total if total != 0 else np.full_like(contrib, np.nan)
    return pd.DataFrame({"driver": names, "start": x0, "end": x1, "contribution": contrib,
                         "share": share})


# =========================================================================== projection


def projection_factor_per_year(demand_growth, efficiency_growth, elasticity=0.0,
                               energy_share=1.0, hardware_cost_decline=0.0):
    """Energy factor per year of the one demand model.

    energy grows by ``(1 + a) * (c'/c) ** -elasticity / (1 + f)``, where ``a`` is the
    exogenous growth of compute demanded ("ambition": users, uses, model size),
    ``f`` the efficiency growth (FLOP/J), ``c'/c = (1 - s)/(1 + h) + s/(1 + f)`` the yearly
    fall of cost per FLOP (energy share ``s``, hardware cost per FLOP falling by ``h``)
    and ``elasticity`` the demand response to it. With elasticity 0 this is the plain
    "demand growth / efficiency growth".
    """
    k = 1.0 + np.asarray(efficiency_growth, float)
    r = cost_ratio(k, energy_share, 1.0 + np.asarray(hardware_cost_decline, float))
    return (1.0 + np.asarray(demand_growth, float)) * demand_ratio(r, elasticity) / k


def project_energy_twh(base_energy_twh, years, demand_growth, efficiency_growth,
                       elasticity=0.0, energy_share=1.0, hardware_cost_decline=0.0,
                       pue_ratio=1.0):
    """Energy after ``years``: base x (factor per year) ** years x PUE(horizon)/PUE(base)."""
    g = projection_factor_per_year(demand_growth, efficiency_growth, elasticity, energy_share,
                                   hardware_cost_decline)
    return np.asarray(base_energy_twh, float) * np.power(g, years) * pue_ratio


def implied_net_growth(base_energy_twh, target_energy_twh, years):
    """Net energy growth per year implied by going from base to target in ``years``."""
    return np.power(np.asarray(target_energy_twh, float) / base_energy_twh, 1.0 / years) - 1.0


def implied_demand_growth(net_growth, efficiency_growth, elasticity=0.0, energy_share=1.0,
                          hardware_cost_decline=0.0):
    """Exogenous demand growth ``a`` that, with the other parameters, gives ``net_growth``:
    the inverse of :func:`projection_factor_per_year` in ``a``."""
    unit = projection_factor_per_year(0.0, efficiency_growth, elasticity, energy_share,
                                      hardware_cost_decline)
    return (1.0 + np.asarray(net_growth, float)) / unit - 1.0


def _base_row(est: pd.DataFrame, proj: pd.Series) -> pd.Series | None:
    cand = est[(est["scope"] == proj["scope"]) & (est["year"] < proj["year"])
               & (est["source_year"] <= proj["source_year"])]
    if cand.empty:
        return None
    for mask in (cand["source_title"] == proj["source_title"],
                 cand["source_publisher"] == proj["source_publisher"]):
        sub = cand[mask]
        if not sub.empty:
            return sub.sort_values("year").iloc[-1]
    return cand.sort_values("year").iloc[-1]


def scenario_table(dc_electricity: pd.DataFrame, efficiency_growth: float,
                   elasticity: float = 0.0, energy_share: float = 1.0,
                   hardware_cost_decline: float = 0.0,
                   scopes: Sequence[str] | None = None) -> pd.DataFrame:
    """The published projections as named scenarios of the one demand model.

    For each projected row of ``dc_electricity`` (tier ``projected``), the base is the
    latest estimate of the same scope before it, from the same source where there is one
    (else the same publisher), published no later than the projection. The implied
    parameters are *solved*: the net energy growth per year, the total growth of compute
    demanded (``(1 + net) (1 + f) - 1``) at the given efficiency growth, and the exogenous
    demand growth ("ambition") once the price response is taken out. The model is then run
    with them (``model_twh``) and compared to the published figure (``error_pct``): an
    arithmetic check, true by construction.

    Columns: ``scenario``, ``scope``, ``publisher``, ``base_year``, ``base_twh``,
    ``horizon_year``, ``published_twh``, ``years``, ``implied_net_growth``,
    ``implied_compute_growth``, ``implied_demand_growth``, ``efficiency_growth``,
    ``model_twh``, ``error_pct``, ``checked``.
    """
    df = dc_electricity
    est = df[df["tier"] == "estimated"]
    proj = df[df["tier"] == "projected"]
    if scopes is not None:
        proj = proj[proj["scope"].isin(list(scopes))]
    rows = []
    for _, p in proj.iterrows():
        b = _base_row(est, p)
        if b is None:
            continue
        years = int(p["year"]) - int(b["year"])
        net = float(implied_net_growth(b["energy_twh"], p["energy_twh"], years))
        a = float(implied_demand_growth(net, efficiency_growth, elasticity, energy_share,
                                        hardware_cost_decline))
        model = float(project_energy_twh(b["energy_twh"], years, a, efficiency_growth,
                                         elasticity, energy_share, hardware_cost_decline))
        rows.append({
            "scenario": p["case"], "scope": p["scope"], "publisher": p["source_publisher"],
            "base_year": int(b["year"]), "base_twh": float(b["energy_twh"]),
            "horizon_year": int(p["year"]), "published_twh": float(p["energy_twh"]),
            "years": years, "implied_net_growth": net,
            "implied_compute_growth": (1.0 + net) * (1.0 + efficiency_growth) - 1.0,
            "implied_demand_growth": a, "efficiency_growth": float(efficiency_growth),
            "model_twh": model,
            "error_pct": 100.0 * (model - float(p["energy_twh"])) / float(p["energy_twh"]),
            "checked": p["checked"],
        })
    return pd.DataFrame(rows).sort_values(["scope", "horizon_year", "published_twh"],
                                          kind="stable").reset_index(drop=True)


def base_energy_twh(dc_electricity: pd.DataFrame, scope: str, base_year: int) -> float:
    """The estimated data-centre electricity of ``scope`` in ``base_year`` (one row)."""
    d = dc_electricity[(dc_electricity["scope"] == scope) & (dc_electricity["year"] == base_year)
                       & (dc_electricity["tier"] == "estimated")]
    if d.empty:
        raise ValueError(f"no estimate for {scope!r} in {base_year}; estimates exist for "
                         f"{estimate_years(dc_electricity, scope)}")
    return float(d.sort_values("source_year").iloc[-1]["energy_twh"])


def estimate_years(dc_electricity: pd.DataFrame, scope: str) -> list[int]:
    """The years with a data-centre estimate for ``scope``."""
    d = dc_electricity
    return sorted({int(y) for y in d.loc[(d["scope"] == scope) & (d["tier"] == "estimated"),
                                         "year"]})


def projection_decomposition(base_energy_twh: float, years: float, demand_growth: float,
                             efficiency_growth: float, elasticity: float = 0.0,
                             energy_share: float = 1.0, hardware_cost_decline: float = 0.0,
                             pue_ratio: float = 1.0) -> pd.DataFrame:
    """Exact LMDI decomposition of the change in energy from the base year to the horizon
    into ambition (exogenous demand), price response, efficiency and PUE (drivers
    ``ambition``, ``price``, ``efficiency``, ``pue``). Columns as :func:`lmdi`
    (contributions in TWh; they sum to the total change).
    """
    k = 1.0 + efficiency_growth
    r = float(cost_ratio(k, energy_share, 1.0 + hardware_cost_decline))
    start = {"ambition": 1.0, "price": 1.0, "efficiency": 1.0, "pue": 1.0,
             "base": float(base_energy_twh)}
    end = {"ambition": (1.0 + demand_growth) ** years,
           "price": float(demand_ratio(r, elasticity)) ** years,
           "efficiency": k ** -years, "pue": float(pue_ratio),
           "base": float(base_energy_twh)}
    out = lmdi(start, end)
    return out[out["driver"] != "base"].reset_index(drop=True)


def efficiency_growth_to_hold_flat(demand_growth: float, elasticity: float = 0.0,
                                   energy_share: float = 1.0,
                                   hardware_cost_decline: float = 0.0) -> float:
    """The efficiency growth per year (FLOP/J) that holds energy flat.

    Solves ``projection_factor_per_year(a, f, e, s, h) = 1`` for ``f >= 0``. With no price
    response it is the demand growth itself. With one, energy first rises then falls in
    efficiency (d ln E / d ln k = elasticity x energy share of cost - 1), so the answer is
    the efficiency beyond which energy stays at or below flat: ``0.0`` if energy never
    rises, ``inf`` if no efficiency gain can hold it (energy the whole cost, elasticity >= 1,
    hardware cost falling).
    """
    a, e, s, h = float(demand_growth), float(elasticity), float(energy_share), \
        float(hardware_cost_decline)
    m = 1.0 + h

    def ln_g(x):
        return math.log(float(projection_factor_per_year(a, x - 1.0, e, s, h)))

    if s >= 1.0:  # energy the whole cost: g = (1 + a) * x ** (elasticity - 1)
        if ln_g(1.0) <= 0.0:
            return 0.0
        return (1.0 + a) ** (1.0 / (1.0 - e)) - 1.0 if e < 1.0 else math.inf
    # ln g rises while elasticity x (energy share after) > 1, then falls: start past the peak
    x_peak = m * s * (e - 1.0) / (1.0 - s) if e > 1.0 else 1.0
    x0 = max(1.0, x_peak)
    if ln_g(x0) <= 0.0:
        return 0.0
    hi = 2.0 * x0
    while ln_g(hi) > 0.0:
        hi *= 2.0
        if hi > 1e15:
            return math.inf
    lo = x0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if ln_g(mid) > 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi) - 1.0
