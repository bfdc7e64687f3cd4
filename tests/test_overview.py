"""The overview chapter's model and page, against hand-worked figures."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from energybook import data
from energybook.chapters.overview import model, page
from energybook.chapters.overview.params import COUNTRIES, PROJECTIONS, Params


@pytest.fixture(scope="module")
def tables():
    return data.load_tables(page.TABLES)


def _row(dc, scope, year, case):
    hit = dc[(dc["scope"] == scope) & (dc["year"] == year) & (dc["case"] == case)]
    assert len(hit) == 1
    return float(hit["energy_twh"].iloc[0])


def test_the_headlines_by_hand_from_the_rows(tables):
    """The projection over the base year and over Germany's demand, worked from the rows
    themselves (not from today's numbers typed into the test)."""
    dc, nat = tables["dc_electricity"], tables["national_electricity"]
    proj, base = _row(dc, "World", 2030, "IEA Base"), _row(dc, "World", 2024, "Estimate")
    de = float(nat[(nat["country"] == "Germany") & (nat["year"] == 2024)]["demand_twh"].iloc[0])
    r = page.headlines(page.evaluate(Params(), tables))
    assert r["projection_twh"] == proj and r["base_twh"] == base
    assert r["ratio_to_reference"] == pytest.approx(proj / de)
    assert r["added_twh"] == pytest.approx(proj - base)
    assert r["growth_factor"] == pytest.approx(proj / base)
    assert r["growth_pct_per_year"] == pytest.approx(100 * ((proj / base) ** (1 / 6) - 1))


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
    assert set(t["kind"]) == {
        "National demand",
        "Data centres (estimate)",
        "Data centres (projection)",
    }


def test_regional_split_sums_to_the_world(tables):
    dc = tables["dc_electricity"]
    reg = model.regional_table(dc)
    assert reg["twh_2024"].sum() == pytest.approx(_row(dc, "World", 2024, "Estimate"), abs=2)
    assert reg["twh_2030"].sum() == pytest.approx(_row(dc, "World", 2030, "IEA Base"), abs=2)


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

    for projection, other in (
        ("IEA Base 2030", "IEA Base (2026 update)"),
        ("IEA Base (2026 update) 2030", "IEA Base"),
    ):
        ev = page.evaluate(Params(projection=projection), tables)
        labels = list(figures.comparison_data(ev)["label"])
        assert f"World data centres, 2030 ({other})" in labels
    ev = page.evaluate(Params(projection="IEA Base 2035"), tables)
    assert model.other_vintages(ev.dc, "IEA Base", 2035) == []  # no 2026 figure for 2035


def test_the_update_and_the_electricity_2024_base_case_are_data_rows(tables):
    dc = tables["dc_electricity"]
    assert model.lookup_twh(dc, "World", 2035, "IEA Lift-Off") == 1720
    assert model.lookup_twh(dc, "World (incl. crypto)", 2026, "IEA Electricity 2024 Base") == 800
    ev = page.evaluate(Params(), tables)
    n = page.numbers(ev)
    # the update states a growth, not a level: the glued growth is the source figure, and
    # the 2025 level is marked as computed from it
    row = dc[(dc["scope"] == "World") & (dc["year"] == 2025) & (dc["case"] == "Estimate")]
    assert n["latest_estimate_growth_pct"] == float(row["stated_change_pct"].iloc[0])
    assert row["derived_from"].iloc[0]
    moved = dc.copy()
    moved.loc[row.index, "energy_twh"] *= 1.5  # a different computed level
    n2 = page.numbers(page.evaluate(Params(), {**tables, "dc_electricity": moved}))
    assert n2["latest_estimate_growth_pct"] == n["latest_estimate_growth_pct"]


def test_the_update_is_no_change_at_the_precision_it_states(tables):
    """945 against "near 950": within half the update's stated unit, so no change is
    claimed; a figure outside it would be reported as a change."""
    assert page.stated_precision(950) == 10 and page.stated_precision(1200) == 100
    ev = page.evaluate(Params(), tables)
    first = _row(ev.dc, "World", 2030, "IEA Base")
    update = _row(ev.dc, "World", 2030, "IEA Base (2026 update)")
    same = abs(update - first) <= page.stated_precision(update) / 2
    assert ("no change" in page.texts(ev)["update_change"]) == same
    dc = ev.dc.copy()
    dc.loc[(dc["case"] == "IEA Base (2026 update)"), "energy_twh"] = 990.0
    assert (
        "no change"
        not in page.texts(page.evaluate(Params(), {**tables, "dc_electricity": dc}))[
            "update_change"
        ]
    )


def test_the_consumption_basis_flip_by_hand():
    """Consumption = demand x (1 - losses): a ratio r < 1 to demand crosses 1 once losses
    exceed 1 - r of demand."""
    r = 0.93
    x = page.flip_loss_pct(r)
    assert x == pytest.approx(7.0)
    assert r / (1 - (x + 0.1) / 100) > 1 > r / (1 - (x - 0.1) / 100)
    assert math.isnan(page.flip_loss_pct(1.2))


@pytest.mark.parametrize(
    "ratio,words",
    [
        (1.81, "almost twice"),
        (2.0, "about twice"),
        (2.2, "more than twice"),
        (0.93, "93% of"),
        (1.0, "about the same as"),
        (2.96, "about three times"),
        (2.7, "almost three times"),
        (12.4, "more than 12 times"),
        (1.51, "about 1.5 times"),
        (2.5, "about 2.5 times"),
        (3.5, "about 3.5 times"),
        (1.75, "about 1.8 times"),
    ],
)
def test_ratios_in_words_hand_worked(ratio, words):
    assert page.multiple_in_words(ratio) == words


@given(st.floats(0.01, 50))
def test_the_words_never_contradict_the_ratio(r):
    """ "almost N" is within 10% below N, "more than N" within 10% above it, "about N"
    within 0.05 of it, "about X.X times" within 0.05 of X.X."""
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
    n = names.get(rest) or float(rest.split()[0])
    assert {
        "almost": 0.9 * n <= r < n,
        "more": n < r <= 1.1 * n,
        "about": abs(r - n) <= 0.05 + 1e-9,
    }[kind]


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
        a, b = _numbers_in(text), _numbers_in(page.texts(after)[key])
        if len(a) != len(b):  # the phrase itself changed with the data (e.g. no change -> +x%)
            assert text != page.texts(after)[key], key
            continue
        for x, y in zip(a, b, strict=True):
            assert x != y, key


def test_the_caption_compares_with_japan_as_computed(tables):
    dc, nat = tables["dc_electricity"], tables["national_electricity"]
    jp = float(nat[(nat["country"] == "Japan") & (nat["year"] == 2024)]["demand_twh"].iloc[0])
    cap = page.captions(page.evaluate(Params(), tables))["comparison"]
    assert f"{_row(dc, 'World', 2030, 'IEA Base') / jp:.2f} times Japan's demand" in cap
    assert "grid losses" in cap
