"""The inference chapter: its declaration (parameters in ``params.py``, headlines here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from energybook.chapters.inference.params import Params
from energybook.declare import Headline, chapter
from energybook.memo import per_table

if TYPE_CHECKING:
    from energybook.chapters.inference import model

# The models (numpy, pandas, the measured chapter's corrections) are imported by the
# functions that run them, not with the declaration: the command line's help and its
# refusals of bad values need only the latter.

#: The data tables the check reads (the page reads these and more).
CHECK_TABLES = ("gpu_runs", "accelerators", "inference_gpus")


@per_table(8)
def measured_constants(runs: Any) -> dict:
    """:func:`model_hardware.all_measured_constants` of the measured chapter's corrected table
    of ``runs``, computed once per table object (correcting the windows takes a few tenths of
    a second, and a sweep checks every point against one table)."""
    from energybook.chapters.inference import model_hardware

    return model_hardware.all_measured_constants(model_hardware.corrected_summary(runs))


def chosen_hardware(P: Params, tables: Mapping[str, Any]) -> model.Hardware:
    """The roofline constants of the chosen GPU and precision (utilization not applied)."""
    from energybook.chapters.inference import model_hardware

    return model_hardware.hardware(
        P.gpu,
        P.precision,
        measured_constants(tables["gpu_runs"]),
        model_hardware.datasheets(tables["accelerators"]),
        model_hardware.memory_types(tables["inference_gpus"]),
        model_hardware.link_bandwidths(tables["inference_gpus"]),
    )


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / 1e9:,.0f} GB"


def check(P: Params, tables: Mapping[str, Any]) -> list[str]:
    """Refused before anything runs: a GPU and precision the data cannot price, and a model
    whose weights and KV cache do not fit in the GPUs' memory at that batch and context."""
    from energybook.chapters.inference import model

    try:
        hw = chosen_hardware(P, tables)
    except ValueError as e:
        return [f"gpu {P.gpu!r} with precision {P.precision!r} cannot be modelled: {e}"]
    shape = model.dense_shape(P.model_params_b)
    # Every admitted sequence at its full length: the batch can finish without preemption
    # (the page also states the looser, on-average rule the check against measurements uses).
    tokens = model.tokens_held(P.context_tokens, P.output_tokens, on_average=False)
    problem = model.memory_fit_problem(
        shape, hw, batch=P.batch_size, tokens_per_sequence=tokens, n_gpus=P.n_gpus
    )
    if problem is None:
        return []
    kv = problem["needed_bytes"] - problem["weights_bytes"]
    fits = int(problem["max_batch"])
    hint = f"at most batch_size {fits} fits" if fits >= 1 else "the weights alone do not fit"
    return [
        f"the model does not fit in the GPUs' memory: model_params_b {P.model_params_b:g} in "
        f"{P.precision} with batch_size {P.batch_size} x (context_tokens {P.context_tokens} + "
        f"output_tokens {P.output_tokens}) tokens needs {_gb(problem['needed_bytes'])} "
        f"({_gb(problem['weights_bytes'])} of weights and {_gb(kv)} of KV cache), and "
        f"n_gpus {P.n_gpus} x {P.gpu} give {_gb(problem['available_bytes'])} "
        f"({model.USABLE_MEMORY_FRACTION:.0%} of {_gb(P.n_gpus * hw.memory_bytes)}): {hint}; "
        "lower batch_size, context_tokens or output_tokens, or raise n_gpus"
    ]


SPEC = chapter(
    name="inference",
    title="Energy per token: a roofline model of inference",
    order=70,
    summary="Joules per generated and per prompt token of a dense transformer, from the book's "
    "own measured energy per FLOP and per byte: why decoding is memory-bound, why "
    "batching cuts energy per token by an order of magnitude, what the H200's faster "
    "memory and FP8 change, what a badly shaped model costs, and how the model "
    "compares with public measurements (ML.ENERGY, Google, Epoch AI).",
    params=Params,
    headlines=[
        Headline(
            "j_per_output_token",
            "J/token",
            "Energy per generated token, decode only (the prompt's prefill excluded; "
            "ML.ENERGY's definition, which includes it, is glued beside it on the page), "
            "at the chosen boundary: GPU boards only by default; facility adds host, idle "
            "machines and PUE",
            ".3g",
        ),
        Headline(
            "wh_per_response",
            "Wh",
            "Energy of one response (its prompt's prefill and its output's decode) at "
            "the chosen boundary",
            ".3g",
        ),
        Headline(
            "memory_roof_exit_batch",
            "1",
            "First batch at which decode, at the mean context of a response, leaves the "
            "memory roof; the page names the roof that takes over (compute, or power in "
            "the additive model); 0 when decode stays memory-bound at every batch. "
            "Replaces compute_bound_batch (the ridge point, now glued as ridge_batch: an "
            "identity of the hardware constants)",
            ".0f",
        ),
        Headline(
            "data_movement_share_pct",
            "%",
            "Share of the GPUs' decode energy spent moving bytes (weights, KV cache, "
            "activations, all-reduces)",
            ".0f",
        ),
        Headline(
            "median_ratio_h100",
            "1",
            "Median model/measurement ratio over the ML.ENERGY v3.0 H100 points (GPU "
            "energy per output token, prompts included), whose constants the book "
            "measured; with median_ratio_b200 replaces median_ratio",
            ".2f",
        ),
        Headline(
            "median_ratio_b200",
            "1",
            "Median model/measurement ratio over the ML.ENERGY v3.0 B200 points, whose "
            "constants are estimated from datasheets",
            ".2f",
        ),
    ],
    tables=CHECK_TABLES,
    check=check,
)
