"""A declared range is exactly what is accepted: every parameter of every chapter, at both
of its bounds and at each declared choice, passes the chapter's whole validation (the
per-parameter checks and the chapter's own constraint check), with the other parameters at
their defaults. A refusal at a bound is allowed only from a combination rule, and its message must name
the other parameter it combines with. A value just outside a bound is refused, naming the
parameter.
"""

from __future__ import annotations

import math

import pytest

from energybook import chapters, data
from energybook.params import ParameterError

CASES = []
for spec in chapters.all_chapters():
    for p in spec.params:
        if p.choices is not None and p.type != "list[str]":
            CASES += [(spec.name, p.name, c) for c in p.choices]
        elif p.type == "list[str]":
            CASES += [(spec.name, p.name, (c,)) for c in p.choices or ()]
        elif p.type in ("float", "int"):
            CASES += [(spec.name, p.name, b) for b in (p.min, p.max) if b is not None]
        elif p.type == "bool":
            CASES += [(spec.name, p.name, True), (spec.name, p.name, False)]


@pytest.fixture(scope="module")
def tables():
    names = {t for s in chapters.all_chapters() for t in s.tables}
    return data.load_tables(sorted(names))


@pytest.mark.parametrize("chapter,name,value", CASES)
def test_every_bound_and_choice_is_accepted(chapter, name, value, tables):
    """Accepted, or refused by a combination rule whose message names the other
    parameter(s) it combines with (with the others at their defaults)."""
    spec = chapters.get(chapter)
    try:
        spec.validate({name: value}, tables={t: tables[t] for t in spec.tables})
    except ParameterError as e:
        others = [n for n in spec.params.names if n != name]
        for msg in e.problems:
            assert any(f"{o}" in msg for o in others), (
                f"{chapter}.{name}={value!r} is declared allowed but refused: {msg}"
            )


@pytest.mark.parametrize(
    "chapter,name",
    [
        (s.name, p.name)
        for s in chapters.all_chapters()
        for p in s.params
        if p.type in ("float", "int")
    ],
)
def test_just_outside_a_bound_is_refused_by_name(chapter, name, tables):
    spec = chapters.get(chapter)
    p = spec.params[name]
    for bound, step in ((p.min, -1), (p.max, 1)):
        if bound is None:
            continue
        outside = bound + step if p.type == "int" else bound + step * max(1e-9, abs(bound) * 1e-9)
        if p.type == "float" and outside == bound:
            outside = math.nextafter(bound, math.copysign(math.inf, step))
        with pytest.raises(ParameterError, match=name):
            spec.validate({name: outside}, tables={t: tables[t] for t in spec.tables})
