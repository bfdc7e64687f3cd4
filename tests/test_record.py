"""The record chapter: forecast errors by hand, the identity decomposition, the growth fit,
and the refusals of bad parameters."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from energybook import data
from energybook.chapters.record import model_compute, model_decade, model_forecasts, page
from energybook.chapters.record.params import Params
from energybook.chapters.record.spec import SPEC
from energybook.params import ParameterError


@pytest.fixture(scope="module")
def tables():
    return data.load_tables(page.TABLES)


@pytest.fixture(scope="module")
def ev(tables):
    return page.evaluate(Params(), tables)


def _row(ev, publication, year):
    s = ev.scored
    return s[(s["publication"] == publication) & (s["year"] == year)
             & (s["coverage"] == "data centres")].iloc[0]


# ------------------------------------------------------------ hand-worked forecast errors
def test_koomey_2008_by_hand(ev):
    """152.5 TWh in 2005 x 1.76 = 268.4 TWh forecast for 2010; the latest estimate of 2010
    is Masanet et al.'s 193.7 TWh: ln(268.4 / 193.7) = +0.326, too high, horizon 5 years
    from the 2005 base year."""
    r = _row(ev, "Koomey 2008", 2010)
    assert r["status"] == "scored" and r["outturn_publication"] == "Masanet et al. 2020"
    assert r["log_error"] == pytest.approx(math.log(268.4 / 193.7))
    assert r["log_error"] == pytest.approx(0.326, abs=5e-4)
    assert r["horizon_years"] == 5 and r["too_high"] == 1


def test_lbnl_2016_by_hand(ev):
    """73 TWh forecast for 2020; LBNL 2024 has 76 TWh in 2018 and 176 TWh in 2023, so 2020
    interpolates to 76 x (176/76)^(2/5) = 106.3 TWh: ln(73 / 106.3) = -0.376, too low."""
    r = _row(ev, "LBNL 2016", 2020)
    outturn = 76 * (176 / 76) ** (2 / 5)
    assert r["outturn_twh"] == pytest.approx(outturn) and outturn == pytest.approx(106.3, 0.001)
    assert r["outturn_method"] == "interpolated between 2018 and 2023"
    assert r["log_error"] == pytest.approx(math.log(73 / outturn))
    assert r["too_high"] == 0


def test_the_first_published_vintage_scores_koomey_against_koomey_2011(tables):
    ev = page.evaluate(Params(world_vintage="first published"), tables)
    r = _row(ev, "Koomey 2008", 2010)
    assert r["outturn_publication"] == "Koomey 2011"
    assert r["outturn_twh"] == pytest.approx((203.4 + 271.8) / 2)


def test_the_growth_basis_rescales_to_the_vintage(tables):
    """On the growth basis LBNL 2016's 73 TWh is rescaled by LBNL 2024's 2014 estimate over
    its own: 73 x 58 / 70."""
    ev = page.evaluate(Params(error_basis="growth from the base year"), tables)
    r = _row(ev, "LBNL 2016", 2020)
    assert r["compared_twh"] == pytest.approx(73 * 58 / 70)


# ------------------------------------------------------------ like with like
def test_only_like_scopes_are_compared(ev):
    s = ev.scored
    assert set(s.loc[s["coverage"] == "ICT", "status"]) == {"not comparable"}
    scored = s[s["status"] == "scored"]
    est = ev.forecasts[ev.forecasts["kind"] == "estimate"].set_index("publication")
    for _, r in scored.iterrows():
        o = est.loc[[r["outturn_publication"]]]
        assert set(o["region"]) >= {r["region"]} and r["coverage"] in set(o["coverage"])
        assert r["outturn_publication"] != r["publication"]
        assert r["outturn_published"] >= r["year"]


def test_us_forecasts_use_one_vintage_only(tables):
    for vintage in ("LBNL 2024", "LBNL 2016"):
        ev = page.evaluate(Params(us_vintage=vintage), tables)
        us = ev.scored[(ev.scored["region"] == "United States")
                       & (ev.scored["status"] == "scored")]
        assert set(us["outturn_publication"]) <= {vintage}
    ev16 = page.evaluate(Params(us_vintage="LBNL 2016"), tables)
    assert _row(ev16, "LBNL 2016", 2020)["status"] == "beyond this vintage"


def test_future_targets_are_pending_not_scored(ev):
    s = ev.scored
    assert set(s.loc[s["year"] >= 2026, "status"]) <= {"pending", "not comparable"}


# ------------------------------------------------------------ properties of the error
@given(st.floats(1, 1e4), st.floats(1, 1e4), st.floats(0.01, 100))
def test_log_error_is_symmetric_and_scale_free(f, o, k):
    assert model_forecasts.log_error(f, o) == pytest.approx(-model_forecasts.log_error(o, f))
    assert model_forecasts.log_error(k * f, k * o) == pytest.approx(
        model_forecasts.log_error(f, o), abs=1e-9)
    assert model_forecasts.log_error(o, o) == 0


def test_a_perfect_forecaster_scores_zero_and_a_biased_one_its_bias(tables):
    """A simulated null: forecasts equal to the later estimates have zero error; all
    forecasts scaled by k have median absolute error |ln k| and are all too high (k > 1)."""
    f = tables["forecasts"].copy()
    base = page.evaluate(Params(), tables).scored
    scored = base[base["status"] == "scored"]
    for k in (1.0, 1.5):
        g = f.copy()
        for _, r in scored.iterrows():
            m = ((g["publication"] == r["publication"]) & (g["year"] == r["year"])
                 & (g["kind"] == "forecast") & (g["coverage"] == r["coverage"]))
            g.loc[m, ["central_twh", "low_twh", "high_twh"]] = [k * r["outturn_twh"]] * 3
        ev = page.evaluate(Params(), {**tables, "forecasts": g})
        e = ev.scored.loc[ev.scored["status"] == "scored", "log_error"]
        assert model_forecasts.median_abs_error(e) == pytest.approx(abs(math.log(k)), abs=1e-12)
        assert model_forecasts.share_too_high(e) == (1.0 if k > 1 else 0.0)


def test_interpolation_never_extrapolates():
    assert model_forecasts.interpolate_log([2018, 2023], [76, 176], 2018) == pytest.approx(76)
    with pytest.raises(ValueError):
        model_forecasts.interpolate_log([2018, 2023], [76, 176], 2024)


def test_horizon_bins_partition_the_scored_forecasts(ev):
    b = ev.bins
    scored = ev.scored[ev.scored["status"] == "scored"]
    inside = scored["horizon_years"].between(0, 20)
    assert b["n"].sum() == inside.sum()


# ------------------------------------------------------------ the identity decomposition
@pytest.mark.parametrize("period", page.PERIODS)
def test_the_decomposition_adds_up_exactly(ev, period):
    d = ev.decade[period]
    e0, e1 = d["inputs"]["energy"]
    t = d["lmdi"]
    assert t["contribution_twh"].sum() == pytest.approx(e1 - e0, rel=1e-12, abs=1e-9)
    assert math.prod(t["start"]) == pytest.approx(e0) and math.prod(t["end"]) == pytest.approx(e1)


@given(st.lists(st.tuples(st.floats(0.1, 10), st.floats(0.1, 10)), min_size=1, max_size=5))
def test_lmdi_adds_up_for_any_factors(pairs):
    start = {f"f{i}": a for i, (a, _) in enumerate(pairs)}
    end = {f"f{i}": b for i, (_, b) in enumerate(pairs)}
    t = model_decade.lmdi(start, end)
    assert t["contribution_twh"].sum() == pytest.approx(
        math.prod(end.values()) - math.prod(start.values()), rel=1e-9, abs=1e-9)


def test_the_2010_2018_decade_by_hand(ev):
    """Energy 193.7 -> 205.2 TWh while compute instances grew 6.5-fold: energy per instance
    fell to 205.2 / 193.7 / 6.5 = 0.163 of its 2010 level, -20.3% a year."""
    h = page.headlines(ev)
    assert h["energy_to_compute_2010_2018"] == pytest.approx(205.2 / 193.7 / 6.5)
    assert h["energy_per_instance_change_pct_per_year"] == pytest.approx(
        100 * ((205.2 / 193.7 / 6.5) ** (1 / 8) - 1))
    f = ev.decade["2010-2018"]["lmdi"].set_index("factor")["ratio"]
    assert f[model_decade.CONSOLIDATION] == pytest.approx(1.3 / 6.5)


def test_a_period_without_demand_leaves_one_residual():
    t = pd.DataFrame({"period": ["p"] * 2, "year": [2018, 2024], "quantity": ["energy"] * 2,
                      "value": [200.0, 400.0]})
    start, end = model_decade.identity_factors(model_decade.period_inputs(t, "p"))
    assert list(start) == [model_decade.IT_ENERGY] and end[model_decade.IT_ENERGY] == 400


# ------------------------------------------------------------ the growth fit
@given(st.floats(1.2, 8.0), st.integers(0, 2**32 - 1))
def test_the_fit_recovers_a_known_rate(rate, seed):
    rng = np.random.default_rng(seed)
    years = rng.uniform(2012, 2024, 300)
    values = 1e18 * rate ** (years - 2012) * 10 ** rng.normal(0, 0.5, years.size)
    fit = model_compute.fit_growth(years, values)
    assert fit["low"] < fit["factor_per_year"] < fit["high"]
    assert fit["factor_per_year"] == pytest.approx(rate, rel=0.08)


def test_the_interval_covers_the_true_rate_about_90_percent_of_the_time():
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(400):
        years = rng.uniform(2012, 2024, 40)
        values = 4.0 ** (years - 2012) * 10 ** rng.normal(0, 0.8, years.size)
        fit = model_compute.fit_growth(years, values)
        hits += fit["low"] <= 4.0 <= fit["high"]
    assert 0.85 <= hits / 400 <= 0.95


def test_an_exact_exponential_has_no_interval():
    years = np.arange(2012, 2025, dtype=float)
    fit = model_compute.fit_growth(years, 3.0 ** (years - 2012))
    assert fit["factor_per_year"] == pytest.approx(3.0)
    assert fit["high"] - fit["low"] == pytest.approx(0, abs=1e-6)


def test_the_fit_matches_epoch_within_its_interval(ev):
    """Epoch AI fits 4.7x a year (4.3-5.2) to its notable models since 2010; the book's fit
    to the same data from 2012 must overlap that interval."""
    h = page.headlines(ev)
    assert h["compute_growth_low"] < 5.2 and h["compute_growth_high"] > 4.3


def test_decimal_years():
    y = model_compute.decimal_year(pd.to_datetime(["2012-01-01", "2012-07-02", "2024-12-31"]))
    assert y[0] == 2012 and y[1] == pytest.approx(2012.5, abs=0.01) and y[2] < 2025


# ------------------------------------------------------------ parameters
@pytest.mark.parametrize("overrides,names", [
    ({"compute_fit_start": 2021, "compute_fit_end": 2022}, ["compute_fit_start"]),
    ({"long_horizon_years": 6, "horizon_from": "publication year"}, ["long_horizon_years"]),
    ({"scope": "United States", "us_vintage": "LBNL 2016",
      "error_basis": "growth from the base year"}, ["scope"]),
    ({"scope": "Europe"}, ["scope"]),
    ({"horizon_bins": ("5-9", "11-12")}, ["horizon_bins"]),
])
def test_bad_parameters_are_refused_by_name(tables, overrides, names):
    with pytest.raises(ParameterError) as e:
        SPEC.validate(overrides, tables={t: tables[t] for t in SPEC.tables})
    assert all(any(n in p for p in e.value.problems) for n in names)


def test_headlines_are_finite_for_every_declared_choice(tables):
    for p in SPEC.params:
        for c in p.choices or ():
            value = (c,) if p.type == "list[str]" else c
            values = SPEC.validate({p.name: value}, tables={t: tables[t] for t in SPEC.tables})
            h = page.headlines(page.evaluate(SPEC.typed(values), tables))
            assert all(math.isfinite(v) for v in h.values()), (p.name, c)
