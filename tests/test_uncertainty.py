"""Tests of the shared uncertainty module."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from energybook import uncertainty as u

DISTS = {
    "a": u.Normal(1.0, 2.0),
    "b": u.Uniform(0.0, 1.0),
    "c": u.Triangular(0.0, 1.0, 3.0),
    "d": u.LogNormal.from_interval(1.2, 1.8),
    "e": u.PERT(0.0, 1.0, 4.0),
    "f": u.Fixed(2.5),
}


def linear(a, b, c, d, e, f):
    return 2.0 * a + 3.0 * b + c - d + 0.5 * e + f


def test_reproducible_with_seed():
    r1 = u.monte_carlo(linear, DISTS, 10_000, seed=7)
    r2 = u.monte_carlo(linear, DISTS, 10_000, seed=7)
    r3 = u.monte_carlo(linear, DISTS, 10_000, seed=8)
    np.testing.assert_array_equal(r1["output"], r2["output"])
    assert not np.array_equal(r1["output"], r3["output"])


def test_draws_of_an_input_do_not_depend_on_the_others():
    s1 = u.sample({"x": u.Uniform(0, 1)}, 1000, seed=3)
    s2 = u.sample({"y": u.Normal(0, 1), "x": u.Uniform(0, 1)}, 1000, seed=3)
    np.testing.assert_array_equal(s1["x"], s2["x"])


def test_mean_matches_analytic_mean_of_linear_model():
    n = 200_000  # 100k+ draws work
    res = u.monte_carlo(linear, DISTS, n, seed=11)
    analytic = (
        2 * DISTS["a"].mean()
        + 3 * 0.5
        + 4.0 / 3.0
        - DISTS["d"].mean()
        + 0.5 * (0 + 4 * 1 + 4) / 6
        + 2.5
    )
    sd = math.sqrt(4 * 4 + 9 / 12 + 2 * 2 / 18 + 0.2 + 0.25)  # generous bound on the sd
    assert abs(res["output"].mean() - analytic) < 5 * sd / math.sqrt(n)


@pytest.mark.parametrize("dist", list(DISTS.values()))
def test_sample_quantiles_match_ppf(dist):
    x = dist.sample(np.random.default_rng(0), 100_000)
    for q in (0.05, 0.5, 0.95):
        assert np.quantile(x, q) == pytest.approx(float(dist.ppf(q)), rel=0.02, abs=0.02)
    assert x.mean() == pytest.approx(dist.mean(), rel=0.02, abs=0.02)


def test_lognormal_from_interval_hits_its_interval():
    d = u.LogNormal.from_interval(2.0, 8.0)
    assert d.median() == pytest.approx(4.0)
    assert float(d.ppf(0.05)) == pytest.approx(2.0)
    assert float(d.ppf(0.95)) == pytest.approx(8.0)
    d2 = u.LogNormal.from_median_factor(10.0, 2.0)
    assert float(d2.ppf(0.95)) == pytest.approx(20.0)
    n = u.Normal.from_interval(-1.0, 3.0)
    assert n.mean() == 1.0 and float(n.ppf(0.95)) == pytest.approx(3.0)


def test_invalid_distributions_are_refused():
    with pytest.raises(ValueError):
        u.Uniform(2, 1)
    with pytest.raises(ValueError):
        u.Triangular(0, 5, 1)
    with pytest.raises(ValueError):
        u.LogNormal(-1, 1)
    with pytest.raises(TypeError):
        u.sample({"x": 3.0}, 10, 0)
    with pytest.raises(ValueError):
        u.sample({"x": u.Fixed(1)}, 0, 0)


def test_summarize_and_probability():
    x = np.arange(1, 101, dtype=float)
    s = u.summarize(x)
    assert set(s) == {"median", "p05", "p95", "mean"}
    assert s["median"] == 50.5 and s["mean"] == 50.5
    assert s["p05"] == pytest.approx(5.95) and s["p95"] == pytest.approx(95.05)
    assert all(type(v) is float for v in s.values())
    assert u.probability(x > 90) == 0.1
    with pytest.raises(TypeError):
        u.probability(x)


def test_fan_quantiles_per_year():
    rng = np.random.default_rng(0)
    paths = rng.normal(size=(5000, 3)) + np.array([0.0, 10.0, 20.0])
    df = u.fan([2024, 2025, 2026], paths)
    assert list(df.columns) == ["year", "p05", "p25", "p50", "p75", "p95", "mean"]
    assert np.all(df["p05"] < df["p50"]) and np.all(df["p50"] < df["p95"])
    assert df["p50"].tolist() == pytest.approx([0, 10, 20], abs=0.1)
    with pytest.raises(ValueError):
        u.fan([2024, 2025], paths)


def test_tornado_ranks_by_swing_of_a_linear_model():
    dists = {"small": u.Uniform(0, 1), "big": u.Uniform(0, 10), "none": u.Fixed(3.0)}
    df = u.tornado(lambda small, big, none: small + big + none, dists)
    assert df["input"].tolist() == ["big", "small", "none"]
    assert df["rank"].tolist() == [1, 2, 3]
    assert df.loc[0, "swing"] == pytest.approx(9.0)  # 5th -> 95th percentile of U(0, 10)
    assert df.loc[1, "swing"] == pytest.approx(0.9)
    assert df.loc[2, "swing"] == 0.0
    assert df.loc[0, "base"] == pytest.approx(0.5 + 5 + 3)


def test_threshold_crossing_finds_the_flip():
    dists = {"x": u.Uniform(0, 4), "y": u.Fixed(1.0)}
    v = u.threshold_crossing(lambda x, y: x**2 * y, dists, "x", target=2.0, lo=0, hi=4)
    assert v == pytest.approx(math.sqrt(2), abs=1e-9)
    assert math.isnan(u.threshold_crossing(lambda x, y: x + y, dists, "x", 100, 0, 4))


@settings(max_examples=30, deadline=None)
@given(low=st.floats(-100, 100), width=st.floats(0.1, 100), seed=st.integers(0, 2**31 - 1))
def test_uniform_draws_stay_in_range(low, width, seed):
    x = u.sample({"x": u.Uniform(low, low + width)}, 500, seed)["x"]
    assert x.min() >= low and x.max() <= low + width


def test_assumptions_table():
    df = u.assumptions_table(DISTS)
    assert df["input"].tolist() == list(DISTS)
    assert (df["p05"] <= df["median"]).all() and (df["median"] <= df["p95"]).all()


def test_distributions_describe_themselves_in_plain_words():
    from energybook import uncertainty as u

    text = u.LogNormal(1.28, 0.02966).describe()
    assert text.startswith("log-normal, median 1.28, 90% within ")
    assert "=" not in text and "LogNormal" not in text
    assert u.Fixed(2.0).describe() == "fixed at 2"
    lo, hi = u.Uniform(0.0, 1.0).ppf(0.05), u.Uniform(0.0, 1.0).ppf(0.95)
    assert u.Uniform(0.0, 1.0).describe() == f"uniform, median 0.5, 90% within {lo:.3g} to {hi:.3g}"


# --------------------------------------------------------------------------- the draw memo
@pytest.mark.parametrize("name", sorted(DISTS))
def test_memoised_draws_are_the_generators_draws(name):
    """Cold or warm, sample() hands out exactly what the input's own generator draws, and
    a caller that writes into its copy does not change the next caller's."""
    dist = DISTS[name]
    u.clear_draw_cache()
    fresh = np.asarray(dist.sample(u._stream(11, name), 777), dtype=float)
    cold = u.sample({name: dist}, 777, seed=11)[name]
    cold[:] = -1.0
    warm = u.sample({name: dist}, 777, seed=11)[name]
    np.testing.assert_array_equal(warm, fresh)
    assert not np.array_equal(cold, fresh)


def test_a_log_normal_shares_its_standard_variates_across_medians_and_spreads():
    u.clear_draw_cache()
    a = u.sample({"x": u.LogNormal(2.0, 0.3)}, 500, seed=4)["x"]
    b = u.sample({"x": u.LogNormal(5.0, 0.1)}, 500, seed=4)["x"]
    np.testing.assert_array_equal(a, 2.0 * np.exp(0.3 * u._stream(4, "x").standard_normal(500)))
    np.testing.assert_array_equal(b, 5.0 * np.exp(0.1 * u._stream(4, "x").standard_normal(500)))
    # the same variates: a monotone map of one another
    np.testing.assert_array_equal(np.argsort(a), np.argsort(b))


def test_the_draw_memo_keeps_under_its_byte_cap():
    cache = u._DrawCache(10_000)
    for i in range(20):
        cache.put(("k", i), np.zeros(500))  # 4,000 bytes each
    assert cache.bytes <= 10_000 and len(cache.items) == 2
    assert cache.get(("k", 19)) is not None and cache.get(("k", 0)) is None
    big = cache.put(("big",), np.zeros(5000))  # larger than the cap: not kept
    assert big.shape == (5000,) and cache.get(("big",)) is None


# --------------------------------------------------------------------------- summaries
@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.floats(-1e6, 1e6, allow_nan=False) | st.sampled_from([math.inf, -math.inf]),
        min_size=1,
        max_size=300,
    ),
    st.sampled_from([(0.05, 0.95), (0.25, 0.75), (0.0, 1.0), (0.1, 0.9)]),
)
def test_summaries_are_numpys_quantiles_to_the_last_bit(values, qs):
    x = np.array(values)
    low, high = qs
    with np.errstate(invalid="ignore"):  # inf - inf: nan, as numpy's own
        s = u.summarize(x, low, high)
        lo, med, hi = np.quantile(x, [low, 0.5, high])
        mean = x.mean()
    got = (s[u._pkey(low)], s["median"], s[u._pkey(high)], s["mean"])
    assert [repr(v) for v in got] == [repr(float(v)) for v in (lo, med, hi, mean)]


def test_summaries_of_rows_are_the_summaries_of_each_row():
    rng = np.random.default_rng(2)
    x = rng.lognormal(0.0, 1.0, (7, 1001))
    x[3, 10] = np.nan
    with np.errstate(invalid="ignore"):
        rows = u.summarize_rows(x)
    for i in range(7):
        with np.errstate(invalid="ignore"):
            want = {k: repr(v) for k, v in u.summarize(x[i]).items()}
        assert {k: repr(v) for k, v in rows[i].items()} == want
    assert math.isnan(rows[3]["median"])
    with pytest.raises(ValueError, match="2-D"):
        u.summarize_rows(np.ones(3))
