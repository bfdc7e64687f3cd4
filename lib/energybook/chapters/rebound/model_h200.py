"""The H100 -> H200 case: memory-bound decoding, and model growth as a rate.

Pure functions over floats and the ``accelerators`` and ``growth_trends`` tables.

The H200's gain in tokens per joule and the growth of models over the same months are two
rates that have nothing to do with each other: models grow whatever chip is sold. So the case
is stated as a comparison of rates (bytes read per token, per year, against tokens per joule,
per year), not as a rebound *caused* by the H200.

References
----------
- Hoffmann, J., et al. (2022). Training compute-optimal large language models.
  arXiv:2203.15556 (compute-optimal parameter count grows about as compute^0.5).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from energybook.chapters.rebound.model import rebound
from energybook.chapters.rebound.model_growth import growth_table

DAYS_PER_YEAR = 365.25


def memory_bound_efficiency_gain(bandwidth_old_tb_s, bandwidth_new_tb_s, power_old_w, power_new_w):
    """Gain in tokens per joule of memory-bound decoding.

    When decoding is limited by memory bandwidth, each step streams the weights (and KV
    cache) once, so tokens/s is proportional to bandwidth; at board power P, J/token is
    proportional to P / bandwidth. Gain = (bw_new / P_new) / (bw_old / P_old).
    """
    return (np.asarray(bandwidth_new_tb_s, float) / power_new_w) / (
        np.asarray(bandwidth_old_tb_s, float) / power_old_w
    )


def bytes_per_token_growth(
    compute_growth_per_year,
    years,
    param_compute_exponent=0.5,
    active_share_change=1.0,
    bytes_per_param_change=1.0,
):
    """Growth of the bytes read per decoded token over ``years``: parameter count grows as
    training compute ** exponent (0.5 compute-optimal: Hoffmann et al. 2022), times the change
    in the share of parameters read per token (mixture-of-experts models read only the active
    experts) and in the bytes stored per parameter (quantisation)."""
    params = np.power(compute_growth_per_year, param_compute_exponent * np.asarray(years, float))
    return (
        params * np.asarray(active_share_change, float) * np.asarray(bytes_per_param_change, float)
    )


def per_year(factor, years):
    """A factor over ``years`` as a factor per year."""
    return np.power(np.asarray(factor, float), 1.0 / np.asarray(years, float))


def breakeven_years(efficiency_gain, bytes_growth_per_year):
    """Years of growth of the bytes read per token that take back a gain ``efficiency_gain``
    in tokens per joule: ``ln k / ln g`` (``inf`` when the bytes do not grow)."""
    k = np.asarray(efficiency_gain, float)
    g = np.asarray(bytes_growth_per_year, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(g > 1.0, np.log(k) / np.log(np.where(g > 1.0, g, 2.0)), np.inf)
    return out if out.ndim else float(out)


def release_gap_years(
    accelerators: pd.DataFrame,
    old: str = "H100 SXM",
    new: str = "H200 SXM",
    date_col: str = "release_date",
) -> float:
    """Years between the two chips' release dates."""
    rows = accelerators.set_index("chip")
    return (
        float((pd.Timestamp(rows.loc[new, date_col]) - pd.Timestamp(rows.loc[old, date_col])).days)
        / DAYS_PER_YEAR
    )


def bandwidth_per_watt_trend(accelerators: pd.DataFrame, vendor: str = "NVIDIA") -> float:
    """Growth per year of memory bandwidth per watt of board power across one vendor's
    data-centre accelerators (log-linear least squares on release date; chips whose power is
    an estimate left out): the trend of memory-bound decoding efficiency."""
    d = accelerators[
        (accelerators["vendor"] == vendor)
        & accelerators["memory_bw_tbps"].notna()
        & accelerators["board_power_w"].notna()
        & accelerators["power_estimated_by"].isna()
    ]
    if len(d) < 3:
        raise ValueError(f"fewer than three {vendor} chips with bandwidth and power")
    t = np.array([pd.Timestamp(x).toordinal() / DAYS_PER_YEAR for x in d["release_date"]])
    y = np.log(d["memory_bw_tbps"].to_numpy(float) / d["board_power_w"].to_numpy(float))
    slope = np.polyfit(t, y, 1)[0]
    return float(math.exp(slope))


def chip_facts(
    accelerators: pd.DataFrame,
    growth_trends: pd.DataFrame,
    old: str = "H100 SXM",
    new: str = "H200 SXM",
    metric: str = "training_compute_notable",
) -> dict[str, float]:
    """What the tables say about the two chips and the models of their time (no
    parameters): ``efficiency_gain`` (k, tokens/J new over old), ``gap_years``,
    ``compute_trend`` (training compute of ``metric``, factor per year) and
    ``fleet_gain_per_year`` (the trend of bandwidth per watt)."""
    rows = accelerators.set_index("chip")
    k = float(
        memory_bound_efficiency_gain(
            rows.loc[old, "memory_bw_tbps"],
            rows.loc[new, "memory_bw_tbps"],
            rows.loc[old, "board_power_w"],
            rows.loc[new, "board_power_w"],
        )
    )
    trend = float(growth_table(growth_trends).set_index("metric").loc[metric, "factor_per_year"])
    return {
        "efficiency_gain": k,
        "gap_years": release_gap_years(accelerators, old, new),
        "compute_trend": trend,
        "fleet_gain_per_year": bandwidth_per_watt_trend(accelerators),
    }


def h200_case(
    facts: dict[str, float],
    param_compute_exponent: float,
    active_share_change: float = 1.0,
    bytes_per_param_change: float = 1.0,
    elasticity: float = 1.0,
    energy_share: float = 1.0,
) -> dict[str, float]:
    """The H100 -> H200 case as plain floats, from :func:`chip_facts` and the parameters.

    Keys: those of :func:`chip_facts`; ``j_per_token_saving`` (1 - 1/k); ``bytes_growth``
    (bytes read per token over the gap); ``bytes_growth_per_year``;
    ``efficiency_gain_per_year`` (k per year of the gap); ``breakeven_years`` (of bytes
    growth that take the gain back); ``energy_per_token_ratio`` (new chip and grown model
    over old chip and old model); ``rebound_energy`` (the energy-cost rebound: only the
    energy part, ``energy_share`` of the cost per token, falls by k, against the
    counterfactual of the same tokens served on the H100 at the same hardware cost per
    token; about elasticity x energy share for a small gain).
    """
    k, gap = facts["efficiency_gain"], facts["gap_years"]
    g = float(
        bytes_per_token_growth(
            facts["compute_trend"],
            gap,
            param_compute_exponent,
            active_share_change,
            bytes_per_param_change,
        )
    )
    g_year = float(per_year(g, gap))
    return {
        **facts,
        "j_per_token_saving": 1.0 - 1.0 / k,
        "bytes_growth": g,
        "bytes_growth_per_year": g_year,
        "efficiency_gain_per_year": float(per_year(k, gap)),
        "breakeven_years": float(breakeven_years(k, g_year)),
        "energy_per_token_ratio": g / k,
        "rebound_energy": float(rebound(k, elasticity, energy_share, 1.0)),
    }


def bytes_growth_grid(
    compute_growth_per_year: float,
    years: float,
    param_compute_exponent: float,
    active_share_changes: ArrayLike,
    bytes_per_param_changes: ArrayLike,
) -> pd.DataFrame:
    """Bytes read per token, growth per year, over a grid of active-share and
    bytes-per-parameter changes. Columns ``active_share_change``, ``bytes_per_param_change``,
    ``bytes_growth_per_year``."""
    a, b = np.meshgrid(
        np.asarray(active_share_changes, float), np.asarray(bytes_per_param_changes, float)
    )
    g = bytes_per_token_growth(compute_growth_per_year, years, param_compute_exponent, a, b)
    return pd.DataFrame(
        {
            "active_share_change": a.ravel(),
            "bytes_per_param_change": b.ravel(),
            "bytes_growth_per_year": per_year(g, years).ravel(),
        }
    )
