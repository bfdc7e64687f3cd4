"""The analog chapter's noise experiment (``model_noise``): the task, the hardware-aware
networks, the phase-change memory device model and the analog inference."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from energybook import data
from energybook.chapters.analog import model_noise as noise
from energybook.chapters.analog.params import Params
from tests.test_analog import ANCHORS


@pytest.fixture(scope="module")
def pcm():
    return noise.pcm_coefficients(data.load_table("pcm_noise_model"))


@pytest.fixture(scope="module")
def nets():
    return noise.train_networks([0, 1, 2], training_noise=0.04)


@pytest.fixture(scope="module")
def experiment(pcm):
    return noise.run_experiment(Params(n_seeds=2), ANCHORS, pcm)


# --------------------------------------------------------------------------- the task
def test_the_task_needs_a_non_linear_model(nets):
    """A noise-free network must clearly beat a linear model, or the experiment cannot tell
    how much accuracy analog noise costs a network."""
    linear = noise.float_accuracy(noise.train_networks([0, 1, 2], hidden=()))
    network = noise.float_accuracy(nets)
    assert network.mean() - linear.mean() > 0.2
    assert (network > linear + 0.1).all()
    # the linear baseline is a proper multinomial logistic regression: scikit-learn's agrees
    from sklearn.linear_model import LogisticRegression

    Xtr, ytr, Xte, yte = noise.make_task(0)
    ref = LogisticRegression(max_iter=2000).fit(Xtr, ytr).score(Xte, yte)
    assert linear[0] == pytest.approx(ref, abs=0.02)


def test_a_seed_trains_the_same_network_alone_or_with_others():
    together = noise.train_networks([4, 5], training_noise=0.04)
    alone = noise.train_networks([5], training_noise=0.04)
    for w2, w1 in zip(together.weights, alone.weights, strict=True):
        assert np.array_equal(w2[1], w1[0])
    again = noise.train_networks([4, 5], training_noise=0.04)
    assert all(np.array_equal(a, b) for a, b in zip(together.weights, again.weights, strict=True))
    with pytest.raises(ValueError):
        noise.train_networks([], training_noise=0.0)


# --------------------------------------------------------------------------- devices
def test_pcm_programming_noise_hand_worked(pcm):
    # sigma = (c0 + c1 g + c2 g^2) / 25 uS, as a share of the largest conductance
    assert float(noise.pcm_sigma_prog(0.0, pcm)) == pytest.approx(0.26348 / 25)
    assert float(noise.pcm_sigma_prog(1.0, pcm)) == pytest.approx((0.26348 + 1.9650 - 1.1731) / 25)


@given(g=st.floats(0.0, 1.0), t=st.floats(0.0, 3e7))
def test_ideal_devices_hold_their_target_exactly(g, t, pcm):
    z = np.ones(1)
    g_t, g_prog = noise.pcm_read(np.array([g]), z, z, z, pcm, t, scale=0.0)
    assert g_t[0] == g and g_prog[0] == g


@given(g=st.floats(0.01, 1.0), t1=st.floats(0.0, 1e6), dt=st.floats(1.0, 1e7))
@settings(max_examples=40)
def test_drift_only_lowers_conductance_and_more_with_time(g, t1, dt, pcm):
    zero = np.zeros(1)
    a, prog = noise.pcm_read(np.array([g]), zero, zero, zero, pcm, t1)
    b, _ = noise.pcm_read(np.array([g]), zero, zero, zero, pcm, t1 + dt)
    assert b[0] <= a[0] <= prog[0] == pytest.approx(g)
    at_zero, _ = noise.pcm_read(np.array([g]), zero, zero, zero, pcm, 0.0)
    assert at_zero[0] == pytest.approx(g)  # no time, no drift


def test_the_global_drift_correction_undoes_a_uniform_drift_exactly(nets, pcm):
    """Where every device drifts by the same factor (targets above ~0.2 of the largest
    conductance, where the mean drift exponent is clipped to one value, and no device spread
    or noise), the correction must restore the programmed weights exactly."""
    w = nets.weights[1][:1]
    w_max = np.abs(w).max()
    big = np.where(np.abs(w) >= 0.25 * w_max, w, np.sign(w + 1e-12) * 0.25 * w_max)
    zeros = {
        k: np.zeros((1, *big.shape))
        for k in ("prog_p", "nu_p", "read_p", "prog_m", "nu_m", "read_m")
    }
    for t in (3600.0, 3.15e7):
        got = noise.programmed_weights(big, 16.0, zeros, pcm, t, scale=1.0)[0]
        target = np.round(big / (2 * w_max / 2**16)) * (2 * w_max / 2**16)
        assert np.allclose(got, target, rtol=1e-6, atol=1e-9)  # single-precision weights


def test_effective_weight_precision_limits(nets, pcm):
    # ideal devices: the precision of the quantizer itself (12 bits)
    ideal = noise.effective_weight_bits(nets, pcm, t_s=3600.0, device_noise=0.0)
    assert ideal == pytest.approx(12.0, abs=0.3)
    # noisier devices, later reads: never more precise
    b = [
        noise.effective_weight_bits(nets, pcm, t_s=3600.0, device_noise=s) for s in (0.5, 1.0, 2.0)
    ]
    assert ideal > b[0] > b[1] > b[2]
    later = noise.effective_weight_bits(nets, pcm, t_s=3.15e7, device_noise=1.0)
    assert later < b[1]


# --------------------------------------------------------------------------- analog inference
def test_a_noise_free_analog_path_reproduces_the_float_network(nets, pcm):
    """The limit any correct implementation must reach: ideal devices, no thermal noise and
    16-bit converters give the floating-point network's accuracy (to a test point or two)."""
    acc = noise.analog_accuracy(nets, 16.0, 0.0, pcm, device_noise=0.0, repeats=1)
    n_test = nets.X_test.shape[1]
    assert np.abs(acc - noise.float_accuracy(nets)).max() <= 2.0 / n_test


def test_accuracy_falls_with_device_noise_and_with_fewer_bits(nets, pcm):
    by_noise = [
        noise.analog_accuracy(nets, 8.0, 1.0, pcm, device_noise=s).mean()
        for s in (0.0, 1.0, 3.0, 5.0)
    ]
    assert all(np.diff(by_noise) <= 0.003) and by_noise[-1] < by_noise[0] - 0.1
    by_bits = [noise.analog_accuracy(nets, b, 1.0, pcm).mean() for b in (8.0, 5.0, 3.0, 1.0)]
    assert all(np.diff(by_bits) <= 0.003) and by_bits[-1] < 0.4
    with pytest.raises(ValueError):
        noise.analog_accuracy(nets, 0.5, 1.0, pcm)


def test_the_experiment_is_seeded(nets, pcm):
    a = noise.accuracy_vs_bits(nets, [4.0, 8.0], 1.0, pcm, t_s=86400.0, device_noise=1.0)
    b = noise.accuracy_vs_bits(nets, [8.0, 4.0], 1.0, pcm, t_s=86400.0, device_noise=1.0)
    pd.testing.assert_frame_equal(
        a.sort_values(["bits", "seed"]).reset_index(drop=True),
        b.sort_values(["bits", "seed"]).reset_index(drop=True),
    )


def test_cheapest_within_hand_made():
    t = pd.DataFrame(
        {
            "bits": [1.0, 2.0, 3.0, 4.0],
            "accuracy_mean": [0.5, 0.8, 0.895, 0.9],
            "drop_pp": [40.0, 10.0, 0.5, 0.0],
        }
    )
    assert noise.cheapest_within(t, 0.9)["bits"] == 3.0
    assert noise.cheapest_within(t, 0.9, tolerance_pp=20.0)["bits"] == 2.0
    assert math.isnan(noise.cheapest_within(t, 0.95)["bits"])


def test_the_experiment_at_the_chapter_parameters(experiment):
    t, ideal = experiment.table, experiment.ideal
    assert list(t["bits"]) == list(ideal["bits"]) and (t["n_seeds"] == 2).all()
    assert np.all(np.diff(t["energy_per_mac_j"]) > 0)
    best = experiment.best
    assert 100 * (t["accuracy_mean"].max() - best["accuracy_mean"]) <= noise.TOLERANCE_PP
    cheaper = t[t["bits"] < best["bits"]]
    assert (100 * (t["accuracy_mean"].max() - cheaper["accuracy_mean"]) > noise.TOLERANCE_PP).all()
    # the devices cost accuracy that the converters alone do not
    assert ideal["accuracy_mean"].max() > t["accuracy_mean"].max()
    assert experiment.linear_accuracy < experiment.digital_accuracy
    assert math.isnan(experiment.iso["bits"]) or experiment.iso["drop_pp"] <= 1.0
    assert len(experiment.drift) == len(noise.DRIFT_TIMES_S)


def test_fixed_point_reaches_the_float_network_at_high_precision(nets):
    """The limit: 16-bit fixed point with exact sums is the floating-point network (to a test
    point or two); 1-bit fixed point is far worse."""
    n_test = nets.X_test.shape[1]
    assert (
        np.abs(noise.fixed_point_accuracy(nets, 16.0) - noise.float_accuracy(nets)).max()
        <= 2.0 / n_test
    )
    assert noise.fixed_point_accuracy(nets, 1.0).mean() < noise.float_accuracy(nets).mean() - 0.2
    with pytest.raises(ValueError):
        noise.fixed_point_accuracy(nets, 0.5)


def test_least_bits_reaching_hand_made():
    t = pd.DataFrame({"bits": [1.0, 2.0, 3.0], "accuracy_mean": [0.5, 0.9, 0.85]})
    assert noise.least_bits_reaching(t, 0.86) == 2.0
    assert noise.least_bits_reaching(t, 0.5) == 1.0
    assert math.isnan(noise.least_bits_reaching(t, 0.95))


def test_the_experiment_charges_the_networks_own_layers(experiment):
    """The experiment's energy is the MAC-weighted energy of its own layers, each in an array
    of its fan-in and fan-out, not the chapter's 256-row array: with fan-ins of 16 to 32 it
    costs more per MAC than that array."""
    from energybook.chapters.analog import model_mac as mac

    P = Params(n_seeds=2)
    t = experiment.table
    kw = {**mac.analog_kwargs(P), "noise_ratio": float(P.noise_level)}
    want = mac.network_mac_energy_j(t["bits"].to_numpy(float), experiment.layers, ANCHORS, **kw)
    assert np.allclose(t["energy_per_mac_j"], want)
    assert experiment.layers[0][0] == noise.TASK["n_features"]
    big = mac.analog_mac_energy_j(t["bits"].to_numpy(float), ANCHORS, **kw)
    assert np.all(t["energy_per_mac_j"].to_numpy() > big)
