"""The rebound chapter: its declaration (parameters in ``params.py``, headlines here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from energybook.chapters.rebound.model_growth import estimate_years
from energybook.chapters.rebound.params import Params
from energybook.declare import Headline, chapter


def check(P: Params, tables: Mapping[str, Any]) -> list[str]:
    """Constraints between the parameters, and between them and the data, that the
    per-parameter ranges cannot express; one message per problem (none: valid)."""
    problems = []
    if P.horizon_year <= P.base_year:
        problems.append(f"horizon_year ({P.horizon_year}) must be after base_year "
                        f"({P.base_year})")
    have = estimate_years(tables["dc_electricity"], P.scope)
    if P.base_year not in have:
        problems.append(
            f"base_year ({P.base_year}): data/dc_electricity.csv has no data-centre estimate "
            f"for scope {P.scope!r} in {P.base_year}; estimates exist for "
            f"{', '.join(str(y) for y in have) or 'no year'}")
    if P.efficiency_growth <= 0.0:
        problems.append(
            "efficiency_growth must be above 0: with no chip progress the rebound, the "
            "backfire probability and the flip elasticity are undefined")
    if P.energy_share >= 1.0 and P.elasticity >= 1.0 and P.demand_growth > 0.0:
        problems.append(
            f"energy_share 1 with elasticity {P.elasticity} (>= 1) and positive "
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
    params=Params,
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
    tables=("dc_electricity",),
    check=check,
)
