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
