"""One pure computation run in a forked child process while the caller goes on: the
second core's share of a chapter's evaluation.

A chapter's page starts a part of its evaluation that it needs only late with
:func:`start`, and asks for it with :meth:`Pending.result`. The rebound chapter does this
with its Sobol indices, which alone import ``scipy.stats`` (through SALib): about half a
second of a re-run, spent on the second core while the first computes the rest of the page.

The child is a fork of the caller (multiprocessing's ``fork`` start method), so it
computes with the same code, modules and inputs: its answer is the value the caller would
compute, to the bit. What the caller shows never depends on the child:

- a child that raised, printed, warned or logged answers nothing: the caller computes the
  value itself, so that its output, and any exception with its traceback, is that of a
  plain computation. The child never writes into the caller's streams (a kernel's
  go over its sockets);
- so does a child that dies, or has not answered within ``timeout_s`` (it is then ended);
- where processes cannot be forked (no ``fork`` start method: Windows), or
  ``ENERGYBOOK_BACKGROUND=0`` is set, nothing starts and the caller computes the value.

Only a pure function belongs here: one that depends on, and changes, nothing but its
arguments and its return value (the child's side effects are lost with it).

The risk of forking a process that runs threads (a kernel does): a lock that another
thread holds at that moment stays held in the child, which then hangs if it needs it
(Python 3.12 and later warn of this, in a warning hidden by the default filters). The
child here only imports and computes: Python resets its import lock and the logging
module's locks in a forked child (and the C library its allocator's), and the child writes
to no stream the kernel's threads use. One that hangs anyway is ended after
``timeout_s``, and the caller computes the value: the run is slower by that much, and its
numbers are the same.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: ``ENERGYBOOK_BACKGROUND=0`` computes every value in the caller instead.
ENV_VAR = "ENERGYBOOK_BACKGROUND"
#: How long the caller waits for a child's answer before computing the value itself: far
#: above the seconds the work takes, reached only by a child that is stuck.
TIMEOUT_S = 120.0


def enabled() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and os.environ.get(ENV_VAR) != "0"


_NOTHING: Any = object()


class Pending(Generic[T]):
    """``fn(*args)``, which a child process may be computing: :meth:`result` returns it."""

    def __init__(self, fn: Callable[..., T], args: tuple[Any, ...], timeout_s: float) -> None:
        self._fn: Callable[..., T] | None = fn
        self._args = args
        self._timeout_s = timeout_s
        self._proc: Any = None
        self._conn: Any = None
        self._value: Any = _NOTHING
        #: Where the value came from, once asked for: "child" or "caller".
        self.source: str | None = None

    def _start(self) -> None:
        import multiprocessing
        import sys

        ctx = multiprocessing.get_context("fork")
        recv, send = ctx.Pipe(duplex=False)
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            try:
                stream.flush()
            except Exception:
                pass
        proc = ctx.Process(target=_child, args=(send, self._fn, self._args), daemon=True)
        try:
            proc.start()
        finally:
            send.close()
        self._proc, self._conn = proc, recv

    def result(self) -> T:
        """The value: the child's answer where it gave one, else computed here."""
        if self._value is _NOTHING:
            value = self._answer()
            if value is _NOTHING:
                assert self._fn is not None
                value, self.source = self._fn(*self._args), "caller"
            else:
                self.source = "child"
            self._value, self._fn, self._args = value, None, ()
        return self._value

    def _answer(self) -> Any:
        if self._conn is None:
            return _NOTHING
        try:
            if not self._conn.poll(self._timeout_s):
                return _NOTHING
            return pickle.loads(self._conn.recv_bytes())
        except Exception:  # the child ended without an answer (EOFError), or a bad one
            return _NOTHING
        finally:
            self.cancel()

    def cancel(self) -> None:
        """End the child, if it still runs, and release its pipe."""
        conn, proc, self._conn, self._proc = self._conn, self._proc, None, None
        if conn is not None:
            conn.close()
        if proc is not None:
            if proc.is_alive():
                proc.kill()
            proc.join()
            proc.close()

    def __del__(self) -> None:
        try:
            self.cancel()
        except Exception:
            pass


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the child: send the pickled ``fn(*args)``, or nothing where it raised, printed,
    warned or logged (the caller then computes it itself)."""
    import io
    import logging
    import sys
    import warnings

    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    logged: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            logged.append(record)

    logging.root.handlers[:] = [Keep()]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = fn(*args)
        if not (caught or logged or out.getvalue() or err.getvalue()):
            conn.send_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:
        pass
    finally:
        conn.close()


def start(fn: Callable[..., T], *args: Any, timeout_s: float = TIMEOUT_S) -> Pending[T]:
    """Start computing ``fn(*args)`` in a forked child; :meth:`Pending.result` returns it."""
    pending: Pending[T] = Pending(fn, args, timeout_s)
    if enabled():
        try:
            pending._start()
        except Exception:  # no process to spare: the caller computes it
            pending.cancel()
    return pending
