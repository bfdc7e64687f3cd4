"""The analog chapter's noise experiment (``model_noise``)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from energybook.chapters.analog import model_mac as mac
from energybook.chapters.analog import model_noise as noise
from energybook.chapters.analog.params import Params
from tests.test_analog import ANCHORS


@pytest.fixture(scope="module")
def models():
    X, y = noise.digits_task()
    return [noise.train_digits_mlp(X, y, seed=s, hidden_units=16) for s in range(3)]


def test_float_model_is_good_and_the_noise_free_analog_path_matches_it(models):
    for m in models:
        assert m["digital_accuracy"] > 0.9
        acc = noise.analog_accuracy(m, 16, 0.0, np.random.default_rng(0))
        assert acc[0] == pytest.approx(m["digital_accuracy"], abs=0.005)


def test_accuracy_does_not_improve_as_noise_grows_or_bits_fall(models):
    noise_levels = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    r = noise.noise_experiment(models, [5.0], noise_levels, repeats=4)
    mean = r.groupby("noise_ratio")["accuracy"].mean().reindex(noise_levels).to_numpy()
    assert np.all(np.diff(mean) <= 0.003) and mean[-1] < mean[0] - 0.2
    bits = [8.0, 6.0, 4.0, 3.0, 2.0, 1.0]
    r = noise.noise_experiment(models, bits, [1.0], repeats=4)
    mean = r.groupby("bits")["accuracy"].mean().reindex(bits).to_numpy()
    assert np.all(np.diff(mean) <= 0.003) and mean[-1] < 0.5


def test_least_energy_is_the_cheapest_precision_within_tolerance(models):
    t = noise.accuracy_vs_energy(ANCHORS, models, bits_grid=range(1, 11))
    assert len(t) == 10 and (t["n_seeds"] == 3).all()
    assert np.all(np.diff(t["energy_per_mac_j"]) > 0)
    best = noise.least_energy_within(t, 1.0)
    assert best["drop_pp"] <= 1.0
    assert (t.loc[t["energy_per_mac_j"] < best["energy_per_mac_j"], "drop_pp"] > 1.0).all()
    assert math.isnan(noise.least_energy_within(t.assign(drop_pp=5.0), 1.0)["bits"])
    fallback = noise.least_energy(t.assign(drop_pp=5.0))
    assert fallback["bits"] == t["bits"].max()


def test_accuracy_table_is_reproducible_and_extends_under_heavy_noise(models):
    X, y = noise.digits_task()
    P = Params(n_seeds=2)
    t1 = noise.accuracy_table(P, ANCHORS, X, y, models=models[:2], repeats=2)
    t2 = noise.accuracy_table(P, ANCHORS, X, y, models=models[:2], repeats=2)
    pd.testing.assert_frame_equal(t1, t2)
    heavy = noise.accuracy_table(Params(noise_level=100.0), ANCHORS, X, y, models=models[:1],
                                 repeats=1)
    assert heavy["bits"].max() == 16
    assert np.allclose(heavy["energy_per_mac_fj"] * 1e-15, mac.analog_mac_energy_j(
        heavy["bits"].to_numpy(float), ANCHORS, noise_ratio=100.0, **mac.analog_kwargs(
            Params(noise_level=100.0))))
