"""Every table a chapter shows reads as prose does: numbers formatted once, by
``energybook.fmt`` (no raw floats, no "-0", no "1200.0"), under plain-language headers.

Each chapter is evaluated at its defaults and every ``page.table_*`` function is called, so
that a table cannot be added without being checked.
"""

from __future__ import annotations

import importlib
import re
from functools import cache

import numpy as np
import pandas as pd
import pytest

from energybook import chapters, data

NAMES = chapters.names()

#: an identifier in a header: snake_case (two lowercase words joined by "_")
SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
#: a number that rounds to zero but keeps its sign, as a whole cell or a token in one
MINUS_ZERO = re.compile(r"(?<![\w.])[-\u2212]0(?:\.0+)?(?![\d.])")
#: a number as a reader sees it: sign, digits (with or without separators), decimals; not
#: part of a word, an identifier, a version or scientific notation
NUMBER = re.compile(r"(?<![\w.,])[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w.]|,\d)")


def _decimals(token: str) -> int:
    return len(token.split(".")[1]) if "." in token else 0


def inconsistent(cells: list[str]) -> list[str]:
    """The numbers of one column that break the column's own format: a whole number with a
    decimal point ("1200.0") in a column whose numbers do not all show that many decimals
    (a column to fixed decimals may show "28.0" beside "21.0"), four digits without a
    separator beside four with one ("1200" beside "1,200"), five digits or more without a
    separator ("12000")."""
    tokens = [t for c in cells for t in NUMBER.findall(c)]
    digits = [t.lstrip("-+\u2212") for t in tokens]
    found = []
    for t, d in zip(tokens, digits, strict=True):
        n = _decimals(d)
        if n and set(d.split(".")[1]) == {"0"} and any(_decimals(x) != n for x in digits):
            found.append(f"{t!r} (a whole number with a decimal point)")
        whole = d.split(".")[0]
        if "," not in whole and len(whole) >= 5:
            found.append(f"{t!r} (no thousands separator)")
    separated = any(len(d.split(".")[0]) == 5 and "," in d for d in digits)
    plain4 = [
        d
        for d in digits
        if len(d.split(".")[0]) == 4 and not (1900 <= int(d.split(".")[0]) <= 2100)
    ]
    if separated and plain4:
        found.append(f"{plain4[0]!r} beside a number with a thousands separator")
    return found


@cache
def evaluated(name: str):
    page = importlib.import_module(f"energybook.chapters.{name}.page")
    spec = chapters.get(name)
    return page, page.evaluate(spec.typed(spec.params.defaults()), data.load_tables(page.TABLES))


def table_functions(name: str) -> list[str]:
    page = importlib.import_module(f"energybook.chapters.{name}.page")
    return sorted(n for n in dir(page) if n.startswith("table_") and callable(getattr(page, n)))


CASES = [(name, fn) for name in NAMES for fn in table_functions(name)]


def problems(df: pd.DataFrame) -> list[str]:
    """What a reader should not see in ``df``: raw floats, "-0", identifiers as headers."""
    found = []
    for col in df.columns:
        if not isinstance(col, str) or SNAKE.search(col):
            found.append(f"header {col!r} is not plain language")
    for col in df.columns:
        for i, v in enumerate(df[col]):
            where = f"{col!r} row {i}"
            if isinstance(v, float | np.floating):
                if not np.isnan(v):
                    found.append(f"{where}: raw float {v!r} (format it with energybook.fmt)")
            elif isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_):
                if abs(int(v)) >= 10_000:
                    found.append(f"{where}: raw integer {v!r} (no thousands separator)")
            elif isinstance(v, str):
                if MINUS_ZERO.search(v):
                    found.append(f"{where}: {v!r} shows a signed zero")
        texts = [v for v in df[col] if isinstance(v, str)]
        found += [f"{col!r}: {p}" for p in inconsistent(texts)]
    return found


def test_the_check_finds_what_a_reader_should_not_see():
    bad = pd.DataFrame(
        {
            "energy_twh": ["1"],
            "Change (%)": ["-0.0"],
            "Energy (TWh)": [1200.0],
            "Count": [12000],
            "Range": ["1200 to 1,300"],
            "Share": ["-0%"],
        }
    )
    found = problems(bad) + problems(pd.DataFrame({"Energy (GWh)": ["12000.0", "3.45"]}))
    for what in (
        "header 'energy_twh'",
        "'-0.0' shows a signed zero",
        "raw float 1200.0",
        "raw integer 12000",
        "'1200' beside a number with a thousands separator",
        "'-0%' shows a signed zero",
        "'12000.0' (a whole number with a decimal point)",
        "'12000.0' (no thousands separator)",
    ):
        assert any(what in p for p in found), (what, found)
    good = pd.DataFrame(
        {
            "Energy (TWh)": ["1,200", "-0.1", "0"],
            "Run": ["h100-20261126T092318Z", "v 580.159.04", "2010-2018"],
            "Hidden size": [4096, 4097, 4100],
            "Fixed decimals (TWh)": ["-16.0", "3.6", "10.0"],
            "Fixed, all whole (%/yr)": ["28.0", "21.0", "10.0"],
            "Significant figures (fmt.number)": ["0.123", "1200", "12,300"],
            "Compute (FLOP)": ["2.10e+25", "", "4.24e+11"],
            "Source": ["Nature 620, 768-775", "n = 470", "1,200 or 1,300"],
        }
    )
    assert problems(good) == []


def test_every_chapter_is_walked():
    assert {name for name, _ in CASES} >= {"record", "rebound", "analog", "scaling"}


@pytest.mark.parametrize(("name", "fn"), CASES, ids=[f"{n}.{f}" for n, f in CASES])
def test_table_is_formatted_for_a_reader(name, fn):
    page, ev = evaluated(name)
    df = getattr(page, fn)(ev)
    assert isinstance(df, pd.DataFrame) and not df.empty, f"{name}.{fn} shows nothing"
    found = problems(df)
    assert not found, f"{name}.{fn}:\n" + "\n".join(found)
