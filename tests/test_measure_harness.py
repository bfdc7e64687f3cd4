"""The GPU harness's logic that runs without a GPU (and without torch)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import sys
import time
from pathlib import Path

import pytest

from energybook import gpu_energy as ge
from energybook import measure

DATA = Path(__file__).resolve().parents[1] / "data"


def test_full_sweep_covers_the_issue():
    configs = measure.build_configs()
    names = [c.name for c in configs]
    assert len(names) == len(set(names))
    kinds = {c.kind for c in configs}
    assert kinds == set(measure.KINDS)
    fmts = {c.dtype for c in configs if c.kind == "number_format"}
    assert fmts == {"fp32", "tf32", "bf16", "fp16", "fp8_e4m3"}
    assert all(c.m == c.n == c.k == 8192 for c in configs if c.kind == "number_format")
    shapes = [c for c in configs if c.kind == "model_shape"]
    assert [c.hidden_size for c in shapes] == list(measure.HIDDEN_SIZES)
    for c in shapes:
        assert (c.m, c.n, c.k, c.tokens, c.dtype) == (
            16384,
            4 * c.hidden_size,
            c.hidden_size,
            16384,
            "bf16",
        )
        assert c.flop_per_iteration == 2 * 16384 * 4 * c.hidden_size**2
    (copy,) = [c for c in configs if c.kind == "memory"]
    assert copy.bytes_per_iteration == 2 * 4 * 2**30  # read + write of 4 GiB
    assert copy.flop_per_iteration == 0
    # the idle card cold, before any load, and warm, after all of it
    assert [c.name for c in configs if c.kind == "idle"] == ["idle", "idle-poll-50ms", "idle-warm"]
    assert [c.energy_poll_s for c in configs if c.kind == "idle"] == [None, 0.05, None]
    assert names[0] == "idle" and names[-1] == "idle-warm"
    # FP8 with both accumulation modes
    fp8 = [c for c in configs if c.dtype == "fp8_e4m3"]
    assert sorted(c.fast_accum for c in fp8) == [False, True]


def test_full_sweep_plan_by_hand():
    configs = measure.build_configs()
    plan = measure.planned_duration_s(
        configs,
        window_s=measure.DEFAULT_WINDOW_S,
        settle_max_s=measure.DEFAULT_SETTLE_MAX_S,
        repeats=measure.DEFAULT_REPEATS,
        presoak_s=measure.DEFAULT_PRESOAK_S,
    )
    # by hand, every warm-up at its longest: 20 s start-up + 90 s pre-soak + 20 x 1.5 s
    # setup + 17 x 40 s warm-up + 3 idle waits of 60 s + 40 windows of 2.5 s plus three
    # counter steps (0.3 s) and 0.15 s overhead
    assert plan == pytest.approx(20 + 90 + 20 * 1.5 + 17 * 40.0 + 3 * 60.0 + 40 * 2.95)
    assert plan < measure.DEFAULT_MAX_TOTAL_S
    assert measure.DEFAULT_WINDOW_S >= 2.0 > ge.MIN_WINDOW_S
    # a warm-up must be able to span the settling criterion's slope window
    assert measure.DEFAULT_WARMUP_S >= measure.SETTLE_SPAN_S >= 20.0
    assert 60.0 <= measure.DEFAULT_PRESOAK_S <= 120.0


def test_the_loaded_configurations_run_in_a_seeded_shuffled_order():
    configs = measure.build_configs()
    a = measure.ordered_configs(configs, 0)
    assert a == measure.ordered_configs(configs, 0)  # the seed fixes it
    assert a[0].name == "idle" and a[1].name == "idle-poll-50ms" and a[-1].name == "idle-warm"
    assert sorted(c.name for c in a) == sorted(c.name for c in configs)
    loaded = [c.name for c in configs if c.kind != "idle"]
    assert [c.name for c in a[2:-1]] != loaded  # shuffled
    assert [c.name for c in measure.ordered_configs(configs, None)[2:-1]] == loaded


def test_quick_sweep_is_small_and_valid():
    configs = measure.build_configs(quick=True)
    plan = measure.planned_duration_s(
        configs,
        window_s=measure.QUICK_WINDOW_S,
        settle_max_s=measure.QUICK_SETTLE_MAX_S,
        repeats=measure.QUICK_REPEATS,
        presoak_s=measure.QUICK_PRESOAK_S,
        idle_max_s=measure.QUICK_IDLE_MAX_S,
    )
    assert plan < 60
    assert measure.QUICK_WINDOW_S >= ge.MIN_WINDOW_S
    assert {c.kind for c in configs} == set(measure.KINDS)


def test_parse_args_defaults_and_quick():
    a = measure.parse_args([])
    assert (a.out, a.quick, a.window_s, a.warmup_s, a.settle_max_s, a.repeats) == (
        Path("data/measured"),
        False,
        2.5,
        20.0,
        40.0,
        2,
    )
    assert (a.presoak_s, a.order_seed) == (90.0, 0)
    q = measure.parse_args(["--quick", "--out", "x"])
    assert (q.out, q.window_s, q.repeats) == (Path("x"), measure.QUICK_WINDOW_S, 1)
    w = measure.parse_args(["--window-s", "3", "--repeats", "3"])
    assert (w.window_s, w.repeats) == (3.0, 3)


@pytest.mark.parametrize(
    "bad",
    [
        ["--window-s", "0.5"],
        ["--repeats", "0"],
        ["--warmup-s", "-1"],
        ["--bogus"],
        ["--warmup-s", "5", "--settle-max-s", "3"],
    ],
)
def test_parse_args_rejects(bad, capsys):
    with pytest.raises(SystemExit) as e:
        measure.parse_args(bad)
    assert e.value.code == 2


def test_select_configs():
    configs = measure.build_configs()
    assert measure.select_configs(configs, "") == configs
    picked = measure.select_configs(configs, "idle, copy-4096mib")
    assert [c.name for c in picked] == ["idle", "copy-4096mib"]
    with pytest.raises(measure.HarnessError, match="unknown"):
        measure.select_configs(configs, "nope")


def test_list_runs_without_torch(capsys):
    assert measure.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert "mlp-up-bf16-h4097" in out and "planned at most about" in out


def test_gpu_short_name_and_run_id():
    assert measure.gpu_short_name("NVIDIA H100 80GB HBM3") == "h100"
    assert measure.gpu_short_name("NVIDIA H200") == "h200"
    assert measure.gpu_short_name("NVIDIA GeForce RTX 4090") == "geforce-rtx-4090"
    assert measure.gpu_short_name("") == "gpu"
    when = dt.datetime(2026, 11, 17, 10, 15, 0, tzinfo=dt.UTC)
    assert measure.make_run_id("NVIDIA H100 80GB HBM3", when) == "h100-20261117T101500Z"


def test_decode_clock_event_reasons():
    assert ge.decode_clock_event_reasons(0) == []
    assert ge.decode_clock_event_reasons(0x4) == ["sw_power_cap"]
    assert ge.decode_clock_event_reasons(0x1 | 0x20 | 0x1000) == [
        "gpu_idle",
        "sw_thermal_slowdown",
        "other_0x1000",
    ]


def _row(config, repeat=1, **kw):
    return {
        "run_id": "h100-20261117T101500Z",
        "mode": "full",
        "config": config,
        "kind": "idle",
        "dtype": "none",
        "repeat": repeat,
        "status": "ok",
        "duration_s": 2.5,
        "energy_j": 175.0,
        "avg_power_w": 70.0,
        "timestamp_utc": "2026-11-17T10:15:00Z",
        "gpu_name": "NVIDIA H100 80GB HBM3",
        "driver_version": "580.159.04",
        "source_publisher": measure.PUBLISHER,
        "source_title": "GPU energy run h100-20261117T101500Z on NVIDIA H100 80GB HBM3",
        "source_year": 2026,
        "source_url": "data/measured/h100-20261117T101500Z.json",
        "tier": "measured",
        "checked": "primary",
        **kw,
    }


def test_csv_appends_with_one_header(tmp_path):
    path = tmp_path / "measured" / "gpu_runs.csv"
    measure.append_rows(path, [_row("idle", 1), _row("idle", 2)])
    measure.append_rows(path, [_row("copy", 1, error="line one\nline two", note="a, b")])
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(measure.CSV_FIELDS)
    assert sum(r == list(measure.CSV_FIELDS) for r in rows) == 1
    assert len(rows) == 4
    last = dict(zip(measure.CSV_FIELDS, rows[-1], strict=True))
    assert last["error"] == "line one line two" and last["note"] == "a, b"
    assert last["m"] == "" and last["energy_j"] == "175"


def test_csv_refuses_a_foreign_header(tmp_path):
    path = tmp_path / "gpu_runs.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(measure.HarnessError, match="header"):
        measure.append_rows(path, [_row("idle")])


def test_csv_repairs_a_missing_final_newline(tmp_path):
    path = tmp_path / "gpu_runs.csv"
    measure.append_rows(path, [_row("idle")])
    path.write_text(path.read_text().rstrip("\n"))
    measure.append_rows(path, [_row("idle", 2)])
    assert len(path.read_text().splitlines()) == 3


def test_fmt():
    assert measure._fmt(None) == "" and measure._fmt(True) == "true"
    assert measure._fmt(3) == "3" and measure._fmt(float("nan")) == ""
    assert measure._fmt(1.0995116e15) == "1.099512e+15"


def test_schema_matches_the_harness_and_validates_its_rows(tmp_path):
    """The datapackage resource lists exactly the harness's columns, and accepts its rows."""
    from energybook import data

    pkg = json.loads((DATA / "datapackage.json").read_text())
    (res,) = [r for r in pkg["resources"] if r["name"] == "gpu_runs"]
    assert res["path"] == "measured/gpu_runs.csv" and res.get("optional") is True
    assert tuple(f["name"] for f in res["schema"]["fields"]) == measure.CSV_FIELDS
    summary = ge.summarize(
        energy_before_mj=0,
        energy_after_mj=1_750_000,
        duration_s=2.5,
        iterations=1000,
        flop_per_iteration=ge.gemm_flop(8192, 8192, 8192),
        power_limit_w=700,
    )
    row = _row("square-bf16-8192", **summary) | {
        "kind": "number_format",
        "dtype": "bf16",
        "m": 8192,
        "n": 8192,
        "k": 8192,
        "energy_method": measure.ALIGNED_METHOD,
        "clock_event_reasons": "0x4",
        "rel_error": 1.7e-3,
        "sm_clock_mhz": 1755.0,
    }
    path = tmp_path / "gpu_runs.csv"
    measure.append_rows(path, [_row("idle"), row])
    rows = data.validate_rows(res, path)
    assert rows[1]["tflop_per_j"] == pytest.approx(summary["tflop_per_j"], rel=1e-6)
    assert rows[1]["m"] == 8192


def test_main_without_torch_fails_clearly(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    assert measure.main(["--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "PyTorch" in err
    assert not (tmp_path / "out").exists()  # nothing written


# --- the measurement loop against a simulated card ------------------------------------------


class FakeGpu:
    """A card for the harness's loop: its energy counter advances every 100 ms by the energy
    of the last 100 ms at ``power_w`` (in real time, from ``time.perf_counter``), like the
    H100's and H200's; its clocks and temperature follow ``temperature``."""

    def __init__(
        self,
        power_w=700.0,
        phase_s=0.0,
        clock_reasons=ge.SW_POWER_CAP,
        temperature=lambda t: 60.0,
        moving=True,
    ):
        self.power_w_value, self.phase_s, self.reasons = power_w, phase_s, clock_reasons
        self.temperature, self.moving = temperature, moving
        self.t0 = time.perf_counter()
        self.energy_supported = True
        self.power_limit_w = 700.0

    def _try(self, fn, default=None):
        try:
            return fn()
        except Exception:
            return default

    def energy_mj(self) -> int:
        if not self.moving:
            return 5
        t = time.perf_counter() - self.t0 - self.phase_s
        return 10**9 + round(math.floor(t / 0.1) * self.power_w_value * 100)

    def power_w(self):
        return self.power_w_value

    def sm_clock_mhz(self):
        return 1400.0

    def mem_clock_mhz(self):
        return 2619.0

    def temperature_c(self):
        return self.temperature(time.perf_counter() - self.t0)

    def clock_event_reasons(self):
        return self.reasons

    def sync(self):
        pass


def _work():
    time.sleep(0.002)


BF16 = measure.Config("square-bf16-256", "number_format", "bf16", 256, 256, 256)


@pytest.mark.parametrize("phase", [0.0, 0.033, 0.071])
def test_a_window_is_measured_between_counter_steps(phase):
    """Whatever the phase of the counter's steps, the window's power is the card's to well
    under the 4% one step is worth in a 2.5 s window (here 8% of a 1.2 s one)."""
    gpu = FakeGpu(power_w=690.0, phase_s=phase)
    (row,) = measure.measure_windows(gpu, BF16, _work, 5, window_s=1.2, repeats=1, note="")
    assert row["status"] == "ok", row["error"]
    assert row["energy_method"] == measure.ALIGNED_METHOD
    # off by no more than the timing of its two steps (half a poll gap each), which the
    # row reports; on a busy machine the gaps grow, but stay far below a step
    bound = row["timing_error_s"] / row["counter_span_s"]
    assert abs(row["avg_power_w"] / 690.0 - 1) <= bound + 1e-3
    assert bound < 0.02
    assert row["energy_j"] == pytest.approx(row["avg_power_w"] * row["duration_s"])
    assert row["counter_updates"] >= 10 and row["update_period_s"] == pytest.approx(0.1, rel=0.05)
    assert row["duration_s"] >= 1.2 + measure.WINDOW_MARGIN_S


@pytest.mark.parametrize("phase", [0.0, 0.05, 0.099])
def test_a_window_asked_for_at_the_minimum_is_long_enough(phase):
    """A window of exactly the shortest allowed length is still at least that long between
    its first and last counter updates, whatever their phase: the work runs a period more
    than the two the trimming can take."""
    gpu = FakeGpu(power_w=690.0, phase_s=phase)
    (row,) = measure.measure_windows(
        gpu, BF16, _work, 5, window_s=ge.MIN_WINDOW_S, repeats=1, note=""
    )
    assert row["status"] == "ok", row["error"]
    assert row["counter_span_s"] >= ge.MIN_WINDOW_S


def test_a_capped_window_above_the_ceiling_is_rejected():
    # Windows of 1.2 s: a window is trimmed to whole counter updates, so one asked for at
    # exactly the 1 s minimum can come out at 0.998 s and be refused for its length.
    gpu = FakeGpu(power_w=740.0)  # 1.06 x the 700 W limit with the power cap's bit set
    (row,) = measure.measure_windows(gpu, BF16, _work, 5, window_s=1.2, repeats=1, note="")
    assert row["status"] == "rejected" and "power cap" in row["error"]
    uncapped = FakeGpu(power_w=740.0, clock_reasons=0)
    (row,) = measure.measure_windows(uncapped, BF16, _work, 5, window_s=1.2, repeats=1, note="")
    assert row["status"] == "ok"


def test_a_counter_that_never_steps_rejects_the_window():
    gpu = FakeGpu(moving=False)
    (row,) = measure.measure_windows(gpu, BF16, _work, 5, window_s=1.2, repeats=1, note="")
    assert row["status"] == "rejected" and "did not move" in row["error"]


def test_warm_up_runs_until_temperature_settles(monkeypatch):
    """With the slope span shrunk to fit a test (the real one is 20 s), a card that flattens
    settles and one still ramping runs to its limit."""
    monkeypatch.setattr(measure, "SETTLE_SPAN_S", 0.25)
    monkeypatch.setattr(measure, "SETTLE_TEMPERATURE_C_PER_S", 1.0)
    gpu = FakeGpu(temperature=lambda t: 30.0 + 30.0 * (1 - math.exp(-t / 0.2)))
    warm = measure._warm_up(gpu, _work, 5, min_s=0.1, max_s=10.0)
    assert warm["settled"] and warm["warmup_s"] < 5.0
    assert warm["temperature_c"] > 59.0 > warm["first_temperature_c"]
    ramp = FakeGpu(temperature=lambda t: 30.0 + 20.0 * t)  # never settles: stops at max_s
    warm = measure._warm_up(ramp, _work, 5, min_s=0.1, max_s=0.8)
    assert not warm["settled"] and 0.8 <= warm["warmup_s"] < 1.5


def _busy_work():
    """Pure-Python work holding the interpreter lock, as a thread launching kernels does."""
    x = 0
    for i in range(20000):
        x += i * i
    return x


def test_the_counter_is_polled_every_few_milliseconds_while_python_works():
    """The polling thread shares the interpreter lock with the thread that launches kernels;
    with the switch interval lowered during the window the median gap between counter
    readings stays near the 2 ms poll (at Python's default 5 ms it could not), and the
    interval is restored afterwards."""
    before = sys.getswitchinterval()
    gpu = FakeGpu(power_w=690.0)
    rows = measure.measure_windows(gpu, BF16, _busy_work, 20, window_s=1.2, repeats=3, note="")
    assert all(r["status"] == "ok" for r in rows), [r["error"] for r in rows]
    # the best of three windows, so that a load spike on a shared test machine does not
    # decide it (at the default interval every window's median gap is 12-17 ms here)
    assert min(r["poll_gap_s"] for r in rows) <= 0.003
    assert sys.getswitchinterval() == before


def test_idle_waits_until_its_power_settles():
    """An idle card just after a load: its counter power falls towards the floor; the wait
    ends once two 2-second spans agree, not before 10 s (scaled down here)."""
    gpu = FakeGpu(power_w=115.0)
    out = measure._settle_idle(gpu, min_s=0.0, max_s=0.6)
    assert 0.5 <= out["wait_s"] < 2.0 and out["settled"] is False  # too short for two spans


def test_kernel_names_without_a_profiler_is_empty(monkeypatch):
    """The profiler is a record, not a requirement: a torch without it gives []."""
    import builtins

    real = builtins.__import__

    def no_profiler(name, *a, **k):
        if name.startswith("torch"):
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_profiler)
    assert measure.kernel_names(None, lambda: None) == []
