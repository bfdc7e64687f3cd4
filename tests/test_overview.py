"""The overview chapter's model, against hand-worked figures."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from energybook import data
from energybook.models import overview
from energybook.specs import overview as spec


@pytest.fixture(scope="module")
def tables():
    return data.load_table("dc_electricity"), data.load_table("national_electricity")


def test_945_twh_is_about_1_8_times_germany(tables):
    dc, national = tables
    r = overview.headline_results(dc, national, "IEA Base 2030", 2024, "Germany", 2024)
    assert r["projection_twh"] == 945 and r["base_twh"] == 415
    assert r["ratio_to_reference"] == pytest.approx(945 / 522)  # 1.81
    assert r["added_twh"] == 530
    assert r["growth_factor"] == pytest.approx(945 / 415)
    assert r["growth_pct_per_year"] == pytest.approx(100 * ((945 / 415) ** (1 / 6) - 1))


def test_every_declared_projection_exists_in_the_data(tables):
    dc, _ = tables
    for choice in spec.PROJECTIONS:
        case, year = overview.split_projection(choice)
        assert overview.lookup_twh(dc, "World", year, case) > 0


def test_every_declared_country_has_demand(tables):
    _, national = tables
    for country in spec.COUNTRIES:
        for year in (2024, 2025):
            assert overview.demand_twh(national, country, year) > 0


def test_missing_figure_is_a_clear_error(tables):
    dc, _ = tables
    with pytest.raises(KeyError, match="IEA Lift-Off"):
        overview.lookup_twh(dc, "World", 2030, "IEA Lift-Off")


def test_comparison_table_is_sorted_and_complete(tables):
    dc, national = tables
    t = overview.comparison_table(dc, national, "IEA Base 2035", 2024, ["France"], 2024)
    assert list(t["energy_twh"]) == sorted(t["energy_twh"], reverse=True)
    assert set(t["kind"]) == {"National demand", "Data centres (estimate)",
                              "Data centres (projection)"}


def test_regional_split_sums_to_the_world(tables):
    dc, _ = tables
    reg = overview.regional_table(dc)
    assert reg["twh_2024"].sum() == pytest.approx(415, abs=2)
    assert reg["twh_2030"].sum() == pytest.approx(945, abs=2)


def test_growth_limits():
    assert overview.compound_growth_per_year(100, 100, 5) == 0
    assert overview.compound_growth_per_year(100, 200, 1) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        overview.compound_growth_per_year(0, 10, 1)


@given(st.floats(1, 1e4), st.floats(1, 1e4), st.integers(1, 30))
def test_compounding_the_rate_recovers_the_end(start, end, years):
    rate = overview.compound_growth_per_year(start, end, years)
    assert start * (1 + rate) ** years == pytest.approx(end, rel=1e-9)
