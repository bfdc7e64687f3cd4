"""Ambition creep: models of the rebound effect for AI compute.

Pure functions over floats, numpy arrays and DataFrames; units in names; no I/O. Growth
rates are fractions per year (``0.28`` = +28 %/yr); "gains" and "factors" are ratios
(``1.43`` = 43 % better). Every function that takes arrays broadcasts.

Sections (one per part of the chapter):

1. The identity: energy = compute demanded / efficiency x PUE.
2. Rebound from a constant price elasticity of demand for compute.
3. The H100 -> H200 case: memory-bound decoding, and the model growth that takes it back.
4. Ambition as growth, and an exact (LMDI) decomposition of the change in energy.
5. One demand model, many forecasts: the published projections as named scenarios.
6. Microsoft: energy and emissions against the 2020 baseline.
7. Uncertainty: the vectorized model of horizon-year data-centre energy, its declared
   distributions and its summary (median, 90 % interval, P(backfire), tornado, flip point).

Definitions of rebound and backfire
-----------------------------------
The *engineering* (expected) saving of an efficiency gain ``k`` (energy per unit of service
divided by ``k``) is the saving with demand held fixed, ``1 - 1/k`` of energy. The *rebound*
is the share of that saving taken back by the response of demand::

    R = (expected saving - actual saving) / expected saving

so ``R = 0`` keeps the whole saving, ``R = 1`` (100 %) leaves energy unchanged, and
``R > 1`` is *backfire* (energy rises: the Jevons paradox). With demand ratio ``q`` after the
change, ``R = (q - 1) / (k - 1)``. For a marginal improvement ``R`` equals the efficiency
elasticity of demand for the service, i.e. ``R = 1 + d ln E / d ln k``.

References
----------
- Saunders, H. D. (1992). The Khazzoom-Brookes postulate and neoclassical growth.
  *The Energy Journal*, 13(4), 131-148. https://doi.org/10.5547/ISSN0195-6574-EJ-Vol13-No4-7
  (rebound and backfire defined through the efficiency elasticity of energy demand).
- Sorrell, S., & Dimitropoulos, J. (2008). The rebound effect: Microeconomic definitions,
  limitations and extensions. *Ecological Economics*, 65(3), 636-649.
  https://doi.org/10.1016/j.ecolecon.2007.08.013 (rebound = efficiency elasticity of the
  demand for useful work; approximated by minus its elasticity to the energy cost of useful
  work).
- Sorrell, S. (2009). Jevons' Paradox revisited: The evidence for backfire from improved
  energy efficiency. *Energy Policy*, 37(4), 1456-1469.
  https://doi.org/10.1016/j.enpol.2008.12.003 (backfire: rebound above 100 %).
- Ang, B. W. (2005). The LMDI approach to decomposition analysis: a practical guide.
  *Energy Policy*, 33(7), 867-871. https://doi.org/10.1016/j.enpol.2003.10.010
  (additive log-mean Divisia index, exact: no residual).
- Hoffmann, J., et al. (2022). Training compute-optimal large language models.
  arXiv:2203.15556 (compute-optimal parameter count grows about as compute^0.5).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from energybook import units
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

# =========================================================================== 1. identity


def inference_flop(users, uses_per_user, flop_per_use):
    """Inference compute (FLOP) = users x uses per user x FLOP per use."""
    return np.asarray(users, dtype=float) * uses_per_user * flop_per_use


def facility_energy_j(flop, flop_per_j, pue):
    """Facility energy (J) of ``flop`` delivered at ``flop_per_j`` (IT level) and PUE ``pue``."""
    return np.asarray(flop, dtype=float) / flop_per_j * pue


def flop_per_use(active_params, tokens_per_use, flop_per_param_token: float = 2.0):
    """FLOP of one use of a transformer: about 2 FLOP per active parameter per token
    (forward pass only; Kaplan et al. 2020, arXiv:2001.08361)."""
    return flop_per_param_token * np.asarray(active_params, dtype=float) * tokens_per_use


def energy_identity(training_flop: float, users: float, uses_per_user_per_year: float,
                    flop_per_use: float, flop_per_j: float, pue: float,
                    inference_flop_per_j: float | None = None) -> pd.DataFrame:
    """The identity, split into training and inference.

    energy = compute / efficiency x PUE; inference compute = users x uses x FLOP per use.
    ``flop_per_j`` is the *delivered* efficiency (peak FLOP/J x utilization) of training;
    ``inference_flop_per_j`` that of inference (defaults to ``flop_per_j``).

    Returns rows ``training``, ``inference``, ``total`` with columns ``component``,
    ``flop``, ``flop_per_j``, ``energy_twh`` and ``share`` (of total energy).
    """
    inf_eff = flop_per_j if inference_flop_per_j is None else inference_flop_per_j
    inf_flop = float(inference_flop(users, uses_per_user_per_year, flop_per_use))
    e_train = float(units.twh_from_joules(facility_energy_j(training_flop, flop_per_j, pue)))
    e_inf = float(units.twh_from_joules(facility_energy_j(inf_flop, inf_eff, pue)))
    total = e_train + e_inf
    def share(e):
        return (e / total if total > 0 else float("nan"))
    return pd.DataFrame({
        "component": ["training", "inference", "total"],
        "flop": [float(training_flop), inf_flop, float(training_flop) + inf_flop],
        "flop_per_j": [float(flop_per_j), float(inf_eff), float("nan")],
        "energy_twh": [e_train, e_inf, total],
        "share": [share(e_train), share(e_inf), 1.0],
    })


def delivered_flop_per_j(peak_tflops, board_power_w, utilization):
    """Delivered FLOP per joule of a board: peak FLOP/s x utilization / board power."""
    flop_s_per_tflop_s = units.factor("THz", "Hz")  # the tera prefix of a per-second rate
    return np.asarray(peak_tflops, dtype=float) * flop_s_per_tflop_s * utilization / board_power_w


# =========================================================================== 2. rebound


def cost_ratio(efficiency_gain, energy_share, hardware_cost_gain=1.0):
    """Cost per FLOP after / before a new chip.

    Cost per FLOP = hardware cost per FLOP + electricity price x J per FLOP (x PUE); the
    energy share of cost is ``s = p e / (h + p e)``. The chip divides J/FLOP by
    ``efficiency_gain`` (k) and hardware cost per FLOP by ``hardware_cost_gain`` (m)::

        c'/c = (1 - s) / m + s / k
    """
    s = np.asarray(energy_share, dtype=float)
    return (1.0 - s) / hardware_cost_gain + s / np.asarray(efficiency_gain, dtype=float)


def demand_ratio(cost_ratio_, elasticity):
    """Demand after / before under a constant price elasticity: ``(c'/c) ** -elasticity``.

    ``elasticity`` is the magnitude (>= 0) of the own-price elasticity of demand for compute.
    """
    return np.power(np.asarray(cost_ratio_, dtype=float), -np.asarray(elasticity, dtype=float))


def energy_ratio(efficiency_gain, elasticity, energy_share=1.0, hardware_cost_gain=1.0):
    """Energy after / before: demand ratio / efficiency gain."""
    r = cost_ratio(efficiency_gain, energy_share, hardware_cost_gain)
    return demand_ratio(r, elasticity) / np.asarray(efficiency_gain, dtype=float)


def rebound(efficiency_gain, elasticity, energy_share=1.0, hardware_cost_gain=1.0):
    """Rebound: share of the engineering saving taken back, ``(q - 1) / (k - 1)``.

    0 keeps the whole saving; 1 (100 %) leaves energy unchanged; above 1 is backfire
    (Saunders 1992; Sorrell & Dimitropoulos 2008; Sorrell 2009). ``efficiency_gain`` must
    exceed 1 (no engineering saving otherwise; the result is ``nan`` there).
    """
    k = np.asarray(efficiency_gain, dtype=float)
    q = demand_ratio(cost_ratio(k, energy_share, hardware_cost_gain), elasticity)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(k > 1.0, (q - 1.0) / (k - 1.0), np.nan)
    return out if out.ndim else float(out)


def is_backfire(efficiency_gain, elasticity, energy_share=1.0, hardware_cost_gain=1.0):
    """True where energy rises despite the efficiency gain (rebound > 100 %)."""
    return np.asarray(energy_ratio(efficiency_gain, elasticity, energy_share,
                                   hardware_cost_gain)) > 1.0


def marginal_rebound(elasticity, energy_share):
    """Rebound of a marginal efficiency gain with hardware cost unchanged: ``elasticity x s``.

    Shows why a small energy share of cost means a small price-driven rebound.
    """
    return np.asarray(elasticity, dtype=float) * energy_share


def backfire_elasticity(efficiency_gain, energy_share=1.0, hardware_cost_gain=1.0):
    """The elasticity at which rebound reaches 100 % (energy unchanged): the flip point.

    ``ln k / -ln(c'/c)``; infinite where the cost does not fall. With energy the whole cost
    (s = 1, m = 1) it is exactly 1.
    """
    k = np.asarray(efficiency_gain, dtype=float)
    r = cost_ratio(k, energy_share, hardware_cost_gain)
    with np.errstate(divide="ignore"):
        out = np.where(r < 1.0, np.log(k) / -np.log(np.where(r < 1.0, r, 0.5)), np.inf)
    return out if out.ndim else float(out)


def energy_share_of_cost(power_w, pue, usd_per_kwh, hardware_usd_per_hour):
    """Energy's share of the cost of an accelerator-hour.

    Energy cost per hour = board power x PUE x price; hardware cost per hour = rental price
    (or amortized purchase). Share = energy / (energy + hardware).
    """
    kwh_per_hour = np.asarray(power_w, dtype=float) * pue * units.factor("W * hour", "kWh")
    energy_usd = kwh_per_hour * usd_per_kwh
    return energy_usd / (energy_usd + hardware_usd_per_hour)


def rebound_curve(elasticities: Sequence[float], efficiency_gain: float,
                  energy_shares: Sequence[float], hardware_cost_gain: float = 1.0
                  ) -> pd.DataFrame:
    """Chart dataset: rebound against elasticity, one line per energy share of cost.

    Columns: ``elasticity``, ``energy_share``, ``cost_ratio``, ``demand_ratio``,
    ``energy_ratio``, ``rebound`` (fraction), ``backfire`` (bool). Rows: the grid.
    """
    e, s = np.meshgrid(np.asarray(elasticities, float), np.asarray(energy_shares, float))
    e, s = e.ravel(), s.ravel()
    r = cost_ratio(efficiency_gain, s, hardware_cost_gain)
    q = demand_ratio(r, e)
    er = q / efficiency_gain
    return pd.DataFrame({
        "elasticity": e, "energy_share": s, "cost_ratio": r, "demand_ratio": q,
        "energy_ratio": er, "rebound": rebound(efficiency_gain, e, s, hardware_cost_gain),
        "backfire": er > 1.0,
    })


# =========================================================================== 3. H100 -> H200


def memory_bound_efficiency_gain(bandwidth_old_tb_s, bandwidth_new_tb_s,
                                 power_old_w, power_new_w):
    """Gain in tokens per joule of memory-bound decoding.

    When decoding is limited by memory bandwidth, each step streams the weights (and KV
    cache) once, so tokens/s is proportional to bandwidth; at board power P, J/token is
    proportional to P / bandwidth. Gain = (bw_new / P_new) / (bw_old / P_old).
    """
    return (np.asarray(bandwidth_new_tb_s, float) / power_new_w) / \
        (np.asarray(bandwidth_old_tb_s, float) / power_old_w)


def model_growth_factor(compute_growth_per_year, years, param_compute_exponent: float = 0.5):
    """Growth of parameter count over ``years`` when training compute grows by
    ``compute_growth_per_year`` (a factor) and parameters scale as compute ** exponent
    (0.5 compute-optimal: Hoffmann et al. 2022). Bytes read per decoded token scale with it.
    """
    return np.power(compute_growth_per_year, param_compute_exponent * np.asarray(years, float))


def h100_h200_case(bandwidth_old_tb_s: float, bandwidth_new_tb_s: float, power_old_w: float,
                   power_new_w: float, model_growth: float, elasticity: float = 1.0
                   ) -> dict[str, float]:
    """The H100 -> H200 case as plain floats.

    Keys:
    ``efficiency_gain`` (k, tokens/J new over old); ``j_per_token_ratio`` (1/k);
    ``j_per_token_saving`` (1 - 1/k); ``breakeven_model_growth`` (= k: model growth that
    takes the whole saving back); ``model_growth``; ``energy_per_token_ratio`` (after model
    growth, new chip over old chip with the old model: g / k); ``rebound_model_growth``
    ((g - 1)/(k - 1): share of the saving taken back by the larger model);
    ``backfire_model_growth`` (bool as 0/1); ``rebound_price`` (price channel alone: at an
    unchanged price per chip-hour both energy and hardware cost per token fall by k, so the
    cost falls by k whatever the energy share and rebound = (k**e - 1)/(k - 1)).
    """
    k = float(memory_bound_efficiency_gain(bandwidth_old_tb_s, bandwidth_new_tb_s,
                                           power_old_w, power_new_w))
    g = float(model_growth)
    return {
        "efficiency_gain": k,
        "j_per_token_ratio": 1.0 / k,
        "j_per_token_saving": 1.0 - 1.0 / k,
        "breakeven_model_growth": k,
        "model_growth": g,
        "energy_per_token_ratio": g / k,
        "rebound_model_growth": (g - 1.0) / (k - 1.0),
        "backfire_model_growth": float(g > k),
        "rebound_price": float(rebound(k, elasticity, 1.0, k)),
    }


def h100_h200_from_table(accelerators: pd.DataFrame, model_growth: float,
                         elasticity: float = 1.0, old: str = "H100 SXM", new: str = "H200 SXM",
                         bandwidth_col: str = "memory_bw_tbps", power_col: str = "board_power_w"
                         ) -> dict[str, float]:
    """:func:`h100_h200_case` reading bandwidth and power from the accelerators table."""
    rows = accelerators.set_index("chip")
    return h100_h200_case(float(rows.loc[old, bandwidth_col]), float(rows.loc[new, bandwidth_col]),
                          float(rows.loc[old, power_col]), float(rows.loc[new, power_col]),
                          model_growth, elasticity)


def model_growth_curve(efficiency_gain: float, model_growths: Sequence[float]) -> pd.DataFrame:
    """Chart dataset: energy per token (new chip, grown model, relative to old chip and old
    model) and rebound against model growth. Columns: ``model_growth``,
    ``energy_per_token_ratio``, ``rebound``, ``backfire``."""
    g = np.asarray(model_growths, dtype=float)
    return pd.DataFrame({"model_growth": g, "energy_per_token_ratio": g / efficiency_gain,
                         "rebound": (g - 1.0) / (efficiency_gain - 1.0),
                         "backfire": g > efficiency_gain})


# =========================================================================== 4. growth


def annual_factor(measure: str, value: float, start_year: int | None = None,
                  end_year: int | None = None) -> float:
    """A growth figure as a factor per year, whichever way its source states it
    (``factor_per_year``, ``factor_over_period`` over end - start years, or
    ``doubling_time_years``) -- the ``measure`` column of ``growth_trends``."""
    if measure == "factor_per_year":
        return float(value)
    if measure == "factor_over_period":
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


def energy_growth_rate(demand_growth, efficiency_growth):
    """Energy growth per year = (1 + demand growth) / (1 + efficiency growth) - 1."""
    return (1.0 + np.asarray(demand_growth, float)) / (1.0 + np.asarray(efficiency_growth,
                                                                        float)) - 1.0


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


# =========================================================================== 5. projection


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
    with them (``model_twh``) and compared to the published figure (``error_pct``).

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


def published_points(dc_electricity: pd.DataFrame, scope: str = "World") -> pd.DataFrame:
    """Chart dataset: the published estimates and projections of one scope, to place on
    the fan chart. Columns: ``year``, ``energy_twh``, ``case``, ``tier``, ``source``."""
    d = dc_electricity[dc_electricity["scope"] == scope]
    return pd.DataFrame({"year": d["year"].astype(int), "energy_twh": d["energy_twh"],
                         "case": d["case"], "tier": d["tier"],
                         "source": d["source_publisher"] + ", " + d["source_title"]}
                        ).sort_values(["year", "case"]).reset_index(drop=True)


def base_energy_twh(dc_electricity: pd.DataFrame, scope: str, base_year: int) -> float:
    """The estimated data-centre electricity of ``scope`` in ``base_year`` (one row)."""
    d = dc_electricity[(dc_electricity["scope"] == scope) & (dc_electricity["year"] == base_year)
                       & (dc_electricity["tier"] == "estimated")]
    if d.empty:
        have = sorted(dc_electricity.loc[(dc_electricity["scope"] == scope)
                                         & (dc_electricity["tier"] == "estimated"), "year"])
        raise ValueError(f"no estimate for {scope!r} in {base_year}; estimates exist for {have}")
    return float(d.sort_values("source_year").iloc[-1]["energy_twh"])


def projection_decomposition(base_energy_twh: float, years: float, demand_growth: float,
                             efficiency_growth: float, elasticity: float = 0.0,
                             energy_share: float = 1.0, hardware_cost_decline: float = 0.0,
                             pue_ratio: float = 1.0) -> pd.DataFrame:
    """Chart dataset: exact LMDI decomposition of the change in energy from the base year
    to the horizon into ambition (exogenous demand), price response (rebound), efficiency
    and PUE. Columns as :func:`lmdi` (contributions in TWh; they sum to the total change).
    """
    k = 1.0 + efficiency_growth
    r = float(cost_ratio(k, energy_share, 1.0 + hardware_cost_decline))
    start = {"ambition (exogenous demand)": 1.0, "price response (rebound)": 1.0,
             "efficiency (J per FLOP)": 1.0, "facility overhead (PUE)": 1.0,
             "base": float(base_energy_twh)}
    end = {"ambition (exogenous demand)": (1.0 + demand_growth) ** years,
           "price response (rebound)": float(demand_ratio(r, elasticity)) ** years,
           "efficiency (J per FLOP)": k ** -years, "facility overhead (PUE)": float(pue_ratio),
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


# =========================================================================== 6. Microsoft


def microsoft_case(energy_change_pct: float, emissions_change_pct: float, years: float,
                   efficiency_growth: float) -> dict[str, float]:
    """What efficiency growth would have held Microsoft's energy flat?

    Energy grew by ``energy_change_pct`` over ``years`` (e.g. +168 % FY20 -> FY24). Since
    energy = demand / efficiency, demand grew by energy growth x efficiency growth; given an
    assumed efficiency growth ``f`` per year, demand grew ``(1 + e)(1 + f) - 1`` per year,
    and holding energy flat needed efficiency to grow as fast as demand.

    Keys: ``energy_factor``, ``emissions_factor``, ``energy_growth_per_year``,
    ``emissions_growth_per_year``, ``emissions_per_energy_factor`` (caveat: Microsoft's
    total is >96 % Scope 3, not energy), ``assumed_efficiency_growth``,
    ``implied_demand_growth`` (per year), ``efficiency_growth_to_hold_flat`` (per year, =
    implied demand growth), ``efficiency_shortfall_factor`` (over the period: how many
    times more efficient it would have needed to be = the energy factor).
    """
    ef = 1.0 + energy_change_pct / 100.0
    cf = 1.0 + emissions_change_pct / 100.0
    eg = ef ** (1.0 / years) - 1.0
    demand = (1.0 + eg) * (1.0 + efficiency_growth) - 1.0
    return {
        "energy_factor": ef, "emissions_factor": cf,
        "energy_growth_per_year": eg, "emissions_growth_per_year": cf ** (1.0 / years) - 1.0,
        "emissions_per_energy_factor": cf / ef,
        "assumed_efficiency_growth": float(efficiency_growth),
        "implied_demand_growth": demand, "efficiency_growth_to_hold_flat": demand,
        "efficiency_shortfall_factor": ef,
    }


def microsoft_from_table(table: pd.DataFrame, efficiency_growth: float,
                         fiscal_year: int = 2024) -> dict[str, float]:
    """:func:`microsoft_case` reading the ``microsoft_sustainability`` table."""
    t = table[table["fiscal_year"] == fiscal_year].set_index("metric")
    years = fiscal_year - int(t.loc["energy_use", "base_fiscal_year"])
    return microsoft_case(float(t.loc["energy_use", "change_pct"]),
                          float(t.loc["total_emissions", "change_pct"]), years,
                          efficiency_growth)


# =========================================================================== 7. uncertainty


def mc_factor_per_year(elasticity, efficiency_growth, demand_growth, energy_share,
                       hardware_cost_decline, trend: Mapping[str, float] | None = None):
    """Energy factor per year of one Monte Carlo draw (vectorized).

    Without ``trend`` it is :func:`projection_factor_per_year`: the drawn elasticity acts on
    the whole fall in cost per FLOP, so its uncertainty compounds with a 33 %/yr fall of
    hardware cost over every year of the horizon (the *unanchored* model).

    With ``trend`` (keys ``elasticity``, ``efficiency_growth``, ``energy_share``,
    ``hardware_cost_decline``: the point values) the demand response to chip progress *at
    its trend* uses the point elasticity, and the drawn elasticity acts only on departures
    of the cost per FLOP from that trend::

        g = (1 + a) * r0 ** -e0 * (r / r0) ** -e / (1 + f)

    (``r`` the yearly cost ratio of the draw, ``r0`` that of the trend). This is the
    *anchored* model: the trend growth of compute demanded, ``(1 + a) r0 ** -e0``, is what
    the published forecasts and the observed growth constrain (it is calibrated to the IEA
    Base Case by the default ``demand_growth``), and its uncertainty is declared directly
    through the spread of ``demand_growth``. Aggregate data cannot split that growth into
    "ambition" and "price response" (that would need the elasticity no one has measured),
    so the anchored model does not let the unknown elasticity move the calibrated level
    twice. Both models agree at the trend when the draw's elasticity equals the point one.
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

    Returns ``energy_twh`` (horizon-year energy, :func:`mc_factor_per_year` compounded over
    ``years`` and scaled by the PUE ratio), ``rebound`` (of one year's chip progress:
    efficiency gain ``1 + f`` with hardware cost per FLOP falling by ``1 + h``), ``backfire``
    (1.0 where that rebound > 100 %, else 0.0), and ``rebound_energy_only`` /
    ``backfire_energy_only``: the same for the efficiency gain alone, with hardware cost per
    FLOP unchanged (the energy credit only).
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


def declared_distributions(elasticity: float, elasticity_max: float, efficiency_growth: float,
                           demand_growth: float, energy_share: float,
                           hardware_cost_decline: float, pue: float, pue_best: float,
                           growth_spread: float) -> dict[str, Dist]:
    """The chapter's declared distributions, built from its parameters.

    - elasticity ~ PERT(0, ``elasticity``, ``elasticity_max``) (a Beta with its mode at the
      point elasticity): no empirical price elasticity of demand for AI compute exists, so
      the range runs from no response at all (0) to strong backfire, with most weight near
      the point value and a tail to ``elasticity_max``. The defaults (mode 1, upper end 2.5)
      make "saving kept" and "backfire" both plausible with energy the whole cost. If the
      point elasticity exceeds ``elasticity_max``, the upper end is the point elasticity;
      with both 0 it is fixed at 0. A uniform range (the previous choice, Uniform(0, 2))
      says every value is equally likely, which no one believes either, and acting on the
      whole price response with hardware cost falling at its trend it makes the horizon
      interval far wider (see :func:`uniform_elasticity_interval`);
    - each growth factor (1 + rate) ~ LogNormal with median 1 + rate and 90 % interval
      [median / (1 + growth_spread), median x (1 + growth_spread)], as a rate. The default
      spread is derived from the IEA's own 2035 cases (see :func:`iea_case_spread`);
    - energy share of cost ~ Triangular(s/2, s, min(1, 2 s));
    - horizon-year PUE ~ Triangular(pue_best, pue, pue): somewhere between today's best
      fleet and today's average.
    """
    spread = 1.0 + growth_spread

    def growth(rate):
        return _Shifted(LogNormal.from_median_factor(1.0 + rate, spread), -1.0)

    lo_pue = min(pue_best, pue)
    e_mode = float(elasticity)
    e_high = max(float(elasticity_max), e_mode)
    e_dist: Dist = PERT(0.0, e_mode, e_high) if e_high > 0.0 else Fixed(0.0)
    return {
        "elasticity": e_dist,
        "efficiency_growth": growth(efficiency_growth),
        "demand_growth": growth(demand_growth),
        "energy_share": Triangular(0.5 * energy_share, energy_share, min(1.0, 2 * energy_share)),
        "hardware_cost_decline": growth(hardware_cost_decline),
        "pue_horizon": Triangular(lo_pue, pue, pue),
    }


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


def uncertainty_analysis(dists: Mapping[str, Dist], base_energy_twh: float, base_year: int,
                         horizon_year: int, pue_base: float, n: int, seed: int,
                         fan_end_year: int | None = None,
                         trend: Mapping[str, float] | None = None) -> dict[str, object]:
    """Monte Carlo of horizon-year data-centre energy under declared distributions.

    ``trend`` selects the anchored model (see :func:`mc_factor_per_year`); ``None`` the
    unanchored one. Returns a dict:

    - ``energy``: summarize() of horizon energy (``median``, ``p05``, ``p95``, ``mean``; TWh);
    - ``p_chip_progress``: share of draws in which chips improve (efficiency growth > 0,
      ``k > 1``); rebound and backfire are undefined in the others;
    - ``p_backfire``: probability, among the draws with chip progress, that a year's chip
      progress (J per FLOP *and* hardware cost per FLOP) backfires (rebound > 100 %);
      ``nan`` if no draw has chip progress;
    - ``p_backfire_energy_only``: the same for the efficiency gain alone (hardware cost per
      FLOP unchanged);
    - ``rebound`` / ``rebound_energy_only``: summarize() of those rebounds (fraction; draws
      without an efficiency gain, where it is undefined, left out);
    - ``tornado``: DataFrame (see :func:`energybook.uncertainty.tornado`) of horizon energy;
    - ``flip_elasticity`` / ``flip_elasticity_energy_only``: elasticity at which the rebound
      reaches 100 %, the other inputs at their medians (``inf`` if never);
    - ``fan``: DataFrame ``year, p05, p25, p50, p75, p95, mean`` (TWh) from base year to
      ``fan_end_year`` (default the horizon), for the fan chart;
    - ``samples``: the draws and outputs (arrays), for histograms (aggregate before charting).
    """
    years = horizon_year - base_year
    fixed = {"base_energy_twh": base_energy_twh, "years": years, "pue_base": pue_base,
             "trend": None if trend is None else dict(trend)}
    res = monte_carlo(horizon_energy_model, dists, n, seed, fixed=fixed)
    med = medians(dists)
    k_med = 1.0 + med["efficiency_growth"]
    flip = float(backfire_elasticity(k_med, med["energy_share"],
                                     1.0 + med["hardware_cost_decline"]))
    flip_e = float(backfire_elasticity(k_med, med["energy_share"], 1.0))
    end = horizon_year if fan_end_year is None else fan_end_year
    fan_years = np.arange(base_year, end + 1)
    # paths: the same draws, evaluated at every year (PUE moves linearly to its horizon value)
    t = (fan_years - base_year)[None, :]
    g = mc_factor_per_year(res["elasticity"], res["efficiency_growth"], res["demand_growth"],
                           res["energy_share"], res["hardware_cost_decline"], trend)[:, None]
    pue_path = pue_base + (res["pue_horizon"][:, None] - pue_base) * np.minimum(
        t / max(years, 1), 1.0)
    paths = base_energy_twh * np.power(g, t) * pue_path / pue_base

    def finite(x):
        return summarize(x[np.isfinite(x)])

    # rebound and backfire are defined only where chips improve (k > 1): the probabilities
    # of backfire are conditional on that, and the share of such draws is reported with them
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
        "fan": fan(fan_years, paths),
        "samples": res,
    }


def uniform_elasticity_interval(p: Mapping[str, object], dc_electricity: pd.DataFrame,
                                low: float = 0.0, high: float = 2.0) -> dict[str, float]:
    """The horizon-year interval under the rejected choice of distributions: elasticity
    ~ Uniform(``low``, ``high``) in the *unanchored* model (the drawn elasticity acts on the
    whole fall in cost per FLOP), every other input as declared by the chapter's parameters.

    Returns :func:`energybook.uncertainty.summarize` of the horizon energy (TWh) plus
    ``ratio`` (95th over 5th percentile). Same draws and seed as :func:`run_uncertainty`.
    """
    if int(p["horizon_year"]) <= int(p["base_year"]):
        raise ValueError(f"horizon_year {p['horizon_year']} must be after base_year "
                         f"{p['base_year']}")
    dists = declared_distributions(p["elasticity"], p["elasticity_max"],
                                   p["efficiency_growth"], p["demand_growth"],
                                   p["energy_share"], p["hardware_cost_decline"], p["pue"],
                                   p["pue_best"], p["growth_spread"])
    dists["elasticity"] = Uniform(float(low), float(high))
    base = base_energy_twh(dc_electricity, str(p["scope"]), int(p["base_year"]))
    fixed = {"base_energy_twh": base, "years": int(p["horizon_year"]) - int(p["base_year"]),
             "pue_base": float(p["pue"]), "trend": None}
    res = monte_carlo(horizon_energy_model, dists, int(p["n_draws"]), int(p["seed"]),
                      fixed=fixed)
    out = summarize(res["energy_twh"])
    out["ratio"] = float(out["p95"]) / float(out["p05"])
    return {k: float(v) for k, v in out.items()}


def elasticity_sweep(elasticities: Sequence[float], efficiency_growth: float,
                     demand_growth: float, energy_share: float, hardware_cost_decline: float,
                     base_energy_twh: float, years: float, pue_ratio: float = 1.0
                     ) -> pd.DataFrame:
    """Chart dataset: horizon energy and rebound against elasticity, other inputs fixed.

    Columns: ``elasticity``, ``energy_twh``, ``rebound``, ``backfire``.
    """
    e = np.asarray(elasticities, dtype=float)
    energy = project_energy_twh(base_energy_twh, years, demand_growth, efficiency_growth, e,
                                energy_share, hardware_cost_decline, pue_ratio)
    rb = rebound(1.0 + efficiency_growth, e, energy_share, 1.0 + hardware_cost_decline)
    return pd.DataFrame({"elasticity": e, "energy_twh": energy, "rebound": rb,
                         "backfire": np.asarray(rb) > 1.0})


# =========================================================================== headlines


def _year_of(value) -> int:
    return int(getattr(value, "year", value))


def h200_model_growth(accelerators: pd.DataFrame, growth_trends: pd.DataFrame,
                      param_compute_exponent: float, old: str = "H100 SXM",
                      new: str = "H200 SXM", metric: str = "training_compute_notable",
                      date_col: str = "release_date") -> float:
    """Model (parameter) growth between the two chips' release years, from the training-
    compute trend ``metric`` of ``growth_trends`` and the parameter-compute exponent."""
    rows = accelerators.set_index("chip")
    years = _year_of(rows.loc[new, date_col]) - _year_of(rows.loc[old, date_col])
    trend = growth_table(growth_trends).set_index("metric")
    return float(model_growth_factor(trend.loc[metric, "factor_per_year"], years,
                                     param_compute_exponent))


def trend_of(p: Mapping[str, object]) -> dict[str, float]:
    """The point values that define the trend of the anchored Monte Carlo."""
    return {k: float(p[k]) for k in ("elasticity", "efficiency_growth", "energy_share",
                                     "hardware_cost_decline")}


def run_uncertainty(p: Mapping[str, object], dc_electricity: pd.DataFrame,
                    fan_end_year: int | None = None,
                    anchor: bool | None = None) -> dict[str, object]:
    """:func:`uncertainty_analysis` with the chapter's parameters ``p`` (the validated
    mapping of ``energybook.specs.rebound.SPEC``).

    ``anchor`` (default: the parameter ``anchor_demand``, else ``True``) selects the anchored
    model; ``False`` lets the drawn elasticity act on the whole price response (wider)."""
    if int(p["horizon_year"]) <= int(p["base_year"]):
        raise ValueError(f"horizon_year {p['horizon_year']} must be after base_year "
                         f"{p['base_year']}")
    if anchor is None:
        anchor = bool(p.get("anchor_demand", True))
    dists = declared_distributions(p["elasticity"], p["elasticity_max"],
                                   p["efficiency_growth"], p["demand_growth"],
                                   p["energy_share"], p["hardware_cost_decline"], p["pue"],
                                   p["pue_best"], p["growth_spread"])
    base = base_energy_twh(dc_electricity, str(p["scope"]), int(p["base_year"]))
    out = uncertainty_analysis(dists, base, int(p["base_year"]), int(p["horizon_year"]),
                               float(p["pue"]), int(p["n_draws"]), int(p["seed"]),
                               fan_end_year=fan_end_year,
                               trend=trend_of(p) if anchor else None)
    out["distributions"] = dists
    out["base_energy_twh"] = base
    out["anchored"] = bool(anchor)
    return out


def headlines(p: Mapping[str, object], dc_electricity: pd.DataFrame,
              accelerators: pd.DataFrame, growth_trends: pd.DataFrame,
              microsoft: pd.DataFrame, mc: Mapping[str, object] | None = None
              ) -> dict[str, float]:
    """Every headline of the chapter as plain floats, from its parameters and tables.

    ``mc`` is the result of :func:`run_uncertainty` (computed here when omitted).
    """
    mc = run_uncertainty(p, dc_electricity) if mc is None else mc
    g = h200_model_growth(accelerators, growth_trends, float(p["param_compute_exponent"]))
    h = h100_h200_from_table(accelerators, g, float(p["elasticity"]))
    ms = microsoft_from_table(microsoft, float(p["efficiency_growth"]))
    flat = efficiency_growth_to_hold_flat(float(p["demand_growth"]), float(p["elasticity"]),
                                          float(p["energy_share"]),
                                          float(p["hardware_cost_decline"]))
    energy = mc["energy"]
    return {
        "h200_j_per_token_saving_pct": 100.0 * h["j_per_token_saving"],
        "h200_rebound_pct": 100.0 * h["rebound_model_growth"],
        "energy_median_twh": float(energy["median"]),
        "energy_p05_twh": float(energy["p05"]),
        "energy_p95_twh": float(energy["p95"]),
        "backfire_probability_pct": 100.0 * float(mc["p_backfire"]),
        "flip_elasticity": float(mc["flip_elasticity"]),
        "flip_elasticity_energy_only": float(mc["flip_elasticity_energy_only"]),
        "efficiency_growth_to_hold_flat_pct": 100.0 * flat,
        "microsoft_efficiency_growth_to_hold_flat_pct":
            100.0 * ms["efficiency_growth_to_hold_flat"],
    }


# =========================================================================== chapter helpers


def iea_case_spread(dc_electricity: pd.DataFrame, year: int = 2035, scope: str = "World",
                    low: str = "IEA Headwinds", high: str = "IEA Lift-Off") -> float:
    """The IEA's own range of cases read as a 90 % interval of the yearly growth factor.

    Net energy growth per year from the latest estimate before ``year`` (same scope and
    publisher) to the ``low`` and ``high`` cases; returns the geometric half-range
    ``sqrt(f_high / f_low) - 1`` -- the ``growth_spread`` that would make the low and high
    cases the 5th and 95th percentiles of a log-normal growth factor. The IEA presents its
    cases as sensitivities, not as probabilities: this is a calibration of a spread, not a
    claim about the IEA's beliefs.
    """
    table = scenario_table(dc_electricity, 0.0, scopes=[scope]).set_index(
        ["scenario", "horizon_year"])
    f_lo = 1.0 + table.loc[(low, year), "implied_net_growth"]
    f_hi = 1.0 + table.loc[(high, year), "implied_net_growth"]
    return float(math.sqrt(f_hi / f_lo) - 1.0)


def rebound_cases(elasticities: Sequence[float], efficiency_gain: float, energy_share: float,
                  hardware_cost_gain: float) -> pd.DataFrame:
    """Chart dataset: rebound against elasticity for the cases that tell the levers apart.

    Cases (column ``case``): the whole chip progress (J per FLOP falls by ``k``, hardware
    cost per FLOP by ``m``) at the given energy share; the energy credit only (hardware cost
    unchanged) at the given share; and the energy credit only with energy the whole cost
    (the textbook case where elasticity 1 means rebound 100 %). Columns as
    :func:`rebound_curve` plus ``case`` and ``rebound_pct``.
    """
    s_pct = f"{100 * energy_share:.0f}%"
    parts = [
        (f"energy + hardware cost per FLOP (energy {s_pct} of cost)", energy_share,
         hardware_cost_gain),
        (f"energy credit only (energy {s_pct} of cost)", energy_share, 1.0),
        ("energy credit only (energy 100% of cost)", 1.0, 1.0),
    ]
    frames = []
    for label, s, m in parts:
        df = rebound_curve(elasticities, efficiency_gain, [s], m)
        df["case"] = label
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out["rebound_pct"] = 100.0 * out["rebound"]
    return out


def identity_example(p: Mapping[str, object], accelerators: pd.DataFrame,
                     chip: str = "H100 SXM", peak_col: str = "bf16_tflops") -> pd.DataFrame:
    """The identity with the chapter's example: one frontier training run and a year of
    ``users`` x ``uses_per_user_per_day`` x 365.25 uses of ``flop_per_use`` FLOP, delivered on
    ``chip`` at ``utilization`` of its dense peak and PUE ``pue``. See
    :func:`energy_identity` for the columns."""
    row = accelerators.set_index("chip").loc[chip]
    eff = float(delivered_flop_per_j(float(row[peak_col]), float(row["board_power_w"]),
                                     float(p["utilization"])))
    days_per_year = units.factor("year", "day")
    return energy_identity(float(p["training_flop"]), float(p["users"]),
                           float(p["uses_per_user_per_day"]) * days_per_year,
                           float(p["flop_per_use"]), eff, float(p["pue"]))


def scenario_display(table: pd.DataFrame) -> pd.DataFrame:
    """The scenario table for readers: named forecasts with the parameters they imply."""
    return pd.DataFrame({
        "Forecast": table["scenario"],
        "Scope": table["scope"],
        "From": [f"{int(y)}: {v:,.0f} TWh" for y, v in zip(table["base_year"],
                                                          table["base_twh"], strict=True)],
        "To": [f"{int(y)}: {v:,.0f} TWh" for y, v in zip(table["horizon_year"],
                                                        table["published_twh"], strict=True)],
        "Energy growth (%/yr)": (100 * table["implied_net_growth"]).round(1),
        "Compute demanded (%/yr)": (100 * table["implied_compute_growth"]).round(1),
        "Ambition, before price response (%/yr)": (100 * table["implied_demand_growth"]
                                                   ).round(1),
        "Model (TWh)": table["model_twh"].round(0),
        "Error (%)": table["error_pct"].round(2),
    })


def prose_numbers(p: Mapping[str, object], dc_electricity: pd.DataFrame,
                  accelerators: pd.DataFrame, growth_trends: pd.DataFrame,
                  microsoft: pd.DataFrame, adoption: pd.DataFrame,
                  mc: Mapping[str, object], mc_unanchored: Mapping[str, object]
                  ) -> dict[str, float]:
    """Every computed number the chapter's prose quotes (beyond the headlines), as plain
    floats keyed by the glue name. Percentages are in percent."""
    e, f, s, h = (float(p[k]) for k in ("elasticity", "efficiency_growth", "energy_share",
                                         "hardware_cost_decline"))
    a = float(p["demand_growth"])
    k, m = 1.0 + f, 1.0 + h
    out: dict[str, float] = {}
    # 2. rebound of one year's chip progress, both levers and the energy credit alone
    out["cost_ratio_all_pct"] = 100 * float(cost_ratio(k, s, m))
    out["cost_ratio_energy_pct"] = 100 * float(cost_ratio(k, s, 1.0))
    out["rebound_all_pct"] = 100 * float(rebound(k, e, s, m))
    out["rebound_energy_pct"] = 100 * float(rebound(k, e, s, 1.0))
    out["marginal_rebound_pct"] = 100 * float(marginal_rebound(e, s))
    out["energy_share_pct"] = 100 * s
    out["efficiency_growth_pct"] = 100 * f
    out["hardware_cost_decline_pct"] = 100 * h
    out["elasticity"] = e
    # 3. H100 -> H200
    rows = accelerators.set_index("chip")
    years = _year_of(rows.loc["H200 SXM", "release_date"]) - _year_of(
        rows.loc["H100 SXM", "release_date"])
    trend = growth_table(growth_trends).set_index("metric")
    g = h200_model_growth(accelerators, growth_trends, float(p["param_compute_exponent"]))
    hc = h100_h200_from_table(accelerators, g, e)
    out.update({
        "h200_bw_old": float(rows.loc["H100 SXM", "memory_bw_tbps"]),
        "h200_bw_new": float(rows.loc["H200 SXM", "memory_bw_tbps"]),
        "h200_power_w": float(rows.loc["H200 SXM", "board_power_w"]),
        "h200_gain": hc["efficiency_gain"], "h200_years": float(years),
        "h200_compute_trend": float(trend.loc["training_compute_notable", "factor_per_year"]),
        "h200_exponent": float(p["param_compute_exponent"]),
        "h200_model_growth": g, "h200_energy_per_token_ratio": hc["energy_per_token_ratio"],
        "h200_rebound_price_pct": 100 * hc["rebound_price"],
    })
    # 4. ambition as growth
    fr = trend.loc["training_compute_frontier"]
    hw = float(trend.loc["hardware_efficiency", "factor_per_year"])
    out.update({
        "frontier_compute_factor": float(fr["factor_per_year"]),
        "frontier_compute_low": float(fr["factor_per_year_low"]),
        "frontier_compute_high": float(fr["factor_per_year_high"]),
        "hardware_efficiency_factor": hw,
        "frontier_energy_factor": float(fr["factor_per_year"]) / hw,
        "frontier_power_factor": float(trend.loc["frontier_training_power",
                                                 "factor_per_year"]),
        "frontier_hold_flat_pct": 100 * (float(fr["factor_per_year"]) - 1.0),
    })
    ident = identity_example(p, accelerators).set_index("component")
    base = base_energy_twh(dc_electricity, str(p["scope"]), int(p["base_year"]))
    india = adoption[(adoption["country"] == "India")].sort_values("announced").iloc[-1]
    out.update({
        "india_people_m": float(india["people"]) / 1e6,
        "india_target_year": float(india["target_year"]),
        "users_m": float(p["users"]) / 1e6,
        "identity_flop_per_j": float(ident.loc["training", "flop_per_j"]),
        "identity_training_twh": float(ident.loc["training", "energy_twh"]),
        "identity_inference_twh": float(ident.loc["inference", "energy_twh"]),
        "identity_total_twh": float(ident.loc["total", "energy_twh"]),
        "identity_share_of_base_pct": 100 * float(ident.loc["total", "energy_twh"]) / base,
        "base_twh": base, "base_year": float(p["base_year"]), "base_pue": float(p["pue"]),
        "horizon_year": float(p["horizon_year"]),
    })
    # 4/5. calibration to the IEA Base Case and the decomposition
    sc = scenario_table(dc_electricity, f, e, s, h)
    ieab = sc[(sc["scope"] == "World") & (sc["scenario"] == "IEA Base")
              & (sc["horizon_year"] == 2030)].iloc[0]
    out.update({
        "iea_base_twh": float(ieab["published_twh"]),
        "iea_net_growth_pct": 100 * float(ieab["implied_net_growth"]),
        "iea_compute_growth_pct": 100 * float(ieab["implied_compute_growth"]),
        "iea_demand_growth_pct": 100 * float(ieab["implied_demand_growth"]),
        "demand_growth_pct": 100 * a,
        "price_response_pct": 100 * (float(demand_ratio(cost_ratio(k, s, m), e)) - 1.0),
        "hold_flat_no_response_pct": 100 * efficiency_growth_to_hold_flat(
            float((1 + a) * demand_ratio(cost_ratio(k, s, m), e) - 1.0)),
    })
    for name in ("LBNL Low", "LBNL High", "IEA Electricity 2024 High", "IEA Headwinds",
                 "IEA Lift-Off"):
        row = sc[sc["scenario"] == name].iloc[0]
        key = name.lower().replace(" ", "_").replace("-", "_").replace(
            "iea_electricity_2024", "iea24")
        out[f"{key}_net_pct"] = 100 * float(row["implied_net_growth"])
        out[f"{key}_demand_pct"] = 100 * float(row["implied_demand_growth"])
    years_h = int(p["horizon_year"]) - int(p["base_year"])
    pue_ratio = float(mc["distributions"]["pue_horizon"].median()) / float(p["pue"])
    dec = projection_decomposition(base, years_h, a, f, e, s, h, pue_ratio).set_index("driver")
    for key, driver in (("dec_ambition", "ambition (exogenous demand)"),
                        ("dec_price", "price response (rebound)"),
                        ("dec_efficiency", "efficiency (J per FLOP)"),
                        ("dec_pue", "facility overhead (PUE)")):
        out[f"{key}_twh"] = float(dec.loc[driver, "contribution"])
    out["dec_total_twh"] = float(dec["contribution"].sum())
    out["dec_end_twh"] = base + out["dec_total_twh"]
    # 6. Microsoft
    ms = microsoft_from_table(microsoft, f)
    t = microsoft[microsoft["fiscal_year"] == 2024].set_index("metric")
    out.update({
        "ms_energy_change_pct": float(t.loc["energy_use", "change_pct"]),
        "ms_emissions_change_pct": float(t.loc["total_emissions", "change_pct"]),
        "ms_energy_growth_pct": 100 * ms["energy_growth_per_year"],
        "ms_demand_growth_pct": 100 * ms["implied_demand_growth"],
        "ms_emissions_per_energy": ms["emissions_per_energy_factor"],
        "ms_energy_factor": ms["energy_factor"],
    })
    # 7. uncertainty
    en, eu = mc["energy"], mc_unanchored["energy"]
    out.update({
        "chip_progress_pct": 100 * float(mc["p_chip_progress"]),
        "backfire_energy_only_pct": 100 * float(mc["p_backfire_energy_only"]),
        "rebound_median_pct": 100 * float(mc["rebound"]["median"]),
        "unanchored_median_twh": float(eu["median"]),
        "unanchored_p05_twh": float(eu["p05"]), "unanchored_p95_twh": float(eu["p95"]),
        "unanchored_ratio": float(eu["p95"]) / float(eu["p05"]),
        "anchored_ratio": float(en["p95"]) / float(en["p05"]),
        "uniform_ratio": uniform_elasticity_interval(p, dc_electricity)["ratio"],
        "iea_case_spread_pct": 100 * iea_case_spread(dc_electricity),
        "growth_spread_pct": 100 * float(p["growth_spread"]),
        "pue_ratio_pct": 100 * (1.0 - pue_ratio),
        "elasticity_max": float(p["elasticity_max"]),
        "p_energy_above_base_pct": 100 * float(np.mean(
            np.asarray(mc["samples"]["energy_twh"]) > base)),
    })
    return {k2: float(v) for k2, v in out.items()}
