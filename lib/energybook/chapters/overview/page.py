"""What the overview page shows besides its charts: glued numbers and phrases, captions.

Every chapter's page module has the same entry points:

- ``TABLES``: the data tables the page reads;
- ``evaluate(P, tables)``: runs the models once and returns an ``Evaluation``;
- ``headlines(ev)``: the declared headline numbers (what ``results.json`` holds);
- ``numbers(ev)`` and ``texts(ev)``: every other number and phrase glued into the prose;
- ``captions(ev)``: one caption per figure of ``figures.py``, by the figure's name.
"""

from __future__ import annotations

import math
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
    picture = model.demand_picture(
        dc, national, P.projection, P.base_year, P.reference_country, P.demand_year
    )
    return Evaluation(P, dc, national, case, horizon, picture)


def headlines(ev: Evaluation) -> dict[str, float]:
    return {h.name: ev.picture[h.name] for h in SPEC.headlines}


UPDATE_CASE = "IEA Base (2026 update)"
UPDATE_YEAR = 2030
FIRST_CASE = "IEA Base"
US_AND_CHINA = ("United States", "China")


def multiple_in_words(ratio: float) -> str:
    """A ratio as a reader says it: "79% of", "about the same as", "about twice", "almost
    twice" (within 10% below), "more than twice" (within 10% above), otherwise "about 2.5
    times". A test pins the cases."""
    if not ratio > 0:
        raise ValueError(f"ratio must be positive, got {ratio}")
    if ratio < 0.95:
        return f"{100 * ratio:.0f}% of"
    if ratio < 1.05:
        return "about the same as"

    def word(n: int) -> str:
        return {
            1: "as much as",
            2: "twice",
            3: "three times",
            4: "four times",
            5: "five times",
        }.get(n, f"{n} times")

    nearest = math.floor(ratio + 0.5)
    if abs(ratio - nearest) <= 0.05:
        return f"about {word(nearest)}"
    up, down = math.ceil(ratio), math.floor(ratio)
    almost = ratio >= 0.9 * up
    more = down >= 2 and ratio <= 1.1 * down
    if almost and (not more or up - ratio <= ratio - down):
        return f"almost {word(up)}"
    if more:
        return f"more than {word(down)}"
    return f"about {ratio:.1f} times"


def stated_precision(value: float) -> float:
    """The rounding unit a figure was stated to: 950 -> 10, 1200 -> 100, 945 -> 1."""
    v, unit = int(round(value)), 1.0
    while v and v % 10 == 0:
        v //= 10
        unit *= 10
    return unit


def flip_loss_pct(ratio: float) -> float:
    """The share of a country's demand lost in its grid (%) above which data centres'
    consumption would exceed the country's consumption, for a ratio to demand below 1
    (consumption = demand x (1 - loss share)); NaN where the ratio is 1 or more."""
    return 100.0 * (1.0 - ratio) if ratio < 1 else math.nan


def _national_growth(ev: Evaluation) -> dict[str, float]:
    years = sorted(ev.national["year"].unique())
    y0, y1 = int(years[-2]), int(years[-1])
    return {c: model.demand_growth_pct(ev.national, c, y0, y1) for c in ev.P.countries}


def numbers(ev: Evaluation) -> dict[str, float]:
    dc = ev.dc
    first = model.lookup_twh(dc, model.WORLD, UPDATE_YEAR, FIRST_CASE)
    update = model.lookup_twh(dc, model.WORLD, UPDATE_YEAR, UPDATE_CASE)
    est = dc[(dc["scope"] == model.WORLD) & (dc["tier"] == "estimated")].sort_values("year")
    last, before = est.iloc[-1], est.iloc[-2]
    growth = _national_growth(ev)
    regions = model.regional_table(dc)
    return {
        "first_report_2030_twh": first,
        "update_2030_twh": update,
        "update_precision_twh": stated_precision(update),
        "latest_estimate_twh": float(last["energy_twh"]),
        "latest_estimate_growth_pct": _stated_growth(last, before),
        "fastest_national_growth_pct": max(growth.values()),
        "spread_2035": model.projection_spread(dc, 2035),
        "us_china_share_of_added_pct": 100.0 * model.share_of_added(regions, US_AND_CHINA),
    }


def _stated_growth(last: pd.Series, before: pd.Series) -> float:
    """The latest year's growth: as the source states it where it states a growth (the
    level is then computed from it), else from the two levels."""
    stated = last.get("stated_change_pct")
    if stated is not None and not pd.isna(stated):
        return float(stated)
    return 100.0 * (float(last["energy_twh"]) / float(before["energy_twh"]) - 1.0)


def texts(ev: Evaluation) -> dict[str, str]:
    dc = ev.dc
    est = dc[(dc["scope"] == model.WORLD) & (dc["tier"] == "estimated")].sort_values("year")
    growth = _national_growth(ev)
    dc_growth = _stated_growth(est.iloc[-1], est.iloc[-2])
    first = model.lookup_twh(dc, model.WORLD, UPDATE_YEAR, FIRST_CASE)
    update = model.lookup_twh(dc, model.WORLD, UPDATE_YEAR, UPDATE_CASE)
    same = abs(update - first) <= stated_precision(update) / 2
    proj = ev.picture["projection_twh"]
    flips = [
        (c, flip_loss_pct(proj / model.demand_twh(ev.national, c, ev.P.demand_year)))
        for c in ev.P.countries
    ]
    flips = [(c, x) for c, x in flips if not math.isnan(x)]
    fastest = max(growth, key=lambda c: growth[c])
    lbnl = dc[
        (dc["scope"] == "United States")
        & (dc["tier"] == "projected")
        & dc["source_publisher"].str.startswith("Lawrence Berkeley")
    ]
    pace = (
        "faster than any of the countries shown"
        if dc_growth > growth[fastest]
        else f"no faster than {fastest}"
    )
    return {
        "projection_label": f"{ev.case} ({ev.horizon_year})",
        "reference_country": ev.P.reference_country,
        "base_year": str(ev.P.base_year),
        "horizon_year": str(ev.horizon_year),
        "ratio_in_words": multiple_in_words(ev.picture["ratio_to_reference"]),
        "base_in_words": multiple_in_words(
            ev.picture["base_twh"] / ev.picture["reference_demand_twh"]
        ),
        "latest_estimate_year": str(int(est["year"].iloc[-1])),
        "previous_estimate_year": str(int(est["year"].iloc[-2])),
        "national_growth_years": f"{int(sorted(ev.national['year'].unique())[-2])} to "
        f"{int(sorted(ev.national['year'].unique())[-1])}",
        "dc_pace": pace,
        "lbnl_horizon_year": str(int(lbnl["year"].max())),
        "update_change": (
            "no change at the precision the update states"
            if same
            else f"{100 * (update / first - 1):+.1f}% on the 2025 report"
        ),
        "demand_year": str(ev.P.demand_year),
        "flip_sentence": _flip_sentence(flips),
    }


def _name(country: str) -> str:
    return "the United States" if country == "United States" else country


def _flip_sentence(flips: list[tuple[str, float]]) -> str:
    """Which comparison a consumption basis could flip: the closest one, and how large the
    losses would have to be for the next."""
    if not flips:
        return "the projection exceeds every country's demand shown, so no comparison here can flip"
    flips = sorted(flips, key=lambda cx: cx[1])
    c, x = flips[0]
    out = (
        f"the closest comparison, with {_name(c)}, would flip if more than {x:.0f}% of "
        "its demand were lost in its grid"
    )
    if len(flips) > 1:
        out += f"; the next, with {_name(flips[1][0])}, would need losses above {flips[1][1]:.0f}%"
    return out


def _possessive(country: str) -> str:
    return "the United States'" if country == "United States" else f"{country}'s"


def _range_twh(dc: pd.DataFrame, scope: str, year: int) -> tuple[float, float]:
    rows = dc[(dc["scope"] == scope) & (dc["year"] == year) & (dc["tier"] == "projected")]
    return float(rows["energy_twh"].min()), float(rows["energy_twh"].max())


def captions(ev: Evaluation) -> dict[str, str]:
    dc = ev.dc
    lo35, hi35 = _range_twh(dc, model.WORLD, 2035)
    lbnl = dc["source_publisher"].str.startswith("Lawrence Berkeley")
    us = dc[(dc["scope"] == "United States") & (dc["tier"] == "estimated") & lbnl]
    us_first, us_last = us.loc[us["year"].idxmin()], us.loc[us["year"].idxmax()]
    lo28, hi28 = _range_twh(dc[lbnl], "United States", 2028)
    lo26, hi26 = _range_twh(dc, "World (incl. crypto)", 2026)
    base26 = model.lookup_twh(dc, "World (incl. crypto)", 2026, "IEA Electricity 2024 Base")
    world = dc[(dc["scope"] == model.WORLD) & (dc["tier"] == "estimated")]
    regions = model.regional_table(dc)
    P = ev.P
    companions = model.other_vintages(dc, ev.case, ev.horizon_year)
    share = 100.0 * model.share_of_added(regions, US_AND_CHINA)
    return {
        "comparison": (
            "How the electricity of the world's data centres compares with that of whole "
            f"countries: the chosen projection ({ev.picture['projection_twh']:,.0f} TWh) is "
            + "; ".join(
                f"{ev.picture['projection_twh'] / model.demand_twh(ev.national, c, P.demand_year):.2f} "
                f"times {_possessive(c)} demand"
                for c in P.countries
            )
            + ". The bars show the annual demand of each selected country and the annual "
            "electricity of the world's data centres, estimated for the base year and in the "
            "chosen projection"
            + ("" if not companions else " beside its other IEA vintage")
            + ". National demand is generation plus net imports and includes grid losses; "
            "the data-centre figures are consumption. Sources: IEA Energy and AI (2025) and "
            "Key Questions on Energy and AI (2026); Our World in Data (Ember)."
        ),
        "forecasts": (
            "How widely the published estimates and projections of data-centre electricity "
            f"spread, year by year: the IEA's 2030 and 2035 cases span {lo35:,.0f} to "
            f"{hi35:,.0f} TWh in 2035, LBNL's US estimates run from "
            f"{us_first['energy_twh']:,.0f} TWh in {us_first['year']} to "
            f"{us_last['energy_twh']:,.0f} TWh in {us_last['year']} with a "
            f"{lo28:,.0f}-{hi28:,.0f} TWh range for 2028, and the IEA's Electricity 2024 "
            f"cases for 2026 span {lo26:,.0f} to {hi26:,.0f} TWh (base {base26:,.0f} TWh), "
            "including cryptocurrency. The points also show the world estimates "
            f"({world['year'].min()}-{world['year'].max()}). Colour marks estimates (blue) "
            "against projections (vermilion) and shape the scope (world, United States, "
            "world including cryptocurrency); points of one year that agree are set side by "
            "side."
        ),
        "regions": (
            f"The United States and China take {share:.0f}% of the added data-centre "
            "electricity from 2024 to 2030 in the IEA Base Case. The bars show each region's "
            "demand in 2024 and 2030, sorted by added demand: " + ", ".join(regions["region"]) + "."
        ),
    }
