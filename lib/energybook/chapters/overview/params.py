"""The overview chapter's parameters: declared once, read as ``P.projection`` etc."""

from __future__ import annotations

from dataclasses import dataclass

from energybook.params import ParamsBase, param

COUNTRIES = ("China", "United States", "India", "Japan", "Germany", "France")
PROJECTIONS = (
    "IEA Base 2030",
    "IEA Base (2026 update) 2030",
    "IEA Base 2035",
    "IEA Lift-Off 2035",
    "IEA High Efficiency 2035",
    "IEA Headwinds 2035",
)


@dataclass(frozen=True)
class Params(ParamsBase):
    projection: str = param(
        "IEA Base 2030",
        "Published projection of world data-centre electricity to compare",
        choices=PROJECTIONS,
    )
    base_year: int = param(
        2024,
        "Year of the world data-centre estimate the projection grows from",
        choices=(2024, 2025),
    )
    reference_country: str = param(
        "Germany",
        "Country whose annual demand the projection is measured against",
        choices=COUNTRIES,
    )
    countries: tuple[str, ...] = param(
        COUNTRIES, "Countries shown in the comparison chart", choices=COUNTRIES
    )
    demand_year: int = param(
        2024,
        "Year of national electricity demand (2025 figures are preliminary)",
        choices=(2024, 2025),
    )
