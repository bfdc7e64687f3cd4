"""A value computed in a forked child (energybook.background) is the value the caller would
compute, and what the caller shows never depends on the child: a child that raised,
printed, warned, logged, died or hung hands back nothing and the caller computes it."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from energybook import background

PARENT = os.getpid()

needs_fork = pytest.mark.skipif(not background.enabled(), reason="no fork start method here")


class Calls:
    """Counts the calls made in this process (a child's calls change its own copy)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, misbehave, x: float) -> float:
        self.n += 1
        if os.getpid() != PARENT:
            misbehave()
        return 2.0 * x


def no_live_children() -> bool:
    return not multiprocessing.active_children()


@needs_fork
@settings(max_examples=20, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 200), elements=st.floats(-1e6, 1e6)))
def test_the_childs_value_is_the_callers_to_the_bit(x):
    def f(a):
        return np.sort(np.exp(np.sin(a)) * np.cumsum(a))

    pending = background.start(f, x)
    got = pending.result()
    assert pending.source == "child"
    assert got.tobytes() == f(x).tobytes()
    assert no_live_children()


@needs_fork
def test_a_quiet_child_answers_and_the_caller_computes_nothing():
    calls = Calls()
    pending = background.start(calls, lambda: None, 21.0)
    assert pending.result() == 42.0
    assert (pending.source, calls.n) == ("child", 0)
    assert pending.result() == 42.0  # asked again: the same value, nothing recomputed
    assert calls.n == 0


def _raise():
    raise ValueError("only in the child")


def _print():
    print("a line from the child")


def _warn():
    warnings.warn("a warning from the child", UserWarning, stacklevel=1)


def _log():
    logging.getLogger("energybook.test").warning("a record from the child")


def _die():
    os._exit(3)


def _hang():
    threading.Event().wait()


@needs_fork
@pytest.mark.parametrize("misbehave", [_raise, _print, _warn, _log, _die])
def test_a_child_that_raised_showed_anything_or_died_hands_back_nothing(misbehave):
    calls = Calls()
    pending = background.start(calls, misbehave, 21.0)
    assert pending.result() == 42.0
    assert (pending.source, calls.n) == ("caller", 1)
    assert no_live_children()


@needs_fork
def test_a_child_that_does_not_answer_in_time_is_ended_and_the_caller_computes():
    calls = Calls()
    pending = background.start(calls, _hang, 21.0, timeout_s=0.2)
    assert pending.result() == 42.0
    assert (pending.source, calls.n) == ("caller", 1)
    assert no_live_children()


def test_the_callers_own_exception_is_what_the_caller_sees():
    def fails(x):
        raise ZeroDivisionError(f"no value at {x}")

    pending = background.start(fails, 1.0)
    with pytest.raises(ZeroDivisionError, match="no value at 1.0"):
        pending.result()
    assert no_live_children()


def test_a_child_prints_nothing_into_the_callers_output(capfd):
    def noisy(x):
        print("noise")
        return x

    assert background.start(noisy, 5).result() == 5
    out, err = capfd.readouterr()
    assert out.count("noise") == 1  # the caller's own print, once
    assert err == ""


def test_switched_off_nothing_starts_and_the_caller_computes(monkeypatch):
    monkeypatch.setenv(background.ENV_VAR, "0")
    assert not background.enabled()
    calls = Calls()
    pending = background.start(calls, lambda: None, 1.5)
    assert no_live_children()
    assert pending.result() == 3.0
    assert (pending.source, calls.n) == ("caller", 1)


@needs_fork
def test_a_value_never_asked_for_leaves_no_child_behind():
    pending = background.start(lambda: threading.Event().wait())
    assert multiprocessing.active_children()
    pending.cancel()
    assert no_live_children()
    del pending
