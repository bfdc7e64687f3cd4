"""Transition only: chapter declarations not yet moved to ``energybook.chapters.<name>``.

The registry (``energybook.chapters``) reads both; this package goes once every chapter
has its package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from energybook.declare import ChapterSpec, Headline
from energybook.params import Param, ParamSet

__all__ = ["ChapterSpec", "Headline", "all_chapters", "chapter", "get", "names"]


def chapter(name: str, title: str, order: int, summary: str, params: list[Param],
            headlines: list[Headline],
            check: Callable[[dict[str, Any]], list[str]] | None = None) -> ChapterSpec:
    wrapped = None if check is None else (lambda P, tables: check(P))
    return ChapterSpec(name=name, title=title, order=order, summary=summary,
                       params=ParamSet(tuple(params)), headlines=tuple(headlines),
                       check=wrapped)


def get(name: str) -> ChapterSpec:
    from energybook import chapters

    return chapters.get(name)


def all_chapters() -> list[ChapterSpec]:
    from energybook import chapters

    return chapters.all_chapters()


def names() -> list[str]:
    from energybook import chapters

    return chapters.names()
