"""The one number formatter: what a reader sees in tables."""

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from energybook import fmt


@pytest.mark.parametrize(
    "x,text",
    [
        (1200.0, "1200"),
        (12000.0, "12,000"),
        (-0.0, "0"),
        (-0.0001, "-0.0001"),
        (-0.00001, "-1.00e-05"),
        (0.1234, "0.123"),
        (1.2345, "1.23"),
        (123.45, "123"),
        (12345.6, "12,346"),
        (None, ""),
        (math.nan, ""),
        (True, "yes"),
        ("text", "text"),
        (3, "3"),
        (1e-10, "1.00e-10"),
    ],
)
def test_hand_worked_cases(x, text):
    assert fmt.number(x) == text


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_never_minus_zero_or_a_trailing_point(x):
    text = fmt.number(x)
    assert text not in ("-0", "-0.0", "0.0") and not text.endswith(".")


@given(st.floats(min_value=1e-3, max_value=1e12))
def test_three_significant_figures_round_trip(x):
    back = float(fmt.number(x).replace(",", ""))
    assert back == pytest.approx(x, rel=5e-3)


def test_frame_formats_numbers_and_keeps_text():
    df = pd.DataFrame({"a": [1200.0, -0.0], "b": ["x", "y"]})
    assert fmt.frame(df).to_dict("list") == {"a": ["1200", "0"], "b": ["x", "y"]}


@pytest.mark.parametrize(
    "x,decimals,sign,text",
    [
        (12.0, 1, False, "12.0"),
        (3.44, 1, False, "3.4"),
        (-0.04, 1, False, "0.0"),
        (-0.0, 2, False, "0.00"),
        (0.04, 1, True, "0.0"),
        (373.2, 0, True, "+373"),
        (-321.0, 0, True, "-321"),
        (12345.678, 1, False, "12,345.7"),
        (9999.96, 1, False, "10,000.0"),
        (1200.0, 0, False, "1200"),
        (None, 1, False, ""),
        (math.nan, 1, False, ""),
        ("gap", 1, False, "gap"),
    ],
)
def test_fixed_hand_worked_cases(x, decimals, sign, text):
    assert fmt.fixed(x, decimals, sign) == text


def test_fixed_refuses_negative_decimals():
    with pytest.raises(ValueError, match="decimals"):
        fmt.fixed(1.0, -1)


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    st.integers(min_value=0, max_value=4),
)
def test_fixed_has_its_decimals_and_no_signed_zero(x, decimals):
    text = fmt.fixed(x, decimals)
    assert not (text.startswith("-") and float(text.replace(",", "")) == 0)
    assert (len(text.split(".")[1]) if "." in text else 0) == decimals
    assert float(text.replace(",", "")) == pytest.approx(x, abs=0.5 * 10**-decimals + 1e-9)


def test_column_formats_alike():
    assert fmt.column([1.0, 2.25, -0.01], 1) == ["1.0", "2.2", "0.0"]
    assert fmt.column([1200.0, 0.1234]) == ["1200", "0.123"]
