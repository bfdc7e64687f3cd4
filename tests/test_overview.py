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


# ----------------------------------------------------------------- issue 12, items 7, 8, 12
def test_the_2026_update_is_shown_beside_the_2025_report(tables):
    """Wherever the 2025 report's 2030 Base Case is shown, its April 2026 update is beside
    it, and the other way round."""
    from energybook.chapters.overview import figures

    for projection, other in (("IEA Base 2030", "IEA Base (2026 update)"),
                              ("IEA Base (2026 update) 2030", "IEA Base")):
        ev = page.evaluate(Params(projection=projection), tables)
        labels = list(figures.comparison_data(ev)["label"])
        assert f"World data centres, 2030 ({other})" in labels
    ev = page.evaluate(Params(projection="IEA Base 2035"), tables)
    assert model.other_vintages(ev.dc, "IEA Base", 2035) == []  # no 2026 figure for 2035


def test_the_update_and_the_electricity_2024_base_case_are_data_rows(tables):
    dc = tables["dc_electricity"]
    assert model.lookup_twh(dc, "World", 2035, "IEA Lift-Off") == 1720
    assert model.lookup_twh(dc, "World (incl. crypto)", 2026, "IEA Electricity 2024 Base") == 800
    n = page.numbers(page.evaluate(Params(), tables))
    # +17% in 2025 (415 -> 485) and a 2030 Base near 950 TWh, computed from the rows
    assert n["latest_estimate_growth_pct"] == pytest.approx(100 * (485 / 415 - 1))
    assert round(n["latest_estimate_growth_pct"]) == 17
    assert n["update_2030_twh"] == 950


@pytest.mark.parametrize("ratio,words", [
    (1.81, "almost twice"), (2.0, "about twice"), (2.2, "more than twice"),
    (0.93, "93% of"), (1.0, "about the same as"), (2.96, "about three times"),
    (2.7, "almost three times"), (12.4, "more than 12 times")])
def test_ratios_in_words_hand_worked(ratio, words):
    assert page.multiple_in_words(ratio) == words


@given(st.floats(0.01, 50))
def test_the_words_never_contradict_the_ratio(r):
    """"almost N" is below N, "more than N" above it, "about N" within 0.05 of it."""
    w = page.multiple_in_words(r)
    names = {"twice": 2, "three times": 3, "four times": 4, "five times": 5}
    if w.endswith("% of"):
        assert r < 0.95 and abs(float(w.split("%")[0]) - 100 * r) <= 0.5
        return
    if w == "about the same as":
        assert 0.95 <= r < 1.05
        return
    kind, rest = w.split(" ", 1)
    rest = rest.removeprefix("than ")
    n = names.get(rest) or int(rest.split()[0])
    assert {"almost": n - 0.5 <= r < n, "more": n < r <= n + 0.5,
            "about": abs(r - n) <= 0.05}[kind]


def test_almost_twice_germany_is_computed_not_typed(tables):
    ev = page.evaluate(Params(), tables)
    assert page.texts(ev)["ratio_in_words"] == "almost twice"
    # against France the same projection reads differently
    ev_fr = page.evaluate(Params(reference_country="France"), tables)
    assert page.texts(ev_fr)["ratio_in_words"] == "about twice"


def _numbers_in(text: str) -> list[str]:
    """Every number in a text except plain years (four digits, 1990-2100)."""
    import re

    tokens = re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text)
    return [t for t in tokens if not (len(t) == 4 and t.isdigit() and 1990 <= int(t) <= 2100)]


def test_no_caption_or_phrase_holds_a_hand_typed_number(tables):
    """Perturb every figure of the two tables by a different factor: every number in every
    caption and glued phrase must move with them. A number typed into a caption (such as a
    comparison with Japan) would stay put and fail this test."""
    import numpy as np

    rng = np.random.default_rng(12)
    dc, nat = tables["dc_electricity"].copy(), tables["national_electricity"].copy()
    dc["energy_twh"] = dc["energy_twh"] * rng.uniform(1.05, 1.6, len(dc))
    nat["demand_twh"] = nat["demand_twh"] * rng.uniform(1.05, 1.6, len(nat))
    before = page.evaluate(Params(), tables)
    after = page.evaluate(Params(), {"dc_electricity": dc, "national_electricity": nat})
    for key in page.captions(before):
        a, b = _numbers_in(page.captions(before)[key]), _numbers_in(page.captions(after)[key])
        assert len(a) == len(b) and a, key
        assert all(x != y for x, y in zip(a, b, strict=True)), (key, a, b)
    for key, text in page.texts(before).items():
        for x, y in zip(_numbers_in(text), _numbers_in(page.texts(after)[key]), strict=True):
            assert x != y, key


def test_the_caption_compares_with_japan_as_computed(tables):
    cap = page.captions(page.evaluate(Params(), tables))["comparison"]
    assert f"{945 / 1016:.2f} times Japan's demand" in cap
    assert "grid losses" in cap
