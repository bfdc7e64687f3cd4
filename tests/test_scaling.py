"""Models of the scaling chapter: trends, slowdown test, decomposition, limits, GEMM shapes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.constants as const
from hypothesis import given, settings
from hypothesis import strategies as st

from energybook import chapters, data
from energybook.chapters.scaling import model as sc
from energybook.chapters.scaling import model_limits as lim_m
from energybook.chapters.scaling import model_memory as mem
from energybook.chapters.scaling import model_slowdown as slow
from energybook.chapters.scaling import model_steps as steps_m
from energybook.chapters.scaling import page
from energybook.chapters.scaling.params import PRECISIONS, Params
from energybook.params import ParameterError


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return data.load_tables(page.TABLES)


@pytest.fixture(scope="module")
def acc(tables) -> pd.DataFrame:
    return tables["accelerators"]


# ---------------------------------------------------------------- trend fit
def test_fit_recovers_known_doubling_time_exactly():
    years = np.array([2016.0, 2018.0, 2020.0, 2022.0, 2024.0])
    values = 1e11 * 2.0 ** ((years - 2016.0) / 2.5)
    f = sc.fit_log_trend(years, values)
    assert f.doubling_time_years == pytest.approx(2.5, rel=1e-12)
    assert f.growth_per_year == pytest.approx(2 ** (1 / 2.5))
    assert f.r_squared == pytest.approx(1.0)
    assert f.predict([2030.0])[0] == pytest.approx(1e11 * 2 ** (14 / 2.5))


def test_fit_recovers_known_doubling_time_from_noisy_synthetic_data():
    rng = np.random.default_rng(1)
    years = np.sort(rng.uniform(2010, 2025, 200))
    values = 1e10 * 2.0 ** ((years - 2010) / 2.0) * 2.0 ** rng.normal(0, 0.3, years.size)
    f = sc.fit_log_trend(years, values, level=0.95)
    assert f.doubling_time_low_years < 2.0 < f.doubling_time_high_years
    assert f.doubling_time_years == pytest.approx(2.0, rel=0.05)


def test_fit_interval_hand_worked():
    # y = log2 values = [0, 1, 1, 2] at x = [0, 1, 2, 3]: slope 0.6, intercept 0.1,
    # residuals [-0.1, 0.3, -0.3, 0.1], s^2 = 0.2/2 = 0.1, Sxx = 5, se = sqrt(0.02).
    f = sc.fit_log_trend([0, 1, 2, 3], [1, 2, 2, 4], level=0.95)
    assert f.slope_per_year == pytest.approx(0.6)
    assert f.slope_se == pytest.approx(math.sqrt(0.02))
    t = 4.302652729911275  # t_{0.975, 2}
    assert f.slope_low == pytest.approx(0.6 - t * math.sqrt(0.02))
    assert f.doubling_time_high_years == math.inf  # interval reaches zero growth
    assert f.doubling_time_low_years == pytest.approx(1 / (0.6 + t * math.sqrt(0.02)))


def test_fit_rejects_too_few_points_and_nonpositive_values():
    with pytest.raises(ValueError):
        sc.fit_log_trend([2020, 2021], [1, 2])
    with pytest.raises(ValueError):
        sc.fit_log_trend([2020, 2021, 2022], [1, 0, 2])
    with pytest.raises(ValueError):
        sc.fit_log_trend([2020, 2020, 2020], [1, 2, 3])


@settings(max_examples=40)
@given(dt=st.floats(0.5, 10.0), scale=st.floats(1e6, 1e15), shift=st.floats(-5, 5))
def test_fit_property_exact_exponential_and_scale_invariance(dt, scale, shift):
    years = np.array([2016.0, 2017.5, 2019.0, 2021.0, 2024.0]) + shift
    values = scale * 2.0 ** (years / dt - years[0] / dt)
    f = sc.fit_log_trend(years, values)
    assert f.doubling_time_years == pytest.approx(dt, rel=1e-9)
    g = sc.fit_log_trend(years, 7.0 * values)
    assert g.doubling_time_years == pytest.approx(f.doubling_time_years, rel=1e-9)


@settings(max_examples=30)
@given(noise=st.lists(st.floats(-1, 1), min_size=6, max_size=6))
def test_fit_property_interval_contains_estimate(noise):
    years = np.arange(2016.0, 2022.0)
    values = 2.0 ** (years - 2016 + np.array(noise))
    f = sc.fit_log_trend(years, values)
    assert f.slope_low <= f.slope_per_year <= f.slope_high


def test_efficiency_table_filters(acc):
    t = sc.efficiency_table(acc, "bf16", vendors=["NVIDIA"], start_year=2020, end_year=2024)
    assert set(t["vendor"]) == {"NVIDIA"}
    assert t["year"].between(2020, 2025).all()
    no_est = sc.efficiency_table(acc, "bf16", include_estimated_power=False)
    assert not no_est["power_estimated"].any()


def test_lowest_precision_picks_the_narrowest_float_format():
    row = {"fp32_tflops": 10.0, "bf16_tflops": 100.0, "fp16_tflops": 120.0,
           "fp8_tflops": 200.0, "int8_tops": 400.0}
    assert sc.chip_format_peak(row, "lowest") == (200.0, "fp8")
    del row["fp8_tflops"]  # INT8 is not a FLOP: the 16-bit formats are next, the larger wins
    assert sc.chip_format_peak(row, "lowest") == (120.0, "fp16")


def test_precision_must_be_known():
    with pytest.raises(ValueError):
        sc.chip_format_peak({"bf16_tflops": 1.0}, "fp64")


# ---------------------------------------------------------------- slowdown
def _broken(years, before_dt=1.0, after_dt=4.0, brk=2020.0):
    y = np.where(years < brk, (years - brk) / before_dt, (years - brk) / after_dt)
    return 2.0**y


def test_segmented_fit_recovers_slopes_at_a_known_break():
    years = np.linspace(2012, 2026, 15)
    r = slow.segmented_fit(years, _broken(years), 2020.0)
    assert r["doubling_time_before_years"] == pytest.approx(1.0, rel=1e-9)
    assert r["doubling_time_after_years"] == pytest.approx(4.0, rel=1e-9)
    assert r["slope_change"] == pytest.approx(0.25 - 1.0)


def test_breakpoint_test_finds_a_planted_slowdown_and_is_seeded():
    rng = np.random.default_rng(3)
    years = np.linspace(2010, 2026, 30)
    values = _broken(years) * 2.0 ** rng.normal(0, 0.1, years.size)
    r1 = slow.breakpoint_test(years, values, n_boot=200, seed=5)
    r2 = slow.breakpoint_test(years, values, n_boot=200, seed=5)
    assert r1 == r2
    assert r1["breakpoint_year_low"] <= 2020.0 <= r1["breakpoint_year_high"]
    assert abs(r1["breakpoint_year"] - 2020.0) < 1.0
    assert r1["slope_change_high"] < 0


def test_breakpoint_test_needs_enough_chips():
    with pytest.raises(ValueError):
        slow.breakpoint_test([2016, 2017, 2018, 2019, 2020], [1, 2, 4, 8, 16], n_boot=10)


def test_rolling_growth_constant_rate():
    years = np.linspace(2010, 2026, 33)
    r = sc.rolling_growth(years, 2.0 ** ((years - 2010) / 3.0), window_years=4)
    assert len(r) > 5
    assert np.allclose(r["doubling_time_years"], 3.0)


# ---------------------------------------------------------------- decomposition
@settings(max_examples=60)
@given(vals=st.lists(st.floats(1.0, 1e4), min_size=8, max_size=8))
def test_decomposition_property_logs_sum(vals):
    b = {"bf16_tflops": vals[0], "fp8_tflops": vals[0] * 2, "board_power_w": vals[1],
         "transistors_billion": vals[2], "dies": 1}
    a = {"bf16_tflops": vals[3], "fp4_tflops": vals[4] + vals[3], "board_power_w": vals[5],
         "transistors_billion": vals[6], "dies": 2}
    d = steps_m.decompose_step(b, a, precision="lowest")
    assert d["total"] == pytest.approx((vals[4] + vals[3]) / (vals[0] * 2), rel=1e-12)
    prod = d["format"] * d["silicon"] * d["power"] * d["residual"]
    assert prod == pytest.approx(d["total"], rel=1e-12)


# ---------------------------------------------------------------- memory wall and GEMM
def test_memory_bound_summary_breakeven(tables):
    m = mem.memory_bound_summary(mem.memory_wall_table(tables["accelerators"]),
                                 tables["energy_per_op"])
    assert m["breakeven_batch"] == pytest.approx(m["weight_read_pj"] / m["fma_pj"])
    assert 0 < m["batch1_peak_share_percent"] < 100


def test_gemm_efficiency_hand_worked():
    e = mem.gemm_efficiency(4096, 4096)
    assert e["tiles"] == 1024 and e["waves"] == 8
    assert e["tile_efficiency"] == 1.0
    assert e["wave_efficiency"] == pytest.approx(1024 / 1056)
    e2 = mem.gemm_efficiency(4097, 4096)
    assert e2["tile_efficiency"] == pytest.approx(4097 * 4096 / (33 * 32 * 128 * 128))
    assert mem.gemm_efficiency(128 * 12, 128 * 11, n_sms=132)["efficiency"] == 1.0


@settings(max_examples=100)
@given(m=st.integers(1, 20000), n=st.integers(1, 20000), sms=st.integers(1, 200),
       tm=st.sampled_from([64, 128, 256]), tn=st.sampled_from([64, 128, 256]))
def test_gemm_efficiency_property_bounds_and_alignment(m, n, sms, tm, tn):
    e = mem.gemm_efficiency(m, n, tile_m=tm, tile_n=tn, n_sms=sms)
    assert 0 < e["efficiency"] <= 1.0
    aligned = mem.gemm_efficiency(mem.padded_size(m, tm), mem.padded_size(n, tn), tile_m=tm,
                                  tile_n=tn, n_sms=sms)
    assert aligned["tile_efficiency"] == 1.0
    assert aligned["tiles"] == e["tiles"]


# ---------------------------------------------------------------- physical limits
def test_landauer_at_300_k_from_scipy_constants():
    assert lim_m.landauer_limit_j(300.0) == const.k * 300.0 * math.log(2)
    assert lim_m.landauer_limit_j(600.0) == pytest.approx(2 * lim_m.landauer_limit_j(300.0))


@settings(max_examples=50)
@given(cur=st.floats(1e9, 1e15), k=st.floats(1.0, 1e6), dt=st.floats(0.5, 10))
def test_years_to_limit_property(cur, k, dt):
    y = lim_m.years_to_limit(cur, cur * k, dt)
    assert y == pytest.approx(math.log2(k) * dt, rel=1e-9, abs=1e-9)
    assert lim_m.years_to_limit(cur, cur * k, 2 * dt) == pytest.approx(2 * y, rel=1e-9, abs=1e-9)
    assert lim_m.years_to_limit(cur * k, cur, dt) == 0.0


# ---------------------------------------------------------------- the page and the checks
def test_headlines_are_the_declared_ones_and_finite(tables):
    spec = chapters.get("scaling")
    h = page.headlines(page.evaluate(Params(), tables))
    assert list(h) == [x.name for x in spec.headlines]
    assert all(math.isfinite(v) for v in h.values())


def test_cap_years_replaces_only_unbounded_values():
    assert sc.cap_years(math.inf) == sc.YEARS_CAP
    assert sc.cap_years(2.5) == 2.5
    assert math.isnan(sc.cap_years(math.nan))


def _rejected(overrides: dict, *fragments: str) -> None:
    spec = chapters.get("scaling")
    with pytest.raises(ParameterError) as e:
        spec.validate(overrides, tables=data.load_tables(spec.tables))
    text = str(e.value)
    for f in fragments:
        assert f in text, text


def test_spec_check_rejects_reversed_years():
    _rejected({"start_year": 2025, "end_year": 2016},
              "start_year (2025) must be before end_year (2016)")


def test_spec_check_rejects_a_selection_with_too_few_chips():
    _rejected({"vendors": ["Intel"]}, "too few chips", "only 2 chips at precision bf16",
              "vendors Intel", "add vendors")
    _rejected({"vendors": ["Google", "Intel"], "include_estimated_power": False},
              "set include_estimated_power to true")


def test_spec_check_rejects_a_window_longer_than_the_releases():
    _rejected({"start_year": 2021, "breakpoint_year": 2023.0, "window_years": 10.0},
              "window_years 10 leaves no rolling window")


def test_spec_check_rejects_an_undecomposable_step():
    _rejected({"decomposition_precision": "fp4"},
              "decomposition_precision fp4 has no peak figure for both H100 SXM and B200")


def test_every_precision_choice_is_known_to_the_model():
    for p in PRECISIONS:
        sc.chip_format_peak({}, p)


@settings(max_examples=25)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(8, 30))
def test_vectorised_break_profile_equals_a_fit_per_candidate(seed, n):
    """The batched profile picks, for every series, the breakpoint with the least squared
    error and its least-squares coefficients, as one lstsq per candidate would."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(2010, 2026, n))
    Y = rng.normal(size=(n, 7)) + 0.3 * (x - 2018)[:, None]
    cands = slow.candidate_breaks(x, 3, 0.1)
    got_b, got_c = slow.KinkBasis(x, cands).profile(Y, chunk=3)
    for j in range(Y.shape[1]):
        sse = []
        coefs = []
        for b in cands:
            X = slow._segmented_design(x, b)
            c, *_ = np.linalg.lstsq(X, Y[:, j], rcond=None)
            sse.append(float(np.sum((Y[:, j] - X @ c) ** 2)))
            coefs.append(c)
        best = int(np.argmin(sse))
        assert sse[list(cands).index(got_b[j])] == pytest.approx(sse[best], rel=1e-9, abs=1e-12)
        assert got_c[j] == pytest.approx(coefs[list(cands).index(got_b[j])], rel=1e-7, abs=1e-9)
