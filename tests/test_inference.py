"""The inference chapter's roofline: hand-worked cases, limits, invariances and a simulated
null for the check against public measurements."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from energybook import data
from energybook.chapters.inference import model as m
from energybook.chapters.inference import model_check as mc
from energybook.chapters.inference import model_hardware as mh
from energybook.chapters.inference import page
from energybook.chapters.inference.params import GPUS, PRECISIONS, Params
from energybook.chapters.inference.spec import SPEC
from energybook.params import ParameterError


@pytest.fixture(scope="module")
def tables():
    return data.load_tables(page.TABLES)


@pytest.fixture(scope="module")
def lookups(tables):
    return (mh.all_measured_constants(tables["gpu_runs"]), mh.datasheets(tables["accelerators"]),
            mh.memory_types(tables["inference_gpus"]))


def hw_of(lookups, chip="H100 SXM", precision="bf16") -> m.Hardware:
    return mh.hardware(chip, precision, *lookups)


#: A toy chip whose numbers make hand arithmetic easy.
TOY = m.Hardware(chip="toy", precision="bf16", flop_j=1e-12, byte_j=100e-12, static_w=100.0,
                 power_limit_w=1e6, flop_per_s=1e15, bytes_per_s=1e12, memory_bytes=1e12,
                 measured=False, reference="toy")


# --------------------------------------------------------------------------- hand-worked
def test_one_decode_step_by_hand():
    """A 1 B-parameter toy model, one GPU, batch 2 at context 9: every term by hand."""
    shape = m.Shape(params=1e9, layers=10, width=1000, kv_width=100)
    s = m.step(shape, TOY, batch=2, tokens=1, context=9, n_gpus=1)
    flop = 2 * 1e9 * 2 + 4 * 10 * 1000 * 2 * 1 * (9 + 1)           # weights + attention
    kv = 2 * (9 + 1) * (2 * 10 * 100 * 2)                         # read 9, write 1, 16-bit
    act = 2 * 16 * 1000 * 10 * 2
    moved = 1e9 * 2 + kv + act
    assert float(s.flop) == pytest.approx(flop)
    assert float(s.bytes) == pytest.approx(moved)
    time = max(flop / 1e15, moved / 1e12)                         # memory-bound: 2 ms
    assert float(s.time_s) == pytest.approx(time)
    assert int(s.regime) == m.MEMORY
    assert float(s.energy_j) == pytest.approx(flop * 1e-12 + moved * 100e-12 + 100 * time)


def test_the_power_limit_is_a_roof():
    """With a low power limit the step slows until its dynamic power fits under it."""
    low = m.Hardware(**{**TOY.__dict__, "power_limit_w": 150.0})
    shape = m.Shape(params=1e9, layers=10, width=1000, kv_width=100)
    s = m.step(shape, low, batch=1, tokens=1, context=0, n_gpus=1)
    dynamic = float(s.energy_flop_j + s.energy_bytes_j)
    assert int(s.regime) == m.POWER
    assert float(s.time_s) == pytest.approx(dynamic / (150.0 - 100.0))


# --------------------------------------------------------------------------- limits
@given(st.floats(1, 1000), st.sampled_from(GPUS), st.sampled_from(PRECISIONS))
def test_at_batch_one_decode_is_weight_reads_plus_static(lookups, params_b, chip, precision):
    """Batch 1, (almost) no context: a token costs the weights' bytes x e_byte plus static
    power while they are read (under the bandwidth and the power limit); the arithmetic, the
    KV cache, activations and all-reduces only add their small share."""
    hw = hw_of(lookups, chip, precision)
    shape = m.dense_shape(params_b)
    n = max(1, math.ceil(m.weight_bytes(shape, precision) / hw.memory_bytes))
    r = m.response(shape, hw, batch=1, prompt_tokens=0, output_tokens=1, n_gpus=n)
    w = m.weight_bytes(shape, precision)
    headroom = n * (hw.power_limit_w - hw.static_w)
    floor = w * hw.byte_j + n * hw.static_w * max(w / (n * hw.bytes_per_s),
                                                  w * hw.byte_j / headroom)
    flop = 2 * shape.params + 4 * shape.layers * shape.width
    other = (shape.activation_bytes_per_token + shape.kv_bytes_per_token
             + 16 * (n - 1) * shape.layers * shape.width)
    ceiling = (floor + flop * hw.flop_j + other * hw.byte_j) * (
        1 + n * hw.static_w / headroom)
    energy = float(r.j_per_output_token[0])
    assert floor <= energy * (1 + 1e-12) and energy <= ceiling * (1 + 1e-12)
    assert energy / floor < 1.02


@given(st.floats(200, 2000), st.sampled_from(["H100 SXM", "H200 SXM"]))
def test_at_large_batch_decode_approaches_two_flops_per_parameter(lookups, params_b, chip):
    """Huge batch, short context: the weights amortize away and a token costs its 2N FLOPs
    (with static power while they run); what remains is activation traffic, O(1/width)."""
    hw = hw_of(lookups, chip)
    shape = m.dense_shape(params_b)
    s = m.step(shape, hw, batch=1e7, tokens=1, context=0, n_gpus=1)
    per_token = float(s.energy_j) / 1e7
    limit = 2 * shape.params * (hw.flop_j + hw.static_w / hw.flop_per_s)
    assert 1.0 <= per_token / limit < 1.03
    bigger = m.step(shape, hw, batch=1e8, tokens=1, context=0, n_gpus=1)
    assert float(bigger.energy_j) / 1e8 <= per_token * (1 + 1e-12)


@given(st.floats(1, 500), st.integers(1, 4096), st.integers(1, 2048),
       st.sampled_from(GPUS), st.sampled_from(PRECISIONS), st.sampled_from([1, 2, 4, 8]),
       st.floats(0.1, 1.0))
def test_energy_per_token_never_rises_with_batch_while_the_kv_cache_fits(
        lookups, params_b, prompt, output, chip, precision, n, utilization):
    hw = m.with_utilization(hw_of(lookups, chip, precision), utilization)
    shape = m.dense_shape(params_b)
    top = m.max_batch(shape, hw, n, prompt + output)
    if top < 2:
        return
    grid = page.batch_grid(min(top, 2048), 25)
    r = m.response(shape, hw, batch=grid, prompt_tokens=prompt, output_tokens=output,
                   n_gpus=n)
    for per in (r.j_per_output_token, r.j_per_prompt_token, r.j_per_response):
        assert np.all(np.diff(per) <= 1e-9 * per[:-1])


def test_fp8_halves_the_weight_bytes(lookups):
    for params_b in (1.0, 70.0, 405.0):
        shape = m.dense_shape(params_b)
        assert m.weight_bytes(shape, "fp8") == m.weight_bytes(shape, "bf16") / 2
        bf16, fp8 = (m.step(shape, hw_of(lookups, precision=p), batch=1, tokens=1, context=0,
                            n_gpus=8) for p in ("bf16", "fp8"))
        assert float(bf16.bytes - fp8.bytes) == pytest.approx(m.weight_bytes(shape, "fp8"))


@given(st.floats(1, 1000), st.integers(1, 1024), st.integers(0, 8192),
       st.sampled_from(GPUS), st.sampled_from([1, 2, 4, 8]))
def test_no_step_draws_more_than_the_power_limit(lookups, params_b, batch, context, chip, n):
    hw = hw_of(lookups, chip)
    s = m.step(m.dense_shape(params_b), hw, batch=batch, tokens=1, context=context, n_gpus=n)
    per_gpu_w = float(s.energy_j / s.time_s) / n
    assert per_gpu_w <= hw.power_limit_w * (1 + 1e-9)
    assert per_gpu_w >= hw.static_w


@given(st.floats(1, 1000), st.integers(1, 256), st.integers(1, 4096))
def test_tensor_parallelism_changes_energy_only_by_its_all_reduces(
        lookups, params_b, batch, context):
    """Splitting a model over n GPUs divides the time by n and multiplies static power by n:
    without communication the energy would be the same; the all-reduce bytes are the only
    difference (when the same roof binds)."""
    hw = m.Hardware(**{**hw_of(lookups).__dict__, "power_limit_w": 1e9})
    shape = m.dense_shape(params_b)
    one = m.step(shape, hw, batch=batch, tokens=1, context=context, n_gpus=1)
    eight = m.step(shape, hw, batch=batch, tokens=1, context=context, n_gpus=8)
    comm = 2 * shape.layers * 4 * 7 * batch * shape.width * 2
    assert float(eight.bytes - one.bytes) == pytest.approx(comm)
    if int(one.regime) == int(eight.regime) == m.MEMORY:
        assert float(eight.energy_j - one.energy_j) == pytest.approx(
            comm * hw.byte_j + hw.static_w * comm / hw.bytes_per_s, rel=1e-6)


# --------------------------------------------------------------------------- identities
def test_the_ridge_point_is_an_identity_of_the_hardware(lookups):
    """At the ridge batch (KV cache and activations aside) arithmetic time equals the time to
    read the weights, whatever the model size."""
    for chip in GPUS:
        for precision in PRECISIONS:
            hw = hw_of(lookups, chip, precision)
            b = m.compute_bound_batch(hw)
            for params_b in (7.0, 70.0, 700.0):
                shape = m.dense_shape(params_b)
                arithmetic = 2 * shape.params * b / hw.flop_per_s
                reading = m.weight_bytes(shape, precision) / hw.bytes_per_s
                assert arithmetic == pytest.approx(reading)


def test_the_context_aware_ridge_moves_out_and_vanishes_with_context(lookups):
    hw, shape = hw_of(lookups), m.dense_shape(70)
    short = m.compute_bound_batch_at(shape, hw, 0, 1)
    assert short > m.compute_bound_batch(hw)          # the KV cache only adds memory time
    never = m.never_compute_bound_context(shape, hw, 1)
    assert m.compute_bound_batch_at(shape, hw, never * 0.99, 1) < math.inf
    assert m.compute_bound_batch_at(shape, hw, never * 1.01, 1) == math.inf
    # at the context-aware ridge the two times are equal
    b = m.compute_bound_batch_at(shape, hw, 500, 1)
    s = m.step(shape, m.Hardware(**{**hw.__dict__, "power_limit_w": 1e9}), batch=b, tokens=1,
               context=500, n_gpus=1)
    assert float(s.flop) / hw.flop_per_s == pytest.approx(float(s.bytes) / hw.bytes_per_s)


def test_scaling_a_measured_chip_to_itself_is_the_identity(lookups):
    """The datasheet scaling applied to the H200 with the H200 run as reference returns the
    measured constants: the scaling adds nothing of its own."""
    constants, sheets, _ = lookups
    for chip, gpu in mh.MEASURED.items():
        c = constants[gpu]
        hw = mh.hardware(chip, "bf16", constants, sheets, {})
        assert hw.flop_j == pytest.approx(c["flop_j_bf16"])
        assert hw.byte_j == pytest.approx(c["byte_j"])
        assert hw.static_w == pytest.approx(c["idle_w"])
        assert hw.bytes_per_s == pytest.approx(c["bytes_per_s"])
        assert hw.measured


def test_the_measured_energies_are_incremental_and_in_the_issue_range(lookups):
    """Board minus idle power over delivered rate: about 0.86 pJ per BF16 FLOP and 130-135 pJ
    per byte on both cards (the issue's reading of the same runs)."""
    constants = lookups[0]
    for gpu in ("H100", "H200"):
        c = constants[gpu]
        assert 0.8e-12 < c["flop_j_bf16"] < 0.9e-12
        assert 125e-12 < c["byte_j"] < 140e-12
        assert c["flop_j_fp8"] < c["flop_j_bf16"]
        assert 100 < c["idle_w"] < 130


def test_a_scaled_chip_keeps_the_reference_shares(lookups):
    """An estimated chip delivers the same share of its datasheet peak and bandwidth as its
    reference, and its GEMM draws its board power."""
    constants, sheets, memory = lookups
    b200, h200 = hw_of(lookups, "B200"), hw_of(lookups, "H200 SXM")
    assert not b200.measured and mh.reference_gpu("B200", memory) == "H200"
    share = lambda hw, chip: hw.flop_per_s / (sheets[chip]["bf16_tflops"] * 1e12)  # noqa: E731
    assert share(b200, "B200") == pytest.approx(share(h200, "H200 SXM"))
    gemm_w = lambda hw: hw.static_w + hw.flop_j * hw.flop_per_s  # noqa: E731
    assert gemm_w(b200) / sheets["B200"]["board_power_w"] == pytest.approx(
        gemm_w(h200) / sheets["H200 SXM"]["board_power_w"])


def test_the_facility_factor_is_the_split_times_pue(tables):
    split = tables["serving_overheads"]
    o = page._overheads(split)
    parts = split.set_index("part")["energy_wh"]
    assert o.facility_factor(1.0) == pytest.approx(
        (parts["accelerators"] + parts["host"] + parts["idle"]) / parts["accelerators"])
    # Google's own overhead row over its IT energy is its PUE (about 1.09): the split is whole
    it = parts["accelerators"] + parts["host"] + parts["idle"]
    assert (it + parts["facility"]) / it == pytest.approx(1.09, abs=0.01)
    assert m.boundary_factor("gpu", o, 1.5) == 1.0
    assert m.boundary_factor("facility", o, 1.5) == pytest.approx(o.facility_factor(1.0) * 1.5)


# --------------------------------------------------------------------------- the check
def _synthetic_points(lookups, overheads, utilization):
    """Points generated by the model itself at several configurations and boundaries."""
    rows = []
    for i, (params_b, chip, n, prec, batch, boundary, unit) in enumerate([
            (8, "H100 SXM", 1, "bf16", 64, "gpu", "J/output token"),
            (70, "B200", 2, "bf16", 100000, "gpu", "J/output token"),   # capped by the KV
            (405, "H100 SXM", 8, "fp8", 16, "facility", "Wh/prompt")]):
        hw = m.with_utilization(hw_of(lookups, chip, prec), utilization)
        shape = m.dense_shape(params_b)
        ran = mc.run_batch(shape, hw, batch=batch, prompt_tokens=500, output_tokens=300,
                           n_gpus=n)
        r = m.response(shape, hw, batch=ran, prompt_tokens=500, output_tokens=300, n_gpus=n)
        joules = float(r.j_per_response[0]) * m.boundary_factor(boundary, overheads, 1.3)
        value = joules / 300 if unit == "J/output token" else joules / 3600
        rows.append(dict(point_id=f"p{i}", series="synthetic", model="m", architecture="dense",
                         model_params_b=params_b, gpu=chip, n_gpus=n, precision=prec,
                         batch_size=batch, prompt_tokens=500, output_tokens=300, value=value,
                         unit=unit, boundary=boundary, flop_utilization=math.nan, pue=1.3,
                         tier="measured", checked="primary"))
    return pd.DataFrame(rows)


@pytest.mark.parametrize("utilization", [1.0, 0.5])
def test_points_made_by_the_model_itself_give_a_ratio_of_one(tables, lookups, utilization):
    """A simulated null: whatever the boundary, unit and KV cap, the check recovers a model
    that generated the 'measurements' exactly."""
    o = page._overheads(tables["serving_overheads"])
    pts = _synthetic_points(lookups, o, utilization)
    hw = {(c, p): hw_of(lookups, c, p) for c, p in zip(pts["gpu"], pts["precision"],
                                                          strict=True)}
    got = mc.compare(pts, hw, {}, o, utilization)
    assert np.allclose(got["ratio"], 1.0)
    assert mc.median_ratio(got) == pytest.approx(1.0)
    # and a point ten times the model's value gives 0.1
    pts.loc[0, "value"] *= 10
    assert mc.compare(pts, hw, {}, o, utilization)["ratio"].iloc[0] == pytest.approx(0.1)


def test_the_batch_at_a_flop_utilization_reaches_it_and_no_smaller_batch_does(lookups):
    hw, shape = hw_of(lookups), m.dense_shape(100)
    peak = 989.4e12
    b = mc.batch_at_flop_utilization(shape, hw, target=0.10, peak_flop_per_s=peak,
                                     prompt_tokens=0, output_tokens=500, n_gpus=8)

    def mfu(batch):
        r = m.response(shape, hw, batch=batch, prompt_tokens=0, output_tokens=500, n_gpus=8)
        return float(m.flop_utilization(r, peak, 8)[0])

    assert mfu(b) >= 0.10 > mfu(b - 1)


def test_undisclosed_points_are_kept_without_a_ratio(tables):
    ev = page.evaluate(Params(), tables)
    gemini = ev.compared[ev.compared["series"] == "Google, Gemini Apps"]
    assert len(gemini) == 2 and gemini["ratio"].isna().all()
    assert (gemini["reason"] != "").all()


def test_every_public_point_names_its_boundary_and_source(tables):
    pts = tables["inference_measurements"]
    assert set(pts["boundary"]) <= {"gpu", "accelerators", "facility"}
    assert pts[["source_publisher", "source_title", "source_url", "tier", "checked"]] \
        .notna().all().all()
    # every ML.ENERGY point runs on hardware the chapter models
    mle = pts[pts["series"].str.startswith("ML.ENERGY")]
    assert set(mle["gpu"]) <= set(GPUS) and (mle["tier"] == "measured").all()
    assert (pts[pts["series"] == "Epoch AI estimate"]["tier"] == "estimated").all()


# --------------------------------------------------------------------------- refusals
def test_a_model_that_does_not_fit_is_refused_with_the_memory_named(tables):
    with pytest.raises(ParameterError) as e:
        SPEC.validate({"model_params_b": 405, "n_gpus": 1}, tables=tables)
    msg = str(e.value)
    assert "810 GB of weights" in msg and "72 GB" in msg and "n_gpus" in msg
    # the memory named is the model's own arithmetic
    hw = hw_of((mh.all_measured_constants(tables["gpu_runs"]),
                mh.datasheets(tables["accelerators"]), mh.memory_types(tables["inference_gpus"])))
    need = m.memory_needed_bytes(m.dense_shape(405), "bf16", 64, 634 + 717)
    assert f"needs {need / 1e9:,.0f} GB" in msg
    assert m.memory_available_bytes(hw, 1) == pytest.approx(72e9)


def test_the_largest_batch_that_fits_is_accepted_and_one_more_is_refused(tables, lookups):
    hw, shape = hw_of(lookups), m.dense_shape(70)
    top = m.max_batch(shape, hw, 4, 634 + 717)
    SPEC.validate({"batch_size": top}, tables=tables)
    with pytest.raises(ParameterError, match=f"at most batch_size {top} fits"):
        SPEC.validate({"batch_size": top + 1}, tables=tables)


def test_bad_model_input_is_a_plain_value_error():
    with pytest.raises(ValueError):
        m.dense_shape(-1)
    with pytest.raises(ValueError):
        m.step(m.dense_shape(1), TOY, batch=0, tokens=1, context=0, n_gpus=1)
    with pytest.raises(ValueError):
        m.with_utilization(TOY, 0)
    with pytest.raises(ValueError):
        mh.reference_gpu("TPU v7", {})


# --------------------------------------------------------------------------- the page
def test_headlines_are_the_declared_ones_and_finite(tables):
    ev = page.evaluate(Params(), tables)
    h = page.headlines(ev)
    assert list(h) == [x.name for x in SPEC.headlines]
    assert all(math.isfinite(v) for v in h.values())
    assert 0 < h["data_movement_share_pct"] < 100


def test_the_facility_boundary_scales_every_energy_headline(tables):
    gpu = page.headlines(page.evaluate(Params(), tables))
    fac = page.headlines(page.evaluate(Params(boundary="facility", pue=1.3), tables))
    factor = page._overheads(tables["serving_overheads"]).facility_factor(1.3)
    for k in ("j_per_output_token", "wh_per_response"):
        assert fac[k] == pytest.approx(gpu[k] * factor)
    for k in ("compute_bound_batch", "data_movement_share_pct", "median_ratio"):
        assert fac[k] == pytest.approx(gpu[k])


def test_batching_saves_an_order_of_magnitude_against_batch_one(tables):
    n = page.numbers(page.evaluate(Params(), tables))
    assert n["batch1_over_max_batch"] > 10
    assert n["batch1_movement_share_pct"] > n["max_batch_movement_share_pct"]


def test_misalignment_costs_little_when_memory_bound_and_much_when_compute_bound(tables):
    n = page.numbers(page.evaluate(Params(), tables))
    assert 0 < n["misaligned_penalty_pct_batch1"] < n["misaligned_penalty_pct_chosen"] \
        < n["misaligned_penalty_pct_max_batch"]
    # the per-token penalty can never exceed the larger of the per-FLOP energy and time ratios
    bound = max(n["misaligned_energy_ratio"], 1 / n["misaligned_rate_ratio"])
    assert n["misaligned_penalty_pct_max_batch"] <= 100 * (bound - 1) * (1 + 1e-9)
