"""The book's one number formatter, for everything a reader sees outside a chart: tables,
the data appendix, key findings.

- Integers and whole numbers print without a decimal point, with thousands separators
  from 10,000 up ("1200", "12,000"), never "1200.0".
- Other numbers print to ``digits`` significant figures, never in scientific notation
  between 1e-4 and 1e15, and never as "-0" (a value that rounds to zero is "0").
- Missing values (None, NaN) print as an empty cell.

:func:`fixed` is the same rule for a column that shows every value to the same number of
decimals (a table of percentages to one decimal): "12.0" beside "3.4", never "-0.0".
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def number(x: Any, digits: int = 3) -> str:
    """``x`` for a reader (see the module's rules)."""
    if x is None or isinstance(x, str):
        return "" if x is None else x
    if isinstance(x, bool):
        return "yes" if x else "no"
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return ""
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if v == 0:
        return "0"
    if v.is_integer() and abs(v) < 1e15:
        iv = int(v)
        return f"{iv:,}" if abs(iv) >= 10_000 else str(iv)
    if 1e-4 <= abs(v) < 1e15:
        magnitude = math.floor(math.log10(abs(v)))
        decimals = max(0, digits - 1 - magnitude)
        text = f"{v:,.{decimals}f}" if abs(v) >= 10_000 else f"{v:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("0", "-0"):
            return "0"
        return text
    return f"{v:.{digits - 1}e}"


def fixed(x: Any, decimals: int = 1, sign: bool = False) -> str:
    """``x`` to ``decimals`` decimals, thousands separators from 10,000 up (as
    :func:`number`), a value that rounds to zero as unsigned zero, and a leading "+" on
    positive values when ``sign`` (a change)."""
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, not {decimals}")
    if x is None or isinstance(x, str):
        return "" if x is None else x
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return ""
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    rounded = round(v, decimals)
    if rounded == 0:
        return f"{0:.{decimals}f}"
    text = f"{v:,.{decimals}f}" if abs(rounded) >= 10_000 else f"{v:.{decimals}f}"
    return f"+{text}" if sign and rounded > 0 else text


def column(values: Any, decimals: int | None = None, sign: bool = False) -> list[str]:
    """Every value of a column formatted alike: to ``decimals`` fixed decimals
    (:func:`fixed`), or, when ``decimals`` is None, to three significant figures
    (:func:`number`)."""
    if decimals is None:
        return [number(v) for v in values]
    return [fixed(v, decimals, sign) for v in values]


def frame(df: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """A copy of ``df`` with every numeric cell formatted by :func:`number` (text cells kept)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]) or out[col].dtype == object:
            out[col] = [number(v, digits) if not isinstance(v, str) else v for v in out[col]]
    return out
