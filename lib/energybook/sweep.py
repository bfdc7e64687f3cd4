"""Parameter sweeps: a chapter's headline numbers over a grid of its parameters.

A chapter's headlines are a pure function of its parameters and its data tables,
``page.headlines(page.evaluate(P, tables))``, so a sweep calls that function directly, with
no kernel and no notebook. Every grid point is validated like a run (names, types, ranges,
the chapter's own checks) before anything is computed.

Evaluation runs in-process by default, and vectorised where the chapter allows: a chapter
whose page has ``headlines_batch(Ps, tables)`` (the rebound chapter: its Monte Carlo at many
parameter sets in one numpy evaluation) gets whole chunks of points at once, with the same
numbers as point by point. ``workers=K`` starts a local Dask cluster of K
processes; ``scheduler="tcp://HOST:PORT"`` uses an existing one, so that a large sweep runs on
many machines with no change to the code. Results are identical point for point whatever
the number of workers: each point is a pure function of its parameters (a chapter's Monte
Carlo is seeded by its own ``seed`` parameter), and the rows come back in grid order.
"""

from __future__ import annotations

import importlib
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from energybook import chapters, data
from energybook.params import ParameterError

CHUNK = 64


@dataclass(frozen=True)
class Axis:
    """One swept parameter and its values."""

    name: str
    values: tuple[Any, ...]


def parse_axis(spec_name: str, name: str, text: str) -> Axis:
    """``LO:HI:N`` (N evenly spaced values, ends included) for a number, or ``a,b,c`` (the
    listed values) for any parameter. Raises :class:`ParameterError` naming the problem."""
    spec = chapters.get(spec_name)
    where = f"chapter {spec_name!r}: sweep of {name!r}"
    if name not in spec.params.names:
        import difflib

        close = difflib.get_close_matches(name, spec.params.names, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(
            [
                f"chapter {spec_name!r}: unknown parameter {name!r}{hint}; "
                f"allowed: {', '.join(spec.params.names)}"
            ]
        )
    p = spec.params[name]
    if text.count(":") == 2:
        if p.type not in ("float", "int"):
            raise ParameterError(
                [
                    f"{where}: LO:HI:N needs a numeric parameter; {name!r} is "
                    f"{p.type}: list its values as a,b,c ({p.allowed()})"
                ]
            )
        lo_s, hi_s, n_s = text.split(":")
        try:
            lo, hi, n = float(lo_s), float(hi_s), int(n_s)
        except ValueError:
            raise ParameterError(
                [f"{where}: {text[:80]!r} is not LO:HI:N (two numbers and an integer count)"]
            ) from None
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ParameterError([f"{where}: the ends must be finite numbers"])
        if n < 2:
            raise ParameterError([f"{where}: N must be at least 2 (got {n})"])
        values: list[Any] = list(np.linspace(lo, hi, n))
        if p.type == "int":
            ints = sorted({int(round(v)) for v in values})
            values = ints
        else:
            values = [float(v) for v in values]
        for end in (lo, hi):
            problems = p.check(int(end) if p.type == "int" else float(end))
            if problems:
                raise ParameterError([f"{where}: end {end:g} is out of range: {problems[0]}"])
        return Axis(name, tuple(values))
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise ParameterError([f"{where}: no values given; use LO:HI:N or a,b,c"])
    out = []
    for item in items:
        out.append(p.coerce(item))
    return Axis(name, tuple(out))


def grid(axes: Sequence[Axis], *, zipped: bool = False) -> list[dict[str, Any]]:
    """The points of the grid: the full product of the axes, or (``zipped``) their values
    taken together, which needs axes of one length."""
    names = [a.name for a in axes]
    if len(set(names)) != len(names):
        raise ParameterError([f"a parameter is swept twice: {names}"])
    if zipped:
        lengths = {len(a.values) for a in axes}
        if len(lengths) != 1:
            raise ParameterError(
                [
                    "--zip needs axes of one length; got "
                    + ", ".join(f"{a.name}: {len(a.values)}" for a in axes)
                ]
            )
        combos: Iterable[tuple[Any, ...]] = zip(*(a.values for a in axes), strict=True)
    else:
        combos = itertools.product(*(a.values for a in axes))
    return [dict(zip(names, c, strict=True)) for c in combos]


def grid_size(axes: Sequence[Axis], *, zipped: bool = False) -> int:
    if not axes:
        return 0
    if zipped:
        return len(axes[0].values)
    return math.prod(len(a.values) for a in axes)


def validate_points(
    chapter: str, points: Sequence[Mapping[str, Any]], base: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every point's full, validated parameters (``base`` overrides, then the point). All
    problems are collected; at most 20 are listed, then a count of the rest."""
    spec = chapters.get(chapter)
    tables = data.load_tables(spec.tables)
    out, problems = [], []
    for i, point in enumerate(points):
        try:
            out.append(
                spec.validate(
                    {**(base or {}), **point},
                    context=f"chapter {chapter!r}, point {i}",
                    tables=tables,
                )
            )
        except ParameterError as e:
            problems.extend(e.problems)
    if problems:
        shown = problems[:20]
        if len(problems) > 20:
            shown.append(f"... and {len(problems) - 20} more problems")
        raise ParameterError(shown)
    return out


@lru_cache(maxsize=16)
def _chapter(chapter: str):
    page = importlib.import_module(f"energybook.chapters.{chapter}.page")
    spec = chapters.get(chapter)
    tables = data.load_tables(page.TABLES)
    return spec, page, tables


def headline_function(chapter: str) -> Callable[[Mapping[str, Any]], dict[str, float]]:
    """The chapter's headlines as a function of its full, validated parameters."""
    spec, page, tables = _chapter(chapter)

    def f(values: Mapping[str, Any]) -> dict[str, float]:
        result = page.headlines(page.evaluate(spec.typed(values), tables))
        return {k: float(v) for k, v in result.items()}

    return f


def batch_function(
    chapter: str,
) -> Callable[[Sequence[Mapping[str, Any]]], list[dict[str, float]]] | None:
    """The chapter's headlines of many validated points at once, where its page offers a
    vectorised batch (``page.headlines_batch(Ps, tables)``, the same numbers as
    :func:`headline_function` point by point); ``None`` where it does not."""
    spec, page, tables = _chapter(chapter)
    batch = getattr(page, "headlines_batch", None)
    if batch is None:
        return None

    def f(points: Sequence[Mapping[str, Any]]) -> list[dict[str, float]]:
        results = batch([spec.typed(values) for values in points], tables)
        return [{k: float(v) for k, v in r.items()} for r in results]

    return f


def evaluate_chunk(
    chapter: str, chunk: Sequence[Mapping[str, Any]], batch: bool = True
) -> list[dict[str, float]]:
    """Headlines of each point of ``chunk`` (runs in a worker, or in-process): in one
    vectorised batch where the chapter has one and ``batch``, else point by point."""
    fb = batch_function(chapter) if batch else None
    if fb is not None:
        return fb(chunk)
    f = headline_function(chapter)
    return [f(values) for values in chunk]


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def connect(workers: int | None = None, scheduler: str | None = None):
    """A Dask client: a local cluster of ``workers`` processes, or the cluster at
    ``scheduler``. Dask is imported only here: it is optional for the book's build."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - it is in the lock
        raise ParameterError(
            ["--workers/--scheduler need Dask: pip install 'dask[distributed]'"]
        ) from None
    if scheduler:
        try:
            return Client(scheduler, timeout="5s")
        except (OSError, TimeoutError) as e:
            raise ParameterError(
                [f"cannot reach the Dask scheduler at {scheduler[:80]!r}: {str(e)[:120]}"]
            ) from None
    cluster = LocalCluster(
        n_workers=int(workers or 1), threads_per_worker=1, processes=True, dashboard_address=None
    )
    return Client(cluster)


def evaluate_points(
    chapter: str,
    full: Sequence[Mapping[str, Any]],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    batch: bool = True,
) -> list[dict[str, float]]:
    """Headlines at every validated point, in order: in-process, or on Dask (in chunks of
    :data:`CHUNK` points). ``batch``: each chunk (in-process: the whole grid) in one
    vectorised batch where the chapter has one; the numbers are the same either way."""
    if client is None and not workers and not scheduler:
        return evaluate_chunk(chapter, full, batch)
    own = client is None
    client = client or connect(workers, scheduler)
    try:
        chunks = _chunks(full, CHUNK)
        futures = client.map(
            evaluate_chunk,
            [chapter] * len(chunks),
            chunks,
            [batch] * len(chunks),
            pure=False,
        )
        out: list[dict[str, float]] = []
        for part in client.gather(futures):
            out.extend(part)
        return out
    finally:
        if own:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()


def table(
    axes: Sequence[Axis],
    points: Sequence[Mapping[str, Any]],
    results: Sequence[Mapping[str, float]],
) -> pd.DataFrame:
    """The tidy table of a sweep: one row per point, the swept parameters then every
    headline, in grid order."""
    names = [a.name for a in axes]
    headlines = list(results[0]) if results else []
    rows = [
        {**{n: point[n] for n in names}, **res} for point, res in zip(points, results, strict=True)
    ]
    return pd.DataFrame(rows, columns=names + headlines)


def sweep(
    chapter: str,
    axes: Sequence[Axis],
    *,
    zipped: bool = False,
    base: Mapping[str, Any] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """A tidy table: one row per grid point, the swept parameters then every headline."""
    points = grid(axes, zipped=zipped)
    full = validate_points(chapter, points, base)
    results = evaluate_points(chapter, full, workers=workers, scheduler=scheduler)
    return table(axes, points, results)
