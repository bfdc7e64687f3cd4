"""Execution test of the scaling chapter: a re-run with another precision moves the trend."""

from __future__ import annotations

import pytest

from energybook import chapters, pipeline


@pytest.mark.slow
def test_rerun_with_other_precision_changes_fitted_doubling_time(tmp_path):
    spec = chapters.get("scaling")
    base = pipeline.execute_notebook(
        "scaling", spec.params.validate({}), tmp_path / "default" / "scaling.ipynb"
    )
    lowest = pipeline.execute_notebook(
        "scaling",
        spec.params.validate({"precision": "lowest"}),
        tmp_path / "lowest" / "scaling.ipynb",
    )
    dt = base["doubling_time_years"]["value"]
    dt_lowest = lowest["doubling_time_years"]["value"]
    # Counting each chip's narrowest format adds the format halvings to the trend, so the
    # doubling time shortens; it equals the lowest-precision headline of the default run.
    assert dt_lowest < dt
    assert dt_lowest == pytest.approx(base["lowest_precision_doubling_time_years"]["value"])
    assert base["doubling_time_low_years"]["value"] < dt < base["doubling_time_high_years"]["value"]
    # Parameters that the trend does not depend on leave these unchanged.
    for name in (
        "hopper_blackwell_throughput",
        "hopper_blackwell_power",
        "hopper_blackwell_transistors",
        "fp32_doubling_time_years",
    ):
        assert lowest[name]["value"] == pytest.approx(base[name]["value"])
    # A faster rate reaches the CMOS limit sooner, and the years bracket their interval.
    assert lowest["years_to_cmos_limit"]["value"] < base["years_to_cmos_limit"]["value"]
    for r in (base, lowest):
        assert (
            r["years_to_cmos_limit_low"]["value"]
            <= r["years_to_cmos_limit"]["value"]
            <= r["years_to_cmos_limit_high"]["value"]
        )


def test_cli_rejects_reversed_years_before_executing(cli, tmp_path):
    out = tmp_path / "run"
    r = cli("run", "scaling", "-p", "start_year", "2025", "-p", "end_year", "2016", "-o", str(out))
    assert r.returncode == 2, r.stderr
    assert "start_year (2025) must be before end_year (2016)" in r.stderr
    assert "Traceback" not in r.stderr and "Executing" not in r.stderr
    assert not out.exists()
