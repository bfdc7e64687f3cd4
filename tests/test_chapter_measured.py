"""Execution test of the measured chapter: the other GPU and another hidden size move the
headline numbers as the measurements say they should."""

from __future__ import annotations

import pytest

from energybook import pipeline, specs


@pytest.mark.slow
def test_rerun_on_the_h200_and_with_another_hidden_size(tmp_path):
    spec = specs.get("measured")
    base = pipeline.execute_notebook(
        "measured", spec.params.validate({}), tmp_path / "default" / "measured.ipynb")
    h200 = pipeline.execute_notebook(
        "measured", spec.params.validate({"gpu": "H200", "hidden_size": 4100}),
        tmp_path / "h200" / "measured.ipynb")
    v = {k: x["value"] for k, x in base.items()}
    w = {k: x["value"] for k, x in h200.items()}
    # The H200's faster memory moves each byte of the copy for less energy.
    assert w["copy_pj_per_byte"] < v["copy_pj_per_byte"]
    # Same compute die, same 700 W board: BF16 efficiency and board power barely move.
    assert w["tflop_per_j"] == pytest.approx(v["tflop_per_j"], rel=0.05)
    assert w["board_power_w"] == v["board_power_w"]
    # h = 4097 is the worst shape on both cards; on the H200 its penalty is smaller.
    assert v["worst_hidden_size"] == w["worst_hidden_size"] == 4097
    assert w["worst_penalty_pct"] < v["worst_penalty_pct"]
    # h = 4100 (a multiple of 4) costs less than h = 4097 (odd) but still far more than 4096.
    assert 100 < w["example_penalty_pct"] < v["example_penalty_pct"]
    assert w["example_extra_energy_mwh"] < v["example_extra_energy_mwh"]
    # With the default parameters the worked example's penalty is the worst shape's.
    assert v["example_penalty_pct"] == pytest.approx(v["worst_penalty_pct"])
