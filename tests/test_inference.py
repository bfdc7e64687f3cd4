"""The inference chapter's roofline: hand-worked cases, limits, invariances and a simulated
null for the check against public measurements."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from energybook import data
from energybook import gpu_energy as ge
from energybook.chapters.inference import model as m
from energybook.chapters.inference import model_check as mc
from energybook.chapters.inference import model_hardware as mh
from energybook.chapters.inference import page
from energybook.chapters.inference.params import GPUS, PRECISIONS, Params
from energybook.chapters.inference.spec import SPEC
from energybook.chapters.measured import model as mm
from energybook.chapters.measured import page as measured_page
from energybook.chapters.measured.params import Params as MeasuredParams
from energybook.params import ParameterError


@pytest.fixture(scope="module")
def tables():
    return data.load_tables(tuple(dict.fromkeys(page.TABLES + measured_page.TABLES)))


@pytest.fixture(scope="module")
def summary(tables):
    return mh.corrected_summary(tables["gpu_runs"])


@pytest.fixture(scope="module")
def lookups(tables, summary):
    return (
        mh.all_measured_constants(summary),
        mh.datasheets(tables["accelerators"]),
        mh.memory_types(tables["inference_gpus"]),
        mh.link_bandwidths(tables["inference_gpus"]),
    )


@pytest.fixture(scope="module")
def ev(tables):
    return page.evaluate(Params(), tables)


def hw_of(lookups, chip="H100 SXM", precision="bf16") -> m.Hardware:
    return mh.hardware(chip, precision, *lookups)


#: A toy chip whose numbers make hand arithmetic easy.
TOY = m.Hardware(
    chip="toy",
    precision="bf16",
    flop_j=1e-12,
    byte_j=100e-12,
    static_w=100.0,
    power_limit_w=1e6,
    flop_per_s=1e15,
    bytes_per_s=1e12,
    memory_bytes=1e12,
    measured=False,
    reference="toy",
)


# --------------------------------------------------------------------------- hand-worked
def test_one_decode_step_by_hand():
    """A 1 B-parameter toy model, one GPU, batch 2 at context 9: every term by hand."""
    shape = m.Shape(params=1e9, layers=10, width=1000, kv_width=100)
    s = m.step(shape, TOY, batch=2, tokens=1, context=9, n_gpus=1)
    flop = 2 * 1e9 * 2 + 4 * 10 * 1000 * 2 * 1 * (9 + 1)  # weights + attention
    kv = 2 * (9 + 1) * (2 * 10 * 100 * 2)  # read 9, write 1, 16-bit
    act = 2 * 16 * 1000 * 10 * 2
    moved = 1e9 * 2 + kv + act
    assert float(s.flop) == pytest.approx(flop)
    assert float(s.bytes) == pytest.approx(moved)
    time = max(flop / 1e15, moved / 1e12)  # memory-bound: 2 ms
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
@given(st.floats(1, 400), st.sampled_from(GPUS), st.sampled_from(PRECISIONS))
def test_at_batch_one_decode_is_weight_reads_plus_static(lookups, params_b, chip, precision):
    """Batch 1, (almost) no context: a token costs the weights' bytes x e_byte plus static
    power while they are read (under the bandwidth and the power limit); the arithmetic, the
    KV cache, activations and all-reduces (bytes and link time) only add their small share."""
    hw = hw_of(lookups, chip, precision)
    shape = m.dense_shape(params_b)
    n = max(1, math.ceil(m.weight_bytes(shape, precision) / hw.memory_bytes))
    if n > m.MAX_GPUS_PER_NODE:
        return
    r = m.response(shape, hw, batch=1, prompt_tokens=0, output_tokens=1, n_gpus=n)
    w = m.weight_bytes(shape, precision)
    headroom = n * (hw.power_limit_w - hw.static_w)
    floor = w * hw.byte_j + n * hw.static_w * max(
        w / (n * hw.bytes_per_s), w * hw.byte_j / headroom
    )
    flop = 2 * shape.params + 4 * shape.layers * shape.width
    other = (
        shape.activation_bytes_per_token
        + shape.kv_bytes_per_token
        + 16 * (n - 1) * shape.layers * shape.width
    )
    link_s = (
        0.0
        if n == 1
        else 2
        * shape.layers
        * (m.ALLREDUCE_LATENCY_S + 2 * (n - 1) / n * shape.width * 2 / hw.link_bytes_per_s)
    )
    ceiling = (floor + flop * hw.flop_j + other * hw.byte_j) * (
        1 + n * hw.static_w / headroom
    ) + n * hw.static_w * link_s
    energy = float(r.j_per_output_token[0])
    assert floor <= energy * (1 + 1e-12) and energy <= ceiling * (1 + 1e-12)
    assert energy / floor < 1.02 + n * hw.static_w * link_s / floor


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


@given(
    st.floats(1, 500),
    st.integers(1, 4096),
    st.integers(1, 2048),
    st.sampled_from(GPUS),
    st.sampled_from(PRECISIONS),
    st.sampled_from([1, 2, 4, 8]),
    st.floats(0.1, 1.0),
)
def test_energy_per_token_never_rises_with_batch_while_the_kv_cache_fits(
    lookups, params_b, prompt, output, chip, precision, n, utilization
):
    hw = m.with_utilization(hw_of(lookups, chip, precision), utilization)
    shape = m.dense_shape(params_b)
    top = m.max_batch(shape, hw, n, prompt + output)
    if top < 2:
        return
    grid = page.batch_grid(min(top, 2048), 25)
    r = m.response(shape, hw, batch=grid, prompt_tokens=prompt, output_tokens=output, n_gpus=n)
    for per in (r.j_per_output_token, r.j_per_prompt_token, r.j_per_response):
        assert np.all(np.diff(per) <= 1e-9 * per[:-1])


def test_fp8_halves_the_weight_bytes(lookups):
    for params_b in (1.0, 70.0, 405.0):
        shape = m.dense_shape(params_b)
        assert m.weight_bytes(shape, "fp8") == m.weight_bytes(shape, "bf16") / 2
        bf16, fp8 = (
            m.step(shape, hw_of(lookups, precision=p), batch=1, tokens=1, context=0, n_gpus=8)
            for p in ("bf16", "fp8")
        )
        assert float(bf16.bytes - fp8.bytes) == pytest.approx(m.weight_bytes(shape, "fp8"))


@given(
    st.floats(1, 1000),
    st.integers(1, 1024),
    st.integers(0, 8192),
    st.sampled_from(GPUS),
    st.sampled_from([1, 2, 4, 8]),
)
def test_no_step_draws_more_than_the_power_limit(lookups, params_b, batch, context, chip, n):
    hw = hw_of(lookups, chip)
    s = m.step(m.dense_shape(params_b), hw, batch=batch, tokens=1, context=context, n_gpus=n)
    per_gpu_w = float(s.energy_j / s.time_s) / n
    assert per_gpu_w <= hw.power_limit_w * (1 + 1e-9)
    assert per_gpu_w >= hw.static_w


def _ring_allreduce_bytes_sent(n: int, size: float) -> list[float]:
    """Simulate a ring all-reduce of ``size`` bytes over ``n`` GPUs, chunk by chunk: a
    reduce-scatter and an all-gather of n - 1 steps each, every GPU passing one chunk of
    size / n to its neighbour per step. Returns what each GPU sent."""
    sent = [0.0] * n
    for _phase in ("reduce-scatter", "all-gather"):
        for _step in range(n - 1):
            for gpu in range(n):
                sent[gpu] += size / n
    return sent


def test_all_reduce_traffic_is_that_of_a_simulated_ring():
    """The model's all-reduce bytes against a chunk-by-chunk ring: per GPU it sends what the
    ring sends, and memory sees it read once and what it receives written once."""
    shape = m.Shape(params=1e9, layers=10, width=1000, kv_width=100)
    for n in (2, 4, 8):
        for new in (1, 64):
            size = new * shape.width * 2  # 16-bit activations
            ring = _ring_allreduce_bytes_sent(n, size)
            per_step = 2 * shape.layers  # two all-reduces per layer
            assert float(m.allreduce_sent_bytes(shape, new, n)) == pytest.approx(per_step * ring[0])
            # received equals sent in a ring; memory: read the sent, write the received
            assert float(m.allreduce_memory_bytes(shape, new, n)) == pytest.approx(
                per_step * 2 * sum(ring)
            )
    assert float(m.allreduce_sent_bytes(shape, 64, 1)) == 0.0
    assert float(m.allreduce_time_s(shape, TOY, 64, 1)) == 0.0


@given(st.floats(1, 400), st.integers(1, 256), st.integers(1, 4096))
def test_tensor_parallelism_changes_energy_only_by_its_all_reduces(
    lookups, params_b, batch, context
):
    """Splitting a model over n GPUs divides the roofline time by n and multiplies static power
    by n: without communication the energy would be the same; the all-reduces' bytes and link
    time are the only difference (when the memory roof binds on both)."""
    hw = m.Hardware(**{**hw_of(lookups).__dict__, "power_limit_w": 1e9})
    shape = m.dense_shape(params_b)
    one = m.step(shape, hw, batch=batch, tokens=1, context=context, n_gpus=1)
    eight = m.step(shape, hw, batch=batch, tokens=1, context=context, n_gpus=8)
    ring = _ring_allreduce_bytes_sent(8, batch * shape.width * 2)
    comm = 2 * shape.layers * 2 * sum(ring)
    link_s = 2 * shape.layers * (m.ALLREDUCE_LATENCY_S + ring[0] / hw.link_bytes_per_s)
    assert float(eight.bytes - one.bytes) == pytest.approx(comm)
    if int(one.regime) == int(eight.regime) == m.MEMORY:
        assert float(eight.energy_j - one.energy_j) == pytest.approx(
            comm * hw.byte_j + hw.static_w * comm / hw.bytes_per_s + 8 * hw.static_w * link_s,
            rel=1e-6,
        )


def test_more_than_one_node_is_refused():
    shape = m.dense_shape(70)
    with pytest.raises(ValueError, match="one node"):
        m.step(shape, TOY, batch=1, tokens=1, context=0, n_gpus=m.MAX_GPUS_PER_NODE + 1)


# --------------------------------------------------------------------------- identities
def test_the_ridge_point_is_an_identity_of_the_hardware(lookups):
    """At the ridge batch (KV cache and activations aside) arithmetic time equals the time to
    read the weights, whatever the model size."""
    for chip in GPUS:
        for precision in PRECISIONS:
            hw = hw_of(lookups, chip, precision)
            b = m.ridge_batch(hw)
            for params_b in (7.0, 70.0, 700.0):
                shape = m.dense_shape(params_b)
                arithmetic = 2 * shape.params * b / hw.flop_per_s
                reading = m.weight_bytes(shape, precision) / hw.bytes_per_s
                assert arithmetic == pytest.approx(reading)


@given(
    st.floats(1, 400),
    st.integers(0, 8192),
    st.sampled_from(GPUS),
    st.sampled_from(PRECISIONS),
    st.sampled_from([1, 2, 4, 8]),
)
def test_decode_leaves_the_memory_roof_where_the_steps_say_it_does(
    lookups, params_b, context, chip, precision, n
):
    """Below the exit batch every decode step is memory-bound; above it, the named roof binds;
    at it, the memory time equals that roof's time."""
    hw, shape = hw_of(lookups, chip, precision), m.dense_shape(params_b)
    batch, roof = m.memory_roof_exit(shape, hw, context, n)

    def regime(b):
        return int(m.step(shape, hw, batch=b, tokens=1, context=context, n_gpus=n).regime)

    if roof is None:
        assert regime(1) == m.MEMORY and regime(1e7) == m.MEMORY
        return
    if batch > 1.01:
        assert regime(batch * 0.99) == m.MEMORY
    assert regime(max(batch, 1.0) * 1.01 + 1e-9) == roof
    roofs = m.decode_roofs(shape, hw, context, n)
    at = max(batch, 1e-9)
    t = {k: a + c * at for k, (a, c) in roofs.items()}
    if batch > 0:
        assert t[m.MEMORY] == pytest.approx(t[roof], rel=1e-9)


def test_the_exit_batch_names_each_roof_in_a_hand_case():
    """A toy chip: with no power limit to speak of, decode turns compute-bound at the ridge
    (no KV cache, no activations); with a low limit, the power roof takes over first."""
    shape = m.Shape(params=1e9, layers=1e-9, width=1e-9, kv_width=1e-9)  # weights only
    free = m.Hardware(**{**TOY.__dict__, "power_limit_w": 1e12})
    batch, roof = m.memory_roof_exit(shape, free, 0, 1)
    # memory: 2e9 B / 1e12 B/s = 2 ms; compute: 2e9 b FLOP / 1e15 = 2 us x b -> b = 1000
    assert roof == m.COMPUTE and batch == pytest.approx(1000, rel=1e-6)
    assert batch == pytest.approx(m.ridge_batch(free), rel=1e-6)
    capped = m.Hardware(**{**TOY.__dict__, "power_limit_w": 300.0})
    batch, roof = m.memory_roof_exit(shape, capped, 0, 1)
    # power: (2e9 x 1e-10 + b x 2e9 x 1e-12) J / 200 W = 1 ms + 10 us x b -> b = 100
    assert roof == m.POWER and batch == pytest.approx(100, rel=1e-6)


def test_scaling_a_measured_chip_to_itself_is_the_identity(lookups):
    """The datasheet scaling applied to the H200 with the H200 run as reference returns the
    measured constants: the scaling adds nothing of its own."""
    constants, sheets, _, _ = lookups
    for chip, gpu in mh.MEASURED.items():
        c = constants[gpu]
        hw = mh.hardware(chip, "bf16", constants, sheets, {})
        assert hw.flop_j == pytest.approx(c["flop_j_bf16"])
        assert hw.byte_j == pytest.approx(c["byte_j"])
        assert hw.static_w == pytest.approx(c["idle_w"])
        assert hw.bytes_per_s == pytest.approx(c["bytes_per_s"])
        assert hw.measured


def test_the_measured_energies_are_recomputed_from_the_runs_rows(tables, lookups):
    """Each constant from the rows by hand: (board power - idle power) / rate, with the copy's
    bytes read plus written (2 x buffer x iterations) over its duration, and each window's
    power as the measured chapter corrects it (energy over its counted updates)."""
    runs = tables["gpu_runs"]
    windows = mm.latest_windows(runs)
    for gpu in ("H100", "H200"):
        c = lookups[0][gpu]
        mine = windows[windows["run_id"] == c["run_id"]]

        def power(config, mine=mine):
            return mine[mine["config"] == config]["power_w"].mean()

        idle = power("idle")
        copy = mine[mine["config"] == "copy-4096mib"]
        buffer = 4096 * 2**20
        bw = (2 * buffer * copy["iterations"] / copy["duration_s"]).mean()
        assert c["bytes_per_s"] == pytest.approx(bw, rel=2e-3)
        assert c["byte_j"] == pytest.approx((power("copy-4096mib") - idle) / bw, rel=2e-3)
        gemm = mine[mine["config"] == "square-bf16-8192"]
        rate = (2 * 8192**3 * gemm["iterations"] / gemm["duration_s"]).mean()
        assert c["flop_per_s_bf16"] == pytest.approx(rate, rel=2e-3)
        assert c["flop_j_bf16"] == pytest.approx(
            (power("square-bf16-8192") - idle) / rate, rel=2e-3
        )
        assert c["idle_w"] == pytest.approx(idle)
        # a resolved window's power is its energy over a whole number of counter updates
        res = mine[mine["resolved"]]
        assert len(res) > 0
        updates = res["energy_j"] / (res["power_w"] * ge.COUNTER_UPDATE_S)
        assert np.allclose(updates, updates.round(), atol=1e-9)


def test_alignment_ratios_are_one_at_4096_and_recomputed_by_hand(summary):
    t = mh.alignment_ratios(summary, "H100").set_index("hidden_size")
    assert t.loc[4096, "rate_ratio"] == pytest.approx(1.0)  # identity
    assert t.loc[4096, "energy_ratio"] == pytest.approx(1.0)  # identity
    run_id, rows = mh.run_rows(summary, "H100")
    idle = rows.loc["idle", "power_w"]
    a, b = rows.loc["mlp-up-bf16-h4096"], rows.loc["mlp-up-bf16-h4104"]
    assert t.loc[4104, "rate_ratio"] == pytest.approx(
        b["throughput_tflop_per_s"] / a["throughput_tflop_per_s"]
    )
    assert t.loc[4104, "energy_ratio"] == pytest.approx(
        ((b["power_w"] - idle) / b["throughput_tflop_per_s"])
        / ((a["power_w"] - idle) / a["throughput_tflop_per_s"])
    )


#: The configurations the roofline reads, for a small synthetic copy of the runs.
_READ_CONFIGS = (
    "idle",
    "copy-4096mib",
    "square-bf16-8192",
    "square-fp8-8192",
    "mlp-up-bf16-h4096",
    "mlp-up-bf16-h4097",
    "mlp-up-bf16-h4104",
)


def _perturbed_runs(runs: pd.DataFrame, factors, sampled, warm_w) -> pd.DataFrame:
    """The committed rows of the configurations the roofline reads, each window's energy (and
    so its power as read) scaled by one of ``factors`` and its sampled power by one of
    ``sampled``; with ``warm_w``, a warm idle (config ``idle-warm``) at that power is added
    to every run, as a settling run measures last."""
    rows = runs[runs["config"].isin(_READ_CONFIGS)].reset_index(drop=True).copy()
    f = np.resize(np.asarray(factors, dtype=float), len(rows))
    g = np.resize(np.asarray(sampled, dtype=float), len(rows))
    rows["energy_j"] = rows["energy_j"].astype(float) * f
    rows["avg_power_w"] = rows["energy_j"] / rows["duration_s"].astype(float)
    rows["sampled_power_w"] = pd.to_numeric(rows["sampled_power_w"]) * f * g
    if warm_w is not None:
        warm = rows[rows["config"] == "idle"].copy()
        warm["config"] = "idle-warm"
        warm["energy_j"] = warm_w * warm["duration_s"].astype(float)
        warm["avg_power_w"] = float(warm_w)
        warm["sampled_power_w"] = float(warm_w)
        rows = pd.concat([rows, warm], ignore_index=True)
    return rows


@settings(max_examples=12, deadline=None)
@given(
    st.lists(st.floats(0.9, 1.1), min_size=1, max_size=40),
    st.lists(st.floats(0.97, 1.03), min_size=1, max_size=40),
    st.one_of(st.none(), st.floats(60.0, 140.0)),
)
def test_inference_prices_each_run_as_the_measured_chapter_corrects_it(
    tables, factors, sampled, warm_w
):
    """Whatever the windows read, the roofline's per-run constants are the measured chapter's
    corrected numbers of the same run: its idle baseline (the warm idle where there is one),
    its incremental energy per byte of the copy, and (board power - that baseline) over the
    delivered FLOP/s of its GEMMs, as the measured page shows them (its ``copy``,
    ``formats`` and ``shapes`` tables), not the powers as read."""
    runs = _perturbed_runs(tables["gpu_runs"], factors, sampled, warm_w)
    mine = dict(tables)
    mine["gpu_runs"] = runs
    mev = measured_page.evaluate(MeasuredParams(), mine)
    constants = mh.all_measured_constants(page.corrected_runs(runs))
    pd.testing.assert_frame_equal(page.corrected_runs(runs), mev.summary)
    for gpu, run_id in mev.run_ids.items():
        c = constants[gpu]
        assert c["run_id"] == run_id
        idle = mm.idle_power(mev.summary, run_id)
        assert c["idle_w"] == idle["baseline_w"]
        if warm_w is not None:
            assert c["idle_w"] == pytest.approx(warm_w, rel=0.05)
        copy = mev.copy[mev.copy["run_id"] == run_id].iloc[0]
        assert c["byte_j"] * 1e12 == pytest.approx(copy["incremental_pj_per_byte"], rel=1e-12)
        assert c["bytes_per_s"] == pytest.approx(copy["bandwidth_gb_per_s"] * 1e9, rel=1e-12)
        for precision in ("bf16", "fp8"):
            f = mev.formats[
                (mev.formats["run_id"] == run_id) & (mev.formats["format"] == precision)
            ]
            rate = float(f["throughput_tflop_per_s"].iloc[0]) * 1e12
            board = float(f["avg_power_w"].iloc[0])
            assert c[f"flop_per_s_{precision}"] == pytest.approx(rate, rel=1e-12)
            assert c[f"flop_j_{precision}"] == pytest.approx(
                (board - idle["baseline_w"]) / rate, rel=1e-12
            )
        shapes = mev.shapes[mev.shapes["run_id"] == run_id].set_index("hidden_size")
        ratios = mh.alignment_ratios(page.corrected_runs(runs), gpu).set_index("hidden_size")
        for h in (4097, 4104):
            s, a = shapes.loc[h], shapes.loc[4096]
            base = idle["baseline_w"]
            above_s = (s["avg_power_w"] - base) / s["throughput_tflop_per_s"]
            above_a = (a["avg_power_w"] - base) / a["throughput_tflop_per_s"]
            assert ratios.loc[h, "energy_ratio"] == pytest.approx(above_s / above_a, rel=1e-12)
            assert ratios.loc[h, "rate_ratio"] == pytest.approx(
                s["throughput_tflop_per_s"] / a["throughput_tflop_per_s"], rel=1e-12
            )
            assert ratios.loc[h, "power_capped"] == bool(s["power_capped"])
        assert c["misaligned_energy_ratio"] == pytest.approx(ratios.loc[4097, "energy_ratio"])


def test_the_committed_runs_are_read_as_the_measured_page_reads_them(tables, ev):
    """On the committed data the inference page holds the measured page's corrected table,
    row for row, and at least one window it prices was corrected (else the test above could
    not tell corrected from raw)."""
    mev = measured_page.evaluate(MeasuredParams(), tables)
    pd.testing.assert_frame_equal(ev.summary, mev.summary)
    assert mev.windows["corrected"].any()
    raw = tables["gpu_runs"]
    h100 = raw[
        (raw["run_id"] == ev.constants["H100"]["run_id"]) & (raw["config"] == "copy-4096mib")
    ]
    assert ev.constants["H100"]["byte_j"] != pytest.approx(
        (h100["avg_power_w"].mean() - ev.constants["H100"]["idle_w"])
        / (ev.constants["H100"]["bytes_per_s"]),
        rel=1e-3,
    )


def test_a_scaled_chip_keeps_the_reference_shares(lookups):
    """An estimated chip delivers the same share of its datasheet peak and bandwidth as its
    reference, and its GEMM draws its board power."""
    constants, sheets, memory, _ = lookups
    b200, h200 = hw_of(lookups, "B200"), hw_of(lookups, "H200 SXM")
    assert not b200.measured and mh.reference_gpu("B200", memory) == "H200"
    share = lambda hw, chip: hw.flop_per_s / (sheets[chip]["bf16_tflops"] * 1e12)  # noqa: E731
    assert share(b200, "B200") == pytest.approx(share(h200, "H200 SXM"))
    gemm_w = lambda hw: hw.static_w + hw.flop_j * hw.flop_per_s  # noqa: E731
    assert gemm_w(b200) / sheets["B200"]["board_power_w"] == pytest.approx(
        gemm_w(h200) / sheets["H200 SXM"]["board_power_w"]
    )


def test_the_facility_factor_is_the_split_times_pue(tables):
    split = tables["serving_overheads"]
    o = page._overheads(split)
    parts = split.set_index("part")["energy_wh"]
    assert o.facility_factor(1.0) == pytest.approx(
        (parts["accelerators"] + parts["host"] + parts["idle"]) / parts["accelerators"]
    )
    # Google's own overhead row over its IT energy is its PUE (about 1.09): the split is whole
    it = parts["accelerators"] + parts["host"] + parts["idle"]
    assert (it + parts["facility"]) / it == pytest.approx(1.09, abs=0.01)
    assert m.boundary_factor("gpu", o, 1.5) == 1.0
    assert m.boundary_factor("facility", o, 1.5) == pytest.approx(o.facility_factor(1.0) * 1.5)


# --------------------------------------------------------------------------- the check
def _synthetic_points(lookups, overheads, utilization):
    """Points generated by the model itself at several configurations and boundaries."""
    rows = []
    for i, (params_b, chip, n, prec, batch, boundary, unit) in enumerate(
        [
            (8, "H100 SXM", 1, "bf16", 64, "gpu", "J/output token"),
            (70, "B200", 2, "bf16", 100000, "gpu", "J/output token"),  # capped by the KV
            (405, "H100 SXM", 8, "fp8", 16, "facility", "Wh/prompt"),
        ]
    ):
        hw = m.with_utilization(hw_of(lookups, chip, prec), utilization)
        shape = m.dense_shape(params_b)
        ran = mc.run_batch(shape, hw, batch=batch, prompt_tokens=500, output_tokens=300, n_gpus=n)
        r = m.response(shape, hw, batch=ran, prompt_tokens=500, output_tokens=300, n_gpus=n)
        joules = float(r.j_per_response[0]) * m.boundary_factor(boundary, overheads, 1.3)
        value = joules / 300 if unit == "J/output token" else joules / 3600
        rows.append(
            dict(
                point_id=f"p{i}",
                series="synthetic",
                model="m",
                architecture="dense",
                model_params_b=params_b,
                gpu=chip,
                n_gpus=n,
                precision=prec,
                batch_size=batch,
                prompt_tokens=500,
                output_tokens=300,
                value=value,
                unit=unit,
                boundary=boundary,
                flop_utilization=math.nan,
                pue=1.3,
                tier="measured",
                checked="primary",
            )
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("utilization", [1.0, 0.5])
def test_points_made_by_the_model_itself_give_a_ratio_of_one(tables, lookups, utilization):
    """A simulated null: whatever the boundary, unit and KV cap, the check recovers a model
    that generated the 'measurements' exactly."""
    o = page._overheads(tables["serving_overheads"])
    pts = _synthetic_points(lookups, o, utilization)
    hw = {(c, p): hw_of(lookups, c, p) for c, p in zip(pts["gpu"], pts["precision"], strict=True)}
    got = mc.compare(pts, hw, {}, o, utilization)
    assert np.allclose(got["ratio"], 1.0)
    assert mc.median_ratio(got) == pytest.approx(1.0)
    # and a point ten times the model's value gives 0.1
    pts.loc[0, "value"] *= 10
    assert mc.compare(pts, hw, {}, o, utilization)["ratio"].iloc[0] == pytest.approx(0.1)


def test_the_batch_at_a_flop_utilization_reaches_it_and_no_smaller_batch_does(lookups):
    hw, shape = hw_of(lookups), m.dense_shape(100)
    peak = 989.4e12
    b = mc.batch_at_flop_utilization(
        shape, hw, target=0.10, peak_flop_per_s=peak, prompt_tokens=0, output_tokens=500, n_gpus=8
    )

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
    assert set(pts["boundary"]) <= {"gpu", "accelerators", "server", "facility"}
    assert (
        pts[["source_publisher", "source_title", "source_url", "tier", "checked"]]
        .notna()
        .all()
        .all()
    )
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
    hw = hw_of(
        (
            mh.all_measured_constants(mh.corrected_summary(tables["gpu_runs"])),
            mh.datasheets(tables["accelerators"]),
            mh.memory_types(tables["inference_gpus"]),
        )
    )
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
    for k in (
        "memory_roof_exit_batch",
        "data_movement_share_pct",
        "median_ratio_h100",
        "median_ratio_b200",
    ):
        assert fac[k] == pytest.approx(gpu[k])


def test_batching_saves_an_order_of_magnitude_against_batch_one(tables):
    n = page.numbers(page.evaluate(Params(), tables))
    assert n["batch1_over_max_batch"] > 10
    assert n["batch1_movement_share_pct"] > n["max_batch_movement_share_pct"]


def test_misalignment_costs_little_when_memory_bound_and_much_when_compute_bound(tables):
    n = page.numbers(page.evaluate(Params(), tables))
    assert (
        0
        < n["misaligned_penalty_pct_batch1"]
        < n["misaligned_penalty_pct_chosen"]
        < n["misaligned_penalty_pct_max_batch"]
    )
    # the per-token penalty can never exceed the larger of the per-FLOP energy and time ratios
    bound = max(n["misaligned_energy_ratio"], 1 / n["misaligned_rate_ratio"])
    assert n["misaligned_penalty_pct_max_batch"] <= 100 * (bound - 1) * (1 + 1e-9)


# --------------------------------------------------------------------------- review 15
def test_kv_cache_of_a_published_configuration_by_hand(tables):
    """Llama 3.1 70B: 80 layers x 8 KV heads x 128 x 2 (K and V) x 2 bytes per token."""
    shapes = page.published_shapes(tables["inference_model_configs"])
    llama = shapes["Llama 3.1 70B Instruct"]
    assert llama.kv_bytes_per_token == 80 * 8 * 128 * 2 * 2 == 327_680
    assert llama.layers == 80 and llama.width == 8192
    # every ML.ENERGY model runs with its published shape, none with the rule
    c = page.evaluate(Params(), tables).compared
    mle = c[c["series"].str.startswith("ML.ENERGY")]
    assert (mle["shape_source"] == "published configuration").all()


def test_response_energy_identities(lookups):
    """Identities (they follow from the definitions): a response is its prefill and decode;
    the ML.ENERGY-style per-token figure is that over the output tokens."""
    hw, shape = hw_of(lookups), m.dense_shape(70)
    r = m.response(shape, hw, batch=[1, 16, 64], prompt_tokens=100, output_tokens=50, n_gpus=4)
    assert np.allclose(r.j_per_response * r.batch, r.prefill_j + r.decode_j)
    assert np.allclose(r.j_per_output_token_with_prefill * 50, r.j_per_response)
    assert np.allclose(r.j_per_output_token * r.batch * 50, r.decode_j)
    # J <-> Wh: 3,600 J in one Wh
    assert mc.J_PER_WH == page.J_PER_WH == 3600.0


@given(
    st.floats(1, 400),
    st.integers(1, 512),
    st.integers(0, 4096),
    st.floats(0.05, 1.0),
    st.sampled_from([1, 2, 4, 8]),
)
def test_utilization_changes_only_time_and_static_energy(
    lookups, params_b, batch, context, utilization, n
):
    """Slower kernels do the same FLOPs and move the same bytes: the dynamic energy is
    unchanged, only the time (and with it static energy) grows."""
    hw = hw_of(lookups)
    shape = m.dense_shape(params_b)
    full = m.step(shape, hw, batch=batch, tokens=1, context=context, n_gpus=n)
    slow = m.step(
        shape, m.with_utilization(hw, utilization), batch=batch, tokens=1, context=context, n_gpus=n
    )
    assert float(slow.energy_flop_j + slow.energy_bytes_j) == pytest.approx(
        float(full.energy_flop_j + full.energy_bytes_j)
    )
    assert float(slow.time_s) >= float(full.time_s) * (1 - 1e-12)


@given(
    st.floats(1, 400),
    st.integers(1, 1024),
    st.integers(1, 2048),
    st.integers(1, 1024),
    st.sampled_from(GPUS),
    st.sampled_from([1, 2, 4, 8]),
)
def test_a_response_never_draws_more_than_the_power_limit(
    lookups, params_b, batch, prompt, output, chip, n
):
    """The model's own energy over the model's own time, per GPU, never exceeds the limit
    (prefill and decode together, link time included)."""
    hw = hw_of(lookups, chip)
    r = m.response(
        m.dense_shape(params_b),
        hw,
        batch=batch,
        prompt_tokens=prompt,
        output_tokens=output,
        n_gpus=n,
    )
    watts = float((r.prefill_j + r.decode_j)[0] / r.time_s[0]) / n
    assert watts <= hw.power_limit_w * (1 + 1e-9)


def test_the_check_reports_the_models_power_and_the_implied_power(ev):
    """Every compared point: the model's power is under the limit; the implied power is the
    measured energy spread over the model's time (by hand); a point whose implied power is
    above the limit is one where the model's time is too short."""
    pts = mc.measured_points(ev.compared)
    assert (pts["model_power_w"] <= pts["power_limit_w"] * (1 + 1e-9)).all()
    row = pts.iloc[0]
    tokens = row["run_batch"] * row["output_tokens"]
    assert row["implied_power_w"] == pytest.approx(
        row["value"] * tokens / row["model_time_s"] / row["n_gpus"]
    )
    # implied over the model's power is measured over model energy: 1 / ratio (identity)
    assert np.allclose(pts["implied_power_w"] / pts["model_power_w"], 1 / pts["ratio"])


def test_the_power_limit_baseline_recovers_points_it_generated(tables, lookups):
    """The baseline's simulated null: points whose 'measured' energy is n x limit x the model's
    time per token give a baseline ratio of exactly 1, and implied power equal to the limit;
    where the model runs at its power limit throughout, the baseline equals the roofline."""
    o = page._overheads(tables["serving_overheads"])
    pts = _synthetic_points(lookups, o, 1.0).iloc[:2].copy()
    hw = {(c, p): hw_of(lookups, c, p) for c, p in zip(pts["gpu"], pts["precision"], strict=True)}
    first = mc.compare(pts, hw, {}, o, 1.0)
    pts["value"] = first["baseline_value"].to_numpy()
    got = mc.compare(pts, hw, {}, o, 1.0)
    assert np.allclose(got["baseline_ratio"], 1.0)
    assert np.allclose(got["implied_power_w"], got["power_limit_w"])
    at_limit = got[np.isclose(got["model_power_w"], got["power_limit_w"])]
    assert np.allclose(at_limit["ratio"], at_limit["baseline_ratio"])


def test_sign_test_and_bootstrap_by_hand():
    assert mc.sign_test_p(7, 7) == pytest.approx(1 / 128)
    assert mc.sign_test_p(6, 7) == pytest.approx(8 / 128)
    assert mc.sign_test_p(0, 7) == pytest.approx(1.0)
    one = pd.DataFrame(
        {"model": "a", "gpu": "g", "n_gpus": 1, "precision": "bf16", "ratio": [0.7, 0.8, 0.9]}
    )
    assert mc.bootstrap_median(one) == pytest.approx((0.8, 0.8))  # one configuration
    two = pd.concat([one, one.assign(model="b", ratio=[1.1, 1.2, 1.3])])
    lo, hi = mc.bootstrap_median(two, seed=3)
    assert (lo, hi) == mc.bootstrap_median(two, seed=3)  # seeded
    assert lo == pytest.approx(0.8) and hi == pytest.approx(1.2)


def test_the_points_above_one_are_listed_exactly(ev):
    pts = mc.measured_points(ev.compared)
    listed = page.texts(ev)["points_above_one"]
    assert listed.count(" at batch ") == int((pts["ratio"] > 1).sum())
    lowered = ev.compared.copy()
    lowered["ratio"] = lowered["ratio"] * 0.5
    low = page.Evaluation(**{**ev.__dict__, "compared": lowered})
    assert page._points_above_one(low) == "none of the points"


def test_regime_sentences_follow_the_regime(ev):
    """The exit phrase names the roof the model computes; the other-memory sentence calls a
    power-limited regime a prediction, and no other regime."""
    batch, roof = page.memory_roof_exit(ev)
    phrase = page.texts(ev)["memory_roof_exit_phrase"]
    if roof == m.POWER:
        assert "prediction of the additive model" in phrase
    elif roof == m.COMPUTE:
        assert "compute-bound" in phrase and "prediction" not in phrase
    r = ev.respond(ev.hw, ev.P.batch_size)
    sentence = page._other_memory_sentence(ev, "X", r)
    assert ("prediction" in sentence) == (page._regime_steps(r) == m.POWER)
    # a chip with no power limit to speak of is never called power-limited
    free = m.Hardware(**{**ev.hw.__dict__, "power_limit_w": 1e9})
    assert "power" not in page._other_memory_sentence(ev, "X", ev.respond(free, 64))


def test_gap_closed_is_the_share_of_the_distance_to_one(ev):
    base, half, closed = page.gap_closed_pct(ev)
    assert closed == pytest.approx(100 * (half - base) / (1 - base))
    assert half >= base  # slower kernels only add static energy


def test_boundary_conversions_split_into_their_parts(tables, ev):
    """Identities of the data: the Gemini ratio is the boundary effect times the sample
    effect; Epoch's server boundary is the host share (no idle capacity) times its PUE."""
    n = page.numbers(ev)
    assert n["gemini_boundary_effect"] * n["gemini_sample_effect"] == pytest.approx(
        n["gemini_full_over_accelerators"]
    )
    o = ev.overheads
    assert m.boundary_factor("server", o, 1.2) == pytest.approx((1 + o.host_per_accelerator) * 1.2)
    assert m.boundary_factor("server", o, 1.2) < m.boundary_factor("facility", o, 1.2)


def test_the_baseline_verdict_follows_the_log_errors(ev):
    pts = mc.measured_points(ev.compared)
    model_err = mc.median_abs_log_error(pts["ratio"])
    base_err = mc.median_abs_log_error(pts["baseline_ratio"])
    verdict = page.texts(ev)["baseline_verdict"]
    assert ("baseline does at least as well" in verdict) == (base_err <= model_err)


def test_sobol_ranges_fit_and_pue_gets_no_index_at_the_gpu_boundary(tables, lookups):
    """The Sobol ranges lie inside the declared bounds and their largest corner passes the
    memory check on every GPU; at the GPU boundary the headline does not depend on PUE, so
    its total index is about 0; every index lies in [0, 1.05]; and the top input is the one
    whose range moves the headline most one at a time (what a tornado chart would rank)."""
    import dataclasses

    decl = Params.declarations()
    ints = {"batch_size", "context_tokens", "output_tokens"}
    for chip in GPUS:
        P = Params(gpu=chip)
        ranges = page.sensitivity_ranges(P, hw_of(lookups, chip))
        for name, (lo, hi) in ranges.items():
            assert decl[name].min <= lo < hi <= decl[name].max, (chip, name)
        corner = dataclasses.replace(
            P,
            **{
                k: int(hi) if k in ints else hi
                for k, (_, hi) in ranges.items()
                if k != "utilization"
            },
        )
        assert SPEC.check(corner, tables) == [], chip
    P = Params()
    raw = hw_of(lookups)
    ev = page.evaluate(P, tables)
    ranges = {**page.sensitivity_ranges(P, raw), "pue": (1.0, 2.0)}
    idx = page.sobol_indices(P, raw, ev.overheads, ranges, n=64).set_index("parameter")
    assert abs(idx.loc["pue", "ST"]) < 1e-9
    assert ((idx["ST"] >= -0.01) & (idx["ST"] <= 1.05)).all()

    def at(name, v):
        v = int(v) if name in ints else v
        return page.point_j_per_output_token(dataclasses.replace(P, **{name: v}), raw, ev.overheads)

    swing = {k: abs(at(k, hi) - at(k, lo)) for k, (lo, hi) in ranges.items()}
    assert idx["ST"].idxmax() == max(swing, key=lambda k: swing[k]) == page.sobol_top(ev)[0]


def test_a_chip_whose_memory_row_is_unverified_says_so_in_the_constants_table(tables, ev):
    """The reader table of constants marks each chip whose inference_gpus row (memory
    generation, link bandwidth) was not checked, and only those."""
    gpus = tables["inference_gpus"]
    unverified = set(gpus.loc[gpus["checked"] == "unverified", "chip"])
    assert unverified, "the committed table has an unverified row (MI355X)"
    t = page.table_constants(ev).set_index("GPU")
    assert unverified <= set(t.index)
    for chip, source in t["Source"].items():
        assert ("unverified" in source) == (chip in unverified), chip


def test_the_checks_constants_are_those_of_the_table_they_are_given(tables):
    """The check computes the corrected constants once per table object, and a different
    table (here every window read 5% higher) gets its own, not the first one's."""
    from energybook.chapters.inference import spec

    runs = tables["gpu_runs"]
    first = spec.measured_constants(runs)
    assert spec.measured_constants(runs) is first
    assert first == mh.all_measured_constants(mh.corrected_summary(runs))
    other = runs.copy()
    other["energy_j"] = other["energy_j"].astype(float) * 1.05
    other["avg_power_w"] = other["avg_power_w"].astype(float) * 1.05
    other["sampled_power_w"] = pd.to_numeric(other["sampled_power_w"]) * 1.05
    again = spec.measured_constants(other)
    assert again == mh.all_measured_constants(mh.corrected_summary(other))
    assert again["H100"]["idle_w"] != pytest.approx(first["H100"]["idle_w"], rel=1e-3)
