"""Index decomposition: the additive logarithmic mean Divisia index (LMDI-I).

The one implementation the chapters share (the rebound chapter's decomposition of the change
in data-centre electricity over two segments, the record chapter's decade of efficiency).

A quantity is a sum over units ``i`` (segments, sectors; one unit for a plain product) of a
product of factors, ``E = sum_i prod_x x_i``. Between a start and an end, the contribution of
factor ``x`` is::

    D_x = sum_i L(E_i,end, E_i,start) ln(x_i,end / x_i,start)

with the logarithmic mean ``L(a, b) = (a - b) / (ln a - ln b)`` and ``L(a, a) = a``. The
contributions add up to ``E_end - E_start`` exactly (no residual), whatever the order of the
factors (Ang 2005). Factors must be positive.

Pure functions over floats and numpy arrays; no I/O, no text.

References
----------
- Ang, B. W. (2005). The LMDI approach to decomposition analysis: a practical guide.
  *Energy Policy*, 33(7), 867-871. https://doi.org/10.1016/j.enpol.2003.10.010
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

# Relative gap below which the logarithmic mean of a and b is taken as a (its limit).
SAME = 1e-12


def log_mean(a: ArrayLike, b: ArrayLike) -> np.ndarray:
    """The logarithmic mean ``L(a, b) = (a - b) / (ln a - ln b)`` of positive numbers
    (elementwise), with its limit ``L(a, a) = a`` where ``a`` and ``b`` agree to
    :data:`SAME`. Raises ``ValueError`` on a value that is not positive."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if np.any(a <= 0) or np.any(b <= 0):
        raise ValueError("the logarithmic mean needs positive values")
    with np.errstate(divide="ignore", invalid="ignore"):
        lm = (a - b) / (np.log(a) - np.log(b))
    return np.where(np.isclose(a, b, rtol=SAME, atol=0.0), a, lm)


def _product(factors: Sequence[np.ndarray]) -> np.ndarray:
    """The product of the factors, taken left to right (the order a reader writes them)."""
    out = factors[0]
    for x in factors[1:]:
        out = out * x
    return out


def lmdi(start: Mapping[str, ArrayLike], end: Mapping[str, ArrayLike]) -> dict[str, float]:
    """Additive LMDI-I contributions to the change in ``E = sum over units of the product of
    the factors`` from ``start`` to ``end``: factor name -> contribution (the units of E), in
    the order of ``start``. Each factor is a number (shared by every unit) or an array over
    the units. The contributions sum to ``E_end - E_start`` exactly (to rounding).

    Raises ``ValueError`` when start and end name different factors or a factor is not
    positive."""
    names = list(start)
    if not names:
        raise ValueError("LMDI needs at least one factor")
    if set(names) != set(end):
        raise ValueError("start and end must name the same factors")
    arrays = np.broadcast_arrays(
        *[np.asarray(start[n], float) for n in names], *[np.asarray(end[n], float) for n in names]
    )
    x0, x1 = arrays[: len(names)], arrays[len(names) :]
    if any(np.any(x <= 0) for x in arrays):
        raise ValueError("LMDI needs positive factors")
    weight = log_mean(_product(x1), _product(x0))
    return {n: float(np.sum(weight * np.log(b / a))) for n, a, b in zip(names, x0, x1, strict=True)}


def total_change(start: Mapping[str, ArrayLike], end: Mapping[str, ArrayLike]) -> float:
    """``E_end - E_start``: what the contributions of :func:`lmdi` add up to."""
    names = list(start)
    x0 = [np.asarray(start[n], float) for n in names]
    x1 = [np.asarray(end[n], float) for n in names]
    return float(np.sum(_product(x1)) - np.sum(_product(x0)))
