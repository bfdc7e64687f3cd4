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
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from energybook import chapters, sweep
from energybook.params import ParameterError
from energybook.sobol import Problem, analyze, sample, separated


def problem(
    chapter: str, names: Sequence[str] | None = None, base: Mapping[str, Any] | None = None
) -> Problem:
    """The Sobol problem of ``chapter``: the chosen numeric parameters (default: every
    numeric one with a range) and their ranges."""
    spec = chapters.get(chapter)
    page = importlib.import_module(f"energybook.chapters.{chapter}.page")
    values = spec.params.validate(base or {}, context=f"chapter {chapter!r}")
    declared: dict[str, tuple[float, float]] = {}
    ranges_fn = getattr(page, "sensitivity_ranges", None)
    if ranges_fn is not None:
        declared = dict(ranges_fn(spec.typed(values)))
    numeric = [
        p.name
        for p in spec.params
        if p.type in ("float", "int")
        and (p.name in declared or (p.min is not None and p.max is not None))
        and p.name not in ("seed", "n_draws")
    ]
    chosen = list(names) if names else [n for n in numeric if n in declared] or numeric
    allowed = ", ".join(numeric) or "none (this chapter has no numeric parameter with a range)"
    problems = []
    for n in chosen:
        if n not in spec.params.names:
            problems.append(f"chapter {chapter!r}: unknown parameter {n!r}; allowed: {allowed}")
        elif n not in numeric:
            problems.append(
                f"chapter {chapter!r}: {n!r} cannot be varied by a Sobol analysis "
                f"(it needs a numeric parameter with a range); allowed: {allowed}"
            )
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
    return Problem(
        tuple(chosen), tuple(bounds), tuple(spec.params[n].type == "int" for n in chosen)
    )


def chapter_indices(
    chapter: str,
    n: int,
    names: Sequence[str] | None = None,
    *,
    base: Mapping[str, Any] | None = None,
    seed: int = 20260101,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
) -> pd.DataFrame:
    """Sobol indices of every headline of ``chapter``: one row per (headline, parameter),
    with ``S1``, ``ST``, their 95% intervals and whether the total indices separate."""
    prob = problem(chapter, names, base)
    try:
        x = sample(prob, n, seed)
    except ValueError as e:
        raise ParameterError([f"--samples: {e}"]) from None
    points = [
        {
            name: (int(v) if is_int else float(v))
            for name, v, is_int in zip(prob.names, row, prob.integer, strict=True)
        }
        for row in x
    ]
    full = sweep.validate_points(chapter, points, base)
    results = sweep.evaluate_points(
        chapter, full, workers=workers, scheduler=scheduler, client=client
    )
    frames = []
    for headline in results[0]:
        y = np.array([r[headline] for r in results])
        idx = analyze(prob, y, seed=seed)
        idx.insert(0, "headline", headline)
        idx["separated"] = separated(idx)
        frames.append(idx)
    return pd.concat(frames, ignore_index=True)
