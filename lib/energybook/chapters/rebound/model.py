"""The identity and the rebound of one efficiency gain.

Pure functions over floats and numpy arrays; units in names; no I/O, no text. Growth rates
are fractions per year (``0.28`` = +28 %/yr); "gains" and "factors" are ratios (``1.43`` =
43 % better). Every function that takes arrays broadcasts.

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
- Sorrell, S., & Dimitropoulos, J. (2008). The rebound effect: Microeconomic definitions,
  limitations and extensions. *Ecological Economics*, 65(3), 636-649.
  https://doi.org/10.1016/j.ecolecon.2007.08.013
- Sorrell, S. (2009). Jevons' Paradox revisited: The evidence for backfire from improved
  energy efficiency. *Energy Policy*, 37(4), 1456-1469.
  https://doi.org/10.1016/j.enpol.2008.12.003
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from energybook import units
from energybook.chapters.rebound.params import Params

# =========================================================================== identity


def facility_energy_j(flop, flop_per_j, pue):
    """Facility energy (J) of ``flop`` delivered at ``flop_per_j`` (IT level) and PUE ``pue``."""
    return np.asarray(flop, dtype=float) / flop_per_j * pue


def delivered_flop_per_j(peak_tflops, board_power_w, utilization):
    """Delivered FLOP per joule of a board: peak FLOP/s x utilization / board power."""
    flop_s_per_tflop_s = units.factor("THz", "Hz")  # the tera prefix of a per-second rate
    return np.asarray(peak_tflops, dtype=float) * flop_s_per_tflop_s * utilization / board_power_w


def energy_identity(
    training_flop: float,
    users: float,
    uses_per_user_per_year: float,
    flop_per_use: float,
    flop_per_j: float,
    pue: float,
) -> pd.DataFrame:
    """The identity, split into training and inference.

    energy = compute / efficiency x PUE; inference compute = users x uses x FLOP per use;
    ``flop_per_j`` is the *delivered* efficiency (peak FLOP/J x utilization).

    Returns rows ``training``, ``inference``, ``total`` with columns ``component``,
    ``flop``, ``flop_per_j``, ``energy_twh`` and ``share`` (of total energy).
    """
    inf_flop = float(users) * uses_per_user_per_year * flop_per_use
    e_train = float(units.twh_from_joules(facility_energy_j(training_flop, flop_per_j, pue)))
    e_inf = float(units.twh_from_joules(facility_energy_j(inf_flop, flop_per_j, pue)))
    total = e_train + e_inf
    shares = [e / total if total > 0 else float("nan") for e in (e_train, e_inf)]
    return pd.DataFrame(
        {
            "component": ["training", "inference", "total"],
            "flop": [float(training_flop), inf_flop, float(training_flop) + inf_flop],
            "flop_per_j": [float(flop_per_j), float(flop_per_j), float("nan")],
            "energy_twh": [e_train, e_inf, total],
            "share": [shares[0], shares[1], 1.0],
        }
    )


def identity_example(
    P: Params, accelerators: pd.DataFrame, chip: str = "H100 SXM", peak_col: str = "bf16_tflops"
) -> pd.DataFrame:
    """The identity with the chapter's example: one frontier training run and a year of
    ``users`` x ``uses_per_user_per_day`` x 365.25 uses of ``flop_per_use`` FLOP, delivered on
    ``chip`` at ``utilization`` of its dense peak and PUE ``pue``."""
    row = accelerators.set_index("chip").loc[chip]
    eff = float(
        delivered_flop_per_j(float(row[peak_col]), float(row["board_power_w"]), P.utilization)
    )
    days_per_year = units.factor("year", "day")
    return energy_identity(
        P.training_flop,
        P.users,
        P.uses_per_user_per_day * days_per_year,
        P.flop_per_use,
        eff,
        P.pue,
    )


# =========================================================================== rebound


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


def rebound_curve(
    elasticities: ArrayLike,
    efficiency_gain: float,
    energy_share: float,
    hardware_cost_gain: float = 1.0,
) -> pd.DataFrame:
    """Rebound against elasticity for one energy share of cost.

    Columns: ``elasticity``, ``energy_share``, ``cost_ratio``, ``demand_ratio``,
    ``energy_ratio``, ``rebound`` (fraction), ``backfire`` (bool). Rows: the elasticities.
    """
    e = np.asarray(elasticities, float)
    r = float(cost_ratio(efficiency_gain, energy_share, hardware_cost_gain))
    q = demand_ratio(r, e)
    er = q / efficiency_gain
    return pd.DataFrame(
        {
            "elasticity": e,
            "energy_share": float(energy_share),
            "cost_ratio": r,
            "demand_ratio": q,
            "energy_ratio": er,
            "rebound": rebound(efficiency_gain, e, energy_share, hardware_cost_gain),
            "backfire": er > 1.0,
        }
    )
