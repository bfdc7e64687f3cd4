"""The efficiency decade as a model: energy = demand x (IT energy per unit of demand) x PUE.

Pure functions over the ``dc_efficiency_decade`` table. The factors that were observed are
taken as observed; the one left over is *defined* by the identity (energy divided by the
others), so it is an accounting residual, not an independent measurement. The additive
decomposition is the logarithmic mean Divisia index (LMDI-I, Ang 2004): its contributions
add up to the change in energy exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

# The factors, in the order the identity multiplies them.
DEMAND = "Demand (compute instances)"
CONSOLIDATION = "Servers per compute instance"
IT_PER_SERVER = "IT energy per server (residual)"
IT_PER_DEMAND = "IT energy per unit of demand (residual)"
IT_ENERGY = "IT energy, demand and efficiency together (residual)"
PUE = "Facility overhead (PUE)"


def period_inputs(table: pd.DataFrame, period: str) -> dict[str, tuple[float, float]]:
    """quantity -> (first-year value, last-year value) for one period."""
    rows = [r for r in table[["period", "year", "quantity", "value"]].to_dict("records")
            if r["period"] == period]
    if not rows:
        raise ValueError(f"no rows for period {period!r}")
    years = sorted({int(r["year"]) for r in rows})
    if len(years) != 2:
        raise ValueError(f"period {period!r} needs exactly two years, has {years}")
    values: dict[str, dict[int, float]] = {}
    for r in rows:
        values.setdefault(str(r["quantity"]), {})[int(r["year"])] = float(r["value"])
    out = {}
    for q, v in values.items():
        if set(v) != set(years):
            raise ValueError(f"period {period!r}: {q} lacks a value for one of {years}")
        out[q] = (v[years[0]], v[years[1]])
    if "energy" not in out:
        raise ValueError(f"period {period!r} has no energy values")
    return out


def identity_factors(inputs: Mapping[str, tuple[float, float]]
                     ) -> tuple[dict[str, float], dict[str, float]]:
    """Start and end values of the factors whose product is the energy, from the observed
    quantities. The last factor is the residual that makes the product exact."""
    e0, e1 = inputs["energy"]
    start: dict[str, float] = {}
    end: dict[str, float] = {}
    if "compute_instances" in inputs:
        start[DEMAND], end[DEMAND] = inputs["compute_instances"]
        if "installed_servers" in inputs:
            s0, s1 = inputs["installed_servers"]
            start[CONSOLIDATION] = s0 / start[DEMAND]
            end[CONSOLIDATION] = s1 / end[DEMAND]
    if "pue" in inputs:
        start[PUE], end[PUE] = inputs["pue"]
    residual = (IT_PER_SERVER if CONSOLIDATION in start
                else IT_PER_DEMAND if DEMAND in start else IT_ENERGY)
    for values, e in ((start, e0), (end, e1)):
        rest = math.prod(values.values())
        if not rest > 0:
            raise ValueError("every observed factor must be positive")
        values[residual] = e / rest
    return start, end


def log_mean(a: float, b: float) -> float:
    """Logarithmic mean L(a, b) = (a - b) / (ln a - ln b), with L(a, a) = a."""
    if not (a > 0 and b > 0):
        raise ValueError("the logarithmic mean needs positive values")
    return a if math.isclose(a, b, rel_tol=1e-12) else (a - b) / (math.log(a) - math.log(b))


def lmdi(start: Mapping[str, float], end: Mapping[str, float]) -> pd.DataFrame:
    """Additive LMDI-I decomposition of the change of a product of factors: each factor's
    contribution is L(E_end, E_start) x ln(x_end / x_start); they sum to E_end - E_start.
    Columns: ``factor``, ``start``, ``end``, ``ratio``, ``contribution_twh``."""
    if list(start) != list(end):
        raise ValueError("start and end need the same factors in the same order")
    e0, e1 = math.prod(start.values()), math.prod(end.values())
    weight = log_mean(e1, e0)
    return pd.DataFrame([{"factor": k, "start": start[k], "end": end[k],
                          "ratio": end[k] / start[k],
                          "contribution_twh": weight * math.log(end[k] / start[k])}
                         for k in start])


def per_year(ratio: float, years: float) -> float:
    """Compound change per year (a fraction) of a ratio over ``years``."""
    if not (ratio > 0 and years > 0):
        raise ValueError("needs a positive ratio and a positive number of years")
    return ratio ** (1.0 / years) - 1.0


def summary(inputs: Mapping[str, tuple[float, float]], years: float) -> dict[str, float]:
    """Energy growth, demand growth and their ratio (the change of energy per unit of
    demand, facility overhead included), where demand was observed."""
    e0, e1 = inputs["energy"]
    out = {"energy_ratio": e1 / e0, "energy_per_year": per_year(e1 / e0, years)}
    if "compute_instances" in inputs:
        d0, d1 = inputs["compute_instances"]
        ratio = (e1 / e0) / (d1 / d0)
        out.update({"demand_ratio": d1 / d0, "energy_to_demand": ratio,
                    "energy_per_demand_per_year": per_year(ratio, years)})
    if "pue" in inputs:
        p0, p1 = inputs["pue"]
        out["pue_ratio"] = p1 / p0
    return out
