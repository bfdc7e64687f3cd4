"""What a chapter declares: its parameters (a typed :class:`~energybook.params.ParamsBase`
subclass), its headline numbers, the data tables its checks need, and those checks.

Each chapter package ``energybook.chapters.<name>`` has a ``spec.py`` that builds one
:class:`ChapterSpec` with :func:`chapter`. Everything the reader, the analyst and CI see of a
chapter's parameters comes from that one declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from energybook.params import ParameterError, ParamsBase, ParamSet

# A chapter's constraint check: the typed parameters and the data tables it declared,
# returning one message per problem (empty: valid). It does no I/O of its own.
Check = Callable[[Any, Mapping[str, Any]], list[str]]


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
    params_type: type[ParamsBase] | None = None
    # Data tables that ``check`` needs; the caller loads them (see data.load_tables).
    tables: tuple[str, ...] = ()
    # Constraints between parameters, or between parameters and the data (a start year
    # before an end year, a chip selection with enough data): run before anything executes,
    # like the per-parameter checks.
    check: Check | None = None

    def validate(
        self,
        overrides: Mapping[str, Any] | None,
        *,
        context: str = "",
        tables: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Every check of the parameters: names, types, ranges, then the chapter's own
        constraints. Returns name -> value; raises :class:`ParameterError` with one message
        per problem."""
        values = self.params.validate(overrides, context=context)
        if self.check is not None:
            if self.tables and tables is None:
                raise TypeError(
                    f"chapter {self.name!r}: validate needs the tables "
                    f"{list(self.tables)} (data.load_tables)"
                )
            problems = self.check(self.typed(values), tables or {})
            if problems:
                prefix = f"{context}: " if context else ""
                raise ParameterError([prefix + p for p in problems])
        return values

    def typed(self, values: Mapping[str, Any]) -> Any:
        """The chapter's typed parameter object for validated ``values``."""
        if self.params_type is None:
            return dict(values)
        return self.params_type.from_values(values)

    @property
    def notebook(self) -> str:
        """Path of the chapter notebook, relative to the repository root."""
        return f"chapters/{self.name}.ipynb"

    def headline(self, name: str) -> Headline:
        for h in self.headlines:
            if h.name == name:
                return h
        raise KeyError(name)


def chapter(
    name: str,
    title: str,
    order: int,
    summary: str,
    params: type[ParamsBase],
    headlines: Sequence[Headline],
    *,
    tables: Sequence[str] = (),
    check: Check | None = None,
) -> ChapterSpec:
    """Declare a chapter. ``params`` is the chapter's frozen ``ParamsBase`` dataclass."""
    return ChapterSpec(
        name=name,
        title=title,
        order=order,
        summary=summary,
        params=params.declarations(),
        headlines=tuple(headlines),
        params_type=params,
        tables=tuple(tables),
        check=check,
    )
