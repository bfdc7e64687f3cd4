"""The rebound chapter's parameters: declared once, read as ``P.elasticity`` etc."""

from __future__ import annotations

from dataclasses import dataclass

from energybook import common
from energybook.params import ParamsBase, param

SCOPES = ("World", "United States")


@dataclass(frozen=True)
class Params(ParamsBase):
    scope: str = param("World", "Geography of the projection (base-year estimate from "
                       "dc_electricity)", choices=SCOPES)
    base_year: int = param(2024, "Base year of the projection (an estimate must exist)",
                           unit="year", min=2014, max=2030)
    horizon_year: int = param(2030, "Horizon year of the projection", unit="year",
                              min=2025, max=2050)
    elasticity: float = common.elasticity()
    elasticity_max: float = common.elasticity_max()
    efficiency_growth: float = param(0.28, "Growth of FLOP per joule per year (Epoch: "
                                     "hardware efficiency 12x in ten years, about 0.28)",
                                     unit="1/year", min=0.0, max=3.0)
    demand_growth: float = param(0.106, "Exogenous growth of compute demanded per year "
                                 "('ambition'), before any price response. Default "
                                 "calibrated, not observed: the value the IEA Base Case (415 "
                                 "TWh in 2024 to 945 TWh in 2030) implies with the other "
                                 "defaults", unit="1/year", min=-0.5, max=5.0)
    hardware_cost_decline: float = param(0.33, "Yearly fall of hardware cost per FLOP "
                                         "(Epoch: GPU FLOP/s per dollar doubles every 2.46 "
                                         "years, about 0.33)", unit="1/year", min=0.0,
                                         max=3.0)
    energy_share: float = param(0.05, "Energy's share of the cost per FLOP (Epoch: energy is "
                                "2-6% of frontier development cost)", min=0.001, max=1.0)
    pue: float = param(1.56, "Power usage effectiveness in the base year (Uptime Institute "
                       "2024 industry average)", min=1.0, max=3.0)
    pue_best: float = param(1.09, "Best fleet PUE today, the lower end of the horizon PUE "
                            "(Google fleet)", min=1.0, max=3.0)
    growth_spread: float = param(0.05, "Uncertainty of each growth factor: its 90% interval "
                                 "is median divided or multiplied by (1 + spread). Default: "
                                 "the IEA's 2035 cases (Headwinds to Lift-Off) read as a 90% "
                                 "interval give 0.041; rounded up", min=0.0, max=2.0)
    anchor_demand: bool = param(True, "Monte Carlo: the point elasticity sets the demand "
                                "response to trend chip progress (calibrated level) and the "
                                "uncertain elasticity acts on departures from the trend; "
                                "false lets it act on the whole response (a far wider "
                                "interval)")
    param_compute_exponent: float = param(0.5, "Exponent of parameter count in training "
                                          "compute (0.5 compute-optimal, Hoffmann et al. "
                                          "2022)", min=0.0, max=1.0)
    users: float = param(20e6, "New AI users in the identity example (Microsoft's India "
                         "AI-skilling target for 2030)", min=0.0, max=1e10)
    uses_per_user_per_day: float = param(10.0, "Uses per user per day (illustrative "
                                         "assumption)", unit="1/day", min=0.0, max=10000.0)
    flop_per_use: float = param(1.4e14, "FLOP per use (illustrative: 2 FLOP x 70e9 active "
                                "parameters x 1000 tokens)", min=0.0, max=1e20)
    utilization: float = param(0.3, "Share of peak FLOP/s delivered (illustrative "
                               "assumption)", min=0.01, max=1.0)
    training_flop: float = param(2.1e25, "Compute of one frontier training run in the "
                                 "identity example (Epoch's GPT-4 estimate)", min=0.0,
                                 max=1e30)
    n_draws: int = param(100000, "Monte Carlo draws", min=1000, max=2000000)
    seed: int = param(20260101, "Seed of the Monte Carlo", min=0, max=2**31 - 1)
