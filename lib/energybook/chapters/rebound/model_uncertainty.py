"""Uncertainty: the vectorized Monte Carlo of data-centre electricity, its declared
distributions, and what it can and cannot say about backfire.

The point model is :mod:`model_growth`; this module draws around it. Design:

- every declared distribution has its median at the point value, so the Monte Carlo's
  central path (every input at its median) *is* the calibrated point model;
- inputs that are correlated are drawn together: one chip-progress factor scales every chip
  trend (efficiency and hardware cost per unit of service, in both segments), one ambition
  factor scales both segments' demand growth;
- the spread of net energy growth is the IEA's (``growth_spread``, from its 2035 cases), read
  once: ambition's own spread is what that leaves after chip progress and PUE.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.special import betainc, ndtri

from energybook.chapters.rebound.model import backfire_elasticity, rebound
from energybook.chapters.rebound.model_growth import (
    Segments,
    central_pue_ratio,
    cost_index,
    horizon_pue_distribution,
    horizon_pue_distribution_of,
    horizon_pue_median,
    is_scalar,
    it_electricity,
    point_path,
    published_growth,
    pue_ratio_path,
    segment_axis,
    segments_of,
)
from energybook.chapters.rebound.params import AMBITION_BREAK_YEAR, Params
from energybook.uncertainty import (
    PERT,
    Dist,
    Fixed,
    LogNormal,
    Uniform,
    fan,
    medians,
    probability,
    sample,
    summarize,
    tornado,
)

SPREAD_YEAR = 2035  # the year of the IEA's cases that calibrate growth_spread
Z95 = float(ndtri(0.95))  # the 95th percentile of a standard normal


def sigma_of(spread: float) -> float:
    """Log standard deviation of a factor whose 90% interval is ``÷/× (1 + spread)``."""
    return math.log1p(spread) / Z95


def elasticity_prior(mode: float, upper: float) -> Dist:
    """PERT(0, mode, max(upper, mode)); fixed at 0 if both are 0."""
    high = max(float(upper), float(mode))
    return PERT(0.0, float(mode), high) if high > 0.0 else Fixed(0.0)


# --------------------------------------------------------------------------- the model
def _draw_segments(
    P: Params, chip_progress, ambition, ai_energy_share, other_energy_share
) -> tuple[Segments, np.ndarray]:
    """The segments of one batch of draws (arrays ``(n, 2)``; the chip factor scales every
    chip growth factor) and the ambition factor per year (``(n, 1)``, both segments). The
    shares and the demand growth are not drawn: they stay ``(2,)`` and broadcast (the same
    numbers, without computing the demand growth's power once per draw)."""
    seg = segments_of(P)
    m = np.asarray(chip_progress, float)[..., None]
    a = np.asarray(ambition, float)[..., None]
    s = np.minimum(
        np.stack(
            [np.asarray(ai_energy_share, float), np.asarray(other_energy_share, float)], axis=-1
        ),
        0.999,
    )
    drawn = Segments(
        seg.share,
        (1.0 + seg.efficiency_growth) * m - 1.0,
        (1.0 + seg.hardware_cost_decline) * m - 1.0,
        s,
        seg.demand_growth,
    )
    return drawn, a


def energy_twh_at(
    t: float,
    P: Params,
    base_twh: float,
    elasticity,
    chip_progress,
    ambition,
    ai_energy_share,
    other_energy_share,
    pue_horizon,
    anchored: bool = True,
) -> np.ndarray:
    """Data-centre electricity (TWh) after ``t`` years for each draw (vectorized)."""
    seg, amb = _draw_segments(P, chip_progress, ambition, ai_energy_share, other_energy_share)
    years = P.horizon_year - P.base_year
    rho = pue_ratio_path(t, years, np.asarray(pue_horizon, float) / P.pue)[..., None]
    e = np.asarray(elasticity, float)[..., None]
    trend = None
    if anchored:
        s0 = segments_of(P)
        rho0 = pue_ratio_path(t, years, central_pue_ratio(P))[..., None]
        trend = {
            "cost": cost_index(
                t, s0.energy_share, s0.efficiency_growth, s0.hardware_cost_decline, rho0
            ),
            "elasticity": segment_axis(P.elasticity),
        }
    it = it_electricity(
        t,
        seg,
        e,
        rho,
        segment_axis(P.late_ambition_ratio),
        AMBITION_BREAK_YEAR - P.base_year,
        trend,
    ) * np.power(amb, t)
    return base_twh * (rho * it).sum(-1)


def chip_year(elasticity, chip_progress, ai_energy_share, *, P: Params) -> dict[str, np.ndarray]:
    """One year of the accelerated servers' chip progress for each draw (efficiency gain
    ``k``, hardware cost per FLOP falling by ``m``, from the base year): ``flip`` (the
    elasticity at which it backfires), ``rebound`` and ``backfire`` (1.0 where rebound >
    100 %), and the same for the energy credit alone (hardware cost unchanged):
    ``flip_energy_only``, ``rebound_energy_only``, ``backfire_energy_only``."""
    m = np.asarray(chip_progress, float)
    k = (1.0 + P.efficiency_growth) * m
    hw = (1.0 + P.hardware_cost_decline) * m
    s = np.minimum(np.asarray(ai_energy_share, float), 0.999)
    rb = np.asarray(rebound(k, elasticity, s, hw), float)
    rb_e = np.asarray(rebound(k, elasticity, s, 1.0), float)
    return {
        "flip": np.asarray(backfire_elasticity(k, s, hw), float),
        "rebound": rb,
        "backfire": (rb > 1.0).astype(float),
        "flip_energy_only": np.asarray(backfire_elasticity(k, s, 1.0), float),
        "rebound_energy_only": rb_e,
        "backfire_energy_only": (rb_e > 1.0).astype(float),
    }


def horizon_model(
    elasticity,
    chip_progress,
    ambition,
    ai_energy_share,
    other_energy_share,
    pue_horizon,
    *,
    P: Params,
    base_twh: float,
    anchored: bool,
) -> dict[str, np.ndarray]:
    """The vectorized model of the Monte Carlo (one keyword per uncertain input).

    Returns ``energy_twh`` (horizon year) and the outputs of :func:`chip_year`.
    """
    energy = energy_twh_at(
        P.horizon_year - P.base_year,
        P,
        base_twh,
        elasticity,
        chip_progress,
        ambition,
        ai_energy_share,
        other_energy_share,
        pue_horizon,
        anchored,
    )
    return {"energy_twh": energy, **chip_year(elasticity, chip_progress, ai_energy_share, P=P)}


# --------------------------------------------------------------------------- distributions
def chip_sensitivity(P: Params, base_twh: float, t: float) -> float:
    """d ln(energy after t years) / d ln(chip factor), per year, at the point values (the
    drawn elasticity at its point value): how much one chip-progress shock moves net growth.
    About elasticity - 1: a price response of 1 takes a faster chip's saving back."""
    lo, hi = (float(v) for v in _chip_shocks(P, base_twh, t))
    return _sensitivity_of(lo, hi, t)


_SHOCK = 1e-4  # the central difference's step in ln(chip factor)


def _chip_shocks(P: Any, base_twh: float, t: float) -> np.ndarray:
    """Energy after ``t`` years with the chip factor at exp(-d) and exp(d) (last axis), every
    other input at its point value: one call for one parameter set or a batch."""
    pue_median = (
        horizon_pue_distribution(P).median()
        if is_scalar(P.pue) and is_scalar(P.pue_best)
        else horizon_pue_median(P.pue_best, P.pue)
    )
    chip = np.array([math.exp(x) for x in (-_SHOCK, _SHOCK)])
    return energy_twh_at(
        t,
        P,
        base_twh,
        np.asarray(P.elasticity, float),
        chip,
        1.0,
        np.asarray(P.energy_share, float),
        np.asarray(P.other_energy_share, float),
        np.asarray(pue_median, float),
    )


def _sensitivity_of(lo: float, hi: float, t: float) -> float:
    return (math.log(hi) - math.log(lo)) / (2 * _SHOCK) / t


@lru_cache(maxsize=256)
def _pue_log_variance(pue_best: float, pue: float) -> float:
    """Var(ln(horizon PUE / base PUE)) under :func:`horizon_pue_distribution` (on a grid of
    2,000 quantiles): it depends on the two PUE parameters alone (memoised for sweeps)."""
    dist = horizon_pue_distribution_of(pue_best, pue)
    q = np.linspace(0.0005, 0.9995, 2000)
    return float(np.var(np.log(np.asarray(dist.ppf(q), float) / pue)))


def ambition_sigma(P: Params, base_twh: float) -> float:
    """Log standard deviation of the ambition factor per year: what the IEA-calibrated spread
    of net growth (``growth_spread``, over the years to :data:`SPREAD_YEAR`) leaves after chip
    progress and the PUE, ``sqrt(max(0, sigma_E^2 - (beta sigma_c)^2 - Var(ln PUE) / T^2))``."""
    T = _spread_years(P)
    return _ambition_sigma_at(P, chip_sensitivity(P, base_twh, T))


def _spread_years(P: Params) -> int:
    return max(SPREAD_YEAR - P.base_year, 1)


def _ambition_sigma_at(P: Params, beta: float) -> float:
    """:func:`ambition_sigma` given the chip sensitivity ``beta``."""
    T = _spread_years(P)
    var_pue = _pue_log_variance(P.pue_best, P.pue)
    left = sigma_of(P.growth_spread) ** 2 - (beta * sigma_of(P.chip_spread)) ** 2 - var_pue / T**2
    return math.sqrt(max(left, 0.0))


def declared_distributions(
    P: Params, base_twh: float, ambition_sigma_: float | None = None
) -> dict[str, Dist]:
    """The chapter's declared distributions: each has its median at the point value except
    the elasticity's, whose *mode* is the point elasticity (a PERT skewed towards
    ``elasticity_max`` has its median above its mode).

    - ``elasticity`` ~ PERT(0, ``elasticity``, ``elasticity_max``);
    - ``chip_progress``: a factor on every chip growth factor, LogNormal with median 1 and
      90% interval ÷/× (1 + ``chip_spread``);
    - ``ambition``: a factor on both demand growth factors, LogNormal with median 1 and the
      log spread :func:`ambition_sigma`;
    - ``ai_energy_share`` / ``other_energy_share``: LogNormal with median the point value and
      90% interval ÷/× 2;
    - ``pue_horizon``: :func:`model_growth.horizon_pue_distribution` (between the best fleet
      and today's average; its median is the central path).
    """
    return {
        "elasticity": elasticity_prior(P.elasticity, P.elasticity_max),
        "chip_progress": LogNormal(1.0, sigma_of(P.chip_spread)),
        "ambition": LogNormal(
            1.0, ambition_sigma(P, base_twh) if ambition_sigma_ is None else ambition_sigma_
        ),
        "ai_energy_share": LogNormal.from_median_factor(P.energy_share, 2.0),
        "other_energy_share": LogNormal.from_median_factor(P.other_energy_share, 2.0),
        "pue_horizon": horizon_pue_distribution(P),
    }


def check_years(P: Params) -> int:
    if P.horizon_year <= P.base_year:
        raise ValueError(f"horizon_year ({P.horizon_year}) must be after base_year ({P.base_year})")
    return P.horizon_year - P.base_year


def prepare(
    P: Params, base_twh: float, anchor: bool | None = None, dists: Mapping[str, Dist] | None = None
) -> dict[str, Any]:
    """The Monte Carlo's inputs: ``distributions``, ``anchored``, ``fixed`` (the keywords the
    model is called with) and ``draws`` (``P.n_draws`` seeded draws of every input)."""
    check_years(P)
    anchored = P.anchor_demand if anchor is None else bool(anchor)
    dists = declared_distributions(P, base_twh) if dists is None else dict(dists)
    fixed = {"P": P, "base_twh": base_twh, "anchored": anchored}
    return {
        "distributions": dists,
        "anchored": anchored,
        "fixed": fixed,
        "draws": sample(dists, P.n_draws, P.seed),
    }


def horizon_energy(prepared: Mapping[str, Any]) -> np.ndarray:
    """Horizon-year data-centre electricity (TWh) of every draw of :func:`prepare`: the
    ``energy_twh`` output of :func:`horizon_model`, alone (all the headlines need)."""
    fixed = prepared["fixed"]
    P: Params = fixed["P"]
    return np.asarray(
        energy_twh_at(
            P.horizon_year - P.base_year,
            P,
            fixed["base_twh"],
            anchored=fixed["anchored"],
            **prepared["draws"],
        ),
        dtype=float,
    )


def simulate(
    P: Params,
    base_twh: float,
    anchor: bool | None = None,
    dists: Mapping[str, Dist] | None = None,
    *,
    prepared: Mapping[str, Any] | None = None,
    energy: np.ndarray | None = None,
) -> dict[str, Any]:
    """The Monte Carlo: ``samples`` (draws and outputs), ``energy`` (summary of horizon
    energy: median, p05, p95, mean; TWh), ``distributions``, ``anchored``, ``fixed`` (the
    keywords the model was called with). ``prepared`` (from :func:`prepare` with the same
    arguments) and ``energy`` (its :func:`horizon_energy`) reuse work already done; the
    result is the same either way: ``monte_carlo(horizon_model, ...)`` on the same draws."""
    prep = prepare(P, base_twh, anchor, dists) if prepared is None else prepared
    draws = prep["draws"]
    e = horizon_energy(prep) if energy is None else np.asarray(energy, dtype=float)
    res = {
        **draws,
        "energy_twh": e,
        **chip_year(draws["elasticity"], draws["chip_progress"], draws["ai_energy_share"], P=P),
    }
    return {
        "samples": res,
        "energy": summarize(res["energy_twh"]),
        "distributions": prep["distributions"],
        "anchored": prep["anchored"],
        "fixed": prep["fixed"],
    }


# --------------------------------------------------------------------------- batches
# A sweep evaluates the Monte Carlo at many parameter sets. Those that share every field
# that is not a float (years, scope, draws, seed, anchoring) form a batch: one parameter
# object whose float fields are columns (shape (G, 1)), the draws stacked (G, n), and one
# call of the same vectorized functions. Every operation is elementwise, so each row is
# computed exactly as the point model computes it alone (tested bit for bit).

INPUTS = (
    "elasticity",
    "chip_progress",
    "ambition",
    "ai_energy_share",
    "other_energy_share",
    "pue_horizon",
)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def batch_key(P: Params) -> tuple[Any, ...]:
    """What parameter sets of one batch share: every field that is not a float."""
    values = ((name, getattr(P, name)) for name in _field_names(type(P)))
    return tuple((name, v) for name, v in values if type(v) is not float)


def batch_params(Ps: Sequence[Params]) -> Any:
    """One parameter object for parameter sets of one :func:`batch_key`: each float field a
    column of shape ``(G, 1)``, the other fields as they are. Raises ``ValueError`` when the
    sets do not share their other fields."""
    if not Ps:
        raise ValueError("a batch needs at least one parameter set")
    key = batch_key(Ps[0])
    if any(batch_key(P) != key for P in Ps[1:]):
        raise ValueError("a batch's parameter sets must share every field that is not a float")
    fields: dict[str, Any] = dict(key)
    for name in _field_names(type(Ps[0])):
        if name not in fields:
            fields[name] = np.array([getattr(P, name) for P in Ps], dtype=float)[:, None]
    return SimpleNamespace(**fields)


def prepare_batch(Ps: Sequence[Params], base_twh: float, PB: Any = None) -> list[dict[str, Any]]:
    """:func:`prepare` (default anchoring and distributions) of every parameter set of one
    batch (``PB``: their :func:`batch_params`, if made already); the chip sensitivities
    behind the ambition spreads in one call."""
    PB = batch_params(Ps) if PB is None else PB
    T = _spread_years(Ps[0])
    shocks = _chip_shocks(PB, base_twh, T)
    out = []
    for P, (lo, hi) in zip(Ps, shocks, strict=True):
        check_years(P)
        sigma = _ambition_sigma_at(P, _sensitivity_of(float(lo), float(hi), T))
        dists = declared_distributions(P, base_twh, sigma)
        out.append(
            {
                "distributions": dists,
                "anchored": P.anchor_demand,
                "fixed": {"P": P, "base_twh": base_twh, "anchored": P.anchor_demand},
                "draws": sample(dists, P.n_draws, P.seed),
            }
        )
    return out


def horizon_energy_batch(
    Ps: Sequence[Params],
    base_twh: float,
    prepared: Sequence[Mapping[str, Any]],
    PB: Any = None,
) -> np.ndarray:
    """:func:`horizon_energy` of every parameter set of one batch: shape ``(G, n_draws)``."""
    PB = batch_params(Ps) if PB is None else PB
    draws = {name: np.stack([p["draws"][name] for p in prepared]) for name in INPUTS}
    return np.asarray(
        energy_twh_at(
            PB.horizon_year - PB.base_year, PB, base_twh, anchored=PB.anchor_demand, **draws
        ),
        dtype=float,
    )


def central_twh(mc: Mapping[str, Any]) -> float:
    """The Monte Carlo's central path at the horizon: every input at its median."""
    dists = mc["distributions"]
    kwargs: dict[str, Any] = {k: np.array([v]) for k, v in medians(dists).items()}
    return float(horizon_model(**kwargs, **mc["fixed"])["energy_twh"][0])


def backfire_summary(mc: Mapping[str, Any]) -> dict[str, float]:
    """Backfire among the draws in which chips improve (efficiency gain above 1; rebound is
    undefined in the others): ``p_chip_progress``, ``p_backfire``, ``p_backfire_energy_only``,
    ``rebound_median``, and the flip elasticities at the inputs' medians."""
    res = mc["samples"]
    P: Params = mc["fixed"]["P"]
    k = (1.0 + P.efficiency_growth) * np.asarray(res["chip_progress"])
    progress = k > 1.0

    def given(flags):
        return probability(np.asarray(flags)[progress] > 0.5) if progress.any() else math.nan

    rb = np.asarray(res["rebound"])
    return {
        "p_chip_progress": probability(progress),
        "p_backfire": given(res["backfire"]),
        "p_backfire_energy_only": given(res["backfire_energy_only"]),
        "rebound_median": float(np.median(rb[np.isfinite(rb)])) if progress.any() else math.nan,
        **flip_elasticities(P, mc["distributions"]),
    }


def flip_elasticities(P: Params, dists: Mapping[str, Dist]) -> dict[str, float]:
    """The flip elasticities of a year of the accelerated servers' chip progress at the
    inputs' medians (no draws needed): ``flip_elasticity`` (energy and hardware cost per FLOP
    falling) and ``flip_elasticity_energy_only`` (hardware cost unchanged)."""
    chip = dists["chip_progress"].median()
    share = dists["ai_energy_share"].median()
    k_m = (1.0 + P.efficiency_growth) * chip
    hw_m = (1.0 + P.hardware_cost_decline) * chip
    return {
        "flip_elasticity": float(backfire_elasticity(k_m, share, hw_m)),
        "flip_elasticity_energy_only": float(backfire_elasticity(k_m, share, 1.0)),
    }


def prior_mass_above(threshold: ArrayLike, mode: ArrayLike, upper: float) -> np.ndarray:
    """P(elasticity > threshold) under the PERT(0, mode, max(upper, mode)) prior
    (vectorized over thresholds and modes)."""
    x = np.asarray(threshold, float)
    mode = np.asarray(mode, float)
    high = np.maximum(upper, mode)
    safe = np.where(high > 0, high, 1.0)
    lamb = 4.0
    a = 1.0 + lamb * mode / safe
    b = 1.0 + lamb * (high - mode) / safe
    frac = np.clip(x / safe, 0.0, 1.0)
    out = 1.0 - betainc(a, b, frac)
    return np.where(high > 0, out, (x < 0).astype(float))


def backfire_curve(mc: Mapping[str, Any], modes: ArrayLike) -> pd.DataFrame:
    """P(a year's chip progress backfires) as the prior's mode moves, the other draws as they
    are: for each mode, the mean over draws of P(elasticity > the draw's flip elasticity).
    Columns ``mode``, ``p_backfire`` (fraction) and ``p_prior_above_flip``: the prior's mass
    above the flip elasticity at the inputs' medians (the curve is close to it: the
    probability is the prior's, restated)."""
    res = mc["samples"]
    P: Params = mc["fixed"]["P"]
    flips = np.asarray(res["flip"])
    k = (1.0 + P.efficiency_growth) * np.asarray(res["chip_progress"])
    flips = flips[k > 1.0]
    m = np.asarray(modes, float)
    rng = np.random.default_rng(P.seed)
    sub = flips if flips.size <= 5000 else rng.choice(flips, 5000, replace=False)
    p = prior_mass_above(sub[None, :], m[:, None], P.elasticity_max).mean(axis=1)
    flip_med = backfire_summary(mc)["flip_elasticity"]
    return pd.DataFrame(
        {
            "mode": m,
            "p_backfire": p,
            "p_prior_above_flip": prior_mass_above(flip_med, m, P.elasticity_max),
        }
    )


def fan_table(mc: Mapping[str, Any], end_year: int, start_year: int | None = None) -> pd.DataFrame:
    """Quantiles of data-centre electricity by year, ``start_year`` (default: the base year)
    to ``end_year``, from the same draws (columns ``year, p05, p25, p50, p75, p95, mean``).
    Each year's quantiles are those of that year's draws alone, so a shorter table holds
    the same quantiles for its years."""
    res = mc["samples"]
    fixed = mc["fixed"]
    P: Params = fixed["P"]
    names = (
        "elasticity",
        "chip_progress",
        "ambition",
        "ai_energy_share",
        "other_energy_share",
        "pue_horizon",
    )
    draws = {n: res[n] for n in names}
    years = np.arange(P.base_year if start_year is None else start_year, end_year + 1)
    paths = np.stack(
        [
            energy_twh_at(
                float(y - P.base_year), P, fixed["base_twh"], anchored=fixed["anchored"], **draws
            )
            for y in years
        ],
        axis=1,
    )
    return fan(years.tolist(), paths)


def sensitivity(mc: Mapping[str, Any]) -> pd.DataFrame:
    """One-at-a-time swings of horizon energy (see :func:`energybook.uncertainty.tornado`)."""
    return tornado(horizon_model, mc["distributions"], fixed=mc["fixed"], output="energy_twh")


def uniform_elasticity_interval(
    P: Params, base_twh: float, low: float = 0.0, high: float = 2.0
) -> dict[str, float]:
    """The horizon-year interval under the rejected choice: elasticity ~ Uniform(``low``,
    ``high``) acting on the whole price response (unanchored), other inputs as declared.
    Returns summarize() of horizon energy (TWh) plus ``ratio`` (95th over 5th percentile)."""
    dists = declared_distributions(P, base_twh)
    dists["elasticity"] = Uniform(float(low), float(high))
    e: dict[str, float] = dict(simulate(P, base_twh, anchor=False, dists=dists)["energy"])
    e["ratio"] = e["p95"] / e["p05"]
    return {k: float(v) for k, v in e.items()}


def elasticity_sweep(elasticities: ArrayLike, P: Params, base_twh: float) -> pd.DataFrame:
    """Horizon energy (point model, the elasticity acting on the whole price response) and
    the rebound of a year of the accelerated servers' chip progress against elasticity.
    Columns: ``elasticity``, ``energy_twh``, ``rebound``, ``backfire``."""
    e = np.asarray(elasticities, float)
    years = P.horizon_year - P.base_year
    energy = [
        float(
            point_path(P.__class__(**{**P.as_dict(), "elasticity": float(x)}), base_twh, years)[
                "facility_twh"
            ]
        )
        for x in e
    ]
    rb = rebound(1.0 + P.efficiency_growth, e, P.energy_share, 1.0 + P.hardware_cost_decline)
    return pd.DataFrame(
        {"elasticity": e, "energy_twh": energy, "rebound": rb, "backfire": np.asarray(rb) > 1.0}
    )


def iea_case_spread(
    dc_electricity: pd.DataFrame,
    year: int = SPREAD_YEAR,
    scope: str = "World",
    low: str = "IEA Headwinds",
    high: str = "IEA Lift-Off",
) -> float:
    """The IEA's own range of cases read as a 90% interval of the yearly growth factor: the
    geometric half-range ``sqrt(f_high / f_low) - 1`` of the net growth per year to the
    ``low`` and ``high`` cases. The IEA presents its cases as sensitivities, not as
    probabilities: this calibrates a spread, it does not claim the IEA's beliefs."""
    f_lo = 1.0 + published_growth(dc_electricity, scope, low, year)["net_growth"]
    f_hi = 1.0 + published_growth(dc_electricity, scope, high, year)["net_growth"]
    return float(math.sqrt(f_hi / f_lo) - 1.0)


def iea_case_range(
    dc_electricity: pd.DataFrame, year: int = SPREAD_YEAR, scope: str = "World"
) -> tuple[float, float]:
    """The lowest and highest IEA projection for ``year`` (TWh)."""
    d = dc_electricity[
        (dc_electricity["scope"] == scope)
        & (dc_electricity["year"] == year)
        & (dc_electricity["tier"] == "projected")
        & dc_electricity["case"].str.startswith("IEA")
    ]
    return float(d["energy_twh"].min()), float(d["energy_twh"].max())
