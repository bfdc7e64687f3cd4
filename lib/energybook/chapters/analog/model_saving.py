"""What analog could change: 2030 data-centre electricity saved if a noise-tolerant share of
AI inference ran on analog, how a constant-elasticity rebound takes part of it back, and its
uncertainty (declared distributions, a seeded Monte Carlo and a tornado, with the shared
module :mod:`energybook.uncertainty`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from energybook.chapters.analog.model_mac import energy_ratio, measured_ratio_8, model_kwargs
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


def dc_energy_twh(dc_electricity: pd.DataFrame, *, year: int = 2030, case: str = "IEA Base",
                  scope: str = "World") -> float:
    """The data-centre electricity of one row of the ``dc_electricity`` table (TWh/year)."""
    r = dc_electricity[(dc_electricity["scope"] == scope) & (dc_electricity["year"] == year)
                       & (dc_electricity["case"] == case)]
    if len(r) != 1:
        cases = sorted(dc_electricity.loc[dc_electricity["year"] == year, "case"].unique())
        raise ValueError(f"no single row for {scope} {year} {case!r}; cases: {cases}")
    return float(r["energy_twh"].iloc[0])


def analog_saving(energy_twh, ai_share, inference_share, tolerant_share, energy_ratio, *,
                  elasticity=0.0, energy_share=1.0) -> dict[str, Any]:
    """Energy saved if the noise-tolerant share of AI inference ran on analog.

    ``addressable = energy_twh * ai_share * inference_share * tolerant_share``; analog uses
    ``energy_ratio`` (analog / digital energy for the same work) of it, so the gross saving
    is ``addressable * (1 - energy_ratio)``.

    Rebound, with constant-elasticity demand: the price of the service falls to
    ``p = 1 - energy_share * (1 - energy_ratio)`` of before (``energy_share``: energy's share of
    the service's cost; the rebound chapter's cost ratio with ``efficiency_gain = 1 /
    energy_ratio``), demand grows by ``p ** -elasticity``, and the addressable work uses
    ``addressable * energy_ratio * p ** -elasticity``. Returns ``addressable_twh``,
    ``gross_saving_twh``, ``rebound_twh`` (energy taken back), ``net_saving_twh`` (negative:
    backfire) and ``demand_multiplier``.

    Vectorized: any argument may be a numpy array (the results are then arrays, broadcast
    together); with plain numbers the results are plain floats.
    """
    for name, v in (("ai_share", ai_share), ("inference_share", inference_share),
                    ("tolerant_share", tolerant_share), ("energy_share", energy_share)):
        v = np.asarray(v, dtype=float)
        if not np.all((v >= 0) & (v <= 1)):
            raise ValueError(f"{name} must be in [0, 1]")
    if not (np.all(np.asarray(energy_ratio, dtype=float) > 0)
            and np.all(np.asarray(energy_twh, dtype=float) >= 0)
            and np.all(np.asarray(elasticity, dtype=float) >= 0)):
        raise ValueError("energy_ratio must be positive; energy_twh and elasticity >= 0")
    addressable = energy_twh * ai_share * inference_share * tolerant_share
    gross = addressable * (1 - energy_ratio)
    price = 1 - energy_share * (1 - energy_ratio)
    demand = price ** (-elasticity)
    after = addressable * energy_ratio * demand
    net = addressable - after
    return {"addressable_twh": addressable, "gross_saving_twh": gross,
            "rebound_twh": gross - net, "net_saving_twh": net, "demand_multiplier": demand}


def saving_point(P: Params, dc_electricity: pd.DataFrame, ratio: float,
                 elasticity: Any = None) -> dict[str, Any]:
    """:func:`analog_saving` at the chapter's parameters and the energy ratio ``ratio``
    (``elasticity``: overrides ``P.elasticity``)."""
    return analog_saving(
        dc_energy_twh(dc_electricity, case=P.dc_case), P.ai_share, P.inference_share,
        P.addressable_share, ratio,
        elasticity=P.elasticity if elasticity is None else elasticity,
        energy_share=P.energy_share)


ELASTICITY_GRID = tuple(float(e) for e in np.round(np.arange(0, 2.01, 0.1), 2))


def saving_curves(P: Params, dc_electricity: pd.DataFrame, ratios: Mapping[str, float],
                  elasticities: Iterable[float] = ELASTICITY_GRID) -> pd.DataFrame:
    """The 2030 net saving against elasticity, one curve per analog/digital energy ratio in
    ``ratios`` (case -> ratio); the chosen elasticity is always a point of the curves.
    Columns: ``case``, ``energy_ratio``, ``elasticity``, ``net_saving_twh``,
    ``gross_saving_twh``, ``rebound_twh``."""
    grid = np.array(sorted({round(float(e), 2) for e in elasticities}
                           | {round(float(P.elasticity), 2)}))
    frames = []
    for case, r in ratios.items():
        s = saving_point(P, dc_electricity, float(r), elasticity=grid)
        frames.append(pd.DataFrame({
            "case": case, "energy_ratio": float(r), "elasticity": grid,
            "net_saving_twh": s["net_saving_twh"],
            "gross_saving_twh": np.broadcast_to(s["gross_saving_twh"], grid.shape),
            "rebound_twh": s["rebound_twh"]}))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------- its uncertainty
#: Relative half-width of the declared range of each share around its point value: the
#: share runs from ``value * (1 - spread)`` to ``value * (1 + spread)`` (clipped to [0, 1]).
#: AI's share and the noise-tolerant share have no source (+-50 %); inference's share of AI
#: energy rests on one company's report (Patterson et al. 2022), so +-1/3.
SHARE_SPREAD = {"ai_share": 0.5, "inference_share": 1.0 / 3.0, "addressable_share": 0.5}
#: Upper end of the declared elasticity (at least the point elasticity).
ELASTICITY_MAX = 2.0
#: The uncertain inputs of :func:`saving_model`, in order.
SAVING_INPUTS = ("ai_share", "inference_share", "addressable_share", "energy_ratio",
                 "elasticity")


def _share_dist(value: float, spread: float) -> Dist:
    low, high = max(0.0, value * (1 - spread)), min(1.0, value * (1 + spread))
    return PERT(low, value, high) if high > low else Fixed(float(value))


def saving_distributions(ai_share: float, inference_share: float, addressable_share: float,
                         ratio_ideal: float, ratio_measured: float, elasticity: float, *,
                         elasticity_max: float = ELASTICITY_MAX,
                         spreads: Mapping[str, float] | None = None) -> dict[str, Dist]:
    """The declared distributions of the 2030 saving's uncertain inputs.

    - each share ~ PERT with its mode at the point value and the range of
      :data:`SHARE_SPREAD` (``spreads`` overrides it); a share of 0 or a zero spread is fixed;
    - ``energy_ratio`` (achieved analog / digital energy) ~ log-uniform between the modelled
      ideal core (``ratio_ideal``) and the measured chips' gap (``ratio_measured``);
    - ``elasticity`` ~ PERT(0, ``elasticity``, max(``elasticity_max``, ``elasticity``)):
      most weight near the point value, a tail to strong rebound (fixed at 0 if both are 0).
    """
    sp = {**SHARE_SPREAD, **(dict(spreads) if spreads else {})}
    lo, hi = sorted((float(ratio_ideal), float(ratio_measured)))
    e_high = max(float(elasticity_max), float(elasticity))
    return {
        "ai_share": _share_dist(float(ai_share), sp["ai_share"]),
        "inference_share": _share_dist(float(inference_share), sp["inference_share"]),
        "addressable_share": _share_dist(float(addressable_share), sp["addressable_share"]),
        "energy_ratio": LogUniform(lo, hi) if hi > lo else Fixed(lo),
        "elasticity": PERT(0.0, float(elasticity), e_high) if e_high > 0 else Fixed(0.0),
    }


def saving_model(ai_share, inference_share, addressable_share, energy_ratio, elasticity, *,
                 energy_twh: float, energy_share: float = 1.0) -> dict[str, np.ndarray]:
    """The vectorized model of the saving's Monte Carlo: :func:`analog_saving` on arrays.

    Returns its quantities as arrays, and ``erased``: 1.0 where the rebound takes back the
    whole saving (a positive gross saving, a net saving <= 0), else 0.0.
    """
    s = analog_saving(energy_twh, ai_share, inference_share, addressable_share, energy_ratio,
                      elasticity=elasticity, energy_share=energy_share)
    out = {k: np.asarray(v, dtype=float) for k, v in s.items()}
    out["erased"] = ((out["gross_saving_twh"] > 0)
                     & (out["net_saving_twh"] <= 0)).astype(float)
    return out


def saving_uncertainty(dists: Mapping[str, Dist], energy_twh: float, n: int, seed: int, *,
                       energy_share: float = 1.0) -> dict[str, Any]:
    """Seeded Monte Carlo of the 2030 saving under ``dists`` (see :func:`saving_distributions`).

    Returns ``net`` and ``gross`` (:func:`energybook.uncertainty.summarize` of the net and
    gross saving, TWh: ``median``, ``p05``, ``p95``, ``mean``), ``p_erased`` (probability
    that the rebound erases the saving), ``p_negative`` (probability of a net increase),
    ``at_medians`` (the net saving with every input at its median), ``tornado`` (one row per
    input, ranked by swing of the net saving) and ``samples`` (the draws and outputs).
    """
    fixed = {"energy_twh": float(energy_twh), "energy_share": float(energy_share)}
    res = monte_carlo(saving_model, dists, n, seed, fixed=fixed)
    med: dict[str, Any] = {k: np.asarray(v) for k, v in medians(dists).items()}
    tor = tornado(saving_model, dists, fixed=fixed, output="net_saving_twh")
    return {
        "net": summarize(res["net_saving_twh"]),
        "gross": summarize(res["gross_saving_twh"]),
        "p_erased": probability(res["erased"] > 0.5),
        "p_negative": probability(res["net_saving_twh"] < 0),
        "at_medians": float(saving_model(**{**med, **fixed})["net_saving_twh"]),
        "tornado": tor,
        "samples": res,
    }


def run_saving_uncertainty(P: Params, anchors: Mapping[str, float],
                           dc_electricity: pd.DataFrame, analog_chips: pd.DataFrame,
                           accelerators: pd.DataFrame) -> dict[str, Any]:
    """:func:`saving_uncertainty` at the chapter's parameters: the shares and elasticity
    around their values, the achieved ratio between the modelled ratio at
    ``P.precision_bits`` and :func:`~.model_mac.measured_ratio_8`; ``P.n_draws`` draws seeded
    by ``P.seed``. Adds ``distributions``, ``ratio_ideal`` and ``ratio_measured``."""
    ratio_ideal = energy_ratio(float(P.precision_bits), anchors, **model_kwargs(P))
    ratio_meas = measured_ratio_8(analog_chips, accelerators)
    dists = saving_distributions(P.ai_share, P.inference_share, P.addressable_share,
                                 ratio_ideal, ratio_meas, P.elasticity)
    out = saving_uncertainty(dists, dc_energy_twh(dc_electricity, case=P.dc_case),
                             int(P.n_draws), int(P.seed), energy_share=P.energy_share)
    out.update(distributions=dists, ratio_ideal=float(ratio_ideal), ratio_measured=ratio_meas)
    return out
