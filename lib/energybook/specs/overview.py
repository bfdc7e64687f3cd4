"""The overview chapter: how much electricity data centres use, and will use."""

from energybook.params import Param
from energybook.specs import Headline, chapter

COUNTRIES = ("China", "United States", "India", "Japan", "Germany", "France")
PROJECTIONS = (
    "IEA Base 2030",
    "IEA Base (2026 update) 2030",
    "IEA Base 2035",
    "IEA Lift-Off 2035",
    "IEA High Efficiency 2035",
    "IEA Headwinds 2035",
)

SPEC = chapter(
    name="overview",
    title="The demand picture: data centres against nations",
    order=10,
    summary="Data-centre electricity today and in the published projections, set against "
            "the annual electricity demand of whole countries.",
    params=[
        Param("projection", "str", "IEA Base 2030",
              "Published projection of world data-centre electricity to compare",
              choices=PROJECTIONS),
        Param("base_year", "int", 2024,
              "Year of the world data-centre estimate the projection grows from",
              unit="", choices=(2024, 2025)),
        Param("reference_country", "str", "Germany",
              "Country whose annual demand the projection is measured against",
              choices=COUNTRIES),
        Param("countries", "list[str]", list(COUNTRIES),
              "Countries shown in the comparison chart", choices=COUNTRIES),
        Param("demand_year", "int", 2024,
              "Year of national electricity demand (2025 figures are preliminary)",
              choices=(2024, 2025)),
    ],
    headlines=[
        Headline("base_twh", "TWh/year", "World data-centre electricity in the base year",
                 ".0f"),
        Headline("projection_twh", "TWh/year", "World data-centre electricity in the chosen "
                 "projection", ".0f"),
        Headline("growth_factor", "1", "Projection over base-year use", ".2f"),
        Headline("growth_pct_per_year", "%/year", "Implied compound growth per year", ".1f"),
        Headline("ratio_to_reference", "1", "Projection over the reference country's annual "
                 "demand", ".2f"),
        Headline("added_twh", "TWh/year", "Added data-centre demand, base year to projection",
                 ".0f"),
    ],
)
