"""What the record page shows besides its charts: glued numbers and phrases, captions and
reader tables. Same entry points as every chapter page (see the overview's page module)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from energybook import sobol as sobol_indices
from energybook.chapters.record import model_compute, model_decade, model_forecasts
from energybook.chapters.record.params import (
    ERROR_BASES,
    HORIZON_FROM,
    SCOPES,
    US_VINTAGES,
    WORLD_VINTAGES,
    Params,
)
from energybook.chapters.record.spec import (
    MIN_LONG,
    MIN_SCORED,
    REGIONS,
    SPEC,
    fit_window,
    scored_forecasts,
)

TABLES = ("forecasts", "dc_efficiency_decade", "training_compute", "accelerators", "growth_trends")
PERIODS = ("2010-2018", "2015-2021", "2018-2024")
BREAK_YEAR = 2018  # the year a kink in the compute trend is tested at
LEVEL = 0.90
ALPHA = 0.05  # the significance level of the sign test
# The Sobol indices of the compute growth over the fit period: the analyst's plausible
# choices of its first and last year, inside the declared bounds and, for every pair of
# the two ranges, accepted by the spec's check (a span of at least 4 years, and enough
# models). N = 64 base samples (256 points, 35 distinct periods each fitted once).
PERIOD_RANGES = {"compute_fit_start": (2010.0, 2016.0), "compute_fit_end": (2020.0, 2024.0)}
SOBOL_N = 64
SOBOL_LABELS = {
    "compute_fit_start": "First year of the fit period",
    "compute_fit_end": "Last year of the fit period",
}


@dataclass(frozen=True)
class Evaluation:
    P: Params
    forecasts: pd.DataFrame
    scored: pd.DataFrame
    bins: pd.DataFrame
    decade: dict[str, dict]
    models: pd.DataFrame
    compute_fit: dict[str, float]
    hardware: pd.DataFrame
    hardware_fit: dict[str, float]
    published_trends: pd.DataFrame
    compute_common_fit: dict[str, float]
    sobol: pd.DataFrame


def _period(table: pd.DataFrame, period: str) -> dict:
    inputs = model_decade.period_inputs(table, period)
    start, end = model_decade.identity_factors(inputs)
    y0, y1 = (int(y) for y in period.split("-"))
    return {
        "inputs": inputs,
        "ranges": model_decade.period_ranges(table, period),
        "lmdi": model_decade.lmdi(start, end),
        "summary": model_decade.summary(inputs, y1 - y0),
        "years": (y0, y1),
    }


def _fit(models: pd.DataFrame) -> dict[str, float]:
    """Training-compute growth, its interval clustered by calendar year of publication."""
    return model_compute.fit_growth(
        models["year"],
        models["training_compute_flop"],
        LEVEL,
        clusters=np.floor(models["year"]).astype(int),
    )


def compute_growth_point(P: Params, compute: pd.DataFrame) -> float:
    """The fitted growth factor per year of the training compute of the models in ``P``'s
    fit period: the point value of the headline ``compute_growth_per_year``, without its
    clustered interval."""
    m = fit_window(P, compute)
    return model_compute.fit_growth(m["year"], m["training_compute_flop"], LEVEL)["factor_per_year"]


def period_sobol(P: Params, compute: pd.DataFrame, n: int = SOBOL_N) -> pd.DataFrame:
    """Total (and first-order) Sobol indices of the compute growth with respect to the fit
    period's first and last year, each varied uniformly over ``PERIOD_RANGES`` (integers):
    the sensitivity to the analyst's choice of period, not an uncertainty of the data. The
    years are whole, so the few distinct periods are each fitted once."""
    fits: dict[tuple[int, int], float] = {}

    def growth(Q: Params) -> float:
        key = (Q.compute_fit_start, Q.compute_fit_end)
        if key not in fits:
            fits[key] = compute_growth_point(Q, compute)
        return fits[key]

    return sobol_indices.of_parameters(growth, P, PERIOD_RANGES, n)


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    f = tables["forecasts"]
    scored = scored_forecasts(P, f)
    bins = model_forecasts.by_horizon(scored, P.horizon_bins)
    decade = {p: _period(tables["dc_efficiency_decade"], p) for p in PERIODS}
    models = fit_window(P, tables["training_compute"])
    cfit = _fit(models)
    hw = model_compute.hardware_points(tables["accelerators"])
    hw = hw.assign(year=model_compute.decimal_year(hw["release_date"]))
    hfit = model_compute.fit_growth(hw["year"], hw["flop_per_s_per_w"], LEVEL)
    # compute over the hardware's years only, so that the two rates share one window
    lo, hi = float(np.floor(hw["year"].min())), float(np.floor(hw["year"].max())) + 1
    common = models[(models["year"] >= lo) & (models["year"] < hi)]
    ccommon = _fit(common) if len(common) >= 10 else cfit
    return Evaluation(
        P,
        f,
        scored,
        bins,
        decade,
        models,
        cfit,
        hw,
        hfit,
        tables["growth_trends"],
        ccommon,
        period_sobol(P, tables["training_compute"]),
    )


def _scored(ev: Evaluation) -> pd.DataFrame:
    return ev.scored[ev.scored["status"] == model_forecasts.SCORED]


def _long(ev: Evaluation) -> pd.DataFrame:
    s = _scored(ev)
    return s[s["horizon_years"] >= ev.P.long_horizon_years]


def headlines(ev: Evaluation) -> dict[str, float]:
    s, long = _scored(ev), _long(ev)
    d1 = ev.decade["2010-2018"]["summary"]
    d2 = ev.decade["2015-2021"]["summary"]
    values = {
        "median_abs_log_error_long": model_forecasts.median_abs_error(long["log_error"]),
        "share_too_high_pct": 100.0 * model_forecasts.share_too_high(s["log_error"]),
        "energy_to_compute_2010_2018": d1["energy_to_demand"],
        "energy_to_compute_2015_2021": d2["energy_to_demand"],
        "compute_growth_per_year": ev.compute_fit["factor_per_year"],
        "compute_growth_low": ev.compute_fit["low"],
        "compute_growth_high": ev.compute_fit["high"],
    }
    return {h.name: values[h.name] for h in SPEC.headlines}


def _examples(ev: Evaluation) -> pd.DataFrame:
    """The named examples of the prose: levels, against the LBNL 2024 US series, whatever
    the error parameters (so that they exist under every choice)."""
    return model_forecasts.score(
        ev.forecasts,
        regions=("World", "United States"),
        us_publications=("LBNL 2024",),
        world_policy=ev.P.world_vintage,
        horizon_from=ev.P.horizon_from,
        basis="level",
    )


def _example(
    ev: Evaluation, publication: str, year: int, s: pd.DataFrame | None = None
) -> pd.Series:
    s = _examples(ev) if s is None else s
    hit = s[
        (s["publication"] == publication) & (s["year"] == year) & (s["coverage"] == "data centres")
    ]
    if len(hit) != 1:
        raise KeyError(f"no single forecast of {publication} for {year}")
    return hit.iloc[0]


def _trend(ev: Evaluation, metric: str) -> pd.Series:
    t = ev.published_trends
    return t[t["metric"] == metric].iloc[0]


def _per_year(t: pd.Series) -> float:
    """A published trend as a factor per year (a factor over a period is annualised)."""
    if t["measure"] == "factor_per_year":
        return float(t["value"])
    return float(t["value"]) ** (1.0 / (int(t["end_year"]) - int(t["start_year"])))


def choice_medians(ev: Evaluation) -> pd.DataFrame:
    """The headline error under every combination of the declared scoring choices: the
    number scored, the number at long horizons, the median (NaN where none) and whether the
    spec's minimum counts accept the combination."""
    rows = []
    for scope in SCOPES:
        for us in US_VINTAGES:
            for world in WORLD_VINTAGES:
                for hfrom in HORIZON_FROM:
                    for basis in ERROR_BASES:
                        s = model_forecasts.score(
                            ev.forecasts,
                            regions=REGIONS[scope],
                            us_publications=(us,),
                            world_policy=world,
                            horizon_from=hfrom,
                            basis=basis,
                        )
                        s = s[s["status"] == model_forecasts.SCORED]
                        e = s.loc[s["horizon_years"] >= ev.P.long_horizon_years, "log_error"]
                        rows.append(
                            {
                                "scope": scope,
                                "us_vintage": us,
                                "world_vintage": world,
                                "horizon_from": hfrom,
                                "error_basis": basis,
                                "n_scored": len(s),
                                "n_long": len(e),
                                "median": float(np.median(np.abs(e))) if len(e) else math.nan,
                                "accepted": len(s) >= MIN_SCORED and len(e) >= MIN_LONG,
                            }
                        )
    return pd.DataFrame(rows)


def _counts(ev: Evaluation) -> dict[str, int]:
    s = _scored(ev)
    d = s["direction"]
    return {
        "high": int((d == model_forecasts.TOO_HIGH).sum()),
        "within": int((d == model_forecasts.WITHIN).sum()),
        "low": int((d == model_forecasts.TOO_LOW).sum()),
        "above": int((s["log_error"] > 0).sum()),
        "n": len(s),
    }


def _compute_sensitivity(ev: Evaluation) -> dict[str, dict[str, float]]:
    """The compute fit with one year fewer at the end, and before and after the break
    year, each where the window holds enough models."""
    m = ev.models
    out = {}
    for key, keep in (
        ("end_minus_one", m["year"] < ev.P.compute_fit_end),
        ("before_break", m["year"] < BREAK_YEAR),
        ("after_break", m["year"] >= BREAK_YEAR),
    ):
        sub = m[keep]
        if len(sub) >= 10 and np.floor(sub["year"]).nunique() >= 3:
            out[key] = _fit(sub)
    return out


def numbers(ev: Evaluation) -> dict[str, float]:
    s, long = _scored(ev), _long(ev)
    d1, d2, d3 = (ev.decade[p] for p in PERIODS)
    i1, i3 = d1["inputs"], d3["inputs"]
    ex = _examples(ev)
    andrae = _example(ev, "Andrae and Edler 2015", 2020, ex)
    lbnl = _example(ev, "LBNL 2016", 2020, ex)
    koomey = _example(ev, "Koomey 2008", 2010, ex)
    koomey_other = {}
    for policy in WORLD_VINTAGES:
        k = _example(
            ev,
            "Koomey 2008",
            2010,
            model_forecasts.score(
                ev.forecasts,
                regions=("World",),
                us_publications=("LBNL 2024",),
                world_policy=policy,
                horizon_from=ev.P.horizon_from,
                basis="level",
            ),
        )
        koomey_other[policy] = k
    f = ev.forecasts
    ict = f[(f["publication"] == "Andrae and Edler 2015") & (f["coverage"] == "ICT")]
    koomey_base = float(
        f[
            (f["publication"] == "Koomey 2008")
            & (f["kind"] == "estimate")
            & (f["year"] == koomey["base_year"])
        ]["central_twh"].iloc[0]
    )

    def us_2014(pub: str) -> float:
        return float(
            f[(f["publication"] == pub) & (f["year"] == 2014) & (f["region"] == "United States")][
                "central_twh"
            ].iloc[0]
        )

    notable = _trend(ev, "training_compute_notable")
    power = _trend(ev, "frontier_training_power")
    precision = _per_year(_trend(ev, "lower_precision"))
    duration = _per_year(_trend(ev, "training_duration"))
    c = _counts(ev)
    lo_med, hi_med, coverage = model_forecasts.median_interval(np.abs(long["log_error"]), LEVEL)
    ch = choice_medians(ev)
    acc = ch[ch["accepted"]]
    anyl = ch[ch["n_long"] > 0]
    lo_ratio, hi_ratio = model_decade.energy_to_demand_range(d2["inputs"], d2["ranges"])
    sens = _compute_sensitivity(ev)
    brk = model_compute.break_test(
        ev.models["year"],
        ev.models["training_compute_flop"],
        BREAK_YEAR,
        np.floor(ev.models["year"]).astype(int),
    )
    lmdi1 = d1["lmdi"].set_index("factor")["contribution_twh"]
    cc, hf = ev.compute_common_fit, ev.hardware_fit
    years = np.floor(ev.models["year"]).astype(int)
    last_year = int(years.max())
    out = {
        "n_forecasts": float(
            ((f["kind"] == "forecast") & (f["derivation"] != "restatement")).sum()
        ),
        "n_in_scope": float(len(ev.scored)),
        "n_scored": float(len(s)),
        "n_unscored": float(len(ev.scored) - len(s)),
        "n_long": float(len(long)),
        "min_scored": float(MIN_SCORED),
        "min_long": float(MIN_LONG),
        "level_pct": 100.0 * LEVEL,
        "alpha_pct": 100.0 * ALPHA,
        "median_error_factor_long": math.exp(model_forecasts.median_abs_error(long["log_error"])),
        "long_median_low": lo_med,
        "long_median_high": hi_med,
        "long_factor_low": math.exp(lo_med),
        "long_factor_high": math.exp(hi_med),
        "long_interval_coverage_pct": 100.0 * coverage,
        "long_median_min_accepted": float(acc["median"].min()),
        "long_median_max_accepted": float(acc["median"].max()),
        "n_choices_accepted": float(len(acc)),
        "n_choices": float(len(ch)),
        "long_median_min_any": float(anyl["median"].min()),
        "long_median_max_any": float(anyl["median"].max()),
        "n_too_high": float(c["above"]),
        "n_beyond_range_high": float(c["high"]),
        "n_within_range": float(c["within"]),
        "n_beyond_range_low": float(c["low"]),
        "sign_test_p": model_forecasts.sign_test_p(c["above"], c["n"]),
        "koomey_forecast_twh": float(koomey["forecast_twh"]),
        "koomey_growth_pct": 100.0 * (float(koomey["forecast_twh"]) / koomey_base - 1.0),
        "koomey_outturn_twh": float(koomey["outturn_twh"]),
        "koomey_error": float(koomey["log_error"]),
        "koomey_error_latest": float(koomey_other[model_forecasts.LATEST]["log_error"]),
        "koomey_outturn_latest_twh": float(koomey_other[model_forecasts.LATEST]["outturn_twh"]),
        "koomey_error_first": float(koomey_other[model_forecasts.FIRST]["log_error"]),
        "koomey_outturn_first_twh": float(koomey_other[model_forecasts.FIRST]["outturn_twh"]),
        "andrae_expected_twh": float(andrae["forecast_twh"]),
        "andrae_low_twh": float(andrae["low_twh"]),
        "andrae_outturn_twh": float(andrae["outturn_twh"]),
        "andrae_outturn_low_twh": float(andrae["outturn_low_twh"]),
        "andrae_outturn_high_twh": float(andrae["outturn_high_twh"]),
        "andrae_error_factor": math.exp(float(andrae["log_error"])),
        "lbnl_forecast_twh": float(lbnl["forecast_twh"]),
        "lbnl_outturn_twh": float(lbnl["outturn_twh"]),
        "lbnl_error_factor": math.exp(-float(lbnl["log_error"])),
        "lbnl_2014_first_twh": us_2014("LBNL 2016"),
        "lbnl_2014_revised_twh": us_2014("LBNL 2024"),
        "andrae_ict_worst_pct": float(ict["share_of_world_pct"].iloc[0]),
        "energy_2010_twh": i1["energy"][0],
        "energy_2018_twh": i1["energy"][1],
        "energy_growth_2010_2018_pct": 100.0 * (d1["summary"]["energy_ratio"] - 1.0),
        "instances_ratio_2010_2018": d1["summary"]["demand_ratio"],
        "energy_per_instance_change_pct_per_year": 100.0
        * d1["summary"]["energy_per_demand_per_year"],
        "ip_traffic_ratio_2010_2018": d1["summary"]["ip_traffic_ratio"],
        "energy_to_ip_traffic_2010_2018": d1["summary"]["energy_to_ip_traffic"],
        "storage_ratio_2010_2018": d1["summary"]["storage_capacity_ratio"],
        "energy_to_storage_2010_2018": d1["summary"]["energy_to_storage_capacity"],
        "pue_change_2010_2018_pct": 100.0 * (d1["summary"]["pue_ratio"] - 1.0),
        "servers_ratio_2010_2018": i1["installed_servers"][1] / i1["installed_servers"][0],
        "demand_contribution_2010_2018_twh": float(lmdi1[model_decade.DEMAND]),
        "consolidation_contribution_2010_2018_twh": float(lmdi1[model_decade.CONSOLIDATION]),
        "servers_contribution_2010_2018_twh": float(
            lmdi1[model_decade.DEMAND] + lmdi1[model_decade.CONSOLIDATION]
        ),
        "energy_growth_2015_2021_pct": 100.0 * (d2["summary"]["energy_ratio"] - 1.0),
        "energy_2021_low_twh": d2["ranges"]["energy"][0],
        "energy_2021_high_twh": d2["ranges"]["energy"][1],
        "workloads_ratio_2015_2021": d2["summary"]["demand_ratio"],
        "energy_to_compute_2015_2021_low": lo_ratio,
        "energy_to_compute_2015_2021_high": hi_ratio,
        "energy_per_workload_pct_per_year": 100.0 * d2["summary"]["energy_per_demand_per_year"],
        "energy_2024_twh": i3["energy"][1],
        "energy_ratio_2018_2024": d3["summary"]["energy_ratio"],
        "pue_change_2018_2024_pct": 100.0 * (d3["summary"]["pue_ratio"] - 1.0),
        "pue_2018": i3["pue"][0],
        "pue_2024": i3["pue"][1],
        "it_energy_ratio_2018_2024": d3["summary"]["energy_ratio"] / d3["summary"]["pue_ratio"],
        "flat_energy_ratio": ev.P.flat_energy_ratio,
        "offset_ratio": ev.P.offset_ratio,
        "n_models": ev.compute_fit["n"],
        "compute_doubling_months": ev.compute_fit["doubling_months"],
        "compute_orders_of_magnitude": math.log10(ev.compute_fit["factor_per_year"])
        * (ev.P.compute_fit_end + 1 - ev.P.compute_fit_start),
        "compute_growth_low_iid": ev.compute_fit["low_iid"],
        "compute_growth_high_iid": ev.compute_fit["high_iid"],
        "compute_residual_sd_log10": ev.compute_fit["residual_sd_log10"],
        "compute_break_before": brk["before"],
        "compute_break_after": brk["after"],
        "compute_break_p": brk["p_value"],
        "n_models_last_year": float((years == last_year).sum()),
        "n_models_year_before": float((years == last_year - 1).sum()),
        "epoch_notable_growth": float(notable["value"]),
        "epoch_notable_low": float(notable["value_low"]),
        "epoch_notable_high": float(notable["value_high"]),
        "hardware_growth_per_year": hf["factor_per_year"],
        "hardware_growth_low": hf["low"],
        "hardware_growth_high": hf["high"],
        "n_chips": hf["n"],
        "compute_growth_common": cc["factor_per_year"],
        "compute_to_hardware_gap": cc["factor_per_year"] / hf["factor_per_year"],
        "precision_gain_per_year": precision,
        "energy_per_run_growth": cc["factor_per_year"] / (hf["factor_per_year"] * precision),
        "epoch_power_growth": float(power["value"]),
        "epoch_duration_growth": duration,
        "epoch_energy_per_run_growth": float(power["value"]) * duration,
    }
    for key, fit in sens.items():
        out[f"compute_growth_{key}"] = fit["factor_per_year"]
    top = _sobol_top(ev)
    out["sobol_top_st"] = float(top["ST"])
    out["sobol_top_st_conf"] = float(top["ST_conf"])
    for k, row in zip(PERIODS, (d1, d2, d3), strict=True):
        total = float(row["lmdi"]["contribution_twh"].sum())
        out[f"change_{k.replace('-', '_')}_twh"] = total
    return out


def _sobol_top(ev: Evaluation) -> pd.Series:
    """The fit-period parameter with the largest total Sobol index."""
    return ev.sobol.sort_values("ST", ascending=False).iloc[0]


def _verdict(summary: dict[str, float], P: Params) -> str:
    """What the period's energy and demand growth show, in words, against the thresholds
    declared as parameters. Without a demand measure nothing is said about efficiency: by
    the identity any rise of energy would otherwise read as demand outrunning it."""
    if "energy_to_demand" not in summary:
        return (
            "demand was not observed, so whether efficiency kept pace cannot be told "
            "from these data"
        )
    if summary["energy_ratio"] < P.flat_energy_ratio:
        return (
            "energy per unit of demand fell about as fast as demand grew: energy stayed nearly flat"
        )
    if summary["energy_to_demand"] < P.offset_ratio:
        return "energy per unit of demand fell by more than half, but demand grew faster"
    return "demand grew faster than energy per unit of demand fell, and energy grew with it"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def texts(ev: Evaluation) -> dict[str, str]:
    P = ev.P
    hardware_first = int(ev.hardware["release_date"].dt.year.min())
    hardware_last = int(ev.hardware["release_date"].dt.year.max())
    c = _counts(ev)
    detect = model_forecasts.detectable_counts(c["n"], ALPHA)
    shared = model_forecasts.shared_outturns(ev.scored)
    sens = _compute_sensitivity(ev)
    return {
        "scope_label": P.scope.replace(
            "World and United States", "the world and the United States"
        ),
        "us_vintage": P.us_vintage,
        "world_vintage_label": (
            "the latest published estimate that gives the year itself "
            "(an interpolated one only where none does)"
            if P.world_vintage == model_forecasts.LATEST
            else "the first estimate published after the year"
        ),
        "horizon_label": (
            "the forecast's base year (its last year of data)"
            if P.horizon_from == "base year"
            else "its publication year"
        ),
        "basis_label": (
            "the forecast level against the later estimate"
            if P.error_basis == "level"
            else "the forecast growth from its base year, rescaled to the scoring "
            "vintage's estimate of that year"
        ),
        "long_horizon": str(P.long_horizon_years),
        "detectable": (
            " or ".join(f"{k} of {c['n']}" for k in detect) if detect else "no result at all"
        ),
        "shared_outturns": (
            "; ".join(f"{pub}'s estimate of {year} scores {_join(fs)}" for pub, year, fs in shared)
            or "no later estimate scores more than one forecast"
        ),
        "verdict_2010_2018": _verdict(ev.decade["2010-2018"]["summary"], P),
        "verdict_2015_2021": _verdict(ev.decade["2015-2021"]["summary"], P),
        "verdict_2018_2024": _verdict(ev.decade["2018-2024"]["summary"], P),
        "fit_period": f"{P.compute_fit_start} to {P.compute_fit_end}",
        "fit_end_minus_one": str(P.compute_fit_end - 1),
        "break_year": str(BREAK_YEAR),
        "sensitivity": (
            "; ".join(
                f"{label} {sens[k]['factor_per_year']:.1f} times a year"
                for k, label in (
                    ("end_minus_one", f"ending in {P.compute_fit_end - 1}:"),
                    ("before_break", f"before {BREAK_YEAR}:"),
                    ("after_break", f"from {BREAK_YEAR}:"),
                )
                if k in sens
            )
            or "no sub-period holds enough models"
        ),
        "sobol_top_label": SOBOL_LABELS[str(_sobol_top(ev)["parameter"])].lower(),
        "koomey_outturn_source": str(_example(ev, "Koomey 2008", 2010)["outturn_publication"]),
        "hardware_period": f"{hardware_first} to {hardware_last}",
        "last_model_year": str(int(np.floor(ev.models["year"]).max())),
        "epoch_direction": (
            "lower"
            if float(_trend(ev, "frontier_training_power")["value"])
            * _per_year(_trend(ev, "training_duration"))
            < ev.compute_common_fit["factor_per_year"]
            / (ev.hardware_fit["factor_per_year"] * _per_year(_trend(ev, "lower_precision")))
            else "higher"
        ),
    }


# ---------------------------------------------------------------------------- tables
def _fmt(x: float, spec: str = ",.0f") -> str:
    return "" if pd.isna(x) else format(x, spec)


def table_forecasts(ev: Evaluation) -> pd.DataFrame:
    """Every forecast in scope with the later estimate that scores it, or the reason it is
    not scored."""
    s = ev.scored.sort_values(["region", "year", "published"])
    derived = {
        "as published": "",
        "own figures": " (computed from its own figures)",
        "other source": " (computed with another source's figure)",
        "restatement": " (a restatement)",
    }
    return pd.DataFrame(
        {
            "Forecast (publication, case)": s["publication"] + ", " + s["case"],
            "Claim": s["claim_type"],
            "Published": s["published"].astype(int),
            "Region": s["region"],
            "Scope": s["coverage"]
            + np.where(s["press_reproduction"], " (read in a reproduction)", ""),
            "Target year": s["year"].astype(int),
            "Low, central, high (TWh)": [
                " / ".join(_fmt(v) or "-" for v in (r["low_twh"], r["central_twh"], r["high_twh"]))
                + derived[r["derivation"]]
                if pd.notna(r["forecast_twh"])
                else f"{r['share_of_world_pct']:g}% of world electricity"
                for _, r in s.iterrows()
            ],
            "Horizon (years)": [_fmt(h, ".0f") for h in s["horizon_years"]],
            "Later estimate (TWh)": [
                _fmt(r["outturn_twh"])
                + (
                    f" ({_fmt(r['outturn_low_twh'])}-{_fmt(r['outturn_high_twh'])})"
                    if pd.notna(r["outturn_low_twh"])
                    else ""
                )
                for _, r in s.iterrows()
            ],
            "Later estimate: source and vintage, or why not scored": [
                f"{r['outturn_publication']} ({r['outturn_method']})"
                if r["status"] == model_forecasts.SCORED
                else r["status"]
                for _, r in s.iterrows()
            ],
            "Log error": [_fmt(v, "+.2f") for v in s["log_error"]],
            "Direction": list(s["direction"]),
        }
    )


def table_errors(ev: Evaluation) -> pd.DataFrame:
    b = ev.bins
    return pd.DataFrame(
        {
            "Horizon (years)": b["bin"],
            "Forecasts scored": b["n"],
            "Median absolute log error": [
                ("" if pd.isna(v) else f"{v:.2f}") for v in b["median_abs_log_error"]
            ],
            "Median log error (+: too high)": [
                ("" if pd.isna(v) else f"{v:+.2f}") for v in b["median_log_error"]
            ],
            "Share too high (%)": [
                ("" if pd.isna(v) else f"{100 * v:.0f}") for v in b["share_too_high"]
            ],
        }
    )


def counterfactual(factor: str, period: str) -> str:
    """What a bar of the decomposition is measured against: the energy had that factor
    stayed at its start-of-period value (the others following their observed paths, in
    the logarithmic-mean weighting)."""
    y0 = period.split("-")[0]
    return {
        model_decade.DEMAND: f"demand held at its {y0} level",
        model_decade.CONSOLIDATION: f"each compute instance needing {y0}'s servers",
        model_decade.IT_PER_SERVER: f"each server using {y0}'s IT energy",
        model_decade.IT_PER_DEMAND: f"each unit of demand using {y0}'s IT energy",
        model_decade.IT_ENERGY: f"IT energy held at its {y0} level",
        model_decade.PUE: f"the facility overhead (PUE) of {y0}",
    }[factor]


def table_decade(ev: Evaluation) -> pd.DataFrame:
    rows = []
    for p in PERIODS:
        for _, r in ev.decade[p]["lmdi"].iterrows():
            rows.append(
                {
                    "Period": p,
                    "Factor": r["factor"],
                    "Ratio, end over start": f"{r['ratio']:.2f}",
                    "Contribution (TWh)": f"{r['contribution_twh']:+,.0f}",
                    "Against (the counterfactual)": counterfactual(r["factor"], p),
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- captions
def captions(ev: Evaluation) -> dict[str, str]:
    n = numbers(ev)
    s = _scored(ev)
    pubs = ev.forecasts["publication"].nunique()
    return {
        "vintages": (
            f"How the forecasts and estimates of data-centre electricity of {pubs} "
            "publications compare, by the year they refer to: every published figure in the "
            "table, world figures above, US figures below. Each line joins the values one "
            "publication published, on a logarithmic scale; the point's shape tells "
            "estimates of past years from forecasts, and vertical bars are published ranges "
            "(a figure published only as a range is a bar without a point). Figures that "
            "include crypto mining are marked in the legend."
        ),
        "errors": (
            f"{int(n['n_too_high'])} of the {len(s)} scored forecasts lie above a perfect "
            f"forecast (too high), {int(n['n_beyond_range_high'])} above the later "
            f"estimate's published range and {int(n['n_within_range'])} inside it. Each "
            "point is a forecast's log error (the natural log of forecast over later "
            "estimate; above zero: too high) against its horizon in years, counted from "
            f"{texts(ev)['horizon_label']}; the dashed line is a perfect forecast."
        ),
        "decomposition": (
            "What changed data-centre electricity in three periods ("
            + ", ".join(
                f"{p}: {n['change_' + p.replace('-', '_') + '_twh']:+,.0f} TWh" for p in PERIODS
            )
            + "): the contribution, in TWh, of each factor of energy = demand x (IT energy "
            "per unit of demand) x PUE, the bars of a period adding up to its change "
            "(logarithmic mean Divisia index). Each bar is measured against the energy had "
            "its factor stayed at the "
            "period's first-year value: demand held at its first-year level, each compute "
            "instance needing the first year's servers, each server using the first year's "
            "IT energy, the first year's PUE. The demand and servers-per-instance bars of "
            f"2010-2018 ({n['demand_contribution_2010_2018_twh']:+,.0f} and "
            f"{n['consolidation_contribution_2010_2018_twh']:+,.0f} TWh) add up, by "
            "construction, to the contribution of the number of servers "
            f"({n['servers_contribution_2010_2018_twh']:+,.0f} TWh). Residual factors are "
            "defined by the identity, not measured."
        ),
        "compute_growth": (
            f"Training compute grew {n['compute_growth_common']:.1f} times a year over the "
            f"hardware's years, {n['compute_to_hardware_gap']:.1f} times the hardware's "
            "efficiency gain. The chart shows the training compute of "
            f"{int(n['n_models'])} notable models published "
            f"{ev.P.compute_fit_start}-{ev.P.compute_fit_end} (Epoch AI) and dense 16-bit "
            f"FLOP/s per watt of {int(n['n_chips'])} accelerators, each relative to its fitted "
            f"value in {max(ev.P.compute_fit_start, int(ev.hardware['year'].min()))}, the first "
            "year both were measured, on a logarithmic scale, with the fitted lines over the "
            "years each was measured on."
        ),
        "sobol": _sobol_caption(ev),
    }


def _sobol_caption(ev: Evaluation) -> str:
    top = _sobol_top(ev)
    ranges = "; ".join(
        f"{SOBOL_LABELS[k].lower()} {lo:.0f} to {hi:.0f}" for k, (lo, hi) in PERIOD_RANGES.items()
    )
    ranking = (
        "its interval separates it from the other year"
        if sobol_indices.separated(ev.sobol)
        else f"with N = {SOBOL_N} the intervals do not separate the two years, so their "
        "ranking is not settled"
    )
    return (
        "Which end of the fit period the fitted growth of training compute is more "
        "sensitive to: the largest total Sobol index is that of the "
        f"{SOBOL_LABELS[str(top['parameter'])].lower()} ({top['ST']:.2f}); {ranking}. This "
        "is the sensitivity to the analyst's choice of period, not uncertainty: total Sobol "
        "indices, with 95% bootstrap intervals, of the fitted growth (the point fit, without "
        "its interval), each year varied uniformly over a range the page accepts "
        f"({ranges}). A total index includes the parameter's interactions with the other, "
        "so the two can add up to more than one."
    )
