"""What the measured page shows besides its charts: glued numbers and phrases, captions and
reader tables (see the overview chapter's page module for the entry points)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from energybook import data
from energybook import gpu_energy as ge
from energybook.chapters.measured import model
from energybook.chapters.measured.params import Params

TABLES = ("gpu_runs", "accelerators", "vector_peaks")

#: How each number format is named on the page.
FORMAT_LABELS = {
    "fp32": "FP32",
    "tf32": "TF32",
    "bf16": "BF16",
    "fp16": "FP16",
    "fp8": "FP8 (standard accumulation)",
    "fp8fast": "FP8 (fast accumulation)",
}
#: Short names for chart axes.
FORMAT_SHORT = {
    "fp32": "FP32",
    "tf32": "TF32",
    "bf16": "BF16",
    "fp16": "FP16",
    "fp8": "FP8",
    "fp8fast": "FP8 fast acc.",
}
#: How each kind of configuration is named on the page.
KIND_LABELS = {
    "idle": "idle",
    "number_format": "square GEMM",
    "model_shape": "model shape",
    "memory": "memory copy",
}
#: The command that re-measures both cards (one full sweep each, on the card as found).
REMEASURE = "energybook measure --out data/measured"
#: Streaming multiprocessors of the H100 SXM5 and H200 (the same GH100 die configuration),
#: and dense FLOP per clock per SM of each format, from NVIDIA's *NVIDIA H100 Tensor Core
#: GPU Architecture* whitepaper (2022): 128 FP32 cores (256 FLOP as FMA), and 1024, 2048 and
#: 4096 dense tensor-core FMA per clock for TF32, FP16/BF16 and FP8. The datasheet peak
#: over SMs x FLOP per clock gives the clock the peak assumes.
SM_COUNT = 132
FLOP_PER_CLOCK_PER_SM = {
    "fp32": 256,
    "tf32": 2048,
    "bf16": 4096,
    "fp16": 4096,
    "fp8": 8192,
    "fp8fast": 8192,
}


@dataclass(frozen=True)
class Evaluation:
    P: Params
    run_id: str  # the chosen GPU's latest full run
    run_ids: dict[str, str]  # GPU -> its latest full run
    metadata: tuple[dict, ...]  # of those runs, sorted by run id
    windows: pd.DataFrame  # every usable window of those runs, power corrected
    summary: pd.DataFrame  # per (run, configuration)
    formats: pd.DataFrame
    shapes: pd.DataFrame
    copy: pd.DataFrame
    power: pd.DataFrame  # the chosen GPU's run only
    vector_peaks: pd.DataFrame
    example: dict[str, float]
    setup: dict[str, float]


@lru_cache(maxsize=8)
def _metadata(run_ids: tuple[str, ...]) -> tuple[dict, ...]:
    return tuple(data.load_run_metadata(run_ids))


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    runs, acc, peaks = tables["gpu_runs"], tables["accelerators"], tables["vector_peaks"]
    run_ids = model.latest_runs(runs)
    run_id = run_ids[P.gpu]
    metadata = _metadata(tuple(sorted(set(run_ids.values()))))
    windows = model.latest_windows(
        runs, count_updates=P.count_counter_updates, details=model.window_details(metadata)
    )
    summary = model.summarize_repeats(windows)
    shapes = model.shape_table(summary, peaks)
    power = model.power_table(summary, acc)
    power = power[power["gpu"] == P.gpu].reset_index(drop=True)
    example = model.worked_example(
        shapes, run_id, P.hidden_size, P.aligned_hidden_size, P.training_tokens, P.layers
    )
    return Evaluation(
        P,
        run_id,
        run_ids,
        metadata,
        windows,
        summary,
        model.format_table(summary, acc),
        shapes,
        model.copy_table(summary, acc),
        power,
        peaks,
        example,
        model.run_setup_values(metadata, run_id),
    )


def _format_row(ev: Evaluation, run_id: str, key: str) -> pd.Series:
    f = ev.formats[(ev.formats["run_id"] == run_id) & (ev.formats["format"] == key)]
    if len(f) != 1:
        raise ValueError(f"format {key!r} was not measured in run {run_id}")
    return f.iloc[0]


def _shape(ev: Evaluation, run_id: str, h: int) -> pd.Series:
    s = ev.shapes[(ev.shapes["run_id"] == run_id) & (ev.shapes["hidden_size"] == h)]
    if len(s) != 1:
        raise ValueError(f"hidden size {h} was not measured in run {run_id}")
    return s.iloc[0]


def _copy(ev: Evaluation, run_id: str) -> pd.Series:
    return ev.copy[ev.copy["run_id"] == run_id].iloc[0]


def headlines(ev: Evaluation) -> dict[str, float]:
    f = _format_row(ev, ev.run_id, ev.P.number_format)
    worst = model.worst_shape(ev.shapes, ev.run_id)
    copy = _copy(ev, ev.run_id)
    ex = ev.example
    return {
        "tflop_per_j": float(f["tflop_per_j"]),
        "datasheet_tflop_per_j": float(f["datasheet_tflop_per_j"]),
        "datasheet_share_pct": float(f["share_pct"]),
        "full_load_power_w": float(f["avg_power_w"]),
        "board_power_w": float(f["board_power_w"]),
        "full_load_sm_clock_mhz": float(f["sm_clock_mhz"]),
        "worst_penalty_pct": float(worst["penalty_pct"]),
        "worst_hidden_size": float(worst["hidden_size"]),
        "copy_pj_per_byte": float(copy["pj_per_byte"]),
        "copy_incremental_pj_per_byte": float(copy["incremental_pj_per_byte"]),
        "example_penalty_pct": 100.0 * float(ex["penalty"]),
        "example_energy_mwh": float(ex["energy_mwh"]),
        "example_extra_energy_mwh": float(ex["extra_energy_mwh"]),
    }


def _loaded_temperatures(ev: Evaluation, run_id: str) -> pd.Series:
    w = ev.windows
    return w.loc[(w["run_id"] == run_id) & (w["kind"] != "idle"), "temperature_c"].astype(float)


def numbers(ev: Evaluation) -> dict[str, float]:
    """Every other number of the prose: the chosen format on the chosen GPU and on the other,
    FP8 against BF16, the counter's steps and what the correction did, the run's idle power,
    limit, clocks and temperatures, each hidden size's penalty, the odd sizes on both GPUs,
    the copy on both GPUs, the worked example, and how the run was made."""
    P = ev.P
    other_id = ev.run_ids[model.other_gpu(P.gpu)]
    f = _format_row(ev, ev.run_id, P.number_format)
    theirs = _format_row(ev, other_id, P.number_format)
    meta = {m["run_id"]: m for m in ev.metadata}[ev.run_id]
    max_clock = float(meta["gpu"]["max_sm_clock_mhz"])
    idle = model.idle_power(ev.summary, ev.run_id)
    out = {
        "throughput_tflop_per_s": float(f["throughput_tflop_per_s"]),
        "throughput_share_pct": float(f["throughput_share_pct"]),
        "peak_tflop_per_s": float(f["peak_tflop_per_s"]),
        "tflop_per_j_low": float(f["tflop_per_j_low"]),
        "tflop_per_j_high": float(f["tflop_per_j_high"]),
        "tflop_per_j_read": float(f["tflop_per_j_read"]),
        "datasheet_share_pct_low": float(f["share_pct_low"]),
        "datasheet_share_pct_high": float(f["share_pct_high"]),
        "other_tflop_per_j": float(theirs["tflop_per_j"]),
        "other_share_pct": float(theirs["share_pct"]),
        "fp8_datasheet_over_bf16": float(
            _format_row(ev, ev.run_id, "fp8fast")["datasheet_tflop_per_j"]
            / _format_row(ev, ev.run_id, "bf16")["datasheet_tflop_per_j"]
        ),
        "idle_power_w": idle["cold_w"],
        "power_limit_w": float(meta["gpu"]["enforced_power_limit_w"]),
        "max_sm_clock_mhz": max_clock,
        "clock_share_pct": 100.0 * float(f["sm_clock_mhz"]) / max_clock,
    }
    for gpu, run_id in ev.run_ids.items():
        g = gpu.lower()
        bf16 = _format_row(ev, run_id, "bf16")["tflop_per_j"]
        out[f"fp8_over_bf16_{g}"] = float(_format_row(ev, run_id, "fp8fast")["tflop_per_j"] / bf16)
        out[f"fp8_standard_over_bf16_{g}"] = float(
            _format_row(ev, run_id, "fp8")["tflop_per_j"] / bf16
        )
        for h in (4095, 4097, 4100):
            s = _shape(ev, run_id, h)
            out[f"energy_ratio_h{h}_{g}"] = float(s["energy_ratio"])
            out[f"slowdown_h{h}_{g}"] = float(s["slowdown"])
            out[f"throughput_h{h}_{g}"] = float(s["throughput_tflop_per_s"])
        out[f"vector_peak_tflop_per_s_{g}"] = float(
            _shape(ev, run_id, 4095)["vector_peak_tflop_per_s"]
        )
        temps = _loaded_temperatures(ev, run_id)
        out[f"temperature_first_c_{g}"] = float(temps.iloc[0])
        out[f"temperature_max_c_{g}"] = float(temps.max())
        c = _copy(ev, run_id)
        out[f"copy_pj_per_byte_{g}"] = float(c["pj_per_byte"])
        out[f"copy_incremental_pj_per_byte_{g}"] = float(c["incremental_pj_per_byte"])
        out[f"copy_bandwidth_gb_per_s_{g}"] = float(c["bandwidth_gb_per_s"])
        out[f"copy_bandwidth_share_pct_{g}"] = float(c["bandwidth_share_pct"])
        out[f"copy_power_w_{g}"] = float(c["avg_power_w"])
        out[f"idle_power_w_{g}"] = float(c["idle_power_w"])
    mine = ev.shapes[ev.shapes["run_id"] == ev.run_id]
    g = P.gpu.lower()
    for key in (
        "fp8_over_bf16",
        "fp8_standard_over_bf16",
        "vector_peak_tflop_per_s",
        "throughput_h4095",
        "throughput_h4097",
        "slowdown_h4097",
        "slowdown_h4100",
    ):
        out[key] = out[f"{key}_{g}"]
    for gpu, run_id in ev.run_ids.items():
        for h in (4096, 4097):
            out[f"power_w_h{h}_{gpu.lower()}"] = float(_shape(ev, run_id, h)["avg_power_w"])
    wide = mine[~mine["aligned"] & (mine["row_alignment_bytes"] >= 16)]
    out["slowdown_16_byte_max_pct"] = 100.0 * (float(wide["slowdown"].max()) - 1.0)
    out["full_load_vs_limit_pct"] = 100.0 * (float(f["avg_power_w"]) / out["power_limit_w"] - 1.0)
    for _, r in mine.iterrows():
        h = int(r["hidden_size"])
        out[f"penalty_pct_h{h}"] = float(r["penalty_pct"])
        out[f"energy_ratio_h{h}"] = float(r["energy_ratio"])
        out[f"power_w_h{h}"] = float(r["avg_power_w"])
        out[f"sm_clock_mhz_h{h}"] = float(r["sm_clock_mhz"])
    worst = model.worst_shape(ev.shapes, ev.run_id)
    out["worst_energy_ratio"] = float(worst["energy_ratio"])
    out["worst_penalty_pct_low"] = float(worst["penalty_pct_low"])
    out["worst_penalty_pct_high"] = float(worst["penalty_pct_high"])
    copy = ev.copy.set_index("gpu")
    out["copy_saving_pct"] = 100.0 * (
        1.0 - copy.loc["H200", "pj_per_byte"] / copy.loc["H100", "pj_per_byte"]
    )
    # the counter's steps
    counts = model.cap_counts(ev.windows)
    for k, v in counts.items():
        out[f"windows_{k}"] = v
    read = ev.windows["power_w_read"][ev.windows["capped"]]
    sampled = pd.to_numeric(ev.windows["sampled_power_w"], errors="coerce")[ev.windows["capped"]]
    out["capped_read_max_w"] = float(read.max())
    out["capped_sampled_max_w"] = float(sampled.max())
    out["capped_used_max_w"] = float(ev.windows["power_w"][ev.windows["capped"]].max())
    out["update_ms"] = 1e3 * ge.COUNTER_UPDATE_S
    out["sm_count"] = float(SM_COUNT)
    out["period_tolerance_pct"] = 100.0 * ge.REFERENCE_SIGMA
    out["reference_sigma_pct"] = 100.0 * ge.REFERENCE_SIGMA
    out["reference_sigma_wide_pct"] = 200.0 * ge.REFERENCE_SIGMA
    out["outlier_pct"] = 100.0 * ge.REFERENCE_OUTLIER_PROB
    out["outlier_width_pct"] = 50.0 * ge.REFERENCE_OUTLIER_WIDTH
    out["read_slack_ms"] = 1e3 * ge.READ_SLACK_S
    out["min_posterior_pct"] = 100.0 * ge.MIN_POSTERIOR
    for k, v in model.correction_checks(ev.windows).items():
        out[f"check_{k}"] = v
    out.update(_headline_windows(ev))
    out.update(_estimators(ev))
    out.update(_sensitivity(ev))
    out.update(_clock_split(ev))
    out.update(_fp8_clocks(ev))
    out.update(_vector_margins(ev))
    out["one_update_pct"] = 100.0 * ge.COUNTER_UPDATE_S / float(ev.setup["window_s"])
    out["cap_factor"] = ge.CAPPED_POWER_FACTOR
    out["cap_ceiling_w"] = ge.CAPPED_POWER_FACTOR * out["power_limit_w"]
    ex = ev.example
    out["example_flop"] = float(ex["flop"])
    out["example_params_billion"] = float(ex["params_billion"])
    out["example_energy_at_aligned_mwh"] = float(ex["energy_mwh_at_aligned_efficiency"])
    out["example_aligned_model_mwh"] = float(ex["energy_mwh_aligned"])
    out.update(ev.setup)
    return out


def _headline_windows(ev: Evaluation) -> dict[str, float]:
    """How the headline configuration's windows were put on whole steps."""
    w = ev.windows
    mine = w[(w["run_id"] == ev.run_id) & (w["config"].map(model.format_key) == ev.P.number_format)]
    unaligned = mine["energy_method"] == model.UNALIGNED_METHOD
    return {
        "headline_windows": float(len(mine)),
        "headline_windows_unresolved": float((unaligned & ~mine["resolved"]).sum()),
    }


def _estimators(ev: Evaluation) -> dict[str, float]:
    """The headline efficiency under each estimator of a window's power: as read, on whole
    steps (the page's), and from the mean of the power samples; and their range."""
    f = _format_row(ev, ev.run_id, ev.P.number_format)
    vals = {
        "read": float(f["tflop_per_j_read"]),
        "used": float(f["tflop_per_j"]),
        "sampled": float(f["tflop_per_j_sampled"]),
    }
    return {
        "tflop_per_j_sampled": vals["sampled"],
        "tflop_per_j_estimator_low": min(vals.values()),
        "tflop_per_j_estimator_high": max(vals.values()),
    }


def _sensitivity(ev: Evaluation) -> dict[str, float]:
    """How the correction's two assumptions move its result: with no read slack (the counter
    read exactly at the window's ends) and with twice the reference's sigma, the windows
    left unresolved and the headline efficiency (mean of its windows' TFLOP/J)."""
    out: dict[str, float] = {}
    cases = {"no_slack": {"read_slack_s": 0.0}, "wide": {"reference_sigma": 2 * ge.REFERENCE_SIGMA}}
    for name, kw in cases.items():
        w = model.window_table(
            ev.windows[ev.windows["run_id"].isin(ev.run_ids.values())],
            count_updates=ev.P.count_counter_updates,
            **kw,
        )
        unaligned = w["energy_method"] == model.UNALIGNED_METHOD
        mine = w[
            (w["run_id"] == ev.run_id) & (w["config"].map(model.format_key) == ev.P.number_format)
        ]
        out[f"sens_{name}_unresolved"] = float((unaligned & ~w["resolved"]).sum())
        out[f"sens_{name}_low_prior"] = float((w["prior_pick"] < 0.01).sum())
        out[f"sens_{name}_tflop_per_j"] = float(mine["tflop_per_j"].mean())
    return out


def _clock_split(ev: Evaluation) -> dict[str, float]:
    """The share of the datasheet split into factors that multiply back to it (an identity):
    the clock against the clock the peak assumes, the throughput per clock against the peak's,
    and the board power over the measured power."""
    f = _format_row(ev, ev.run_id, ev.P.number_format)
    peak_clock = (
        1e6 * float(f["peak_tflop_per_s"]) / (SM_COUNT * FLOP_PER_CLOCK_PER_SM[ev.P.number_format])
    )
    clock = float(f["sm_clock_mhz"])
    clock_pct = 100.0 * clock / peak_clock
    per_clock_pct = (
        100.0
        * float(f["throughput_tflop_per_s"])
        / (float(f["peak_tflop_per_s"]) * clock / peak_clock)
    )
    power_factor = float(f["board_power_w"]) / float(f["avg_power_w"])
    return {
        "peak_clock_mhz": peak_clock,
        "peak_clock_share_pct": clock_pct,
        "per_clock_share_pct": per_clock_pct,
        "board_over_power": power_factor,
        "share_product_pct": clock_pct * per_clock_pct / 100.0 * power_factor,
        "share_vs_throughput_share_pct": 100.0
        * (float(f["share_pct"]) / float(f["throughput_share_pct"]) - 1.0),
    }


def _per_clock(f: pd.Series, key: str) -> float:
    """Throughput as a fraction of the datasheet peak scaled to the measured clock."""
    peak_clock = 1e6 * float(f["peak_tflop_per_s"]) / (SM_COUNT * FLOP_PER_CLOCK_PER_SM[key])
    return float(f["throughput_tflop_per_s"]) / (
        float(f["peak_tflop_per_s"]) * float(f["sm_clock_mhz"]) / peak_clock
    )


def _fp8_clocks(ev: Evaluation) -> dict[str, float]:
    """Each FP8 mode's and BF16's SM clock and throughput per clock, per GPU, and what the
    FP8-over-BF16 ratio would be at BF16's clock (throughput scaled with the clock)."""
    out: dict[str, float] = {}
    for gpu, run_id in ev.run_ids.items():
        g = gpu.lower()
        bf16 = _format_row(ev, run_id, "bf16")
        for key in ("bf16", "fp8", "fp8fast"):
            f = _format_row(ev, run_id, key)
            out[f"clock_{key}_{g}"] = float(f["sm_clock_mhz"])
            out[f"per_clock_{key}_{g}"] = _per_clock(f, key)
            if key != "bf16":
                out[f"{key}_over_bf16_equal_clock_{g}"] = (
                    float(f["throughput_tflop_per_s"])
                    / float(f["sm_clock_mhz"])
                    / (float(bf16["throughput_tflop_per_s"]) / float(bf16["sm_clock_mhz"]))
                )
                out[f"{key}_power_over_bf16_{g}"] = float(f["avg_power_w"]) / float(
                    bf16["avg_power_w"]
                )
    return out


def _vector_margins(ev: Evaluation) -> dict[str, float]:
    """How far h = 4095 and 4097 delivered above (+) or below (-) the vector units' peak, per
    GPU, in per cent."""
    out: dict[str, float] = {}
    for gpu, run_id in ev.run_ids.items():
        for h in (4095, 4097):
            s = _shape(ev, run_id, h)
            out[f"vector_margin_pct_h{h}_{gpu.lower()}"] = 100.0 * (
                float(s["throughput_tflop_per_s"]) / float(s["vector_peak_tflop_per_s"]) - 1.0
            )
            out[f"clock_slowdown_h{h}_{gpu.lower()}"] = float(s["clock_slowdown"])
    g = ev.P.gpu.lower()
    for h in (4095, 4097):
        out[f"vector_margin_pct_h{h}"] = out[f"vector_margin_pct_h{h}_{g}"]
        out[f"clock_slowdown_h{h}"] = out[f"clock_slowdown_h{h}_{g}"]
    return out


_SUPERSCRIPT = str.maketrans(
    "-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)


def sci_label(value: float, digits: int = 2) -> str:
    """A number in scientific notation for prose: ``3.87e22`` -> ``'3.87 × 10²²'``."""
    mantissa, exponent = f"{float(value):.{digits}e}".split("e")
    return f"{mantissa} \u00d7 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def _vector_source(ev: Evaluation) -> str:
    row = ev.vector_peaks[ev.vector_peaks["chip"] == model.CHIP_FOR_GPU[ev.P.gpu]].iloc[0]
    if row["tier"] == "estimated":
        return (
            "taken from the H100's, since the H200 has the same die and clocks: no "
            "published figure was found, so it is unverified"
        )
    title = str(row["source_title"]).removesuffix(" (whitepaper)")
    return (
        f"the figure in the whitepaper *{title}* ({row['source_publisher']}, "
        f"{int(row['source_year'])}), as Epoch AI's data (its FP16 rate) and others "
        "reproduce it"
    )


def vector_verdict(above: list[int]) -> str:
    """What the odd sizes' throughput says about the units that did the work, given which of
    h = 4095 and 4097 (``above``) delivered more than the vector units' peak. Above that peak
    no kernel on the vector units alone could have run the whole product, so at least part of
    it ran on the tensor cores (all of it only if one kernel did all the work)."""
    if len(above) == 2:
        return (
            "more than its ordinary arithmetic units can do at full clock, so the tensor "
            "cores did at least part of the work"
        )
    if above:
        return (
            f"and at h = {above[0]} more than its ordinary arithmetic units can do at "
            "full clock, so there the tensor cores did at least part of the work"
        )
    return (
        "no more than its ordinary arithmetic units can do at full clock, so these "
        "figures alone do not tell which units did the work"
    )


def full_clock_shapes(
    shapes: pd.DataFrame, run_id: str, max_clock_mhz: float, clock_fraction: float = 0.98
) -> list[int]:
    """The misaligned hidden sizes of ``run_id`` that ran without the power cap's bit and at
    ``clock_fraction`` of the maximum clock or more."""
    s = shapes[(shapes["run_id"] == run_id) & ~shapes["aligned"]]
    keep = ~s["power_capped"].astype(bool) & (s["sm_clock_mhz"] >= clock_fraction * max_clock_mhz)
    return [int(h) for h in s.loc[keep, "hidden_size"]]


def _join(values: list) -> str:
    items = [str(v) for v in values]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def run_kinds(metadata) -> dict[str, int]:
    """How the runs were made, from their metadata: ``runs``, how many were measured between
    counter steps (``aligned``), how many warmed each configuration until it settled
    (``settling``) and how many measured the idle card warm as well as cold (``warm_idle``,
    a configuration ``idle-warm``)."""
    aligned = sum(
        m.get("settings", {}).get("energy_alignment") == "counter_updates" for m in metadata
    )
    settling = sum("settle_max_s" in m.get("settings", {}) for m in metadata)
    warm = sum(any(c.get("name") == "idle-warm" for c in m.get("configs", [])) for m in metadata)
    return {"runs": len(metadata), "aligned": aligned, "settling": settling, "warm_idle": warm}


def run_phrases(kinds: Mapping[str, int]) -> dict[str, str]:
    """The sentences of the prose that depend on how the runs were made."""
    n, aligned, settling = kinds["runs"], kinds["aligned"], kinds["settling"]
    warm = kinds.get("warm_idle", 0)
    if aligned == 0:
        reading = (
            "The runs this page reads were made before the harness measured between "
            "steps: they read the counter at the two ends of each window."
        )
        evidence = "The data show it."
    elif aligned == n:
        reading = (
            "The runs this page reads were measured between two steps of the counter, "
            "so the steps do not bias them; runs made before December 2026 read it at "
            "the two ends of each window."
        )
        evidence = "For the runs read here, the same counts are a control:"
    else:
        reading = (
            f"{aligned} of the {n} runs this page reads were measured between two "
            "steps of the counter; the others read it at the two ends of each window."
        )
        evidence = "The data of the latter show it."
    if settling == 0:
        steady = (
            "The runs this page reads warmed each configuration for a fixed time and "
            "measured the idle card only cold, before any load. The card had not "
            "settled:"
        )
        awaits = "Those corrections await a new run on each card,"
    else:
        steady = (
            "The runs this page reads pre-soaked the card, warmed each configuration "
            "until its temperature's slope, power and SM clock were steady over 20 s "
            "(the metadata records how long, and whether they were) and measured the idle "
            "card cold and warm. Across configurations the card still ran at different "
            "temperatures:"
        )
        awaits = "The runs read here have them; to measure again, run"
    if aligned == n:
        samples = "are a cross-check: the energy is the counter's, between two of its steps"
    elif aligned == 0:
        samples = (
            "are an input as well as a check: for the runs read here they choose how "
            "many of the counter's steps each window holds (next section)"
        )
    else:
        samples = (
            "choose how many of the counter's steps each window holds in the runs read "
            "at their ends, and are a cross-check in the others"
        )
    if warm == n:
        idle_copy = (
            "The runs read here measured the idle card warm, after the loaded "
            "configurations, and the increment above is over the warm card."
        )
        idle_limit = "the increment is over the warm idle card measured at the end of the run"
    elif warm == 0:
        idle_copy = (
            "The runs read here measured the idle card only cold, before any load, "
            "so the increment over a warm card would be somewhat smaller; the "
            "harness now measures it warm as well."
        )
        idle_limit = (
            "the increment is over a cold idle card, so it is larger than the "
            "increment over a warm one"
        )
    else:
        idle_copy = (
            f"{warm} of the {n} runs read here measured the idle card warm; the "
            "others only cold, so their increment is somewhat larger than over a "
            "warm card."
        )
        idle_limit = "the increment is over a warm idle card on some runs and a cold one on others"
    if aligned == n:
        period = (
            "The windows measured between steps time the steps themselves: their "
            "metadata records the mean step period of each window."
        )
    else:
        period = (
            "The runs read at their ends cannot time the step: a step length computed "
            "from their corrected windows would only repeat the samples that chose the "
            "counts, so the page takes the step length above as given. A run measured "
            "between steps records it."
        )
    return {
        "runs_reading": reading,
        "steps_evidence": evidence,
        "steady_reading": steady,
        "corrections_await": awaits,
        "samples_role": samples,
        "idle_copy": idle_copy,
        "idle_limit": idle_limit,
        "period_sentence": period,
    }


def texts(ev: Evaluation) -> dict[str, str]:
    P = ev.P
    above = [h for h in (4095, 4097) if _shape(ev, ev.run_id, h)["above_vector_peak"]]
    corrected = P.count_counter_updates
    mine = _format_row(ev, ev.run_id, P.number_format)
    theirs = _format_row(ev, ev.run_ids[model.other_gpu(P.gpu)], P.number_format)
    overlap = (
        mine["tflop_per_j_low"] <= theirs["tflop_per_j_high"]
        and theirs["tflop_per_j_low"] <= mine["tflop_per_j_high"]
    )
    return {
        "other_verdict": (
            "the same to within the intervals"
            if overlap
            else "different: the two intervals do not overlap"
        ),
        "gpu_label": P.gpu,
        "other_gpu": model.other_gpu(P.gpu),
        "chip_label": model.CHIP_FOR_GPU[P.gpu],
        "run_label": f"`{ev.run_id}`",
        "format_label": FORMAT_LABELS[P.number_format],
        "hidden_label": str(P.hidden_size),
        "aligned_label": str(P.aligned_hidden_size),
        "layers_label": str(P.layers),
        "tokens_label": sci_label(P.training_tokens),
        "flop_label": sci_label(ev.example["flop"]),
        "vector_verdict": vector_verdict(above),
        "vector_source": _vector_source(ev),
        "sizes_16_byte": ", ".join(
            str(int(h))
            for h, a, b in zip(
                ev.shapes.loc[ev.shapes["run_id"] == ev.run_id, "hidden_size"],
                ev.shapes.loc[ev.shapes["run_id"] == ev.run_id, "aligned"],
                ev.shapes.loc[ev.shapes["run_id"] == ev.run_id, "row_alignment_bytes"],
                strict=True,
            )
            if not a and b >= 16
        ),
        "correction_label": (
            "on whole counter updates (corrected)"
            if corrected
            else "as read (no correction: count_counter_updates is false)"
        ),
        "idle_label": (
            "warm, measured after the loaded configurations"
            if bool(_copy(ev, ev.run_id)["idle_is_warm"])
            else "cold, measured before any load"
        ),
        "remeasure_command": f"`{REMEASURE}`",
        "unresolved_phrase": _unresolved_phrase(ev),
        "idle_unresolved": _idle_unresolved(ev),
        "headline_resolution": _headline_resolution(ev),
        "full_clock_shapes": _join(full_clock_shapes(ev.shapes, ev.run_id, _max_clock(ev)))
        or "none",
        "capped_shapes": _join(
            [
                int(h)
                for h in ev.shapes.loc[
                    (ev.shapes["run_id"] == ev.run_id)
                    & ~ev.shapes["aligned"]
                    & ev.shapes["power_capped"].astype(bool),
                    "hidden_size",
                ]
            ]
        )
        or "none",
        **run_phrases(run_kinds(ev.metadata)),
    }


def _max_clock(ev: Evaluation) -> float:
    return float({m["run_id"]: m for m in ev.metadata}[ev.run_id]["gpu"]["max_sm_clock_mhz"])


def _unresolved_phrase(ev: Evaluation) -> str:
    w = ev.windows
    n = int(((w["energy_method"] == model.UNALIGNED_METHOD) & ~w["resolved"]).sum())
    if n == 0:
        return "every window read at its ends was resolved"
    what = "window" if n == 1 else "windows"
    verb = "was" if n == 1 else "were"
    return (
        f"{n} {what} read at {'its' if n == 1 else 'their'} ends {verb} not resolved "
        f"(no count reached the posterior threshold) and {'keeps its' if n == 1 else 'keep their'} "
        "reading, with a bound of one step either way"
    )


def _span_text(x: pd.Series, fmt: str) -> str:
    lo, hi = f"{x.min():{fmt}}", f"{x.max():{fmt}}"
    return lo if lo == hi else f"{lo} to {hi}"


def _idle_unresolved(ev: Evaluation) -> str:
    """A sentence on the idle windows left unresolved, or '' when none was."""
    w = ev.windows
    idle = w[
        (w["kind"] == "idle")
        & (w["energy_method"] == model.UNALIGNED_METHOD)
        & ~w["resolved"]
        & w["counter_updates"].notna()
    ]
    if idle.empty:
        return ""
    gap = 100.0 * (1.0 - idle["power_w_sampled"] / idle["power_w_read"])
    prior = 100.0 * idle["prior_extra"]
    gpus = _join(sorted(set(idle["gpu_name"].map(model.gpu_label))))
    return (
        f"Among them {'is' if len(idle) == 1 else 'are'} {len(idle)} idle "
        f"window{'s' if len(idle) != 1 else ''} ({gpus}): the samples there sit "
        f"{_span_text(gap, '.1f')}% below the counter's power as read, as a "
        "trailing average would just after the run began, and the count that would match "
        f"them has a prior probability of only {prior.max():.1f}% at most (with the "
        "assumed read slack), so each keeps its reading."
    )


def _headline_resolution(ev: Evaluation) -> str:
    n = _headline_windows(ev)
    total, bad = int(n["headline_windows"]), int(n["headline_windows_unresolved"])
    if bad == 0:
        which = "both" if total == 2 else f"all {total}"
        return f"{which} windows of the headline configuration were resolved"
    return (
        f"{bad} of the {total} windows of the headline configuration {'was' if bad == 1 else 'were'} "
        "not resolved: the headline rests partly on a window taken as read"
    )


def clock_events(mask: int) -> str:
    """The clock-event reasons of a mask, for a reader ('none' when no bit is set)."""
    return ", ".join(ge.decode_clock_event_reasons(int(mask))) or "none"


def captions(ev: Evaluation) -> dict[str, str]:
    P = ev.P
    f, p, s, c = ev.formats, ev.power, ev.shapes, ev.copy
    idle = p.loc[p["kind"] == "idle", "avg_power_w"]
    board = p["board_power_w"].iloc[0]
    aligned = s.loc[s["aligned"], "pj_per_flop"]
    odd = s.loc[s["hidden_size"].isin([4095, 4097]), "energy_ratio"]
    h4100 = s.loc[s["hidden_size"] == 4100, "energy_ratio"]
    w = ev.windows[(ev.windows["run_id"] == ev.run_id) & ev.windows["capped"]]
    counts = model.cap_counts(ev.windows[ev.windows["run_id"] == ev.run_id])
    limit = float(w["power_limit_w"].iloc[0]) if len(w) else float("nan")

    def span(x: pd.Series, fmt: str) -> str:
        return f"{x.min():{fmt}} to {x.max():{fmt}}"

    res = w["resolved"].astype(bool)
    corrected_span = span(w.loc[res, "power_w"], ".0f") if res.any() else "none"
    kept = w.loc[~res, "power_w"]
    kept_span = (
        f"{len(kept)} window{'s' if len(kept) != 1 else ''}, "
        + (f"{kept.iloc[0]:.0f} W" if len(kept) == 1 else f"{span(kept, '.0f')} W")
        if len(kept)
        else "no window"
    )
    full = full_clock_shapes(s[s["run_id"] == ev.run_id], ev.run_id, _max_clock(ev))

    return {
        "windows": (
            f"In the {P.gpu} run in which the software power cap held the clocks, "
            f"{counts['above_limit_read']:.0f} of the measured windows are above the "
            f"{limit:.0f} W limit as read; as used, {counts['over_cap']:.0f} "
            f"{'is' if counts['over_cap'] == 1 else 'are'} above the dashed ceiling of "
            f"{ge.CAPPED_POWER_FACTOR:g} times it. One dot per window, by configuration: the "
            f"window's average power as read ({span(w['power_w_read'], '.0f')} W) and as "
            f"used: on whole counter updates where the step count was resolved "
            f"({corrected_span} W), as read where it was not ({kept_span}); dashed lines mark "
            "the limit and the ceiling. Source: this book's measurements."
        ),
        "formats": (
            "In every number format the TFLOP per joule measured for the square GEMM on one "
            "card of each model is lower than the dense datasheet peak divided by the board "
            f"power ({', '.join(sorted(f['chip'].unique()))}; Epoch AI), at "
            f"{span(f['share_pct'], '.0f')}% of it. The bars are grouped per number format, "
            "each measured bar with its interval (the envelope of the windows' bounds) as a "
            "line. "
            "Source: this book's measurements (data/measured/gpu_runs.csv)."
        ),
        "power": (
            f"In the {P.gpu} run the aligned tensor-core GEMMs and the other misaligned "
            f"shapes draw near the {board:.0f} W board power (dashed line) with clocks "
            "lowered by the software power cap, while the memory copy and the misaligned "
            f"model shapes h = {_join(full) or 'none'} stay below the limit at full clock, "
            f"and idle is at {idle.mean():.0f} W. Each point is one configuration's average "
            "board power against its average SM clock. Source: this book's measurements."
        ),
        "shapes": (
            "In the BF16 GEMM (tokens by h inputs into 4h outputs) hidden sizes that are "
            f"multiples of 64 cost {span(aligned, '.2f')} pJ per FLOP; h = 4095 and 4097 cost "
            f"{span(odd, '.1f')} times as much as their aligned neighbour, h = 4100 "
            f"{span(h4100, '.1f')} times; the other sizes only a few per cent more. The bars "
            "give picojoules per FLOP at each measured hidden size on one card of each model, "
            "each with its interval. Source: this book's measurements."
        ),
        "copy": (
            "The energy per byte moved by the copy (bytes read plus written), on one card of "
            "each model, is, for the whole board, "
            + "; ".join(f"{r.gpu} {r.pj_per_byte:.0f} pJ" for r in c.itertuples())
            + "; and above the idle board's, "
            + "; ".join(f"{r.gpu} {r.incremental_pj_per_byte:.0f} pJ" for r in c.itertuples())
            + ". The bars show both for each card, each with its interval. Source: this "
            "book's measurements."
        ),
        "example": (
            "How the training energy in MWh of the worked example on the selected GPU "
            "depends on the hidden size: the model with the chosen hidden size priced at its "
            "measured efficiency; the same FLOPs at the aligned size's efficiency; and the "
            "model built with the aligned hidden size, one bar each. Source: this book's "
            "measurements; FLOP count after "
            "Narayanan et al. (2021)."
        ),
    }


# --- reader tables ---------------------------------------------------------------------------


def table_provenance(ev: Evaluation) -> pd.DataFrame:
    """One row per run from its metadata (as written by the harness)."""
    rows = []
    for m in ev.metadata:
        gpu = m.get("gpu", {})
        aligned = m.get("settings", {}).get("energy_alignment") == "counter_updates"
        rows.append(
            {
                "Run": m["run_id"],
                "GPU": gpu.get("name", ""),
                "Power limit (W)": f"{gpu.get('enforced_power_limit_w', float('nan')):.0f}",
                "Driver": gpu.get("driver_version", ""),
                "PyTorch": gpu.get("torch_version", ""),
                "Started (UTC)": m.get("started_utc", ""),
                "Took (s)": f"{m.get('elapsed_s', float('nan')):.0f}",
                "Windows ok": str(m.get("row_counts", {}).get("ok", "")),
                "Windows": "between counter updates" if aligned else "read at their ends",
                "Command": m.get("command", ""),
            }
        )
    return pd.DataFrame(rows)


def table_formats(ev: Evaluation) -> pd.DataFrame:
    """The number-format comparison of the chosen GPU."""
    f = ev.formats[ev.formats["gpu"] == ev.P.gpu]
    return pd.DataFrame(
        {
            "Format": f["format"].map(FORMAT_LABELS),
            "Delivered (TFLOP/s)": f["throughput_tflop_per_s"].map("{:,.0f}".format),
            "Board power (W)": f["avg_power_w"].map("{:.0f}".format),
            "SM clock (MHz)": f["sm_clock_mhz"].map("{:.0f}".format),
            "Measured (TFLOP/J)": [
                f"{m:.3f} ({lo:.3f}-{hi:.3f})"
                for m, lo, hi in zip(
                    f["tflop_per_j"], f["tflop_per_j_low"], f["tflop_per_j_high"], strict=True
                )
            ],
            "As read (TFLOP/J)": f["tflop_per_j_read"].map("{:.3f}".format),
            "Datasheet (TFLOP/J)": f["datasheet_tflop_per_j"].map("{:.3f}".format),
            "Share of datasheet": f["share_pct"].map("{:.0f}%".format),
            "Clock limited by": f["clock_event_mask"].map(clock_events),
        }
    )


def table_shapes(ev: Evaluation) -> pd.DataFrame:
    """The shape comparison of the chosen GPU."""
    s = ev.shapes[ev.shapes["gpu"] == ev.P.gpu]
    return pd.DataFrame(
        {
            "Hidden size": s["hidden_size"].astype(str),
            "Largest power of 2 dividing it": s["power_of_two_factor"].astype(str),
            "BF16 rows aligned to (bytes)": [
                f"{b}" if b < 16 else "16 or more" for b in s["row_alignment_bytes"]
            ],
            "Delivered (TFLOP/s)": s["throughput_tflop_per_s"].map("{:,.0f}".format),
            "Board power (W)": s["avg_power_w"].map("{:.0f}".format),
            "Energy per FLOP (pJ)": s["pj_per_flop"].map("{:.2f}".format),
            "Aligned neighbour": s["aligned_neighbour"].astype(str),
            "Extra energy per FLOP": [
                "(aligned)" if a else f"{p:.0f}% ({lo:.0f} to {hi:.0f}%)"
                for a, p, lo, hi in zip(
                    s["aligned"],
                    s["penalty_pct"],
                    s["penalty_pct_low"],
                    s["penalty_pct_high"],
                    strict=True,
                )
            ],
        }
    )


def table_copy(ev: Evaluation) -> pd.DataFrame:
    """The copy on both GPUs: whole-board and incremental energy per byte, bandwidth."""
    c = ev.copy
    return pd.DataFrame(
        {
            "GPU": c["gpu"],
            "Bandwidth (GB/s)": c["bandwidth_gb_per_s"].map("{:,.0f}".format),
            "Datasheet bandwidth (GB/s)": c["datasheet_bandwidth_gb_per_s"].map("{:,.0f}".format),
            "Board power (W)": c["avg_power_w"].map("{:.0f}".format),
            "Idle power (W)": [
                f"{p:.0f} ({'warm' if w else 'cold'})"
                for p, w in zip(c["idle_power_w"], c["idle_is_warm"], strict=True)
            ],
            "Whole board (pJ/B)": [
                f"{m:.0f} ({lo:.0f}-{hi:.0f})"
                for m, lo, hi in zip(
                    c["pj_per_byte"], c["pj_per_byte_low"], c["pj_per_byte_high"], strict=True
                )
            ],
            "Above idle (pJ/B)": [
                f"{m:.0f} ({lo:.0f}-{hi:.0f})"
                for m, lo, hi in zip(
                    c["incremental_pj_per_byte"],
                    c["incremental_pj_per_byte_low"],
                    c["incremental_pj_per_byte_high"],
                    strict=True,
                )
            ],
        }
    )
