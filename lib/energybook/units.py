"""Units: every conversion in the book goes through this one module (pint).

Functions here take and return plain floats (or numpy arrays) whose units are in their
names; pint is used to derive each conversion factor once, so that no factor is typed by
hand anywhere else.
"""

from __future__ import annotations

from functools import cache

import pint

ureg: pint.UnitRegistry = pint.UnitRegistry()
Q_ = ureg.Quantity


@cache
def factor(from_unit: str, to_unit: str) -> float:
    """Multiplicative factor converting a value in ``from_unit`` into ``to_unit``."""
    return float(Q_(1.0, from_unit).to(to_unit).magnitude)


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
