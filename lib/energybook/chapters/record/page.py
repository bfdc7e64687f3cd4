"""What the record page shows besides its charts: glued numbers and phrases, captions and
reader tables. Same entry points as every chapter page (see the overview's page module)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from energybook.chapters.record import model_compute, model_decade, model_forecasts
from energybook.chapters.record.params import Params
from energybook.chapters.record.spec import SPEC, fit_window, scored_forecasts

TABLES = ("forecasts", "dc_efficiency_decade", "training_compute", "accelerators",
          "growth_trends")
PERIODS = ("2010-2018", "2015-2021", "2018-2024")


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


def _period(table: pd.DataFrame, period: str) -> dict:
    inputs = model_decade.period_inputs(table, period)
    start, end = model_decade.identity_factors(inputs)
    y0, y1 = (int(y) for y in period.split("-"))
    return {"inputs": inputs, "lmdi": model_decade.lmdi(start, end),
            "summary": model_decade.summary(inputs, y1 - y0), "years": (y0, y1)}


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    f = tables["forecasts"]
    scored = scored_forecasts(P, f)
    bins = model_forecasts.by_horizon(scored, P.horizon_bins)
    decade = {p: _period(tables["dc_efficiency_decade"], p) for p in PERIODS}
    models = fit_window(P, tables["training_compute"])
    cfit = model_compute.fit_growth(models["year"], models["training_compute_flop"])
    hw = model_compute.hardware_points(tables["accelerators"])
    hw = hw.assign(year=model_compute.decimal_year(hw["release_date"]))
    hfit = model_compute.fit_growth(hw["year"], hw["flop_per_s_per_w"])
    return Evaluation(P, f, scored, bins, decade, models, cfit, hw, hfit,
                      tables["growth_trends"])


def _scored(ev: Evaluation) -> pd.DataFrame:
    return ev.scored[ev.scored["status"] == "scored"]


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
        "energy_per_instance_change_pct_per_year": 100.0 * d1["energy_per_demand_per_year"],
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
        ev.forecasts, regions=("World", "United States"), us_publications=("LBNL 2024",),
        world_policy=ev.P.world_vintage, horizon_from=ev.P.horizon_from, basis="level")


def _example(ev: Evaluation, publication: str, year: int,
             s: pd.DataFrame | None = None) -> pd.Series:
    s = _examples(ev) if s is None else s
    hit = s[(s["publication"] == publication) & (s["year"] == year)
            & (s["coverage"] == "data centres")]
    if len(hit) != 1:
        raise KeyError(f"no single forecast of {publication} for {year}")
    return hit.iloc[0]


def _trend(ev: Evaluation, metric: str) -> pd.Series:
    t = ev.published_trends
    return t[t["metric"] == metric].iloc[0]


def numbers(ev: Evaluation) -> dict[str, float]:
    s, long = _scored(ev), _long(ev)
    d1, d2, d3 = (ev.decade[p] for p in PERIODS)
    i1, i3 = d1["inputs"], d3["inputs"]
    ex = _examples(ev)
    andrae = _example(ev, "Andrae and Edler 2015", 2020, ex)
    lbnl = _example(ev, "LBNL 2016", 2020, ex)
    koomey = _example(ev, "Koomey 2008", 2010, ex)
    ict = ev.forecasts[(ev.forecasts["publication"] == "Andrae and Edler 2015")
                       & (ev.forecasts["coverage"] == "ICT")]
    notable = _trend(ev, "training_compute_notable")
    power = _trend(ev, "frontier_training_power")
    gap = ev.compute_fit["factor_per_year"] / ev.hardware_fit["factor_per_year"]
    out = {
        "n_forecasts": float(len(ev.forecasts[ev.forecasts["kind"] == "forecast"])),
        "n_scored": float(len(s)),
        "n_long": float(len(long)),
        "median_error_factor_long": math.exp(
            model_forecasts.median_abs_error(long["log_error"])),
        "n_too_high": float((s["log_error"] > 0).sum()),
        "koomey_forecast_twh": float(koomey["forecast_twh"]),
        "koomey_outturn_twh": float(koomey["outturn_twh"]),
        "koomey_error": float(koomey["log_error"]),
        "andrae_expected_twh": float(andrae["forecast_twh"]),
        "andrae_low_twh": float(andrae["low_twh"]),
        "andrae_outturn_twh": float(andrae["outturn_twh"]),
        "andrae_error_factor": math.exp(float(andrae["log_error"])),
        "lbnl_forecast_twh": float(lbnl["forecast_twh"]),
        "lbnl_outturn_twh": float(lbnl["outturn_twh"]),
        "lbnl_error_factor": math.exp(-float(lbnl["log_error"])),
        "andrae_ict_worst_pct": float(ict["share_of_world_pct"].iloc[0]),
        "energy_2010_twh": i1["energy"][0], "energy_2018_twh": i1["energy"][1],
        "energy_growth_2010_2018_pct": 100.0 * (d1["summary"]["energy_ratio"] - 1.0),
        "instances_ratio_2010_2018": d1["summary"]["demand_ratio"],
        "pue_change_2010_2018_pct": 100.0 * (d1["summary"]["pue_ratio"] - 1.0),
        "servers_ratio_2010_2018": i1["installed_servers"][1] / i1["installed_servers"][0],
        "energy_growth_2015_2021_pct": 100.0 * (d2["summary"]["energy_ratio"] - 1.0),
        "workloads_ratio_2015_2021": d2["summary"]["demand_ratio"],
        "energy_per_workload_pct_per_year": 100.0 * d2["summary"]["energy_per_demand_per_year"],
        "energy_2024_twh": i3["energy"][1],
        "energy_ratio_2018_2024": d3["summary"]["energy_ratio"],
        "pue_change_2018_2024_pct": 100.0 * (d3["summary"]["pue_ratio"] - 1.0),
        "pue_2018": i3["pue"][0], "pue_2024": i3["pue"][1],
        "it_energy_ratio_2018_2024": d3["summary"]["energy_ratio"] / d3["summary"]["pue_ratio"],
        "n_models": ev.compute_fit["n"],
        "compute_doubling_months": ev.compute_fit["doubling_months"],
        "compute_orders_of_magnitude": math.log10(ev.compute_fit["factor_per_year"]) * (
            ev.P.compute_fit_end - ev.P.compute_fit_start),
        "epoch_notable_growth": float(notable["value"]),
        "epoch_notable_low": float(notable["value_low"]),
        "epoch_notable_high": float(notable["value_high"]),
        "hardware_growth_per_year": ev.hardware_fit["factor_per_year"],
        "hardware_growth_low": ev.hardware_fit["low"],
        "hardware_growth_high": ev.hardware_fit["high"],
        "n_chips": ev.hardware_fit["n"],
        "compute_to_hardware_gap": gap,
        "epoch_power_growth": float(power["value"]),
    }
    for k, row in zip(PERIODS, (d1, d2, d3), strict=True):
        total = float(row["lmdi"]["contribution_twh"].sum())
        out[f"change_{k.replace('-', '_')}_twh"] = total
    return out


def _verdict(summary: dict[str, float]) -> str:
    """When efficiency won and when it lost, in words, from energy and demand growth."""
    e = summary["energy_ratio"]
    if e < 1.1:
        return "efficiency kept pace with demand: energy stayed nearly flat"
    if summary.get("energy_to_demand", math.inf) < 0.5:
        return "efficiency offset most, but not all, of the growth in demand"
    return "demand outran efficiency: energy grew with it"


def texts(ev: Evaluation) -> dict[str, str]:
    P = ev.P
    hardware_first = int(ev.hardware["release_date"].dt.year.min())
    hardware_last = int(ev.hardware["release_date"].dt.year.max())
    return {
        "scope_label": P.scope.replace("World and United States",
                                       "the world and the United States"),
        "us_vintage": P.us_vintage,
        "world_vintage_label": ("the latest published estimate of the year"
                                if P.world_vintage == "latest"
                                else "the first estimate published after the year"),
        "horizon_label": ("the forecast's base year (its last year of data)"
                          if P.horizon_from == "base year" else "its publication year"),
        "basis_label": ("the forecast level against the later estimate"
                        if P.error_basis == "level" else
                        "the forecast growth from its base year, rescaled to the scoring "
                        "vintage's estimate of that year"),
        "long_horizon": str(P.long_horizon_years),
        "verdict_2010_2018": _verdict(ev.decade["2010-2018"]["summary"]),
        "verdict_2015_2021": _verdict(ev.decade["2015-2021"]["summary"]),
        "verdict_2018_2024": _verdict(ev.decade["2018-2024"]["summary"]),
        "fit_period": f"{P.compute_fit_start} to {P.compute_fit_end}",
        "koomey_outturn_source": str(_example(ev, "Koomey 2008", 2010)["outturn_publication"]),
        "hardware_period": f"{hardware_first} to {hardware_last}",
    }


# ---------------------------------------------------------------------------- tables
def table_forecasts(ev: Evaluation) -> pd.DataFrame:
    """Every forecast in scope with the later estimate that scores it."""
    s = ev.scored.sort_values(["region", "year", "published"])

    def fmt(x: float, spec: str = ",.0f") -> str:
        return "" if pd.isna(x) else format(x, spec)

    return pd.DataFrame({
        "Forecast (publication, case)": s["publication"] + ", " + s["case"],
        "Published": s["published"].astype(int),
        "Region": s["region"],
        "Scope": s["coverage"] + np.where(s["press_reproduction"], " (press reproduction)", ""),
        "Target year": s["year"].astype(int),
        "Low, central, high (TWh)": [
            " / ".join(fmt(v) or "-" for v in (r["low_twh"], r["central_twh"], r["high_twh"]))
            if pd.notna(r["forecast_twh"]) else f"{r['share_of_world_pct']:g}% of world electricity"
            for _, r in s.iterrows()],
        "Horizon (years)": [fmt(h, ".0f") for h in s["horizon_years"]],
        "Later estimate (TWh)": [fmt(v) for v in s["outturn_twh"]],
        "Later estimate: source and vintage": [
            f"{r['outturn_publication']} ({r['outturn_method']})" if r["status"] == "scored"
            else r["status"] for _, r in s.iterrows()],
        "Log error": [fmt(v, "+.2f") for v in s["log_error"]],
        "Direction": [("" if pd.isna(v) else "too high" if v > 0 else "too low")
                      for v in s["log_error"]],
    })


def table_errors(ev: Evaluation) -> pd.DataFrame:
    b = ev.bins
    return pd.DataFrame({
        "Horizon (years)": b["bin"],
        "Forecasts scored": b["n"],
        "Median absolute log error": [("" if pd.isna(v) else f"{v:.2f}")
                                      for v in b["median_abs_log_error"]],
        "Median log error (+: too high)": [("" if pd.isna(v) else f"{v:+.2f}")
                                           for v in b["median_log_error"]],
        "Share too high (%)": [("" if pd.isna(v) else f"{100 * v:.0f}")
                               for v in b["share_too_high"]],
    })


def table_decade(ev: Evaluation) -> pd.DataFrame:
    rows = []
    for p in PERIODS:
        for _, r in ev.decade[p]["lmdi"].iterrows():
            rows.append({"Period": p, "Factor": r["factor"], "Ratio, end over start":
                         f"{r['ratio']:.2f}", "Contribution (TWh)":
                         f"{r['contribution_twh']:+,.0f}"})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- captions
def captions(ev: Evaluation) -> dict[str, str]:
    n = numbers(ev)
    s = _scored(ev)
    pubs = ev.forecasts["publication"].nunique()
    return {
        "vintages": (
            f"Every published forecast and estimate of data-centre electricity in the table "
            f"({pubs} publications), by the year it refers to, on a logarithmic scale: one "
            "line per publication, the point's shape telling estimates of past years from "
            "forecasts, vertical bars for published ranges. World figures above, US figures "
            "below; figures that include crypto mining are marked in the legend."),
        "errors": (
            f"Log error of each of the {len(s)} scored forecasts (the natural log of forecast "
            "over later estimate; above zero: too high) against its horizon in years, "
            f"counted from {texts(ev)['horizon_label']}. The dashed line is a perfect "
            f"forecast; {int(n['n_too_high'])} of {len(s)} lie above it."),
        "decomposition": (
            "Contributions, in TWh, of each factor of energy = demand x (IT energy per unit "
            "of demand) x PUE to the change of data-centre electricity in three periods "
            "(logarithmic mean Divisia index: the bars of a period add up to its change: "
            + ", ".join(f"{p}: {n['change_' + p.replace('-', '_') + '_twh']:+,.0f} TWh"
                        for p in PERIODS)
            + "). Residual factors are defined by the identity, not measured."),
        "compute_growth": (
            f"Training compute of {int(n['n_models'])} notable models published "
            f"{ev.P.compute_fit_start}-{ev.P.compute_fit_end} (Epoch AI) and dense 16-bit "
            f"FLOP/s per watt of {int(n['n_chips'])} accelerators, each relative to its fitted "
            f"value in {max(ev.P.compute_fit_start, int(ev.hardware['year'].min()))}, the first "
            "year both were measured, on a logarithmic scale, with the fitted lines over the "
            "years each was measured on: "
            f"{n['compute_to_hardware_gap']:.1f} times more compute per year than the "
            "hardware's efficiency gain."),
    }
