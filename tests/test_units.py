"""Unit conversions, worked by hand."""

import pytest

from energybook import units


def test_one_gw_for_a_year_is_8_766_twh():
    # 1 GW x 8766 h (365.25 days) = 8766 GWh = 8.766 TWh
    assert units.twh_per_year_from_gw(1.0) == pytest.approx(8.766)
    assert units.gw_from_twh_per_year(8.766) == pytest.approx(1.0)


def test_twh_joules_round_trip():
    assert units.joules_from_twh(1.0) == pytest.approx(3.6e15)
    assert units.twh_from_joules(3.6e15) == pytest.approx(1.0)


def test_factor_uses_pint():
    assert units.factor("kWh", "MJ") == pytest.approx(3.6)
    assert units.HOURS_PER_YEAR == pytest.approx(8766)
