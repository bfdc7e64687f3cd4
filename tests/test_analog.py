"""Tests of the analog-computing chapter's models (energybook.models.analog)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import constants

from energybook import data, specs, uncertainty
from energybook.models import analog as a
from energybook.params import ParameterError

# Horowitz 45 nm rows, as in data/energy_per_op.csv (hand-made so the tests stand alone).
HOROWITZ = pd.DataFrame({
    "operation": ["int add", "int add", "int mult", "int mult", "SRAM read 32 KB",
                  "HBM2 access"],
    "bits": [8, 32, 8, 32, 64, 1],
    "energy_pj": [0.03, 0.1, 0.2, 3.1, 20.0, 3.9],
})
ANCHORS = a.digital_anchors(HOROWITZ)

bits_st = st.floats(min_value=1.0, max_value=20.0)


# --------------------------------------------------------------------------- ADC and kT/C
def test_ktc_noise_at_1pf_300k_is_64_microvolts():
    assert a.ktc_noise_v(1e-12, 300.0) == pytest.approx(64.3e-6, rel=2e-3)
    assert round(a.ktc_noise_v(1e-12, 300.0) * 1e6) == 64


def test_ktc_noise_hand_worked():
    # sqrt(1.380649e-23 * 300 / 1e-12) = sqrt(4.141947e-9)
    assert a.ktc_noise_v(1e-12) == pytest.approx(math.sqrt(4.141947e-9), rel=1e-6)
    # four times the capacitance halves the noise
    assert a.ktc_noise_v(4e-12) == pytest.approx(a.ktc_noise_v(1e-12) / 2)


def test_walden_regime_doubles_per_bit():
    # best survey FOMs: the knee is near 12 bits; below it the Walden line dominates
    for b in (2.0, 4.0, 6.0, 8.0):
        ratio = a.adc_energy_j(b + 1, 0.354, 189.2) / a.adc_energy_j(b, 0.354, 189.2)
        assert ratio == pytest.approx(2.0, rel=1e-9)


def test_thermal_regime_quadruples_per_bit():
    for b in (14.0, 16.0, 18.0):
        ratio = a.adc_energy_j(b + 1, 0.354, 189.2) / a.adc_energy_j(b, 0.354, 189.2)
        assert ratio == pytest.approx(4.0, rel=1e-9)


def test_schreier_hand_worked():
    # FOM_S = SNDR + 10 log10(f/(2P)): at SNDR = FOM_S, P/f = 1/2 J exactly
    b = 10.0
    sndr = float(a.ideal_sndr_db(b))
    assert sndr == pytest.approx(6.02 * b + 1.76, abs=0.01)
    assert a.schreier_energy_j(b, sndr) == pytest.approx(0.5)
    # 10 dB better FOM: a tenth of the energy
    assert a.schreier_energy_j(b, sndr + 10) == pytest.approx(0.05)


def test_walden_hand_worked():
    # 1 fJ per step at 8 bits: 256 fJ
    assert a.walden_energy_j(8, 1.0) == pytest.approx(256e-15)


def test_adc_knee_matches_lines():
    knee = a.adc_knee_bits(0.354, 189.2)
    assert 11.0 < knee < 13.0
    assert a.walden_energy_j(knee, 0.354) == pytest.approx(a.schreier_energy_j(knee, 189.2))
    t = a.adc_table(np.arange(1, 21), 0.354, 189.2)
    assert set(t.loc[t.bits < knee, "regime"]) == {"Walden"}
    assert set(t.loc[t.bits > knee, "regime"]) == {"thermal"}
    assert (t.adc_sum_j >= t.adc_max_j).all()


def test_min_sampling_energy_is_12kT_4b_and_below_best_adc():
    kt = constants.k * 300.0
    assert a.min_sampling_energy_j(8) == pytest.approx(12 * kt * 4**8)
    # the best published ADC sits above the kT/C floor at every resolution
    b = np.arange(1, 21)
    assert np.all(a.schreier_energy_j(b, 189.2) > a.min_sampling_energy_j(b))
    # C = 12 kT 4^b / V^2: the capacitor's noise equals the quantization noise
    c = a.min_sampling_capacitance_f(10, full_scale_v=1.0)
    assert a.ktc_noise_v(c) == pytest.approx(a.quantization_noise_v(10, 1.0))


@given(bits=bits_st, r=st.floats(0.1, 100.0))
def test_noise_ratio_trades_energy_quadratically(bits, r):
    assert a.min_sampling_energy_j(bits, noise_ratio=r) == pytest.approx(
        a.min_sampling_energy_j(bits) / r**2)


@given(bits=bits_st, w=st.floats(0.1, 1000.0), s=st.floats(150.0, 192.0))
def test_adc_energy_bounds_and_growth(bits, w, s):
    e = a.adc_energy_j(bits, w, s)
    assert e >= a.walden_energy_j(bits, w) * (1 - 1e-12)
    assert e >= a.schreier_energy_j(bits, s) * (1 - 1e-12)
    assert e >= a.min_sampling_energy_j(bits) * (1 - 1e-12)
    ratio = a.adc_energy_j(bits + 1, w, s) / e
    assert 2.0 - 1e-9 <= ratio <= 4.0 + 1e-9


# --------------------------------------------------------------------------- digital MAC
def test_digital_anchors_from_horowitz():
    # geometric means of 0.2/64, 3.1/1024 and of 0.03/8, 0.1/32
    assert ANCHORS["mult_pj_per_bit2"] == pytest.approx(math.sqrt(0.2 / 64 * 3.1 / 1024))
    assert ANCHORS["add_pj_per_bit"] == pytest.approx(math.sqrt(0.03 / 8 * 0.1 / 32))
    assert ANCHORS["sram_pj_per_bit"] == pytest.approx(20 / 64)
    assert ANCHORS["dram_pj_per_bit"] == pytest.approx(3.9)


def test_digital_mac_at_45nm_hand_worked():
    d = a.digital_mac_breakdown(8, ANCHORS, node_nm=45, sram_reuse=1e9, dram_reuse=1e9)
    # 8-bit multiply ~0.2 pJ and a 16-bit add ~0.06 pJ at 45 nm
    assert d["multiply_j"].iloc[0] == pytest.approx(0.2e-12, rel=0.03)
    assert d["add_j"].iloc[0] == pytest.approx(16 * ANCHORS["add_pj_per_bit"] * 1e-12)
    m = a.digital_mac_breakdown(8, ANCHORS, node_nm=45, sram_reuse=4, dram_reuse=100)
    assert m["sram_j"].iloc[0] == pytest.approx(2 * 8 / 4 * 20 / 64 * 1e-12)
    assert m["dram_j"].iloc[0] == pytest.approx(2 * 8 / 100 * 3.9e-12)


def test_digital_mac_grows_with_bits_as_modelled():
    b = np.arange(1.0, 33.0)
    d = a.digital_mac_breakdown(b, ANCHORS, node_nm=7)
    # multiplier quadratic, the rest linear in bits
    assert np.allclose(d["multiply_j"] / b**2, d["multiply_j"].iloc[0])
    for col in ("add_j", "sram_j", "dram_j"):
        assert np.allclose(d[col] / b, d[col].iloc[0])
    assert np.all(np.diff(d["total_j"]) > 0)
    # doubling the width: more than double (the b^2 term), at most four times
    r = a.digital_mac_energy_j(16.0, ANCHORS) / a.digital_mac_energy_j(8.0, ANCHORS)
    assert 2.0 < r <= 4.0


@given(bits=bits_st, node=st.floats(2.0, 180.0), e=st.floats(0.0, 3.0))
def test_node_scaling_monotone(bits, node, e):
    small = a.digital_mac_energy_j(bits, ANCHORS, node_nm=node, node_exponent=e)
    big = a.digital_mac_energy_j(bits, ANCHORS, node_nm=node * 1.5, node_exponent=e)
    assert big >= small * (1 - 1e-12)


def test_gpu_check_uses_two_ops_per_mac():
    acc = pd.DataFrame({"chip": ["H100 SXM", "B200", "GB300"],
                        "bf16_tflops": [989.0, 2250.0, 2500.0],
                        "fp8_tflops": [1979.0, 4500.0, 5000.0],
                        "fp4_tflops": [np.nan, 9000.0, 15000.0],
                        "int8_tops": [1979.0, 4500.0, np.nan],
                        "board_power_w": [700.0, 1000.0, 1400.0]})
    g = a.gpu_check(acc, ANCHORS)
    h = g[(g.chip == "H100 SXM") & (g.precision_label == "FP8")].iloc[0]
    assert h["board_energy_per_mac_j"] == pytest.approx(2 * 700 / 1979e12)
    assert len(g) == 3 + 4 + 3
    assert (g["board_to_model"] > 0).all()


# --------------------------------------------------------------------------- analog MAC
def test_analog_breakdown_hand_worked():
    t = a.analog_mac_breakdown(8, ANCHORS, array_rows=256, walden_fj=10.0, schreier_db=180.0,
                               node_nm=45, cell_energy_fj=1.0, dac_energy_per_level_fj=0.5)
    r = t.iloc[0]
    assert r["adc_j"] == pytest.approx(10e-15 * 256 / 256)  # Walden regime at 8 bits
    assert r["dac_j"] == pytest.approx(0.5e-15 * 256 / 256)
    assert r["array_j"] == pytest.approx(1e-15)  # cell floor above 12kT4^8/256 = 0.013 fJ
    assert r["movement_j"] == pytest.approx(20 / 64 * 1e-12 * 8 * (2 / 256))
    assert r["total_j"] == pytest.approx(r[["array_j", "dac_j", "adc_j", "movement_j"]].sum())


@given(bits=bits_st, rows=st.integers(16, 4096))
def test_more_rows_amortize_adc(bits, rows):
    e1 = a.analog_mac_energy_j(bits, ANCHORS, array_rows=rows)
    e2 = a.analog_mac_energy_j(bits, ANCHORS, array_rows=rows * 2)
    assert e2 <= e1 * (1 + 1e-12)


@given(bits=bits_st)
def test_better_adc_never_costs_more(bits):
    worse = a.energy_ratio(bits, ANCHORS, walden_fj=30.0)
    better = a.energy_ratio(bits, ANCHORS, walden_fj=3.0)
    assert better <= worse * (1 + 1e-12)


def test_energy_tables_shapes():
    w = a.energy_vs_bits(np.arange(1, 17), ANCHORS)
    assert {"bits", "digital_j", "analog_j", "ratio", "analog_adc_j",
            "digital_multiply_j"} <= set(w.columns)
    assert np.allclose(w["ratio"], w["analog_j"] / w["digital_j"])
    long = a.energy_components_long(np.arange(1, 17), ANCHORS)
    tot = long[long.component == "total"].pivot(index="bits", columns="substrate",
                                                values="energy_per_mac_j")
    assert np.allclose(tot["analog"], w["analog_j"])
    with pytest.raises(TypeError):
        a.energy_ratio(8, ANCHORS, not_a_parameter=1)


# --------------------------------------------------------------------------- crossover
def test_crossover_is_where_ratio_reaches_one():
    bits, regime = a.crossover(ANCHORS)
    assert regime == "crossover"
    assert a.energy_ratio(bits, ANCHORS) == pytest.approx(1.0, rel=0.02)
    assert a.energy_ratio(bits - 0.5, ANCHORS) < 1 < a.energy_ratio(bits + 0.5, ANCHORS)


def test_crossover_regimes():
    assert a.crossover(ANCHORS, walden_fj=1e5, schreier_db=140.0)[1] == "digital wins throughout"
    b, regime = a.crossover(ANCHORS, bits_max=4.0)
    assert regime == "analog wins throughout" and math.isnan(b)


def test_crossover_moves_with_adc_and_rows():
    base = a.crossover_bits(ANCHORS)
    assert a.crossover_bits(ANCHORS, walden_fj=0.354, schreier_db=189.2) > base
    assert a.crossover_bits(ANCHORS, array_rows=1024) > a.crossover_bits(ANCHORS, array_rows=64)


def test_crossover_map_dataset():
    m = a.crossover_map(ANCHORS, "array_rows", [64, 256, 1024], "walden_fj", [1.0, 10.0, 100.0])
    assert list(m.columns) == ["array_rows", "walden_fj", "crossover_bits", "regime"]
    assert len(m) == 9
    # at fixed rows, a worse ADC never moves the crossover up
    for _, g in m.groupby("array_rows"):
        x = g.sort_values("walden_fj")["crossover_bits"].to_numpy()
        assert np.all(np.diff(x[~np.isnan(x)]) <= 1e-9)


# --------------------------------------------------------------------------- noise experiment
@pytest.fixture(scope="module")
def digits():
    from sklearn.datasets import load_digits

    return load_digits(return_X_y=True)


@pytest.fixture(scope="module")
def models(digits):
    X, y = digits
    return [a.train_digits_mlp(X, y, seed=s, hidden_units=16) for s in range(3)]


def test_noise_experiment_reproducible_with_seed(digits):
    X, y = digits
    kw = {"bits_grid": [3, 5, 8], "seed": 7, "n_seeds": 2, "hidden_units": 16, "repeats": 2}
    t1 = a.accuracy_vs_energy(X, y, ANCHORS, **kw)
    t2 = a.accuracy_vs_energy(X, y, ANCHORS, **kw)
    pd.testing.assert_frame_equal(t1, t2)
    t3 = a.accuracy_vs_energy(X, y, ANCHORS, **{**kw, "seed": 8})
    assert not t1["accuracy_mean"].equals(t3["accuracy_mean"])


def test_float_model_is_good(models):
    for m in models:
        assert m["digital_accuracy"] > 0.9
    # with plenty of bits and no noise, the analog path matches the float model
    for m in models:
        acc = a.analog_accuracy(m, 16, 0.0, np.random.default_rng(0))
        assert acc[0] == pytest.approx(m["digital_accuracy"], abs=0.005)


def test_accuracy_does_not_improve_as_noise_grows(models):
    noise = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    r = a.noise_experiment(models, [5.0], noise, repeats=4)
    mean = r.groupby("noise_ratio")["accuracy"].mean().reindex(noise).to_numpy()
    # on the mean over seeds: never better by more than half a test sample's worth
    assert np.all(np.diff(mean) <= 0.003)
    assert mean[-1] < mean[0] - 0.2


def test_accuracy_does_not_improve_with_fewer_bits(models):
    bits = [8.0, 6.0, 4.0, 3.0, 2.0, 1.0]
    r = a.noise_experiment(models, bits, [1.0], repeats=4)
    mean = r.groupby("bits")["accuracy"].mean().reindex(bits).to_numpy()
    assert np.all(np.diff(mean) <= 0.003)
    assert mean[-1] < 0.5


def test_accuracy_vs_energy_and_least_energy(digits, models):
    X, y = digits
    t = a.accuracy_vs_energy(X, y, ANCHORS, bits_grid=range(1, 11), models=models)
    assert len(t) == 10 and (t["n_seeds"] == 3).all()
    assert np.all(np.diff(t["energy_per_mac_j"]) > 0)
    best = a.least_energy_within(t, 1.0)
    ok = t[t["drop_pp"] <= 1.0]
    assert best["energy_per_mac_j"] == ok["energy_per_mac_j"].min()
    assert best["drop_pp"] <= 1.0
    # a cheaper precision, if any, is more than 1 point worse
    assert (t.loc[t["energy_per_mac_j"] < best["energy_per_mac_j"], "drop_pp"] > 1.0).all()
    none = a.least_energy_within(t.assign(drop_pp=5.0), 1.0)
    assert math.isnan(none["energy_per_mac_j"])


# --------------------------------------------------------------------------- published chips
def test_chips_comparison_hand_made():
    chips = pd.DataFrame({
        "chip": ["A", "B", "C"], "substrate": ["PCM"] * 3, "level": ["chip", "card", "macro"],
        "claim_type": ["peer-reviewed", "vendor", "vendor"], "precision_bits": [8, 8, 4],
        "precision_label": ["8-bit"] * 2 + ["4-bit"], "tops": [10.0, 200.0, np.nan],
        "power_w": [np.nan, 8.0, np.nan], "tops_per_w": [5.0, np.nan, 50.0],
        "year": [2023, 2025, 2024], "checked": ["primary", "secondary", "unverified"]})
    acc = pd.DataFrame({"chip": ["H100 SXM", "B200", "GB300"],
                        "bf16_tflops": [989.0, 2250.0, 2500.0],
                        "fp8_tflops": [1979.0, 4500.0, 5000.0],
                        "fp4_tflops": [np.nan, 9000.0, 15000.0],
                        "int8_tops": [1979.0, 4500.0, np.nan],
                        "board_power_w": [700.0, 1000.0, 1400.0]})
    c = a.chips_comparison(chips, acc)
    b = c[c.chip == "B"].iloc[0]
    assert b["tops_per_w"] == pytest.approx(25.0) and b["derived"]
    assert not c[c.chip == "A"].iloc[0]["derived"]
    dig = c[c.family == "digital accelerator"]
    assert set(dig["precision_bits"]) == {4, 8}  # matching the analog rows' precisions
    h = dig[(dig.chip == "H100 SXM") & (dig.precision_label == "FP8")].iloc[0]
    assert h["tops_per_w"] == pytest.approx(1979 / 700)
    assert np.allclose(c["energy_per_op_pj"], 1 / c["tops_per_w"])
    with pytest.raises(ValueError):
        a.chips_comparison(chips, acc, chips=["Z9000"])


# --------------------------------------------------------------------------- 2030 saving
def test_saving_hand_worked():
    s = a.analog_saving(1000.0, 0.5, 0.6, 0.3, 0.1)
    assert s["addressable_twh"] == pytest.approx(90.0)
    assert s["gross_saving_twh"] == pytest.approx(81.0)
    assert s["net_saving_twh"] == pytest.approx(81.0) and s["rebound_twh"] == 0


def test_saving_rebound_constant_elasticity():
    # elasticity 1 with full cost pass-through: demand x 1/r, energy unchanged (no saving)
    s = a.analog_saving(1000.0, 0.5, 0.6, 0.3, 0.25, elasticity=1.0)
    assert s["net_saving_twh"] == pytest.approx(0.0, abs=1e-9)
    assert s["demand_multiplier"] == pytest.approx(4.0)
    # elasticity above 1: backfire
    assert a.analog_saving(1000.0, 0.5, 0.6, 0.3, 0.25, elasticity=1.5)["net_saving_twh"] < 0


@given(e1=st.floats(0, 3), e2=st.floats(0, 3), r=st.floats(0.01, 0.99),
       cs=st.floats(0, 1))
@settings(max_examples=50)
def test_saving_falls_with_elasticity(e1, e2, r, cs):
    lo, hi = sorted((e1, e2))
    s_lo = a.analog_saving(945.0, 0.5, 0.6, 0.3, r, elasticity=lo, energy_share=cs)
    s_hi = a.analog_saving(945.0, 0.5, 0.6, 0.3, r, elasticity=hi, energy_share=cs)
    assert s_hi["net_saving_twh"] <= s_lo["net_saving_twh"] + 1e-9
    assert s_lo["net_saving_twh"] <= s_lo["gross_saving_twh"] + 1e-9


def test_saving_vectorized_matches_scalar():
    rng = np.random.default_rng(3)
    ai, inf, tol = rng.uniform(0, 1, (3, 50))
    r, e = rng.uniform(0.05, 2.0, 50), rng.uniform(0, 3, 50)
    v = a.analog_saving(945.0, ai, inf, tol, r, elasticity=e, energy_share=0.7)
    for i in (0, 17, 49):
        s = a.analog_saving(945.0, ai[i], inf[i], tol[i], r[i], elasticity=e[i],
                            energy_share=0.7)
        for k in s:
            assert v[k][i] == pytest.approx(s[k])
    assert isinstance(a.analog_saving(945.0, 0.5, 0.6, 0.3, 0.1)["net_saving_twh"], float)
    with pytest.raises(ValueError):
        a.analog_saving(945.0, np.array([0.5, 1.2]), 0.6, 0.3, 0.1)
    with pytest.raises(ValueError):
        a.analog_saving(945.0, 0.5, 0.6, 0.3, np.array([0.1, 0.0]))


# --------------------------------------------------------------------------- its uncertainty
def _dists(**over):
    base = dict(ai_share=0.5, inference_share=0.6, addressable_share=0.3, ratio_ideal=0.12,
                ratio_measured=0.36, elasticity=0.0)
    return a.saving_distributions(**{**base, **over})


def test_saving_distributions_declared():
    from energybook.uncertainty import Fixed
    d = _dists()
    assert set(d) == {"ai_share", "inference_share", "addressable_share", "energy_ratio",
                      "elasticity"}
    # shares: mode at the value, range +-spread, within [0, 1]
    assert float(d["ai_share"].ppf(0.0)) == pytest.approx(0.25)
    assert float(d["ai_share"].ppf(1.0)) == pytest.approx(0.75)
    assert float(d["inference_share"].ppf(1.0)) == pytest.approx(0.8)
    assert float(_dists(ai_share=1.0)["ai_share"].ppf(1.0)) == pytest.approx(1.0)
    assert isinstance(_dists(addressable_share=0.0)["addressable_share"], Fixed)
    # the ratio lies between the ideal core and the measured chips, in either order
    for dd in (d, _dists(ratio_ideal=0.36, ratio_measured=0.12)):
        r = dd["energy_ratio"]
        assert float(r.ppf(0.0)) == pytest.approx(0.12)
        assert float(r.ppf(1.0)) == pytest.approx(0.36)
        assert r.median() == pytest.approx(math.sqrt(0.12 * 0.36))  # log-uniform
    assert isinstance(_dists(ratio_measured=0.12)["energy_ratio"], Fixed)
    # elasticity: from 0 to max(ELASTICITY_MAX, point), mode at the point
    assert float(d["elasticity"].ppf(1.0)) == pytest.approx(a.ELASTICITY_MAX)
    assert float(_dists(elasticity=3.0)["elasticity"].ppf(1.0)) == pytest.approx(3.0)
    t = a.saving_assumptions_table(d)
    assert list(t.columns) == ["Input", "Distribution", "5th percentile", "Median",
                               "95th percentile"]
    assert t["Distribution"].iloc[3].startswith("log-uniform")


def test_log_uniform_hand_worked():
    lu = uncertainty.LogUniform(1.0, 100.0)
    assert lu.median() == pytest.approx(10.0)
    assert float(lu.ppf(0.25)) == pytest.approx(100 ** 0.25)
    assert lu.mean() == pytest.approx(99 / math.log(100))
    x = lu.sample(np.random.default_rng(0), 200_000)
    assert x.min() >= 1.0 and x.max() <= 100.0
    assert np.median(x) == pytest.approx(10.0, rel=0.02)
    assert x.mean() == pytest.approx(lu.mean(), rel=0.02)
    with pytest.raises(ValueError):
        uncertainty.LogUniform(0.0, 1.0)


def test_saving_model_reuses_analog_saving():
    m = a.saving_model(np.array([0.5, 0.5]), 0.6, 0.3, np.array([0.25, 0.25]),
                       np.array([0.0, 1.5]), energy_twh=1000.0)
    assert m["net_saving_twh"][0] == pytest.approx(90 * 0.75)
    assert m["net_saving_twh"][1] < 0  # elasticity above 1, energy the whole cost: backfire
    assert list(m["erased"]) == [0.0, 1.0]
    s = a.analog_saving(1000.0, 0.5, 0.6, 0.3, 0.25, elasticity=1.5)
    assert m["rebound_twh"][1] == pytest.approx(s["rebound_twh"])


def test_saving_uncertainty_seed_reproducible():
    d = _dists(elasticity=0.5)
    r1 = a.saving_uncertainty(d, 945.0, 5000, seed=7)
    r2 = a.saving_uncertainty(d, 945.0, 5000, seed=7)
    r3 = a.saving_uncertainty(d, 945.0, 5000, seed=8)
    assert r1["net"] == r2["net"] and r1["p_erased"] == r2["p_erased"]
    assert np.array_equal(r1["samples"]["net_saving_twh"], r2["samples"]["net_saving_twh"])
    assert r1["net"]["median"] != r3["net"]["median"]
    assert r1["net"]["p05"] <= r1["net"]["median"] <= r1["net"]["p95"]


def test_saving_interval_contains_point_near_linear():
    # no rebound and a narrow ratio: the saving is nearly linear in each share
    from energybook.uncertainty import Fixed, Normal
    d = {"ai_share": Normal(0.5, 0.05), "inference_share": Normal(0.6, 0.05),
         "addressable_share": Normal(0.3, 0.03), "energy_ratio": Fixed(0.2),
         "elasticity": Fixed(0.0)}
    r = a.saving_uncertainty(d, 945.0, 50_000, seed=1)
    point = float(a.analog_saving(945.0, 0.5, 0.6, 0.3, 0.2)["net_saving_twh"])
    assert r["at_medians"] == pytest.approx(point)
    assert r["net"]["p05"] < point < r["net"]["p95"]
    assert r["net"]["median"] == pytest.approx(point, rel=0.02)
    assert r["p_erased"] == 0.0 and r["p_negative"] == 0.0


@given(e=st.floats(0, 3), r_lo=st.floats(0.02, 1.5), r_hi=st.floats(0.02, 1.5),
       share=st.floats(0, 1))
@settings(max_examples=25, deadline=None)
def test_saving_probabilities_in_unit_interval(e, r_lo, r_hi, share):
    d = _dists(elasticity=e, ratio_ideal=r_lo, ratio_measured=r_hi, addressable_share=share)
    r = a.saving_uncertainty(d, 945.0, 2000, seed=0, energy_share=0.8)
    assert 0.0 <= r["p_erased"] <= 1.0 and 0.0 <= r["p_negative"] <= 1.0
    assert r["net"]["p05"] <= r["net"]["median"] <= r["net"]["p95"]


def test_saving_erased_probability_hand_worked():
    # energy the whole cost and ratio r < 1: net = A (1 - r^(1 - e)) <= 0 exactly when e >= 1
    from energybook.uncertainty import Fixed, Uniform
    d = {"ai_share": Fixed(0.5), "inference_share": Fixed(0.6),
         "addressable_share": Fixed(0.3), "energy_ratio": Fixed(0.25),
         "elasticity": Uniform(0.0, 4.0)}
    r = a.saving_uncertainty(d, 945.0, 100_000, seed=2)
    assert r["p_erased"] == pytest.approx(0.75, abs=0.01)


def test_saving_tornado_ranks_dominant_driver_first():
    from energybook.uncertainty import Fixed, Uniform
    d = {"ai_share": Uniform(0.49, 0.51), "inference_share": Fixed(0.6),
         "addressable_share": Uniform(0.05, 0.6), "energy_ratio": Uniform(0.1, 0.11),
         "elasticity": Fixed(0.0)}
    t = a.saving_uncertainty(d, 945.0, 1000, seed=0)["tornado"]
    assert t["input"].iloc[0] == "addressable_share" and t["rank"].iloc[0] == 1
    assert t["label"].iloc[0] == a.SAVING_INPUT_LABELS["addressable_share"]
    assert np.all(np.diff(t["swing"]) <= 0)
    # hand-worked swing: 945 x 0.5 x 0.6 x (1 - 0.105) x (p95 - p05 of the share)
    lo, hi = 0.05 + 0.55 * 0.05, 0.05 + 0.55 * 0.95
    assert t["swing"].iloc[0] == pytest.approx(945 * 0.5 * 0.6 * (1 - 0.105) * (hi - lo))
    # with the rebound wide open, the elasticity dominates instead
    d2 = {**d, "addressable_share": Fixed(0.3), "elasticity": Uniform(0.0, 2.0)}
    t2 = a.saving_uncertainty(d2, 945.0, 1000, seed=0)["tornado"]
    assert t2["input"].iloc[0] == "elasticity"


def test_saving_drivers_text_ties():
    t = pd.DataFrame({"label": ["Price elasticity of demand (rebound)",
                                "Noise-tolerant share of inference",
                                "AI's share of data-centre electricity", "Other"],
                      "swing": [50.0, 36.0, 36.0 * (1 + 1e-12), 20.0]})
    top, nxt = a.saving_drivers_text(t)
    assert top == "price elasticity of demand (rebound)"
    assert nxt == ("noise-tolerant share of inference and AI's share of data-centre "
                   "electricity (equal swings)")
    top, nxt = a.saving_drivers_text(t.head(1))
    assert nxt == "no other input"


def test_run_saving_uncertainty_at_defaults():
    p = _params()
    dc = data.load_table("dc_electricity")
    chips, acc = data.load_table("analog_chips"), data.load_table("accelerators")
    mc = a.run_saving_uncertainty(p, ANCHORS, dc, chips, acc)
    assert mc["ratio_ideal"] == pytest.approx(a.energy_ratio(8.0, ANCHORS,
                                                             **a.model_kwargs(p)))
    assert mc["ratio_measured"] == pytest.approx(a.measured_ratio_8(chips, acc))
    assert len(mc["samples"]["net_saving_twh"]) == p["n_draws"]
    assert mc["net"]["p05"] < mc["net"]["median"] < mc["net"]["p95"]
    assert 0 <= mc["p_erased"] <= 1
    # the net saving never exceeds the whole addressable energy
    assert mc["net"]["p95"] < 945 * 0.75 * 0.8 * 0.45
    # seeded by the spec's seed: same seed, same numbers
    mc2 = a.run_saving_uncertainty(p, ANCHORS, dc, chips, acc)
    assert mc2["net"] == mc["net"]


def test_saving_vs_elasticity_table():
    t = a.saving_vs_elasticity([0, 0.5, 1], energy_twh=945.0, ai_share=0.5,
                               inference_share=0.6, tolerant_share=0.3, energy_ratio=0.1)
    assert list(t["elasticity"]) == [0, 0.5, 1]
    assert np.all(np.diff(t["net_saving_twh"]) < 0)


def test_dc_energy_lookup():
    df = pd.DataFrame({"scope": ["World", "World"], "year": [2030, 2030],
                       "case": ["IEA Base", "Other"], "energy_twh": [945.0, 700.0]})
    assert a.dc_energy_twh(df) == 945.0
    with pytest.raises(ValueError):
        a.dc_energy_twh(df, case="Nope")


# --------------------------------------------------------------------------- data and spec
def test_tables_validate_and_spec_defaults_match_survey():
    fom = data.load_table("adc_fom").set_index("statistic")
    assert fom.loc["best Walden", "walden_fj"] == pytest.approx(0.354, abs=1e-3)
    assert fom.loc["best Schreier", "schreier_db"] == pytest.approx(189.2, abs=0.05)
    # the best figures are read from the table, not copied
    best = a.best_adc_fom(data.load_table("adc_fom"))
    assert best == {"walden_fj": fom.loc["best Walden", "walden_fj"],
                    "schreier_db": fom.loc["best Schreier", "schreier_db"]}
    grid = a.walden_grid(data.load_table("adc_fom"), 32.18)
    assert best["walden_fj"] in grid and fom.loc["median 2020-2025", "walden_fj"] in grid
    assert grid == sorted(set(grid)) and 7.0 in a.walden_grid(data.load_table("adc_fom"), 7.0)
    # the declared defaults copy the survey's 2020-2025 median row
    spec = specs.get("analog")
    d = spec.params.defaults()
    assert d["adc_walden_fj"] == fom.loc["median 2020-2025", "walden_fj"]
    assert d["adc_schreier_db"] == fom.loc["median 2020-2025", "schreier_db"]
    chips = data.load_table("analog_chips")
    assert set(chips["claim_type"]) <= {"peer-reviewed", "vendor"}
    hermes = chips.set_index("chip").loc["IBM HERMES (one-phase read)"]
    assert hermes["tops_per_w"] == 9.76 and hermes["tops"] == 63.1
    dc = data.load_table("dc_electricity")
    for case in spec.params["dc_case"].choices:
        assert a.dc_energy_twh(dc, case=case) > 0


def test_spec_headlines_and_model_kwargs():
    spec = specs.get("analog")
    assert [h.name for h in spec.headlines] == ["crossover_bits", "ratio_at_8_bits",
                                                 "least_energy_within_1pt_fj",
                                                 "saving_2030_twh", "saving_2030_p05_twh",
                                                 "saving_2030_p95_twh"]
    assert all(h.unit for h in spec.headlines)
    kw = a.model_kwargs(spec.params.defaults())
    assert a.energy_ratio(8.0, ANCHORS, **kw) > 0
    assert "noise_ratio" not in a.analog_kwargs(spec.params.defaults())


def test_saving_agrees_with_rebound_chapter():
    rebound = pytest.importorskip("energybook.models.rebound")
    if not hasattr(rebound, "energy_ratio"):
        pytest.skip("rebound.energy_ratio not available")
    r, e, s = 0.2, 0.7, 0.4
    out = a.analog_saving(100.0, 1.0, 1.0, 1.0, r, elasticity=e, energy_share=s)
    after = 100.0 - out["net_saving_twh"]
    assert after / 100.0 == pytest.approx(float(rebound.energy_ratio(1 / r, e, energy_share=s)))


# --------------------------------------------------------------------------- the chapter's datasets
ACC = pd.DataFrame({"chip": ["H100 SXM", "B200", "GB300"],
                    "bf16_tflops": [989.0, 2250.0, 2500.0],
                    "fp8_tflops": [1979.0, 4500.0, 5000.0],
                    "fp4_tflops": [np.nan, 9000.0, 15000.0],
                    "int8_tops": [1979.0, 4500.0, 165.0],
                    "board_power_w": [700.0, 1000.0, 1400.0]})


def _params(**over):
    return specs.get("analog").params.validate(over)


def test_tops_per_w_and_arrays_hand_worked():
    # 1 pJ per MAC = 0.5 pJ per operation = 2 TOPS/W
    assert a.mac_j_to_tops_per_w(1e-12) == pytest.approx(2.0)
    assert a.arrays_needed(65536, 256) == 1.0
    assert a.arrays_needed(65537, 256) == 2.0
    assert a.arrays_needed(70e9, 256) == math.ceil(70e9 / 65536)
    with pytest.raises(ValueError):
        a.arrays_needed(10, 0)


def test_best_per_bits_drops_slow_formats():
    g = a.gpu_check(ACC, ANCHORS, best_per_bits=True)
    gb8 = g[(g.chip == "GB300") & (g.precision_bits == 8)]
    assert list(gb8["precision_label"]) == ["FP8"]  # INT8 was cut to 165 TOPS
    assert not g.duplicated(["chip", "precision_bits"]).any()
    c = a.chips_comparison(data.load_table("analog_chips"), ACC, best_per_bits=True)
    d = c[c.family == "digital accelerator"]
    assert not d.duplicated(["chip", "precision_bits"]).any()
    assert d["tops_per_w"].min() > 1.0


def test_crossover_headline_is_finite_in_every_regime():
    b, regime = a.crossover_headline(ANCHORS)
    assert regime == "crossover" and b == pytest.approx(a.crossover_bits(ANCHORS))
    b, regime = a.crossover_headline(ANCHORS, walden_fj=1e5, schreier_db=140.0, array_rows=16)
    assert regime == "digital wins throughout" and b == a.CROSSOVER_RANGE[0]
    assert "digital wins" in a.crossover_text(b, regime)
    assert a.crossover_text(11.74, "crossover") == "11.7 bits"


def test_crossover_grid_labels():
    g = a.crossover_grid(ANCHORS, "array_rows", [16, 256], "walden_fj", [1.0, 1e4])
    assert np.isfinite(g["crossover_shown"]).all()
    low = g[(g.array_rows == 16) & (g.walden_fj == 1e4)].iloc[0]
    assert low["label"] == "<1" and low["regime"] == "digital wins throughout"
    ok = g[g.regime == "crossover"]
    assert (ok["label"] == ok["crossover_bits"].map(lambda v: f"{v:.1f}")).all()


def test_energy_curves_and_breakdown():
    c = a.energy_curves(ANCHORS, ACC, bits=range(1, 17))
    model = c[c.kind == "model"]
    assert len(model) == 32
    d = model[model.series.str.startswith("digital")].set_index("bits")["energy_per_mac_fj"]
    assert d.loc[8.0] == pytest.approx(a.digital_mac_energy_j(8.0, ANCHORS) * 1e15)
    gpu = c[c.kind == "GPU at board power"]
    h = gpu[(gpu.series == "H100 SXM at board power") & (gpu.bits == 8)].iloc[0]
    assert h["energy_per_mac_fj"] == pytest.approx(2 * 700 / 1979e12 * 1e15)
    b = a.breakdown_table(8, ANCHORS)
    for _, grp in b.groupby("substrate"):
        assert grp["share_pct"].sum() == pytest.approx(100.0)
    tot = b.groupby("substrate")["energy_per_mac_fj"].sum()
    assert tot["analog"] == pytest.approx(a.analog_mac_energy_j(8.0, ANCHORS) * 1e15)
    assert b["label"].notna().all()


def test_adc_long_lines():
    t = a.adc_long(range(1, 17), 32.18, 169.85, array_rows=256)
    assert set(t["line"]) == {"Walden line (x2 per bit)", "Schreier line (x4 per bit)",
                              "kT/C floor (x4 per bit)", "ADC as modelled",
                              "ADC as modelled, per MAC"}
    used = t[t.line == "ADC as modelled"].set_index("bits")["energy_fj"]
    per_mac = t[t.line == "ADC as modelled, per MAC"].set_index("bits")["energy_fj"]
    assert np.allclose(per_mac, used / 256)
    assert used.loc[8.0] == pytest.approx(a.adc_energy_j(8.0, 32.18, 169.85) * 1e15)


def test_chips_tables():
    chips = data.load_table("analog_chips")
    t = a.chips_chart_table(chips, ACC)
    assert np.all(np.diff(t["tops_per_w"]) <= 0)
    assert set(t["claim"]) <= {"peer-reviewed", "vendor claim", "peer-reviewed, unverified",
                               "vendor claim, unverified"}
    assert (t.loc[t.chip == "EnCharge test chips", "claim"] == "vendor claim, unverified").all()
    s = a.chips_source_table(chips)
    assert len(s) == len(chips)
    assert s.set_index("Chip").loc["Mythic M1076", "TOPS/W"] == "6.25*"  # 25 TOPS / 4 W
    r = a.model_reference(ANCHORS, 8.0)
    assert r["tops_per_w"].iloc[1] == pytest.approx(
        a.mac_j_to_tops_per_w(a.analog_mac_energy_j(8.0, ANCHORS)))


def test_saving_curves():
    p = _params()
    dc = data.load_table("dc_electricity")
    t = a.saving_curves(p, dc, {"x": 0.1, "y": 0.5}, elasticities=[0.0, 1.0, 2.0])
    assert len(t) == 6
    x = t[t.case == "x"].set_index("elasticity")["net_saving_twh"]
    assert x.loc[0.0] == pytest.approx(945 * 0.5 * 0.6 * 0.3 * 0.9)
    assert x.loc[1.0] == pytest.approx(0.0, abs=1e-9)
    assert x.loc[2.0] < 0


@pytest.fixture(scope="module")
def small_models(digits):
    X, y = digits
    return [a.train_digits_mlp(X, y, seed=s, hidden_units=16) for s in range(2)]


def test_headline_results_and_numbers(digits, small_models):
    X, y = digits
    p = _params()
    dc = data.load_table("dc_electricity")
    acc = a.accuracy_table(p, ANCHORS, X, y, models=small_models, repeats=2)
    assert {"energy_per_mac_fj", "pct_mean", "pct_min", "pct_max",
            "digital_accuracy_pct"} <= set(acc.columns)
    mc = a.run_saving_uncertainty(p, ANCHORS, dc, data.load_table("analog_chips"),
                                  data.load_table("accelerators"))
    r = a.headline_results(p, ANCHORS, acc, dc, mc)
    assert list(r) == [h.name for h in specs.get("analog").headlines]
    assert r["saving_2030_p05_twh"] < r["saving_2030_p95_twh"]
    kw = a.model_kwargs(p)
    assert r["crossover_bits"] == pytest.approx(a.crossover_bits(ANCHORS, **kw))
    assert r["ratio_at_8_bits"] == pytest.approx(a.energy_ratio(8.0, ANCHORS, **kw))
    best = a.least_energy_within(acc)
    assert r["least_energy_within_1pt_fj"] == pytest.approx(best["energy_per_mac_j"] * 1e15)
    n = a.chapter_numbers(p, ANCHORS, acc, dc, data.load_table("analog_chips"),
                          data.load_table("accelerators"), data.load_table("adc_fom"))
    assert all(isinstance(v, float) and math.isfinite(v) for v in n.values())
    assert n["saving_no_rebound_twh"] == pytest.approx(r["saving_2030_twh"])  # elasticity 0
    assert n["addressable_twh"] == pytest.approx(945 * 0.5 * 0.6 * 0.3)
    # the analog advantage is mostly avoided memory traffic: against arithmetic alone it loses
    assert n["ratio_8_arith_only"] > n["ratio_8_no_dram"] > r["ratio_at_8_bits"]
    assert n["ideal_over_measured_min"] > 1
    assert n["ktc_noise_1pf_uv"] == pytest.approx(64.36, abs=0.01)
    assert n["rebound_twh"] == 0.0  # exactly, at the default elasticity of 0
    best = a.best_adc_fom(data.load_table("adc_fom"))
    assert (n["best_walden_fj"], n["best_schreier_db"]) == (best["walden_fj"],
                                                             best["schreier_db"])
    assert n["adc_knee_best_bits"] == pytest.approx(a.adc_knee_bits(**best))


def test_quoted_figures_come_from_the_tables():
    q = a.quoted_figures(data.load_table("energy_per_op"), data.load_table("analog_chips"),
                         data.load_table("accelerators"))
    assert all(isinstance(v, float) for v in q.values())
    assert q["horowitz_mult8_pj"] == 0.2 and q["horowitz_mult32_pj"] == 3.1
    assert q["horowitz_add8_pj"] == 0.03 and q["horowitz_sram32k_pj"] == 20.0
    assert q["hbm_pj_per_bit"] == 3.9
    assert q["gb300_int8_tops"] == 165.0 and q["encharge_test_tops_per_w"] == 150.0
    with pytest.raises(ValueError):
        a.quoted_figures(HOROWITZ[HOROWITZ["operation"] != "int add"],
                         data.load_table("analog_chips"), data.load_table("accelerators"))


def test_rebound_texts_say_which_saving_the_headline_is():
    none = a.rebound_texts(0.0, 0.0, 50.0)
    assert "before any rebound" in none["rebound_clause"]
    assert "before any rebound" in none["headline_rebound_note"]
    some = a.rebound_texts(0.5, 12.0, 50.0)
    assert "takes back 12 TWh of the 50 TWh" in some["rebound_clause"]
    assert "net of the rebound" in some["headline_rebound_note"]
    assert set(none) == set(some)
    # the headline's description agrees: the default elasticity is 0, so no rebound
    spec = specs.get("analog")
    assert spec.params.defaults()["elasticity"] == 0
    assert "before any rebound" in spec.headline("saving_2030_twh").description
    assert "includes a rebound" in spec.headline("saving_2030_p05_twh").description


def test_saving_curves_include_the_chosen_elasticity():
    dc = data.load_table("dc_electricity")
    t = a.saving_curves(_params(elasticity=0.35), dc, {"x": 0.2})
    assert (t["elasticity"] == 0.35).sum() == 1
    assert t["elasticity"].is_monotonic_increasing


def test_check_rejects_adc_figures_that_cannot_meet():
    spec = specs.get("analog")
    spec.validate({})  # defaults pass
    spec.validate({"adc_walden_fj": 15.0, "adc_schreier_db": 140.0})  # knee at 1 bit
    with pytest.raises(ParameterError) as e:
        spec.validate({"adc_walden_fj": 0.1, "adc_schreier_db": 140.0})
    msg = str(e.value)
    assert "adc_walden_fj" in msg and "adc_schreier_db" in msg and "below 1 bit" in msg
    # the suggested bounds are exactly where the knee reaches 1 bit
    assert a.adc_knee_bits(15.0, 140.0) == pytest.approx(1.0)
    assert "at least 15 fJ" in msg and "at least 161.8 dB" in msg
    assert a.parameter_problems(spec.params.defaults()) == []


def test_cli_rejects_inconsistent_adc_figures(cli, tmp_path):
    out = tmp_path / "o"
    r = cli("run", "analog", "-p", "adc_walden_fj", "0.1", "-p", "adc_schreier_db", "140",
            "-o", str(out))
    assert r.returncode == 2, r.stderr
    assert "below 1 bit" in r.stderr and "adc_walden_fj" in r.stderr
    assert "Traceback" not in r.stderr and "Executing" not in r.stderr
    assert not out.exists()


def test_headlines_finite_at_extreme_parameters(digits, small_models):
    X, y = digits
    p = _params(adc_walden_fj=10000.0, adc_schreier_db=140.0, array_rows=16,
                noise_level=100.0, precision_bits=16, elasticity=3.0)
    acc = a.accuracy_table(p, ANCHORS, X, y, models=small_models, repeats=1)
    dc = data.load_table("dc_electricity")
    mc = a.run_saving_uncertainty(p, ANCHORS, dc, data.load_table("analog_chips"),
                                  data.load_table("accelerators"))
    r = a.headline_results(p, ANCHORS, acc, dc, mc)
    assert all(math.isfinite(v) for v in r.values())
    assert r["crossover_bits"] == a.CROSSOVER_RANGE[0]
    assert r["ratio_at_8_bits"] > 1
    # heavy noise: the experiment extended its precisions beyond 10 bits
    assert acc["bits"].max() == 16
