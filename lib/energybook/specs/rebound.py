"""Chapter: ambition creep (the rebound effect)."""

from __future__ import annotations

from typing import Any

from energybook.params import Param
from energybook.specs import Headline, chapter


def check(values: dict[str, Any]) -> list[str]:
    """Constraints between the parameters, and between them and the data, that the
    per-parameter ranges cannot express; one message per problem (none: valid)."""
    from energybook import data

    problems = []
    base, horizon = int(values["base_year"]), int(values["horizon_year"])
    scope = str(values["scope"])
    if horizon <= base:
        problems.append(f"horizon_year ({horizon}) must be after base_year ({base})")
    dc = data.load_table("dc_electricity")
    have = sorted({int(y) for y in dc.loc[(dc["scope"] == scope)
                                          & (dc["tier"] == "estimated"), "year"]})
    if base not in have:
        problems.append(
            f"base_year ({base}): data/dc_electricity.csv has no data-centre estimate for "
            f"scope {scope!r} in {base}; estimates exist for "
            f"{', '.join(str(y) for y in have) or 'no year'}")
    if float(values["efficiency_growth"]) <= 0.0:
        problems.append(
            "efficiency_growth must be above 0: with no chip progress the rebound, the "
            "backfire probability and the flip elasticity are undefined")
    if float(values["energy_share"]) >= 1.0 and float(values["elasticity"]) >= 1.0 \
            and float(values["demand_growth"]) > 0.0:
        problems.append(
            f"energy_share 1 with elasticity {values['elasticity']} (>= 1) and positive "
            "demand_growth: no efficiency growth can hold energy flat (the headline "
            "efficiency_growth_to_hold_flat_pct would be infinite); lower energy_share "
            "below 1 or elasticity below 1")
    return problems


SPEC = chapter(
    name="rebound",
    title="Ambition creep: why better chips do not cut AI's energy",
    order=20,
    summary=("Efficiency gains such as NVIDIA's H200 do not lower AI's total energy use: "
             "cheaper compute and bigger ambitions take the saving back, or more. The chapter "
             "models energy as compute demanded over efficiency, derives the rebound from a "
             "price elasticity, reproduces the IEA and LBNL forecasts as settings of one demand "
             "model, and propagates the uncertain inputs (no empirical elasticity exists) to "
             "the horizon year's data-centre electricity."),
    params=[
        Param("scope", "str", "World", "Geography of the projection (base-year estimate from "
              "dc_electricity)", choices=("World", "United States")),
        Param("base_year", "int", 2024, "Base year of the projection (an estimate must exist)",
              unit="year", min=2014, max=2030),
        Param("horizon_year", "int", 2030, "Horizon year of the projection", unit="year",
              min=2025, max=2050),
        Param("elasticity", "float", 1.0, "Price elasticity of demand for compute (magnitude) "
              "used for point results; none has been measured", min=0.0, max=5.0),
        Param("elasticity_max", "float", 2.5, "Upper end of the Monte Carlo's elasticity "
              "range: PERT(0, elasticity, elasticity_max), most weight near the point "
              "elasticity, a tail towards this value", min=0.0, max=5.0),
        Param("efficiency_growth", "float", 0.28, "Growth of FLOP per joule per year "
              "(Epoch: hardware efficiency 12x in ten years, about 0.28)", unit="1/year",
              min=0.0, max=3.0),
        Param("demand_growth", "float", 0.106, "Exogenous growth of compute demanded per "
              "year ('ambition'), before any price response. Default calibrated, not "
              "observed: the value the IEA Base Case (415 TWh in 2024 to 945 TWh in 2030) "
              "implies with the other defaults", unit="1/year", min=-0.5, max=5.0),
        Param("hardware_cost_decline", "float", 0.33, "Yearly fall of hardware cost per FLOP "
              "(Epoch: GPU FLOP/s per dollar doubles every 2.46 years, about 0.33)",
              unit="1/year", min=0.0, max=3.0),
        Param("energy_share", "float", 0.05, "Energy's share of the cost per FLOP (Epoch: "
              "energy is 2-6% of frontier development cost)", min=0.001, max=1.0),
        Param("pue", "float", 1.56, "Power usage effectiveness in the base year (Uptime "
              "Institute 2024 industry average)", min=1.0, max=3.0),
        Param("pue_best", "float", 1.09, "Best fleet PUE today, the lower end of the horizon "
              "PUE (Google fleet)", min=1.0, max=3.0),
        Param("growth_spread", "float", 0.05, "Uncertainty of each growth factor: its 90% "
              "interval is median divided or multiplied by (1 + spread). Default: the IEA's "
              "2035 cases (Headwinds to Lift-Off) read as a 90% interval give 0.041; rounded "
              "up", min=0.0, max=2.0),
        Param("anchor_demand", "bool", True, "Monte Carlo: the point elasticity sets the "
              "demand response to trend chip progress (calibrated level) and the uncertain "
              "elasticity acts on departures from the trend; false lets it act on the whole "
              "response (a far wider interval)"),
        Param("param_compute_exponent", "float", 0.5, "Exponent of parameter count in "
              "training compute (0.5 compute-optimal, Hoffmann et al. 2022)", min=0.0,
              max=1.0),
        Param("users", "float", 20e6, "New AI users in the identity example (Microsoft's "
              "India AI-skilling target for 2030)", min=0.0, max=1e10),
        Param("uses_per_user_per_day", "float", 10.0, "Uses per user per day (illustrative "
              "assumption)", unit="1/day", min=0.0, max=10000.0),
        Param("flop_per_use", "float", 1.4e14, "FLOP per use (illustrative: 2 FLOP x 70e9 "
              "active parameters x 1000 tokens)", min=0.0, max=1e20),
        Param("utilization", "float", 0.3, "Share of peak FLOP/s delivered (illustrative "
              "assumption)", min=0.01, max=1.0),
        Param("training_flop", "float", 2.1e25, "Compute of one frontier training run in the "
              "identity example (Epoch's GPT-4 estimate)", min=0.0, max=1e30),
        Param("n_draws", "int", 100000, "Monte Carlo draws", min=1000, max=2000000),
        Param("seed", "int", 20260101, "Seed of the Monte Carlo", min=0, max=2**31 - 1),
    ],
    headlines=[
        Headline("h200_j_per_token_saving_pct", "percent",
                 "Cut in joules per token of memory-bound decoding from H100 to H200 SXM", ".0f"),
        Headline("h200_rebound_pct", "percent",
                 "Share of the H100 -> H200 saving taken back by model growth over the same "
                 "period (above 100: backfire)", ".0f"),
        Headline("energy_median_twh", "TWh",
                 "Median data-centre electricity in the horizon year (2030 by default)", ",.0f"),
        Headline("energy_p05_twh", "TWh",
                 "5th percentile of horizon-year data-centre electricity", ",.0f"),
        Headline("energy_p95_twh", "TWh",
                 "95th percentile of horizon-year data-centre electricity", ",.0f"),
        Headline("backfire_probability_pct", "percent",
                 "Probability that a year's chip progress (energy and hardware cost per FLOP) "
                 "backfires (rebound above 100%), among the Monte Carlo draws in which "
                 "chips improve", ".0f"),
        Headline("flip_elasticity", "1",
                 "Elasticity above which a year's chip progress backfires, other inputs at "
                 "their medians", ".2f"),
        Headline("flip_elasticity_energy_only", "1",
                 "Elasticity above which the energy-efficiency gain alone backfires (hardware "
                 "cost per FLOP unchanged)", ".1f"),
        Headline("efficiency_growth_to_hold_flat_pct", "percent/year",
                 "Efficiency growth per year that would hold data-centre energy flat (point "
                 "values, hardware cost per FLOP falling at its trend)", ".0f"),
        Headline("microsoft_efficiency_growth_to_hold_flat_pct", "percent/year",
                 "Efficiency growth per year that would have held Microsoft's energy flat "
                 "FY20-FY24", ".0f"),
    ],
    check=check,
)
