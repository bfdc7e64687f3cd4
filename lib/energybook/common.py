"""Declarations that more than one chapter shares, so that they cannot drift apart.

The price elasticity of demand for compute is one unmeasured quantity, used by the rebound
chapter (demand for compute answering cheaper chips) and by the analog chapter (demand for
inference answering a cheaper substrate). Both chapters declare it with these functions, so
that its default, range and prior are the same in both.
"""

from __future__ import annotations

from typing import Any

from energybook.params import param

ELASTICITY_DEFAULT = 1.0
ELASTICITY_MAX_DEFAULT = 2.5
ELASTICITY_BOUNDS = (0.0, 5.0)


def elasticity(
    description: str = "Price elasticity of demand for compute (magnitude) used "
    "for point results; none has been measured",
) -> Any:
    """The point elasticity: the mode of the shared PERT prior."""
    lo, hi = ELASTICITY_BOUNDS
    return param(ELASTICITY_DEFAULT, description, min=lo, max=hi)


def elasticity_max(
    description: str = "Upper end of the Monte Carlo's elasticity range: "
    "PERT(0, elasticity, elasticity_max), most weight near the point "
    "elasticity, a tail towards this value",
) -> Any:
    """The upper end of the shared PERT(0, elasticity, elasticity_max) prior."""
    lo, hi = ELASTICITY_BOUNDS
    return param(ELASTICITY_MAX_DEFAULT, description, min=lo, max=hi)
