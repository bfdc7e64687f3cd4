"""The GPU harness's logic that runs without a GPU (and without torch)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
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
        assert (c.m, c.n, c.k, c.tokens, c.dtype) == (16384, 4 * c.hidden_size, c.hidden_size,
                                                      16384, "bf16")
        assert c.flop_per_iteration == 2 * 16384 * 4 * c.hidden_size**2
    (copy,) = [c for c in configs if c.kind == "memory"]
    assert copy.bytes_per_iteration == 2 * 4 * 2**30  # read + write of 4 GiB
    assert copy.flop_per_iteration == 0


def test_full_sweep_fits_the_time_budget():
    configs = measure.build_configs()
    plan = measure.planned_duration_s(configs, window_s=measure.DEFAULT_WINDOW_S,
                                      warmup_s=measure.DEFAULT_WARMUP_S,
                                      repeats=measure.DEFAULT_REPEATS)
    # by hand: 20 s start-up + 18 x 1.5 s setup + 17 x 1 s warm-up + 36 x 2.65 s windows
    assert plan == pytest.approx(20 + 18 * 1.5 + 17 * 1.0 + 36 * 2.65)
    assert plan < 240  # well under the 5 minutes the issue allows
    assert measure.DEFAULT_MAX_TOTAL_S < 300
    assert measure.DEFAULT_WINDOW_S >= 2.0 > ge.MIN_WINDOW_S


def test_quick_sweep_is_small_and_valid():
    configs = measure.build_configs(quick=True)
    plan = measure.planned_duration_s(configs, window_s=measure.QUICK_WINDOW_S,
                                      warmup_s=measure.QUICK_WARMUP_S,
                                      repeats=measure.QUICK_REPEATS)
    assert plan < 60
    assert measure.QUICK_WINDOW_S >= ge.MIN_WINDOW_S
    assert {c.kind for c in configs} == set(measure.KINDS)


def test_parse_args_defaults_and_quick():
    a = measure.parse_args([])
    assert (a.out, a.quick, a.window_s, a.warmup_s, a.repeats) == (
        Path("data/measured"), False, 2.5, 1.0, 2)
    q = measure.parse_args(["--quick", "--out", "x"])
    assert (q.out, q.window_s, q.repeats) == (Path("x"), measure.QUICK_WINDOW_S, 1)
    w = measure.parse_args(["--window-s", "3", "--repeats", "3"])
    assert (w.window_s, w.repeats) == (3.0, 3)


@pytest.mark.parametrize("bad", [["--window-s", "0.5"], ["--repeats", "0"],
                                 ["--warmup-s", "-1"], ["--bogus"]])
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
    assert "mlp-up-bf16-h4097" in out and "planned about" in out


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
        "gpu_idle", "sw_thermal_slowdown", "other_0x1000"]


def _row(config, repeat=1, **kw):
    return {"run_id": "h100-20261117T101500Z", "mode": "full", "config": config,
            "kind": "idle", "dtype": "none", "repeat": repeat, "status": "ok",
            "duration_s": 2.5, "energy_j": 175.0, "avg_power_w": 70.0,
            "timestamp_utc": "2026-11-17T10:15:00Z", "gpu_name": "NVIDIA H100 80GB HBM3",
            "driver_version": "580.159.04", "source_publisher": measure.PUBLISHER,
            "source_title": "GPU energy run h100-20261117T101500Z on NVIDIA H100 80GB HBM3",
            "source_year": 2026, "source_url": "data/measured/h100-20261117T101500Z.json",
            "tier": "measured", "checked": "primary", **kw}


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
    summary = ge.summarize(energy_before_mj=0, energy_after_mj=1_750_000, duration_s=2.5,
                           iterations=1000, flop_per_iteration=ge.gemm_flop(8192, 8192, 8192),
                           power_limit_w=700)
    row = _row("square-bf16-8192", **summary) | {"kind": "number_format", "dtype": "bf16",
                                                 "m": 8192, "n": 8192, "k": 8192,
                                                 "energy_method": "nvml_energy_counter",
                                                 "clock_event_reasons": "0x4",
                                                 "rel_error": 1.7e-3, "sm_clock_mhz": 1755.0}
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
