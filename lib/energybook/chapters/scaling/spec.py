"""The scaling chapter: its declaration (parameters in ``params.py``, headlines here) and the
checks between parameters and the chip table that run before anything executes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from energybook.chapters.scaling.params import PRECISIONS, Params
from energybook.declare import Headline, chapter

if TYPE_CHECKING:
    import pandas as pd

# The models (numpy, pandas, scipy) are imported by ``check`` when it runs, not with the
# declaration: the command line's help and its refusals of bad values need only the latter.

#: Chips the fixed breakpoint of the two-segment fit needs on each side.
MIN_CHIPS_EACH_SIDE = 2


def _selection(P: Params) -> dict:
    return {
        "vendors": P.vendors,
        "start_year": P.start_year,
        "end_year": P.end_year,
        "include_estimated_power": P.include_estimated_power,
    }


def _where(P: Params) -> str:
    est = "" if P.include_estimated_power else ", include_estimated_power false"
    return f"vendors {', '.join(P.vendors)}, start_year-end_year {P.start_year}-{P.end_year}{est}"


def check(P: Params, tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Constraints between the parameters and the chip table, one message per problem: the
    year range, enough chips for the fits (every product, one per design, the frontier) and
    the slowdown test, a fixed breakpoint with chips on both sides, a rolling window that
    fits the selected releases and a Hopper -> Blackwell step with figures at the
    decomposition's precision."""
    import numpy as np

    from energybook.chapters.scaling import model, model_slowdown, model_steps

    if P.start_year >= P.end_year:
        return [f"start_year ({P.start_year}) must be before end_year ({P.end_year})"]
    # Chips the main trend and the slowdown test need at the chosen precision.
    min_chips = 2 * model_slowdown.MIN_EACH_SIDE
    acc = tables["accelerators"]
    sel = _selection(P)
    where = _where(P)
    hint = "add vendors, widen start_year-end_year" + (
        "" if P.include_estimated_power else " or set include_estimated_power to true"
    )
    counts = model.selection_counts(acc, PRECISIONS, **sel)
    problems = []
    n, _ = counts[P.precision]
    if n < min_chips:
        allowed = [p for p in PRECISIONS if counts[p][0] >= min_chips]
        alt = (
            f"; precisions with enough chips in this selection: {', '.join(allowed)}"
            if allowed
            else ""
        )
        problems.append(
            f"too few chips: only {n} chips at precision {P.precision} ({where}); "
            f"the trend and breakpoint search need {min_chips}: "
            f"{hint}{alt}"
        )
    for p in ("fp32", "lowest"):
        k, spread = counts[p]
        if k < 3 or not spread:
            problems.append(
                f"too few chips: only {k} chips with {p} figures ({where}); the "
                f"{p} trend needs 3 released on different dates (Google and Intel "
                f"publish no FP32 matrix peaks): {hint}"
            )
    if problems:
        return problems
    t = model.efficiency_table(acc, P.precision, **sel)
    x = np.sort(t["year"].to_numpy())
    if model_slowdown.candidate_breaks(x, model_slowdown.min_each_side(x.size)).size < 2:
        problems.append(
            f"too few release dates: the {len(t)} chips at precision "
            f"{P.precision} ({where}) leave no date to test for a break with "
            f"{model_slowdown.min_each_side(x.size)} chips on each side: {hint}"
        )
    for kind, sub in (("one-per-design", model.one_per_design(t)), ("frontier", model.frontier(t))):
        if not model.can_fit(sub):
            problems.append(
                f"too few chips: the {kind} trend at precision {P.precision} "
                f"({where}) has {len(sub)} chips; it needs 3 released on "
                f"different dates: {hint}"
            )
    bp, k = P.breakpoint_year, MIN_CHIPS_EACH_SIDE
    before, after = int(np.sum(x < bp)), int(np.sum(x >= bp))
    if before < k or after < k:
        lo, hi = math.floor(x[k - 1] * 10 + 1) / 10, math.floor(x[-k] * 10) / 10
        problems.append(
            f"breakpoint_year {bp:g} leaves {before} selected chips before it and {after} "
            f"after (precision {P.precision}; {where}); the two-segment fit needs {k} on "
            f"each side: choose a breakpoint_year from {lo:.1f} to {hi:.1f}"
        )
    span = math.ceil(x.max()) - math.floor(x.min())
    if model.rolling_growth(t["year"], t["flop_per_j"], P.window_years).empty:
        problems.append(
            f"window_years {P.window_years:g} leaves no rolling window with 3 chips released "
            f"on different dates (the releases selected by start_year-end_year span {span} "
            f"calendar years): choose a shorter window, at most {span}"
        )
    h, b = P.hopper_chip, P.blackwell_chip

    def step_ok(prec: str) -> bool:
        d = model_steps.decompose_step(
            model_steps.chip(acc, h), model_steps.chip(acc, b), prec, P.silicon
        )
        return math.isfinite(d["total"]) and math.isfinite(d["share_non_efficiency"])

    if not step_ok(P.decomposition_precision):
        ok = [p for p in PRECISIONS if step_ok(p)]
        problems.append(
            f"decomposition_precision {P.decomposition_precision} has no peak figure for both "
            f"{h} and {b} (hopper_chip, blackwell_chip), so the step cannot be decomposed: "
            f"choose one of {', '.join(ok)}"
        )
    return problems


SPEC = chapter(
    name="scaling",
    title="Scaling limits of performance per watt",
    order=30,
    summary=(
        "Is accelerator performance per watt plateauing, and where did Blackwell's gain "
        "come from? Log-linear trends of peak FLOP/s per watt for every product, one chip "
        "per silicon design and the frontier, with intervals; a test for a slowdown at an "
        "unknown date against a simulated null, with the smallest slowdown it could "
        "detect; a decomposition of each generation into power, number format and FLOP "
        "per joule; delivered against peak; the memory wall; and the distance to "
        "physical limits."
    ),
    params=Params,
    headlines=[
        Headline(
            "doubling_time_years",
            "year",
            "Doubling time of peak FLOP/s per watt at the chosen precision (BF16 by "
            "default), every product pooled (1000 means no growth)",
            ".2f",
        ),
        Headline(
            "doubling_time_low_years",
            "year",
            "Lower end of the doubling time's confidence interval",
            ".2f",
        ),
        Headline(
            "doubling_time_high_years",
            "year",
            "Upper end of the doubling time's confidence interval (1000 means unbounded: "
            "the interval includes no growth)",
            ".2f",
        ),
        Headline(
            "frontier_doubling_time_years",
            "year",
            "Doubling time of the frontier: a least-squares fit to the chips that set a "
            "new record of peak FLOP/s per watt when released, uncorrected (a running "
            "best rises faster than its trend by selection alone; the page gives the "
            "corrected value and a calibrated interval)",
            ".2f",
        ),
        Headline(
            "lowest_precision_doubling_time_years",
            "year",
            "Doubling time of FLOP/s per watt at each chip's lowest float precision",
            ".2f",
        ),
        Headline(
            "fp32_doubling_time_years",
            "year",
            "Doubling time of FP32 FLOP/s per watt (1000 means no growth)",
            ".2f",
        ),
        Headline(
            "breakpoint_year",
            "year",
            "Best-fitting date of a change in the growth rate (two-segment fit; not "
            "evidence that a change happened, and unidentified when its bootstrap "
            "interval spans the whole search range, as it does at the defaults)",
            ".1f",
        ),
        Headline(
            "slowdown_p_value",
            "1",
            "p-value of the test for a slowdown at an unknown date (simulated null: a "
            "straight line with the same dates)",
            ".2f",
        ),
        Headline(
            "detectable_slowdown_per_year",
            "doublings/year",
            "Smallest fall in the growth rate the test detects 4 times in 5, for a break "
            "at the median release date (1000 means none is detectable)",
            ".2f",
        ),
        Headline(
            "hopper_blackwell_throughput",
            "1",
            "Hopper -> Blackwell BF16 peak throughput ratio",
            ".2f",
        ),
        Headline("hopper_blackwell_power", "1", "Hopper -> Blackwell board power ratio", ".2f"),
        Headline(
            "hopper_blackwell_transistors", "1", "Hopper -> Blackwell transistor count ratio", ".2f"
        ),
        Headline(
            "hopper_blackwell_flop_per_j",
            "1",
            "Hopper -> Blackwell BF16 peak FLOP per joule ratio",
            ".2f",
        ),
        Headline(
            "hopper_blackwell_non_efficiency_percent",
            "percent",
            "Share of the Hopper -> Blackwell throughput gain (log scale) from more power "
            "and narrower number formats rather than more FLOP per joule at a fixed "
            "format (above 100: FLOP per joule fell)",
            ".0f",
        ),
        Headline(
            "landauer_orders",
            "orders of magnitude",
            "Orders of magnitude between the best chip's J/FLOP and kT ln 2",
            ".1f",
        ),
        Headline(
            "years_to_cmos_limit",
            "year",
            "Years to a published CMOS efficiency limit if the fitted rate continued",
            ".0f",
        ),
        Headline(
            "years_to_cmos_limit_low",
            "year",
            "Years to the CMOS limit at the fast end of the doubling time's interval "
            "(the pooled slope's sampling interval only)",
            ".0f",
        ),
        Headline(
            "years_to_cmos_limit_high",
            "year",
            "Years to the CMOS limit at the slow end of the doubling time's interval "
            "(the pooled slope's sampling interval only; 1000 means never)",
            ".0f",
        ),
    ],
    tables=("accelerators",),
    check=check,
)
