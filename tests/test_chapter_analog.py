"""Execute the analog chapter: with defaults, and with a worse ADC, the headlines move as the
model says they should."""

from __future__ import annotations

import math

import pytest

from energybook import chapters, pipeline


@pytest.mark.slow
def test_chapter_reruns_with_worse_adc(tmp_path):
    spec = chapters.get("analog")
    base_params = spec.params.validate({})
    worse_params = spec.params.validate({"adc_walden_fj": 320.0})
    base = pipeline.execute_notebook("analog", base_params, tmp_path / "base" / "analog.ipynb")
    worse = pipeline.execute_notebook("analog", worse_params, tmp_path / "worse" / "analog.ipynb")
    b = {k: v["value"] for k, v in base.items()}
    w = {k: v["value"] for k, v in worse.items()}
    assert list(b) == [h.name for h in spec.headlines]
    assert all(math.isfinite(v) for v in (*b.values(), *w.values()))
    # a cheaper digital baseline can only make analog lose sooner (any correct model: the
    # weight-stationary MAC is the HBM one without its HBM term)
    assert b["crossover_weight_stationary_bits"] <= b["crossover_bits"]
    assert w["crossover_weight_stationary_bits"] <= w["crossover_bits"]
    assert b["accuracy_loss_pp"] > 0
    # a ten times worse converter: analog costs more, wins over fewer bits, saves less
    assert w["ratio_at_8_bits"] > b["ratio_at_8_bits"]
    assert w["crossover_bits"] < b["crossover_bits"]
    assert w["crossover_weight_stationary_bits"] < b["crossover_weight_stationary_bits"]
    assert w["least_energy_at_best_accuracy_fj"] > b["least_energy_at_best_accuracy_fj"]
    assert w["saving_2030_twh"] < b["saving_2030_twh"]
    # the converter does not change the network's accuracy
    assert w["accuracy_loss_pp"] == b["accuracy_loss_pp"]
    # the Monte Carlo's 90% interval: ordered, and unmoved by the modelled converter, since its
    # ratio prior spans the measured chips only (an invariance of a measured-only prior)
    assert b["saving_2030_p05_twh"] < b["saving_2030_p95_twh"]
    assert w["saving_2030_p05_twh"] == b["saving_2030_p05_twh"]
    assert w["saving_2030_p95_twh"] == b["saving_2030_p95_twh"]
