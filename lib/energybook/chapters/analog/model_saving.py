"""What analog could change: 2030 data-centre electricity saved if a noise-tolerant share of
AI inference ran on analog, how a constant-elasticity rebound takes part of it back, and its
uncertainty (declared distributions, a seeded Monte Carlo and a tornado, with the shared
module :mod:`energybook.uncertainty`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from energybook.chapters.analog.params import Params
from energybook.uncertainty import (
    PERT,
    Dist,
    Fixed,
    LogUniform,
    medians,
    monte_carlo,
    probability,
    summarize,
    tornado,
)


def dc_energy_twh(
    dc_electricity: pd.DataFrame, *, year: int = 2030, case: str = "IEA Base", scope: str = "World"
) -> float:
    """The data-centre electricity of one row of the ``dc_electricity`` table (TWh/year)."""
    r = dc_electricity[
        (dc_electricity["scope"] == scope)
        & (dc_electricity["year"] == year)
        & (dc_electricity["case"] == case)
    ]
    if len(r) != 1:
        cases = sorted(dc_electricity.loc[dc_electricity["year"] == year, "case"].unique())
        raise ValueError(f"no single row for {scope} {year} {case!r}; cases: {cases}")
    return float(r["energy_twh"].iloc[0])


def analog_saving(
    energy_twh,
    ai_share,
    inference_share,
    tolerant_share,
    energy_ratio,
    *,
    replaceable_share=1.0,
    elasticity=0.0,
    energy_share=1.0,
) -> dict[str, Any]:
    """Energy saved if the noise-tolerant share of AI inference ran on analog arrays.

    The counterfactual is the same inference work on the digital accelerators the ratio is
    taken against. ``addressable = energy_twh * ai_share * inference_share * tolerant_share``
    is the inference electricity that analog could serve; only ``replaceable_share`` of it is
    the arithmetic that analog arrays replace (the rest, hosts, idle machines, cooling and
    the accelerators' other work, is unchanged), and that part uses ``energy_ratio`` (analog /
    digital) of its energy. So the service uses ``service_ratio = 1 - replaceable_share *
    (1 - energy_ratio)`` of its energy and the gross saving is ``addressable * (1 -
    service_ratio)``.

    Rebound, with constant-elasticity demand: the price of the service falls to
    ``p = 1 - energy_share * (1 - service_ratio)`` of before (``energy_share``: energy's share
    of the service's cost; the rebound chapter's cost ratio with ``efficiency_gain = 1 /
    service_ratio``), demand grows by ``p ** -elasticity``, and the work uses ``addressable *
    service_ratio * p ** -elasticity``. Returns ``addressable_twh``, ``replaceable_twh``,
    ``service_ratio``, ``gross_saving_twh``, ``rebound_twh`` (energy taken back),
    ``net_saving_twh`` (negative: a net increase) and ``demand_multiplier``.

    Where analog costs more (``energy_ratio`` > 1) the price rises and demand falls; with a
    high elasticity and energy a large share of the cost that fall can outweigh the extra
    energy per unit, and the "saving" is inference not done.

    Vectorized: any argument may be a numpy array (the results are then arrays, broadcast
    together); with plain numbers the results are plain floats.
    """
    for name, v in (
        ("ai_share", ai_share),
        ("inference_share", inference_share),
        ("tolerant_share", tolerant_share),
        ("energy_share", energy_share),
        ("replaceable_share", replaceable_share),
    ):
        v = np.asarray(v, dtype=float)
        if not np.all((v >= 0) & (v <= 1)):
            raise ValueError(f"{name} must be in [0, 1]")
    if not (
        np.all(np.asarray(energy_ratio, dtype=float) > 0)
        and np.all(np.asarray(energy_twh, dtype=float) >= 0)
        and np.all(np.asarray(elasticity, dtype=float) >= 0)
    ):
        raise ValueError("energy_ratio must be positive; energy_twh and elasticity >= 0")
    addressable = energy_twh * ai_share * inference_share * tolerant_share
    service = 1 - replaceable_share * (1 - energy_ratio)
    gross = addressable * (1 - service)
    price = 1 - energy_share * (1 - service)
    demand = price ** (-elasticity)
    net = addressable - addressable * service * demand
    return {
        "addressable_twh": addressable,
        "replaceable_twh": addressable * replaceable_share,
        "service_ratio": service,
        "gross_saving_twh": gross,
        "rebound_twh": gross - net,
        "net_saving_twh": net,
        "demand_multiplier": demand,
    }


def flip_elasticity(service_ratio: float, energy_share: float) -> float:
    """The elasticity above which the rebound takes back the whole saving: ``ln(1/s) /
    ln(1/p)`` with ``s`` the service ratio and ``p = 1 - energy_share (1 - s)``; infinite when
    the price does not move (no saving, or energy no part of the cost)."""
    s = float(service_ratio)
    if not 0 < s < 1:
        raise ValueError("service_ratio must be in (0, 1): a saving to take back")
    p = 1 - float(energy_share) * (1 - s)
    return math.inf if p >= 1 else math.log(1 / s) / math.log(1 / p)


def replaceable_share(P: Params) -> float:
    """The share of inference electricity analog arithmetic can replace: the accelerators'
    share times their matrix products' share."""
    return float(P.accelerator_share) * float(P.matmul_share)


def saving_point(
    P: Params,
    dc_electricity: pd.DataFrame,
    ratio: Any,
    elasticity: Any = None,
    energy_share: Any = None,
) -> dict[str, Any]:
    """:func:`analog_saving` at the chapter's parameters and the energy ratio ``ratio``
    (``elasticity``, ``energy_share``: override the parameters)."""
    return analog_saving(
        dc_energy_twh(dc_electricity, case=P.dc_case),
        P.ai_share,
        P.inference_share,
        P.addressable_share,
        ratio,
        replaceable_share=replaceable_share(P),
        elasticity=P.elasticity if elasticity is None else elasticity,
        energy_share=P.energy_share if energy_share is None else energy_share,
    )


def saving_against(
    P: Params,
    dc_electricity: pd.DataFrame,
    ratio: Any,
    baseline_ratio: Any,
    elasticity: Any = None,
    energy_share: Any = None,
) -> dict[str, Any]:
    """The saving of a design of energy ratio ``ratio`` against a baseline fleet of energy
    ratio ``baseline_ratio`` (both against the digital MAC with HBM traffic, the ratio of
    :func:`saving_point`): the baseline fleet is the counterfactual, so the saving is the
    baseline fleet's electricity minus the design's, each with its own rebound against the
    HBM fleet. ``gross_saving_twh`` is ``replaceable x (baseline_ratio - ratio)``: at an
    elasticity of 0 it is ``replaceable x baseline_ratio x (1 - ratio / baseline_ratio)``,
    the baseline fleet's replaceable energy times the saving of the ratio between the two.
    Returns ``gross_saving_twh``, ``net_saving_twh`` and ``baseline_replaceable_twh``."""
    a = saving_point(P, dc_electricity, ratio, elasticity, energy_share)
    b = saving_point(P, dc_electricity, baseline_ratio, elasticity, energy_share)
    return {
        "gross_saving_twh": a["gross_saving_twh"] - b["gross_saving_twh"],
        "net_saving_twh": a["net_saving_twh"] - b["net_saving_twh"],
        "baseline_replaceable_twh": a["replaceable_twh"] * np.asarray(baseline_ratio),
    }


def elasticity_grid(P: Params, step: float = 0.1) -> np.ndarray:
    """Elasticities from 0 to the prior's upper end (at least 2), with the chosen one."""
    top = max(2.0, float(P.elasticity_max), float(P.elasticity))
    grid = np.round(np.arange(0.0, top + step / 2, step), 2)
    return np.array(sorted(set(grid.tolist()) | {round(float(P.elasticity), 2)}))


def saving_curves(
    P: Params, dc_electricity: pd.DataFrame, cases: Mapping[str, tuple[float, float]]
) -> pd.DataFrame:
    """The 2030 net saving against elasticity, one curve per case (case -> (energy ratio,
    energy share)); the chosen elasticity is always a point of the curves. Columns: ``case``,
    ``energy_ratio``, ``energy_share``, ``elasticity``, ``net_saving_twh``,
    ``gross_saving_twh``, ``rebound_twh``."""
    grid = elasticity_grid(P)
    frames = []
    for case, (r, share) in cases.items():
        s = saving_point(P, dc_electricity, float(r), elasticity=grid, energy_share=share)
        frames.append(
            pd.DataFrame(
                {
                    "case": case,
                    "energy_ratio": float(r),
                    "energy_share": float(share),
                    "elasticity": grid,
                    "net_saving_twh": s["net_saving_twh"],
                    "gross_saving_twh": np.broadcast_to(s["gross_saving_twh"], grid.shape),
                    "rebound_twh": s["rebound_twh"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------- its uncertainty
#: Relative half-width of the declared range of each share around its point value: the
#: share runs from ``value * (1 - spread)`` to ``value * (1 + spread)`` (clipped to [0, 1]).
#: Shares without a source (AI's share, the noise-tolerant share, the matrix products'
#: share) +-50 %; shares resting on one company's report (inference's share of AI energy,
#: Patterson et al. 2022; the accelerators' share, Elsworth et al. 2025) +-1/3.
SHARE_SPREAD = {
    "ai_share": 0.5,
    "inference_share": 1.0 / 3.0,
    "addressable_share": 0.5,
    "accelerator_share": 1.0 / 3.0,
    "matmul_share": 0.5,
}
#: Energy ratios: a sequence or an array of floats.
Ratios = Sequence[float] | np.ndarray
#: The uncertain inputs of :func:`saving_model`, in order.
SAVING_INPUTS = (
    "ai_share",
    "inference_share",
    "addressable_share",
    "accelerator_share",
    "matmul_share",
    "energy_ratio",
    "elasticity",
)


def _share_dist(value: float, spread: float) -> Dist:
    low, high = max(0.0, value * (1 - spread)), min(1.0, value * (1 + spread))
    return PERT(low, value, high) if high > low else Fixed(float(value))


def elasticity_prior(mode: float, upper: float) -> Dist:
    """The rebound chapter's prior: PERT(0, mode, max(upper, mode)); fixed at 0 if both
    are 0."""
    high = max(float(upper), float(mode))
    return PERT(0.0, float(mode), high) if high > 0.0 else Fixed(0.0)


def ratio_prior(ratios: Ratios) -> Dist:
    """Log-uniform over the span of ``ratios`` (the ideal core and every measured chip):
    every factor in between taken as equally likely; fixed if they coincide."""
    lo, hi = float(min(ratios)), float(max(ratios))
    if lo <= 0:
        raise ValueError("energy ratios must be positive")
    return LogUniform(lo, hi) if hi > lo else Fixed(lo)


def saving_distributions(
    P: Params,
    ratios: Ratios,
    *,
    elasticity_max: float | None = None,
    spreads: Mapping[str, float] | None = None,
) -> dict[str, Dist]:
    """The declared distributions of the 2030 saving's uncertain inputs at the chapter's
    parameters.

    - each share ~ PERT with its mode at its value and the range of :data:`SHARE_SPREAD`
      (``spreads`` overrides it); a share of 0 or a zero spread is fixed;
    - ``energy_ratio`` (achieved analog / digital energy) ~ :func:`ratio_prior` over
      ``ratios``;
    - ``elasticity`` ~ :func:`elasticity_prior` (``P.elasticity``, ``P.elasticity_max`` or
      ``elasticity_max``).
    """
    sp = {**SHARE_SPREAD, **(dict(spreads) if spreads else {})}
    upper = P.elasticity_max if elasticity_max is None else elasticity_max
    out = {name: _share_dist(float(getattr(P, name)), sp[name]) for name in SAVING_INPUTS[:5]}
    out["energy_ratio"] = ratio_prior(ratios)
    out["elasticity"] = elasticity_prior(P.elasticity, upper)
    return out


def saving_model(
    ai_share,
    inference_share,
    addressable_share,
    accelerator_share,
    matmul_share,
    energy_ratio,
    elasticity,
    *,
    energy_twh: float,
    energy_share: float,
) -> dict[str, np.ndarray]:
    """The vectorized model of the saving's Monte Carlo: :func:`analog_saving` on arrays.

    Returns its quantities as arrays, with ``loss``: 1.0 where analog adds electricity (net
    saving < 0), and ``erased``: 1.0 where the rebound takes back a positive gross saving
    whole (net <= 0 < gross).
    """
    s = analog_saving(
        energy_twh,
        ai_share,
        inference_share,
        addressable_share,
        energy_ratio,
        replaceable_share=np.asarray(accelerator_share) * np.asarray(matmul_share),
        elasticity=elasticity,
        energy_share=energy_share,
    )
    out = {k: np.asarray(v, dtype=float) for k, v in s.items()}
    out["loss"] = (out["net_saving_twh"] < 0).astype(float)
    out["erased"] = ((out["gross_saving_twh"] > 0) & (out["net_saving_twh"] <= 0)).astype(float)
    return out


def saving_uncertainty(
    dists: Mapping[str, Dist],
    energy_twh: float,
    n: int,
    seed: int,
    *,
    energy_share: float,
    with_tornado: bool = True,
) -> dict[str, Any]:
    """Seeded Monte Carlo of the 2030 saving under ``dists`` (see :func:`saving_distributions`).

    Returns ``net`` and ``gross`` (:func:`energybook.uncertainty.summarize` of the net and
    gross saving, TWh), ``p_loss`` (probability that analog adds electricity), ``p_erased``
    (that the rebound takes back a positive gross saving whole), ``at_medians`` (the net
    saving with every input at its median), ``tornado`` (one row per input, ranked by swing
    of the net saving; None without ``with_tornado``) and ``samples``.
    """
    fixed = {"energy_twh": float(energy_twh), "energy_share": float(energy_share)}
    res = monte_carlo(saving_model, dists, n, seed, fixed=fixed)
    med: dict[str, Any] = {k: np.asarray(v) for k, v in medians(dists).items()}
    tor = (
        tornado(saving_model, dists, fixed=fixed, output="net_saving_twh") if with_tornado else None
    )
    return {
        "net": summarize(res["net_saving_twh"]),
        "gross": summarize(res["gross_saving_twh"]),
        "p_loss": probability(res["loss"] > 0.5),
        "p_erased": probability(res["erased"] > 0.5),
        "at_medians": float(saving_model(**{**med, **fixed})["net_saving_twh"]),
        "tornado": tor,
        "samples": res,
    }


def run_saving_uncertainty(
    P: Params, ratios_measured: Ratios, dc_electricity: pd.DataFrame
) -> dict[str, Any]:
    """:func:`saving_uncertainty` at the chapter's parameters: the achieved ratio spans the
    measured chips only (``ratios_measured``, every peer-reviewed chip against the best GPU,
    one basis: chip against board); ``P.n_draws`` draws seeded by ``P.seed``. Adds
    ``distributions``."""
    dists = saving_distributions(P, ratios_measured)
    out = saving_uncertainty(
        dists,
        dc_energy_twh(dc_electricity, case=P.dc_case),
        int(P.n_draws),
        int(P.seed),
        energy_share=P.energy_share,
    )
    out["distributions"] = dists
    return out


#: Ratio priors of :func:`prior_dependence`: the measured chips (the default), the best chip
#: only, and the modelled ideal core down to the worst chip (an upper bound: the ideal core
#: is a model against the model's digital MAC, not a measured chip against a board).
RATIO_PRIORS = ("measured", "best chip", "ideal core")


def prior_dependence(
    P: Params,
    ratio_ideal: float,
    ratios_measured: Ratios,
    dc_electricity: pd.DataFrame,
    scenarios: Sequence[tuple[str, float, float]],
    *,
    n: int = 20000,
) -> pd.DataFrame:
    """How the Monte Carlo's answer moves with its priors and the energy share of cost: one
    run of ``n`` draws per scenario ``(ratio_prior, elasticity_max, energy_share)``, the
    ratio prior one of :data:`RATIO_PRIORS`. Columns: ``ratio_prior``, ``ratio_low``,
    ``ratio_high``, ``elasticity_max``, ``energy_share``, ``p_loss``, ``p_erased``,
    ``p05_twh``, ``median_twh``, ``p95_twh``."""
    energy = dc_energy_twh(dc_electricity, case=P.dc_case)
    rows = []
    for prior, e_max, share in scenarios:
        if prior not in RATIO_PRIORS:
            raise ValueError(f"ratio prior must be one of {RATIO_PRIORS}, not {prior!r}")
        ratios = {
            "measured": list(ratios_measured),
            "best chip": [min(ratios_measured)],
            "ideal core": [ratio_ideal, *ratios_measured],
        }[prior]
        dists = saving_distributions(P, ratios, elasticity_max=e_max)
        mc = saving_uncertainty(
            dists, energy, n, int(P.seed), energy_share=share, with_tornado=False
        )
        rows.append(
            {
                "ratio_prior": prior,
                "ratio_low": min(ratios),
                "ratio_high": max(ratios),
                "elasticity_max": float(e_max),
                "energy_share": float(share),
                "p_loss": mc["p_loss"],
                "p_erased": mc["p_erased"],
                "p05_twh": mc["net"]["p05"],
                "median_twh": mc["net"]["median"],
                "p95_twh": mc["net"]["p95"],
            }
        )
    return pd.DataFrame(rows)
