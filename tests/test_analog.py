"""The analog chapter's physics: converters and the kT/C floor (``model_adc``), energy per
MAC on both substrates, the crossover and the published chips (``model_mac``)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import constants

from energybook import data
from energybook.chapters.analog import model_adc as adc
from energybook.chapters.analog import model_mac as mac

# Horowitz 45 nm rows, as in data/energy_per_op.csv (hand-made so the tests stand alone).
HOROWITZ = pd.DataFrame(
    {
        "operation": [
            "int add",
            "int add",
            "int mult",
            "int mult",
            "SRAM read 32 KB",
            "HBM2 access",
        ],
        "bits": [8, 32, 8, 32, 64, 1],
        "energy_pj": [0.03, 0.1, 0.2, 3.1, 20.0, 3.9],
    }
)
ANCHORS = mac.digital_anchors(HOROWITZ)
ACC = pd.DataFrame(
    {
        "chip": ["H100 SXM", "B200", "GB300"],
        "bf16_tflops": [989.0, 2250.0, 2500.0],
        "fp8_tflops": [1979.0, 4500.0, 5000.0],
        "fp4_tflops": [np.nan, 9000.0, 15000.0],
        "int8_tops": [1979.0, 4500.0, 165.0],
        "board_power_w": [700.0, 1000.0, 1400.0],
    }
)

bits_st = st.floats(min_value=1.0, max_value=20.0)


# --------------------------------------------------------------------------- ADC and kT/C
def test_ktc_noise_hand_worked():
    # sqrt(1.380649e-23 * 300 / 1e-12) = sqrt(4.141947e-9) = 64.4 uV
    assert adc.ktc_noise_v(1e-12) == pytest.approx(math.sqrt(4.141947e-9), rel=1e-6)
    # four times the capacitance halves the noise
    assert adc.ktc_noise_v(4e-12) == pytest.approx(adc.ktc_noise_v(1e-12) / 2)
    with pytest.raises(ValueError):
        adc.ktc_noise_v(0.0)


def test_walden_regime_doubles_and_thermal_regime_quadruples_per_bit():
    # the survey's best figures: knee near 12 bits
    for b in (2.0, 4.0, 6.0, 8.0):
        assert adc.adc_energy_j(b + 1, 0.354, 189.2) / adc.adc_energy_j(
            b, 0.354, 189.2
        ) == pytest.approx(2.0, rel=1e-9)
    for b in (14.0, 16.0, 18.0):
        assert adc.adc_energy_j(b + 1, 0.354, 189.2) / adc.adc_energy_j(
            b, 0.354, 189.2
        ) == pytest.approx(4.0, rel=1e-9)


def test_schreier_and_walden_hand_worked():
    # FOM_S = SNDR + 10 log10(f/(2P)): at SNDR = FOM_S, P/f = 1/2 J exactly
    sndr = float(adc.ideal_sndr_db(10.0))
    assert sndr == pytest.approx(6.02 * 10 + 1.76, abs=0.01)
    assert adc.schreier_energy_j(10.0, sndr) == pytest.approx(0.5)
    assert adc.schreier_energy_j(10.0, sndr + 10) == pytest.approx(0.05)  # 10 dB: a tenth
    assert adc.walden_energy_j(8, 1.0) == pytest.approx(256e-15)  # 1 fJ/step at 8 bits


def test_adc_knee_is_where_the_lines_meet():
    knee = adc.adc_knee_bits(0.354, 189.2)
    assert adc.walden_energy_j(knee, 0.354) == pytest.approx(adc.schreier_energy_j(knee, 189.2))
    t = adc.adc_table(np.arange(1, 21), 0.354, 189.2)
    assert t.loc[t.bits < knee, "walden_dominates"].all()
    assert not t.loc[t.bits > knee, "walden_dominates"].any()
    assert (t.adc_sum_j >= t.adc_max_j).all()
    # the figures that put the knee at 1 bit are the inverses of the knee
    assert adc.adc_knee_bits(adc.walden_fj_for_knee(150.0), 150.0) == pytest.approx(1.0)
    assert adc.adc_knee_bits(20.0, adc.schreier_db_for_knee(20.0)) == pytest.approx(1.0)


def test_min_sampling_energy_is_12kT_4b_and_below_the_best_adc():
    kt = constants.k * 300.0
    assert adc.min_sampling_energy_j(8) == pytest.approx(12 * kt * 4**8)
    b = np.arange(1, 21)
    assert np.all(adc.schreier_energy_j(b, 189.2) > adc.min_sampling_energy_j(b))
    # C = 12 kT 4^b / V^2: the capacitor's noise equals the quantization noise
    c = adc.min_sampling_capacitance_f(10, full_scale_v=1.0)
    assert adc.ktc_noise_v(c) == pytest.approx(adc.quantization_noise_v(10, 1.0))


@given(bits=bits_st, r=st.floats(0.1, 100.0))
def test_noise_ratio_trades_energy_quadratically(bits, r):
    assert adc.min_sampling_energy_j(bits, noise_ratio=r) == pytest.approx(
        adc.min_sampling_energy_j(bits) / r**2
    )


@given(bits=bits_st, w=st.floats(0.1, 1000.0), s=st.floats(150.0, 192.0))
def test_adc_energy_bounds_and_growth(bits, w, s):
    e = adc.adc_energy_j(bits, w, s)
    assert e >= adc.walden_energy_j(bits, w) * (1 - 1e-12)
    assert e >= adc.schreier_energy_j(bits, s) * (1 - 1e-12)
    assert e >= adc.min_sampling_energy_j(bits) * (1 - 1e-12)
    assert 2.0 - 1e-9 <= adc.adc_energy_j(bits + 1, w, s) / e <= 4.0 + 1e-9


def test_one_converter_check():
    assert adc.require_one_converter(32.18, 169.85) == pytest.approx(
        adc.adc_knee_bits(32.18, 169.85)
    )
    with pytest.raises(ValueError, match="below 1 bit"):
        adc.require_one_converter(0.1, 140.0)


def test_survey_rows_are_read_from_the_table():
    fom = data.load_table("adc_fom")
    t = fom.set_index("statistic")
    best = adc.best_adc_fom(fom)
    assert best == {
        "walden_fj": t.loc["best Walden", "walden_fj"],
        "schreier_db": t.loc["best Schreier", "schreier_db"],
    }
    grid = adc.walden_grid(fom, 32.18)
    assert best["walden_fj"] in grid and t.loc["median 2020-2025", "walden_fj"] in grid
    assert grid == sorted(set(grid)) and 7.0 in adc.walden_grid(fom, 7.0)
    with pytest.raises(ValueError):
        adc.best_adc_fom(fom[fom["statistic"] != "best Walden"])


# --------------------------------------------------------------------------- digital MAC
def test_digital_anchors_from_horowitz():
    # geometric means of 0.2/64, 3.1/1024 and of 0.03/8, 0.1/32
    assert ANCHORS["mult_pj_per_bit2"] == pytest.approx(math.sqrt(0.2 / 64 * 3.1 / 1024))
    assert ANCHORS["add_pj_per_bit"] == pytest.approx(math.sqrt(0.03 / 8 * 0.1 / 32))
    assert ANCHORS["sram_pj_per_bit"] == pytest.approx(20 / 64)
    assert ANCHORS["dram_pj_per_bit"] == pytest.approx(3.9)
    with pytest.raises(ValueError):
        mac.digital_anchors(HOROWITZ[HOROWITZ.operation != "int add"])


def test_digital_mac_at_45nm_hand_worked():
    d = mac.digital_mac_breakdown(8, ANCHORS, node_nm=45, sram_reuse=1e9, dram_reuse=1e9)
    assert d["multiply_j"].iloc[0] == pytest.approx(0.2e-12, rel=0.03)
    assert d["add_j"].iloc[0] == pytest.approx(16 * ANCHORS["add_pj_per_bit"] * 1e-12)
    m = mac.digital_mac_breakdown(8, ANCHORS, node_nm=45, sram_reuse=4, dram_reuse=100)
    assert m["sram_j"].iloc[0] == pytest.approx(2 * 8 / 4 * 20 / 64 * 1e-12)
    assert m["dram_j"].iloc[0] == pytest.approx(2 * 8 / 100 * 3.9e-12)


def test_digital_mac_grows_with_bits_as_modelled():
    b = np.arange(1.0, 33.0)
    d = mac.digital_mac_breakdown(b, ANCHORS, node_nm=7)
    assert np.allclose(d["multiply_j"] / b**2, d["multiply_j"].iloc[0])
    for col in ("add_j", "sram_j", "dram_j"):
        assert np.allclose(d[col] / b, d[col].iloc[0])
    r = mac.digital_mac_energy_j(16.0, ANCHORS) / mac.digital_mac_energy_j(8.0, ANCHORS)
    assert 2.0 < r <= 4.0


@given(bits=bits_st, node=st.floats(2.0, 180.0), e=st.floats(0.0, 3.0))
def test_node_scaling_monotone(bits, node, e):
    small = mac.digital_mac_energy_j(bits, ANCHORS, node_nm=node, node_exponent=e)
    big = mac.digital_mac_energy_j(bits, ANCHORS, node_nm=node * 1.5, node_exponent=e)
    assert big >= small * (1 - 1e-12)


def test_gpu_check_uses_two_ops_per_mac_and_keeps_the_fastest_format():
    g = mac.gpu_check(ACC, ANCHORS)
    h = g[(g.chip == "H100 SXM") & (g.precision_label == "FP8")].iloc[0]
    assert h["board_energy_per_mac_j"] == pytest.approx(2 * 700 / 1979e12)
    assert len(g) == 3 + 4 + 4
    fast = mac.gpu_check(ACC, ANCHORS, fastest_per_bits=True)
    gb8 = fast[(fast.chip == "GB300") & (fast.precision_bits == 8)]
    assert list(gb8["precision_label"]) == ["FP8"]  # INT8 was cut to 165 TOPS
    assert not fast.duplicated(["chip", "precision_bits"]).any()


# --------------------------------------------------------------------------- analog MAC
def test_analog_breakdown_hand_worked():
    r = mac.analog_mac_breakdown(
        8,
        ANCHORS,
        array_rows=256,
        walden_fj=10.0,
        schreier_db=180.0,
        node_nm=45,
        cell_energy_fj=1.0,
        dac_energy_per_level_fj=0.5,
    ).iloc[0]
    assert r["adc_j"] == pytest.approx(10e-15 * 256 / 256)  # Walden regime at 8 bits
    assert r["dac_j"] == pytest.approx(0.5e-15 * 256 / 256)
    assert r["array_j"] == pytest.approx(1e-15)  # cell floor above 12kT4^8/256 = 0.013 fJ
    assert r["movement_j"] == pytest.approx(20 / 64 * 1e-12 * 8 * (2 / 256))
    assert r["total_j"] == pytest.approx(r[["array_j", "dac_j", "adc_j", "movement_j"]].sum())


@given(bits=bits_st, rows=st.integers(16, 4096))
def test_more_rows_amortize_the_adc(bits, rows):
    e1 = mac.analog_mac_energy_j(bits, ANCHORS, array_rows=rows)
    e2 = mac.analog_mac_energy_j(bits, ANCHORS, array_rows=rows * 2)
    assert e2 <= e1 * (1 + 1e-12)


@given(bits=bits_st)
def test_better_adc_never_costs_more(bits):
    worse = mac.energy_ratio(bits, ANCHORS, walden_fj=30.0)
    better = mac.energy_ratio(bits, ANCHORS, walden_fj=3.0)
    assert better <= worse * (1 + 1e-12)


def test_energy_tables_agree():
    w = mac.energy_vs_bits(np.arange(1, 17), ANCHORS)
    assert np.allclose(w["ratio"], w["analog_j"] / w["digital_j"])
    long = mac.energy_components_long(np.arange(1, 17), ANCHORS)
    tot = long[long.component == "total"].pivot(
        index="bits", columns="substrate", values="energy_per_mac_j"
    )
    assert np.allclose(tot["analog"], w["analog_j"])
    with pytest.raises(TypeError):
        mac.energy_ratio(8, ANCHORS, not_a_parameter=1)


# --------------------------------------------------------------------------- crossover
def test_crossover_is_where_the_ratio_reaches_one():
    bits, regime = mac.crossover(ANCHORS)
    assert regime == mac.CROSSOVER
    assert mac.energy_ratio(bits, ANCHORS) == pytest.approx(1.0, rel=0.02)
    assert mac.energy_ratio(bits - 0.5, ANCHORS) < 1 < mac.energy_ratio(bits + 0.5, ANCHORS)


def test_crossover_regimes_are_finite_bounds():
    b, regime = mac.crossover(ANCHORS, bits_max=4.0)
    assert regime == mac.ANALOG_THROUGHOUT and math.isnan(b)
    b, regime = mac.crossover_headline(ANCHORS, walden_fj=1e5, schreier_db=140.0, array_rows=16)
    assert regime == mac.DIGITAL_THROUGHOUT and b == mac.CROSSOVER_RANGE[0]


def test_crossover_moves_with_adc_and_rows():
    base = mac.crossover(ANCHORS)[0]
    assert mac.crossover(ANCHORS, walden_fj=0.354, schreier_db=189.2)[0] > base
    assert mac.crossover(ANCHORS, array_rows=1024)[0] > mac.crossover(ANCHORS, array_rows=64)[0]


def test_crossover_map_never_rises_with_a_worse_adc():
    m = mac.crossover_map(
        ANCHORS, "array_rows", [16, 64, 256, 1024], "walden_fj", [1.0, 10.0, 100.0, 1e4]
    )
    assert np.isfinite(m["crossover_shown"]).all() and len(m) == 16
    for _, g in m.groupby("array_rows"):
        x = g.sort_values("walden_fj")["crossover_shown"].to_numpy()
        assert np.all(np.diff(x) <= 1e-9)
    with pytest.raises(ValueError):
        mac.crossover_map(ANCHORS, "array_rows", [16], "array_rows", [16])


# --------------------------------------------------------------------------- published chips
def test_chips_comparison_hand_made():
    chips = pd.DataFrame(
        {
            "chip": ["A", "B", "C"],
            "substrate": ["PCM"] * 3,
            "level": ["chip", "card", "macro"],
            "claim_type": ["peer-reviewed", "vendor", "vendor"],
            "precision_bits": [8, 8, 4],
            "precision_label": ["8-bit"] * 2 + ["4-bit"],
            "tops": [10.0, 200.0, np.nan],
            "power_w": [np.nan, 8.0, np.nan],
            "tops_per_w": [5.0, np.nan, 50.0],
            "year": [2023, 2025, 2024],
            "checked": ["primary", "secondary", "unverified"],
        }
    )
    c = mac.chips_comparison(chips, ACC)
    b = c[c.chip == "B"].iloc[0]
    assert b["tops_per_w"] == pytest.approx(25.0) and b["derived"]
    assert not c[c.chip == "A"].iloc[0]["derived"]
    dig = c[c.family == mac.DIGITAL_FAMILY]
    assert set(dig["precision_bits"]) == {4, 8}  # matching the analog rows' precisions
    h = dig[(dig.chip == "H100 SXM") & (dig.precision_label == "FP8")].iloc[0]
    assert h["tops_per_w"] == pytest.approx(1979 / 700)
    assert np.allclose(c["energy_per_op_pj"], 1 / c["tops_per_w"])
    with pytest.raises(ValueError):
        mac.chips_comparison(chips, ACC, chips=["Z9000"])


def test_tops_per_w_and_arrays_hand_worked():
    # 1 pJ per MAC = 0.5 pJ per operation = 2 TOPS/W
    assert mac.mac_j_to_tops_per_w(1e-12) == pytest.approx(2.0)
    assert mac.arrays_needed(65536, 256) == 1.0
    assert mac.arrays_needed(65537, 256) == 2.0
    with pytest.raises(ValueError):
        mac.arrays_needed(10, 0)


def test_measured_ratio_is_best_gpu_over_best_peer_reviewed_analog_chip():
    chips, acc = data.load_table("analog_chips"), data.load_table("accelerators")
    meas, dig = mac.measured_8(chips, acc)
    assert set(meas["claim_type"]) == {"peer-reviewed"}
    assert meas["substrate"].map(mac.is_analog_in_memory).all()
    assert mac.measured_ratio_8(chips, acc) == pytest.approx(
        dig["tops_per_w"].max() / meas["tops_per_w"].max()
    )


# --------------------------------------------------------------------------- baselines
@given(bits=st.floats(2.0, 16.0), reuse=st.floats(1.0, 1e5), rows=st.integers(16, 4096))
def test_weight_stationary_digital_is_the_hbm_one_without_its_dram_term(bits, reuse, rows):
    hbm = mac.digital_mac_breakdown(bits, ANCHORS, dram_reuse=reuse).iloc[0]
    ws = mac.digital_mac_breakdown(bits, ANCHORS, dram_reuse=reuse, hbm=False).iloc[0]
    assert ws["dram_j"] == 0 and ws["total_j"] == pytest.approx(hbm["total_j"] - hbm["dram_j"])
    # a cheaper digital baseline can only make analog look worse
    assert mac.energy_ratio(
        bits, ANCHORS, dram_reuse=reuse, array_rows=rows, hbm=False
    ) >= mac.energy_ratio(bits, ANCHORS, dram_reuse=reuse, array_rows=rows) * (1 - 1e-12)


@given(reuse=st.floats(1.0, 1e4), w=st.floats(1.0, 300.0))
def test_the_weight_stationary_crossover_is_never_above_the_hbm_one(reuse, w):
    hbm = mac.crossover_headline(ANCHORS, dram_reuse=reuse, walden_fj=w)[0]
    ws = mac.crossover_headline(ANCHORS, dram_reuse=reuse, walden_fj=w, hbm=False)[0]
    assert ws <= hbm + 1e-9


def test_the_hbm_crossover_tends_to_the_weight_stationary_one_as_reuse_grows():
    ws = mac.crossover(ANCHORS, hbm=False)[0]
    gaps = [mac.crossover(ANCHORS, dram_reuse=r)[0] - ws for r in (16, 256, 4096, 1e6)]
    assert all(np.diff(gaps) < 0) and abs(gaps[-1]) < 0.01


@given(bits=st.floats(2.0, 16.0), reuse=st.floats(1.0, 1e4))
def test_streaming_the_weights_never_helps_analog(bits, reuse):
    kept = mac.energy_ratio(bits, ANCHORS, dram_reuse=reuse)
    streamed = mac.weights_streamed_ratio(bits, ANCHORS, dram_reuse=reuse)
    assert streamed >= kept
    # hand-worked: the weight is one of the two operands the digital MAC brings from HBM
    d = mac.digital_mac_breakdown(bits, ANCHORS, dram_reuse=reuse).iloc[0]
    assert streamed == pytest.approx(kept + d["dram_j"] / 2 / d["total_j"])


def test_accumulator_width_and_capacity_hand_worked():
    assert mac.accumulator_bits(8, 256) == 24  # 2 x 8 + log2(256)
    assert mac.accumulator_bits(8, 300) == 25  # a partial power of two needs the next bit
    assert mac.units_needed(70e9, 4.194304e6) == math.ceil(70e9 / 4.194304e6)
    assert mac.units_needed(0, 1.0) == 0
    with pytest.raises(ValueError):
        mac.units_needed(1.0, 0.0)


def test_measured_ratios_cover_every_peer_reviewed_chip_including_worse_than_a_gpu():
    chips, acc = data.load_table("analog_chips"), data.load_table("accelerators")
    meas, dig = mac.measured_8(chips, acc)
    r = mac.measured_ratios_8(chips, acc)
    assert len(r) == len(meas)
    assert np.allclose(np.sort(r), np.sort(dig["tops_per_w"].max() / meas["tops_per_w"]))
    assert r.min() == mac.measured_ratio_8(chips, acc)
    # HERMES in its four-phase mode (2.48 TOPS/W) uses more energy per operation than the
    # best GPU: the prior must reach above 1
    assert r.max() > 1


@given(
    bits=st.floats(1.0, 12.0),
    a=st.integers(4, 512),
    c=st.integers(2, 512),
    a2=st.integers(4, 512),
    c2=st.integers(2, 512),
)
def test_a_networks_energy_is_its_layers_weighted_by_their_macs(bits, a, c, a2, c2):
    """Each layer is charged in an array of its own fan-in and fan-out and weighted by its
    MACs; a one-layer network is that layer's array."""
    one = mac.network_mac_energy_j(bits, [(a, c)], ANCHORS)
    assert one == pytest.approx(mac.analog_mac_energy_j(bits, ANCHORS, array_rows=a, array_cols=c))
    two = mac.network_mac_energy_j(bits, [(a, c), (a2, c2)], ANCHORS)
    e1 = mac.analog_mac_energy_j(bits, ANCHORS, array_rows=a, array_cols=c)
    e2 = mac.analog_mac_energy_j(bits, ANCHORS, array_rows=a2, array_cols=c2)
    assert two == pytest.approx((a * c * e1 + a2 * c2 * e2) / (a * c + a2 * c2))


@given(bits=st.floats(1.0, 12.0), a=st.integers(8, 512), c=st.integers(2, 512))
def test_a_smaller_fan_in_shares_each_conversion_over_fewer_products(bits, a, c):
    """Halving a layer's fan-in can only raise its energy per MAC (ADC, thermal floor and
    output movement are shared over fewer rows)."""
    assert mac.network_mac_energy_j(bits, [(a // 2, c)], ANCHORS) >= mac.network_mac_energy_j(
        bits, [(a, c)], ANCHORS
    ) * (1 - 1e-12)
    with pytest.raises(ValueError):
        mac.network_mac_energy_j(bits, [], ANCHORS)
