"""Models of the scaling chapter: trends, slowdown test, decomposition, limits, GEMM shapes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.constants as const
from hypothesis import given, settings
from hypothesis import strategies as st

from energybook import data, specs
from energybook.models import scaling as sc


@pytest.fixture(scope="module")
def acc() -> pd.DataFrame:
    return data.load_table("accelerators")


@pytest.fixture(scope="module")
def limits() -> pd.DataFrame:
    return data.load_table("cmos_limits")


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


@settings(max_examples=40, deadline=None)
@given(dt=st.floats(0.5, 10.0), scale=st.floats(1e6, 1e15), shift=st.floats(-5, 5))
def test_fit_property_exact_exponential_and_scale_invariance(dt, scale, shift):
    years = np.array([2016.0, 2017.5, 2019.0, 2021.0, 2024.0]) + shift
    values = scale * 2.0 ** (years / dt - years[0] / dt)
    f = sc.fit_log_trend(years, values)
    assert f.doubling_time_years == pytest.approx(dt, rel=1e-9)
    # Multiplying every value by a constant leaves the doubling time unchanged.
    g = sc.fit_log_trend(years, 7.0 * values)
    assert g.doubling_time_years == pytest.approx(f.doubling_time_years, rel=1e-9)


@settings(max_examples=30, deadline=None)
@given(noise=st.lists(st.floats(-1, 1), min_size=6, max_size=6))
def test_fit_property_interval_contains_estimate(noise):
    years = np.arange(2016.0, 2022.0)
    values = 2.0 ** (years - 2016 + np.array(noise))
    f = sc.fit_log_trend(years, values)
    assert f.slope_low <= f.slope_per_year <= f.slope_high


def test_real_data_bf16_trend_and_precision_changes_it(acc):
    bf16 = sc.efficiency_trend(acc, "bf16")
    fp32 = sc.efficiency_trend(acc, "fp32")
    lowest = sc.efficiency_trend(acc, "lowest")
    assert bf16.n >= 20
    assert 1.0 < bf16.doubling_time_years < 5.0
    assert fp32.doubling_time_years != pytest.approx(bf16.doubling_time_years, rel=0.05)
    assert lowest.doubling_time_years < bf16.doubling_time_years  # formats add to the trend


def test_chapter_rerun_with_other_precision_changes_headline(acc, limits):
    a = sc.headline_numbers(acc, limits, precision="bf16", n_bootstrap=100)
    b = sc.headline_numbers(acc, limits, precision="fp32", n_bootstrap=100)
    assert a["doubling_time_years"] != pytest.approx(b["doubling_time_years"], rel=0.05)


def test_efficiency_table_filters(acc):
    t = sc.efficiency_table(acc, "bf16", vendors=["NVIDIA"], start_year=2020, end_year=2024)
    assert set(t["vendor"]) == {"NVIDIA"}
    assert t["year"].between(2020, 2025).all()
    assert "P100 SXM2" not in set(t["chip"])
    no_est = sc.efficiency_table(acc, "bf16", include_estimated_power=False)
    assert not no_est["power_estimated"].any()
    assert "TPU v2" in set(no_est["chip"]) and "TPU v4" not in set(no_est["chip"])


def test_flop_per_j_hand_worked(acc):
    t = sc.efficiency_table(acc, "bf16").set_index("chip")
    # H100 SXM: 989.4 TFLOP/s at 700 W.
    assert t.loc["H100 SXM", "flop_per_j"] == pytest.approx(989.4e12 / 700)


def test_lowest_precision_picks_the_narrowest_float_format(acc):
    t = sc.efficiency_table(acc, "lowest").set_index("chip")
    assert t.loc["GB300", "format"] == "fp4"
    assert t.loc["H100 SXM", "format"] == "fp8"
    assert t.loc["A100 SXM 80GB", "format"] == "bf16"  # INT8 is not a FLOP
    assert t.loc["GB300", "tflops"] == 15000


def test_precision_must_be_known():
    with pytest.raises(ValueError):
        sc.chip_format_peak({"bf16_tflops": 1.0}, "fp64")


def test_trend_summary_and_lines_are_chart_sized(acc):
    s = sc.trend_summary(acc)
    assert {"bf16", "fp32", "lowest"} <= set(s["precision"])
    assert (s["doubling_time_low_years"] <= s["doubling_time_years"]).all()
    lines = sc.trend_lines_by_vendor(sc.efficiency_table(acc, "bf16"))
    assert len(lines) < 5000
    assert (lines["low"] <= lines["fit"]).all() and (lines["fit"] <= lines["high"]).all()


# ---------------------------------------------------------------- slowdown
def _broken(years, before_dt=1.0, after_dt=4.0, brk=2020.0):
    y = np.where(years < brk, (years - brk) / before_dt, (years - brk) / after_dt)
    return 2.0**y


def test_segmented_fit_recovers_slopes_at_a_known_break():
    years = np.linspace(2012, 2026, 15)
    r = sc.segmented_fit(years, _broken(years), 2020.0)
    assert r["doubling_time_before_years"] == pytest.approx(1.0, rel=1e-9)
    assert r["doubling_time_after_years"] == pytest.approx(4.0, rel=1e-9)
    assert r["slope_change"] == pytest.approx(0.25 - 1.0)


def test_breakpoint_test_finds_a_planted_slowdown_and_is_seeded():
    rng = np.random.default_rng(3)
    years = np.linspace(2010, 2026, 30)
    values = _broken(years) * 2.0 ** rng.normal(0, 0.1, years.size)
    r1 = sc.breakpoint_test(years, values, n_boot=200, seed=5)
    r2 = sc.breakpoint_test(years, values, n_boot=200, seed=5)
    assert r1 == r2
    assert r1["breakpoint_year_low"] <= 2020.0 <= r1["breakpoint_year_high"]
    assert abs(r1["breakpoint_year"] - 2020.0) < 1.0
    assert r1["prob_slowdown"] > 0.95
    assert r1["slope_change_high"] < 0


def test_breakpoint_test_on_a_straight_line_finds_no_change():
    years = np.linspace(2010, 2026, 30)
    values = 2.0 ** ((years - 2010) / 2.0)
    r = sc.breakpoint_test(years, values, n_boot=100, seed=0)
    assert r["slope_change"] == pytest.approx(0.0, abs=1e-9)


def test_breakpoint_test_needs_enough_chips():
    with pytest.raises(ValueError):
        sc.breakpoint_test([2016, 2017, 2018, 2019, 2020], [1, 2, 4, 8, 16], n_boot=10)


def test_rolling_growth_constant_rate():
    years = np.linspace(2010, 2026, 33)
    r = sc.rolling_growth(years, 2.0 ** ((years - 2010) / 3.0), window_years=4)
    assert len(r) > 5
    assert np.allclose(r["doubling_time_years"], 3.0)


# ---------------------------------------------------------------- decomposition
def test_decomposition_factors_multiply_to_total_exactly(acc):
    for line, prec in ((sc.NVIDIA_LINE, "bf16"), (sc.NVIDIA_LINE, "lowest"),
                       (sc.AMD_LINE, "lowest"), (sc.AMD_LINE, "bf16")):
        d = sc.decompose_line(acc, line, precision=prec)
        for _, r in d.iterrows():
            sil = r["silicon"] if math.isfinite(r["silicon"]) else 1.0
            assert r["format"] * sil * r["power"] * r["residual"] == pytest.approx(
                r["total"], rel=1e-12)
            logs = r["log_format"] + r["log_silicon"] + r["log_power"] + r["log_residual"]
            assert logs == pytest.approx(math.log(r["total"]), abs=1e-12)
            shares = r["share_format"] + r["share_silicon"] + r["share_power"] + r[
                "share_residual"]
            assert shares == pytest.approx(1.0, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(vals=st.lists(st.floats(1.0, 1e4), min_size=8, max_size=8))
def test_decomposition_property_logs_sum(vals):
    b = {"bf16_tflops": vals[0], "fp8_tflops": vals[0] * 2, "board_power_w": vals[1],
         "transistors_billion": vals[2], "dies": 1}
    a = {"bf16_tflops": vals[3], "fp4_tflops": vals[4] + vals[3], "board_power_w": vals[5],
         "transistors_billion": vals[6], "dies": 2}
    d = sc.decompose_step(b, a, precision="lowest")
    total = (vals[4] + vals[3]) / (vals[0] * 2)
    assert d["total"] == pytest.approx(total, rel=1e-12)
    prod = d["format"] * d["silicon"] * d["power"] * d["residual"]
    assert prod == pytest.approx(d["total"], rel=1e-12)


def test_decomposition_at_fixed_format_has_unit_format_factor(acc):
    d = sc.decompose_line(acc, sc.NVIDIA_LINE, precision="bf16")
    assert np.allclose(d["format"], 1.0)


def test_missing_silicon_goes_to_residual_flagged(acc):
    d = sc.decompose_line(acc, sc.AMD_LINE, precision="bf16").set_index("after")
    assert math.isnan(d.loc["MI250X", "silicon"])  # MI100 transistors unpublished
    assert d.loc["MI250X", "residual_includes_silicon"] == 1.0
    assert d.loc["MI300X", "residual_includes_silicon"] == 0.0


def test_hopper_to_blackwell_bf16_check(acc):
    r = sc.generation_ratios(acc, "H100 SXM", "B200", "bf16")
    assert r["throughput"] == pytest.approx(2.3, abs=0.05)
    assert r["power"] == pytest.approx(1.4, abs=0.05)
    assert r["transistors"] == pytest.approx(2.6, abs=0.01)
    d = sc.decompose_step(sc._chip(acc, "H100 SXM"), sc._chip(acc, "B200"), "bf16")
    # More silicon and power than throughput: per-transistor-per-watt throughput fell.
    assert d["residual"] < 1.0
    assert d["share_non_efficiency"] > 1.0


def test_decomposition_long_is_chart_ready(acc):
    long = sc.decomposition_long(sc.decompose_line(acc, sc.NVIDIA_LINE, "lowest"))
    assert set(long["factor"]) == {"format", "silicon", "power", "residual"}
    by_step = long.groupby("step")["log10_ratio"].sum()
    steps = sc.decompose_line(acc, sc.NVIDIA_LINE, "lowest").set_index("step")
    for step, s in by_step.items():
        assert s == pytest.approx(math.log10(steps.loc[step, "total"]))


# ---------------------------------------------------------------- memory wall
def test_memory_wall_hand_worked(acc):
    t = sc.memory_wall_table(acc, "bf16").set_index("chip")
    # H100: 3.35 TB/s over 989.4 TFLOP/s.
    assert t.loc["H100 SXM", "byte_per_flop"] == pytest.approx(3.35 / 989.4)
    assert t.loc["H100 SXM", "bw_gbps_per_w"] == pytest.approx(3350 / 700)
    trends = sc.memory_wall_trends(t.reset_index()).set_index("quantity")
    assert trends.loc["byte_per_flop", "slope_per_year"] < 0  # the memory wall


def test_data_vs_arithmetic_ratios():
    e = data.load_table("energy_per_op")
    t = sc.data_vs_arithmetic(e).set_index(["operation", "bits"])
    assert t.loc[("float mult", 16), "ratio_to_reference"] == 1.0
    assert t.loc[("DRAM read (low)", 64), "ratio_to_reference"] == pytest.approx(1300 / 1.1)


def test_weight_streaming_energy_limits():
    w = sc.weight_streaming_energy([1, 10_000_000])
    assert w["memory_pj_per_token"].iloc[0] == pytest.approx(16 * 3.9)
    assert w["memory_share"].iloc[0] > 0.9  # batch 1 decoding is memory-dominated
    assert w["memory_share"].iloc[1] < 1e-3
    assert w["memory_share"].is_monotonic_decreasing


# ---------------------------------------------------------------- physical limits
def test_landauer_at_300_k_from_scipy_constants():
    assert sc.landauer_limit_j(300.0) == pytest.approx(2.87e-21, rel=2e-3)
    assert sc.landauer_limit_j(300.0) == const.k * 300.0 * math.log(2)
    assert sc.landauer_limit_j(600.0) == pytest.approx(2 * sc.landauer_limit_j(300.0))


def test_years_to_limit_hand_worked_and_limits():
    assert sc.years_to_limit(1e12, 8e12, 2.0) == pytest.approx(6.0)
    assert sc.years_to_limit(1e16, 1e15, 2.0) == 0.0


@settings(max_examples=50, deadline=None)
@given(cur=st.floats(1e9, 1e15), k=st.floats(1.0, 1e6), dt=st.floats(0.5, 10))
def test_years_to_limit_property(cur, k, dt):
    y = sc.years_to_limit(cur, cur * k, dt)
    assert y == pytest.approx(math.log2(k) * dt, rel=1e-9, abs=1e-9)
    assert sc.years_to_limit(cur, cur * k, 2 * dt) == pytest.approx(2 * y, rel=1e-9, abs=1e-9)


def test_distance_to_limits(acc, limits):
    t = sc.efficiency_table(acc, "bf16")
    d = sc.distance_to_limits(t, float(limits["flop_per_j"].iloc[0]), 2.5)
    assert d["orders_above_landauer"].between(7, 11).all()
    assert (d["years_to_cmos_limit"] > 0).all()


# ---------------------------------------------------------------- GEMM shapes
def test_gemm_efficiency_hand_worked():
    # 128 x 128 tiles on 132 SMs: 4096 x 4096 -> 32 x 32 = 1024 tiles, 8 waves (1056 slots).
    e = sc.gemm_efficiency(4096, 4096)
    assert e["tiles"] == 1024 and e["waves"] == 8
    assert e["tile_efficiency"] == 1.0
    assert e["wave_efficiency"] == pytest.approx(1024 / 1056)
    # One row more costs a whole row of partial tiles.
    e2 = sc.gemm_efficiency(4097, 4096)
    assert e2["tile_efficiency"] == pytest.approx(4097 * 4096 / (33 * 32 * 128 * 128))
    # Exactly one full wave of full tiles is perfectly efficient.
    e3 = sc.gemm_efficiency(128 * 12, 128 * 11, n_sms=132)
    assert e3["efficiency"] == 1.0


@settings(max_examples=100, deadline=None)
@given(m=st.integers(1, 20000), n=st.integers(1, 20000), sms=st.integers(1, 200),
       tm=st.sampled_from([64, 128, 256]), tn=st.sampled_from([64, 128, 256]))
def test_gemm_efficiency_property_bounds_and_alignment(m, n, sms, tm, tn):
    e = sc.gemm_efficiency(m, n, tile_m=tm, tile_n=tn, n_sms=sms)
    assert 0 < e["efficiency"] <= 1.0
    aligned = sc.gemm_efficiency(sc.padded_size(m, tm), sc.padded_size(n, tn), tile_m=tm,
                                 tile_n=tn, n_sms=sms)
    assert aligned["tile_efficiency"] == 1.0
    assert aligned["tiles"] == e["tiles"]  # padding up to the tile adds no tiles


def test_gemm_curve_and_padding():
    assert sc.padded_size(50257, 64) == 50304
    c = sc.gemm_efficiency_curve(np.arange(64, 4097, 1))
    assert len(c) < 10000
    assert set(c["tile"]) == {"128x128", "256x128"}
    t128 = c[c["tile"] == "128x128"]
    assert t128.loc[t128["multiple_of_128"], "tile_efficiency"].eq(1.0).all()
    assert t128.loc[~t128["multiple_of_128"], "tile_efficiency"].lt(1.0).all()


# ---------------------------------------------------------------- spec and headlines
def test_spec_declares_params_and_headlines():
    spec = specs.get("scaling")
    names = spec.params.names
    for p in ("precision", "vendors", "start_year", "end_year", "breakpoint_year",
              "window_years"):
        assert p in names
    for h in ("doubling_time_years", "doubling_time_low_years", "doubling_time_high_years",
              "lowest_precision_doubling_time_years",
              "hopper_blackwell_non_efficiency_percent", "landauer_orders"):
        assert spec.headline(h)
    assert set(spec.params["precision"].choices) == set(sc.PRECISIONS)


def test_headlines_cover_the_spec_and_survive_any_filter(acc, limits):
    spec = specs.get("scaling")
    h = sc.headline_numbers(acc, limits, n_bootstrap=100)
    assert set(h) == {x.name for x in spec.headlines}
    assert h["doubling_time_low_years"] < h["doubling_time_years"] < h[
        "doubling_time_high_years"]
    assert 7 < h["landauer_orders"] < 10
    # A filter that leaves too few chips gives NaN rather than an error.
    few = sc.headline_numbers(acc, limits, vendors=["Intel"], n_bootstrap=100)
    assert math.isnan(few["doubling_time_years"])


# ---------------------------------------------------------------- chapter helpers
def test_cap_years_replaces_only_unbounded_values():
    assert sc.cap_years(math.inf) == sc.YEARS_CAP
    assert sc.cap_years(2.5) == 2.5
    assert math.isnan(sc.cap_years(math.nan))


def test_check_selection_counts_and_rejects_too_few_chips(acc):
    from energybook.params import ParameterError

    counts = sc.check_selection(acc, "bf16")
    assert counts["bf16"] >= sc.MIN_CHIPS_BREAKPOINT
    with pytest.raises(ParameterError, match="too few chips"):
        sc.check_selection(acc, "bf16", vendors=["Intel"])
    with pytest.raises(ParameterError, match="must be before end_year"):
        sc.check_selection(acc, "bf16", start_year=2024, end_year=2020)


def test_headlines_are_finite_when_an_interval_is_unbounded(acc, limits):
    r = sc.headline_numbers(acc, limits, "bf16", start_year=2021, n_bootstrap=100)
    assert all(math.isfinite(v) for v in r.values())
    assert r["fp32_doubling_time_years"] == sc.YEARS_CAP  # FP32 peaks fell per watt


def test_published_comparison_lists_fits_then_sources(acc):
    trends = data.load_table("efficiency_trends")
    summary = sc.trend_summary(acc, ("bf16", "lowest"))
    t = sc.published_comparison(summary, trends, period="2016-2025")
    assert len(t) == 2 + len(trends)
    assert t["Estimate"].iloc[0].startswith("This chapter, BF16")
    assert (t["Source"] != "").all()


def test_generation_decomposition_bars_sum_to_total(acc):
    steps, long = sc.generation_decomposition(acc, "lowest")
    assert set(steps["line"]) == {"NVIDIA", "AMD"}
    sums = long.groupby("label")["log10_ratio"].sum()
    totals = long.groupby("label")["log10_total"].first()
    assert np.allclose(sums, totals)


def test_step_summary_hopper_blackwell(acc):
    s = sc.step_summary(acc, "H100 SXM", "B200", "lowest")
    assert s["throughput"] == pytest.approx(2250 / 989.4)
    assert s["flop_per_j"] == pytest.approx(s["throughput"] / s["power"])
    assert s["dec_total"] == pytest.approx(
        s["dec_format"] * s["dec_silicon"] * s["dec_power"] * s["dec_residual"])
    assert s["dec_share_non_efficiency_percent"] == pytest.approx(
        100 - s["dec_share_residual_percent"])


def test_limit_chart_data_projects_to_the_limit(acc, limits):
    lim = float(limits["flop_per_j"].iloc[0])
    d = sc.limit_chart_data(acc, lim, 2.0)
    proj = d["projection"]
    assert proj["j_per_flop"].iloc[-1] == pytest.approx(1 / lim)
    assert d["summary"]["chip"] == "GB300"
    assert d["summary"]["years_to_cmos_limit"] == pytest.approx(
        2.0 * math.log2(d["summary"]["factor_to_cmos_limit"]))
    # A selection with no FP4 chip falls back to every chip.
    g = sc.limit_chart_data(acc, lim, 2.0, vendors=["Google"])
    assert not g["summary"]["from_selection"]


def test_memory_bound_summary_breakeven(acc):
    e = data.load_table("energy_per_op")
    m = sc.memory_bound_summary(sc.memory_wall_table(acc), e)
    assert m["weight_read_pj"] == pytest.approx(16 * 3.9)
    assert m["breakeven_batch"] == pytest.approx(16 * 3.9 / (1.1 + 0.4))
    assert 0 < m["batch1_peak_share_percent"] < 5


def test_vocab_padding_example():
    v = sc.vocab_padding_example()
    assert v["padded"] == 50304
    assert v["efficiency_after_percent"] >= v["efficiency_before_percent"]


def test_koomey_reference_rates():
    r = sc.koomey_reference_rates(data.load_table("efficiency_trends"))
    assert r["slope_per_year"].iloc[0] == pytest.approx(1 / 1.57)


# ---------------------------------------------------------------- checks before execution
def test_memory_wall_table_honours_include_estimated_power(acc):
    every = sc.memory_wall_table(acc, "bf16")
    vendor = sc.memory_wall_table(acc, "bf16", include_estimated_power=False)
    est = set(sc.efficiency_table(acc, "bf16").query("power_estimated")["chip"])
    assert est and est <= set(every["chip"])
    assert set(vendor["chip"]) == set(every["chip"]) - est


def test_limit_rate_note_depends_on_the_precision():
    assert "fixed-format rate like this one" in sc.limit_rate_note("bf16")
    lowest = sc.limit_rate_note("lowest")
    assert "narrowing formats" in lowest and "like this one" not in lowest


def test_non_efficiency_headline_explains_shares_above_100():
    assert "above 100" in specs.get("scaling").headline(
        "hopper_blackwell_non_efficiency_percent").description


def _rejected(overrides: dict, *fragments: str) -> None:
    from energybook.params import ParameterError

    with pytest.raises(ParameterError) as e:
        specs.get("scaling").validate(overrides)
    text = str(e.value)
    for f in fragments:
        assert f in text, text


def test_spec_check_accepts_the_defaults_and_lowest_precision():
    spec = specs.get("scaling")
    assert spec.validate({})["precision"] == "bf16"
    spec.validate({"precision": "lowest", "include_estimated_power": False})


def test_spec_check_rejects_reversed_years():
    _rejected({"start_year": 2025, "end_year": 2016},
              "start_year (2025) must be before end_year (2016)")


def test_spec_check_rejects_a_selection_with_too_few_chips():
    _rejected({"vendors": ["Intel"]}, "too few chips", "only 2 chips at precision bf16",
              "vendors Intel", "need 8", "add vendors")
    _rejected({"vendors": ["Google", "Intel"], "include_estimated_power": False},
              "estimated power excluded", "set include_estimated_power to true")
    _rejected({"precision": "fp4"}, "precisions with enough chips in this selection: bf16")


def test_spec_check_rejects_a_breakpoint_outside_the_selected_releases():
    _rejected({"start_year": 2022}, "breakpoint_year 2020 leaves 0 selected chips before it",
              "choose a breakpoint_year from 2022.8 to")
    spec = specs.get("scaling")
    spec.validate({"start_year": 2022, "breakpoint_year": 2023.5})


def test_spec_check_rejects_a_window_longer_than_the_releases():
    _rejected({"start_year": 2021, "breakpoint_year": 2023.0, "window_years": 10.0},
              "window_years 10 leaves no rolling window", "at most 5")


def test_spec_check_rejects_an_undecomposable_step():
    _rejected({"decomposition_precision": "fp4"},
              "decomposition_precision fp4 has no peak figure for both H100 SXM and B200",
              "choose one of bf16")


def test_parameter_problems_are_empty_exactly_when_the_headlines_are_finite(acc, limits):
    spec = specs.get("scaling")
    for o in ({}, {"start_year": 2017}, {"vendors": ["NVIDIA", "AMD"]}):
        P = spec.validate(o)
        assert sc.parameter_problems(acc, P) == []
        h = sc.headline_numbers(acc, limits, P["precision"], P["vendors"], P["start_year"],
                                P["end_year"], P["include_estimated_power"], n_bootstrap=100)
        assert all(math.isfinite(v) for v in h.values())
