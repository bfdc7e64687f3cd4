"""Chapter: scaling limits of performance per watt."""

from __future__ import annotations

from energybook.models.scaling import PRECISIONS as _PRECISIONS
from energybook.models.scaling import SILICON_MEASURES as _SILICON
from energybook.models.scaling import VENDORS as _VENDORS
from energybook.params import Param
from energybook.specs import Headline, chapter

_CHIPS_HOPPER = ("H100 SXM", "H200 SXM")
_CHIPS_BLACKWELL = ("B200", "GB200", "GB300")



def _check(values: dict) -> list[str]:
    """Constraints between the parameters and the chip table, checked before execution: the
    year range, enough chips for the fits and the breakpoint test, a fixed breakpoint with
    chips on both sides and a rolling window that fits the selected releases."""
    from energybook import data
    from energybook.models.scaling import parameter_problems

    return parameter_problems(data.load_table("accelerators"), values)


SPEC = chapter(
    name="scaling",
    title="Scaling limits of performance per watt",
    order=30,
    summary=("Is accelerator performance per watt plateauing, and where did Blackwell's gain "
             "come from? Log-linear trends of peak FLOP/s per watt with intervals, a breakpoint "
             "test, a per-generation decomposition into number format, silicon, power and "
             "efficiency, the memory wall, and the distance to physical limits."),
    params=[
        Param("precision", "str", "bf16",
              "Number format of the main trend ('lowest': each chip's narrowest float format)",
              choices=_PRECISIONS),
        Param("vendors", "list[str]", list(_VENDORS), "Vendors whose chips enter the fits",
              choices=_VENDORS),
        Param("start_year", "int", 2016, "First release year included", min=2016, max=2025),
        Param("end_year", "int", 2025, "Last release year included", min=2016, max=2025),
        Param("include_estimated_power", "bool", True,
              "Include chips whose power is a third-party estimate (Google TPU v4 onwards)"),
        Param("breakpoint_year", "float", 2020.0,
              "Breakpoint fixed in advance for the two-segment slowdown fit", unit="year",
              min=2017.0, max=2025.0),
        Param("window_years", "float", 4.0, "Width of the rolling windows of release date",
              unit="year", min=2.0, max=10.0),
        Param("confidence_level", "float", 0.95, "Confidence level of every interval",
              min=0.5, max=0.99),
        Param("n_bootstrap", "int", 1000, "Bootstrap resamples for the breakpoint estimate",
              min=100, max=20000),
        Param("seed", "int", 0, "Seed of the bootstrap", min=0, max=2**31 - 1),
        Param("hopper_chip", "str", "H100 SXM", "Hopper chip of the Hopper -> Blackwell check",
              choices=_CHIPS_HOPPER),
        Param("blackwell_chip", "str", "B200",
              "Blackwell chip of the Hopper -> Blackwell check", choices=_CHIPS_BLACKWELL),
        Param("decomposition_precision", "str", "lowest",
              "Number format of the generation decomposition (each chip's own for 'lowest')",
              choices=_PRECISIONS),
        Param("silicon", "str", "transistors", "Measure of silicon in the decomposition",
              choices=_SILICON),
        Param("temperature_k", "float", 300.0, "Temperature of the Landauer limit", unit="K",
              min=1.0, max=1000.0),
    ],
    headlines=[
        Headline("doubling_time_years", "year",
                 "Doubling time of peak FLOP/s per watt at the chosen precision (BF16 by default; "
                 "1000 means no growth)",
                 ".2f"),
        Headline("doubling_time_low_years", "year",
                 "Lower end of the doubling time's confidence interval", ".2f"),
        Headline("doubling_time_high_years", "year",
                 "Upper end of the doubling time's confidence interval (1000 means unbounded: the "
                 "interval includes no growth)", ".2f"),
        Headline("lowest_precision_doubling_time_years", "year",
                 "Doubling time of FLOP/s per watt at each chip's lowest float precision", ".2f"),
        Headline("fp32_doubling_time_years", "year",
                 "Doubling time of FP32 FLOP/s per watt (1000 means no growth)", ".2f"),
        Headline("breakpoint_year", "year",
                 "Estimated year of a change in the growth rate (two-segment fit)", ".1f"),
        Headline("prob_slowdown_percent", "percent",
                 "Share of bootstrap fits in which growth is slower after the breakpoint", ".0f"),
        Headline("hopper_blackwell_throughput", "1",
                 "Hopper -> Blackwell BF16 peak throughput ratio", ".2f"),
        Headline("hopper_blackwell_power", "1", "Hopper -> Blackwell board power ratio", ".2f"),
        Headline("hopper_blackwell_transistors", "1",
                 "Hopper -> Blackwell transistor count ratio", ".2f"),
        Headline("hopper_blackwell_non_efficiency_percent", "percent",
                 "Share of the Hopper -> Blackwell throughput gain (log scale) from number "
                 "format, silicon and power rather than per-transistor-per-watt efficiency "
                 "(above 100: the residual efficiency fell)",
                 ".0f"),
        Headline("landauer_orders", "orders of magnitude",
                 "Orders of magnitude between the best chip's J/FLOP and kT ln 2", ".1f"),
        Headline("years_to_cmos_limit", "year",
                 "Years to a published CMOS efficiency limit at the fitted rate", ".0f"),
    ],
    check=_check,
)
