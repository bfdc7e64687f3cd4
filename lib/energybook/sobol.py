"""Sobol indices of a function of several inputs: the core that chapters and the
``energybook sensitivity`` command share.

The first-order index ``S1`` of an input is the share of the output's variance it explains
alone; the total index ``ST`` the share it explains with all its interactions. The
estimators are SALib's (Saltelli's sampling, Jansen's estimators) with bootstrap confidence
intervals (Herman and Usher 2017; Saltelli et al. 2010); nothing is hand-written here.
A chapter's page computes the indices of its main headline with its own vectorised model;
``energybook.sensitivity`` does it for any chapter through its headline function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Problem:
    """The parameters varied and their ranges (uniform on each range)."""

    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    integer: tuple[bool, ...]

    def salib(self) -> dict[str, Any]:
        return {
            "num_vars": len(self.names),
            "names": list(self.names),
            "bounds": [list(b) for b in self.bounds],
        }


def sample(prob: Problem, n: int, seed: int = 20260101) -> np.ndarray:
    """Saltelli's sample: ``n * (k + 2)`` rows for ``k`` parameters (first and total
    indices only). ``n`` must be a power of two."""
    from SALib.sample import sobol as sobol_sample

    if n < 2 or n & (n - 1):
        raise ValueError(f"the sample size must be a power of two of at least 2 (got {n})")
    x = sobol_sample.sample(prob.salib(), n, calc_second_order=False, seed=seed)
    for j, is_int in enumerate(prob.integer):
        if is_int:
            x[:, j] = np.round(x[:, j])
    return x


def analyze(
    prob: Problem, y: np.ndarray, *, seed: int = 20260101, num_resamples: int = 200
) -> pd.DataFrame:
    """First-order and total indices with 95% bootstrap intervals, one row per parameter."""
    from SALib.analyze import sobol as sobol_analyze

    y = np.asarray(y, dtype=float)
    if np.allclose(y, y[0]):
        return pd.DataFrame(
            {"parameter": prob.names, "S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0}
        )
    res = sobol_analyze.analyze(
        prob.salib(),
        y,
        calc_second_order=False,
        num_resamples=num_resamples,
        conf_level=0.95,
        seed=seed,
    )
    return pd.DataFrame(
        {
            "parameter": prob.names,
            "S1": res["S1"],
            "S1_conf": res["S1_conf"],
            "ST": res["ST"],
            "ST_conf": res["ST_conf"],
        }
    )


def separated(indices: pd.DataFrame) -> bool:
    """Do the intervals of the total indices separate the most influential parameter from
    the next one? (False: N is too small to rank them.)"""
    top = indices.sort_values("ST", ascending=False).head(2)
    if len(top) < 2:
        return True
    a, b = top.iloc[0], top.iloc[1]
    return bool(a["ST"] - a["ST_conf"] > b["ST"] + b["ST_conf"])


def sobol(
    f: Callable[[np.ndarray], np.ndarray], prob: Problem, n: int, seed: int = 20260101
) -> pd.DataFrame:
    """Sobol indices of a vectorised function ``f(X) -> y`` (X: one row per sample)."""
    x = sample(prob, n, seed)
    return analyze(prob, f(x), seed=seed)


def of_parameters(
    f: Callable[[Any], float],
    P: Any,
    ranges: dict[str, tuple[float, float]],
    n: int,
    seed: int = 20260101,
    *,
    batch: Callable[[Any], np.ndarray] | None = None,
) -> pd.DataFrame:
    """Sobol indices of ``f(P)`` (one headline of a chapter) with respect to the parameters
    named in ``ranges``, each varied uniformly over its range, the others held at ``P``.
    ``P`` is a chapter's frozen parameter dataclass; integer parameters are rounded.

    ``batch``: the same function of every sample at once (``f`` vectorised), given one
    namespace whose varied fields are arrays (one value a sample) and whose other fields
    are ``P``'s; it must return what ``f`` returns for each sample, one value a sample. It is
    used where no varied parameter is an integer, instead of one call of ``f`` a sample."""
    import dataclasses

    names = tuple(ranges)
    kinds = {fl.name: fl.type for fl in dataclasses.fields(P)}
    integer = tuple(kinds[name] in (int, "int") for name in names)
    prob = Problem(names, tuple((float(lo), float(hi)) for lo, hi in ranges.values()), integer)
    x = sample(prob, n, seed)
    if batch is not None and not any(integer):
        from types import SimpleNamespace

        fields = {fl.name: getattr(P, fl.name) for fl in dataclasses.fields(P)}
        fields.update({name: x[:, j].copy() for j, name in enumerate(names)})
        y = np.asarray(batch(SimpleNamespace(**fields)), dtype=float)
        if y.shape != (len(x),):
            raise ValueError(f"a batch function returned shape {y.shape}, not ({len(x)},)")
        return analyze(prob, y, seed=seed)

    def one(row: np.ndarray) -> float:
        values = {
            name: (int(v) if is_int else float(v))
            for name, v, is_int in zip(names, row, integer, strict=True)
        }
        return float(f(dataclasses.replace(P, **values)))

    y = np.array([one(row) for row in x])
    return analyze(prob, y, seed=seed)
