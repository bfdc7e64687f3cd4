"""The rebound chapter's parameters: declared once, read as ``P.elasticity`` etc.

Demand is split into two segments: accelerated (AI) servers, whose trends are the chip
trends Epoch AI measured on AI accelerators (``efficiency_growth``, ``hardware_cost_decline``,
``energy_share``, ``demand_growth``), and everything else (conventional servers, storage,
networking: the ``other_*`` parameters).
"""

from __future__ import annotations

from dataclasses import dataclass

from energybook import common
from energybook.params import ParamsBase, param

SCOPES = ("World", "United States")
# Ambition grows at its early rate to this year (the year of the IEA Base Case's first
# published figure, 945 TWh) and at the late rate after it (late_ambition_ratio).
AMBITION_BREAK_YEAR = 2030


@dataclass(frozen=True)
class Params(ParamsBase):
    scope: str = param(
        "World",
        "Geography of the projection (base-year estimate from dc_electricity)",
        choices=SCOPES,
    )
    base_year: int = param(
        2024,
        "Base year of the projection (an estimate must exist)",
        unit="year",
        min=2014,
        max=2030,
    )
    horizon_year: int = param(
        2030, "Horizon year of the projection", unit="year", min=2025, max=2050
    )
    elasticity: float = common.elasticity()
    elasticity_max: float = common.elasticity_max()
    # ---------------------------------------------------------------- accelerated servers
    ai_share: float = param(
        0.15,
        "Accelerated (AI) servers' own share of base-year "
        "data-centre electricity (IEA Energy and AI: about 15% in 2024; "
        "unverified). The overhead (PUE) is applied to both segments, so "
        "their share of IT electricity is this share times pue",
        min=0.01,
        max=0.6,
    )
    efficiency_growth: float = param(
        0.28,
        "Accelerated servers: growth of FLOP per joule per "
        "year (Epoch: ML hardware energy efficiency 12x in ten "
        "years, about 0.28)",
        unit="1/year",
        min=0.0,
        max=3.0,
    )
    demand_growth: float = param(
        0.2531,
        "Accelerated servers: exogenous growth of compute "
        "demanded per year ('ambition') to 2030, before any price "
        "response. Default calibrated, not observed: the value with "
        "which their own electricity grows 30% a year (IEA Base "
        "Case) with the other defaults",
        unit="1/year",
        min=-0.5,
        max=5.0,
    )
    hardware_cost_decline: float = param(
        0.33,
        "Accelerated servers: yearly fall of hardware "
        "cost per FLOP (Epoch: GPU FLOP/s per dollar doubles "
        "every 2.46 years, about 0.33)",
        unit="1/year",
        min=0.0,
        max=3.0,
    )
    energy_share: float = param(
        0.066,
        "Accelerated servers: energy's share of hardware plus "
        "energy cost per FLOP in the base year; it then drifts with "
        "the two trends. Default from Epoch AI (Cottier et al. 2024): "
        "energy is 2-6% of frontier development cost, which includes "
        "R&D staff (29-49%); over hardware and energy alone the "
        "midpoints give 4% / 61% = 6.6% (about 3-12%). A frontier-"
        "training figure applied to the whole accelerated fleet, "
        "inference included",
        min=0.001,
        max=1.0,
    )
    # ---------------------------------------------------------------- everything else
    other_efficiency_growth: float = param(
        0.21,
        "Conventional computing (servers, storage, "
        "networking): growth of service per joule of IT "
        "electricity per year. Default from Masanet et al. "
        "(Science 2020), 2010-2018: compute instances x6.5, "
        "electricity +6%, PUE -25%",
        unit="1/year",
        min=0.0,
        max=3.0,
    )
    other_demand_growth: float = param(
        0.0990,
        "Conventional computing: exogenous growth of "
        "service demanded per year to 2030. Default "
        "calibrated: the value with which all data centres "
        "reach the IEA Base Case (945 TWh in 2030) with the "
        "other defaults",
        unit="1/year",
        min=-0.5,
        max=5.0,
    )
    other_hardware_cost_decline: float = param(
        0.21,
        "Conventional computing: yearly fall of "
        "hardware cost per unit of service "
        "(illustrative assumption, no sourced trend: "
        "the same as its efficiency growth, which "
        "holds its energy share constant)",
        unit="1/year",
        min=0.0,
        max=3.0,
    )
    other_energy_share: float = param(
        0.15,
        "Conventional computing: energy's share of the "
        "cost of its service in the base year (illustrative "
        "assumption, no sourced figure)",
        min=0.001,
        max=1.0,
    )
    late_ambition_ratio: float = param(
        0.1925,
        "Ambition after 2030 as a share of ambition "
        "before it, in both segments (log growth rates). "
        "Default calibrated: the value with which the central "
        "path reaches the IEA Base Case's 1,200 TWh in 2035",
        min=0.0,
        max=3.0,
    )
    # ---------------------------------------------------------------- facility
    pue: float = param(
        1.56,
        "Power usage effectiveness in the base year (Uptime Institute 2024 industry average)",
        min=1.0,
        max=3.0,
    )
    pue_best: float = param(
        1.09,
        "Best fleet PUE today (Google fleet): the lower end of the "
        "horizon PUE, which lies between it and pue; the median of that "
        "range is the central path that calibrates ambition",
        min=1.0,
        max=3.0,
    )
    # ---------------------------------------------------------------- uncertainty
    growth_spread: float = param(
        0.042,
        "Uncertainty of net energy growth per year: its 90% "
        "interval is the median divided or multiplied by (1 + "
        "spread). Default: the IEA's 2035 cases (Headwinds to "
        "Lift-Off) read as a 90% interval",
        min=0.0,
        max=2.0,
    )
    chip_spread: float = param(
        0.03,
        "Uncertainty of chip progress: one draw scales every chip "
        "trend (efficiency and hardware cost per unit of service, both "
        "segments: they come from the same progress); 90% interval of "
        "the factor per year 1 divided or multiplied by (1 + spread) "
        "(illustrative assumption). Ambition's own spread is what net "
        "growth's spread leaves after chips and PUE",
        min=0.0,
        max=0.5,
    )
    anchor_demand: bool = param(
        True,
        "Monte Carlo: the point elasticity sets the demand "
        "response to trend chip progress (calibrated level) and the "
        "uncertain elasticity acts on departures from the trend; "
        "false lets it act on the whole response (a far wider "
        "interval)",
    )
    # ---------------------------------------------------------------- H100 -> H200
    param_compute_exponent: float = param(
        0.5,
        "Exponent of parameter count in training "
        "compute (0.5 compute-optimal, Hoffmann et al. "
        "2022)",
        min=0.0,
        max=1.0,
    )
    active_share_change: float = param(
        1.0,
        "Share of a model's parameters read per token "
        "(active), at the H200's release over the H100's (1: "
        "dense models throughout; a mixture-of-experts model "
        "reads only its active experts)",
        min=0.01,
        max=10.0,
    )
    bytes_per_param_change: float = param(
        1.0,
        "Bytes stored per parameter, at the H200's "
        "release over the H100's (1: the same number "
        "format; 0.5: 16-bit to 8-bit weights)",
        min=0.1,
        max=4.0,
    )
    # ---------------------------------------------------------------- identity example
    users: float = param(
        20e6,
        "Daily users in the identity example (illustrative: the size "
        "of Microsoft's India pledge, 20 million people to be trained in AI "
        "skills by 2030; trained people are not daily users)",
        min=0.0,
        max=1e10,
    )
    uses_per_user_per_day: float = param(
        10.0, "Uses per user per day (illustrative assumption)", unit="1/day", min=0.0, max=10000.0
    )
    flop_per_use: float = param(
        1.4e14,
        "FLOP per use (illustrative: 2 FLOP x 70e9 active parameters x 1000 tokens)",
        min=0.0,
        max=1e20,
    )
    utilization: float = param(
        0.3, "Share of peak FLOP/s delivered (illustrative assumption)", min=0.01, max=1.0
    )
    training_flop: float = param(
        2.1e25,
        "Compute of one frontier training run in the identity example (Epoch's GPT-4 estimate)",
        min=0.0,
        max=1e30,
    )
    n_draws: int = param(100000, "Monte Carlo draws", min=1000, max=2000000)
    seed: int = param(20260101, "Seed of the Monte Carlo", min=0, max=2**31 - 1)
