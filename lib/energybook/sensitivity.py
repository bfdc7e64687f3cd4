"""Global sensitivity: first-order and total Sobol indices of a chapter's headlines.

One-at-a-time sensitivity (a tornado chart) misses interactions: in the rebound model the
elasticity matters only when hardware cost falls fast. Sobol indices split the variance of
a headline over the chosen parameters: the first-order index ``S1`` is the share explained
by a parameter alone, the total index ``ST`` the share it explains including every
interaction. The estimators are SALib's (Saltelli's sampling, Jansen's estimators), with
bootstrap confidence intervals; nothing is hand-written here.

Ranges come from the chapter's page (``page.sensitivity_ranges(P)``, where the chapter
declares plausible ranges or distributions for its uncertain inputs), else from each
parameter's declared ``min`` and ``max``. Every sample point is validated like a run.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from energybook import chapters, sweep
from energybook.params import ParameterError


@dataclass(frozen=True)
class Problem:
    """The parameters varied and their ranges (uniform on each range)."""

    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    integer: tuple[bool, ...]

    def salib(self) -> dict[str, Any]:
        return {"num_vars": len(self.names), "names": list(self.names),
                "bounds": [list(b) for b in self.bounds]}


def problem(chapter: str, names: Sequence[str] | None = None,
            base: Mapping[str, Any] | None = None) -> Problem:
    """The Sobol problem of ``chapter``: the chosen numeric parameters (default: every
    numeric one with a range) and their ranges."""
    spec = chapters.get(chapter)
    page = importlib.import_module(f"energybook.chapters.{chapter}.page")
    values = spec.params.validate(base or {}, context=f"chapter {chapter!r}")
    declared: dict[str, tuple[float, float]] = {}
    ranges_fn = getattr(page, "sensitivity_ranges", None)
    if ranges_fn is not None:
        declared = dict(ranges_fn(spec.typed(values)))
    numeric = [p.name for p in spec.params if p.type in ("float", "int")
               and (p.name in declared or (p.min is not None and p.max is not None))
               and p.name not in ("seed", "n_draws")]
    chosen = list(names) if names else [n for n in numeric if n in declared] or numeric
    allowed = ", ".join(numeric) or "none (this chapter has no numeric parameter with a range)"
    problems = []
    for n in chosen:
        if n not in spec.params.names:
            problems.append(f"chapter {chapter!r}: unknown parameter {n!r}; allowed: {allowed}")
        elif n not in numeric:
            problems.append(f"chapter {chapter!r}: {n!r} cannot be varied by a Sobol analysis "
                            f"(it needs a numeric parameter with a range); allowed: {allowed}")
    if len(chosen) < 2 and not problems:
        problems.append("a Sobol analysis needs at least two parameters")
    if problems:
        raise ParameterError(problems)
    bounds = []
    for n in chosen:
        p = spec.params[n]
        lo, hi = declared.get(n, (p.min, p.max))
        assert lo is not None and hi is not None
        bounds.append((float(lo), float(hi)))
    return Problem(tuple(chosen), tuple(bounds),
                   tuple(spec.params[n].type == "int" for n in chosen))


def sample(prob: Problem, n: int, seed: int = 20260101) -> np.ndarray:
    """Saltelli's sample: ``n * (k + 2)`` rows for ``k`` parameters (first and total
    indices only). ``n`` must be a power of two."""
    from SALib.sample import sobol as sobol_sample

    if n < 2 or n & (n - 1):
        raise ParameterError([f"--samples must be a power of two of at least 2 (got {n})"])
    x = sobol_sample.sample(prob.salib(), n, calc_second_order=False, seed=seed)
    for j, is_int in enumerate(prob.integer):
        if is_int:
            x[:, j] = np.round(x[:, j])
    return x


def analyze(prob: Problem, y: np.ndarray, *, seed: int = 20260101,
            num_resamples: int = 200) -> pd.DataFrame:
    """First-order and total indices with 95% bootstrap intervals, one row per parameter."""
    from SALib.analyze import sobol as sobol_analyze

    y = np.asarray(y, dtype=float)
    if np.allclose(y, y[0]):
        return pd.DataFrame({"parameter": prob.names, "S1": 0.0, "S1_conf": 0.0,
                             "ST": 0.0, "ST_conf": 0.0})
    res = sobol_analyze.analyze(prob.salib(), y, calc_second_order=False,
                                num_resamples=num_resamples, conf_level=0.95, seed=seed)
    return pd.DataFrame({"parameter": prob.names, "S1": res["S1"], "S1_conf": res["S1_conf"],
                         "ST": res["ST"], "ST_conf": res["ST_conf"]})


def separated(indices: pd.DataFrame) -> bool:
    """Do the intervals of the total indices separate the most influential parameter from
    the next one? (False: N is too small to rank them.)"""
    top = indices.sort_values("ST", ascending=False).head(2)
    if len(top) < 2:
        return True
    a, b = top.iloc[0], top.iloc[1]
    return bool(a["ST"] - a["ST_conf"] > b["ST"] + b["ST_conf"])


def sobol(f: Callable[[np.ndarray], np.ndarray], prob: Problem, n: int,
          seed: int = 20260101) -> pd.DataFrame:
    """Sobol indices of a vectorised function ``f(X) -> y`` (X: one row per sample)."""
    x = sample(prob, n, seed)
    return analyze(prob, f(x), seed=seed)


def chapter_indices(chapter: str, n: int, names: Sequence[str] | None = None, *,
                    base: Mapping[str, Any] | None = None, seed: int = 20260101,
                    workers: int | None = None, scheduler: str | None = None
                    ) -> pd.DataFrame:
    """Sobol indices of every headline of ``chapter``: one row per (headline, parameter),
    with ``S1``, ``ST``, their 95% intervals and whether the total indices separate."""
    prob = problem(chapter, names, base)
    x = sample(prob, n, seed)
    points = [{name: (int(v) if is_int else float(v))
               for name, v, is_int in zip(prob.names, row, prob.integer, strict=True)}
              for row in x]
    full = sweep.validate_points(chapter, points, base)
    results = sweep.evaluate_points(chapter, full, workers=workers, scheduler=scheduler)
    frames = []
    for headline in results[0]:
        y = np.array([r[headline] for r in results])
        idx = analyze(prob, y, seed=seed)
        idx.insert(0, "headline", headline)
        idx["separated"] = separated(idx)
        frames.append(idx)
    return pd.concat(frames, ignore_index=True)
