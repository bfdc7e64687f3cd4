"""What the rebound page shows besides its charts: glued numbers and phrases, captions,
reader tables.

Same entry points as every chapter's page module: ``TABLES``, ``evaluate``, ``headlines``,
``numbers``, ``texts``, ``captions`` and ``table_<name>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from energybook.chapters.rebound import model, model_growth, model_h200, model_microsoft
from energybook.chapters.rebound import model_uncertainty as mcm
from energybook.chapters.rebound.params import Params
from energybook.chapters.rebound.spec import SPEC

TABLES = ("dc_electricity", "accelerators", "growth_trends", "microsoft_sustainability",
          "ai_adoption")
FAN_END_YEAR = 2035

# Human labels of the Monte Carlo's inputs (tornado bars, the assumptions table).
INPUT_LABELS = {
    "elasticity": "Price elasticity of demand for compute",
    "efficiency_growth": "Growth of FLOP per joule (per year)",
    "demand_growth": "Ambition: exogenous growth of compute demanded (per year)",
    "energy_share": "Energy's share of the cost per FLOP",
    "hardware_cost_decline": "Fall of hardware cost per FLOP (per year)",
    "pue_horizon": "Power usage effectiveness in the horizon year",
}


@dataclass(frozen=True)
class Evaluation:
    P: Params
    tables: Mapping[str, pd.DataFrame] = field(repr=False)
    base_twh: float
    mc: dict[str, Any] = field(repr=False)

    @property
    def dc(self) -> pd.DataFrame:
        return self.tables["dc_electricity"]

    @property
    def accelerators(self) -> pd.DataFrame:
        return self.tables["accelerators"]

    @property
    def years(self) -> int:
        return self.P.horizon_year - self.P.base_year

    @cached_property
    def mc_other(self) -> dict[str, Any]:
        """The Monte Carlo under the other anchoring (for the comparison in the prose)."""
        return mcm.run_uncertainty(self.P, self.base_twh, anchor=not self.mc["anchored"])

    @cached_property
    def model_growth(self) -> float:
        return model_h200.h200_model_growth(self.accelerators, self.tables["growth_trends"],
                                            self.P.param_compute_exponent)

    @cached_property
    def h200(self) -> dict[str, float]:
        return model_h200.h100_h200_from_table(self.accelerators, self.model_growth,
                                               self.P.elasticity)

    @cached_property
    def pue_ratio(self) -> float:
        """Median horizon PUE over base-year PUE."""
        return float(self.mc["distributions"]["pue_horizon"].median()) / self.P.pue

    @cached_property
    def scenarios(self) -> pd.DataFrame:
        P = self.P
        return model_growth.scenario_table(self.dc, P.efficiency_growth, P.elasticity,
                                           P.energy_share, P.hardware_cost_decline)

    @cached_property
    def decomposition(self) -> pd.DataFrame:
        P = self.P
        return model_growth.projection_decomposition(
            self.base_twh, self.years, P.demand_growth, P.efficiency_growth, P.elasticity,
            P.energy_share, P.hardware_cost_decline, self.pue_ratio)


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    base = model_growth.base_energy_twh(tables["dc_electricity"], P.scope, P.base_year)
    mc = mcm.run_uncertainty(P, base, fan_end_year=max(FAN_END_YEAR, P.horizon_year))
    return Evaluation(P, tables, base, mc)


def headlines(ev: Evaluation) -> dict[str, float]:
    P, mc = ev.P, ev.mc
    ms = model_microsoft.microsoft_from_table(ev.tables["microsoft_sustainability"],
                                              P.efficiency_growth)
    flat = model_growth.efficiency_growth_to_hold_flat(P.demand_growth, P.elasticity,
                                                       P.energy_share, P.hardware_cost_decline)
    energy = mc["energy"]
    out = {
        "h200_j_per_token_saving_pct": 100.0 * ev.h200["j_per_token_saving"],
        "h200_rebound_pct": 100.0 * ev.h200["rebound_model_growth"],
        "energy_median_twh": float(energy["median"]),
        "energy_p05_twh": float(energy["p05"]),
        "energy_p95_twh": float(energy["p95"]),
        "backfire_probability_pct": 100.0 * float(mc["p_backfire"]),
        "flip_elasticity": float(mc["flip_elasticity"]),
        "flip_elasticity_energy_only": float(mc["flip_elasticity_energy_only"]),
        "efficiency_growth_to_hold_flat_pct": 100.0 * flat,
        "microsoft_efficiency_growth_to_hold_flat_pct":
            100.0 * ms["efficiency_growth_to_hold_flat"],
    }
    return {h.name: float(out[h.name]) for h in SPEC.headlines}


def numbers(ev: Evaluation) -> dict[str, float]:
    """Every computed number the prose quotes (beyond the headlines); percentages in
    percent."""
    P, mc, base = ev.P, ev.mc, ev.base_twh
    e, f, s, h = P.elasticity, P.efficiency_growth, P.energy_share, P.hardware_cost_decline
    a = P.demand_growth
    k, m = 1.0 + f, 1.0 + h
    out: dict[str, float] = {}
    # rebound of one year's chip progress, both levers and the energy credit alone
    out["cost_ratio_all_pct"] = 100 * float(model.cost_ratio(k, s, m))
    out["cost_ratio_energy_pct"] = 100 * float(model.cost_ratio(k, s, 1.0))
    out["rebound_all_pct"] = 100 * float(model.rebound(k, e, s, m))
    out["rebound_energy_pct"] = 100 * float(model.rebound(k, e, s, 1.0))
    out["marginal_rebound_pct"] = 100 * float(model.marginal_rebound(e, s))
    out["energy_share_pct"] = 100 * s
    out["efficiency_growth_pct"] = 100 * f
    out["hardware_cost_decline_pct"] = 100 * h
    out["elasticity"] = e
    # H100 -> H200
    rows = ev.accelerators.set_index("chip")
    trend = model_growth.growth_table(ev.tables["growth_trends"]).set_index("metric")
    out.update({
        "h200_bw_old": float(rows.loc["H100 SXM", "memory_bw_tbps"]),
        "h200_bw_new": float(rows.loc["H200 SXM", "memory_bw_tbps"]),
        "h200_power_w": float(rows.loc["H200 SXM", "board_power_w"]),
        "h200_gain": ev.h200["efficiency_gain"],
        "h200_years": float(model_h200.release_gap_years(ev.accelerators)),
        "h200_compute_trend": float(trend.loc["training_compute_notable", "factor_per_year"]),
        "h200_exponent": P.param_compute_exponent,
        "h200_model_growth": ev.model_growth,
        "h200_energy_per_token_ratio": ev.h200["energy_per_token_ratio"],
        "h200_rebound_price_pct": 100 * ev.h200["rebound_price"],
    })
    # ambition as growth
    fr = trend.loc["training_compute_frontier"]
    hw = float(trend.loc["hardware_efficiency", "factor_per_year"])
    out.update({
        "frontier_compute_factor": float(fr["factor_per_year"]),
        "frontier_compute_low": float(fr["factor_per_year_low"]),
        "frontier_compute_high": float(fr["factor_per_year_high"]),
        "hardware_efficiency_factor": hw,
        "frontier_energy_factor": float(fr["factor_per_year"]) / hw,
        "frontier_power_factor": float(trend.loc["frontier_training_power",
                                                 "factor_per_year"]),
        "frontier_hold_flat_pct": 100 * (float(fr["factor_per_year"]) - 1.0),
    })
    ident = model.identity_example(P, ev.accelerators).set_index("component")
    adoption = ev.tables["ai_adoption"]
    india = adoption[(adoption["country"] == "India")].sort_values("announced").iloc[-1]
    out.update({
        "india_people_m": float(india["people"]) / 1e6,
        "india_target_year": float(india["target_year"]),
        "users_m": P.users / 1e6,
        "identity_flop_per_j": float(ident.loc["training", "flop_per_j"]),
        "identity_training_twh": float(ident.loc["training", "energy_twh"]),
        "identity_inference_twh": float(ident.loc["inference", "energy_twh"]),
        "identity_total_twh": float(ident.loc["total", "energy_twh"]),
        "identity_share_of_base_pct": 100 * float(ident.loc["total", "energy_twh"]) / base,
        "base_twh": base, "base_year": float(P.base_year), "base_pue": P.pue,
        "horizon_year": float(P.horizon_year),
    })
    # calibration to the IEA Base Case and the decomposition
    sc = ev.scenarios
    ieab = sc[(sc["scope"] == "World") & (sc["scenario"] == "IEA Base")
              & (sc["horizon_year"] == 2030)].iloc[0]
    q = float(model.demand_ratio(model.cost_ratio(k, s, m), e))
    out.update({
        "iea_base_twh": float(ieab["published_twh"]),
        "iea_net_growth_pct": 100 * float(ieab["implied_net_growth"]),
        "iea_compute_growth_pct": 100 * float(ieab["implied_compute_growth"]),
        "iea_demand_growth_pct": 100 * float(ieab["implied_demand_growth"]),
        "demand_growth_pct": 100 * a,
        "price_response_pct": 100 * (q - 1.0),
        "hold_flat_no_response_pct": 100 * model_growth.efficiency_growth_to_hold_flat(
            (1 + a) * q - 1.0),
    })
    for name, key in (("LBNL Low", "lbnl_low"), ("LBNL High", "lbnl_high"),
                      ("IEA Electricity 2024 High", "iea24_high"),
                      ("IEA Headwinds", "iea_headwinds"), ("IEA Lift-Off", "iea_lift_off")):
        row = sc[sc["scenario"] == name].iloc[0]
        out[f"{key}_net_pct"] = 100 * float(row["implied_net_growth"])
        out[f"{key}_demand_pct"] = 100 * float(row["implied_demand_growth"])
    dec = ev.decomposition.set_index("driver")["contribution"]
    for key in ("ambition", "price", "efficiency", "pue"):
        out[f"dec_{key}_twh"] = float(dec[key])
    out["dec_total_twh"] = float(dec.sum())
    out["dec_end_twh"] = base + out["dec_total_twh"]
    # Microsoft
    mst = ev.tables["microsoft_sustainability"]
    ms = model_microsoft.microsoft_from_table(mst, f)
    t = mst[mst["fiscal_year"] == 2024].set_index("metric")
    out.update({
        "ms_energy_change_pct": float(t.loc["energy_use", "change_pct"]),
        "ms_emissions_change_pct": float(t.loc["total_emissions", "change_pct"]),
        "ms_energy_growth_pct": 100 * ms["energy_growth_per_year"],
        "ms_demand_growth_pct": 100 * ms["implied_demand_growth"],
        "ms_emissions_per_energy": ms["emissions_per_energy_factor"],
        "ms_energy_factor": ms["energy_factor"],
    })
    # uncertainty
    other = ev.mc_other
    en = mc["energy"] if mc["anchored"] else other["energy"]
    eu = other["energy"] if mc["anchored"] else mc["energy"]
    out.update({
        "chip_progress_pct": 100 * float(mc["p_chip_progress"]),
        "backfire_energy_only_pct": 100 * float(mc["p_backfire_energy_only"]),
        "rebound_median_pct": 100 * float(mc["rebound"]["median"]),
        "unanchored_median_twh": float(eu["median"]),
        "unanchored_p05_twh": float(eu["p05"]), "unanchored_p95_twh": float(eu["p95"]),
        "unanchored_ratio": float(eu["p95"]) / float(eu["p05"]),
        "anchored_ratio": float(en["p95"]) / float(en["p05"]),
        "uniform_ratio": mcm.uniform_elasticity_interval(P, base)["ratio"],
        "iea_case_spread_pct": 100 * mcm.iea_case_spread(ev.dc),
        "growth_spread_pct": 100 * P.growth_spread,
        "pue_ratio_pct": 100 * (1.0 - ev.pue_ratio),
        "elasticity_max": P.elasticity_max,
        "p_energy_above_base_pct": 100 * float(np.mean(
            np.asarray(mc["samples"]["energy_twh"]) > base)),
    })
    return {k2: float(v) for k2, v in out.items()}


def texts(ev: Evaluation) -> dict[str, str]:
    anchored = bool(ev.mc["anchored"])
    return {"scope": ev.P.scope,
            "mc_model": "anchored" if anchored else "unanchored",
            "mc_other": "unanchored" if anchored else "anchored"}


def captions(ev: Evaluation) -> dict[str, str]:
    P = ev.P
    s_pct = 100 * P.energy_share
    return {
        "rebound_cases": (
            "Line chart of rebound (per cent of the engineering saving) against the price "
            "elasticity of demand, from 0 to 3, for three cases: chip progress that cuts both "
            "energy and hardware cost per FLOP, the energy credit alone at the chapter's "
            f"energy share ({s_pct:.0f}% of the cost), and the energy credit alone with energy "
            "the whole cost (rebound reaches 100% at elasticity 1). The band above 100% is "
            "backfire. Model: constant-elasticity demand; parameters from the chapter's box."),
        "h200": (
            "Line chart of energy per token on the H200, relative to the H100 with the old "
            "model, against model growth. The line crosses 1 where model growth equals the "
            "memory-bandwidth efficiency gain; the marked point is the model growth implied "
            "by Epoch AI's training-compute trend and the chosen parameter-compute exponent. "
            "Sources: accelerators and growth_trends tables."),
        "decomposition": (
            "Horizontal bars of the exact LMDI decomposition of the change in data-centre "
            f"electricity from {P.base_year} to {P.horizon_year}: one bar per driver "
            "(ambition, the price response, efficiency, PUE) and the total change, which the "
            "drivers sum to exactly. Point parameters; base year from the IEA's estimate."),
        "fan": (
            f"Fan chart of data-centre electricity from {P.base_year} to "
            f"{max(FAN_END_YEAR, P.horizon_year)}: the median path as a line, the 50% and 90% "
            "intervals of the Monte Carlo as shaded bands, and the published estimates and "
            "forecasts as points. Sources: dc_electricity table (IEA, LBNL); model under the "
            "chapter's assumptions."),
        "tornado": (
            "Tornado chart: one horizontal bar per uncertain input, spanning the horizon-year "
            "data-centre electricity as that input moves from its 5th to its 95th percentile "
            "with the others at their medians, largest swing on top; a dashed line marks all "
            "inputs at their medians. Model under the chapter's declared distributions."),
        "flip": (
            "Line chart, log scale, of horizon-year data-centre electricity against the price "
            "elasticity of demand from 0 to 3, other inputs at their point values; points are "
            "coloured by whether a year's chip progress saves energy or backfires, and a "
            "dashed rule marks the flip elasticity. Model under the chapter's assumptions."),
    }


# --------------------------------------------------------------------------- reader tables
def table_identity(ev: Evaluation) -> pd.DataFrame:
    ident = model.identity_example(ev.P, ev.accelerators)
    names = {"training": "One frontier training run", "inference": "A year of the new use",
             "total": "Total"}
    return pd.DataFrame({
        "Component": ident["component"].map(names),
        "Compute (FLOP per year)": [f"{x:.3g}" for x in ident["flop"]],
        "Delivered FLOP per joule": ["" if not np.isfinite(x) else f"{x:.3g}"
                                     for x in ident["flop_per_j"]],
        "Energy (TWh)": [f"{x:.4f}" for x in ident["energy_twh"]],
        "Share": [f"{100 * x:.0f}%" for x in ident["share"]],
    })


def table_scenarios(ev: Evaluation) -> pd.DataFrame:
    """The scenario table for readers: named forecasts with the parameters they imply."""
    t = ev.scenarios
    return pd.DataFrame({
        "Forecast": t["scenario"],
        "Scope": t["scope"],
        "From": [f"{int(y)}: {v:,.0f} TWh" for y, v in zip(t["base_year"], t["base_twh"],
                                                          strict=True)],
        "To": [f"{int(y)}: {v:,.0f} TWh" for y, v in zip(t["horizon_year"],
                                                        t["published_twh"], strict=True)],
        "Energy growth (%/yr)": (100 * t["implied_net_growth"]).round(1),
        "Compute demanded (%/yr)": (100 * t["implied_compute_growth"]).round(1),
        "Ambition, before price response (%/yr)": (100 * t["implied_demand_growth"]).round(1),
        "Model (TWh)": t["model_twh"].round(0),
        "Error (%)": t["error_pct"].round(2),
    })


def table_assumptions(ev: Evaluation) -> pd.DataFrame:
    """The declared distributions, one row per uncertain input."""
    dists = ev.mc["distributions"]
    return pd.DataFrame({
        "Input": [INPUT_LABELS[k] for k in dists],
        "Distribution": [d.describe() for d in dists.values()],
        "5th percentile": [round(float(d.ppf(0.05)), 3) for d in dists.values()],
        "Median": [round(d.median(), 3) for d in dists.values()],
        "95th percentile": [round(float(d.ppf(0.95)), 3) for d in dists.values()],
        "Mean": [round(d.mean(), 3) for d in dists.values()],
    })

