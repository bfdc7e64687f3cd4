"""What the overview page shows besides its charts: glued numbers and phrases, captions.

Every chapter's page module has the same entry points:

- ``TABLES``: the data tables the page reads;
- ``evaluate(P, tables)``: runs the models once and returns an ``Evaluation``;
- ``headlines(ev)``: the declared headline numbers (what ``results.json`` holds);
- ``numbers(ev)`` and ``texts(ev)``: every other number and phrase glued into the prose;
- ``captions(ev)``: one caption per figure of ``figures.py``, by the figure's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from energybook.chapters.overview import model
from energybook.chapters.overview.params import Params
from energybook.chapters.overview.spec import SPEC

TABLES = ("dc_electricity", "national_electricity")


@dataclass(frozen=True)
class Evaluation:
    P: Params
    dc: pd.DataFrame
    national: pd.DataFrame
    case: str
    horizon_year: int
    picture: dict[str, float]


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    dc, national = tables["dc_electricity"], tables["national_electricity"]
    case, horizon = model.split_projection(P.projection)
    picture = model.demand_picture(dc, national, P.projection, P.base_year,
                                   P.reference_country, P.demand_year)
    return Evaluation(P, dc, national, case, horizon, picture)


def headlines(ev: Evaluation) -> dict[str, float]:
    return {h.name: ev.picture[h.name] for h in SPEC.headlines}


def numbers(ev: Evaluation) -> dict[str, float]:
    return {}


def texts(ev: Evaluation) -> dict[str, str]:
    return {
        "projection_label": f"{ev.case} ({ev.horizon_year})",
        "reference_country": ev.P.reference_country,
        "base_year": str(ev.P.base_year),
        "horizon_year": str(ev.horizon_year),
    }


def _range_twh(dc: pd.DataFrame, scope: str, year: int) -> tuple[float, float]:
    rows = dc[(dc["scope"] == scope) & (dc["year"] == year) & (dc["tier"] == "projected")]
    return float(rows["energy_twh"].min()), float(rows["energy_twh"].max())


def captions(ev: Evaluation) -> dict[str, str]:
    dc = ev.dc
    lo35, hi35 = _range_twh(dc, model.WORLD, 2035)
    us = dc[(dc["scope"] == "United States") & (dc["tier"] == "estimated")]
    us_first, us_last = us.loc[us["year"].idxmin()], us.loc[us["year"].idxmax()]
    lo28, hi28 = _range_twh(dc, "United States", 2028)
    world = dc[(dc["scope"] == model.WORLD) & (dc["tier"] == "estimated")]
    regions = model.regional_table(dc)
    return {
        "comparison": (
            "Horizontal bars of annual electricity: the demand of each selected country and "
            "the world's data centres, estimated for the base year and in the chosen "
            "projection. Sources: IEA Energy and AI (2025); Our World in Data (Ember)."),
        "forecasts": (
            f"Points of data-centre electricity by year: world estimates "
            f"({world['year'].min()}-{world['year'].max()}), the IEA's 2030 and 2035 cases "
            f"({lo35:,.0f} to {hi35:,.0f} TWh in 2035), US estimates from LBNL "
            f"({us_first['energy_twh']:,.0f} TWh in {us_first['year']} to "
            f"{us_last['energy_twh']:,.0f} TWh in {us_last['year']}) and its "
            f"{lo28:,.0f}-{hi28:,.0f} TWh range for 2028, and the IEA's 2024 range for 2026 "
            "that includes cryptocurrency. Shape marks estimates against projections."),
        "regions": (
            "Grouped bars of data-centre electricity by region for 2024 and 2030 in the IEA "
            "Base Case, sorted by added demand: " + ", ".join(regions["region"]) + "."),
    }
