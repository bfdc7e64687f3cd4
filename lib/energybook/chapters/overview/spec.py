"""The overview chapter: its declaration (parameters in ``params.py``, headlines here)."""

from __future__ import annotations

from energybook.chapters.overview.params import Params
from energybook.declare import Headline, chapter

SPEC = chapter(
    name="overview",
    title="The demand picture: data centres against nations",
    order=10,
    summary="Data-centre electricity today and in the published projections, set against "
    "the annual electricity demand of whole countries.",
    params=Params,
    headlines=[
        Headline("base_twh", "TWh/year", "World data-centre electricity in the base year", ".0f"),
        Headline(
            "projection_twh",
            "TWh/year",
            "World data-centre electricity in the chosen projection",
            ".0f",
        ),
        Headline("growth_factor", "1", "Projection over base-year use", ".2f"),
        Headline("growth_pct_per_year", "%/year", "Implied compound growth per year", ".1f"),
        Headline(
            "ratio_to_reference",
            "1",
            "Projection over the reference country's annual demand",
            ".2f",
        ),
        Headline(
            "added_twh", "TWh/year", "Added data-centre demand, base year to projection", ".0f"
        ),
    ],
)
