"""The rebound chapter's charts: each a function of the page's ``Evaluation``."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from energybook import charts
from energybook.chapters.rebound import model, model_growth, model_h200
from energybook.chapters.rebound import model_uncertainty as mcm
from energybook.chapters.rebound.page import (
    DRIVER_LABELS,
    FAN_END_YEAR,
    INPUT_LABELS,
    SEGMENT_LABELS,
    SOBOL_LABELS,
    Evaluation,
)

ELASTICITIES = np.linspace(0.0, 3.0, 61)
REBOUND_TITLE = "Rebound (% of the engineering saving)"
ELASTICITY_TITLE = "Price elasticity of demand for compute (magnitude)"
BACKFIRE_COLOUR = charts.REFERENCE_COLOUR
TWH_TITLE = "Data-centre electricity (TWh per year)"


def rebound_cases_data(ev: Evaluation) -> pd.DataFrame:
    """Rebound of one year of the accelerated servers' chip progress against elasticity, for
    the cases that tell the levers apart: both levers at the chapter's energy share, the
    energy credit only at that share, and the energy credit only with energy the whole cost
    (the textbook case)."""
    P = ev.P
    k, m, s = 1.0 + P.efficiency_growth, 1.0 + P.hardware_cost_decline, P.energy_share
    s_pct = f"{100 * s:.0f}%"
    parts = [
        (f"energy + hardware cost per FLOP (energy {s_pct} of cost)", s, m),
        (f"energy credit only (energy {s_pct} of cost)", s, 1.0),
        ("energy credit only (energy 100% of cost)", 1.0, 1.0),
    ]
    frames = []
    for label, share, gain in parts:
        df = model.rebound_curve(ELASTICITIES, k, share, gain)
        frames.append(df.assign(case=label, rebound_pct=100.0 * df["rebound"]))
    return pd.concat(frames, ignore_index=True)


def rebound_cases(ev: Evaluation) -> alt.TopLevelMixin:
    curve = rebound_cases_data(ev)
    top = 400.0
    zone = charts.reference_band(
        100.0, top, "backfire: energy rises", title=REBOUND_TITLE, colour=BACKFIRE_COLOUR
    )
    lines = (
        alt.Chart(curve)
        .mark_line(clip=True)
        .encode(
            x=alt.X("elasticity:Q", title=ELASTICITY_TITLE),
            y=alt.Y("rebound_pct:Q", title=REBOUND_TITLE, scale=alt.Scale(domain=[0, top])),
            color=alt.Color(
                "case:N", title=None, legend=alt.Legend(orient="bottom", columns=1, labelLimit=500)
            ),
            tooltip=[
                alt.Tooltip("case:N", title="Case"),
                alt.Tooltip("elasticity:Q", title="Elasticity", format=".2f"),
                alt.Tooltip("rebound_pct:Q", title="Rebound (%)", format=".1f"),
                alt.Tooltip("energy_ratio:Q", title="Energy after / before", format=".3f"),
            ],
        )
    )
    rule = charts.reference_rule(100.0, "rebound 100%: energy unchanged", title=REBOUND_TITLE)
    return alt.layer(zone, lines, rule).properties(
        title="Rebound of one year's chip progress against the elasticity of demand", height=320
    )


FORMATS = {
    1.0: "same number format",
    0.5: "half the bytes (16-bit to 8-bit)",
    0.25: "a quarter of the bytes (16-bit to 4-bit)",
}


def h200_data(ev: Evaluation) -> pd.DataFrame:
    """Bytes read per token, growth per year, against the change in the active share of
    parameters, for three changes of number format."""
    h2 = ev.h200
    grid = model_h200.bytes_growth_grid(
        h2["compute_trend"],
        h2["gap_years"],
        ev.P.param_compute_exponent,
        np.geomspace(0.05, 1.0, 41),
        list(FORMATS),
    )
    return grid.assign(number_format=grid["bytes_per_param_change"].map(FORMATS))


def h200(ev: Evaluation) -> alt.TopLevelMixin:
    x_title = "Active share of parameters read per token, H200 release over H100 release"
    y_title = "Bytes read per token, growth per year (times)"
    lines = (
        alt.Chart(h200_data(ev))
        .mark_line()
        .encode(
            x=alt.X(
                "active_share_change:Q",
                title=x_title,
                scale=alt.Scale(type="log", domain=[0.05, 1.0]),
            ),
            y=alt.Y("bytes_growth_per_year:Q", title=y_title, scale=alt.Scale(type="log")),
            color=alt.Color(
                "number_format:N",
                title="Bytes per parameter",
                sort=list(FORMATS.values()),
                legend=alt.Legend(orient="bottom", columns=1),
            ),
            tooltip=[
                alt.Tooltip("number_format:N", title="Number format"),
                alt.Tooltip("active_share_change:Q", title="Active share change", format=".2f"),
                alt.Tooltip("bytes_growth_per_year:Q", title="Bytes growth per year", format=".2f"),
            ],
        )
    )
    # The higher line's label above it, the lower's below: the two are close.
    gain_up = ev.h200["efficiency_gain_per_year"] >= ev.h200["fleet_gain_per_year"]
    gain = charts.reference_rule(
        ev.h200["efficiency_gain_per_year"],
        "H200 over H100: tokens per joule, gain per year",
        title=y_title,
        fmt=".2f",
        row=0 if gain_up else -1,
        side="left",
    )
    fleet = charts.reference_rule(
        ev.h200["fleet_gain_per_year"],
        "NVIDIA data-centre chips: bandwidth per watt, trend per year",
        title=y_title,
        fmt=".2f",
        row=-1 if gain_up else 0,
        side="left",
    )
    return alt.layer(lines, gain, fleet).properties(
        title="H100 to H200: model growth per year against the chip's gain per year", height=300
    )


def decomposition_data(ev: Evaluation) -> pd.DataFrame:
    dec = ev.decomposition
    rows = []
    for _, r in dec.iterrows():
        for seg in model_growth.SEGMENTS:
            rows.append(
                {
                    "driver": DRIVER_LABELS[r["driver"]],
                    "segment": SEGMENT_LABELS[seg],
                    "contribution": float(r[f"{seg}_twh"]),
                }
            )
    for seg in model_growth.SEGMENTS:
        rows.append(
            {
                "driver": "Total change",
                "segment": SEGMENT_LABELS[seg],
                "contribution": float(dec[f"{seg}_twh"].sum()),
            }
        )
    return pd.DataFrame(rows)


def decomposition(ev: Evaluation) -> alt.TopLevelMixin:
    d = decomposition_data(ev)
    order = [*DRIVER_LABELS.values(), "Total change"]
    return (
        alt.Chart(d)
        .mark_bar()
        .encode(
            x=alt.X(
                "sum(contribution):Q",
                title="Contribution to the change in electricity (TWh per year)",
            ),
            y=alt.Y("driver:N", title=None, sort=order, axis=alt.Axis(labelLimit=340)),
            color=alt.Color(
                "segment:N", title="Segment", legend=alt.Legend(orient="bottom", columns=1)
            ),
            tooltip=[
                alt.Tooltip("driver:N", title="Driver"),
                alt.Tooltip("segment:N", title="Segment"),
                alt.Tooltip("contribution:Q", title="TWh per year", format=",.0f"),
            ],
        )
        .properties(title="What drives the change in data-centre electricity (LMDI)", height=240)
    )


def fan_data(ev: Evaluation) -> pd.DataFrame:
    """The published estimates and projections of the chapter's scope (the fan's points)."""
    d = ev.dc[ev.dc["scope"] == ev.P.scope]
    return pd.DataFrame(
        {"year": d["year"].astype(int), "value": d["energy_twh"], "case": d["case"]}
    ).sort_values(["year", "case"], ignore_index=True)


def fan(ev: Evaluation) -> alt.TopLevelMixin:
    return charts.fan(
        ev.fan,
        points=fan_data(ev),
        title="Data-centre electricity: the model's fan and the published figures",
        y_title=TWH_TITLE,
    ).properties(height=340)


def interval_2035_data(ev: Evaluation) -> pd.DataFrame:
    lo, hi = mcm.iea_case_range(ev.dc)
    f = ev.fan.set_index("year").loc[FAN_END_YEAR]
    return pd.DataFrame(
        {
            "label": [
                "IEA's cases (Headwinds to Lift-Off)",
                f"This chapter's Monte Carlo ({ev.texts_model}, 90%)",
            ],
            "low": [lo, float(f["p05"])],
            "high": [hi, float(f["p95"])],
            "point": [ev.iea_base(FAN_END_YEAR), float(f["p50"])],
        }
    )


def interval_2035(ev: Evaluation) -> alt.TopLevelMixin:
    d = interval_2035_data(ev)
    return charts.interval_bars(
        d,
        label="label",
        low="low",
        high="high",
        point="point",
        title=f"Data-centre electricity in {FAN_END_YEAR}: the published range and the model's",
        x_title=TWH_TITLE,
        fmt=",.0f",
        roles=dict(zip(d["label"], ("projection", "model"), strict=True)),
    ).properties(height=120)


def tornado_data(ev: Evaluation) -> pd.DataFrame:
    t = ev.tornado
    return t.assign(label=t["input"].map(INPUT_LABELS))


def tornado(ev: Evaluation) -> alt.TopLevelMixin:
    return charts.tornado(
        tornado_data(ev),
        label="label",
        title="Which uncertain input moves the horizon energy most",
        output_title="Horizon-year electricity (TWh per year)",
    )


def sobol_data(ev: Evaluation) -> pd.DataFrame:
    """The Sobol indices of the point model's horizon-year electricity (page.sobol_indices)."""
    return ev.sobol


def sobol(ev: Evaluation) -> alt.TopLevelMixin:
    return charts.sobol_bars(
        sobol_data(ev),
        labels=SOBOL_LABELS,
        title="Which assumption carries the variance of the horizon energy, interactions included",
    )


def backfire_prior_data(ev: Evaluation) -> pd.DataFrame:
    c = ev.prior_curve
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "mode": c["mode"],
                    "probability_pct": 100 * c["p_backfire"],
                    "series": "P(backfire), over the Monte Carlo's draws",
                }
            ),
            pd.DataFrame(
                {
                    "mode": c["mode"],
                    "probability_pct": 100 * c["p_prior_above_flip"],
                    "series": "The prior's mass above the flip elasticity",
                }
            ),
        ],
        ignore_index=True,
    )


def backfire_prior(ev: Evaluation) -> alt.TopLevelMixin:
    x_title = "Mode of the elasticity prior (its most likely value)"
    y_title = "Probability that a year's chip progress backfires (%)"
    lines = (
        alt.Chart(backfire_prior_data(ev))
        .mark_line(point=True)
        .encode(
            x=alt.X("mode:Q", title=x_title),
            y=alt.Y("probability_pct:Q", title=y_title, scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom", columns=1)),
            strokeDash=alt.StrokeDash("series:N", legend=None),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("mode:Q", title="Prior mode", format=".2f"),
                alt.Tooltip("probability_pct:Q", title="Probability (%)", format=".1f"),
            ],
        )
    )
    flip_at, bound_at = float(ev.backfire["flip_elasticity"]), float(ev.bound["median"])
    flip = charts.reference_rule(flip_at, "flip elasticity", axis="x", title=x_title, fmt=".2f")
    bound = charts.reference_rule(
        bound_at,
        "median ratio from AI's own market (confounded)",
        axis="x",
        title=x_title,
        fmt=".2f",
        row=1,  # a line below the flip's label, whichever line is to the left
    )
    return alt.layer(lines, flip, bound).properties(
        title="P(backfire) is the prior's: it moves with the prior's mode", height=300
    )


def flip_data(ev: Evaluation) -> pd.DataFrame:
    sweep = mcm.elasticity_sweep(ELASTICITIES, ev.P, ev.base_twh)
    return sweep.assign(
        outcome=np.where(sweep["backfire"], "chip progress backfires", "chip progress saves energy")
    )


def flip(ev: Evaluation) -> alt.TopLevelMixin:
    line = (
        alt.Chart(flip_data(ev))
        .mark_line(point=True)
        .encode(
            x=alt.X("elasticity:Q", title=ELASTICITY_TITLE),
            y=alt.Y(
                "energy_twh:Q",
                title="Horizon-year electricity (TWh per year)",
                scale=alt.Scale(type="log"),
            ),
            color=alt.Color("outcome:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("elasticity:Q", title="Elasticity", format=".2f"),
                alt.Tooltip("energy_twh:Q", title="TWh per year", format=",.0f"),
                alt.Tooltip("rebound:Q", title="Rebound of a year's progress", format=".0%"),
            ],
        )
    )
    rule = charts.reference_rule(
        float(ev.backfire["flip_elasticity"]),
        "flip elasticity",
        axis="x",
        title=ELASTICITY_TITLE,
        fmt=".2f",
    )
    return alt.layer(line, rule).properties(
        title="Where the conclusion flips: energy against elasticity", height=300
    )


def gallery(ev: Evaluation) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter by name (what the figure tests build and validate)."""
    return {
        "rebound_cases": rebound_cases(ev),
        "h200": h200(ev),
        "decomposition": decomposition(ev),
        "fan": fan(ev),
        "interval_2035": interval_2035(ev),
        "tornado": tornado(ev),
        "sobol": sobol(ev),
        "backfire_prior": backfire_prior(ev),
        "flip": flip(ev),
    }
