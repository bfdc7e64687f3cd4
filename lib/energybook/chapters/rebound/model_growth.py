"""Ambition as growth: trends, the segmented demand model, its calibration to the IEA Base
Case, the published forecasts restated in its terms, and an exact (LMDI) decomposition of the
change in energy.

Pure functions over floats, numpy arrays and the ``growth_trends``, ``dc_electricity`` and
``dc_segments`` tables.

The demand model
----------------
Data-centre electricity is split into segments (accelerated AI servers, and everything else:
conventional servers, storage, networking), each with its own share of the base year's IT
electricity ``w``, efficiency growth ``f`` (service per joule), fall of hardware cost per unit
of service ``h``, base-year energy share of that cost ``s`` and exogenous demand growth
("ambition") ``a``. After ``t`` years, with ``rho`` the PUE over its base-year value::

    cost index      C = (1 - s) (1 + h)^-t + s rho (1 + f)^-t      (1 in the base year)
    energy share    s_t = s rho (1 + f)^-t / C                     (drifts with the trends)
    demand          A C^-e                                         (constant elasticity e)
    IT electricity  w A C^-e / (1 + f)^t
    facility        E_0 rho sum over segments of the IT electricity

Ambition ``A`` grows at ``a`` a year up to the break year and at ``(1 + a)^lambda - 1`` after it
(``lambda``: ``late_ambition_ratio``). Everything broadcasts: per-segment inputs have the
segment axis last.

References
----------
- Ang, B. W. (2005). The LMDI approach to decomposition analysis: a practical guide.
  *Energy Policy*, 33(7), 867-871. https://doi.org/10.1016/j.enpol.2003.10.010
  (additive log-mean Divisia index, exact: no residual; here for a sum over segments).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from energybook.chapters.rebound.params import AMBITION_BREAK_YEAR, Params
from energybook.decompose import lmdi, log_mean, total_change
from energybook.uncertainty import Triangular

SEGMENTS = ("ai", "other")

# =========================================================================== trends


def annual_factor(
    measure: str, value: float, start_year: int | None = None, end_year: int | None = None
) -> float:
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
        return [
            annual_factor(m, v, a, b) if pd.notna(v) else np.nan
            for m, v, a, b in zip(
                df["measure"], df[col], df["start_year"], df["end_year"], strict=True
            )
        ]

    df["factor_per_year"] = conv("value")
    lo, hi = conv("value_low"), conv("value_high")
    # a longer doubling time is a slower growth: keep low <= high
    df["factor_per_year_low"] = np.fmin(lo, hi)
    df["factor_per_year_high"] = np.fmax(lo, hi)
    df["rate_per_year"] = df["factor_per_year"] - 1.0
    return df


def conventional_efficiency_growth(trends: pd.DataFrame) -> float:
    """Growth per year of compute instances delivered per joule of IT electricity, 2010-2018
    (Masanet et al. 2020): instances over (electricity / PUE), per year. Measured on
    conventional computing before the AI build-out; it includes virtualisation and
    consolidation as well as better chips."""
    t = growth_table(trends).set_index("metric")["factor_per_year"]
    per_it_joule = t["compute_instances_2010_2018"] / (
        t["dc_electricity_2010_2018"] / t["pue_2010_2018"]
    )
    return float(per_it_joule) - 1.0


# =========================================================================== base year


def estimate_years(dc_electricity: pd.DataFrame, scope: str) -> list[int]:
    """The years with a data-centre estimate for ``scope``."""
    d = dc_electricity
    return sorted(
        {int(y) for y in d.loc[(d["scope"] == scope) & (d["tier"] == "estimated"), "year"]}
    )


def base_energy_twh(dc_electricity: pd.DataFrame, scope: str, base_year: int) -> float:
    """The estimated data-centre electricity of ``scope`` in ``base_year`` (one row)."""
    d = dc_electricity[
        (dc_electricity["scope"] == scope)
        & (dc_electricity["year"] == base_year)
        & (dc_electricity["tier"] == "estimated")
    ]
    if d.empty:
        raise ValueError(
            f"no estimate for {scope!r} in {base_year}; estimates exist for "
            f"{estimate_years(dc_electricity, scope)}"
        )
    return float(d.sort_values("source_year").iloc[-1]["energy_twh"])


def segment_figure(dc_segments: pd.DataFrame, segment: str, quantity: str) -> float:
    """One figure of the ``dc_segments`` table."""
    d = dc_segments[(dc_segments["segment"] == segment) & (dc_segments["quantity"] == quantity)]
    if len(d) != 1:
        raise ValueError(f"dc_segments has no single {quantity!r} for {segment!r}")
    return float(d["value"].iloc[0])


# =========================================================================== the model


class Segments(NamedTuple):
    """Per-segment inputs, each an array with the segment axis last (order: SEGMENTS)."""

    share: np.ndarray  # of base-year IT electricity
    efficiency_growth: np.ndarray
    hardware_cost_decline: np.ndarray
    energy_share: np.ndarray  # base-year energy share of cost
    demand_growth: np.ndarray  # ambition before the break year


def segments_of(P: Params, demand_growth: ArrayLike | None = None) -> Segments:
    """The chapter's two segments from its parameters. The accelerated servers' share of IT
    electricity is their share of all electricity times the base-year PUE (the overhead is
    applied to both segments alike)."""
    w_ai = P.ai_share * P.pue
    a = (
        _pair(P.demand_growth, P.other_demand_growth)
        if demand_growth is None
        else np.asarray(demand_growth, float)
    )
    return Segments(
        _pair(w_ai, 1.0 - w_ai),
        _pair(P.efficiency_growth, P.other_efficiency_growth),
        _pair(P.hardware_cost_decline, P.other_hardware_cost_decline),
        _pair(P.energy_share, P.other_energy_share),
        a,
    )


def is_scalar(x: ArrayLike) -> bool:
    """``np.ndim(x) == 0``, without its cost (a conversion to an array, about 2 us) for a
    plain number, which is what one parameter set holds: the models check this on every
    evaluation."""
    return isinstance(x, (int, float)) or np.ndim(x) == 0


def _pair(ai: ArrayLike, other: ArrayLike) -> np.ndarray:
    """The two segments' values with the segment axis last: ``(2,)`` for two numbers, and
    for arrays (a batch of parameter sets, as in :func:`model_uncertainty.batch_params`)
    their broadcast shape plus the segment axis."""
    if is_scalar(ai) and is_scalar(other):
        return np.array([ai, other], dtype=float)
    return np.stack(np.broadcast_arrays(np.asarray(ai, float), np.asarray(other, float)), -1)


def horizon_pue_distribution(P: Params) -> Triangular:
    """The horizon-year PUE: between today's best fleet and today's average, most likely at
    today's average (no rise above it). Its median is the *central* PUE path: the same path
    calibrates ambition and centres the Monte Carlo."""
    return horizon_pue_distribution_of(P.pue_best, P.pue)


def horizon_pue_distribution_of(pue_best: float, pue: float) -> Triangular:
    """:func:`horizon_pue_distribution` from the two PUE parameters alone."""
    return Triangular(min(pue_best, pue), pue, pue)


def horizon_pue_median(pue_best: ArrayLike, pue: ArrayLike) -> np.ndarray:
    """The median of :func:`horizon_pue_distribution`, elementwise over arrays of the two
    parameters: the triangular's ``low + sqrt(0.5 (high - low) (mode - low))`` with its mode
    at its high end (the same arithmetic as ``Triangular.ppf(0.5)``, bit for bit)."""
    b = np.asarray(pue, float)
    a = np.minimum(np.asarray(pue_best, float), b)
    q = np.asarray(0.5)
    return np.where(b == a, a, a + np.sqrt(q * (b - a) * (b - a)))


def central_pue_ratio(P: Params) -> float:
    """Median horizon-year PUE over base-year PUE (an array for a batch of parameter
    sets)."""
    if is_scalar(P.pue) and is_scalar(P.pue_best):
        return horizon_pue_distribution(P).median() / P.pue
    return horizon_pue_median(P.pue_best, P.pue) / P.pue  # type: ignore[return-value]


def pue_ratio_path(t: ArrayLike, years: float, horizon_ratio: ArrayLike) -> np.ndarray:
    """PUE over its base-year value after ``t`` years: linear to ``horizon_ratio`` at the
    horizon (``years``), flat after it."""
    frac = np.minimum(np.asarray(t, float) / max(float(years), 1.0), 1.0)
    return 1.0 + (np.asarray(horizon_ratio, float) - 1.0) * frac


def ambition_years(t: ArrayLike, break_t: float, late_ratio: ArrayLike) -> np.ndarray:
    """Years of ambition growth at the early rate after ``t`` years: the years up to the break,
    plus ``late_ratio`` x the years after it (log growth rates scale by ``late_ratio``)."""
    t = np.asarray(t, float)
    early = np.clip(t, 0.0, max(break_t, 0.0))
    return early + np.asarray(late_ratio, float) * (t - early)


def cost_index(t, energy_share, efficiency_growth, hardware_cost_decline, pue_ratio=1.0):
    """Cost per unit of service after ``t`` years over its base-year value:
    ``(1 - s)(1 + h)^-t + s rho (1 + f)^-t``."""
    t = np.asarray(t, float)
    s = np.asarray(energy_share, float)
    return (1.0 - s) * np.power(
        1.0 + np.asarray(hardware_cost_decline, float), -t
    ) + s * np.asarray(pue_ratio, float) * np.power(1.0 + np.asarray(efficiency_growth, float), -t)


def energy_share_path(t, energy_share, efficiency_growth, hardware_cost_decline, pue_ratio=1.0):
    """Energy's share of the cost after ``t`` years: it follows from the two trends (it rises
    when hardware cost falls faster than energy cost per unit of service)."""
    t = np.asarray(t, float)
    energy = (
        np.asarray(energy_share, float)
        * np.asarray(pue_ratio, float)
        * np.power(1.0 + np.asarray(efficiency_growth, float), -t)
    )
    return energy / cost_index(t, energy_share, efficiency_growth, hardware_cost_decline, pue_ratio)


def price_response(cost, elasticity, trend_cost=None, trend_elasticity=None):
    """Demand from the fall in cost, ``C^-e``; *anchored* (``trend_cost`` given): the trend
    elasticity acts on the trend cost and the drawn one on the departure from it,
    ``C0^-e0 (C / C0)^-e``."""
    cost = np.asarray(cost, float)
    e = np.asarray(elasticity, float)
    if trend_cost is None:
        return np.power(cost, -e)
    c0 = np.asarray(trend_cost, float)
    return np.power(c0, -np.asarray(trend_elasticity, float)) * np.power(cost / c0, -e)


def it_electricity(
    t,
    seg: Segments,
    elasticity,
    pue_ratio=1.0,
    late_ratio=1.0,
    break_t: float = math.inf,
    trend: Mapping[str, ArrayLike] | None = None,
):
    """IT electricity of each segment after ``t`` years, as a share of the base year's total
    IT electricity (segment axis last). ``trend`` (keys ``cost`` and ``elasticity``) selects
    the anchored price response."""
    t = np.asarray(t, float)
    c = cost_index(t, seg.energy_share, seg.efficiency_growth, seg.hardware_cost_decline, pue_ratio)
    q = price_response(
        c,
        elasticity,
        None if trend is None else trend["cost"],
        None if trend is None else trend["elasticity"],
    )
    amb = np.power(1.0 + seg.demand_growth, ambition_years(t, break_t, late_ratio))
    return seg.share * amb * q / np.power(1.0 + seg.efficiency_growth, t)


def point_path(
    P: Params,
    base_twh: float,
    t: ArrayLike,
    seg: Segments | None = None,
    late_ratio: float | None = None,
) -> dict[str, np.ndarray]:
    """The point model after ``t`` years (an array): ``facility_twh`` (total), ``it_share``
    (per segment, as a share of base IT), ``segment_twh`` (per segment, overhead included),
    ``energy_share`` (per segment), ``pue_ratio``."""
    seg = segments_of(P) if seg is None else seg
    lam = P.late_ambition_ratio if late_ratio is None else late_ratio
    years = P.horizon_year - P.base_year
    tt = np.asarray(t, float)[..., None]
    rho = pue_ratio_path(tt, years, segment_axis(central_pue_ratio(P)))
    it = it_electricity(
        tt,
        seg,
        segment_axis(P.elasticity),
        rho,
        segment_axis(lam),
        AMBITION_BREAK_YEAR - P.base_year,
    )
    seg_twh = base_twh * rho * it
    return {
        "facility_twh": seg_twh.sum(-1),
        "segment_twh": seg_twh,
        "it_share": it,
        "energy_share": energy_share_path(
            tt, seg.energy_share, seg.efficiency_growth, seg.hardware_cost_decline, rho
        ),
        "pue_ratio": rho[..., 0],
    }


def horizon_twh(P: Params, base_twh: float) -> float:
    """Horizon-year data-centre electricity of the point model (TWh)."""
    return float(point_path(P, base_twh, P.horizon_year - P.base_year)["facility_twh"])


def horizon_twh_batch(PB: Any, base_twh: float) -> np.ndarray:
    """:func:`horizon_twh` of many parameter sets at once: ``PB``'s float fields are arrays of
    shape ``(G,)`` (or numbers, shared), its other fields shared; returns ``(G,)``, each
    value, bit for bit, what :func:`horizon_twh` gives that set alone (tested): the same
    :func:`point_path`, whose parameters carry a segment axis, so that a batch of them
    broadcasts as one set does."""
    return np.asarray(point_path(PB, base_twh, PB.horizon_year - PB.base_year)["facility_twh"])


def segment_axis(x: ArrayLike) -> np.ndarray:
    """A parameter with a (length-1) segment axis added, so that it broadcasts against
    per-segment arrays both for one parameter set and for a batch of them."""
    return np.asarray(x, float)[..., None]


# =========================================================================== calibration


class Calibration(NamedTuple):
    demand_growth: float  # accelerated servers
    other_demand_growth: float
    late_ambition_ratio: float


def calibrate(
    P: Params,
    base_twh: float,
    ai_growth: float,
    target_twh: float,
    late_target_twh: float,
    late_year: int,
) -> Calibration:
    """Ambition that makes the point model, with the other parameters as they are, reproduce

    - the accelerated servers' own electricity growing ``ai_growth`` a year to the break year
      (the IEA Base Case: 30 % a year to 2030),
    - total data-centre electricity of ``target_twh`` in the break year (945 TWh in 2030),
    - ``late_target_twh`` in ``late_year`` (1,200 TWh in 2035), through the late ambition.

    The central PUE path is the one the Monte Carlo is centred on. Raises ``ValueError`` if
    the targets cannot be met (the accelerated servers alone above the total)."""
    T = AMBITION_BREAK_YEAR - P.base_year
    if T <= 0 or late_year <= AMBITION_BREAK_YEAR:
        raise ValueError(f"calibration needs base_year < {AMBITION_BREAK_YEAR} < late_year")
    seg0 = segments_of(P, np.zeros(2))
    years = P.horizon_year - P.base_year
    rho = pue_ratio_path(T, years, central_pue_ratio(P))
    # at zero ambition; ambition multiplies each segment by (1 + a)^T before the break
    unit = it_electricity(T, seg0, P.elasticity, rho, 1.0, T)
    a_ai = (1.0 + ai_growth) * (seg0.share[0] / unit[0]) ** (1.0 / T) - 1.0
    ai_it = seg0.share[0] * (1.0 + ai_growth) ** T
    other_it = target_twh / (base_twh * rho) - ai_it
    if other_it <= 0:
        raise ValueError(
            f"the accelerated servers alone exceed {target_twh:.0f} TWh in {AMBITION_BREAK_YEAR}"
        )
    a_other = (other_it / unit[1]) ** (1.0 / T) - 1.0
    seg = segments_of(P, [a_ai, a_other])

    def gap(lam: float) -> float:
        tl = late_year - P.base_year
        r = pue_ratio_path(tl, years, central_pue_ratio(P))
        it = it_electricity(tl, seg, P.elasticity, r, lam, T)
        return math.log(float(base_twh * r * it.sum())) - math.log(late_target_twh)

    lo, hi = -5.0, 5.0
    if gap(lo) > 0 or gap(hi) < 0:
        raise ValueError(f"no late ambition reaches {late_target_twh:.0f} TWh in {late_year}")
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
    return Calibration(float(a_ai), float(a_other), 0.5 * (lo + hi))


# =========================================================================== decomposition


def price_channels(cost_end, energy_start, energy_end, elasticity):
    """Split the price response ``C_T^-e`` into an energy-cost channel and a hardware-cost
    channel, exactly: ``ln C_T = (dE + dH) / L(C_T, 1)`` with ``dE`` the change of the energy
    part of the cost index and ``dH`` that of the hardware part; the energy channel is
    ``exp(-e dE / L)``, the hardware channel ``exp(-e dH / L)``. Their product is the whole
    price response. Returns ``(energy, hardware)`` factors."""
    c = np.asarray(cost_end, float)
    d_energy = np.asarray(energy_end, float) - np.asarray(energy_start, float)
    d_hw = (c - 1.0) - d_energy
    lm = log_mean(c, np.ones_like(c))
    e = np.asarray(elasticity, float)
    return np.exp(-e * d_energy / lm), np.exp(-e * d_hw / lm)


DRIVERS = ("ambition", "energy_price", "hardware_price", "efficiency", "pue")


def decomposition(P: Params, base_twh: float, years: float | None = None) -> pd.DataFrame:
    """Exact LMDI decomposition of the change in data-centre electricity from the base year to
    the horizon (point model, central PUE path) into the drivers of :data:`DRIVERS`:
    ambition (exogenous demand), the price response to cheaper energy per unit of service
    (the energy-cost rebound), the price response to cheaper hardware per unit of service (not
    an energy rebound: the counterfactual is the same chips at the old hardware cost),
    efficiency and PUE (LMDI-I, :func:`energybook.decompose.lmdi`). Columns ``driver``,
    ``contribution``, ``share`` (of the total change) and one ``<segment>_twh`` column per
    segment; contributions in TWh, summing exactly to the total change."""
    T = P.horizon_year - P.base_year if years is None else float(years)
    seg = segments_of(P)
    rho = float(pue_ratio_path(T, P.horizon_year - P.base_year, central_pue_ratio(P)))
    c = cost_index(T, seg.energy_share, seg.efficiency_growth, seg.hardware_cost_decline, rho)
    e_end = seg.energy_share * rho * np.power(1.0 + seg.efficiency_growth, -T)
    q_energy, q_hw = price_channels(c, seg.energy_share, e_end, P.elasticity)
    amb = np.power(
        1.0 + seg.demand_growth,
        ambition_years(T, AMBITION_BREAK_YEAR - P.base_year, P.late_ambition_ratio),
    )
    ones = np.ones(len(SEGMENTS))
    start = {
        "ambition": ones,
        "energy_price": ones,
        "hardware_price": ones,
        "efficiency": ones,
        "pue": ones,
        "base": base_twh * seg.share,
    }
    end = {
        "ambition": amb,
        "energy_price": q_energy,
        "hardware_price": q_hw,
        "efficiency": np.power(1.0 + seg.efficiency_growth, -T),
        "pue": rho * ones,
        "base": base_twh * seg.share,
    }
    contrib = lmdi(start, end)
    total = total_change(start, end)
    values = np.array([contrib[d] for d in DRIVERS])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = values / total if total != 0 else np.full_like(values, np.nan)
    out = pd.DataFrame({"driver": list(DRIVERS), "contribution": values, "share": share})
    for i, name in enumerate(SEGMENTS):  # the same decomposition, segment by segment
        one = lmdi({k: v[i] for k, v in start.items()}, {k: v[i] for k, v in end.items()})
        out[f"{name}_twh"] = [one[d] for d in DRIVERS]
    return out


def energy_channel_orderings(P: Params, base_twh: float) -> pd.DataFrame:
    """The energy-cost channel of the price response at the horizon (point model, central
    PUE path) under each way of ordering the two falls in cost, per segment (TWh):

    - ``energy_first``: the energy part of the cost falls first, hardware still at its old
      cost (counterfactual: no chip progress at all);
    - ``energy_last``: the energy part falls last, against the counterfactual of the same
      year's new hardware cost at the old energy cost;
    - ``shapley``: the average of the two (the Shapley value of two factors);
    - ``proportional``: ``E - E / q_energy`` with ``q_energy`` the LMDI channel factor of
      :func:`price_channels` (a convention: ln C split in proportion to each part's fall).

    Also ``price_twh``: the whole price response ``X (C_T^-e - 1)``, so that each ordering's
    hardware channel is ``price_twh`` minus its energy channel. ``X`` is the segment's
    horizon energy before any price response. Rows: segments (``segment``)."""
    T = P.horizon_year - P.base_year
    seg = segments_of(P)
    rho = float(pue_ratio_path(T, T, central_pue_ratio(P)))
    e = P.elasticity
    hw_end = (1.0 - seg.energy_share) * np.power(1.0 + seg.hardware_cost_decline, -T)
    en_end = seg.energy_share * rho * np.power(1.0 + seg.efficiency_growth, -T)
    amb = np.power(
        1.0 + seg.demand_growth,
        ambition_years(T, AMBITION_BREAK_YEAR - P.base_year, P.late_ambition_ratio),
    )
    x = base_twh * seg.share * amb * np.power(1.0 + seg.efficiency_growth, -T) * rho
    c_end = hw_end + en_end
    first = x * (np.power(1.0 - seg.energy_share + en_end, -e) - 1.0)
    last = x * (np.power(c_end, -e) - np.power(hw_end + seg.energy_share, -e))
    q_energy, _ = price_channels(c_end, seg.energy_share, en_end, e)
    energy_now = x * np.power(c_end, -e)
    return pd.DataFrame(
        {
            "segment": list(SEGMENTS),
            "energy_first": first,
            "energy_last": last,
            "shapley": 0.5 * (first + last),
            "proportional": energy_now - energy_now / q_energy,
            "price_twh": x * (np.power(c_end, -e) - 1.0),
        }
    )


# =========================================================================== hold flat


def efficiency_growth_to_hold_flat(P: Params, base_twh: float) -> float:
    """The efficiency growth per year, the same in both segments, that would hold data-centre
    electricity at its base-year level by the horizon (ambition, hardware cost and elasticity
    as they are). Energy first rises then falls in efficiency when the price response is
    strong, so the answer is the efficiency beyond which energy stays at or below flat:
    ``0.0`` if it never rises above, ``inf`` if no efficiency can hold it."""
    T = P.horizon_year - P.base_year
    seg = segments_of(P)

    def excess(f: ArrayLike) -> np.ndarray:
        f = np.asarray(f, float)[..., None]
        s = seg._replace(efficiency_growth=np.broadcast_to(f, f.shape[:-1] + (len(SEGMENTS),)))
        return point_path(P, base_twh, T, seg=s)["facility_twh"] / base_twh - 1.0

    grid = np.concatenate([[0.0], np.geomspace(1e-3, 1e4, 400)])
    above = excess(grid) > 0.0
    if not above.any():
        return 0.0
    last = int(np.nonzero(above)[0][-1])
    if last == len(grid) - 1:
        return math.inf
    lo, hi = float(grid[last]), float(grid[last + 1])
    for _ in range(4):  # refine the bracket: each pass shrinks it 256-fold
        fine = np.linspace(lo, hi, 257)
        above = excess(fine) > 0.0
        i = int(np.nonzero(above)[0][-1]) if above.any() else 0
        lo, hi = float(fine[i]), float(fine[min(i + 1, 256)])
    return 0.5 * (lo + hi)


# =========================================================================== forecasts


def _base_row(est: pd.DataFrame, proj: pd.Series) -> pd.Series | None:
    cand = est[
        (est["scope"] == proj["scope"])
        & (est["year"] < proj["year"])
        & (est["source_year"] <= proj["source_year"])
    ]
    if cand.empty:
        return None
    for mask in (
        cand["source_title"] == proj["source_title"],
        cand["source_publisher"] == proj["source_publisher"],
    ):
        sub = cand[mask]
        if not sub.empty:
            return sub.sort_values("year").iloc[-1]
    return cand.sort_values("year").iloc[-1]


def implied_net_growth(base_energy_twh, target_energy_twh, years):
    """Net energy growth per year implied by going from base to target in ``years``."""
    return np.power(np.asarray(target_energy_twh, float) / base_energy_twh, 1.0 / years) - 1.0


def published_growth(
    dc_electricity: pd.DataFrame, scope: str, case: str, year: int
) -> dict[str, float]:
    """A published projection and its base (see :func:`scenario_table`): ``base_year``,
    ``base_twh``, ``published_twh``, ``net_growth`` (per year)."""
    df = dc_electricity
    hit = df[
        (df["scope"] == scope)
        & (df["case"] == case)
        & (df["year"] == year)
        & (df["tier"] == "projected")
    ]
    if len(hit) != 1:
        raise ValueError(f"no single projection {case!r} for {scope!r} in {year}")
    p = hit.iloc[0]
    b = _base_row(df[df["tier"] == "estimated"], p)
    if b is None:
        raise ValueError(f"no estimate before {case!r} {year} for {scope!r}")
    by = int(b["year"])
    return {
        "base_year": float(by),
        "base_twh": float(b["energy_twh"]),
        "published_twh": float(p["energy_twh"]),
        "net_growth": float(implied_net_growth(b["energy_twh"], p["energy_twh"], year - by)),
    }


def _ambition_shift(
    P: Params, base_twh: float, base_year: int, year: int, target_twh: float
) -> float:
    """The common shift ``d`` of both segments' ambition, ``(1 + a)(1 + d) - 1``, with which the
    point model (parameters ``P``, started at ``base_year``) reaches ``target_twh``."""
    Q = P.__class__(
        **{**P.as_dict(), "base_year": base_year, "horizon_year": max(year, base_year + 1)}
    )
    seg = segments_of(Q)

    def gap(d: float) -> float:
        s = seg._replace(demand_growth=(1.0 + seg.demand_growth) * (1.0 + d) - 1.0)
        e = float(point_path(Q, base_twh, year - base_year, seg=s)["facility_twh"])
        return math.log(e / target_twh)

    lo, hi = -0.9, 10.0
    if gap(lo) > 0 or gap(hi) < 0:
        return math.nan
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
    return 0.5 * (lo + hi)


def scenario_table(dc_electricity: pd.DataFrame, P: Params) -> pd.DataFrame:
    """The published projections restated in the model's terms.

    For each projected row of ``dc_electricity``, the base is the latest estimate of the same
    scope before it, from the same source where there is one (else the same publisher),
    published no later than the projection. Two numbers restate the forecast: its net energy
    growth per year (arithmetic on its two figures) and the common shift of both segments'
    ambition, on top of the chapter's calibration, with which the model reaches it
    (``ambition_shift``: solved from the figure, so the model reproduces every forecast by
    construction; ``model_twh`` and ``error_pct`` only check that arithmetic). Neither is a
    finding about the forecasts: a forecast that assumed slower chips looks here exactly like
    one that assumed more ambition.

    Columns: ``scenario``, ``scope``, ``publisher``, ``base_year``, ``base_twh``,
    ``horizon_year``, ``published_twh``, ``years``, ``implied_net_growth``,
    ``ambition_shift``, ``model_twh``, ``error_pct``, ``checked``.
    """
    df = dc_electricity
    est = df[df["tier"] == "estimated"]
    rows = []
    for _, p in df[df["tier"] == "projected"].iterrows():
        b = _base_row(est, p)
        if b is None:
            continue
        by, y = int(b["year"]), int(p["year"])
        shift = _ambition_shift(P, float(b["energy_twh"]), by, y, float(p["energy_twh"]))
        Q = P.__class__(**{**P.as_dict(), "base_year": by, "horizon_year": y})
        seg = segments_of(Q)
        seg = seg._replace(demand_growth=(1.0 + seg.demand_growth) * (1.0 + shift) - 1.0)
        model = float(point_path(Q, float(b["energy_twh"]), y - by, seg=seg)["facility_twh"])
        rows.append(
            {
                "scenario": p["case"],
                "scope": p["scope"],
                "publisher": p["source_publisher"],
                "base_year": by,
                "base_twh": float(b["energy_twh"]),
                "horizon_year": y,
                "published_twh": float(p["energy_twh"]),
                "years": y - by,
                "implied_net_growth": float(
                    implied_net_growth(b["energy_twh"], p["energy_twh"], y - by)
                ),
                "ambition_shift": shift,
                "model_twh": model,
                "error_pct": 100.0 * (model - float(p["energy_twh"])) / float(p["energy_twh"]),
                "checked": p["checked"],
            }
        )
    return (
        pd.DataFrame(rows)
        .sort_values(["scope", "horizon_year", "published_twh"], kind="stable")
        .reset_index(drop=True)
    )
