"""Declared uncertainty: distributions, seeded Monte Carlo, summaries, fans and tornados.

The shared uncertainty module of the book. Every chapter that propagates uncertainty
declares its inputs as distributions (a ``dict[str, Dist]``), evaluates a *vectorized* model
(a function of numpy arrays, one keyword argument per input) on seeded draws, and reports
medians and 90% intervals (5th-95th percentiles), probabilities and one-at-a-time
sensitivities.

Design:

- Pure and reproducible: every function takes its ``seed``; draws come from a fresh
  ``numpy.random.Generator`` (PCG64). Each input gets its own stream, derived from the seed
  and the input's *name*, so adding or removing one input never changes the draws of the
  others, and the order of the dict does not matter.
- Vectorized: a model is called once on arrays of ``n`` draws; 100,000 draws of a handful of
  inputs take milliseconds.
- No global state, no I/O, no plotting.

Typical use::

    dists = {"a": Uniform(0, 2), "b": LogNormal.from_interval(1.2, 1.8)}
    res = monte_carlo(lambda a, b: a * b, dists, n=100_000, seed=1)
    summarize(res["output"])          # {'median': ..., 'p05': ..., 'p95': ..., 'mean': ...}
    tornado(lambda a, b: a * b, dists)  # ranked one-at-a-time swings
"""

from __future__ import annotations

import math
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


def _ndtri(p):
    """Standard normal quantile function (inverse CDF), vectorized."""
    from scipy.special import ndtri

    return ndtri(p)


# z such that P(Z <= z) = 0.95 for a standard normal (computed, not typed).
_Z95 = float(_ndtri(0.95))


# --------------------------------------------------------------------------- distributions
class Dist:
    """A declared distribution of one uncertain input.

    Subclasses implement ``sample(rng, n)``, ``ppf(q)`` (quantile function) and ``mean()``.
    ``median()`` is ``ppf(0.5)``.
    """

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def ppf(self, q):  # pragma: no cover
        raise NotImplementedError

    def mean(self) -> float:  # pragma: no cover
        raise NotImplementedError

    def median(self) -> float:
        return float(self.ppf(0.5))

    #: The distribution's name in words (what a reader sees).
    KIND = "distribution"

    def describe(self) -> str:
        """One line for readers, e.g. "log-normal, median 1.28, 90% within 1.23 to 1.33"."""
        lo, med, hi = float(self.ppf(0.05)), self.median(), float(self.ppf(0.95))
        if lo == hi:
            return f"fixed at {_g(med)}"
        return f"{self.KIND}, median {_g(med)}, 90% within {_g(lo)} to {_g(hi)}"

    def parameters(self) -> str:
        """The distribution's own parameters, for the technically minded."""
        fields = ", ".join(f"{k}={_g(v)}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({fields})"


def _g(x) -> str:
    return f"{x:.3g}" if isinstance(x, float) else str(x)


def _check(cond: bool, msg: str):
    if not cond:
        raise ValueError(msg)


@dataclass(frozen=True)
class Fixed(Dist):
    """A known value (no uncertainty)."""

    KIND = "fixed"

    value: float

    def sample(self, rng, n):
        return np.full(n, float(self.value))

    def ppf(self, q):
        return np.full(np.shape(q), float(self.value)) if np.ndim(q) else float(self.value)

    def mean(self):
        return float(self.value)


@dataclass(frozen=True)
class Uniform(Dist):
    """Uniform on [low, high]."""

    KIND = "uniform"

    low: float
    high: float

    def __post_init__(self):
        _check(self.high >= self.low, f"Uniform: high {self.high} < low {self.low}")

    def sample(self, rng, n):
        return rng.uniform(self.low, self.high, n)

    def ppf(self, q):
        return self.low + (self.high - self.low) * np.asarray(q, dtype=float)

    def mean(self):
        return 0.5 * (self.low + self.high)


@dataclass(frozen=True)
class LogUniform(Dist):
    """Log-uniform on [low, high], ``0 < low <= high``: every factor in between is equally
    likely (for a ratio known only to lie between two bounds)."""

    KIND = "log-uniform"

    low: float
    high: float

    def __post_init__(self):
        _check(
            0 < self.low <= self.high,
            f"LogUniform: need 0 < low <= high, got {self.low}, {self.high}",
        )

    def sample(self, rng, n):
        return np.exp(rng.uniform(np.log(self.low), np.log(self.high), n))

    def ppf(self, q):
        out = self.low * (self.high / self.low) ** np.asarray(q, dtype=float)
        return out if np.ndim(out) else float(out)

    def mean(self):
        if self.high == self.low:
            return self.low
        return (self.high - self.low) / float(np.log(self.high / self.low))


@dataclass(frozen=True)
class Triangular(Dist):
    """Triangular on [low, high] with its mode at ``mode``."""

    KIND = "triangular"

    low: float
    mode: float
    high: float

    def __post_init__(self):
        _check(
            self.low <= self.mode <= self.high,
            f"Triangular: need low <= mode <= high, got {self.low}, {self.mode}, {self.high}",
        )

    def sample(self, rng, n):
        if self.high == self.low:
            return np.full(n, float(self.low))
        return rng.triangular(self.low, self.mode, self.high, n)

    def ppf(self, q):
        q = np.asarray(q, dtype=float)
        a, c, b = self.low, self.mode, self.high
        if b == a:
            return np.full(q.shape, float(a)) if q.ndim else float(a)
        fc = (c - a) / (b - a)
        left = a + np.sqrt(q * (b - a) * (c - a))
        right = b - np.sqrt((1 - q) * (b - a) * (b - c))
        out = np.where(q < fc, left, right)
        return out if out.ndim else float(out)

    def mean(self):
        return (self.low + self.mode + self.high) / 3.0


@dataclass(frozen=True)
class Normal(Dist):
    """Normal with mean ``mean_`` and standard deviation ``sd``."""

    KIND = "normal"

    mean_: float
    sd: float

    def __post_init__(self):
        _check(self.sd >= 0, f"Normal: sd {self.sd} < 0")

    @classmethod
    def from_interval(cls, p05: float, p95: float) -> Normal:
        """The normal whose 5th and 95th percentiles are ``p05`` and ``p95``."""
        _check(p95 >= p05, "Normal.from_interval: p95 < p05")
        return cls(0.5 * (p05 + p95), (p95 - p05) / (2 * _Z95))

    def sample(self, rng, n):
        return rng.normal(self.mean_, self.sd, n)

    def ppf(self, q):
        return self.mean_ + self.sd * _ndtri(np.asarray(q, dtype=float))

    def mean(self):
        return float(self.mean_)


@dataclass(frozen=True)
class LogNormal(Dist):
    """Log-normal: ``log(X) ~ Normal(log(median), sigma)``.

    Handy parametrisation: :meth:`from_interval` (a 90% interval, geometric midpoint as
    median) or :meth:`from_median_interval`.
    """

    KIND = "log-normal"

    median_: float
    sigma: float

    def __post_init__(self):
        _check(self.median_ > 0, f"LogNormal: median {self.median_} must be > 0")
        _check(self.sigma >= 0, f"LogNormal: sigma {self.sigma} < 0")

    @classmethod
    def from_interval(cls, p05: float, p95: float) -> LogNormal:
        """The log-normal whose 5th and 95th percentiles are ``p05`` and ``p95``."""
        _check(0 < p05 <= p95, "LogNormal.from_interval: need 0 < p05 <= p95")
        return cls(math.sqrt(p05 * p95), math.log(p95 / p05) / (2 * _Z95))

    @classmethod
    def from_median_factor(cls, median: float, factor: float) -> LogNormal:
        """Median with a 90% interval of [median / factor, median * factor] (factor >= 1)."""
        _check(factor >= 1, "LogNormal.from_median_factor: factor must be >= 1")
        return cls(median, math.log(factor) / _Z95)

    def sample(self, rng, n):
        return self.from_standard(rng.standard_normal(n))

    def from_standard(self, z: np.ndarray) -> np.ndarray:
        """The draws that standard normal variates ``z`` stand for: ``median exp(sigma z)``
        (what :meth:`sample` computes from the same variates, bit for bit)."""
        return self.median_ * np.exp(self.sigma * z)

    def ppf(self, q):
        return self.median_ * np.exp(self.sigma * _ndtri(np.asarray(q, dtype=float)))

    def mean(self):
        return float(self.median_ * math.exp(0.5 * self.sigma**2))


@dataclass(frozen=True)
class Beta(Dist):
    """Beta(a, b) rescaled to [low, high]."""

    KIND = "PERT (beta)"

    a: float
    b: float
    low: float = 0.0
    high: float = 1.0

    def __post_init__(self):
        _check(self.a > 0 and self.b > 0, "Beta: a and b must be > 0")
        _check(self.high > self.low, "Beta: high must exceed low")

    def sample(self, rng, n):
        return self.low + (self.high - self.low) * rng.beta(self.a, self.b, n)

    def ppf(self, q):
        from scipy.special import betaincinv

        return self.low + (self.high - self.low) * betaincinv(
            self.a, self.b, np.asarray(q, dtype=float)
        )

    def mean(self):
        return self.low + (self.high - self.low) * self.a / (self.a + self.b)


def PERT(low: float, mode: float, high: float, lamb: float = 4.0) -> Beta:
    """The (modified) PERT distribution: a Beta on [low, high] with the given mode.

    Mean = (low + lamb * mode + high) / (lamb + 2). Requires low < high.
    """
    _check(low <= mode <= high and high > low, "PERT: need low <= mode <= high, low < high")
    a = 1 + lamb * (mode - low) / (high - low)
    b = 1 + lamb * (high - mode) / (high - low)
    return Beta(a, b, low, high)


# --------------------------------------------------------------------------- sampling
def _stream(seed: int, name: str) -> np.random.Generator:
    """The generator of input ``name`` under ``seed``: independent of the other inputs."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), key])))


class _DrawCache:
    """Draws already made, keyed on what determines them, with a cap on the bytes held
    (least recently used first out). A sweep evaluates a chapter at thousands of points
    with one seed and one number of draws: most of its inputs' distributions do not change
    from point to point, and a log-normal's standard variates never do (common random
    numbers). Only a memo: a hit returns exactly what drawing again would (the same
    generator, the same arithmetic); arrays are stored read-only and handed out as copies."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.items: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> np.ndarray | None:
        with self.lock:
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
            return hit

    def put(self, key: tuple, value: np.ndarray) -> np.ndarray:
        value = np.array(value, dtype=float)  # an own copy
        value.flags.writeable = False
        if value.nbytes > self.max_bytes:
            return value
        with self.lock:
            if key in self.items:
                return self.items[key]
            self.items[key] = value
            self.bytes += value.nbytes
            while self.bytes > self.max_bytes:
                _, old = self.items.popitem(last=False)
                self.bytes -= old.nbytes
        return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.bytes = 0


# 64 MiB: 80 inputs of 100,000 draws, or 8,000 of 1,000.
_DRAWS = _DrawCache(64 * 2**20)


def clear_draw_cache() -> None:
    """Forget every memoised draw (a benchmark's cold start; the draws do not change)."""
    _DRAWS.clear()


def _draws(dist: Dist, seed: int, name: str, n: int) -> np.ndarray:
    """``n`` draws of ``dist`` for input ``name`` under ``seed``: memoised on (seed, name, n,
    the distribution) or, for a log-normal, on its standard normal variates (seed, name, n)."""
    if isinstance(dist, LogNormal):
        key: tuple = ("standard_normal", int(seed), name, n)
        z = _DRAWS.get(key)
        if z is None:
            z = _DRAWS.put(key, _stream(seed, name).standard_normal(n))
        return np.asarray(dist.from_standard(z), dtype=float)
    try:
        key = ("draws", int(seed), name, n, type(dist), dist)
        hash(key)
    except TypeError:  # a distribution that cannot be a key: draw it
        return np.asarray(dist.sample(_stream(seed, name), n), dtype=float)
    hit = _DRAWS.get(key)
    if hit is None:
        hit = _DRAWS.put(key, dist.sample(_stream(seed, name), n))
    return hit.copy()


def sample(dists: Mapping[str, Dist], n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` independent draws of every declared input: ``{name: array of shape (n,)}``.

    Seeded and reproducible; each input's draws depend only on ``seed``, its name and its
    distribution (memoised: see :class:`_DrawCache`; the draws are the same either way).
    """
    if int(n) < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    out = {}
    for name, dist in dists.items():
        if not isinstance(dist, Dist):
            raise TypeError(f"input {name!r}: {dist!r} is not a declared distribution")
        out[name] = _draws(dist, seed, name, int(n))
    return out


def _as_outputs(result) -> dict[str, np.ndarray]:
    if isinstance(result, Mapping):
        return {k: np.asarray(v, dtype=float) for k, v in result.items()}
    return {"output": np.asarray(result, dtype=float)}


def monte_carlo(
    model_fn: Callable[..., object],
    dists: Mapping[str, Dist],
    n: int,
    seed: int,
    fixed: Mapping[str, object] | None = None,
) -> dict[str, np.ndarray]:
    """Evaluate a vectorized model on ``n`` seeded draws of ``dists``.

    ``model_fn`` is called once as ``model_fn(**draws, **fixed)``; it returns an array (stored
    under ``"output"``) or a dict of arrays. The result holds the draws of every input and
    every output, each an array of shape ``(n,)`` (or ``(n, ...)`` for path outputs).
    """
    draws = sample(dists, n, seed)
    outputs = _as_outputs(model_fn(**draws, **(dict(fixed) if fixed else {})))
    clash = set(outputs) & set(draws)
    if clash:
        raise ValueError(f"model outputs reuse input names: {sorted(clash)}")
    return {**draws, **outputs}


# --------------------------------------------------------------------------- summaries
def summarize(samples, low: float = 0.05, high: float = 0.95) -> dict[str, float]:
    """Median, 5th and 95th percentiles (by default) and mean, as plain floats.

    Keys: ``median``, ``p05``, ``p95``, ``mean`` (the percentile keys follow ``low``/``high``).
    """
    x = np.asarray(samples, dtype=float).ravel()
    return summarize_rows(x[None, :], low, high)[0]


def summarize_rows(samples, low: float = 0.05, high: float = 0.95) -> list[dict[str, float]]:
    """:func:`summarize` of each row of a 2-D array (one row per batch of draws), in one
    pass: one ``np.partition`` for every quantile of every row, then numpy's own linear
    interpolation (``np.quantile``'s default method, reproduced operation for operation, so
    the numbers are the same to the last bit; tested against it)."""
    x = np.asarray(samples, dtype=float)
    if x.ndim != 2 or x.shape[1] < 1:
        raise ValueError(f"summarize_rows needs a 2-D array of draws, got shape {x.shape}")
    qs = (low, 0.5, high)
    n = x.shape[1]
    spots = []
    for q in qs:
        v = (n - 1) * q  # np.quantile's virtual index of the linear method
        below = math.floor(v)
        if v >= n - 1:
            below = above = n - 1
        elif v < 0:
            below = above = 0
        else:
            above = below + 1
        spots.append((below, above, v - below))
    kth = sorted({0, n - 1} | {i for b, a, _ in spots for i in (b, a)})
    part = np.partition(x, kth, axis=1)
    nan = np.isnan(part[:, n - 1])
    values = []
    for below, above, t in spots:
        a, b = part[:, below], part[:, above]
        diff = b - a
        values.append(b - diff * (1 - t) if t >= 0.5 else a + diff * t)
    means = x.mean(axis=1)
    out = []
    for i in range(x.shape[0]):
        lo, med, hi = (math.nan if nan[i] else float(v[i]) for v in values)
        out.append({"median": med, _pkey(low): lo, _pkey(high): hi, "mean": float(means[i])})
    return out


def _pkey(q: float) -> str:
    pct = q * 100
    return f"p{int(round(pct)):02d}" if abs(pct - round(pct)) < 1e-9 else f"p{pct:g}"


def probability(condition) -> float:
    """Share of draws where ``condition`` (a boolean array) holds, as a plain float."""
    c = np.asarray(condition)
    if c.dtype != bool:
        raise TypeError("probability() takes a boolean array (e.g. energy > threshold)")
    return float(c.mean())


def fan(
    years: Sequence[float], paths, quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)
) -> pd.DataFrame:
    """Quantiles over years for a fan chart.

    ``paths`` has shape ``(n_draws, len(years))``. Returns one row per year with columns
    ``year``, one ``pNN`` column per quantile (``p05``, ``p25``, ``p50``, ...) and ``mean``.
    """
    p = np.asarray(paths, dtype=float)
    year_arr = np.asarray(years)
    if p.ndim != 2 or p.shape[1] != year_arr.size:
        raise ValueError(f"paths must have shape (n, {year_arr.size}), got {p.shape}")
    q = np.quantile(p, list(quantiles), axis=0)
    df = pd.DataFrame({"year": year_arr})
    for qi, row in zip(quantiles, q, strict=True):
        df[_pkey(qi)] = row
    df["mean"] = p.mean(axis=0)
    return df


def medians(dists: Mapping[str, Dist]) -> dict[str, float]:
    """The median of every declared input."""
    return {k: d.median() for k, d in dists.items()}


def _output_of(model_fn, kwargs, output: str | None) -> np.ndarray:
    outs = _as_outputs(model_fn(**kwargs))
    key = output or ("output" if "output" in outs else next(iter(outs)))
    return np.asarray(outs[key], dtype=float)


def tornado(
    model_fn: Callable[..., object],
    dists: Mapping[str, Dist],
    fixed: Mapping[str, object] | None = None,
    low_q: float = 0.05,
    high_q: float = 0.95,
    output: str | None = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity: the swing of the output as each input moves from its
    ``low_q`` to its ``high_q`` percentile, every other input at its median.

    The model is evaluated once, vectorized over ``2 * len(dists) + 1`` cases. Returns one row
    per input, ranked by swing (largest first), columns: ``input``, ``input_low``,
    ``input_high``, ``output_low`` (output at the input's low percentile), ``output_high``,
    ``base`` (all inputs at their medians), ``swing`` (``|output_high - output_low|``),
    ``rank`` (1 = largest). For a dict-returning model, ``output`` names the output.
    """
    names = list(dists)
    k = len(names)
    base = medians(dists)
    cases = {nm: np.full(2 * k + 1, base[nm]) for nm in names}
    lows, highs = {}, {}
    for i, nm in enumerate(names):
        lows[nm] = float(dists[nm].ppf(low_q))
        highs[nm] = float(dists[nm].ppf(high_q))
        cases[nm][1 + 2 * i] = lows[nm]
        cases[nm][2 + 2 * i] = highs[nm]
    y = _output_of(model_fn, {**cases, **(dict(fixed) if fixed else {})}, output)
    y = np.broadcast_to(y, (2 * k + 1,))
    rows = []
    for i, nm in enumerate(names):
        ylo, yhi = float(y[1 + 2 * i]), float(y[2 + 2 * i])
        rows.append(
            {
                "input": nm,
                "input_low": lows[nm],
                "input_high": highs[nm],
                "output_low": ylo,
                "output_high": yhi,
                "base": float(y[0]),
                "swing": abs(yhi - ylo),
            }
        )
    df = pd.DataFrame(
        rows,
        columns=["input", "input_low", "input_high", "output_low", "output_high", "base", "swing"],
    )
    df = df.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    df["rank"] = np.arange(1, len(df) + 1)
    return df


def threshold_crossing(
    model_fn: Callable[..., object],
    dists: Mapping[str, Dist],
    name: str,
    target: float,
    lo: float,
    hi: float,
    fixed: Mapping[str, object] | None = None,
    output: str | None = None,
    grid: int = 4001,
) -> float:
    """The value of input ``name`` in [lo, hi] at which the model output first crosses
    ``target``, every other input at its median ("where the conclusion flips").

    Vectorized: the model is evaluated on a grid of ``grid`` points, the first sign change of
    ``output - target`` is located and refined by linear interpolation, then by bisection.
    Returns ``nan`` when the output does not cross ``target`` in [lo, hi].
    """
    base = medians(dists)
    extra = dict(fixed) if fixed else {}

    def f(x):
        x = np.atleast_1d(np.asarray(x, dtype=float))
        kwargs = {k: np.full(x.shape, v) for k, v in base.items()}
        kwargs[name] = x
        return np.broadcast_to(_output_of(model_fn, {**kwargs, **extra}, output), x.shape) - target

    xs = np.linspace(lo, hi, grid)
    ys = f(xs)
    if ys[0] == 0:
        return float(xs[0])
    sign = np.sign(ys)
    idx = np.nonzero(sign[1:] != sign[:-1])[0]
    if idx.size == 0:
        return float("nan")
    a, b = xs[idx[0]], xs[idx[0] + 1]
    fa = ys[idx[0]]
    for _ in range(60):
        mid = 0.5 * (a + b)
        fm = f(mid)[0]
        if np.sign(fm) == np.sign(fa):
            a, fa = mid, fm
        else:
            b = mid
    return float(0.5 * (a + b))


def assumptions_table(dists: Mapping[str, Dist]) -> pd.DataFrame:
    """The declared distributions as a table: input, distribution, p05, median, p95, mean."""
    rows = [
        {
            "input": k,
            "distribution": d.describe(),
            "p05": float(d.ppf(0.05)),
            "median": d.median(),
            "p95": float(d.ppf(0.95)),
            "mean": d.mean(),
        }
        for k, d in dists.items()
    ]
    return pd.DataFrame(rows, columns=["input", "distribution", "p05", "median", "p95", "mean"])
