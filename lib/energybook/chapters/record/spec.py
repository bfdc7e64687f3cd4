"""The record chapter: its declaration (parameters in ``params.py``, headlines here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from energybook.chapters.record.params import Params
from energybook.declare import Headline, chapter

if TYPE_CHECKING:
    import pandas as pd

# The models (pandas, scipy) are imported where the checks run, not with the declaration:
# the command line's help and its refusals of bad values need only the latter.

REGIONS = {
    "World and United States": ("World", "United States"),
    "World": ("World",),
    "United States": ("United States",),
}
MIN_MODELS = 10
MIN_FIT_YEARS = 3
# The fewest scored forecasts for which the two-sided sign test (5%) could detect anything
# at all: at 5 the smallest possible p-value is 0.0625, at 6 it is 0.031 (0 or 6 too high).
MIN_SCORED = 6
# The fewest long-horizon forecasts for which the distribution-free [min, max] interval of
# their median covers it at least 85% of the time (87.5% at 4; 75% at 3).
MIN_LONG = 4


def scored_forecasts(P: Params, forecasts: pd.DataFrame) -> pd.DataFrame:
    """Every forecast in the chosen scope, paired and scored as the parameters say."""
    from energybook.chapters.record import model_forecasts

    return model_forecasts.score(
        forecasts,
        regions=REGIONS[P.scope],
        us_publications=(P.us_vintage,),
        world_policy=P.world_vintage,
        horizon_from=P.horizon_from,
        basis=P.error_basis,
    )


def fit_window(P: Params, compute: pd.DataFrame) -> pd.DataFrame:
    """The notable models whose publication falls in the fit period (whole years)."""
    import pandas as pd

    from energybook.chapters.record import model_compute

    years = model_compute.decimal_year(pd.to_datetime(compute["publication_date"]))
    keep = (years >= P.compute_fit_start) & (years < P.compute_fit_end + 1)
    return compute[keep].assign(year=years[keep])


def check(P: Params, tables: Mapping[str, Any]) -> list[str]:
    from energybook.chapters.record import model_forecasts

    problems = []
    span = P.compute_fit_end - P.compute_fit_start
    if span < MIN_FIT_YEARS:
        problems.append(
            f"compute_fit_start ({P.compute_fit_start}) and compute_fit_end "
            f"({P.compute_fit_end}): the fit period must span at least {MIN_FIT_YEARS} years; "
            f"allowed: compute_fit_end - compute_fit_start >= {MIN_FIT_YEARS}"
        )
    elif len(fit_window(P, tables["training_compute"])) < MIN_MODELS:
        problems.append(
            f"compute_fit_start and compute_fit_end: fewer than {MIN_MODELS} "
            "models with a compute estimate in the fit period"
        )
    try:
        s = scored_forecasts(P, tables["forecasts"])
    except ValueError as e:
        return problems + [str(e)]
    s = s[s["status"] == model_forecasts.SCORED]
    n_long = int((s["horizon_years"] >= P.long_horizon_years).sum())
    choice = (
        f"scope {P.scope!r}, us_vintage {P.us_vintage!r}, world_vintage "
        f"{P.world_vintage!r}, horizon_from {P.horizon_from!r} and error_basis "
        f"{P.error_basis!r}"
    )
    if len(s) < MIN_SCORED:
        problems.append(
            f"scope, us_vintage, world_vintage and error_basis: {choice} score {len(s)} "
            f"forecasts; allowed: choices that score at least {MIN_SCORED} (fewer, and the "
            "share too high could not be told from chance whatever it was)"
        )
    elif n_long < MIN_LONG:
        problems.append(
            f"long_horizon_years ({P.long_horizon_years}), horizon_from and the scoring "
            f"choices: {choice} leave {n_long} scored forecasts at horizons of "
            f"{P.long_horizon_years} years or more; allowed: choices that leave at least "
            f"{MIN_LONG} (a median of fewer has no usable interval)"
        )
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
        Headline(
            "median_abs_log_error_long",
            "1",
            "Median absolute log error of the scored forecasts at the long horizons",
            ".2f",
        ),
        Headline(
            "share_too_high_pct", "%", "Share of scored forecasts above the later estimate", ".0f"
        ),
        # energy_per_instance_change_pct_per_year was the same number as the next headline
        # (its eighth root, less one): it is glued in the prose but no longer a headline.
        Headline(
            "energy_to_compute_2010_2018",
            "1",
            "Energy growth over compute-instance "
            "growth, 2010-2018 (energy per compute instance, end over start)",
            ".2f",
        ),
        Headline(
            "energy_to_compute_2015_2021",
            "1",
            "Energy growth over workload growth, 2015-2021",
            ".2f",
        ),
        Headline(
            "compute_growth_per_year",
            "1/year",
            "Training compute of notable models: growth factor per year (fitted)",
            ".2f",
        ),
        Headline(
            "compute_growth_low",
            "1/year",
            "Low end of its 90% interval (clustered by publication year)",
            ".2f",
        ),
        Headline(
            "compute_growth_high",
            "1/year",
            "High end of its 90% interval (clustered by publication year)",
            ".2f",
        ),
    ],
    tables=("forecasts", "training_compute"),
    check=check,
)
