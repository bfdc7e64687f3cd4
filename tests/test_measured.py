"""The measured chapter's model and page: hand-worked cases on small synthetic tables,
properties, and consistency of the declaration with the committed measurements."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from energybook import chapters, data, measure
from energybook import gpu_energy as ge
from energybook.chapters.measured import model as M
from energybook.chapters.measured import page
from energybook.chapters.measured import params as S
from energybook.chapters.measured.params import Params

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"


def row(run_id="h100-20260101T000000Z", config="square-bf16-8192", kind="number_format",
        dtype="bf16", repeat=1, tflop_per_j=1.0, avg_power_w=700.0, gpu_name=H100,
        hidden_size=None, tokens=None, pj_per_byte=None, bandwidth_gb_per_s=None,
        clock_event_reasons="0x4", mode="full", status="ok", sm_clock_mhz=1400.0,
        timestamp_utc="2026-01-01T00:00:00Z", throughput_tflop_per_s=None):
    """One gpu_runs row with the columns the chapter reads."""
    return {
        "run_id": run_id, "mode": mode, "config": config, "kind": kind, "dtype": dtype,
        "m": None, "n": None, "k": None, "hidden_size": hidden_size, "tokens": tokens,
        "repeat": repeat, "status": status,
        "tflop_per_j": tflop_per_j,
        "pj_per_flop": None if tflop_per_j is None else 1.0 / tflop_per_j,
        "throughput_tflop_per_s": (throughput_tflop_per_s if throughput_tflop_per_s is not None
                                   else (None if tflop_per_j is None
                                         else tflop_per_j * avg_power_w)),
        "avg_power_w": avg_power_w, "pj_per_byte": pj_per_byte,
        "bandwidth_gb_per_s": bandwidth_gb_per_s, "sm_clock_mhz": sm_clock_mhz,
        "temperature_c": 60.0, "power_limit_w": 700.0,
        "clock_event_reasons": clock_event_reasons, "gpu_name": gpu_name,
        "driver_version": "580", "timestamp_utc": timestamp_utc,
    }


def accelerators(peak=1000.0, board=500.0, bw_tbps=4.0):
    cols = {"fp32_tflops": peak / 10, "tf32_tflops": peak / 2, "bf16_tflops": peak,
            "fp16_tflops": peak, "fp8_tflops": 2 * peak, "board_power_w": board,
            "memory_bw_tbps": bw_tbps}
    return pd.DataFrame([{"chip": "H100 SXM", **cols}, {"chip": "H200 SXM", **cols}])


def shape_rows(run_id="h100-20260101T000000Z", gpu_name=H100, values=None):
    """Model-shape rows: hidden size -> (TFLOP/J of repeat 1, of repeat 2)."""
    values = values or {4096: (1.0, 1.0), 4097: (0.25, 0.25), 4100: (0.5, 0.5),
                        5000: (0.9, 0.9), 5120: (1.0, 1.0)}
    return [row(run_id=run_id, config=f"mlp-up-bf16-h{h}", kind="model_shape", hidden_size=h,
                tokens=16384, repeat=i + 1, tflop_per_j=v, gpu_name=gpu_name)
            for h, pair in values.items() for i, v in enumerate(pair)]


# --- selecting and averaging -------------------------------------------------------------------


def test_usable_rows_drop_quick_and_rejected():
    runs = pd.DataFrame([row(), row(repeat=2, status="rejected"), row(mode="quick")])
    assert len(M.usable_rows(runs)) == 1


def test_gpu_label():
    assert M.gpu_label(H100) == "H100"
    assert M.gpu_label(H200) == "H200"
    with pytest.raises(ValueError):
        M.gpu_label("NVIDIA A100-SXM4-80GB")


def test_run_for_gpu_takes_the_latest_full_run():
    runs = pd.DataFrame([
        row(run_id="h100-20260101T000000Z", timestamp_utc="2026-01-01T00:00:00Z"),
        row(run_id="h100-20260301T000000Z", timestamp_utc="2026-03-01T00:00:00Z"),
        row(run_id="h100-20260401T000000Z", timestamp_utc="2026-04-01T00:00:00Z",
            mode="quick"),
        row(run_id="h200-20260201T000000Z", gpu_name=H200,
            timestamp_utc="2026-02-01T00:00:00Z"),
    ])
    assert M.run_for_gpu(runs, "H100") == "h100-20260301T000000Z"
    assert M.run_for_gpu(runs, "H200") == "h200-20260201T000000Z"
    with pytest.raises(ValueError):
        M.run_for_gpu(runs[runs["gpu_name"] == H100], "H200")


def test_summarize_repeats_by_hand():
    runs = pd.DataFrame([
        row(repeat=1, tflop_per_j=1.0, avg_power_w=600.0, clock_event_reasons="0x4"),
        row(repeat=2, tflop_per_j=2.0, avg_power_w=700.0, clock_event_reasons="0x1"),
        row(repeat=3, tflop_per_j=9.0, status="rejected"),
    ])
    s = M.summarize_repeats(runs).iloc[0]
    assert s["repeats"] == 2
    assert s["tflop_per_j"] == pytest.approx(1.5)
    assert (s["tflop_per_j_min"], s["tflop_per_j_max"]) == (1.0, 2.0)
    assert s["avg_power_w"] == pytest.approx(650.0)
    assert s["clock_event_mask"] == 0x5 and s["power_capped"]
    assert page.clock_events(s["clock_event_mask"]) == "gpu_idle, sw_power_cap"
    assert s["gpu"] == "H100"


def test_summarize_repeats_without_clock_events():
    s = M.summarize_repeats(pd.DataFrame([row(clock_event_reasons=None)])).iloc[0]
    assert s["clock_event_mask"] == 0 and page.clock_events(0) == "none"
    assert not s["power_capped"]


def test_format_key():
    assert M.format_key("square-bf16-8192") == "bf16"
    assert M.format_key("square-fp8fast-8192") == "fp8fast"
    assert M.format_key("mlp-up-bf16-h4096") is None
    assert M.format_key("idle") is None


# --- tables ------------------------------------------------------------------------------------


def test_format_table_share_by_hand():
    # Peak 1000 TFLOP/s over 500 W = 2 TFLOP/J; 1.5 measured = 75%.
    runs = pd.DataFrame([row(tflop_per_j=1.5, avg_power_w=500.0),
                         row(repeat=2, tflop_per_j=1.5, avg_power_w=500.0)])
    f = M.format_table(M.summarize_repeats(runs), accelerators()).iloc[0]
    assert f["datasheet_tflop_per_j"] == pytest.approx(2.0)
    assert f["share_pct"] == pytest.approx(75.0)
    assert f["throughput_share_pct"] == pytest.approx(75.0)  # 750 of 1000 TFLOP/s
    assert f["format"] == "bf16" and f["chip"] == "H100 SXM"


def test_format_table_uses_the_format_column():
    runs = pd.DataFrame([row(config="square-fp8-8192", dtype="fp8_e4m3", tflop_per_j=3.0),
                         row(config="square-fp32-8192", dtype="fp32", tflop_per_j=0.1)])
    f = M.format_table(M.summarize_repeats(runs), accelerators()).set_index("format")
    assert f.loc["fp8", "datasheet_tflop_per_j"] == pytest.approx(4.0)
    assert f.loc["fp32", "datasheet_tflop_per_j"] == pytest.approx(0.2)
    assert list(f.index) == ["fp32", "fp8"]  # book order, not alphabetical


def test_shape_table_penalties_by_hand():
    runs = pd.DataFrame(shape_rows(values={4096: (1.0, 1.0), 4097: (0.2, 0.3),
                                           5000: (0.8, 0.8), 5120: (1.0, 1.0)}))
    t = M.shape_table(M.summarize_repeats(runs)).set_index("hidden_size")
    assert t.loc[4097, "aligned_neighbour"] == 4096
    assert t.loc[5000, "aligned_neighbour"] == 5120
    assert t.loc[4096, "aligned_neighbour"] == 4096 and t.loc[4096, "penalty_pct"] == 0
    # mean 0.25 TFLOP/J against 1.0: four times the energy per FLOP, +300%.
    assert t.loc[4097, "penalty_pct"] == pytest.approx(300.0)
    assert t.loc[4097, "energy_ratio"] == pytest.approx(4.0)
    assert t.loc[4097, "penalty_pct_low"] == pytest.approx(100.0 * (1 / 0.3 - 1))
    assert t.loc[4097, "penalty_pct_high"] == pytest.approx(400.0)
    assert t.loc[5000, "penalty_pct"] == pytest.approx(25.0)
    assert t.loc[4097, "power_of_two_factor"] == 1
    assert not t.loc[4097, "aligned"] and t.loc[5120, "aligned"]


def test_worst_shape():
    shapes = M.shape_table(M.summarize_repeats(pd.DataFrame(shape_rows())))
    worst = M.worst_shape(shapes, "h100-20260101T000000Z")
    assert worst["hidden_size"] == 4097 and worst["penalty_pct"] == pytest.approx(300.0)
    with pytest.raises(ValueError):
        M.worst_shape(shapes[shapes["aligned"]], "h100-20260101T000000Z")


def test_copy_table_by_hand():
    runs = pd.DataFrame([row(config="copy-4096mib", kind="memory", dtype="uint8",
                             tflop_per_j=None, pj_per_byte=150.0, bandwidth_gb_per_s=3000.0,
                             clock_event_reasons="0x0")])
    c = M.copy_table(M.summarize_repeats(runs), accelerators(bw_tbps=4.0)).iloc[0]
    assert c["pj_per_byte"] == pytest.approx(150.0)
    assert c["datasheet_bandwidth_gb_per_s"] == pytest.approx(4000.0)
    assert c["bandwidth_share_pct"] == pytest.approx(75.0)


def test_power_table_flags_the_software_power_cap():
    runs = pd.DataFrame([
        row(clock_event_reasons="0x4"),
        row(config="idle", kind="idle", dtype="none", tflop_per_j=None, avg_power_w=100.0,
            clock_event_reasons="0x0"),
        row(config="square-fp32-8192", dtype="fp32", clock_event_reasons="0x1"),
    ])
    p = M.power_table(M.summarize_repeats(runs), accelerators(board=700.0)).set_index("config")
    assert p.loc["square-bf16-8192", "power_capped"]
    assert not p.loc["idle", "power_capped"] and not p.loc["square-fp32-8192", "power_capped"]
    assert (p["board_power_w"] == 700.0).all()


def test_worked_example_in_mwh_by_hand():
    shapes = M.shape_table(M.summarize_repeats(pd.DataFrame(shape_rows())))
    ex = M.worked_example(shapes, "h100-20260101T000000Z", 4097, 4096, 1e9, 2)
    flop = 2 * 72 * 1e9 * 4097**2
    assert ex["flop"] == pytest.approx(flop)
    # 0.25 TFLOP/J: flop / 0.25e12 J, and 1 MWh = 3.6e9 J.
    assert ex["energy_mwh"] == pytest.approx(flop / 0.25e12 / 3.6e9)
    assert ex["energy_mwh_at_aligned_efficiency"] == pytest.approx(flop / 1e12 / 3.6e9)
    assert ex["extra_energy_mwh"] == pytest.approx(ex["energy_mwh"] * 0.75)
    assert ex["penalty"] == pytest.approx(3.0)
    assert ex["params_billion"] == pytest.approx(2 * 12 * 4097**2 / 1e9)
    with pytest.raises(ValueError):
        M.worked_example(shapes, "h100-20260101T000000Z", 4095, 4096, 1e9, 2)


def test_sci_label():
    assert page.sci_label(3.8673e22) == "3.87 \u00d7 10\u00b2\u00b2"
    assert page.sci_label(1e12, 0) == "1 \u00d7 10\u00b9\u00b2"
    assert page.sci_label(2.5e-3, 1) == "2.5 \u00d7 10\u207b\u00b3"


def test_other_gpu():
    assert M.other_gpu("H100") == "H200" and M.other_gpu("H200") == "H100"
    with pytest.raises(ValueError):
        M.other_gpu("A100")


# --- properties --------------------------------------------------------------------------------


@given(st.floats(0.05, 5.0), st.floats(0.05, 5.0), st.floats(0.1, 10.0))
def test_shape_penalty_is_scale_free(misaligned, aligned, c):
    def penalty(scale):
        rows = shape_rows(values={4096: (aligned * scale,) * 2,
                                  4097: (misaligned * scale,) * 2})
        t = M.shape_table(M.summarize_repeats(pd.DataFrame(rows))).set_index("hidden_size")
        return t.loc[4097, "penalty_pct"]

    assert penalty(c) == pytest.approx(penalty(1.0), rel=1e-9, abs=1e-9)


@given(st.floats(0.01, 3.0), st.floats(0.01, 3.0))
def test_spread_brackets_the_mean(a, b):
    runs = pd.DataFrame([row(tflop_per_j=a), row(repeat=2, tflop_per_j=b)])
    s = M.summarize_repeats(runs).iloc[0]
    assert s["tflop_per_j_min"] <= s["tflop_per_j"] * (1 + 1e-12)
    assert s["tflop_per_j"] <= s["tflop_per_j_max"] * (1 + 1e-12)


@given(st.floats(0.1, 3.0), st.floats(1.0, 10.0))
def test_share_is_linear_in_the_measurement(measured_value, c):
    def share(v):
        runs = pd.DataFrame([row(tflop_per_j=v)])
        return M.format_table(M.summarize_repeats(runs), accelerators()).iloc[0]["share_pct"]

    assert share(measured_value * c) == pytest.approx(c * share(measured_value))


# --- the committed measurements and the declaration ---------------------------------------


@pytest.fixture(scope="module")
def committed():
    return data.load_tables(page.TABLES)


def test_declared_choices_are_what_the_harness_measures(committed):
    runs = committed["gpu_runs"]
    assert set(S.HIDDEN_SIZES) | set(S.ALIGNED_SIZES) == set(measure.HIDDEN_SIZES)
    assert all(h % ge.ALIGN_MULTIPLE for h in S.HIDDEN_SIZES)
    assert all(h % ge.ALIGN_MULTIPLE == 0 for h in S.ALIGNED_SIZES)
    assert set(S.FORMATS) == set(M.FORMAT_COLUMNS)
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
    from energybook.params import ParameterError

    with pytest.raises(ParameterError) as e:
        spec.validate({}, tables={"gpu_runs": fewer})
    msg = "\n".join(e.value.problems)
    assert "hidden_size 4097 was not measured" in msg and "allowed: 4095, 4096" in msg
    with pytest.raises(ParameterError, match="number_format fp8 was not measured"):
        spec.validate({"number_format": "fp8", "hidden_size": 4095},
                      tables={"gpu_runs": fewer})
    spec.validate({"hidden_size": 4095}, tables={"gpu_runs": fewer})


def test_headlines_at_defaults_are_the_declared_ones_and_finite(committed):
    spec = chapters.get("measured")
    ev = page.evaluate(Params(), committed)
    r = page.headlines(ev)
    assert list(r) == [h.name for h in spec.headlines]
    assert all(math.isfinite(v) for v in r.values())
    assert r["tflop_per_j"] == pytest.approx(r["datasheet_tflop_per_j"]
                                             * r["datasheet_share_pct"] / 100)
    assert r["example_penalty_pct"] == pytest.approx(
        100 * r["example_extra_energy_mwh"]
        / (r["example_energy_mwh"] - r["example_extra_energy_mwh"]))


def test_numbers_texts_and_captions_are_finite_for_every_gpu(committed):
    for gpu in S.GPUS:
        ev = page.evaluate(Params(gpu=gpu), committed)
        values = page.numbers(ev)
        assert all(isinstance(v, float) and math.isfinite(v) for v in values.values())
        for h in S.HIDDEN_SIZES + S.ALIGNED_SIZES:
            assert f"penalty_pct_h{h}" in values
        assert set(ev.power["gpu"]) == {gpu}
        for text in page.captions(ev).values():
            assert not re.search(r"\bnan\b", text)
        assert list(page.table_provenance(ev)["Run"]) == sorted(ev.run_ids.values())


def test_aligned_sizes_never_pay_a_penalty_against_themselves(committed):
    shapes = M.shape_table(M.summarize_repeats(committed["gpu_runs"]))
    aligned = shapes[shapes["aligned"]]
    assert (aligned["aligned_neighbour"] == aligned["hidden_size"]).all()
    assert (aligned["penalty_pct"] == 0).all()
    assert (shapes["aligned_neighbour"] % 64 == 0).all()


def test_run_setup_values_from_metadata():
    cfgs = [{"kind": "number_format", "m": 8192, "n": 8192, "k": 8192},
            {"kind": "number_format", "m": 8192, "n": 8192, "k": 8192},
            {"kind": "model_shape", "tokens": 16384, "hidden_size": 4096},
            {"kind": "model_shape", "tokens": 16384, "hidden_size": 4097},
            {"kind": "memory", "bytes_per_iteration": 2 * 2**30},
            {"kind": "idle"}]
    meta = [{"run_id": "r", "configs": cfgs,
             "settings": {"window_s": 2.5, "sample_period_s": 0.05, "repeats": 2}}]
    v = M.run_setup_values(meta, "r")
    assert v == {"gemm_size": 8192.0, "shape_tokens": 16384.0, "n_hidden_sizes": 2.0,
                 "copy_gib": 1.0, "window_s": 2.5, "sample_ms": pytest.approx(50.0),
                 "repeats": 2.0}
    cfgs[1] = {"kind": "number_format", "m": 4096, "n": 4096, "k": 4096}
    with pytest.raises(ValueError):
        M.run_setup_values(meta, "r")


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
