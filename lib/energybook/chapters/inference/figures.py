"""The inference chapter's charts: each a function of the page's ``Evaluation``."""

from __future__ import annotations

import altair as alt
import pandas as pd

from energybook import charts
from energybook.chapters.inference import model as m
from energybook.chapters.inference import page
from energybook.chapters.inference.page import Evaluation

LOG = alt.Scale(type="log")
BATCH = "Batch size (sequences decoded together)"
PER_TOKEN = "Energy per generated token (J)"


def _batch_rules(ev: Evaluation, y_title: str) -> list[alt.Chart | alt.LayerChart]:
    """Dashed rules at the chosen batch and where decode leaves the memory roof (if it does
    within the batches that fit), naming the roof that takes over."""
    rules: list[alt.Chart | alt.LayerChart] = [
        charts.reference_rule(
            ev.P.batch_size, "chosen batch", axis="x", title=BATCH, fmt=",.0f", side="left"
        )
    ]
    batch, roof = page.memory_roof_exit(ev)
    if roof is not None and 1 < batch <= ev.max_batch:
        label = (
            "decode leaves the memory roof: compute-bound"
            if roof == m.COMPUTE
            else "decode leaves the memory roof: power limit (additive model)"
        )
        rules.append(
            charts.reference_rule(
                batch, label, axis="x", title=BATCH, fmt=",.0f", row=1, side="left"
            )
        )
    return rules


def components_data(ev: Evaluation) -> pd.DataFrame:
    return page.components_table(ev)


def components(ev: Evaluation) -> alt.TopLevelMixin:
    data = components_data(ev)
    order = list(page.COMPONENTS.values())
    lines = (
        alt.Chart(data)
        .mark_line(point=False)
        .encode(
            x=alt.X("batch:Q", title=BATCH, scale=LOG),
            y=alt.Y("j_per_token:Q", title=PER_TOKEN, scale=LOG),
            color=alt.Color("part:N", title="Part", sort=order, legend=alt.Legend(orient="bottom")),
            strokeDash=alt.condition(
                alt.datum.part == "Total", alt.value([1, 0]), alt.value([5, 3])
            ),
            tooltip=[
                alt.Tooltip("part:N", title="Part"),
                alt.Tooltip("batch:Q", title="Batch", format=",.0f"),
                alt.Tooltip("j_per_token:Q", title="Joules per token", format=".3g"),
            ],
        )
    )
    return alt.layer(lines, *_batch_rules(ev, PER_TOKEN)).properties(
        title="Where a generated token's energy goes, by batch size", height=320
    )


def check_data(ev: Evaluation) -> pd.DataFrame:
    return page.check_points(ev)


def check(ev: Evaluation) -> alt.TopLevelMixin:
    pts = check_data(ev)
    lines = page.check_lines(ev)
    y_title = "Energy per output token, prompts included (J)"
    color = alt.Color(
        "configuration:N", title="Model and GPUs", legend=alt.Legend(orient="bottom", columns=2)
    )
    model = (
        alt.Chart(lines)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("batch:Q", title="Batch size admitted (vLLM maximum sequences)", scale=LOG),
            y=alt.Y("j_per_token:Q", title=y_title, scale=LOG),
            color=color,
            tooltip=[
                alt.Tooltip("configuration:N", title="Model"),
                alt.Tooltip("batch:Q", title="Batch admitted", format=",.0f"),
                alt.Tooltip("run_batch:Q", title="Batch the KV cache allows", format=",.0f"),
                alt.Tooltip("j_per_token:Q", title="Model (J per token)", format=".3g"),
            ],
        )
    )
    measured = (
        alt.Chart(pts)
        .mark_point(size=60, filled=True)
        .encode(
            x=alt.X(
                "batch_size:Q", title="Batch size admitted (vLLM maximum sequences)", scale=LOG
            ),
            y=alt.Y("value:Q", title=y_title, scale=LOG),
            color=color,
            tooltip=[
                alt.Tooltip("configuration:N", title="Model"),
                alt.Tooltip("batch_size:Q", title="Batch admitted", format=",.0f"),
                alt.Tooltip("value:Q", title="Measured (J per token)", format=".3g"),
                alt.Tooltip("model_value:Q", title="Model (J per token)", format=".3g"),
                alt.Tooltip("ratio:Q", title="Model over measured", format=".2f"),
            ],
        )
    )
    return alt.layer(model, measured).properties(
        title="The roofline (lines) against ML.ENERGY's measurements (points)", height=360
    )


def ratios_data(ev: Evaluation) -> pd.DataFrame:
    return page.check_points(ev)


def ratios(ev: Evaluation) -> alt.TopLevelMixin:
    pts = ratios_data(ev)
    y_title = "Model over measured energy per token"
    dots = (
        alt.Chart(pts)
        .mark_point(size=60, filled=True)
        .encode(
            x=alt.X(
                "batch_size:Q", title="Batch size admitted (vLLM maximum sequences)", scale=LOG
            ),
            y=alt.Y("ratio:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "configuration:N",
                title="Model and GPUs",
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            tooltip=[
                alt.Tooltip("configuration:N", title="Model"),
                alt.Tooltip("batch_size:Q", title="Batch admitted", format=",.0f"),
                alt.Tooltip("run_batch:Q", title="Batch modelled", format=",.0f"),
                alt.Tooltip("ratio:Q", title="Model over measured", format=".2f"),
            ],
        )
    )
    one = charts.reference_rule(1.0, "model equals measurement", title=y_title, fmt=".0f")
    return alt.layer(dots, one).properties(
        title="How far the roofline is from each measurement", height=280
    )


def alignment_data(ev: Evaluation) -> pd.DataFrame:
    return page.alignment_table(ev)


def alignment(ev: Evaluation) -> alt.TopLevelMixin:
    data = alignment_data(ev)
    lines = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("batch:Q", title=BATCH, scale=LOG),
            y=alt.Y("j_per_token:Q", title=PER_TOKEN, scale=LOG),
            color=alt.Color("shape:N", title="Model shape", legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("shape:N", title="Shape"),
                alt.Tooltip("batch:Q", title="Batch", format=",.0f"),
                alt.Tooltip("j_per_token:Q", title="Joules per token", format=".3g"),
                alt.Tooltip("penalty_pct:Q", title="Extra energy (%)", format=".1f"),
            ],
        )
    )
    return alt.layer(lines, *_batch_rules(ev, PER_TOKEN)).properties(
        title="What a hidden size the tensor cores dislike costs per token", height=300
    )


def gpus_data(ev: Evaluation) -> pd.DataFrame:
    return page.gpu_table(ev)


def gpus(ev: Evaluation) -> alt.TopLevelMixin:
    data = gpus_data(ev)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("j_per_token:Q", title=PER_TOKEN),
            y=alt.Y("gpu:N", title=None, sort=list(data["gpu"]), axis=alt.Axis(labelLimit=200)),
            color=alt.Color(
                "source:N",
                title="Constants",
                scale=charts.role_scale(["Measured by the book", "Estimated from a datasheet"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("gpu:N", title="GPU"),
                alt.Tooltip("j_per_token:Q", title="Joules per token", format=".3g"),
                alt.Tooltip("tokens_per_s:Q", title="Tokens per second (decode)", format=",.0f"),
                alt.Tooltip("source:N", title="Constants"),
            ],
        )
        .properties(
            title="Energy per generated token on each GPU, same model and batch", height=240
        )
    )


def sobol_data(ev: Evaluation) -> pd.DataFrame:
    return ev.sobol


def sobol(ev: Evaluation) -> alt.TopLevelMixin:
    return charts.sobol_bars(
        sobol_data(ev),
        labels=page.SOBOL_LABELS,
        title="Which settings move the energy per generated token",
    )


def gallery(ev: Evaluation) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter by name (what the figure tests build and validate)."""
    return {
        "components": components(ev),
        "check": check(ev),
        "ratios": ratios(ev),
        "alignment": alignment(ev),
        "gpus": gpus(ev),
        "sobol": sobol(ev),
    }
