"""Forecasts against later estimates: pairing, horizons and log errors.

Plain functions over the ``forecasts`` table (numbers in, numbers out). A forecast is scored
only against an estimate of the same region and coverage, published *after* the year it
refers to, never against its own publication, and only against a value as published (never
one the book or a news report computed); where the scoring vintage has no estimate for the
target year, the value is interpolated log-linearly between that vintage's estimates on
either side (never extrapolated). One midpoint rule everywhere: a figure published only as a
range is represented by the range's geometric midpoint.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

LATEST = "latest exact estimate"
FIRST = "first published"
AS_PUBLISHED = "as published"
# Values that are never scored, nor used to score: combined from two publications, or a
# figure another publication first gave.
NEVER_SCORED = ("other source", "restatement")
TOO_HIGH, WITHIN, TOO_LOW = "too high", "within the estimate's range", "too low"


def log_error(forecast: float, outturn: float) -> float:
    """ln(forecast / outturn): positive when the forecast was too high. Symmetric: a forecast
    twice the outturn and one half of it have errors of equal size."""
    if not (forecast > 0 and outturn > 0):
        raise ValueError(f"log error needs positive values, got {forecast} and {outturn}")
    return math.log(forecast / outturn)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def central(row: Mapping) -> float:
    """The row's central value; where only a range is published, its geometric midpoint."""
    c = row["central_twh"]
    if not _missing(c):
        return float(c)
    lo, hi = row["low_twh"], row["high_twh"]
    if not (_missing(lo) or _missing(hi)):
        return float(math.sqrt(lo * hi))
    return math.nan


def interpolate_log(years: Sequence[int], values: Sequence[float], year: int) -> float:
    """Log-linear interpolation at ``year`` between the bracketing points (no extrapolation:
    ``ValueError`` outside the range)."""
    ys, vs = np.asarray(years, dtype=float), np.asarray(values, dtype=float)
    order = np.argsort(ys)
    ys, vs = ys[order], vs[order]
    if not ys[0] <= year <= ys[-1]:
        raise ValueError(f"{year} is outside {int(ys[0])}-{int(ys[-1])}: no extrapolation")
    if np.any(vs <= 0):
        raise ValueError("log interpolation needs positive values")
    return float(np.exp(np.interp(year, ys, np.log(vs))))


def _records(table: pd.DataFrame | Sequence[Mapping]) -> list[dict]:
    if isinstance(table, pd.DataFrame):
        return table.to_dict("records")
    return [dict(r) for r in table]


def _range(row: Mapping) -> tuple[float, float]:
    lo, hi = row["low_twh"], row["high_twh"]
    if _missing(lo) or _missing(hi):
        return math.nan, math.nan
    return float(lo), float(hi)


def estimate_range(
    estimates: pd.DataFrame | Sequence[Mapping], publication: str, year: int
) -> tuple[float, float, float, str]:
    """One publication's estimate for ``year`` as ``(value, low, high, how)``: as published,
    or interpolated log-linearly between its own estimates (the range too, where both
    neighbours publish one; NaN otherwise). ``(nan, nan, nan, "")`` when it has neither."""
    own = {
        int(r["year"]): (central(r), *_range(r))
        for r in _records(estimates)
        if r["publication"] == publication and r["kind"] == "estimate"
    }
    own = {y: v for y, v in own.items() if not math.isnan(v[0])}
    if year in own:
        return (*own[year], "as published")
    below = [y for y in own if y < year]
    above = [y for y in own if y > year]
    if not below or not above:
        return math.nan, math.nan, math.nan, ""
    y0, y1 = max(below), min(above)
    out = []
    for k in range(3):
        a, b = own[y0][k], own[y1][k]
        out.append(
            math.nan if math.isnan(a) or math.isnan(b) else interpolate_log([y0, y1], [a, b], year)
        )
    return out[0], out[1], out[2], f"interpolated between {y0} and {y1}"


def estimate_of(
    estimates: pd.DataFrame | Sequence[Mapping], publication: str, year: int
) -> tuple[float, str]:
    """One publication's estimate for ``year``: as published, or interpolated between its
    own estimates. ``(nan, "")`` when it has neither."""
    value, _, _, how = estimate_range(estimates, publication, year)
    return value, how


def find_outturn(
    estimates: pd.DataFrame | Sequence[Mapping],
    region: str,
    coverage: str,
    year: int,
    policy: str,
    publications: Sequence[str] | None = None,
    exclude: str | None = None,
) -> dict | None:
    """The later estimate that scores a forecast for (region, coverage, year).

    Candidates are estimates of the same region and coverage, as published (no value the
    book or a news report computed), published after ``year`` (an estimate from the year
    itself is not yet an outturn), from ``publications`` only, if given, and never
    ``exclude``. An estimate of the year as published beats an interpolated one; among
    those, ``policy`` picks the latest or the first publication."""
    if policy not in (LATEST, FIRST):
        raise ValueError(f"policy must be {LATEST!r} or {FIRST!r}, got {policy!r}")
    c = [
        r
        for r in _records(estimates)
        if r["kind"] == "estimate"
        and r["region"] == region
        and r["coverage"] == coverage
        and r["published"] > year
        and r.get("derivation", AS_PUBLISHED) == AS_PUBLISHED
        and (publications is None or r["publication"] in publications)
        and r["publication"] != exclude
    ]
    pubs: dict[str, dict] = {}
    for r in c:
        pubs.setdefault(r["publication"], r)
    order = sorted(
        pubs.values(), key=lambda r: (r["published"], r["publication"]), reverse=policy == LATEST
    )
    found = []
    for p in order:
        value, lo, hi, how = estimate_range(c, p["publication"], year)
        if not math.isnan(value):
            found.append(
                {
                    "value": value,
                    "low": lo,
                    "high": hi,
                    "publication": p["publication"],
                    "published": int(p["published"]),
                    "method": how,
                    "source": f"{p['source_publisher']}, {p['source_title']}",
                }
            )
    exact = [f for f in found if f["method"] == "as published"]
    pick = exact or found
    return pick[0] if pick else None


def horizon(row: Mapping, horizon_from: str) -> float:
    """Years from the forecast's base year (its last year of data) or its publication year
    to its target year."""
    if horizon_from == "base year":
        start = row["base_year"]
        if _missing(start):
            return math.nan
        return float(row["year"] - start)
    if horizon_from == "publication year":
        return float(row["year"] - row["published"])
    raise ValueError(
        f"horizon_from must be 'base year' or 'publication year', got {horizon_from!r}"
    )


# Why a forecast in scope is not scored (the reader table gives the reason of each).
NOT_COMPARABLE = "not comparable: another coverage (all ICT, or unknown) or no TWh value"
DERIVED = "not scored: a restatement, or computed from another publication's figure"
PENDING = "pending: its target year has no later estimate yet"
BEYOND = "beyond this vintage: the scoring series ends before the target year"
NO_ESTIMATE = (
    "no estimate in this vintage: no as-published estimate after the year gives or brackets it"
)
NO_BASE = "no base-year value in the scoring vintage"
SCORED = "scored"


def classify(compared: float, outturn: float, low: float, high: float) -> str:
    """Too high, within the later estimate's published range, or too low. Where the later
    estimate has no range, by the sign of the error."""
    if not (math.isnan(low) or math.isnan(high)):
        if compared > high:
            return TOO_HIGH
        if compared < low:
            return TOO_LOW
        return WITHIN
    return TOO_HIGH if compared > outturn else TOO_LOW if compared < outturn else WITHIN


def score(
    table: pd.DataFrame,
    *,
    regions: Sequence[str],
    us_publications: Sequence[str],
    world_policy: str,
    horizon_from: str,
    basis: str,
) -> pd.DataFrame:
    """Every forecast of ``regions`` with its later estimate, horizon and log error.

    ``basis`` "level" compares the forecast with the estimate as they stand; "growth from the
    base year" first rescales the forecast by (the scoring vintage's estimate of the base
    year) / (the forecaster's own base-year estimate), so that only the forecast growth is
    judged. Columns: the forecast's own columns, ``forecast_twh``, ``horizon_years``,
    ``status`` (``SCORED`` or the reason it is not), the outturn's ``outturn_twh``,
    ``outturn_low_twh``, ``outturn_high_twh`` (its published range, NaN if none),
    ``outturn_publication``, ``outturn_published``, ``outturn_method``, ``outturn_source``,
    ``compared_twh``, ``log_error``, ``too_high``, ``direction`` (``classify``) and
    ``within_range`` (the outturn inside the forecast's own range)."""
    if basis not in ("level", "growth from the base year"):
        raise ValueError(f"basis must be 'level' or 'growth from the base year', got {basis!r}")
    recs = _records(table)
    est = [r for r in recs if r["kind"] == "estimate"]
    scoring = [r for r in est if r.get("derivation", AS_PUBLISHED) == AS_PUBLISHED]
    rows = []
    for f in recs:
        if f["kind"] != "forecast" or f["region"] not in regions:
            continue
        out = {
            **f,
            "forecast_twh": central(f),
            "horizon_years": horizon(f, horizon_from),
            "status": SCORED,
            "outturn_twh": math.nan,
            "outturn_low_twh": math.nan,
            "outturn_high_twh": math.nan,
            "outturn_publication": "",
            "outturn_published": math.nan,
            "outturn_method": "",
            "outturn_source": "",
            "compared_twh": math.nan,
            "log_error": math.nan,
            "too_high": math.nan,
            "direction": "",
            "within_range": math.nan,
        }
        pubs = list(us_publications) if f["region"] == "United States" else None
        policy = LATEST if f["region"] == "United States" else world_policy
        years = [
            r["year"]
            for r in scoring
            if r["region"] == f["region"] and r["coverage"] == f["coverage"]
        ]
        vintage_years = [
            r["year"]
            for r in scoring
            if r["region"] == f["region"]
            and r["coverage"] == f["coverage"]
            and (pubs is None or r["publication"] in pubs)
        ]
        if f["coverage"] in ("ICT", "unknown") or math.isnan(out["forecast_twh"]):
            out["status"] = NOT_COMPARABLE
        elif f.get("derivation", AS_PUBLISHED) in NEVER_SCORED:
            out["status"] = DERIVED
        elif not years or f["year"] > max(years):
            out["status"] = PENDING
        elif not vintage_years or f["year"] > max(vintage_years):
            out["status"] = BEYOND
        else:
            o = find_outturn(
                scoring,
                f["region"],
                f["coverage"],
                int(f["year"]),
                policy,
                pubs,
                exclude=f["publication"],
            )
            if o is None:
                out["status"] = NO_ESTIMATE
            else:
                compared = out["forecast_twh"]
                if basis == "growth from the base year":
                    if _missing(f["base_year"]):
                        compared = math.nan
                    else:
                        own, _ = estimate_of(est, f["publication"], int(f["base_year"]))
                        theirs, _ = estimate_of(scoring, o["publication"], int(f["base_year"]))
                        compared = compared * theirs / own
                if math.isnan(compared):
                    out["status"] = NO_BASE
                else:
                    e = log_error(compared, o["value"])
                    lo, hi = _range(f)
                    out.update(
                        {
                            "outturn_twh": o["value"],
                            "outturn_low_twh": o["low"],
                            "outturn_high_twh": o["high"],
                            "outturn_publication": o["publication"],
                            "outturn_published": o["published"],
                            "outturn_method": o["method"],
                            "outturn_source": o["source"],
                            "compared_twh": compared,
                            "log_error": e,
                            "too_high": float(e > 0),
                            "direction": classify(compared, o["value"], o["low"], o["high"]),
                            "within_range": (
                                float(lo <= o["value"] <= hi) if not math.isnan(lo) else math.nan
                            ),
                        }
                    )
        rows.append(out)
    return pd.DataFrame(rows)


def median_interval(values: Sequence[float], level: float = 0.90) -> tuple[float, float, float]:
    """A distribution-free interval for the median: the order statistics
    ``(x_(k), x_(n+1-k))`` with the largest ``k`` whose coverage,
    1 - 2 P(Binomial(n, 1/2) <= k - 1), is at least ``level``. Returns
    ``(low, high, coverage)``; where even ``(min, max)`` falls short of ``level`` it is
    returned with its lower coverage, 1 - 2^(1-n)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    if n == 0:
        raise ValueError("no values")
    best = (1, 1.0 - 2.0 * 0.5**n)
    for k in range(1, n // 2 + 1):
        cov = 1.0 - 2.0 * float(stats.binom.cdf(k - 1, n, 0.5))
        if cov >= level:
            best = (k, cov)
    k, cov = best
    return float(x[k - 1]), float(x[n - k]), float(cov)


def sign_test_p(k: int, n: int) -> float:
    """Exact two-sided binomial p-value of ``k`` forecasts too high out of ``n``, against
    the null that a forecast is as likely to be too high as too low."""
    if not 0 <= k <= n or n < 1:
        raise ValueError(f"need 0 <= k <= n and n >= 1, got k={k}, n={n}")
    return float(stats.binomtest(k, n, 0.5).pvalue)


def detectable_counts(n: int, alpha: float = 0.05) -> list[int]:
    """The counts of forecasts too high (out of ``n``) that the sign test would call
    significant at ``alpha``: the only results this sample could have detected."""
    return [k for k in range(n + 1) if sign_test_p(k, n) < alpha]


def shared_outturns(scored: pd.DataFrame) -> list[tuple[str, int, list[str]]]:
    """Later estimates that score more than one forecast: ``(publication, year, [forecast
    publications])``; those errors are not independent."""
    s = scored[scored["status"] == SCORED]
    out = []
    for (pub, year), g in s.groupby(["outturn_publication", "year"], sort=True):
        if len(g) > 1:
            out.append((str(pub), int(year), sorted(g["publication"].astype(str))))
    return out


def median_abs_error(errors: Sequence[float]) -> float:
    """Median of |log error|; ``ValueError`` on an empty set."""
    e = np.abs(np.asarray(errors, dtype=float))
    if e.size == 0:
        raise ValueError("no scored forecast")
    return float(np.median(e))


def share_too_high(errors: Sequence[float]) -> float:
    """Share (0-1) of forecasts above the later estimate."""
    e = np.asarray(errors, dtype=float)
    if e.size == 0:
        raise ValueError("no scored forecast")
    return float(np.mean(e > 0))


def parse_bin(label: str) -> tuple[int, int]:
    """``"5-9"`` -> ``(5, 9)`` (inclusive)."""
    lo, _, hi = label.partition("-")
    if not (lo.isdigit() and hi.isdigit()) or int(lo) > int(hi):
        raise ValueError(f"horizon bin {label!r} is not of the form 'LOW-HIGH'")
    return int(lo), int(hi)


def by_horizon(scored: pd.DataFrame, bins: Sequence[str]) -> pd.DataFrame:
    """Error statistics of the scored forecasts in each horizon bin: ``bin``, ``n``,
    ``median_abs_log_error``, ``median_log_error``, ``share_too_high`` (NaN where empty)."""
    s = scored[scored["status"] == SCORED]
    rows = []
    for b in bins:
        lo, hi = parse_bin(b)
        e = s.loc[(s["horizon_years"] >= lo) & (s["horizon_years"] <= hi), "log_error"]
        rows.append(
            {
                "bin": b,
                "low": lo,
                "high": hi,
                "n": int(len(e)),
                "median_abs_log_error": float(np.median(np.abs(e))) if len(e) else math.nan,
                "median_log_error": float(np.median(e)) if len(e) else math.nan,
                "share_too_high": float(np.mean(e > 0)) if len(e) else math.nan,
            }
        )
    return pd.DataFrame(rows)
