"""The scaling chapter's models, page and checks, on constructed inputs: trends, the frontier
and refreshes, the slowdown test against a simulated null, the decomposition, delivered
points, limits and GEMM shapes."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
import scipy.constants as const
from hypothesis import given, settings
from hypothesis import strategies as st

from energybook import chapters, data
from energybook.chapters.scaling import model as sc
from energybook.chapters.scaling import model_delivered as dlv
from energybook.chapters.scaling import model_limits as lim_m
from energybook.chapters.scaling import model_memory as mem
from energybook.chapters.scaling import model_slowdown as slow
from energybook.chapters.scaling import model_steps as steps_m
from energybook.chapters.scaling import page, spec
from energybook.chapters.scaling.params import PRECISIONS, Params
from energybook.params import ParameterError


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return data.load_tables(page.TABLES)


def chip_row(
    name: str,
    when: str,
    bf16: float,
    power: float,
    vendor: str = "NVIDIA",
    refresh_of: str = "",
    **extra,
) -> dict:
    """One row of a constructed accelerators table."""
    row = {
        "chip": name,
        "vendor": vendor,
        "release_date": dt.date.fromisoformat(when),
        "board_power_w": power,
        "bf16_tflops": bf16,
        "fp32_tflops": bf16 / 10,
        "fp16_tflops": math.nan,
        "fp8_tflops": math.nan,
        "fp4_tflops": math.nan,
        "tf32_tflops": math.nan,
        "int8_tops": math.nan,
        "power_estimated_by": "",
        "refresh_of": refresh_of,
        "transistors_billion": 10.0,
        "dies": 1,
        "memory_bw_tbps": 1.0,
    }
    row.update(extra)
    return row


# ---------------------------------------------------------------- trend fit
def test_fit_interval_hand_worked():
    # y = log2 values = [0, 1, 1, 2] at x = [0, 1, 2, 3]: slope 0.6, intercept 0.1,
    # residuals [-0.1, 0.3, -0.3, 0.1], s^2 = 0.2/2 = 0.1, Sxx = 5, se = sqrt(0.02).
    f = sc.fit_log_trend([0, 1, 2, 3], [1, 2, 2, 4], level=0.95)
    assert f.slope_per_year == pytest.approx(0.6)
    assert f.slope_se == pytest.approx(math.sqrt(0.02))
    t = 4.302652729911275  # t_{0.975, 2}
    assert f.slope_low == pytest.approx(0.6 - t * math.sqrt(0.02))
    assert f.doubling_time_high_years == math.inf  # the interval reaches zero growth
    assert f.doubling_time_low_years == pytest.approx(1 / (0.6 + t * math.sqrt(0.02)))


def test_fit_rejects_too_few_points_and_nonpositive_values():
    with pytest.raises(ValueError):
        sc.fit_log_trend([2020, 2021], [1, 2])
    with pytest.raises(ValueError):
        sc.fit_log_trend([2020, 2021, 2022], [1, 0, 2])
    with pytest.raises(ValueError):
        sc.fit_log_trend([2020, 2020, 2020], [1, 2, 3])


@settings(max_examples=40)
@given(dt_years=st.floats(0.5, 10.0), scale=st.floats(1e6, 1e15), shift=st.floats(-5, 5))
def test_fit_recovers_an_exact_exponential_whatever_its_scale(dt_years, scale, shift):
    years = np.array([2016.0, 2017.5, 2019.0, 2021.0, 2024.0]) + shift
    values = scale * 2.0 ** ((years - years[0]) / dt_years)
    f = sc.fit_log_trend(years, values)
    assert f.doubling_time_years == pytest.approx(dt_years, rel=1e-9)
    assert f.r_squared == pytest.approx(1.0)
    assert sc.fit_log_trend(years, 7.0 * values).doubling_time_years == pytest.approx(
        dt_years, rel=1e-9
    )


def test_fit_interval_covers_the_true_rate_at_its_level():
    """Over simulated data sets the 90% interval of the slope covers the true slope about
    90% of the time (a property of the t-interval, not of one data set)."""
    rng = np.random.default_rng(7)
    years = np.linspace(2016, 2025, 15)
    hits = 0
    for _ in range(400):
        values = 2.0 ** (0.4 * (years - 2016) + rng.normal(0, 0.5, years.size))
        f = sc.fit_log_trend(years, values, level=0.90)
        hits += f.slope_low <= 0.4 <= f.slope_high
    assert 0.86 <= hits / 400 <= 0.94


def test_efficiency_table_filters_by_vendor_year_and_power_basis():
    acc = pd.DataFrame(
        [
            chip_row("A", "2019-06-01", 100, 300),
            chip_row("B", "2021-06-01", 200, 300, vendor="AMD"),
            chip_row("C", "2023-06-01", 400, 300, power_estimated_by="someone"),
            chip_row("D", "2023-06-01", math.nan, 300),
        ]
    )
    assert list(sc.efficiency_table(acc)["chip"]) == ["A", "B", "C"]  # D has no BF16
    assert list(sc.efficiency_table(acc, vendors=["AMD"])["chip"]) == ["B"]
    assert list(sc.efficiency_table(acc, start_year=2020, end_year=2022)["chip"]) == ["B"]
    assert "C" not in set(sc.efficiency_table(acc, include_estimated_power=False)["chip"])
    t = sc.efficiency_table(acc).set_index("chip")
    assert t.loc["A", "flop_per_j"] == pytest.approx(100e12 / 300)


def test_lowest_precision_picks_the_narrowest_float_format():
    row = {
        "fp32_tflops": 10.0,
        "bf16_tflops": 100.0,
        "fp16_tflops": 120.0,
        "fp8_tflops": 200.0,
        "int8_tops": 400.0,
    }
    assert sc.chip_format_peak(row, "lowest") == (200.0, "fp8")
    del row["fp8_tflops"]  # INT8 is not a FLOP: the 16-bit formats are next, the larger wins
    assert sc.chip_format_peak(row, "lowest") == (120.0, "fp16")
    with pytest.raises(ValueError):
        sc.chip_format_peak(row, "fp64")
    for p in PRECISIONS:
        sc.chip_format_peak({}, p)


# ---------------------------------------------------------------- frontier and refreshes
@settings(max_examples=60)
@given(values=st.lists(st.floats(1.0, 1e4), min_size=3, max_size=12))
def test_frontier_is_the_running_best(values):
    years = 2016.0 + np.arange(len(values))
    t = pd.DataFrame(
        {"chip": [f"c{i}" for i in range(len(values))], "year": years, "flop_per_j": values}
    )
    front = sc.frontier(t)
    # Records rise strictly, and every chip is at most the best record released by its date.
    assert np.all(np.diff(front["flop_per_j"]) > 0)
    for year, value in zip(years, values, strict=True):
        assert value <= front.loc[front["year"] <= year, "flop_per_j"].max()
    # A chip below the running best changes nothing.
    worse = pd.concat(
        [
            t,
            pd.DataFrame(
                {"chip": ["w"], "year": [years[-1] + 0.5], "flop_per_j": [min(values) / 2]}
            ),
        ]
    )
    assert list(sc.frontier(worse)["chip"]) == list(front["chip"])


def test_frontier_of_a_rising_series_is_all_of_it_and_picks_the_best_of_one_date():
    t = pd.DataFrame(
        {
            "chip": ["a", "b", "c", "d"],
            "year": [2016.0, 2017.0, 2017.0, 2018.0],
            "flop_per_j": [1.0, 2.0, 3.0, 4.0],
        }
    )
    assert list(sc.frontier(t)["chip"]) == ["a", "c", "d"]


def test_a_refresh_counts_once_in_the_one_per_design_fit():
    """Selling the same silicon again adds a point to the pooled fit but not to the fit
    with one chip per design."""
    rng = np.random.default_rng(3)
    years = np.linspace(2016, 2025, 10)
    rows = [
        chip_row(
            f"c{i}", f"{int(y)}-03-01", float(2 ** (0.4 * (y - 2016) + rng.normal(0, 0.3))), 1.0
        )
        for i, y in enumerate(years)
    ]
    base = sc.efficiency_table(pd.DataFrame(rows))
    again = pd.DataFrame(
        rows + [chip_row("c0 refresh", "2025-06-01", rows[0]["bf16_tflops"], 1.0, refresh_of="c0")]
    )
    more = sc.efficiency_table(again)
    assert len(sc.one_per_design(more)) == len(base)
    fit_base = sc.trend_variants(base)["one per design"]
    fit_more = sc.trend_variants(more)["one per design"]
    assert fit_more.slope_per_year == pytest.approx(fit_base.slope_per_year, rel=1e-12)
    assert sc.trend_variants(more)["all products"].slope_per_year != pytest.approx(
        sc.trend_variants(base)["all products"].slope_per_year, rel=1e-6
    )


def test_a_refresh_whose_original_is_not_selected_stands_for_its_design():
    t = sc.efficiency_table(
        pd.DataFrame(
            [
                chip_row("orig", "2020-01-01", 10, 1.0),
                chip_row("refresh", "2022-01-01", 10, 1.0, refresh_of="orig"),
                chip_row("new", "2023-01-01", 20, 1.0),
            ]
        ),
        start_year=2021,
    )
    assert list(sc.one_per_design(t)["chip"]) == ["refresh", "new"]


# ---------------------------------------------------------------- slowdown test
def _line_plus_noise(rng, years, sd=0.3):
    return 2.0 ** (0.4 * (years - years[0]) + rng.normal(0, sd, years.size))


def test_the_slowdown_test_holds_its_level_under_a_simulated_null():
    """Straight lines with normal scatter are rejected at the 5% level about 5% of the time,
    and the p-values are spread evenly (the test is calibrated, whatever the dates)."""
    rng = np.random.default_rng(11)
    years = np.sort(rng.uniform(2016, 2026, 18))
    p = np.array(
        [
            slow.slowdown_test(years, _line_plus_noise(rng, years), n_sim=199, seed=i)["p_value"]
            for i in range(300)
        ]
    )
    assert 0.02 <= np.mean(p <= 0.05) <= 0.09
    assert 0.4 <= np.median(p) <= 0.6


def test_the_slowdown_test_finds_a_planted_slowdown():
    rng = np.random.default_rng(3)
    years = np.linspace(2010, 2026, 30)
    y = np.where(years < 2019, (years - 2019) / 1.0, (years - 2019) / 4.0)
    r = slow.slowdown_test(years, 2.0 ** (y + rng.normal(0, 0.1, years.size)), n_sim=500)
    assert r["p_value"] < 0.01
    assert abs(r["breakpoint_year"] - 2019) < 1.0 and not r["at_edge"]
    assert r["breakpoint_year_low"] <= 2019 <= r["breakpoint_year_high"]
    assert r["slope_change_high"] < 0


def test_a_speed_up_is_not_a_slowdown():
    years = np.linspace(2010, 2026, 30)
    y = np.where(years < 2019, (years - 2019) / 4.0, (years - 2019) / 1.0)
    r = slow.slowdown_test(
        years, 2.0 ** (y + np.random.default_rng(1).normal(0, 0.1, 30)), n_sim=300
    )
    assert r["p_value"] > 0.5


@settings(max_examples=25)
@given(a=st.floats(-5, 5), b=st.floats(-1, 1), c=st.floats(0.2, 5), seed=st.integers(0, 99))
def test_the_test_statistic_ignores_the_line_and_the_scale(a, b, c, seed):
    """Adding a straight line to log2(FLOP/J) or multiplying the logarithm by a positive
    constant changes neither the statistic nor its simulated p-value: the null is exact
    for any line and any spread."""
    rng = np.random.default_rng(seed)
    years = np.sort(rng.uniform(2016, 2026, 14))
    v = _line_plus_noise(rng, years)
    y2 = c * np.log2(v) + a + b * (years - 2016)
    r1 = slow.slowdown_test(years, v, n_sim=99, seed=1)
    r2 = slow.slowdown_test(years, 2.0**y2, n_sim=99, seed=1)
    assert r2["statistic"] == pytest.approx(r1["statistic"], rel=1e-7, abs=1e-9)
    assert r2["p_value"] == r1["p_value"]


def test_the_test_is_seeded():
    years = np.linspace(2016, 2025, 12)
    v = _line_plus_noise(np.random.default_rng(0), years)
    assert slow.slowdown_test(years, v, seed=4) == slow.slowdown_test(years, v, seed=4)


def test_the_search_keeps_chips_on_each_side_and_needs_enough():
    years = np.linspace(2016, 2025, 20)
    r = slow.slowdown_test(years, 2.0 ** (years - 2016), n_sim=50)
    k = slow.min_each_side(20)
    assert r["search_low"] == pytest.approx(years[k - 1])
    assert r["search_high"] <= years[-k] + 1e-9
    with pytest.raises(ValueError):
        slow.slowdown_test([2016, 2017, 2018, 2019, 2020], [1, 2, 4, 8, 16], n_sim=10)


def test_the_detectable_slowdown_is_detected_at_its_power():
    """Planting the smallest detectable fall and running the test on fresh draws detects it
    about as often as the stated power: the statement is what the test can do."""
    years = np.linspace(2016, 2025.5, 20)
    sd = 0.4
    cands = slow.candidate_breaks(years, slow.min_each_side(20))
    basis = slow.KinkBasis(years, cands)
    rng = np.random.default_rng(5)
    crit = float(np.quantile(basis.statistic(rng.standard_normal((20, 4000))), 0.95))
    d = slow.detectable_slowdown(years, sd, [2021.0], crit, n_sim=400, seed=2)
    change = float(d["min_change_per_year"].iloc[0])
    y = -change * np.maximum(years - 2021.0, 0)[:, None] + sd * rng.standard_normal((20, 2000))
    assert 0.74 <= np.mean(basis.statistic(y) >= crit) <= 0.86


@settings(max_examples=10)
@given(k=st.floats(0.2, 5.0))
def test_the_detectable_slowdown_grows_with_the_scatter(k):
    years = np.linspace(2016, 2025.5, 16)
    a = slow.detectable_slowdown(years, 0.3, [2020.5, 2022.0], 2.5, n_sim=100, seed=0)
    b = slow.detectable_slowdown(years, 0.3 * k, [2020.5, 2022.0], 2.5, n_sim=100, seed=0)
    assert np.allclose(b["min_change_per_year"], k * a["min_change_per_year"], rtol=1e-9)


def test_a_break_too_late_to_see_is_reported_as_undetectable():
    years = np.linspace(2016, 2025.5, 16)
    d = slow.detectable_slowdown(years, 0.5, [2025.4], 2.5, n_sim=100)
    assert d["min_change_per_year"].iloc[0] == math.inf


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
        sse, coefs = [], []
        for b in cands:
            X = slow._segmented_design(x, b)
            c, *_ = np.linalg.lstsq(X, Y[:, j], rcond=None)
            sse.append(float(np.sum((Y[:, j] - X @ c) ** 2)))
            coefs.append(c)
        i = list(cands).index(got_b[j])
        assert sse[i] == pytest.approx(min(sse), rel=1e-9, abs=1e-12)
        assert got_c[j] == pytest.approx(coefs[i], rel=1e-7, abs=1e-9)


def test_segmented_fit_recovers_slopes_at_a_known_break():
    years = np.linspace(2012, 2026, 15)
    y = np.where(years < 2020, (years - 2020) / 1.0, (years - 2020) / 4.0)
    r = slow.segmented_fit(years, 2.0**y, 2020.0)
    assert r["doubling_time_before_years"] == pytest.approx(1.0, rel=1e-9)
    assert r["doubling_time_after_years"] == pytest.approx(4.0, rel=1e-9)


def test_rolling_growth_of_a_constant_rate():
    years = np.linspace(2010, 2026, 33)
    r = sc.rolling_growth(years, 2.0 ** ((years - 2010) / 3.0), window_years=4)
    assert len(r) > 5 and np.allclose(r["doubling_time_years"], 3.0)


# ---------------------------------------------------------------- decomposition
chip_st = st.fixed_dictionaries(
    {
        "bf16_tflops": st.floats(1.0, 1e4),
        "fp8_tflops": st.floats(1.0, 1e4),
        "board_power_w": st.floats(50.0, 2000.0),
        "transistors_billion": st.floats(1.0, 500.0),
        "dies": st.integers(1, 12),
    }
)


@settings(max_examples=60)
@given(b=chip_st, a=chip_st, precision=st.sampled_from(["bf16", "fp8", "lowest"]))
def test_the_factors_multiply_exactly_to_the_total(b, a, precision):
    """An identity of the definitions (throughput = FLOP per joule x watts, FLOP per joule =
    format x the rest), not evidence: this pins that the code implements it."""
    d = steps_m.decompose_step(b, a, precision)
    assert d["power"] * d["format"] * d["efficiency"] == pytest.approx(d["total"], rel=1e-12)
    assert d["silicon"] * d["power_per_silicon"] == pytest.approx(d["power"], rel=1e-12)
    assert d["share_non_efficiency"] + d["share_efficiency"] == pytest.approx(1.0, abs=1e-9) or d[
        "total"
    ] == pytest.approx(1.0)


@settings(max_examples=60)
@given(c=chip_st, k=st.integers(2, 4))
def test_copies_of_one_chip_joined_show_no_efficiency_change(c, k):
    """k copies of a chip in one package: k times the throughput, power and silicon, and
    FLOP per joule and number format unchanged."""
    joined = {key: v * k for key, v in c.items()}
    d = steps_m.decompose_step(c, joined, "lowest")
    assert d["total"] == pytest.approx(k)
    assert d["power"] == pytest.approx(k)
    assert d["efficiency"] == pytest.approx(1.0)
    assert d["format"] == pytest.approx(1.0)
    assert d["power_per_silicon"] == pytest.approx(1.0)
    assert d["share_non_efficiency"] == pytest.approx(1.0)


def test_a_die_shrink_at_the_same_peak_is_all_efficiency():
    old = {"bf16_tflops": 100.0, "board_power_w": 400.0, "transistors_billion": 50.0}
    new = {"bf16_tflops": 100.0, "board_power_w": 200.0, "transistors_billion": 50.0}
    d = steps_m.decompose_step(old, new, "bf16")
    assert (d["total"], d["power"], d["format"], d["efficiency"]) == pytest.approx(
        (1.0, 0.5, 1.0, 2.0)
    )


def test_the_format_factor_is_the_narrower_numbers_against_a_fixed_format():
    b = {"bf16_tflops": 100.0, "fp8_tflops": 200.0, "board_power_w": 500.0}
    a = {"bf16_tflops": 200.0, "fp8_tflops": 400.0, "fp4_tflops": 800.0, "board_power_w": 500.0}
    d = steps_m.decompose_step(b, a, "lowest")
    assert d["format"] == pytest.approx((800 / 200) / (200 / 100))  # FP8 -> FP4: 2x
    assert d["efficiency"] == pytest.approx(2.0) and d["power"] == 1.0
    assert steps_m.decompose_step(b, a, "bf16")["format"] == 1.0


def test_a_chip_without_bf16_is_compared_at_fp16():
    v100 = {"fp16_tflops": 125.0, "board_power_w": 300.0}
    a100 = {"bf16_tflops": 312.0, "fp16_tflops": 312.0, "board_power_w": 400.0}
    d = steps_m.decompose_step(v100, a100, "lowest")
    assert d["reference"] == "16-bit"
    assert d["efficiency"] == pytest.approx((312 / 400) / (125 / 300))
    assert math.isnan(steps_m.decompose_step(v100, a100, "bf16")["total"])


def test_decomposition_bars_stack_to_the_total(tables):
    _, long = steps_m.generation_decomposition(tables["accelerators"], "lowest")
    sums = long.groupby("step")["log10_ratio"].sum()
    totals = long.groupby("step")["log10_total"].first()
    assert np.allclose(sums, totals)
    assert set(long["factor"]) == set(steps_m.FACTORS)


# ---------------------------------------------------------------- delivered points
def test_delivered_points_set_the_measured_config_against_peak_per_board_watt():
    acc = pd.DataFrame(
        [
            chip_row("H100 SXM", "2022-09-20", 1000.0, 700.0),
            chip_row("B200", "2024-11-15", 2000.0, 1000.0),
        ]
    )
    base = {
        "run_id": "h100-20260101T000000Z",
        "gpu_name": "NVIDIA H100 80GB HBM3",
        "repeats": 2,
        "power_limit_w": 700.0,
    }
    summary = pd.DataFrame(
        [
            {
                **base,
                "config": "square-bf16-8192",
                "tflop_per_j": 0.9,
                "tflop_per_j_low": 0.85,
                "tflop_per_j_high": 0.95,
            },
            {**base, "config": "square-fp8-8192", "tflop_per_j": 9.0},
        ]
    )
    d = dlv.delivered_points(summary, acc)
    assert len(d) == 1 and d["chip"].iloc[0] == "H100 SXM" and d["repeats"].iloc[0] == 2
    assert d["delivered_flop_per_j"].iloc[0] == pytest.approx(0.9e12)
    assert d["delivered_share"].iloc[0] == pytest.approx(0.9e12 / (1000e12 / 700))
    assert (
        d["delivered_flop_per_j_low"].iloc[0]
        <= d["delivered_flop_per_j"].iloc[0]
        <= d["delivered_flop_per_j_high"].iloc[0]
    )
    assert dlv.delivered_points(summary[summary["config"] != "square-bf16-8192"], acc).empty


def test_a_measured_gpu_maps_to_exactly_one_datasheet_row():
    acc = pd.DataFrame({"chip": ["H100 SXM", "H200 SXM", "B200"]})
    assert dlv.datasheet_chip("NVIDIA H200", acc) == "H200 SXM"
    with pytest.raises(ValueError):
        dlv.datasheet_chip("NVIDIA A100-SXM4-80GB", acc)
    with pytest.raises(ValueError):
        dlv.datasheet_chip("H100 H200", acc)


# ---------------------------------------------------------------- memory wall and GEMM
def test_the_byte_per_flop_trend_is_the_difference_of_two_trends(tables):
    """Fitted to the same chips, the halving rate of bytes per FLOP is the growth of peak
    less the growth of bandwidth: an identity, which the page presents as one."""
    mw = mem.memory_wall_table(tables["accelerators"], "bf16")
    t = mem.memory_wall_trends(mw).set_index("quantity")["slope_per_year"]
    assert t["byte_per_flop"] == pytest.approx(t["memory_bw_tbps"] - t["tflops"], abs=1e-9)


def test_memory_bound_summary_breakeven(tables):
    m = mem.memory_bound_summary(
        mem.memory_wall_table(tables["accelerators"]), tables["energy_per_op"]
    )
    assert m["breakeven_batch"] == pytest.approx(m["weight_read_pj"] / m["fma_pj"])
    assert 0 < m["batch1_peak_share_percent"] < 100


def test_gemm_efficiency_hand_worked():
    e = mem.gemm_efficiency(4096, 4096)
    assert e["tiles"] == 1024 and e["waves"] == 8
    assert e["wave_efficiency"] == pytest.approx(1024 / 1056)
    e2 = mem.gemm_efficiency(4097, 4096)
    assert e2["tile_efficiency"] == pytest.approx(4097 * 4096 / (33 * 32 * 128 * 128))
    assert mem.gemm_efficiency(128 * 12, 128 * 11, n_sms=132)["efficiency"] == 1.0


@settings(max_examples=100)
@given(
    m=st.integers(1, 20000),
    n=st.integers(1, 20000),
    sms=st.integers(1, 200),
    tm=st.sampled_from([64, 128, 256]),
    tn=st.sampled_from([64, 128, 256]),
)
def test_gemm_efficiency_bounds_and_alignment(m, n, sms, tm, tn):
    e = mem.gemm_efficiency(m, n, tile_m=tm, tile_n=tn, n_sms=sms)
    assert 0 < e["efficiency"] <= 1.0
    aligned = mem.gemm_efficiency(
        mem.padded_size(m, tm), mem.padded_size(n, tn), tile_m=tm, tile_n=tn, n_sms=sms
    )
    assert aligned["tile_efficiency"] == 1.0 and aligned["tiles"] == e["tiles"]


# ---------------------------------------------------------------- physical limits
def test_landauer_from_scipy_constants():
    assert lim_m.landauer_limit_j(300.0) == const.k * 300.0 * math.log(2)
    assert lim_m.landauer_limit_j(600.0) == pytest.approx(2 * lim_m.landauer_limit_j(300.0))


@settings(max_examples=50)
@given(
    cur=st.floats(1e9, 1e15),
    k=st.floats(1.0, 1e6),
    dt_years=st.floats(0.5, 10),
    wider=st.floats(1.0, 3.0),
)
def test_years_to_limit_scale_with_the_doubling_time(cur, k, dt_years, wider):
    y = lim_m.years_to_limit(cur, cur * k, dt_years)
    assert y == pytest.approx(math.log2(k) * dt_years, rel=1e-9, abs=1e-9)
    assert lim_m.years_to_limit(cur * k, cur, dt_years) == 0.0
    # The ends of a doubling-time interval bracket the central years.
    lo = lim_m.years_to_limit(cur, cur * k, dt_years / wider)
    hi = lim_m.years_to_limit(cur, cur * k, dt_years * wider)
    assert lo <= y + 1e-9 and y <= hi + 1e-9


# ---------------------------------------------------------------- the page and the checks
def test_the_page_headlines_are_the_declared_ones_and_bracket_their_intervals(tables):
    h = page.headlines(page.evaluate(Params(), tables))
    assert list(h) == [x.name for x in spec.SPEC.headlines]
    assert all(math.isfinite(v) for v in h.values())
    assert h["doubling_time_low_years"] <= h["doubling_time_years"] <= h["doubling_time_high_years"]
    assert h["years_to_cmos_limit_low"] <= h["years_to_cmos_limit"] <= h["years_to_cmos_limit_high"]
    assert 0 < h["slowdown_p_value"] <= 1


def test_the_page_says_slowdown_only_when_the_test_rejects(tables):
    import dataclasses

    ev = page.evaluate(Params(), tables)
    for p_value, says in ((0.01, True), (0.2, False), (page.ALPHA, False)):
        fake = dataclasses.replace(ev, slowdown={**ev.slowdown, "p_value": p_value})
        verdict = page.texts(fake)["slowdown_verdict"]
        assert ("show a slowdown" in verdict) is says
        assert ("no evidence" in verdict) is not says


def test_cap_years_replaces_only_unbounded_values():
    assert sc.cap_years(math.inf) == sc.YEARS_CAP
    assert sc.cap_years(2.5) == 2.5
    assert math.isnan(sc.cap_years(math.nan))


def _problems(P: Params, acc: pd.DataFrame) -> str:
    return "\n".join(spec.check(P, {"accelerators": acc}))


def _rejected(overrides: dict, *fragments: str) -> None:
    s = chapters.get("scaling")
    with pytest.raises(ParameterError) as e:
        s.validate(overrides, tables=data.load_tables(s.tables))
    for f in fragments:
        assert f in str(e.value), str(e.value)


def test_the_check_refuses_reversed_years_and_too_few_chips():
    _rejected(
        {"start_year": 2025, "end_year": 2016}, "start_year (2025) must be before end_year (2016)"
    )
    _rejected({"vendors": ["Intel"]}, "too few chips", "at precision bf16", "vendors Intel")
    _rejected(
        {"vendors": ["Google", "Intel"], "include_estimated_power": False},
        "set include_estimated_power to true",
    )


def test_the_check_refuses_a_frontier_of_two_records():
    """Seven chips at falling efficiency after two records: enough for the pooled fit, not
    for a frontier trend."""
    rows = [chip_row("r1", "2016-01-01", 1.0, 1.0), chip_row("r2", "2017-01-01", 10.0, 1.0)]
    rows += [chip_row(f"c{i}", f"{2018 + i}-01-01", 5.0 - 0.5 * i, 1.0) for i in range(6)]
    rows += [
        chip_row("H100 SXM", "2022-09-20", 4.0, 1.0, fp8_tflops=8.0),
        chip_row("B200", "2024-11-15", 4.5, 1.0, fp8_tflops=9.0),
    ]
    text = _problems(Params(vendors=("NVIDIA",), breakpoint_year=2019.0), pd.DataFrame(rows))
    assert "frontier trend" in text and "has 2 chips" in text


def test_the_check_refuses_a_window_longer_than_the_releases_and_an_undecomposable_step():
    _rejected(
        {"start_year": 2021, "breakpoint_year": 2023.0, "window_years": 9.0},
        "window_years 9 leaves no rolling window",
    )
    _rejected(
        {"decomposition_precision": "fp4"},
        "decomposition_precision fp4 has no peak figure for both H100 SXM and B200",
    )


# ---------------------------------------------------------------- review: frontier, power
def _real_like_dates() -> np.ndarray:
    """Release dates like the chip table's: few early, many late."""
    return np.array(
        [
            2017.3,
            2018.4,
            2020.9,
            2020.9,
            2021.4,
            2021.9,
            2022.4,
            2022.7,
            2023.7,
            2023.9,
            2023.9,
            2024.4,
            2024.7,
            2024.8,
            2024.9,
            2024.9,
            2025.1,
            2025.4,
            2025.6,
            2025.8,
        ]
    )


@settings(max_examples=40)
@given(values=st.lists(st.floats(0.1, 100.0), min_size=4, max_size=15), seed=st.integers(0, 99))
def test_the_vectorised_frontier_slope_is_the_fit_to_the_records(values, seed):
    rng = np.random.default_rng(seed)
    years = np.round(np.sort(rng.uniform(2016, 2026, len(values))), 0)  # ties of dates
    t = pd.DataFrame({"year": years, "flop_per_j": values, "chip": range(len(values))})
    f = sc.frontier(t)
    got = sc.frontier_slopes(years, np.log2(np.asarray(values))[:, None])[0]
    if len(f) < 3:
        assert math.isnan(got)
    else:
        want = np.polyfit(f["year"], np.log2(f["flop_per_j"]), 1)[0]
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_the_frontier_interval_covers_the_true_rate_at_its_level():
    """Data drawn from one straight line (slope 0.42 doublings a year, scatter 0.465 in log2,
    the chip table's dates): the calibrated frontier interval covers the true slope about
    95% of the time, while the records' own t-interval, which treats maxima as independent
    points, covers it far less often (the defect the calibration fixes)."""
    rng = np.random.default_rng(5)
    x = _real_like_dates()
    true = 0.42
    hit_cal, hit_t = [], []
    for i in range(300):
        v = 2.0 ** (true * (x - 2016) + rng.normal(0, 0.465, x.size))
        try:
            c = sc.frontier_calibration(x, v, n_sim=400, seed=i)
        except ValueError:
            continue
        hit_cal.append(c["slope_low"] <= true <= c["slope_high"])
        t = pd.DataFrame({"year": x, "flop_per_j": v})
        fr = sc.frontier(t)
        if sc.can_fit(fr):
            f = sc.fit_log_trend(fr["year"], fr["flop_per_j"])
            hit_t.append(f.slope_low <= true <= f.slope_high)
    assert 0.9 <= np.mean(hit_cal) <= 0.99
    assert np.mean(hit_t) < 0.85


def test_a_running_best_is_steeper_than_its_line_when_more_chips_come_later():
    """With more draws late than early, the frontier's median slope on a straight line is
    above the line's slope (the bias the page reports), and zero bias with one chip a date
    and no scatter."""
    x = _real_like_dates()
    c = sc.frontier_calibration(
        x,
        2.0 ** (0.42 * (x - 2016) + np.random.default_rng(1).normal(0, 0.465, x.size)),
        n_sim=2000,
    )
    assert c["bias"] > 0 and c["null_median_slope"] > c["pooled_slope"]
    xs = np.arange(2016.0, 2026.0)
    exact = sc.frontier_calibration(xs, 2.0 ** (0.5 * (xs - 2016) + 1e-9 * np.sin(xs)), n_sim=200)
    assert abs(exact["bias"]) < 1e-6


def test_the_latest_record_counts_the_chips_that_never_beat_it():
    t = pd.DataFrame(
        {
            "chip": list("abcde"),
            "year": [2016.0, 2017.0, 2018.0, 2019.0, 2020.0],
            "flop_per_j": [1.0, 3.0, 2.0, 2.5, 2.9],
        }
    )
    assert sc.last_record(t) == {"chip": "b", "year": 2017.0, "later": 3}


def test_power_against_no_change_is_the_size_and_at_the_mde_is_the_power():
    """Against no change the test rejects at its level; against the smallest detectable
    slowdown it rejects at the stated power (the two simulations agree)."""
    x = _real_like_dates()
    sd = 0.465
    crit = slow.slowdown_test(x, 2.0 ** (0.4 * x), n_sim=4000, seed=1)["critical"]
    size = slow.power_against(x, sd, [2023.9], 0.0, crit, n_sim=4000, seed=2)[0]
    assert 0.03 <= size <= 0.07
    mde = slow.detectable_slowdown(x, sd, [2023.9], crit, n_sim=400, seed=3)
    p = slow.power_against(
        x, sd, [2023.9], float(mde["min_change_per_year"].iloc[0]), crit, n_sim=400, seed=3
    )[0]
    assert p == pytest.approx(0.8, abs=0.03)


def test_the_one_per_design_test_holds_its_level_with_refreshes_present():
    """Designs on a straight line; each refresh copies its design's value two years later
    (dependent errors). The test on one chip per design rejects at about its level, and the
    wild-bootstrap null holds its level too on independent data."""
    rng = np.random.default_rng(8)
    x = np.sort(rng.uniform(2016, 2025, 16))
    reject_design, reject_wild = [], []
    for i in range(200):
        y = 0.4 * (x - 2016) + rng.normal(0, 0.4, x.size)
        refresh = rng.choice(x.size, 4, replace=False)
        t = pd.DataFrame(
            {
                "year": np.concatenate([x, x[refresh] + 2.0]),
                "flop_per_j": 2.0 ** np.concatenate([y, y[refresh]]),
                "design": [*range(x.size), *refresh],
            }
        )
        d = sc.one_per_design(t)
        reject_design.append(
            slow.slowdown_test(d["year"], d["flop_per_j"], n_sim=199, seed=i)["p_value"] <= 0.05
        )
        reject_wild.append(slow.wild_p_value(x, 2.0**y, n_sim=199, seed=i) <= 0.05)
    assert 0.01 <= np.mean(reject_design) <= 0.1
    assert np.mean(reject_wild) <= 0.1


def test_the_closing_statement_uses_the_fixed_format_split(tables):
    """The closing sentence gives the split at one fixed format (power and FLOP per joule),
    whatever the narrowest-format share, which appears only beside its convention."""
    import dataclasses

    ev = page.evaluate(Params(), tables)
    for power_share, narrowest in ((43.0, 69.0), (20.0, 130.0)):
        fake = dataclasses.replace(
            ev,
            step={
                **ev.step,
                "power_share_percent": power_share,
                "dec_share_non_efficiency_percent": narrowest,
            },
        )
        text = page.texts(fake)["closing_step"]
        assert text.index(f"{power_share:.0f}% came from more power") < text.index(
            f"({narrowest:.0f}%)"
        )
        assert f"{100 - power_share:.0f}% from more FLOP per joule" in text
        assert "accounting convention" in text


def test_prose_that_depends_on_parameters_follows_them(tables):
    ev = page.evaluate(Params(vendors=("NVIDIA", "AMD")), tables)
    assert "every selected vendor" in page.texts(ev)["fp32_vendors_text"]
    ev = page.evaluate(Params(), tables)
    assert "Google and Intel publish no FP32" in page.texts(ev)["fp32_vendors_text"]
    assert "no change of format" in page.texts(ev)["format_notes"]  # lowest: FP16 rate
    ev = page.evaluate(Params(decomposition_precision="bf16"), tables)
    assert "format factor of 2.00" in page.texts(ev)["format_notes"]


def test_the_16_bit_formats_count_as_one_width():
    """A chip that runs BF16 at half its FP16 rate (MI100) is not credited with a format
    change when its successor runs both at one rate: at each chip's lowest precision the
    format factor is 1, and the efficiency factor is the same whichever 16-bit name is used."""
    mi100 = {"bf16_tflops": 92.3, "fp16_tflops": 184.6, "board_power_w": 300.0}
    mi250x = {"bf16_tflops": 383.0, "fp16_tflops": 383.0, "board_power_w": 560.0}
    d = steps_m.decompose_step(mi100, mi250x, "lowest")
    assert d["format"] == pytest.approx(1.0)
    assert d["efficiency"] == pytest.approx((383 / 560) / (184.6 / 300))
    assert steps_m.decompose_step(mi100, mi250x, "fp16")["efficiency"] == d["efficiency"]
    assert steps_m.decompose_step(mi100, mi250x, "bf16")["efficiency"] == d["efficiency"]


def test_sobol_ranges_pass_the_check_and_indices_recover_what_the_fit_uses(tables):
    """Every combination of the Sobol ranges passes the chapter's check; the breakpoint and
    the window, which the pooled fit does not use, get total index 0; the indices lie in
    [0, 1.05]; and the pooled function equals the headline at the defaults."""
    import dataclasses
    import itertools

    P = Params()
    grid = {k: np.linspace(lo, hi, 3) for k, (lo, hi) in page.SOBOL_RANGES.items()}
    for values in itertools.product(*grid.values()):
        over = {
            k: (int(round(v)) if k.endswith("_year") and k != "breakpoint_year" else float(v))
            for k, v in zip(grid, values, strict=True)
        }
        Q = dataclasses.replace(P, **over)
        assert spec.check(Q, tables) == [], over
    for k, (lo, hi) in page.SOBOL_RANGES.items():
        p = Params.__dataclass_fields__[k].metadata["energybook"]
        assert p["min"] <= lo < hi <= p["max"], k
    idx = page.sobol_indices(P, tables["accelerators"]).set_index("parameter")
    assert idx.loc["breakpoint_year", "ST"] == pytest.approx(0.0, abs=1e-12)
    assert idx.loc["window_years", "ST"] == pytest.approx(0.0, abs=1e-12)
    assert ((idx["ST"] >= 0) & (idx["ST"] <= 1.05)).all()
    assert idx.loc["end_year", "ST"] > 0.1 and idx.loc["start_year", "ST"] > 0.0
    chips = sc.efficiency_table(
        tables["accelerators"],
        P.precision,
        vendors=P.vendors,
        include_estimated_power=P.include_estimated_power,
    )
    ev_fit = sc.efficiency_table(tables["accelerators"], P.precision, **page.selection(P))
    assert page.pooled_doubling_time(P, chips) == pytest.approx(
        sc.fit_log_trend(ev_fit["year"], ev_fit["flop_per_j"]).doubling_time_years
    )


def test_a_total_index_estimated_above_one_is_called_what_it_is(tables):
    """A total Sobol index is a share of variance (at most 1); the caption says so where the
    estimate passes 1, and gives the lower end of its interval as what the sample shows."""
    import dataclasses

    ev = page.evaluate(Params(), tables)
    top = ev.sobol["ST"].idxmax()
    for total, conf, said in ((1.08, 0.3, True), (0.93, 0.3, False)):
        sob = ev.sobol.copy()
        sob.loc[top, ["ST", "ST_conf"]] = [total, conf]
        caption = page.captions(dataclasses.replace(ev, sobol=sob))["sobol"]
        assert f"{total:.2f}" in caption
        assert ("cannot be" in caption) is said
        if said:
            assert f"at least {total - conf:.2f} of the variance" in caption
