"""The H100 -> H200 case: memory-bound decoding, and the model growth over the same period.

Pure functions over floats and the ``accelerators`` and ``growth_trends`` tables.

References
----------
- Hoffmann, J., et al. (2022). Training compute-optimal large language models.
  arXiv:2203.15556 (compute-optimal parameter count grows about as compute^0.5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from energybook.chapters.rebound.model import rebound
from energybook.chapters.rebound.model_growth import growth_table


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

    Keys: ``efficiency_gain`` (k, tokens/J new over old); ``j_per_token_saving``
    (1 - 1/k); ``model_growth`` (g); ``energy_per_token_ratio`` (after model growth, new
    chip over old chip with the old model: g / k); ``rebound_model_growth``
    ((g - 1)/(k - 1): share of the saving taken back by the larger model);
    ``rebound_price`` (price channel alone: at an unchanged price per chip-hour both energy
    and hardware cost per token fall by k, so the cost falls by k whatever the energy share
    and rebound = (k**e - 1)/(k - 1)).
    """
    k = float(memory_bound_efficiency_gain(bandwidth_old_tb_s, bandwidth_new_tb_s,
                                           power_old_w, power_new_w))
    g = float(model_growth)
    return {
        "efficiency_gain": k,
        "j_per_token_saving": 1.0 - 1.0 / k,
        "model_growth": g,
        "energy_per_token_ratio": g / k,
        "rebound_model_growth": (g - 1.0) / (k - 1.0),
        "rebound_price": float(rebound(k, elasticity, 1.0, k)),
    }


def _year_of(value) -> int:
    return int(getattr(value, "year", value))


def release_gap_years(accelerators: pd.DataFrame, old: str = "H100 SXM",
                      new: str = "H200 SXM", date_col: str = "release_date") -> int:
    """Years between the two chips' release years."""
    rows = accelerators.set_index("chip")
    return _year_of(rows.loc[new, date_col]) - _year_of(rows.loc[old, date_col])


def h200_model_growth(accelerators: pd.DataFrame, growth_trends: pd.DataFrame,
                      param_compute_exponent: float, old: str = "H100 SXM",
                      new: str = "H200 SXM", metric: str = "training_compute_notable"
                      ) -> float:
    """Model (parameter) growth between the two chips' release years, from the training-
    compute trend ``metric`` of ``growth_trends`` and the parameter-compute exponent."""
    years = release_gap_years(accelerators, old, new)
    trend = growth_table(growth_trends).set_index("metric")
    return float(model_growth_factor(trend.loc[metric, "factor_per_year"], years,
                                     param_compute_exponent))


def h100_h200_from_table(accelerators: pd.DataFrame, model_growth: float,
                         elasticity: float = 1.0, old: str = "H100 SXM", new: str = "H200 SXM",
                         bandwidth_col: str = "memory_bw_tbps", power_col: str = "board_power_w"
                         ) -> dict[str, float]:
    """:func:`h100_h200_case` reading bandwidth and power from the accelerators table."""
    rows = accelerators.set_index("chip")
    return h100_h200_case(float(rows.loc[old, bandwidth_col]), float(rows.loc[new, bandwidth_col]),
                          float(rows.loc[old, power_col]), float(rows.loc[new, power_col]),
                          model_growth, elasticity)


def model_growth_curve(efficiency_gain: float, model_growths) -> pd.DataFrame:
    """Energy per token (new chip, grown model, relative to old chip and old model) and
    rebound against model growth. Columns: ``model_growth``, ``energy_per_token_ratio``,
    ``rebound``, ``backfire``."""
    g = np.asarray(model_growths, dtype=float)
    return pd.DataFrame({"model_growth": g, "energy_per_token_ratio": g / efficiency_gain,
                         "rebound": (g - 1.0) / (efficiency_gain - 1.0),
                         "backfire": g > efficiency_gain})
