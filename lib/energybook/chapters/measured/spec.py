"""The measured chapter: its declaration (parameters in ``params.py``, headlines here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from energybook.chapters.measured.params import Params
from energybook.declare import Headline, chapter


def check(P: Params, tables: Mapping[str, Any]) -> list[str]:
    """The chosen GPU's latest run must have measured the chosen format and both hidden
    sizes of the worked example."""
    from energybook.chapters.measured import model  # with the check, not the declaration

    try:
        model.require_measured(
            tables["gpu_runs"], P.gpu, P.number_format, P.hidden_size, P.aligned_hidden_size
        )
    except ValueError as e:
        return [str(e)]
    return []


SPEC = chapter(
    name="measured",
    title="Measured: energy per FLOP on a real GPU",
    order=60,
    summary="The book's own measurements on an NVIDIA H100 and H200: delivered TFLOP per "
    "joule by number format against the datasheet, watts at full load, and the "
    "energy cost of a model hidden size that does not suit the hardware.",
    params=Params,
    headlines=[
        Headline(
            "tflop_per_j",
            "TFLOP/J",
            "Measured efficiency of the square GEMM in the "
            "chosen number format (BF16 by default), each window's energy on whole "
            "counter updates",
            ".3f",
        ),
        Headline(
            "datasheet_tflop_per_j",
            "TFLOP/J",
            "Datasheet peak of that format per board watt (dense)",
            ".3f",
        ),
        Headline(
            "datasheet_share_pct",
            "%",
            "Measured efficiency as a share of the datasheet figure",
            ".0f",
        ),
        Headline("full_load_power_w", "W", "Average board power during that GEMM", ".0f"),
        Headline("board_power_w", "W", "Datasheet board power of the chip", ".0f"),
        Headline("full_load_sm_clock_mhz", "MHz", "Average SM clock during that GEMM", ".0f"),
        Headline(
            "worst_penalty_pct",
            "%",
            "Extra energy per FLOP of the worst misaligned "
            "hidden size against its aligned neighbour",
            ".0f",
        ),
        Headline("worst_hidden_size", "1", "The worst misaligned hidden size", ".0f"),
        Headline(
            "copy_pj_per_byte",
            "pJ/B",
            "Energy per byte moved by the memory-bound device-to-device copy: the whole board's",
            ".0f",
        ),
        Headline(
            "copy_incremental_pj_per_byte",
            "pJ/B",
            "Energy per byte of that copy above "
            "the idle board (board power minus idle power, over the bandwidth)",
            ".0f",
        ),
        Headline(
            "example_penalty_pct",
            "%",
            "Worked example: extra energy per FLOP of the "
            "chosen hidden size against the aligned one",
            ".0f",
        ),
        Headline(
            "example_energy_mwh",
            "MWh",
            "Worked example: GPU energy of the layers' training FLOPs at the chosen hidden size",
            ".1f",
        ),
        Headline(
            "example_extra_energy_mwh",
            "MWh",
            "Worked example: extra energy of those "
            "FLOPs against the same FLOPs at the aligned shape's measured efficiency",
            ".1f",
        ),
    ],
    tables=("gpu_runs",),
    check=check,
)
