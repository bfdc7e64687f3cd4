"""The rebound chapter: its declaration (parameters in ``params.py``, headlines here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from energybook.chapters.rebound.params import Params
from energybook.declare import Headline, chapter
from energybook.memo import per_table


@per_table(16)
def _estimate_years(dc_electricity: Any, scope: str) -> list[int]:
    """:func:`estimate_years`, memoised on the table object itself: a sweep checks thousands
    of points against one loaded table."""
    from energybook.chapters.rebound.model_growth import estimate_years  # with the check

    return estimate_years(dc_electricity, scope)


def check(P: Params, tables: Mapping[str, Any]) -> list[str]:
    """Constraints between the parameters, and between them and the data, that the
    per-parameter ranges cannot express; one message per problem (none: valid)."""
    problems = []
    if P.horizon_year <= P.base_year:
        problems.append(f"horizon_year ({P.horizon_year}) must be after base_year ({P.base_year})")
    have = _estimate_years(tables["dc_electricity"], P.scope)
    if P.base_year not in have:
        problems.append(
            f"base_year ({P.base_year}): data/dc_electricity.csv has no data-centre estimate "
            f"for scope {P.scope!r} in {P.base_year}; estimates exist for "
            f"{', '.join(str(y) for y in have) or 'no year'}"
        )
    if P.efficiency_growth <= 0.0:
        problems.append(
            "efficiency_growth must be above 0: with no chip progress the rebound, the "
            "backfire probability and the flip elasticity are undefined"
        )
    if P.ai_share * P.pue >= 1.0:
        problems.append(
            f"ai_share x pue ({P.ai_share:g} x {P.pue:g}) must be below 1: it is the "
            "accelerated servers' share of IT electricity; lower ai_share or pue"
        )
    for share, name, growth in (
        (P.energy_share, "energy_share", "demand_growth"),
        (P.other_energy_share, "other_energy_share", "other_demand_growth"),
    ):
        if share >= 1.0 and P.elasticity >= 1.0:
            problems.append(
                f"{name} 1 with elasticity {P.elasticity} (>= 1): no efficiency growth can "
                f"hold energy flat while {growth} pushes demand (the "
                "efficiency growth to hold energy flat would be infinite); lower "
                f"{name} below 1 or elasticity below 1"
            )
    return problems


SPEC = chapter(
    name="rebound",
    title="Ambition creep: why better chips do not cut AI's energy",
    order=20,
    summary=(
        "Efficiency gains such as NVIDIA's H200 do not lower AI's total energy use: "
        "cheaper compute and bigger ambitions take the saving back, or more. The chapter "
        "splits data-centre demand into accelerated (AI) servers and everything else, "
        "each with its own trends; calibrates ambition to the IEA Base Case under the "
        "same PUE path the Monte Carlo is centred on; separates the response to cheaper "
        "energy (the rebound) from the response to cheaper hardware; and sets the "
        "flip elasticity beside a confounded ratio from AI's own market."
    ),
    params=Params,
    headlines=[
        Headline(
            "h200_j_per_token_saving_pct",
            "percent",
            "Cut in joules per token of memory-bound decoding from H100 to H200 SXM",
            ".0f",
        ),
        Headline(
            "h200_breakeven_months",
            "months",
            "Months of trend growth of the bytes a model reads per token that take back "
            "the H100 -> H200 saving (model growth over time, not a response to the "
            "H200)",
            ".1f",
        ),
        Headline(
            "energy_median_twh",
            "TWh",
            "Median data-centre electricity in the horizon year (2030 by default)",
            ",.0f",
        ),
        Headline(
            "energy_p05_twh",
            "TWh",
            "5th percentile of horizon-year data-centre electricity",
            ",.0f",
        ),
        Headline(
            "energy_p95_twh",
            "TWh",
            "95th percentile of horizon-year data-centre electricity",
            ",.0f",
        ),
        Headline(
            "flip_elasticity",
            "1",
            "Price elasticity above which a year of the accelerated servers' chip "
            "progress (energy and hardware cost per FLOP) backfires, other inputs at "
            "their medians",
            ".2f",
        ),
        Headline(
            "flip_elasticity_energy_only",
            "1",
            "Elasticity above which the energy-efficiency gain alone backfires (hardware "
            "cost per FLOP unchanged)",
            ".1f",
        ),
        Headline(
            "market_elasticity_ratio",
            "1",
            "Median, over every pairing of a tokens-served series with a price series, "
            "of token growth over price fall (log ratio) in AI's own market: a confounded "
            "ratio whose bias can run either way, not an estimate or a bound",
            ".2f",
        ),
        Headline(
            "microsoft_energy_per_cloud_revenue_pct",
            "percent/year",
            "Yearly change of Microsoft's energy use per dollar of its cloud revenue, FY20-FY24",
            ".1f",
        ),
    ],
    tables=("dc_electricity",),
    check=check,
)
