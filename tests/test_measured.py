"""The measured chapter's model and page: hand-worked cases on small constructed tables,
properties of the counter-step correction on simulated windows, and consistency of the
declaration with the committed measurements."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from energybook import chapters, data, measure
from energybook import gpu_energy as ge
from energybook.chapters.measured import model as M
from energybook.chapters.measured import page
from energybook.chapters.measured import params as S
from energybook.chapters.measured.params import Params
from energybook.params import ParameterError

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
RUN = "h100-20260101T000000Z"


def row(
    run_id=RUN,
    config="square-bf16-8192",
    kind="number_format",
    dtype="bf16",
    repeat=1,
    tflop_per_j=1.0,
    avg_power_w=700.0,
    gpu_name=H100,
    hidden_size=None,
    tokens=None,
    bandwidth_gb_per_s=None,
    clock_event_reasons="0x4",
    mode="full",
    status="ok",
    sm_clock_mhz=1400.0,
    timestamp_utc="2026-01-01T00:00:00Z",
    throughput_tflop_per_s=None,
    energy_method=M.ALIGNED_METHOD,
    duration_s=2.5,
    energy_j=None,
    sampled_power_w=None,
    temperature_c=60.0,
):
    """One gpu_runs row with the columns the chapter reads (by default a window measured
    between counter steps, so taken as read)."""
    thr = throughput_tflop_per_s
    if thr is None and tflop_per_j is not None:
        thr = tflop_per_j * avg_power_w
    return {
        "run_id": run_id,
        "mode": mode,
        "config": config,
        "kind": kind,
        "dtype": dtype,
        "m": None,
        "n": None,
        "k": None,
        "hidden_size": hidden_size,
        "tokens": tokens,
        "repeat": repeat,
        "status": status,
        "energy_method": energy_method,
        "duration_s": duration_s,
        "energy_j": avg_power_w * duration_s if energy_j is None else energy_j,
        "avg_power_w": avg_power_w,
        "sampled_power_w": avg_power_w if sampled_power_w is None else sampled_power_w,
        "throughput_tflop_per_s": thr,
        "bandwidth_gb_per_s": bandwidth_gb_per_s,
        "sm_clock_mhz": sm_clock_mhz,
        "temperature_c": temperature_c,
        "power_limit_w": 700.0,
        "clock_event_reasons": clock_event_reasons,
        "gpu_name": gpu_name,
        "driver_version": "580",
        "timestamp_utc": timestamp_utc,
    }


def read_at_ends(power_w, duration_s, phase, update_s=ge.COUNTER_UPDATE_S, **kw):
    """A window of steady ``power_w`` read at its ends by a counter stepping every
    ``update_s`` (phase: where the first step falls, as a fraction of a step)."""
    steps = math.floor(duration_s / update_s + phase)  # steps seen between the readings
    energy = steps * power_w * update_s
    kw.setdefault("sampled_power_w", power_w)
    return row(
        energy_method=M.UNALIGNED_METHOD,
        duration_s=duration_s,
        energy_j=energy,
        avg_power_w=energy / duration_s,
        **kw,
    )


def accelerators(peak=1000.0, board=500.0, bw_tbps=4.0):
    cols = {
        "fp32_tflops": peak / 10,
        "tf32_tflops": peak / 2,
        "bf16_tflops": peak,
        "fp16_tflops": peak,
        "fp8_tflops": 2 * peak,
        "board_power_w": board,
        "memory_bw_tbps": bw_tbps,
    }
    return pd.DataFrame([{"chip": "H100 SXM", **cols}, {"chip": "H200 SXM", **cols}])


def summary(rows):
    return M.summarize_repeats(M.window_table(pd.DataFrame(rows)))


def shape_rows(run_id=RUN, gpu_name=H100, values=None, power=700.0):
    """Model-shape rows: hidden size -> (TFLOP/J of repeat 1, of repeat 2)."""
    values = values or {
        4096: (1.0, 1.0),
        4097: (0.25, 0.25),
        4100: (0.5, 0.5),
        5000: (0.9, 0.9),
        5120: (1.0, 1.0),
    }
    power = power if isinstance(power, dict) else {h: power for h in values}
    return [
        row(
            run_id=run_id,
            config=f"mlp-up-bf16-h{h}",
            kind="model_shape",
            hidden_size=h,
            tokens=16384,
            repeat=i + 1,
            tflop_per_j=v,
            gpu_name=gpu_name,
            avg_power_w=power[h],
        )
        for h, pair in values.items()
        for i, v in enumerate(pair)
    ]


# --- selecting ---------------------------------------------------------------------------------


def test_usable_rows_drop_quick_and_rejected():
    runs = pd.DataFrame([row(), row(repeat=2, status="rejected"), row(mode="quick")])
    assert len(M.usable_rows(runs)) == 1


def test_gpu_label():
    assert M.gpu_label(H100) == "H100"
    assert M.gpu_label(H200) == "H200"
    with pytest.raises(ValueError):
        M.gpu_label("NVIDIA A100-SXM4-80GB")


def test_run_for_gpu_takes_the_latest_full_run():
    runs = pd.DataFrame(
        [
            row(run_id="h100-20260101T000000Z", timestamp_utc="2026-01-01T00:00:00Z"),
            row(run_id="h100-20260301T000000Z", timestamp_utc="2026-03-01T00:00:00Z"),
            row(run_id="h100-20260401T000000Z", timestamp_utc="2026-04-01T00:00:00Z", mode="quick"),
            row(
                run_id="h200-20260201T000000Z", gpu_name=H200, timestamp_utc="2026-02-01T00:00:00Z"
            ),
        ]
    )
    assert M.run_for_gpu(runs, "H100") == "h100-20260301T000000Z"
    assert M.run_for_gpu(runs, "H200") == "h200-20260201T000000Z"
    with pytest.raises(ValueError):
        M.run_for_gpu(runs[runs["gpu_name"] == H100], "H200")
    assert M.other_gpu("H100") == "H200" and M.other_gpu("H200") == "H100"
    with pytest.raises(ValueError):
        M.other_gpu("A100")


def test_format_key():
    assert M.format_key("square-bf16-8192") == "bf16"
    assert M.format_key("square-fp8fast-8192") == "fp8fast"
    assert M.format_key("mlp-up-bf16-h4096") is None
    assert M.format_key("idle") is None


# --- the counter-step correction ---------------------------------------------------------------


@settings(max_examples=25)  # each example builds DataFrames: keep the suite quick
@given(
    st.floats(100.0, 720.0), st.floats(0.0, 0.999), st.floats(2.0, 3.0), st.floats(-0.005, 0.005)
)
def test_a_resolved_window_is_on_a_whole_number_of_steps(power, phase, d, noise):
    """Where the correction resolves a window, its power is the energy over a whole number
    of 100 ms steps, one of the counts the window's length allows, with bounds of the period
    tolerance; as read it is off by up to a step. (That the count is the right one is a
    matter of probability: see the calibration test in test_gpu_energy.)"""
    w = M.window_table(
        pd.DataFrame(
            [
                read_at_ends(
                    power,
                    d,
                    phase,
                    throughput_tflop_per_s=500.0,
                    sampled_power_w=power * (1 + noise),
                )
            ]
        )
    )
    r = w.iloc[0]
    if r["resolved"]:
        steps = r["energy_j"] / (r["power_w"] * ge.COUNTER_UPDATE_S)
        assert steps == pytest.approx(round(steps), abs=1e-9)
        assert math.floor(d / 0.1) <= round(steps) <= math.floor((d + ge.READ_SLACK_S) / 0.1) + 1
        assert r["power_w_high"] / r["power_w"] == pytest.approx(1 + ge.REFERENCE_SIGMA)
        assert r["tflop_per_j"] == pytest.approx(500.0 / r["power_w"], rel=1e-9)
    else:
        assert r["power_w"] == r["power_w_read"]
    assert abs(r["power_w_read"] / power - 1) <= ge.COUNTER_UPDATE_S / d + 1e-9


@settings(max_examples=25)  # each example builds DataFrames: keep the suite quick
@given(st.floats(100.0, 720.0), st.floats(0.0, 0.999), st.floats(2.0, 3.0))
def test_without_the_correction_the_one_step_bounds_still_contain_the_truth(power, phase, d):
    w = M.window_table(pd.DataFrame([read_at_ends(power, d, phase)]), count_updates=False)
    r = w.iloc[0]
    assert r["power_w"] == r["power_w_read"] and not r["resolved"]
    assert r["power_w_low"] <= power * (1 + 1e-12) and power * (1 - 1e-12) <= r["power_w_high"]


def test_an_unresolved_window_keeps_its_reading_and_a_one_step_bound():
    # 25 or 26 steps over 2.55 s: a sampled power half-way between the candidates
    r = read_at_ends(700.0, 2.55, 0.0)
    r["sampled_power_w"] = 0.5 * (r["energy_j"] / 2.5 + r["energy_j"] / 2.6)
    w = M.window_table(pd.DataFrame([r])).iloc[0]
    assert not w["resolved"] and w["power_w"] == w["power_w_read"]
    assert (w["power_w_low"], w["power_w_high"]) == pytest.approx(
        (w["energy_j"] / 2.65, w["energy_j"] / 2.45)
    )


def test_windows_measured_between_steps_have_bounds_from_their_timing_error():
    """A window measured between two counter updates is used as read, with bounds of its
    power times 1 -/+ timing error over counter span (from the run's metadata), or one step
    over its length where the metadata has none: never a zero-width interval."""
    r = row(avg_power_w=690.0, sampled_power_w=650.0)
    details = pd.DataFrame(
        [
            {
                "run_id": RUN,
                "config": r["config"],
                "repeat": 1,
                "counter_updates": 25,
                "update_period_s": 0.1002,
                "timing_error_s": 0.004,
                "counter_span_s": 2.0,
            }
        ]
    )
    w = M.window_table(pd.DataFrame([r]), details=details).iloc[0]
    assert w["power_w"] == 690.0 and not w["corrected"]
    assert (w["power_w_low"], w["power_w_high"]) == pytest.approx((690 * 0.998, 690 * 1.002))
    assert w["update_period_s"] == pytest.approx(0.1002)
    bare = M.window_table(pd.DataFrame([r])).iloc[0]
    assert (bare["power_w_low"], bare["power_w_high"]) == pytest.approx(
        (690 * (1 - 0.1 / 2.5), 690 * (1 + 0.1 / 2.5))
    )
    assert M.update_period_summary(M.window_table(pd.DataFrame([r]), details=details))[
        "median"
    ] == pytest.approx(0.1002)


def test_window_details_reads_the_metadata_windows():
    meta = [
        {
            "run_id": RUN,
            "windows": [
                {
                    "config": "idle",
                    "repeat": 1,
                    "counter_updates": 24,
                    "update_period_s": 0.1,
                    "timing_error_s": 0.002,
                    "counter_span_s": 2.4,
                    "alignment_error": "",
                }
            ],
        },
        {"run_id": "old"},
    ]
    d = M.window_details(meta)
    assert list(d["run_id"]) == [RUN] and d.iloc[0]["timing_error_s"] == 0.002
    assert M.window_details([{"run_id": "old"}]).empty


def test_the_committed_correction_is_reported():
    """The page's counts come from the same table: a read-over-the-cap window is counted."""
    rows = [read_at_ends(700.0, 2.52, 0.9, repeat=1), read_at_ends(700.0, 2.52, 0.1, repeat=2)]
    counts = M.cap_counts(M.window_table(pd.DataFrame(rows)))
    assert counts["over_cap_read"] == 1 and counts["above_limit_read"] == 1
    assert counts["corrected"] == 2


def test_windows_read_at_their_ends_do_not_measure_the_step():
    """The step period of a corrected window would only restate the samples that chose its
    count, so windows read at their ends give no step period at all."""
    rows = [read_at_ends(650.0, 2.5 + 0.01 * i, 0.37, repeat=i + 1) for i in range(6)]
    p = M.update_period_summary(M.window_table(pd.DataFrame(rows)))
    assert p["windows"] == 0 and math.isnan(p["median"])


def test_correction_checks_by_hand():
    """Two windows of 2.53 s (prior of the extra step 0.3 each, with no read slack) and one of
    2.505 s: the expected number of extra steps is the sum of the priors, its variance the sum
    of p(1 - p); a count with prior below 1% is flagged."""
    rows = [
        read_at_ends(700.0, 2.53, 0.75, repeat=1, config="a"),  # 26 steps
        read_at_ends(700.0, 2.53, 0.0, repeat=2, config="a"),  # 25 steps
        read_at_ends(700.0, 2.505, 0.0, repeat=1, config="b"),
    ]
    w = M.window_table(pd.DataFrame(rows), read_slack_s=0.0)
    c = M.correction_checks(w)
    assert c["chosen"] == 3
    assert c["extra_steps_expected"] == pytest.approx(0.3 + 0.3 + 0.05)
    assert c["extra_steps_sd"] == pytest.approx(math.sqrt(2 * 0.21 + 0.05 * 0.95))
    assert c["extra_steps"] == float(w["extra_step"].sum())
    assert c["repeat_diff_read_pct"] == pytest.approx(100 * (1 / 25) / (1 + 0.5 / 25), rel=1e-6)


# --- averaging ---------------------------------------------------------------------------------


def test_summarize_repeats_by_hand():
    runs = pd.DataFrame(
        [
            row(repeat=1, tflop_per_j=1.0, avg_power_w=600.0, clock_event_reasons="0x4"),
            row(repeat=2, tflop_per_j=2.0, avg_power_w=700.0, clock_event_reasons="0x1"),
            row(repeat=3, tflop_per_j=9.0, status="rejected"),
        ]
    )
    s = summary(runs.to_dict("records")).iloc[0]
    assert s["repeats"] == 2
    assert s["tflop_per_j"] == pytest.approx(1.5)
    assert (s["tflop_per_j_min"], s["tflop_per_j_max"]) == (1.0, 2.0)
    # windows measured between steps, without metadata: one step over 2.5 s either way
    assert (s["tflop_per_j_low"], s["tflop_per_j_high"]) == pytest.approx((1 / 1.04, 2 / 0.96))
    assert s["avg_power_w"] == pytest.approx(650.0)
    assert s["clock_event_mask"] == 0x5 and s["power_capped"]
    assert page.clock_events(s["clock_event_mask"]) == "gpu_idle, sw_power_cap"
    assert s["gpu"] == "H100"


def test_summarize_repeats_without_clock_events():
    s = summary([row(clock_event_reasons=None)]).iloc[0]
    assert s["clock_event_mask"] == 0 and not s["power_capped"]
    assert page.clock_events(0) == "none"


@settings(max_examples=25)  # each example builds DataFrames: keep the suite quick
@given(st.floats(0.01, 3.0), st.floats(0.01, 3.0), st.floats(0.0, 0.999), st.floats(0.0, 0.999))
def test_the_interval_brackets_the_mean(a, b, pa, pb):
    rows = [
        read_at_ends(700.0, 2.5, pa, throughput_tflop_per_s=700 * a, repeat=1),
        read_at_ends(700.0, 2.5, pb, throughput_tflop_per_s=700 * b, repeat=2),
    ]
    for count in (True, False):
        s = M.summarize_repeats(M.window_table(pd.DataFrame(rows), count_updates=count)).iloc[0]
        assert s["tflop_per_j_low"] <= s["tflop_per_j_min"] * (1 + 1e-12)
        assert s["tflop_per_j_min"] <= s["tflop_per_j"] * (1 + 1e-12)
        assert s["tflop_per_j"] <= s["tflop_per_j_max"] * (1 + 1e-12)
        assert s["tflop_per_j_max"] <= s["tflop_per_j_high"] * (1 + 1e-12)


# --- tables ------------------------------------------------------------------------------------


def test_format_table_share_by_hand():
    # Peak 1000 TFLOP/s over 500 W = 2 TFLOP/J; 1.5 measured = 75%.
    f = M.format_table(
        summary(
            [
                row(tflop_per_j=1.5, avg_power_w=500.0),
                row(repeat=2, tflop_per_j=1.5, avg_power_w=500.0),
            ]
        ),
        accelerators(),
    ).iloc[0]
    assert f["datasheet_tflop_per_j"] == pytest.approx(2.0)
    assert f["share_pct"] == pytest.approx(75.0)
    assert f["throughput_share_pct"] == pytest.approx(75.0)  # 750 of 1000 TFLOP/s
    assert f["format"] == "bf16" and f["chip"] == "H100 SXM"


def test_format_table_uses_the_format_column():
    f = M.format_table(
        summary(
            [
                row(config="square-fp8-8192", dtype="fp8_e4m3", tflop_per_j=3.0),
                row(config="square-fp32-8192", dtype="fp32", tflop_per_j=0.1),
            ]
        ),
        accelerators(),
    ).set_index("format")
    assert f.loc["fp8", "datasheet_tflop_per_j"] == pytest.approx(4.0)
    assert f.loc["fp32", "datasheet_tflop_per_j"] == pytest.approx(0.2)
    assert list(f.index) == ["fp32", "fp8"]  # book order, not alphabetical


@settings(max_examples=25)  # each example builds DataFrames: keep the suite quick
@given(st.floats(0.1, 3.0), st.floats(1.0, 10.0))
def test_share_is_linear_in_the_measurement(measured_value, c):
    def share(v):
        return M.format_table(summary([row(tflop_per_j=v)]), accelerators()).iloc[0]["share_pct"]

    assert share(measured_value * c) == pytest.approx(c * share(measured_value))


def test_shape_table_penalties_by_hand():
    t = M.shape_table(
        summary(
            shape_rows(
                values={4096: (1.0, 1.0), 4097: (0.2, 0.3), 5000: (0.8, 0.8), 5120: (1.0, 1.0)}
            )
        )
    )
    t = t.set_index("hidden_size")
    assert t.loc[4097, "aligned_neighbour"] == 4096
    assert t.loc[5000, "aligned_neighbour"] == 5120
    assert t.loc[4096, "aligned_neighbour"] == 4096 and t.loc[4096, "penalty_pct"] == 0
    # mean 0.25 TFLOP/J against 1.0: four times the energy per FLOP, +300%.
    assert t.loc[4097, "penalty_pct"] == pytest.approx(300.0)
    assert t.loc[4097, "energy_ratio"] == pytest.approx(4.0)
    # the bounds of each window are one step over 2.5 s (4%) either way
    assert t.loc[4097, "penalty_pct_low"] == pytest.approx(100.0 * ((1 / 1.04) / (0.3 / 0.96) - 1))
    assert t.loc[4097, "penalty_pct_high"] == pytest.approx(100.0 * ((1 / 0.96) / (0.2 / 1.04) - 1))
    assert t.loc[5000, "penalty_pct"] == pytest.approx(25.0)
    assert t.loc[4097, "power_of_two_factor"] == 1 and t.loc[4097, "row_alignment_bytes"] == 2
    assert t.loc[5000, "row_alignment_bytes"] == 16
    assert not t.loc[4097, "aligned"] and t.loc[5120, "aligned"]


@settings(max_examples=25)  # each example builds DataFrames: keep the suite quick
@given(st.floats(0.05, 1.0), st.floats(0.05, 1.0), st.floats(100.0, 700.0), st.floats(100.0, 700.0))
def test_energy_ratio_is_slowdown_times_the_power_ratio(eff_mis, eff_al, p_mis, p_al):
    """An identity of the definitions (J/FLOP = W / FLOP/s), so the page presents it as a
    decomposition, not as evidence."""
    rows = shape_rows(
        values={4096: (eff_al, eff_al), 4097: (eff_mis, eff_mis)}, power={4096: p_al, 4097: p_mis}
    )
    t = M.shape_table(summary(rows)).set_index("hidden_size")
    assert t.loc[4097, "energy_ratio"] == pytest.approx(
        t.loc[4097, "slowdown"] * p_mis / p_al, rel=1e-9
    )


@settings(max_examples=25)  # each example builds DataFrames: keep the suite quick
@given(st.floats(0.05, 5.0), st.floats(0.05, 5.0), st.floats(0.1, 10.0))
def test_shape_penalty_is_scale_free(misaligned, aligned, c):
    def penalty(scale):
        rows = shape_rows(values={4096: (aligned * scale,) * 2, 4097: (misaligned * scale,) * 2})
        return M.shape_table(summary(rows)).set_index("hidden_size").loc[4097, "penalty_pct"]

    assert penalty(c) == pytest.approx(penalty(1.0), rel=1e-9, abs=1e-9)


def test_a_shape_faster_than_the_vector_units_is_flagged():
    peaks = pd.DataFrame([{"chip": "H100 SXM", "bf16_vector_tflops": 133.8}])
    rows = shape_rows(values={4096: (1.0, 1.0), 4095: (0.2, 0.2), 4097: (0.19, 0.19)})
    t = M.shape_table(summary(rows), peaks).set_index("hidden_size")
    # 0.2 TFLOP/J at 700 W is 140 TFLOP/s, above 133.8; 0.19 is 133, below
    assert t.loc[4095, "above_vector_peak"] and not t.loc[4097, "above_vector_peak"]
    assert t.loc[4095, "vector_peak_tflop_per_s"] == 133.8
    assert "at least part of the work" in page.vector_verdict([4095])
    both = page.vector_verdict([4095, 4097])
    assert "at least part of the work" in both and "must" not in both
    assert "do not tell" in page.vector_verdict([])


def test_worst_shape():
    shapes = M.shape_table(summary(shape_rows()))
    worst = M.worst_shape(shapes, RUN)
    assert worst["hidden_size"] == 4097 and worst["penalty_pct"] == pytest.approx(300.0)
    with pytest.raises(ValueError):
        M.worst_shape(shapes[shapes["aligned"]], RUN)


def _copy_rows(copy_w=500.0, idle_w=100.0, warm_w=None, bandwidth=4000.0):
    rows = [
        row(
            config="copy-4096mib",
            kind="memory",
            dtype="uint8",
            tflop_per_j=None,
            avg_power_w=copy_w,
            bandwidth_gb_per_s=bandwidth,
            clock_event_reasons="0x0",
        ),
        row(
            config="idle",
            kind="idle",
            dtype="none",
            tflop_per_j=None,
            avg_power_w=idle_w,
            clock_event_reasons="0x1",
        ),
    ]
    if warm_w is not None:
        rows.append(
            row(
                config="idle-warm",
                kind="idle",
                dtype="none",
                tflop_per_j=None,
                avg_power_w=warm_w,
                clock_event_reasons="0x1",
            )
        )
    return rows


def test_copy_energy_per_byte_whole_board_and_above_idle_by_hand():
    # 500 W at 4000 GB/s: 125 pJ/B for the board; 400 W above a 100 W idle card: 100 pJ/B
    c = M.copy_table(summary(_copy_rows()), accelerators(bw_tbps=5.0)).iloc[0]
    assert c["pj_per_byte"] == pytest.approx(125.0)
    assert c["incremental_pj_per_byte"] == pytest.approx(100.0)
    assert not c["idle_is_warm"] and c["idle_power_w"] == 100.0
    assert c["bandwidth_share_pct"] == pytest.approx(80.0)
    # a warm idle measurement is the baseline when there is one: 350 W above 150 W
    warm = M.copy_table(summary(_copy_rows(warm_w=150.0)), accelerators()).iloc[0]
    assert warm["idle_is_warm"] and warm["incremental_pj_per_byte"] == pytest.approx(87.5)


@settings(max_examples=25)  # each example builds DataFrames: keep the suite quick
@given(st.floats(50.0, 700.0), st.floats(0.0, 1.0), st.floats(500.0, 5000.0))
def test_incremental_energy_is_the_board_less_the_idle_share(copy_w, idle_share, bandwidth):
    idle_w = idle_share * copy_w
    c = M.copy_table(summary(_copy_rows(copy_w, idle_w, bandwidth=bandwidth)), accelerators()).iloc[
        0
    ]
    assert c["pj_per_byte"] - c["incremental_pj_per_byte"] == pytest.approx(
        1e3 * idle_w / bandwidth, rel=1e-9, abs=1e-9
    )
    assert (
        c["incremental_pj_per_byte_low"]
        <= c["incremental_pj_per_byte"]
        <= c["incremental_pj_per_byte_high"]
    )
    if idle_share == 1.0:
        assert c["incremental_pj_per_byte"] == pytest.approx(0.0, abs=1e-9)


def test_power_table_flags_the_software_power_cap():
    p = M.power_table(
        summary(
            [
                row(clock_event_reasons="0x4"),
                row(
                    config="idle",
                    kind="idle",
                    dtype="none",
                    tflop_per_j=None,
                    avg_power_w=100.0,
                    clock_event_reasons="0x0",
                ),
                row(config="square-fp32-8192", dtype="fp32", clock_event_reasons="0x1"),
            ]
        ),
        accelerators(board=700.0),
    ).set_index("config")
    assert p.loc["square-bf16-8192", "power_capped"]
    assert not p.loc["idle", "power_capped"] and not p.loc["square-fp32-8192", "power_capped"]
    assert (p["board_power_w"] == 700.0).all()


def test_worked_example_in_mwh_by_hand():
    shapes = M.shape_table(summary(shape_rows()))
    ex = M.worked_example(shapes, RUN, 4097, 4096, 1e9, 2)
    flop = 2 * 72 * 1e9 * 4097**2
    assert ex["flop"] == pytest.approx(flop)
    # 0.25 TFLOP/J: flop / 0.25e12 J, and 1 MWh = 3.6e9 J.
    assert ex["energy_mwh"] == pytest.approx(flop / 0.25e12 / 3.6e9)
    assert ex["energy_mwh_at_aligned_efficiency"] == pytest.approx(flop / 1e12 / 3.6e9)
    assert ex["extra_energy_mwh"] == pytest.approx(ex["energy_mwh"] * 0.75)
    assert ex["penalty"] == pytest.approx(3.0)
    assert ex["params_billion"] == pytest.approx(2 * 12 * 4097**2 / 1e9)
    with pytest.raises(ValueError):
        M.worked_example(shapes, RUN, 4095, 4096, 1e9, 2)


def test_sci_label():
    assert page.sci_label(3.8673e22) == "3.87 \u00d7 10\u00b2\u00b2"
    assert page.sci_label(1e12, 0) == "1 \u00d7 10\u00b9\u00b2"
    assert page.sci_label(2.5e-3, 1) == "2.5 \u00d7 10\u207b\u00b3"


def test_run_setup_values_from_metadata():
    cfgs = [
        {"kind": "number_format", "m": 8192, "n": 8192, "k": 8192},
        {"kind": "number_format", "m": 8192, "n": 8192, "k": 8192},
        {"kind": "model_shape", "tokens": 16384, "hidden_size": 4096},
        {"kind": "model_shape", "tokens": 16384, "hidden_size": 4097},
        {"kind": "memory", "bytes_per_iteration": 2 * 2**30},
        {"kind": "idle"},
    ]
    meta = [
        {
            "run_id": "r",
            "configs": cfgs,
            "settings": {"window_s": 2.5, "warmup_s": 1.0, "sample_period_s": 0.05, "repeats": 2},
        }
    ]
    v = M.run_setup_values(meta, "r")
    assert v == {
        "gemm_size": 8192.0,
        "shape_tokens": 16384.0,
        "n_hidden_sizes": 2.0,
        "copy_gib": 1.0,
        "window_s": 2.5,
        "warmup_s": 1.0,
        "sample_ms": pytest.approx(50.0),
        "repeats": 2.0,
    }
    cfgs[1] = {"kind": "number_format", "m": 4096, "n": 4096, "k": 4096}
    with pytest.raises(ValueError):
        M.run_setup_values(meta, "r")


# --- the committed measurements, the declaration and the page ----------------------------------


@pytest.fixture(scope="module")
def committed():
    return data.load_tables(page.TABLES)


def test_declared_choices_are_what_the_harness_measures(committed):
    runs = committed["gpu_runs"]
    assert set(S.HIDDEN_SIZES) | set(S.ALIGNED_SIZES) == set(measure.HIDDEN_SIZES)
    assert all(h % ge.ALIGN_MULTIPLE for h in S.HIDDEN_SIZES)
    assert all(h % ge.ALIGN_MULTIPLE == 0 for h in S.ALIGNED_SIZES)
    assert set(S.FORMATS) == set(M.FORMAT_COLUMNS) == set(page.FORMAT_LABELS)
    assert set(S.GPUS) == set(M.CHIP_FOR_GPU)
    for gpu in S.GPUS:
        for key in S.FORMATS:
            for h in S.HIDDEN_SIZES:
                M.require_measured(runs, gpu, key, h, S.ALIGNED_SIZES[0])


def test_the_check_refuses_what_the_run_did_not_measure(committed):
    """A run that measured fewer configurations refuses the others, naming the parameter
    and what is allowed."""
    runs = committed["gpu_runs"]
    fewer = runs[~runs["config"].isin(["mlp-up-bf16-h4097", "square-fp8-8192"])]
    spec = chapters.get("measured")
    with pytest.raises(ParameterError) as e:
        spec.validate({}, tables={"gpu_runs": fewer})
    msg = "\n".join(e.value.problems)
    assert "hidden_size 4097 was not measured" in msg and "allowed: 4095, 4096" in msg
    with pytest.raises(ParameterError, match="number_format fp8 was not measured"):
        spec.validate({"number_format": "fp8", "hidden_size": 4095}, tables={"gpu_runs": fewer})
    spec.validate({"hidden_size": 4095}, tables={"gpu_runs": fewer})


def test_headlines_are_the_declared_ones_and_follow_their_definitions(committed):
    spec = chapters.get("measured")
    for count in (True, False):
        ev = page.evaluate(Params(count_counter_updates=count), committed)
        r = page.headlines(ev)
        assert list(r) == [h.name for h in spec.headlines]
        assert all(math.isfinite(v) for v in r.values())
        assert r["tflop_per_j"] == pytest.approx(
            r["datasheet_tflop_per_j"] * r["datasheet_share_pct"] / 100
        )
        assert r["example_penalty_pct"] == pytest.approx(
            100
            * r["example_extra_energy_mwh"]
            / (r["example_energy_mwh"] - r["example_extra_energy_mwh"])
        )
        c = ev.copy.set_index("gpu").loc[ev.P.gpu]
        assert r["copy_incremental_pj_per_byte"] == pytest.approx(
            r["copy_pj_per_byte"] * (1 - c["idle_power_w"] / c["avg_power_w"])
        )
        n = page.numbers(ev)
        assert n["tflop_per_j_low"] <= r["tflop_per_j"] <= n["tflop_per_j_high"]


def test_the_uncorrected_page_is_the_windows_as_read(committed):
    ev = page.evaluate(Params(count_counter_updates=False), committed)
    n = page.numbers(ev)
    assert n["windows_corrected"] == 0
    assert page.headlines(ev)["tflop_per_j"] == pytest.approx(n["tflop_per_j_read"])
    assert "as read" in page.texts(ev)["correction_label"]


def test_numbers_texts_and_captions_are_finite_for_every_gpu(committed):
    for gpu in S.GPUS:
        ev = page.evaluate(Params(gpu=gpu, number_format="fp8"), committed)
        values = page.numbers(ev)
        assert all(isinstance(v, float) and math.isfinite(v) for v in values.values())
        for h in S.HIDDEN_SIZES + S.ALIGNED_SIZES:
            assert f"penalty_pct_h{h}" in values
        assert set(ev.power["gpu"]) == {gpu}
        for text in page.captions(ev).values():
            assert not re.search(r"\bnan\b", text)
        assert page.texts(ev)["format_label"] == "FP8 (standard accumulation)"
        assert list(page.table_provenance(ev)["Run"]) == sorted(ev.run_ids.values())
        labels = list(page.table_formats(ev)["Format"])
        assert "FP8 (standard accumulation)" in labels and "FP8 (fast accumulation)" in labels


def test_aligned_sizes_never_pay_a_penalty_against_themselves(committed):
    shapes = M.shape_table(M.summarize_repeats(M.window_table(committed["gpu_runs"])))
    aligned = shapes[shapes["aligned"]]
    assert (aligned["aligned_neighbour"] == aligned["hidden_size"]).all()
    assert (aligned["penalty_pct"] == 0).all()
    assert (shapes["aligned_neighbour"] % 64 == 0).all()


def test_run_setup_values_of_the_committed_runs_match_their_rows(committed):
    runs = committed["gpu_runs"]
    ok = M.usable_rows(runs)
    for gpu in S.GPUS:
        rid = M.run_for_gpu(runs, gpu)
        v = M.run_setup_values(data.load_run_metadata([rid]), rid)
        mine = ok[ok["run_id"] == rid]
        sq = mine[mine["kind"] == "number_format"]
        assert set(sq["m"]) == set(sq["n"]) == set(sq["k"]) == {v["gemm_size"]}
        assert set(mine.loc[mine["kind"] == "model_shape", "tokens"]) == {v["shape_tokens"]}
        assert v["n_hidden_sizes"] == len(measure.HIDDEN_SIZES)
        copy = mine[mine["kind"] == "memory"]
        per_iter = copy["bytes_moved"] / copy["iterations"]
        assert (per_iter / 2 / 2**30).to_numpy() == pytest.approx(v["copy_gib"], rel=1e-6)


def test_the_prose_says_how_the_runs_it_reads_were_made():
    """The sentences that describe the runs follow their metadata: the committed runs read
    the counter at the ends of their windows; runs of the current harness do not."""
    old = {"settings": {"window_s": 2.5, "warmup_s": 1.0}}
    new = {
        "settings": {
            "window_s": 2.5,
            "warmup_s": 2.0,
            "settle_max_s": 15.0,
            "energy_alignment": "counter_updates",
        }
    }
    committed = page.run_phrases(page.run_kinds([old, old]))
    assert "two ends of each window" in committed["runs_reading"]
    assert "only cold" in committed["steady_reading"]
    assert "await" in committed["corrections_await"]
    current = page.run_phrases(page.run_kinds([new, new]))
    assert "measured between two steps" in current["runs_reading"]
    assert "cold and warm" in current["steady_reading"]
    assert "await" not in current["corrections_await"]
    mixed = page.run_phrases(page.run_kinds([old, new]))
    assert mixed["runs_reading"].startswith("1 of the 2 runs")


def test_the_prose_on_idle_and_samples_follows_the_runs():
    """Whether the copy's increment is over a warm idle card, and whether the samples chose
    the step counts, are read from the metadata, so a new run cannot leave them stale."""
    old = {"settings": {}, "configs": [{"name": "idle"}]}
    new = {
        "settings": {"settle_max_s": 15.0, "energy_alignment": "counter_updates"},
        "configs": [{"name": "idle"}, {"name": "idle-warm"}],
    }
    committed = page.run_phrases(page.run_kinds([old, old]))
    assert "only cold" in committed["idle_copy"] and "cold" in committed["idle_limit"]
    assert "input" in committed["samples_role"]
    assert "cannot time the step" in committed["period_sentence"]
    current = page.run_phrases(page.run_kinds([new, new]))
    assert "warm" in current["idle_copy"] and "cold" not in current["idle_limit"]
    assert "cross-check" in current["samples_role"] and "input" not in current["samples_role"]
    assert "cannot" not in current["period_sentence"]


def test_full_clock_shapes_are_read_from_the_data():
    """The misaligned sizes said to run at full clock below the limit are those without the
    cap bit at (nearly) the maximum clock, not every misaligned size."""
    shapes = pd.DataFrame(
        {
            "run_id": [RUN] * 4,
            "hidden_size": [4095, 4096, 4097, 4100],
            "aligned": [False, True, False, False],
            "power_capped": [False, True, False, True],
            "sm_clock_mhz": [1980.0, 1340.0, 1900.0, 1980.0],
        }
    )
    assert page.full_clock_shapes(shapes, RUN, 1980.0) == [4095]
    assert page.full_clock_shapes(shapes, RUN, 1980.0, clock_fraction=0.95) == [4095, 4097]


def test_the_share_splits_into_clock_per_clock_and_power_factors(committed):
    """An identity: share of the datasheet = clock share x per-clock share x board power over
    measured power (up to averaging over windows), and the clock the peak assumes is the
    tensor-core clock of the whitepaper's arithmetic (989.4 TFLOP/s over 132 SMs x 4096)."""
    for gpu in S.GPUS:
        ev = page.evaluate(Params(gpu=gpu), committed)
        n, h = page.numbers(ev), page.headlines(ev)
        assert n["share_product_pct"] == pytest.approx(h["datasheet_share_pct"], rel=2e-3)
        assert n["peak_clock_mhz"] < n["max_sm_clock_mhz"]
        fp32 = page.numbers(page.evaluate(Params(gpu=gpu, number_format="fp32"), committed))
        assert fp32["peak_clock_mhz"] > n["peak_clock_mhz"]  # FP32's peak assumes more


def test_fp8_ratio_is_the_throughput_ratio_under_a_common_cap(committed):
    """At (nearly) equal power the ratio of TFLOP/J is the ratio of throughput over the power
    ratio, by definition; the equal-clock counterfactual scales throughput by the clocks."""
    ev = page.evaluate(Params(), committed)
    n = page.numbers(ev)
    for g in ("h100", "h200"):
        run = ev.run_ids[g.upper()]
        thr = {
            k: float(page._format_row(ev, run, k)["throughput_tflop_per_s"])
            for k in ("bf16", "fp8fast")
        }
        assert n[f"fp8_over_bf16_{g}"] == pytest.approx(
            thr["fp8fast"] / thr["bf16"] / n[f"fp8fast_power_over_bf16_{g}"], rel=2e-3
        )
        assert n[f"fp8fast_over_bf16_equal_clock_{g}"] == pytest.approx(
            thr["fp8fast"] / thr["bf16"] * n[f"clock_bf16_{g}"] / n[f"clock_fp8fast_{g}"]
        )


def test_the_correction_leaves_the_idle_repeats_agreeing(committed):
    """The first idle window (samples lagging the start) is not forced onto the count its
    samples prefer: on both cards the idle repeats agree as read and as used."""
    w = page.evaluate(Params(), committed).windows
    idle = w[w["kind"] == "idle"].groupby("run_id")["power_w"]
    assert ((idle.max() - idle.min()) / idle.mean() < 0.01).all()
