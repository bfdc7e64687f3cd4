"""The book's one LMDI-I (energybook.decompose): worked by hand, its limits and its
properties (the effects sum exactly to the change, whatever the order of the factors)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from energybook import decompose

positive = st.floats(0.05, 20.0, allow_nan=False, allow_infinity=False)


def _total(start, end):
    return math.prod(end.values()) - math.prod(start.values())


def test_two_factors_by_hand():
    """E = a x b from 2 x 3 = 6 to 4 x 3 = 12: only a moved, so it takes the whole change,
    6 = L(12, 6) ln 2 = (6 / ln 2) ln 2; b contributes nothing."""
    out = decompose.lmdi({"a": 2.0, "b": 3.0}, {"a": 4.0, "b": 3.0})
    assert out == pytest.approx({"a": 6.0, "b": 0.0}, abs=1e-12)
    assert list(out) == ["a", "b"]


def test_log_mean_by_hand():
    """L(e, 1) = (e - 1) / (1 - 0) = e - 1."""
    assert float(decompose.log_mean(math.e, 1.0)) == pytest.approx(math.e - 1.0, rel=1e-15)


@given(positive)
def test_log_mean_at_equal_values_is_the_value(x):
    assert float(decompose.log_mean(x, x)) == x


@given(positive, st.floats(1e-9, 1e-4))
def test_log_mean_tends_to_the_value(x, eps):
    """L(x, x(1 + eps)) -> x as eps -> 0 (the limit, reached continuously)."""
    lm = float(decompose.log_mean(x, x * (1.0 + eps)))
    # (a - b) / (ln a - ln b) loses about 1e-16 / eps of its digits to cancellation
    assert lm == pytest.approx(x * (1.0 + eps / 2.0), rel=1e-6)


@given(positive, positive)
def test_log_mean_lies_between_geometric_and_arithmetic_means(a, b):
    lm = float(decompose.log_mean(a, b))
    assert math.sqrt(a * b) * (1 - 1e-12) <= lm <= 0.5 * (a + b) * (1 + 1e-12)
    assert lm == pytest.approx(float(decompose.log_mean(b, a)), rel=1e-12)


@given(st.lists(st.tuples(positive, positive), min_size=1, max_size=6))
def test_the_effects_sum_exactly_to_the_change(pairs):
    start = {f"f{i}": a for i, (a, _) in enumerate(pairs)}
    end = {f"f{i}": b for i, (_, b) in enumerate(pairs)}
    out = decompose.lmdi(start, end)
    assert sum(out.values()) == pytest.approx(_total(start, end), rel=1e-9, abs=1e-9)
    assert decompose.total_change(start, end) == pytest.approx(_total(start, end), rel=1e-12)


@given(st.lists(st.tuples(positive, positive), min_size=2, max_size=6), st.randoms())
def test_the_effects_do_not_depend_on_the_order_of_the_factors(pairs, rnd):
    start = {f"f{i}": a for i, (a, _) in enumerate(pairs)}
    end = {f"f{i}": b for i, (_, b) in enumerate(pairs)}
    names = list(start)
    rnd.shuffle(names)
    out = decompose.lmdi(start, end)
    shuffled = decompose.lmdi({n: start[n] for n in names}, {n: end[n] for n in names})
    assert list(shuffled) == names
    for n in names:
        assert shuffled[n] == pytest.approx(out[n], rel=1e-9, abs=1e-12)


@given(st.lists(positive, min_size=1, max_size=6))
def test_no_change_gives_zero_effects(values):
    start = {f"f{i}": v for i, v in enumerate(values)}
    out = decompose.lmdi(start, dict(start))
    assert all(v == 0.0 for v in out.values())


@given(
    st.lists(st.tuples(positive, positive, positive, positive), min_size=1, max_size=5),
)
def test_over_units_the_effects_sum_to_the_change_of_the_sum(rows):
    """Two units (segments): each factor an array over them; a shared scalar broadcasts."""
    start = {f"f{i}": np.array([a, b]) for i, (a, b, _, _) in enumerate(rows)}
    end = {f"f{i}": np.array([c, d]) for i, (_, _, c, d) in enumerate(rows)}
    start["shared"], end["shared"] = 2.0, 3.0
    out = decompose.lmdi(start, end)
    e0 = np.prod(np.array(np.broadcast_arrays(*start.values())), axis=0).sum()
    e1 = np.prod(np.array(np.broadcast_arrays(*end.values())), axis=0).sum()
    assert sum(out.values()) == pytest.approx(e1 - e0, rel=1e-9, abs=1e-9)
    # and unit by unit: the sum of the units' own decompositions
    one = [
        decompose.lmdi(
            {k: np.broadcast_to(v, (2,))[i] for k, v in start.items()},
            {k: np.broadcast_to(v, (2,))[i] for k, v in end.items()},
        )
        for i in range(2)
    ]
    for k in out:
        assert out[k] == pytest.approx(one[0][k] + one[1][k], rel=1e-12, abs=1e-12)


def test_bad_input_is_refused_with_a_message():
    with pytest.raises(ValueError, match="same factors"):
        decompose.lmdi({"a": 1.0}, {"b": 1.0})
    with pytest.raises(ValueError, match="positive"):
        decompose.lmdi({"a": 1.0}, {"a": 0.0})
    with pytest.raises(ValueError, match="positive"):
        decompose.lmdi({"a": np.array([1.0, -1.0])}, {"a": 1.0})
    with pytest.raises(ValueError, match="at least one"):
        decompose.lmdi({}, {})
    with pytest.raises(ValueError, match="positive"):
        decompose.log_mean(0.0, 1.0)
