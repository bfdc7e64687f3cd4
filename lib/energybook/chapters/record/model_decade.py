"""The efficiency decade as a model: energy = demand x (IT energy per unit of demand) x PUE.

Pure functions over the ``dc_efficiency_decade`` table. The factors that were observed are
taken as observed; the one left over is *defined* by the identity (energy divided by the
others), so it is an accounting residual, not an independent measurement. The additive
decomposition is the logarithmic mean Divisia index (LMDI-I, Ang 2004; the book's one
implementation, :mod:`energybook.decompose`): its contributions add up to the change in
energy exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from energybook import decompose

# The factors, in the order the identity multiplies them.
DEMAND = "Demand (compute instances)"
CONSOLIDATION = "Servers per compute instance"
IT_PER_SERVER = "IT energy per server (residual)"
IT_PER_DEMAND = "IT energy per unit of demand (residual)"
IT_ENERGY = "IT energy, demand and efficiency together (residual)"
PUE = "Facility overhead (PUE)"


# Other measures of demand (not factors of the identity): energy per unit of each is shown
# beside energy per compute instance.
OTHER_DEMAND = ("ip_traffic", "storage_capacity")


def _value(r: Mapping) -> float:
    """The row's value; where only a range is published, its geometric midpoint (the
    chapter's one midpoint rule)."""
    v = r["value"]
    if v is not None and not (isinstance(v, float) and math.isnan(v)):
        return float(v)
    lo, hi = r.get("low"), r.get("high")
    if lo is None or hi is None or math.isnan(float(lo)) or math.isnan(float(hi)):
        raise ValueError(f"{r['period']} {r['year']} {r['quantity']}: no value and no range")
    return math.sqrt(float(lo) * float(hi))


def period_ranges(table: pd.DataFrame, period: str) -> dict[str, tuple[float, float]]:
    """quantity -> (low, high) of the last-year value where the source publishes a range
    (the first-year values of the periods have none)."""
    out = {}
    t = table[(table["period"] == period)]
    last = int(t["year"].max())
    for r in t[t["year"] == last].to_dict("records"):
        lo, hi = r.get("low"), r.get("high")
        if lo is not None and hi is not None and not (math.isnan(lo) or math.isnan(hi)):
            out[str(r["quantity"])] = (float(lo), float(hi))
    return out


def period_inputs(table: pd.DataFrame, period: str) -> dict[str, tuple[float, float]]:
    """quantity -> (first-year value, last-year value) for one period."""
    cols = [c for c in ("period", "year", "quantity", "value", "low", "high") if c in table.columns]
    rows = [r for r in table[cols].to_dict("records") if r["period"] == period]
    if not rows:
        raise ValueError(f"no rows for period {period!r}")
    years = sorted({int(r["year"]) for r in rows})
    if len(years) != 2:
        raise ValueError(f"period {period!r} needs exactly two years, has {years}")
    values: dict[str, dict[int, float]] = {}
    for r in rows:
        values.setdefault(str(r["quantity"]), {})[int(r["year"])] = _value(r)
    out = {}
    for q, v in values.items():
        if set(v) != set(years):
            raise ValueError(f"period {period!r}: {q} lacks a value for one of {years}")
        out[q] = (v[years[0]], v[years[1]])
    if "energy" not in out:
        raise ValueError(f"period {period!r} has no energy values")
    return out


def identity_factors(
    inputs: Mapping[str, tuple[float, float]],
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
    residual = (
        IT_PER_SERVER if CONSOLIDATION in start else IT_PER_DEMAND if DEMAND in start else IT_ENERGY
    )
    for values, e in ((start, e0), (end, e1)):
        rest = math.prod(values.values())
        if not rest > 0:
            raise ValueError("every observed factor must be positive")
        values[residual] = e / rest
    return start, end


def lmdi(start: Mapping[str, float], end: Mapping[str, float]) -> pd.DataFrame:
    """The additive LMDI-I decomposition of the change of the identity's product of factors
    (:func:`energybook.decompose.lmdi`: each factor's contribution is
    L(E_end, E_start) x ln(x_end / x_start); they sum to E_end - E_start), as the chapter's
    table. Columns: ``factor``, ``start``, ``end``, ``ratio``, ``contribution_twh``."""
    if list(start) != list(end):
        raise ValueError("start and end need the same factors in the same order")
    contrib = decompose.lmdi(start, end)
    return pd.DataFrame(
        [
            {
                "factor": k,
                "start": start[k],
                "end": end[k],
                "ratio": end[k] / start[k],
                "contribution_twh": contrib[k],
            }
            for k in start
        ]
    )


def per_year(ratio: float, years: float) -> float:
    """Compound change per year (a fraction) of a ratio over ``years``."""
    if not (ratio > 0 and years > 0):
        raise ValueError("needs a positive ratio and a positive number of years")
    return ratio ** (1.0 / years) - 1.0


def energy_to_demand_range(
    inputs: Mapping[str, tuple[float, float]], ranges: Mapping[str, tuple[float, float]]
) -> tuple[float, float]:
    """Low and high of energy growth over demand growth when the last-year energy is taken
    at the ends of its published range (the first-year values have none)."""
    if "compute_instances" not in inputs:
        raise ValueError("no demand measure in this period")
    e0, e1 = inputs["energy"]
    d0, d1 = inputs["compute_instances"]
    lo, hi = ranges.get("energy", (e1, e1))
    return (lo / e0) / (d1 / d0), (hi / e0) / (d1 / d0)


def summary(inputs: Mapping[str, tuple[float, float]], years: float) -> dict[str, float]:
    """Energy growth, demand growth and their ratio (the change of energy per unit of
    demand, facility overhead included), where demand was observed; the same ratio for the
    other demand measures where they are in the data."""
    e0, e1 = inputs["energy"]
    out = {"energy_ratio": e1 / e0, "energy_per_year": per_year(e1 / e0, years)}
    if "compute_instances" in inputs:
        d0, d1 = inputs["compute_instances"]
        ratio = (e1 / e0) / (d1 / d0)
        out.update(
            {
                "demand_ratio": d1 / d0,
                "energy_to_demand": ratio,
                "energy_per_demand_per_year": per_year(ratio, years),
            }
        )
    for q in OTHER_DEMAND:
        if q in inputs:
            q0, q1 = inputs[q]
            out[f"{q}_ratio"] = q1 / q0
            out[f"energy_to_{q}"] = (e1 / e0) / (q1 / q0)
    if "pue" in inputs:
        p0, p1 = inputs["pue"]
        out["pue_ratio"] = p1 / p0
    return out
