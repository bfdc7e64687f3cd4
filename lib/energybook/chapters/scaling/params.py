"""The scaling chapter's parameters: declared once, read as ``P.precision`` etc."""

from __future__ import annotations

from dataclasses import dataclass

from energybook.params import ParamsBase, param

#: Choices for a trend's number format: a format, or each chip's narrowest float format.
PRECISIONS = ("bf16", "fp32", "tf32", "fp16", "fp8", "fp4", "int8", "lowest")
VENDORS = ("NVIDIA", "AMD", "Google", "Intel")
#: Measures of silicon for the decomposition's context columns.
SILICON_MEASURES = ("transistors", "dies")
HOPPER_CHIPS = ("H100 SXM", "H200 SXM")
BLACKWELL_CHIPS = ("B200", "GB200", "GB300")


@dataclass(frozen=True)
class Params(ParamsBase):
    precision: str = param(
        "bf16",
        "Number format of the main trend ('lowest': each chip's narrowest float format)",
        choices=PRECISIONS,
    )
    vendors: tuple[str, ...] = param(VENDORS, "Vendors whose chips enter the fits", choices=VENDORS)
    start_year: int = param(2016, "First release year included", min=2016, max=2025)
    end_year: int = param(2025, "Last release year included", min=2016, max=2025)
    include_estimated_power: bool = param(
        True, "Include chips whose power is a third-party estimate (Google TPU v4 onwards)"
    )
    breakpoint_year: float = param(
        2020.0,
        "Breakpoint fixed in advance for the two-segment slowdown fit",
        unit="year",
        min=2018.5,
        max=2025.0,
    )
    window_years: float = param(
        4.0, "Width of the rolling windows of release date", unit="year", min=2.0, max=9.0
    )
    confidence_level: float = param(0.95, "Confidence level of every interval", min=0.5, max=0.99)
    n_bootstrap: int = param(
        1000,
        "Simulations of the slowdown test's null distribution, and "
        "bootstrap resamples for the break date's interval",
        min=100,
        max=20000,
    )
    seed: int = param(0, "Seed of the simulations and the bootstrap", min=0, max=2**31 - 1)
    hopper_chip: str = param(
        "H100 SXM", "Hopper chip of the Hopper -> Blackwell check", choices=HOPPER_CHIPS
    )
    blackwell_chip: str = param(
        "B200", "Blackwell chip of the Hopper -> Blackwell check", choices=BLACKWELL_CHIPS
    )
    decomposition_precision: str = param(
        "lowest",
        "Number format of the generation decomposition (each chip's own for 'lowest')",
        choices=PRECISIONS,
    )
    silicon: str = param(
        "transistors",
        "Measure of silicon shown beside the decomposition "
        "(power is silicon times power per unit of silicon)",
        choices=SILICON_MEASURES,
    )
    temperature_k: float = param(
        300.0, "Temperature of the Landauer limit", unit="K", min=1.0, max=1000.0
    )
