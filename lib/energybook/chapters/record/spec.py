"""The record chapter: its declaration (parameters in ``params.py``, headlines here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from energybook.chapters.record import model_compute, model_forecasts
from energybook.chapters.record.params import Params
from energybook.declare import Headline, chapter

REGIONS = {"World and United States": ("World", "United States"), "World": ("World",),
           "United States": ("United States",)}
MIN_MODELS = 10
MIN_FIT_YEARS = 3


def scored_forecasts(P: Params, forecasts: pd.DataFrame) -> pd.DataFrame:
    """Every forecast in the chosen scope, paired and scored as the parameters say."""
    return model_forecasts.score(forecasts, regions=REGIONS[P.scope],
                                 us_publications=(P.us_vintage,),
                                 world_policy=P.world_vintage, horizon_from=P.horizon_from,
                                 basis=P.error_basis)


def fit_window(P: Params, compute: pd.DataFrame) -> pd.DataFrame:
    """The notable models whose publication falls in the fit period (whole years)."""
    years = model_compute.decimal_year(pd.to_datetime(compute["publication_date"]))
    keep = (years >= P.compute_fit_start) & (years < P.compute_fit_end + 1)
    return compute[keep].assign(year=years[keep])


def check(P: Params, tables: Mapping[str, Any]) -> list[str]:
    problems = []
    span = P.compute_fit_end - P.compute_fit_start
    if span < MIN_FIT_YEARS:
        problems.append(
            f"compute_fit_start ({P.compute_fit_start}) and compute_fit_end "
            f"({P.compute_fit_end}): the fit period must span at least {MIN_FIT_YEARS} years; "
            f"allowed: compute_fit_end - compute_fit_start >= {MIN_FIT_YEARS}")
    elif len(fit_window(P, tables["training_compute"])) < MIN_MODELS:
        problems.append(f"compute_fit_start and compute_fit_end: fewer than {MIN_MODELS} "
                        "models with a compute estimate in the fit period")
    try:
        s = scored_forecasts(P, tables["forecasts"])
    except ValueError as e:
        return problems + [str(e)]
    s = s[s["status"] == "scored"]
    if s.empty:
        problems.append(f"scope ({P.scope!r}) with us_vintage ({P.us_vintage!r}) and "
                        f"error_basis ({P.error_basis!r}): no forecast can be scored")
    elif (s["horizon_years"] >= P.long_horizon_years).sum() == 0:
        longest = int(s["horizon_years"].max())
        problems.append(
            f"long_horizon_years ({P.long_horizon_years}): with scope {P.scope!r}, "
            f"horizon_from {P.horizon_from!r}, us_vintage {P.us_vintage!r} and error_basis "
            f"{P.error_basis!r} no scored forecast has a horizon that long; allowed: at most "
            f"{longest}")
    return problems


SPEC = chapter(
    name="record",
    title="The record: past forecasts, and the decade when efficiency won",
    order=15,
    summary="How published forecasts of data-centre electricity fared against later "
            "estimates; the 2010-2018 decade in which efficiency held data-centre electricity "
            "flat, and what changed after; and the growth of training compute beside the "
            "growth of hardware efficiency.",
    params=Params,
    headlines=[
        Headline("median_abs_log_error_long", "1", "Median absolute log error of the scored "
                 "forecasts at the long horizons", ".2f"),
        Headline("share_too_high_pct", "%", "Share of scored forecasts above the later "
                 "estimate", ".0f"),
        Headline("energy_per_instance_change_pct_per_year", "%/year", "Change of energy per "
                 "compute instance per year, 2010-2018", ".1f"),
        Headline("energy_to_compute_2010_2018", "1", "Energy growth over compute-instance "
                 "growth, 2010-2018", ".2f"),
        Headline("energy_to_compute_2015_2021", "1", "Energy growth over workload growth, "
                 "2015-2021", ".2f"),
        Headline("compute_growth_per_year", "1/year", "Training compute of notable models: "
                 "growth factor per year (fitted)", ".2f"),
        Headline("compute_growth_low", "1/year", "Low end of its 90% interval", ".2f"),
        Headline("compute_growth_high", "1/year", "High end of its 90% interval", ".2f"),
    ],
    tables=("forecasts", "training_compute"),
    check=check,
)
