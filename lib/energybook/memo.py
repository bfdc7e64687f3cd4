"""A memo keyed on a data table's identity, for checks that a sweep runs thousands of times
against one loaded table (the tables are read once and never changed in place)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

R = TypeVar("R")


def per_table(size: int) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Memoise ``f(table, *rest)`` on the identity of ``table`` and the value of ``rest``,
    keeping at most ``size`` entries (all dropped when full). The table object is held with
    its result, so a new table that reuses a freed object's id is never answered for it; a
    table changed in place is not seen."""

    def decorate(f: Callable[..., R]) -> Callable[..., R]:
        cache: dict[tuple[Any, ...], tuple[Any, R]] = {}

        @wraps(f)
        def memoised(table: Any, *rest: Any) -> R:
            key = (id(table), *rest)
            hit = cache.get(key)
            if hit is not None and hit[0] is table:
                return hit[1]
            result = f(table, *rest)
            if len(cache) >= size:
                cache.clear()
            cache[key] = (table, result)
            return result

        return memoised

    return decorate
