"""The record chapter: forecast errors by hand, the identity decomposition, the growth fit,
and the refusals of bad parameters."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from energybook import data, decompose
from energybook.chapters.record import model_compute, model_decade, model_forecasts, page
from energybook.chapters.record.params import (
    ERROR_BASES,
    HORIZON_FROM,
    SCOPES,
    US_VINTAGES,
    WORLD_VINTAGES,
    Params,
)
from energybook.chapters.record.spec import MIN_LONG, MIN_SCORED, SPEC
from energybook.params import ParameterError

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tables():
    return data.load_tables(page.TABLES)


@pytest.fixture(scope="module")
def ev(tables):
    return page.evaluate(Params(), tables)


def _row(ev, publication, year):
    s = ev.scored
    return s[
        (s["publication"] == publication) & (s["year"] == year) & (s["coverage"] == "data centres")
    ].iloc[0]


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
    # the one midpoint rule: a range-only estimate stands for its geometric midpoint
    assert r["outturn_twh"] == pytest.approx(math.sqrt(203.4 * 271.8))
    assert r["log_error"] == pytest.approx(math.log(268.4 / math.sqrt(203.4 * 271.8)))


def test_the_growth_basis_rescales_to_the_vintage(tables):
    """On the growth basis LBNL 2016's 73 TWh is rescaled by LBNL 2024's 2014 estimate over
    its own: 73 x 58 / 70."""
    ev = page.evaluate(Params(error_basis="growth from the base year"), tables)
    r = _row(ev, "LBNL 2016", 2020)
    assert r["compared_twh"] == pytest.approx(73 * 58 / 70)


# ------------------------------------------------------------ like with like
def test_only_like_scopes_are_compared(ev):
    s = ev.scored
    assert set(s.loc[s["coverage"].isin(["ICT", "unknown"]), "status"]) == {
        model_forecasts.NOT_COMPARABLE
    }
    scored = s[s["status"] == "scored"]
    est = ev.forecasts[ev.forecasts["kind"] == "estimate"].set_index("publication")
    for _, r in scored.iterrows():
        o = est.loc[[r["outturn_publication"]]]
        assert set(o["region"]) >= {r["region"]} and r["coverage"] in set(o["coverage"])
        assert r["outturn_publication"] != r["publication"]
        assert r["outturn_published"] > r["year"]  # an estimate made in the year is no outturn


def test_us_forecasts_use_one_vintage_only(tables):
    for vintage in ("LBNL 2024", "LBNL 2016"):
        ev = page.evaluate(Params(us_vintage=vintage), tables)
        us = ev.scored[(ev.scored["region"] == "United States") & (ev.scored["status"] == "scored")]
        assert set(us["outturn_publication"]) <= {vintage}
    ev16 = page.evaluate(Params(us_vintage="LBNL 2016"), tables)
    assert _row(ev16, "LBNL 2016", 2020)["status"] == model_forecasts.BEYOND


def test_targets_beyond_every_estimate_are_pending_not_scored(ev):
    """Whatever today's date: a forecast for a year after the last as-published estimate of
    its region and coverage is never scored."""
    f = ev.forecasts
    est = f[(f["kind"] == "estimate") & (f["derivation"] == "as published")]
    for _, r in ev.scored.iterrows():
        same = est[(est["region"] == r["region"]) & (est["coverage"] == r["coverage"])]
        if same.empty or r["year"] > same["year"].max():
            assert r["status"] != model_forecasts.SCORED, r["publication"]


def _table(rows):
    base = {
        "kind": "estimate",
        "region": "World",
        "coverage": "data centres",
        "case": "Estimate",
        "base_year": math.nan,
        "low_twh": math.nan,
        "high_twh": math.nan,
        "share_of_world_pct": math.nan,
        "derivation": "as published",
        "source_publisher": "p",
        "source_title": "t",
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def test_an_estimate_made_in_the_target_year_is_not_an_outturn():
    t = _table(
        [
            {
                "publication": "F",
                "published": 2015,
                "kind": "forecast",
                "case": "c",
                "base_year": 2014,
                "year": 2020,
                "central_twh": 100.0,
            },
            {"publication": "Same year", "published": 2020, "year": 2020, "central_twh": 50.0},
            {"publication": "Later", "published": 2021, "year": 2020, "central_twh": 200.0},
        ]
    )
    for policy in WORLD_VINTAGES:
        s = model_forecasts.score(
            t,
            regions=("World",),
            us_publications=(),
            world_policy=policy,
            horizon_from="base year",
            basis="level",
        )
        assert s["outturn_publication"].iloc[0] == "Later"


def test_derived_values_never_score_and_are_never_scored(tables):
    """Move every value computed from another source (the 485 TWh = 415 x 1.17) or restated
    by a news report: no scored error may move."""
    f = tables["forecasts"].copy()
    before = page.evaluate(Params(), tables).scored
    m = f["derivation"].isin(model_forecasts.NEVER_SCORED)
    assert m.any()
    f.loc[m, ["low_twh", "central_twh", "high_twh"]] *= 3.0
    after = page.evaluate(Params(), {**tables, "forecasts": f}).scored
    pd.testing.assert_series_equal(before["log_error"], after["log_error"])
    s = after[after["status"] == model_forecasts.SCORED]
    derived = set(f.loc[m, "publication"])
    assert not (set(s["publication"]) & set(f.loc[m & (f["kind"] == "forecast"), "publication"]))
    assert not (
        set(s["outturn_publication"])
        & derived - set(f.loc[~m & (f["kind"] == "estimate"), "publication"])
    )


def test_three_way_direction_uses_the_outturns_range():
    """IEA 2017's 200 TWh against 200-250: within the range (not 'too low'); Masanet's 196:
    below it; and without a range, the sign."""
    lo, hi, mid = 200.0, 250.0, math.sqrt(200 * 250)
    assert model_forecasts.classify(200, mid, lo, hi) == model_forecasts.WITHIN
    assert model_forecasts.classify(196.2, mid, lo, hi) == model_forecasts.TOO_LOW
    assert model_forecasts.classify(660, mid, lo, hi) == model_forecasts.TOO_HIGH
    assert model_forecasts.classify(73, 106.3, math.nan, math.nan) == model_forecasts.TOO_LOW


# ------------------------------------------------------------ what the sample can detect
def test_sign_test_by_hand():
    """2 of 6 too high: P = 2 x (1 + 6 + 15) / 64 = 0.6875; at n = 6 only 0 or 6 reach 5%,
    at n = 5 nothing can (the smallest p is 2 / 32 = 0.0625)."""
    assert model_forecasts.sign_test_p(2, 6) == pytest.approx(44 / 64)
    assert model_forecasts.detectable_counts(6) == [0, 6]
    assert model_forecasts.detectable_counts(5) == []
    assert MIN_SCORED == min(n for n in range(1, 20) if model_forecasts.detectable_counts(n))


def test_the_sign_test_holds_its_level_under_a_simulated_null():
    """Unbiased forecasters (too high with probability 1/2): the test rejects at most 5% of
    the time, at every sample size."""
    rng = np.random.default_rng(3)
    for n in (6, 10, 20):
        k = rng.binomial(n, 0.5, 4000)
        rate = np.mean([model_forecasts.sign_test_p(int(x), n) < 0.05 for x in k])
        assert rate <= 0.05 + 0.01


@pytest.mark.parametrize("n,coverage", [(4, 1 - 2 / 16), (5, 1 - 2 / 32), (6, 1 - 2 / 64)])
def test_the_median_interval_coverage_by_hand(n, coverage):
    lo, hi, cov = model_forecasts.median_interval(np.arange(1.0, n + 1), 0.90)
    assert (lo, hi) == (1.0, float(n)) and cov == pytest.approx(coverage)


def test_the_median_interval_covers_as_stated_for_any_distribution():
    """Distribution-free: for skewed draws the [x_(k), x_(n+1-k)] interval covers the true
    median at least as often as its stated coverage (simulated, seeded)."""
    rng = np.random.default_rng(5)
    for n in (4, 7, 12):
        hits, stated = 0, None
        for _ in range(3000):
            x = rng.lognormal(0.0, 1.0, n)  # true median 1
            lo, hi, stated = model_forecasts.median_interval(x, 0.90)
            hits += lo <= 1.0 <= hi
        assert hits / 3000 >= stated - 0.02


# ------------------------------------------------------------ properties of the error
@given(st.floats(1, 1e4), st.floats(1, 1e4), st.floats(0.01, 100))
def test_log_error_is_symmetric_and_scale_free(f, o, k):
    assert model_forecasts.log_error(f, o) == pytest.approx(-model_forecasts.log_error(o, f))
    assert model_forecasts.log_error(k * f, k * o) == pytest.approx(
        model_forecasts.log_error(f, o), abs=1e-9
    )
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
            m = (
                (g["publication"] == r["publication"])
                & (g["year"] == r["year"])
                & (g["kind"] == "forecast")
                & (g["coverage"] == r["coverage"])
            )
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


@given(st.lists(st.tuples(st.floats(0.1, 10), st.floats(0.1, 10)), min_size=1, max_size=5))
def test_lmdi_adds_up_for_any_factors(pairs):
    start = {f"f{i}": a for i, (a, _) in enumerate(pairs)}
    end = {f"f{i}": b for i, (_, b) in enumerate(pairs)}
    t = model_decade.lmdi(start, end)
    assert t["contribution_twh"].sum() == pytest.approx(
        math.prod(end.values()) - math.prod(start.values()), rel=1e-9, abs=1e-9
    )


def test_the_2010_2018_decade_by_hand(ev):
    """Energy 193.7 -> 205.2 TWh while compute instances grew 6.5-fold: energy per instance
    fell to 205.2 / 193.7 / 6.5 = 0.163 of its 2010 level, -20.3% a year (the same number
    stated per year: one headline, not two)."""
    h, n = page.headlines(ev), page.numbers(ev)
    assert h["energy_to_compute_2010_2018"] == pytest.approx(205.2 / 193.7 / 6.5)
    assert "energy_per_instance_change_pct_per_year" not in h
    assert n["energy_per_instance_change_pct_per_year"] == pytest.approx(
        100 * ((205.2 / 193.7 / 6.5) ** (1 / 8) - 1)
    )
    f = ev.decade["2010-2018"]["lmdi"].set_index("factor")["ratio"]
    assert f[model_decade.CONSOLIDATION] == pytest.approx(1.3 / 6.5)


def test_demand_and_consolidation_bars_are_the_server_count_by_construction(ev):
    """An identity, not evidence: instances x servers per instance = servers, so the two
    LMDI bars add up to the contribution of the 1.3-fold server count alone."""
    t = ev.decade["2010-2018"]["lmdi"].set_index("factor")
    e0, e1 = ev.decade["2010-2018"]["inputs"]["energy"]
    both = (
        t.loc[model_decade.DEMAND, "contribution_twh"]
        + t.loc[model_decade.CONSOLIDATION, "contribution_twh"]
    )
    assert both == pytest.approx(float(decompose.log_mean(e1, e0)) * math.log(1.3))


def test_the_2015_2021_ratio_carries_the_energy_range(ev):
    n = page.numbers(ev)
    assert n["energy_to_compute_2015_2021_low"] == pytest.approx((220 / 200) / (650 / 180))
    assert n["energy_to_compute_2015_2021_high"] == pytest.approx((320 / 200) / (650 / 180))
    assert (
        n["energy_to_compute_2015_2021_low"]
        < page.headlines(ev)["energy_to_compute_2015_2021"]
        < n["energy_to_compute_2015_2021_high"]
    )


def test_a_period_without_demand_says_nothing_about_efficiency(tables):
    """Whatever energy did in 2018-2024, with no demand measure the verdict is 'not
    observed' (the identity would otherwise turn any rise of energy into 'demand outran
    efficiency')."""
    for k in (0.5, 1.0, 3.0):
        t = tables["dc_efficiency_decade"].copy()
        m = (t["period"] == "2018-2024") & (t["quantity"] == "energy") & (t["year"] == 2024)
        t.loc[m, "value"] *= k
        ev = page.evaluate(Params(), {**tables, "dc_efficiency_decade": t})
        assert "not observed" in page.texts(ev)["verdict_2018_2024"]


def test_the_verdict_thresholds_are_parameters(tables):
    loose = page.evaluate(Params(flat_energy_ratio=1.5), tables)
    assert "nearly flat" in page.texts(loose)["verdict_2015_2021"]
    strict = page.evaluate(Params(offset_ratio=0.3), tables)
    assert "fell by more than half" not in page.texts(strict)["verdict_2015_2021"]


def test_the_product_of_the_factors_is_the_energy_by_construction():
    """An identity, not a check of the data: the residual factor is energy / (the rest), so
    the product equals the energy for any inputs."""
    inputs = {"energy": (10.0, 30.0), "compute_instances": (1.0, 4.0), "pue": (2.0, 1.5)}
    start, end = model_decade.identity_factors(inputs)
    assert math.prod(end.values()) == pytest.approx(30.0)


def test_a_period_without_demand_leaves_one_residual():
    t = pd.DataFrame(
        {
            "period": ["p"] * 2,
            "year": [2018, 2024],
            "quantity": ["energy"] * 2,
            "value": [200.0, 400.0],
        }
    )
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


def _shocked(rng, rate=4.0, n=300):
    """Models spread over 2012-2024 whose log compute shares a shock within each calendar
    year (a year of unusually large models) on top of each model's own scatter."""
    years = rng.uniform(2012, 2025, n)
    shock = rng.normal(0, 0.5, 13)
    values = rate ** (years - 2012) * 10 ** (
        shock[np.floor(years - 2012).astype(int)] + rng.normal(0, 1.0, n)
    )
    return years, values


def test_the_interval_covers_the_true_rate_under_year_level_shocks():
    """With shocks shared within a year the classical interval is far too narrow; the
    clustered one keeps close to its 90%."""
    rng = np.random.default_rng(7)
    iid = clustered = 0
    runs = 400
    for _ in range(runs):
        years, values = _shocked(rng)
        fit = model_compute.fit_growth(years, values, clusters=np.floor(years).astype(int))
        iid += fit["low_iid"] <= 4.0 <= fit["high_iid"]
        clustered += fit["low"] <= 4.0 <= fit["high"]
    assert iid / runs < 0.75
    assert clustered / runs >= 0.82


def test_the_break_test_holds_its_level_and_finds_a_real_break():
    rng = np.random.default_rng(11)
    null, found = [], []
    for _ in range(300):
        years, values = _shocked(rng)
        g = np.floor(years).astype(int)
        null.append(model_compute.break_test(years, values, 2018, g)["p_value"] < 0.05)
        kinked = values * 10 ** (np.maximum(0, years - 2018) * math.log10(3.0))
        found.append(model_compute.break_test(years, kinked, 2018, g)["p_value"] < 0.05)
    assert np.mean(null) <= 0.10
    assert np.mean(found) >= 0.8


def test_an_exact_exponential_has_no_interval():
    years = np.arange(2012, 2025, dtype=float)
    fit = model_compute.fit_growth(years, 3.0 ** (years - 2012))
    assert fit["factor_per_year"] == pytest.approx(3.0)
    assert fit["high"] - fit["low"] == pytest.approx(0, abs=1e-6)


def test_the_fit_matches_epoch_within_its_interval(ev, tables):
    """Epoch AI's own fit to its notable models (read from growth_trends) must fall inside
    the book's clustered interval over the same data."""
    t = tables["growth_trends"].set_index("metric").loc["training_compute_notable"]
    h = page.headlines(ev)
    assert h["compute_growth_low"] < float(t["value"]) < h["compute_growth_high"]


def test_orders_of_magnitude_count_every_year_of_the_window(ev):
    n = page.numbers(ev)
    years = ev.P.compute_fit_end + 1 - ev.P.compute_fit_start
    assert n["compute_orders_of_magnitude"] == pytest.approx(
        years * math.log10(page.headlines(ev)["compute_growth_per_year"])
    )


def test_the_hardware_gap_is_taken_over_the_hardwares_years(ev):
    lo = math.floor(ev.hardware["year"].min())
    hi = math.floor(ev.hardware["year"].max())
    assert (
        ev.compute_common_fit["n"]
        == ((ev.models["year"] >= lo) & (ev.models["year"] < hi + 1)).sum()
    )


def test_decimal_years():
    y = model_compute.decimal_year(pd.to_datetime(["2012-01-01", "2012-07-02", "2024-12-31"]))
    assert y[0] == 2012 and y[1] == pytest.approx(2012.5, abs=0.01) and y[2] < 2025


# ------------------------------------------------------------ parameters
@pytest.mark.parametrize(
    "overrides,names",
    [
        ({"compute_fit_start": 2021, "compute_fit_end": 2022}, ["compute_fit_start"]),
        ({"long_horizon_years": 6, "horizon_from": "publication year"}, ["long_horizon_years"]),
        (
            {
                "scope": "United States",
                "us_vintage": "LBNL 2016",
                "error_basis": "growth from the base year",
            },
            ["scope"],
        ),
        ({"scope": "Europe"}, ["scope"]),
        ({"horizon_bins": ("5-9", "11-12")}, ["horizon_bins"]),
    ],
)
def test_bad_parameters_are_refused_by_name(tables, overrides, names):
    with pytest.raises(ParameterError) as e:
        SPEC.validate(overrides, tables={t: tables[t] for t in SPEC.tables})
    assert all(any(n in p for p in e.value.problems) for n in names)


@given(
    st.sampled_from(SCOPES),
    st.sampled_from(US_VINTAGES),
    st.sampled_from(WORLD_VINTAGES),
    st.sampled_from(HORIZON_FROM),
    st.sampled_from(ERROR_BASES),
    st.integers(1, 10),
)
def test_every_combination_meets_the_minimum_counts_or_is_refused(
    scope, us, world, hfrom, basis, long_years
):
    """Combinations, not one parameter at a time: the spec accepts a choice exactly when it
    scores at least MIN_SCORED forecasts with MIN_LONG at the long horizons, and then the
    headlines are finite."""
    tables = _TABLES()
    overrides = {
        "scope": scope,
        "us_vintage": us,
        "world_vintage": world,
        "horizon_from": hfrom,
        "error_basis": basis,
        "long_horizon_years": long_years,
    }
    P = Params(**overrides)
    s = page.scored_forecasts(P, tables["forecasts"])
    s = s[s["status"] == model_forecasts.SCORED]
    ok = len(s) >= MIN_SCORED and (s["horizon_years"] >= long_years).sum() >= MIN_LONG
    try:
        SPEC.validate(overrides, tables={t: tables[t] for t in SPEC.tables})
    except ParameterError as e:
        assert not ok
        assert any("scope" in p or "long_horizon_years" in p for p in e.problems)
        return
    assert ok
    h = page.headlines(page.evaluate(P, tables))
    assert all(math.isfinite(v) for v in h.values())


_CACHE: dict = {}


def _TABLES():
    if not _CACHE:
        _CACHE.update(data.load_tables(page.TABLES))
    return _CACHE


# ------------------------------------------------------------ nothing typed
def _numbers_in(text: str) -> list[str]:
    """Every number in a text except plain years (four digits, 1990-2100)."""
    import re

    tokens = re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text)
    return [t for t in tokens if not (len(t) == 4 and t.isdigit() and 1990 <= int(t) <= 2100)]


def test_no_caption_or_phrase_holds_a_hand_typed_number(tables):
    """Perturb every figure the captions and phrases read, each by a different factor: every
    number in them must move (a typed number would stay put)."""
    rng = np.random.default_rng(14)
    f = tables["forecasts"].copy()
    for c in ("low_twh", "central_twh", "high_twh"):
        f[c] = f[c] * rng.uniform(1.05, 1.3, len(f))
    d = tables["dc_efficiency_decade"].copy()
    for c in ("value", "low", "high"):
        d[c] = d[c] * rng.uniform(1.05, 1.3, len(d))
    before = page.evaluate(Params(), tables)
    after = page.evaluate(Params(), {**tables, "forecasts": f, "dc_efficiency_decade": d})
    a = _numbers_in(page.captions(before)["decomposition"])
    b = _numbers_in(page.captions(after)["decomposition"])
    assert len(a) == len(b) and a
    assert all(x != y for x, y in zip(a, b, strict=True)), (a, b)
    # the errors caption holds only counts of forecasts, computed from the scored table
    n = page.numbers(before)
    cap = page.captions(before)["errors"]
    assert cap.startswith(
        f"{int(n['n_too_high'])} of the {int(n['n_scored'])} scored forecasts lie above"
    )


def test_the_markdown_holds_no_typed_number():
    """Every number in the chapter's prose is glued: with the glue roles and citations
    taken out, no digit is left but years."""
    import re

    import nbformat

    nb = nbformat.read(ROOT / "chapters" / "record.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    text = re.sub(r"\{(glue|cite):[a-z]+\}`[^`]*`", "", text)
    text = re.sub(r"\d{4}-\d{4}", "", text)  # periods such as 2010-2018
    # names and definitions, not data: "16-bit" formats, a PUE "cannot fall below 1"
    text = text.replace("16-bit", "").replace("below 1.", "")
    assert _numbers_in(text) == []


def test_period_sobol_indices_are_shares_and_ignore_an_unused_parameter(ev, tables):
    """The total Sobol indices of the compute growth lie in [0, 1.05], a fit-period year
    carries a clear share, and a parameter the fit does not read (the flat-energy
    threshold) gets a total index of zero."""
    from energybook import sobol

    st = ev.sobol.set_index("parameter")["ST"]
    assert set(st.index) == set(page.PERIOD_RANGES)
    assert ((st >= 0.0) & (st <= 1.05)).all()
    assert st.max() > 0.2
    ranges = dict(page.PERIOD_RANGES, flat_energy_ratio=(1.0, 1.5))
    idx = sobol.of_parameters(
        lambda Q: page.compute_growth_point(Q, tables["training_compute"]), ev.P, ranges, 16
    )
    assert abs(float(idx.set_index("parameter").loc["flat_energy_ratio", "ST"])) < 1e-9
    assert page.compute_growth_point(ev.P, tables["training_compute"]) == pytest.approx(
        page.headlines(ev)["compute_growth_per_year"]
    )
