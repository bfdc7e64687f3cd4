"""Chapter declarations: one module per chapter, each exposing ``SPEC`` (a ChapterSpec).

A new chapter adds ``specs/<name>.py`` and ``chapters/<name>.ipynb`` and an entry in
``_toc.yml``; the registry below finds the module by itself.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from energybook.params import Param, ParameterError, ParamSet


@dataclass(frozen=True)
class Headline:
    """A headline number of a chapter: glued into its prose and written to results.json."""

    name: str
    unit: str
    description: str
    fmt: str = ".3g"  # format spec used in the headline box and the CLI table

    def __post_init__(self):
        if not self.name.isidentifier():
            raise ValueError(f"headline name {self.name!r} is not an identifier")


@dataclass(frozen=True)
class ChapterSpec:
    name: str
    title: str
    order: int
    summary: str
    params: ParamSet
    headlines: tuple[Headline, ...] = field(default_factory=tuple)
    # Constraints between parameters, or between parameters and the data (e.g. a start
    # year before an end year): a function of the validated values returning one message
    # per problem. Run before anything executes, like the per-parameter checks.
    check: Callable[[dict[str, Any]], list[str]] | None = None

    def validate(self, overrides: Mapping[str, Any] | None, *, context: str = "") -> dict:
        """Every check of the parameters: names, types, ranges, then the chapter's own
        constraints. Raises :class:`ParameterError` with one message per problem."""
        values = self.params.validate(overrides, context=context)
        if self.check is not None:
            problems = self.check(values)
            if problems:
                prefix = f"{context}: " if context else ""
                raise ParameterError([prefix + p for p in problems])
        return values

    @property
    def notebook(self) -> str:
        """Path of the chapter notebook, relative to the repository root."""
        return f"chapters/{self.name}.ipynb"

    def headline(self, name: str) -> Headline:
        for h in self.headlines:
            if h.name == name:
                return h
        raise KeyError(name)


def chapter(name: str, title: str, order: int, summary: str, params: list[Param],
            headlines: list[Headline],
            check: Callable[[dict[str, Any]], list[str]] | None = None) -> ChapterSpec:
    return ChapterSpec(name=name, title=title, order=order, summary=summary,
                       params=ParamSet(tuple(params)), headlines=tuple(headlines),
                       check=check)


@lru_cache(maxsize=1)
def _registry() -> dict[str, ChapterSpec]:
    found: dict[str, ChapterSpec] = {}
    for mod in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{mod.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, ChapterSpec):
            if spec.name != mod.name:
                raise ValueError(f"specs/{mod.name}.py declares chapter {spec.name!r}")
            found[spec.name] = spec
    return dict(sorted(found.items(), key=lambda kv: kv[1].order))


def all_chapters() -> list[ChapterSpec]:
    """Every declared chapter, in book order."""
    return list(_registry().values())


def names() -> list[str]:
    return list(_registry())


def get(name: str) -> ChapterSpec:
    """The spec of chapter ``name``; a clear error with a suggestion if there is none."""
    reg = _registry()
    if name not in reg:
        close = difflib.get_close_matches(name, list(reg), n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(
            [f"unknown chapter {name!r}{hint}; chapters: {', '.join(reg)}"])
    return reg[name]
