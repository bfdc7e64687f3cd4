"""Units: every conversion in the book goes through this one module (pint).

Functions here take and return plain floats (or numpy arrays) whose units are in their
names; pint derives each conversion factor, so that no factor is typed by hand anywhere
else. The factors the code uses are derived once, by ``tools/unit_factors.py``, into
:mod:`energybook.unit_factors` (checked against pint in ``make lint``), so that the book's
kernels need not import pint and build its registry; any other conversion asks pint here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from energybook.unit_factors import FACTORS


@cache
def registry() -> Any:
    """pint's unit registry (built on first use: about 0.4 s with pint's import)."""
    import pint

    return pint.UnitRegistry()


@cache
def factor(from_unit: str, to_unit: str) -> float:
    """Multiplicative factor converting a value in ``from_unit`` into ``to_unit``: pint's,
    from the table when the code's own literals ask for it."""
    known = FACTORS.get((from_unit, to_unit))
    if known is not None:
        return known
    return pint_factor(from_unit, to_unit)


def pint_factor(from_unit: str, to_unit: str) -> float:
    """The factor as pint computes it now (what the table holds for its pairs)."""
    return float(registry().Quantity(1.0, from_unit).to(to_unit).magnitude)


HOURS_PER_YEAR = factor("year", "hour")  # pint's year: 365.25 days
J_PER_KWH = factor("kWh", "J")
J_PER_TWH = factor("TWh", "J")


def twh_per_year_from_gw(power_gw):
    """Energy in TWh over one year of constant power in GW."""
    return power_gw * factor("GW * year", "TWh")


def gw_from_twh_per_year(energy_twh_per_year):
    """Average power in GW of an annual energy in TWh."""
    return energy_twh_per_year / factor("GW * year", "TWh")


def joules_from_twh(energy_twh):
    return energy_twh * J_PER_TWH


def twh_from_joules(energy_j):
    return energy_j / J_PER_TWH
