"""The overview chapter's model and page, against hand-worked figures."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from energybook import data
from energybook.chapters.overview import model, page
from energybook.chapters.overview.params import COUNTRIES, PROJECTIONS, Params


@pytest.fixture(scope="module")
def tables():
    return data.load_tables(page.TABLES)


def test_945_twh_is_about_1_8_times_germany(tables):
    r = page.headlines(page.evaluate(Params(), tables))
    assert r["projection_twh"] == 945 and r["base_twh"] == 415
    assert r["ratio_to_reference"] == pytest.approx(945 / 522)  # 1.81
    assert r["added_twh"] == 530
    assert r["growth_factor"] == pytest.approx(945 / 415)
    assert r["growth_pct_per_year"] == pytest.approx(100 * ((945 / 415) ** (1 / 6) - 1))


def test_every_declared_projection_exists_in_the_data(tables):
    for choice in PROJECTIONS:
        case, year = model.split_projection(choice)
        assert model.lookup_twh(tables["dc_electricity"], "World", year, case) > 0


def test_every_declared_country_has_demand(tables):
    for country in COUNTRIES:
        for year in (2024, 2025):
            assert model.demand_twh(tables["national_electricity"], country, year) > 0


def test_missing_figure_is_a_clear_error(tables):
    with pytest.raises(KeyError, match="IEA Lift-Off"):
        model.lookup_twh(tables["dc_electricity"], "World", 2030, "IEA Lift-Off")


def test_comparison_bars_are_sorted_and_complete(tables):
    from energybook.chapters.overview import figures

    ev = page.evaluate(Params(projection="IEA Base 2035", countries=("France",)), tables)
    t = figures.comparison_data(ev)
    assert list(t["energy_twh"]) == sorted(t["energy_twh"], reverse=True)
    assert set(t["kind"]) == {"National demand", "Data centres (estimate)",
                              "Data centres (projection)"}


def test_regional_split_sums_to_the_world(tables):
    reg = model.regional_table(tables["dc_electricity"])
    assert reg["twh_2024"].sum() == pytest.approx(415, abs=2)
    assert reg["twh_2030"].sum() == pytest.approx(945, abs=2)


def test_growth_limits():
    assert model.compound_growth_per_year(100, 100, 5) == 0
    assert model.compound_growth_per_year(100, 200, 1) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        model.compound_growth_per_year(0, 10, 1)


@given(st.floats(1, 1e4), st.floats(1, 1e4), st.integers(1, 30))
def test_compounding_the_rate_recovers_the_end(start, end, years):
    rate = model.compound_growth_per_year(start, end, years)
    assert start * (1 + rate) ** years == pytest.approx(end, rel=1e-9)


def test_the_typed_parameters_refuse_a_misspelt_name():
    P = Params()
    with pytest.raises(AttributeError):
        P.refrence_country  # noqa: B018
    with pytest.raises(AttributeError):
        P.projection = "IEA Base 2035"  # frozen
