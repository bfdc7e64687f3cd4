"""Uncertainty: the vectorized model of horizon-year data-centre energy, its declared
distributions and its summary (median, 90 % interval, P(backfire), tornado, flip point).

The point model lives in :mod:`model_growth`; this module draws around it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from energybook.chapters.rebound.model import (
    backfire_elasticity,
    cost_ratio,
    demand_ratio,
    rebound,
)
from energybook.chapters.rebound.model_growth import project_energy_twh, scenario_table
from energybook.chapters.rebound.params import Params
from energybook.uncertainty import (
    PERT,
    Dist,
    Fixed,
    LogNormal,
    Triangular,
    Uniform,
    fan,
    medians,
    monte_carlo,
    probability,
    summarize,
    tornado,
)


def mc_factor_per_year(elasticity, efficiency_growth, demand_growth, energy_share,
                       hardware_cost_decline, trend: Mapping[str, float] | None = None):
    """Energy factor per year of one Monte Carlo draw (vectorized).

    Without ``trend`` it is :func:`model_growth.projection_factor_per_year`: the drawn
    elasticity acts on the whole fall in cost per FLOP (the *unanchored* model).

    With ``trend`` (keys ``elasticity``, ``efficiency_growth``, ``energy_share``,
    ``hardware_cost_decline``: the point values) the demand response to chip progress *at
    its trend* uses the point elasticity, and the drawn elasticity acts only on departures
    of the cost per FLOP from that trend (the *anchored* model)::

        g = (1 + a) * r0 ** -e0 * (r / r0) ** -e / (1 + f)

    (``r`` the yearly cost ratio of the draw, ``r0`` that of the trend).
    """
    k = 1.0 + np.asarray(efficiency_growth, float)
    r = cost_ratio(k, energy_share, 1.0 + np.asarray(hardware_cost_decline, float))
    if trend is None:
        q = demand_ratio(r, elasticity)
    else:
        r0 = float(cost_ratio(1.0 + float(trend["efficiency_growth"]),
                              float(trend["energy_share"]),
                              1.0 + float(trend["hardware_cost_decline"])))
        q = demand_ratio(r0, float(trend["elasticity"])) * demand_ratio(r / r0, elasticity)
    return (1.0 + np.asarray(demand_growth, float)) * q / k


def horizon_energy_model(elasticity, efficiency_growth, demand_growth, energy_share,
                         hardware_cost_decline, pue_horizon, *, base_energy_twh: float,
                         years: float, pue_base: float,
                         trend: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
    """The vectorized model of the Monte Carlo (one keyword per uncertain input).

    Returns ``energy_twh`` (horizon-year energy), ``rebound`` (of one year's chip progress:
    efficiency gain ``1 + f`` with hardware cost per FLOP falling by ``1 + h``), ``backfire``
    (1.0 where that rebound > 100 %, else 0.0), and ``rebound_energy_only`` /
    ``backfire_energy_only``: the same for the efficiency gain alone, with hardware cost per
    FLOP unchanged.
    """
    g = mc_factor_per_year(elasticity, efficiency_growth, demand_growth, energy_share,
                           hardware_cost_decline, trend)
    energy = np.asarray(base_energy_twh, float) * np.power(g, years) * (
        np.asarray(pue_horizon, float) / pue_base)
    k = 1.0 + np.asarray(efficiency_growth, float)
    rb = np.asarray(rebound(k, elasticity, energy_share,
                            1.0 + np.asarray(hardware_cost_decline, float)), float)
    rb_e = np.asarray(rebound(k, elasticity, energy_share, 1.0), float)
    return {"energy_twh": energy, "rebound": rb, "backfire": (rb > 1.0).astype(float),
            "rebound_energy_only": rb_e, "backfire_energy_only": (rb_e > 1.0).astype(float)}


class _Shifted(Dist):
    """A distribution shifted by a constant (growth factor -> growth rate)."""

    def __init__(self, base: Dist, shift: float):
        self.base = base
        self.shift = float(shift)

    def sample(self, rng, n):
        return self.base.sample(rng, n) + self.shift

    def ppf(self, q):
        return self.base.ppf(q) + self.shift

    def mean(self):
        return self.base.mean() + self.shift

    def describe(self) -> str:
        return f"{self.base.describe()} {self.shift:+g}"


def declared_distributions(P: Params) -> dict[str, Dist]:
    """The chapter's declared distributions, built from its parameters.

    - elasticity ~ PERT(0, ``elasticity``, ``elasticity_max``) (upper end at least the
      point elasticity; fixed at 0 if both are 0);
    - each growth factor (1 + rate) ~ LogNormal with median 1 + rate and 90 % interval
      [median / (1 + growth_spread), median x (1 + growth_spread)], as a rate;
    - energy share of cost ~ Triangular(s/2, s, min(1, 2 s));
    - horizon-year PUE ~ Triangular(pue_best, pue, pue).
    """
    spread = 1.0 + P.growth_spread

    def growth(rate):
        return _Shifted(LogNormal.from_median_factor(1.0 + rate, spread), -1.0)

    lo_pue = min(P.pue_best, P.pue)
    e_mode = float(P.elasticity)
    e_high = max(float(P.elasticity_max), e_mode)
    e_dist: Dist = PERT(0.0, e_mode, e_high) if e_high > 0.0 else Fixed(0.0)
    s = P.energy_share
    return {
        "elasticity": e_dist,
        "efficiency_growth": growth(P.efficiency_growth),
        "demand_growth": growth(P.demand_growth),
        "energy_share": Triangular(0.5 * s, s, min(1.0, 2 * s)),
        "hardware_cost_decline": growth(P.hardware_cost_decline),
        "pue_horizon": Triangular(lo_pue, P.pue, P.pue),
    }


def trend_of(P: Params) -> dict[str, float]:
    """The point values that define the trend of the anchored Monte Carlo."""
    return {"elasticity": P.elasticity, "efficiency_growth": P.efficiency_growth,
            "energy_share": P.energy_share, "hardware_cost_decline": P.hardware_cost_decline}


def _check_years(P: Params) -> int:
    if P.horizon_year <= P.base_year:
        raise ValueError(f"horizon_year ({P.horizon_year}) must be after base_year "
                         f"({P.base_year})")
    return P.horizon_year - P.base_year


def run_uncertainty(P: Params, base_energy_twh: float, fan_end_year: int | None = None,
                    anchor: bool | None = None) -> dict[str, object]:
    """Monte Carlo of horizon-year data-centre energy under the declared distributions.

    ``anchor`` (default: ``P.anchor_demand``) selects the anchored model. Returns a dict:

    - ``energy``: summarize() of horizon energy (``median``, ``p05``, ``p95``, ``mean``; TWh);
    - ``p_chip_progress``: share of draws in which chips improve (efficiency growth > 0);
    - ``p_backfire`` / ``p_backfire_energy_only``: probability, among the draws with chip
      progress, that a year's chip progress (both levers / the energy credit alone)
      backfires; ``nan`` if no draw has chip progress;
    - ``rebound`` / ``rebound_energy_only``: summarize() of those rebounds (fraction);
    - ``tornado``: DataFrame (see :func:`energybook.uncertainty.tornado`) of horizon energy;
    - ``flip_elasticity`` / ``flip_elasticity_energy_only``: elasticity at which the rebound
      reaches 100 %, the other inputs at their medians (``inf`` if never);
    - ``fan``: DataFrame ``year, p05, p25, p50, p75, p95, mean`` (TWh) from base year to
      ``fan_end_year`` (default the horizon);
    - ``samples``: the draws and outputs (arrays); ``distributions``; ``anchored``.
    """
    years = _check_years(P)
    anchored = P.anchor_demand if anchor is None else bool(anchor)
    trend = trend_of(P) if anchored else None
    dists = declared_distributions(P)
    fixed = {"base_energy_twh": base_energy_twh, "years": years, "pue_base": P.pue,
             "trend": trend}
    res = monte_carlo(horizon_energy_model, dists, P.n_draws, P.seed, fixed=fixed)
    med = medians(dists)
    k_med = 1.0 + med["efficiency_growth"]
    flip = float(backfire_elasticity(k_med, med["energy_share"],
                                     1.0 + med["hardware_cost_decline"]))
    flip_e = float(backfire_elasticity(k_med, med["energy_share"], 1.0))
    end = P.horizon_year if fan_end_year is None else fan_end_year
    fan_years = np.arange(P.base_year, end + 1)
    # paths: the same draws, evaluated at every year (PUE moves linearly to its horizon value)
    t = (fan_years - P.base_year)[None, :]
    g = mc_factor_per_year(res["elasticity"], res["efficiency_growth"], res["demand_growth"],
                           res["energy_share"], res["hardware_cost_decline"], trend)[:, None]
    pue_path = P.pue + (res["pue_horizon"][:, None] - P.pue) * np.minimum(
        t / max(years, 1), 1.0)
    paths = base_energy_twh * np.power(g, t) * pue_path / P.pue

    def finite(x):
        return summarize(x[np.isfinite(x)])

    progress = np.asarray(res["efficiency_growth"], float) > 0.0

    def given_progress(flags):
        return probability(flags[progress] > 0.5) if progress.any() else float("nan")

    return {
        "energy": summarize(res["energy_twh"]),
        "p_chip_progress": probability(progress),
        "p_backfire": given_progress(res["backfire"]),
        "p_backfire_energy_only": given_progress(res["backfire_energy_only"]),
        "rebound": finite(res["rebound"]),
        "rebound_energy_only": finite(res["rebound_energy_only"]),
        "tornado": tornado(horizon_energy_model, dists, fixed=fixed, output="energy_twh"),
        "flip_elasticity": flip,
        "flip_elasticity_energy_only": flip_e,
        "fan": fan(fan_years.tolist(), paths),
        "samples": res,
        "distributions": dists,
        "anchored": anchored,
    }


def uniform_elasticity_interval(P: Params, base_energy_twh: float, low: float = 0.0,
                                high: float = 2.0) -> dict[str, float]:
    """The horizon-year interval under the rejected choice of distributions: elasticity
    ~ Uniform(``low``, ``high``) in the *unanchored* model, every other input as declared.

    Returns :func:`energybook.uncertainty.summarize` of the horizon energy (TWh) plus
    ``ratio`` (95th over 5th percentile). Same draws and seed as :func:`run_uncertainty`.
    """
    years = _check_years(P)
    dists = declared_distributions(P)
    dists["elasticity"] = Uniform(float(low), float(high))
    fixed = {"base_energy_twh": base_energy_twh, "years": years, "pue_base": P.pue,
             "trend": None}
    res = monte_carlo(horizon_energy_model, dists, P.n_draws, P.seed, fixed=fixed)
    out = summarize(res["energy_twh"])
    out["ratio"] = float(out["p95"]) / float(out["p05"])
    return {k: float(v) for k, v in out.items()}


def elasticity_sweep(elasticities: ArrayLike, efficiency_growth: float,
                     demand_growth: float, energy_share: float, hardware_cost_decline: float,
                     base_energy_twh: float, years: float, pue_ratio: float = 1.0
                     ) -> pd.DataFrame:
    """Horizon energy and rebound against elasticity, other inputs fixed.

    Columns: ``elasticity``, ``energy_twh``, ``rebound``, ``backfire``.
    """
    e = np.asarray(elasticities, dtype=float)
    energy = project_energy_twh(base_energy_twh, years, demand_growth, efficiency_growth, e,
                                energy_share, hardware_cost_decline, pue_ratio)
    rb = rebound(1.0 + efficiency_growth, e, energy_share, 1.0 + hardware_cost_decline)
    return pd.DataFrame({"elasticity": e, "energy_twh": energy, "rebound": rb,
                         "backfire": np.asarray(rb) > 1.0})


def iea_case_spread(dc_electricity: pd.DataFrame, year: int = 2035, scope: str = "World",
                    low: str = "IEA Headwinds", high: str = "IEA Lift-Off") -> float:
    """The IEA's own range of cases read as a 90 % interval of the yearly growth factor:
    the geometric half-range ``sqrt(f_high / f_low) - 1`` of the net growth per year to the
    ``low`` and ``high`` cases. The IEA presents its cases as sensitivities, not as
    probabilities: this is a calibration of a spread, not a claim about the IEA's beliefs.
    """
    table = scenario_table(dc_electricity, 0.0, scopes=[scope]).set_index(
        ["scenario", "horizon_year"])
    f_lo = 1.0 + table.loc[(low, year), "implied_net_growth"]
    f_hi = 1.0 + table.loc[(high, year), "implied_net_growth"]
    return float(math.sqrt(f_hi / f_lo) - 1.0)
