"""The rebound chapter's charts: each a function of the page's ``Evaluation``."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from energybook import charts
from energybook.chapters.rebound import model, model_h200
from energybook.chapters.rebound import model_uncertainty as mcm
from energybook.chapters.rebound.page import INPUT_LABELS, Evaluation

ELASTICITIES = np.linspace(0.0, 3.0, 61)
REBOUND_TITLE = "Rebound (% of the engineering saving)"
ELASTICITY_TITLE = "Price elasticity of demand for compute (magnitude)"
BACKFIRE_COLOUR = charts.PALETTE[3]


def rebound_cases_data(ev: Evaluation) -> pd.DataFrame:
    """Rebound against elasticity for the cases that tell the levers apart: the whole chip
    progress at the chapter's energy share, the energy credit only at that share, and the
    energy credit only with energy the whole cost (the textbook case)."""
    P = ev.P
    k, m, s = 1.0 + P.efficiency_growth, 1.0 + P.hardware_cost_decline, P.energy_share
    s_pct = f"{100 * s:.0f}%"
    parts = [(f"energy + hardware cost per FLOP (energy {s_pct} of cost)", s, m),
             (f"energy credit only (energy {s_pct} of cost)", s, 1.0),
             ("energy credit only (energy 100% of cost)", 1.0, 1.0)]
    frames = []
    for label, share, gain in parts:
        df = model.rebound_curve(ELASTICITIES, k, share, gain)
        frames.append(df.assign(case=label, rebound_pct=100.0 * df["rebound"]))
    return pd.concat(frames, ignore_index=True)


def rebound_cases(ev: Evaluation) -> alt.TopLevelMixin:
    curve = rebound_cases_data(ev)
    top = 400.0
    zone = alt.Chart(alt.Data(values=[{"y": 100.0, "y2": top,
                                       "label": "backfire: energy rises"}])).mark_rect(
        opacity=0.12, color=BACKFIRE_COLOUR).encode(
        y=alt.Y("y:Q", title=REBOUND_TITLE), y2="y2:Q",
        tooltip=[alt.Tooltip("label:N", title="Zone")])
    lines = alt.Chart(curve).mark_line(clip=True).encode(
        x=alt.X("elasticity:Q", title=ELASTICITY_TITLE),
        y=alt.Y("rebound_pct:Q", title=REBOUND_TITLE, scale=alt.Scale(domain=[0, top])),
        color=alt.Color("case:N", title=None,
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=500)),
        tooltip=[alt.Tooltip("case:N", title="Case"),
                 alt.Tooltip("elasticity:Q", title="Elasticity", format=".2f"),
                 alt.Tooltip("rebound_pct:Q", title="Rebound (%)", format=".1f"),
                 alt.Tooltip("energy_ratio:Q", title="Energy after / before", format=".3f")])
    rule = charts.reference_rule(100.0, "rebound 100%: energy unchanged", title=REBOUND_TITLE)
    return alt.layer(zone, lines, rule).properties(
        title="Rebound of one year's chip progress against the elasticity of demand",
        height=320)


def h200_data(ev: Evaluation) -> pd.DataFrame:
    return model_h200.model_growth_curve(ev.h200["efficiency_gain"], np.linspace(1.0, 6.0, 51))


def h200(ev: Evaluation) -> alt.TopLevelMixin:
    x_title = "Growth of model size over the period (times)"
    y_title = "Energy per token, H200 and grown model / H100 and old model"
    line = alt.Chart(h200_data(ev)).mark_line().encode(
        x=alt.X("model_growth:Q", title=x_title),
        y=alt.Y("energy_per_token_ratio:Q", title=y_title),
        tooltip=[alt.Tooltip("model_growth:Q", title="Model growth", format=".2f"),
                 alt.Tooltip("energy_per_token_ratio:Q", title="Energy per token ratio",
                             format=".2f")])
    rule = charts.reference_rule(1.0, "H100 with the old model", title=y_title)
    point = alt.Chart(alt.Data(values=[{
        "model_growth": ev.model_growth,
        "energy_per_token_ratio": ev.h200["energy_per_token_ratio"],
        "label": "trend model growth"}])).mark_point(size=120, color=BACKFIRE_COLOUR).encode(
        x=alt.X("model_growth:Q", title=x_title),
        y=alt.Y("energy_per_token_ratio:Q", title=y_title),
        tooltip=[alt.Tooltip("label:N", title="Point"),
                 alt.Tooltip("model_growth:Q", title="Model growth", format=".2f"),
                 alt.Tooltip("energy_per_token_ratio:Q", title="Energy per token ratio",
                             format=".2f")])
    return alt.layer(line, rule, point).properties(
        title="H100 to H200: energy per token as models grow", height=280)


DRIVER_LABELS = {"ambition": "ambition (exogenous demand)",
                 "price": "price response (rebound)",
                 "efficiency": "efficiency (J per FLOP)",
                 "pue": "facility overhead (PUE)"}


def decomposition_data(ev: Evaluation) -> pd.DataFrame:
    dec = ev.decomposition
    out = pd.DataFrame({"driver": dec["driver"].map(DRIVER_LABELS),
                        "contribution": dec["contribution"], "share": dec["share"],
                        "kind": "driver"})
    total = pd.DataFrame({"driver": ["total change"],
                          "contribution": [float(dec["contribution"].sum())], "share": [1.0],
                          "kind": ["total"]})
    return pd.concat([out, total], ignore_index=True)


def decomposition(ev: Evaluation) -> alt.TopLevelMixin:
    d = decomposition_data(ev)
    return alt.Chart(d).mark_bar().encode(
        x=alt.X("contribution:Q", title="Contribution to the change in energy (TWh per year)"),
        y=alt.Y("driver:N", title=None, sort=list(d["driver"]), axis=alt.Axis(labelLimit=300)),
        color=alt.Color("kind:N", title=None, legend=None),
        tooltip=[alt.Tooltip("driver:N", title="Driver"),
                 alt.Tooltip("contribution:Q", title="TWh per year", format=",.0f"),
                 alt.Tooltip("share:Q", title="Share of the total change", format=".0%")],
    ).properties(title="What drives the change in data-centre electricity (LMDI)", height=200)


def fan_data(ev: Evaluation) -> pd.DataFrame:
    """The published estimates and projections of the chapter's scope (the fan's points)."""
    d = ev.dc[ev.dc["scope"] == ev.P.scope]
    return pd.DataFrame({"year": d["year"].astype(int), "value": d["energy_twh"],
                         "case": d["case"]}).sort_values(["year", "case"],
                                                         ignore_index=True)


def fan(ev: Evaluation) -> alt.TopLevelMixin:
    return charts.fan(ev.mc["fan"], points=fan_data(ev),
                      title="Data-centre electricity: the model's fan and the published "
                            "figures",
                      y_title="Data-centre electricity (TWh per year)").properties(height=340)


def tornado_data(ev: Evaluation) -> pd.DataFrame:
    t = ev.mc["tornado"]
    return t.assign(label=t["input"].map(INPUT_LABELS))


def tornado(ev: Evaluation) -> alt.TopLevelMixin:
    return charts.tornado(tornado_data(ev), label="label",
                          title="Which uncertain input moves the horizon energy most",
                          output_title="Horizon-year electricity (TWh per year)")


def flip_data(ev: Evaluation) -> pd.DataFrame:
    P = ev.P
    sweep = mcm.elasticity_sweep(ELASTICITIES, P.efficiency_growth, P.demand_growth,
                                 P.energy_share, P.hardware_cost_decline, ev.base_twh,
                                 ev.years)
    return sweep.assign(outcome=np.where(sweep["backfire"], "chip progress backfires",
                                         "chip progress saves energy"))


def flip(ev: Evaluation) -> alt.TopLevelMixin:
    line = alt.Chart(flip_data(ev)).mark_line(point=True).encode(
        x=alt.X("elasticity:Q", title=ELASTICITY_TITLE),
        y=alt.Y("energy_twh:Q", title="Horizon-year electricity (TWh per year)",
                scale=alt.Scale(type="log")),
        color=alt.Color("outcome:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("elasticity:Q", title="Elasticity", format=".2f"),
                 alt.Tooltip("energy_twh:Q", title="TWh per year", format=",.0f"),
                 alt.Tooltip("rebound:Q", title="Rebound of a year's progress", format=".0%")])
    rule = charts.reference_rule(float(ev.mc["flip_elasticity"]), "flip elasticity",
                                 axis="x", title=ELASTICITY_TITLE, fmt=".2f")
    return alt.layer(line, rule).properties(
        title="Where the conclusion flips: energy against elasticity", height=300)


def gallery(ev: Evaluation) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter by name (what the figure tests build and validate)."""
    return {"rebound_cases": rebound_cases(ev), "h200": h200(ev),
            "decomposition": decomposition(ev), "fan": fan(ev), "tornado": tornado(ev),
            "flip": flip(ev)}
