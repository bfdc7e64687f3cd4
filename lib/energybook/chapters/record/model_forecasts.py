"""Forecasts against later estimates: pairing, horizons and log errors.

Plain functions over the ``forecasts`` table (numbers in, numbers out). A forecast is scored
only against an estimate of the same region and coverage, never against its own publication;
where the scoring vintage has no estimate for the target year, the value is interpolated
log-linearly between that vintage's estimates on either side (never extrapolated).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

LATEST = "latest"
FIRST = "first published"


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


def estimate_of(estimates: pd.DataFrame | Sequence[Mapping], publication: str,
                year: int) -> tuple[float, str]:
    """One publication's estimate for ``year``: as published, or interpolated between its
    own estimates. ``(nan, "")`` when it has neither."""
    own = {int(r["year"]): central(r) for r in _records(estimates)
           if r["publication"] == publication and r["kind"] == "estimate"}
    own = {y: v for y, v in own.items() if not math.isnan(v)}
    if year in own:
        return own[year], "as published"
    below = [y for y in own if y < year]
    above = [y for y in own if y > year]
    if not below or not above:
        return math.nan, ""
    y0, y1 = max(below), min(above)
    return interpolate_log([y0, y1], [own[y0], own[y1]], year), \
        f"interpolated between {y0} and {y1}"


def find_outturn(estimates: pd.DataFrame | Sequence[Mapping], region: str, coverage: str,
                 year: int, policy: str, publications: Sequence[str] | None = None,
                 exclude: str | None = None) -> dict | None:
    """The later estimate that scores a forecast for (region, coverage, year).

    Candidates are estimates of the same region and coverage published in ``year`` or later
    (from ``publications`` only, if given; never ``exclude``). An estimate of the year as
    published beats an interpolated one; among those, ``policy`` picks the latest or the
    first publication."""
    if policy not in (LATEST, FIRST):
        raise ValueError(f"policy must be {LATEST!r} or {FIRST!r}, got {policy!r}")
    c = [r for r in _records(estimates)
         if r["kind"] == "estimate" and r["region"] == region and r["coverage"] == coverage
         and r["published"] >= year
         and (publications is None or r["publication"] in publications)
         and r["publication"] != exclude]
    pubs: dict[str, dict] = {}
    for r in c:
        pubs.setdefault(r["publication"], r)
    order = sorted(pubs.values(), key=lambda r: (r["published"], r["publication"]),
                   reverse=policy == LATEST)
    found = []
    for p in order:
        value, how = estimate_of(c, p["publication"], year)
        if not math.isnan(value):
            found.append({"value": value, "publication": p["publication"],
                          "published": int(p["published"]), "method": how,
                          "source": f"{p['source_publisher']}, {p['source_title']}"})
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
    raise ValueError(f"horizon_from must be 'base year' or 'publication year', "
                     f"got {horizon_from!r}")


def score(table: pd.DataFrame, *, regions: Sequence[str], us_publications: Sequence[str],
          world_policy: str, horizon_from: str, basis: str) -> pd.DataFrame:
    """Every forecast of ``regions`` with its later estimate, horizon and log error.

    ``basis`` "level" compares the forecast with the estimate as they stand; "growth from the
    base year" first rescales the forecast by (the scoring vintage's estimate of the base
    year) / (the forecaster's own base-year estimate), so that only the forecast growth is
    judged. Columns: the forecast's own columns, ``forecast_twh``, ``horizon_years``,
    ``status`` (scored / pending / not comparable / beyond this vintage / no estimate in
    this vintage / no base-year value), the outturn's ``outturn_twh``,
    ``outturn_publication``, ``outturn_published``, ``outturn_method``, ``outturn_source``,
    ``compared_twh``, ``log_error``, ``too_high`` and ``within_range``."""
    if basis not in ("level", "growth from the base year"):
        raise ValueError(f"basis must be 'level' or 'growth from the base year', got {basis!r}")
    recs = _records(table)
    est = [r for r in recs if r["kind"] == "estimate"]
    rows = []
    for f in recs:
        if f["kind"] != "forecast" or f["region"] not in regions:
            continue
        out = {**f, "forecast_twh": central(f),
               "horizon_years": horizon(f, horizon_from), "status": "scored",
               "outturn_twh": math.nan, "outturn_publication": "", "outturn_published": math.nan,
               "outturn_method": "", "outturn_source": "", "compared_twh": math.nan,
               "log_error": math.nan, "too_high": math.nan, "within_range": math.nan}
        pubs = list(us_publications) if f["region"] == "United States" else None
        policy = LATEST if f["region"] == "United States" else world_policy
        years = [r["year"] for r in est
                 if r["region"] == f["region"] and r["coverage"] == f["coverage"]]
        vintage_years = [r["year"] for r in est
                         if r["region"] == f["region"] and r["coverage"] == f["coverage"]
                         and (pubs is None or r["publication"] in pubs)]
        if f["coverage"] == "ICT" or math.isnan(out["forecast_twh"]):
            out["status"] = "not comparable"
        elif not years or f["year"] > max(years):
            out["status"] = "pending"
        elif not vintage_years or f["year"] > max(vintage_years):
            out["status"] = "beyond this vintage"
        else:
            o = find_outturn(est, f["region"], f["coverage"], int(f["year"]), policy, pubs,
                             exclude=f["publication"])
            if o is None:
                out["status"] = "no estimate in this vintage"
            else:
                compared = out["forecast_twh"]
                if basis == "growth from the base year":
                    if _missing(f["base_year"]):
                        compared = math.nan
                    else:
                        own, _ = estimate_of(est, f["publication"], int(f["base_year"]))
                        theirs, _ = estimate_of(est, o["publication"], int(f["base_year"]))
                        compared = compared * theirs / own
                if math.isnan(compared):
                    out["status"] = "no base-year value"
                else:
                    e = log_error(compared, o["value"])
                    lo, hi = f["low_twh"], f["high_twh"]
                    out.update({
                        "outturn_twh": o["value"], "outturn_publication": o["publication"],
                        "outturn_published": o["published"], "outturn_method": o["method"],
                        "outturn_source": o["source"], "compared_twh": compared,
                        "log_error": e, "too_high": float(e > 0),
                        "within_range": (float(lo <= o["value"] <= hi)
                                         if not (_missing(lo) or _missing(hi)) else math.nan)})
        rows.append(out)
    return pd.DataFrame(rows)


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
    s = scored[scored["status"] == "scored"]
    rows = []
    for b in bins:
        lo, hi = parse_bin(b)
        e = s.loc[(s["horizon_years"] >= lo) & (s["horizon_years"] <= hi), "log_error"]
        rows.append({"bin": b, "low": lo, "high": hi, "n": int(len(e)),
                     "median_abs_log_error": float(np.median(np.abs(e))) if len(e) else math.nan,
                     "median_log_error": float(np.median(e)) if len(e) else math.nan,
                     "share_too_high": float(np.mean(e > 0)) if len(e) else math.nan})
    return pd.DataFrame(rows)
