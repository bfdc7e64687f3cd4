"""The record chapter's parameters: declared once, read as ``P.scope`` etc."""

from __future__ import annotations

from dataclasses import dataclass

from energybook.params import ParamsBase, param

SCOPES = ("World and United States", "World", "United States")
US_VINTAGES = ("LBNL 2024", "LBNL 2016")
WORLD_VINTAGES = ("latest exact estimate", "first published")
HORIZON_FROM = ("base year", "publication year")
ERROR_BASES = ("level", "growth from the base year")
HORIZON_BINS = ("0-2", "3-4", "5-9", "10-20")


@dataclass(frozen=True)
class Params(ParamsBase):
    scope: str = param(
        "World and United States",
        "Which forecasts are scored: world, United "
        "States, or both (data centres without crypto mining; forecasts of "
        "another scope are never scored)",
        choices=SCOPES,
    )
    us_vintage: str = param(
        "LBNL 2024",
        "Vintage of the US series that US forecasts are "
        "scored against (LBNL 2024 revised 2014 from 70 to 58 TWh)",
        choices=US_VINTAGES,
    )
    world_vintage: str = param(
        "latest exact estimate",
        "Which estimate of a past year "
        "scores a world forecast: the latest that gives the year "
        "itself (an interpolated one only where none does), or the "
        "first published after the year",
        choices=WORLD_VINTAGES,
    )
    horizon_from: str = param(
        "base year",
        "Forecast horizon counted from the forecast's base "
        "year (its last year of data) or from its publication year",
        choices=HORIZON_FROM,
    )
    error_basis: str = param(
        "level",
        "Error of the forecast level, or of its growth from the "
        "base year (the forecast rescaled to the scoring vintage's "
        "base-year estimate)",
        choices=ERROR_BASES,
    )
    long_horizon_years: int = param(
        5, "Shortest horizon counted in the headline error", unit="year", min=1, max=10
    )
    horizon_bins: tuple[str, ...] = param(
        HORIZON_BINS, "Horizon bins of the error table (years, inclusive)", choices=HORIZON_BINS
    )
    flat_energy_ratio: float = param(
        1.1,
        "Energy growth (end over start) below which a "
        "period is described as holding energy nearly flat",
        min=1.0,
        max=1.5,
    )
    offset_ratio: float = param(
        0.5,
        "Energy growth over demand growth below which "
        "efficiency is described as offsetting most of the growth "
        "in demand",
        min=0.05,
        max=0.95,
    )
    compute_fit_start: int = param(
        2012,
        "First year of the training-compute growth fit (AlexNet was published in 2012)",
        unit="year",
        min=2010,
        max=2021,
    )
    compute_fit_end: int = param(
        2024, "Last year of the training-compute growth fit", unit="year", min=2015, max=2024
    )
