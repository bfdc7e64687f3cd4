"""Parameter declarations: the single source of every chapter's parameters.

A chapter declares its parameters once, as :class:`Param` objects in its spec
(``energybook.chapters.<chapter>.params``). From that one declaration come

- the notebook's papermill parameters cell (:func:`parameters_cell_source`),
- the command line's validation and help (``energybook params``, ``energybook run``),
- the book's parameter reference (the appendix).

Validation happens before anything executes: papermill alone only warns on an unknown
name and runs anyway.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TYPES = ("float", "int", "str", "bool", "list[str]")


class ParameterError(ValueError):
    """One or more parameters are invalid. ``problems`` holds one message per problem."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Param:
    """One declared parameter of a chapter.

    ``unit`` is a pint-parsable unit string, or ``""`` for a dimensionless number or a label.
    Numbers take ``min``/``max`` (inclusive); labels take ``choices``. A ``list[str]``
    parameter takes ``choices`` for its items.
    """

    name: str
    type: str
    default: Any
    description: str
    unit: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] | None = None

    def __post_init__(self):
        if self.type not in TYPES:
            raise TypeError(f"parameter {self.name!r}: type must be one of {TYPES}")
        if not self.name.isidentifier():
            raise ValueError(f"parameter name {self.name!r} is not a Python identifier")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))
        default = self.default
        if isinstance(default, list):
            object.__setattr__(self, "default", tuple(default))
        # The declaration must satisfy itself.
        problems = self.check(self.default)
        if problems:
            raise ValueError(f"default of {self.name!r} is invalid: {problems}")

    # ------------------------------------------------------------------ description
    def allowed(self) -> str:
        """Human-readable statement of the allowed values."""
        if self.choices is not None:
            items = ", ".join(str(c) for c in self.choices)
            if self.type == "list[str]":
                return f"a comma-separated list from: {items}"
            return f"one of: {items}"
        if self.type == "bool":
            return "true or false"
        lo = "-inf" if self.min is None else _fmt(self.min)
        hi = "inf" if self.max is None else _fmt(self.max)
        kind = "an integer" if self.type == "int" else "a number"
        return f"{kind} in [{lo}, {hi}]"

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "unit": self.unit,
            "default": list(self.default) if isinstance(self.default, tuple) else self.default,
            "description": self.description,
        }
        if self.min is not None:
            d["min"] = self.min
        if self.max is not None:
            d["max"] = self.max
        if self.choices is not None:
            d["choices"] = list(self.choices)
        return d

    # ------------------------------------------------------------------ coercion
    def coerce(self, value: Any) -> Any:
        """Convert ``value`` (a typed value, or a string from the command line) to this
        parameter's type and check it. Raises :class:`ParameterError` naming the problem."""
        converted = self._convert(value)
        problems = self.check(converted)
        if problems:
            raise ParameterError(problems)
        return converted

    def _bad_type(self, value: Any) -> ParameterError:
        return ParameterError(
            [
                f"parameter {self.name!r}: {value!r} is not {_article(self.type)}; "
                f"allowed: {self.allowed()}"
            ]
        )

    def _convert(self, value: Any) -> Any:
        t = self.type
        if t == "float":
            if isinstance(value, bool):
                raise self._bad_type(value)
            if isinstance(value, int | float):
                return float(value)
            if hasattr(value, "dtype") and getattr(value, "ndim", 1) == 0:
                return float(value)
            if isinstance(value, str):
                try:
                    return float(value.strip().replace("_", ""))
                except ValueError:
                    raise self._bad_type(value) from None
            raise self._bad_type(value)
        if t == "int":
            if isinstance(value, bool):
                raise self._bad_type(value)
            if isinstance(value, int):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, str):
                try:
                    return int(value.strip().replace("_", ""))
                except ValueError:
                    raise self._bad_type(value) from None
            raise self._bad_type(value)
        if t == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in ("true", "false"):
                return value.strip().lower() == "true"
            raise self._bad_type(value)
        if t == "str":
            if isinstance(value, str):
                return value
            raise self._bad_type(value)
        # list[str]
        if isinstance(value, str):
            items = [v.strip() for v in value.split(",") if v.strip()]
            return tuple(items)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise self._bad_type(value)

    def check(self, value: Any) -> list[str]:
        """Problems with an already-typed value (empty when valid)."""
        where = f"parameter {self.name!r}"
        if self.type in ("float", "int"):
            if isinstance(value, float) and not math.isfinite(value):
                return [f"{where}: {value} is not a finite number; allowed: {self.allowed()}"]
            if self.min is not None and value < self.min:
                return [
                    f"{where}: {_fmt(value)} is below the minimum {_fmt(self.min)}; "
                    f"allowed: {self.allowed()}"
                ]
            if self.max is not None and value > self.max:
                return [
                    f"{where}: {_fmt(value)} is above the maximum {_fmt(self.max)}; "
                    f"allowed: {self.allowed()}"
                ]
            if self.choices is not None and value not in self.choices:
                return [f"{where}: {_fmt(value)} is not allowed; allowed: {self.allowed()}"]
            return []
        if self.type == "list[str]":
            if not value:
                return [f"{where}: the list is empty; allowed: {self.allowed()}"]
            bad = [v for v in value if self.choices is not None and v not in self.choices]
            if bad:
                return [
                    f"{where}: {', '.join(map(repr, bad))} not allowed"
                    f"{_did_you_mean(bad[0], self.choices or ())}; allowed: {self.allowed()}"
                ]
            if len(set(value)) != len(value):
                return [f"{where}: the list repeats an item; allowed: {self.allowed()}"]
            return []
        if self.choices is not None and value not in self.choices:
            return [
                f"{where}: {value!r} is not allowed{_did_you_mean(str(value), self.choices)}; "
                f"allowed: {self.allowed()}"
            ]
        return []

    def literal(self, value: Any) -> str:
        """The value as a Python literal for a parameters cell."""
        if isinstance(value, tuple):
            return "[" + ", ".join(repr(v) for v in value) + "]"
        if isinstance(value, float):
            return repr(value)
        return repr(value)


@dataclass(frozen=True)
class ParamSet:
    """The ordered parameters of one chapter."""

    params: tuple[Param, ...] = field(default_factory=tuple)

    def __post_init__(self):
        names = [p.name for p in self.params]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"parameters declared twice: {sorted(dup)}")

    def __iter__(self):
        return iter(self.params)

    def __len__(self):
        return len(self.params)

    def __getitem__(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.params]

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def validate(self, overrides: Mapping[str, Any] | None, *, context: str = "") -> dict[str, Any]:
        """Check every override (names, types, finiteness, ranges, choices) and return the
        full parameter mapping: the defaults updated by the overrides.

        All problems are collected and raised together, one message each.
        """
        prefix = f"{context}: " if context else ""
        if overrides is None:
            overrides = {}
        if not isinstance(overrides, Mapping):
            raise ParameterError(
                [
                    f"{prefix}parameters must be a mapping of NAME: VALUE, "
                    f"got {type(overrides).__name__}"
                ]
            )
        problems: list[str] = []
        values = self.defaults()
        for name, raw in overrides.items():
            if not isinstance(name, str) or name not in self.names:
                problems.append(
                    f"{prefix}unknown parameter {name!r}{_did_you_mean(str(name), self.names)}; "
                    f"allowed: {', '.join(self.names)}"
                )
                continue
            try:
                values[name] = self[name].coerce(raw)
            except ParameterError as e:
                problems.extend(prefix + m for m in e.problems)
        if problems:
            raise ParameterError(problems)
        return values


def parameters_cell_source(params: Iterable[Param]) -> str:
    """The exact source of a chapter notebook's papermill parameters cell.

    Plain assignments with a comment giving unit and allowed values, so that
    ``papermill -p NAME VALUE`` keeps working. No annotations, no ``=`` inside strings.
    """
    lines = [
        "# Parameters: generated from the declaration in lib/energybook/chapters/"
        "<chapter>/params.py; edit it there."
    ]
    for p in params:
        unit = f" [{p.unit}]" if p.unit else ""
        # papermill's parser reads the comment too: keep quotes and '=' out of it.
        comment = (
            f"{p.description}{unit}; {p.allowed()}".replace("'", "\u2019")
            .replace('"', "\u201d")
            .replace("=", "is")
        )
        lines.append(f"{p.name} = {p.literal(p.default)}  # {comment}")
    return "\n".join(lines)


def _fmt(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _article(t: str) -> str:
    return {
        "float": "a number",
        "int": "an integer",
        "str": "a string",
        "bool": "true or false",
        "list[str]": "a list of strings",
    }[t]


def _did_you_mean(word: str, options: Iterable[Any]) -> str:
    matches = difflib.get_close_matches(word, [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


# ---------------------------------------------------------------------- typed parameters
_PY_TYPES: dict[Any, str] = {
    float: "float",
    int: "int",
    str: "str",
    bool: "bool",
    tuple[str, ...]: "list[str]",
}


def param(
    default: Any,
    description: str,
    *,
    unit: str = "",
    min: float | None = None,
    max: float | None = None,
    choices: Iterable[Any] | None = None,
) -> Any:
    """Declare one parameter as a field of a chapter's :class:`ParamsBase` subclass.

    The field's annotation gives the type (``float``, ``int``, ``str``, ``bool`` or
    ``tuple[str, ...]``); the rest is the declaration that the parameters cell, the CLI,
    the appendix and validation all read::

        @dataclass(frozen=True)
        class Params(ParamsBase):
            elasticity: float = param(1.0, "Price elasticity of demand", min=0.0, max=5.0)
    """
    meta = {
        "description": description,
        "unit": unit,
        "min": min,
        "max": max,
        "choices": None if choices is None else tuple(choices),
    }
    if isinstance(default, list):
        default = tuple(default)
    return field(default=default, metadata={"energybook": meta})


class ParamsBase:
    """Base of every chapter's frozen, typed parameter object.

    A subclass is a frozen dataclass whose fields are declared with :func:`param`. Models
    and pages read ``P.elasticity``; a misspelt attribute is a type error (mypy) and an
    ``AttributeError`` at run time, never a silent default.
    """

    @classmethod
    def declarations(cls) -> ParamSet:
        """The :class:`ParamSet` the fields declare (name, type, default, range, meaning)."""
        cached = cls.__dict__.get("_declarations")
        if cached is not None:
            return cached
        import dataclasses
        import typing

        hints = typing.get_type_hints(cls)
        out = []
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            meta = f.metadata.get("energybook")
            if meta is None:
                raise TypeError(f"{cls.__qualname__}.{f.name} is not declared with param()")
            ptype = _PY_TYPES.get(hints[f.name])
            if ptype is None:
                raise TypeError(
                    f"{cls.__qualname__}.{f.name}: type {hints[f.name]!r} is not "
                    f"one of float, int, str, bool, tuple[str, ...]"
                )
            out.append(
                Param(
                    f.name,
                    ptype,
                    f.default,
                    meta["description"],
                    unit=meta["unit"],
                    min=meta["min"],
                    max=meta["max"],
                    choices=meta["choices"],
                )
            )
        decl = ParamSet(tuple(out))
        cls._declarations = decl  # type: ignore[attr-defined]
        return decl

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Any:
        """The typed object from already-validated values (see ``ParamSet.validate``)."""
        return cls(**{name: values[name] for name in cls.declarations().names})

    def as_dict(self) -> dict[str, Any]:
        """Name -> value, in declaration order."""
        return {name: getattr(self, name) for name in self.declarations().names}
