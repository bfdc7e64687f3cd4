"""Charts: the builders of the book's charts and the checks every chart passes.

Use :func:`figure` to display a chart: it checks that the chart has a title, axis titles
in plain language (no ``snake_case`` identifiers), tooltips and a text alternative, and
prints the caption under it. How charts look is set once in :mod:`energybook.theme`; how they
are drawn on the page (responsive width, static SVG fallback, dark mode) once in
:mod:`energybook.render`.

Chapter charts are built in ``energybook.chapters.<name>.figures``. The builders that more
than one chapter uses live here, once: :func:`tornado`, :func:`fan`, :func:`interval_bars`,
:func:`reference_rule` and :func:`nations_bar`. No chart sets its own width: the width comes
from the theme (:data:`energybook.theme.WIDTH`), the one place to change it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from energybook.render import Figure, js_bundle, render_html, setup
from energybook.theme import HEIGHT, PALETTE, WIDTH, title_text

__all__ = ["HEIGHT", "PALETTE", "WIDTH", "Figure", "check_chart", "figure"]


def _encodings(spec: dict):
    """Yield every encoding mapping in a (possibly layered/concatenated) spec."""
    if "encoding" in spec:
        yield spec["encoding"]
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            yield from _encodings(sub)
    if "spec" in spec:
        yield from _encodings(spec["spec"])


def check_chart(spec: dict) -> list[str]:
    """Problems with a chart spec against the book's rules (empty when fine)."""
    problems = []
    if not title_text(spec):
        problems.append("the chart has no title")
    if not spec.get("description"):
        problems.append("the chart has no description (its text alternative)")
    has_tooltip = False
    for enc in _encodings(spec):
        if "tooltip" in enc:
            has_tooltip = True
        for ch in ("x", "y"):
            e = enc.get(ch)
            # A title must be set; an explicit null is allowed for a self-labelling
            # category axis (its labels are the text).
            if isinstance(e, dict) and ("field" in e or "aggregate" in e) and "title" not in e:
                problems.append(f"the {ch} axis of field {e.get('field')!r} has no title")
            if (
                isinstance(e, dict)
                and e.get("title") is None
                and e.get("type") in ("quantitative", "temporal")
            ):
                problems.append(
                    f"the {ch} axis of field {e.get('field')!r} needs a title with its unit"
                )
    if not has_tooltip:
        problems.append("the chart has no tooltips")
    for text in _visible_titles(spec):
        if IDENTIFIER.search(text):
            problems.append(f"the label {text!r} shows an identifier; use plain language")
    return problems


# A snake_case identifier (two or more lower-case words joined by underscores).
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _visible_titles(spec) -> list[str]:
    """Every title a reader sees: chart titles, axis, legend and tooltip titles."""
    out: list[str] = []

    def text(t):
        if isinstance(t, str):
            out.append(t)
        elif isinstance(t, list):
            out.extend(x for x in t if isinstance(x, str))
        elif isinstance(t, dict):
            text(t.get("text"))
            text(t.get("subtitle"))

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title":
                    text(value)
                elif key in ("data", "datasets"):
                    continue
                else:
                    walk(value)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return out


def figure(chart: alt.TopLevelMixin, caption: str) -> Figure:
    """Display ``chart`` with ``caption`` (its text alternative) after checking it.

    Returns an object that displays as the chart followed by its caption.
    """
    chart = chart.properties(description=caption)
    spec = chart.to_dict()
    problems = check_chart(spec)
    if problems:
        raise ValueError(f"chart {title_text(spec)!r}: " + "; ".join(problems))
    return Figure(spec, caption)


# --------------------------------------------------------------------------- shared builders
REFERENCE_COLOUR = "#444444"


def reference_rule(
    value: float, label: str, *, axis: str = "y", title: str, fmt: str = ",.3g"
) -> alt.Chart:
    """A dashed reference line at ``value`` on ``axis`` ("x" or "y"), labelled in its
    tooltip. ``title`` is the axis title it shares with the chart it is layered on."""
    enc = alt.X if axis == "x" else alt.Y
    return (
        alt.Chart(alt.Data(values=[{"value": float(value), "label": label}]))
        .mark_rule(strokeDash=[4, 3], color=REFERENCE_COLOUR)
        .encode(
            **{axis: enc("value:Q", title=title)},
            tooltip=[
                alt.Tooltip("label:N", title="Reference"),
                alt.Tooltip("value:Q", title="Value", format=fmt),
            ],
        )
    )


def tornado(
    table: pd.DataFrame,
    *,
    title: str,
    output_title: str,
    fmt: str = ",.0f",
    label: str = "input",
    height: int = 220,
) -> alt.TopLevelMixin:
    """One-at-a-time sensitivity: a bar per uncertain input spanning the output as the
    input moves from its 5th to its 95th percentile, the others at their medians; a dashed
    line at every input's median. ``table`` is ``uncertainty.tornado``'s output (columns
    ``input_low, input_high, output_low, output_high, base`` and ``label``)."""
    bars = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("output_low:Q", title=output_title),
            x2="output_high:Q",
            y=alt.Y(
                f"{label}:N", title=None, sort=list(table[label]), axis=alt.Axis(labelLimit=300)
            ),
            tooltip=[
                alt.Tooltip(f"{label}:N", title="Input"),
                alt.Tooltip("input_low:Q", title="Input at 5th percentile", format=".3g"),
                alt.Tooltip("input_high:Q", title="Input at 95th percentile", format=".3g"),
                alt.Tooltip(
                    "output_low:Q", title="Output at the input's 5th percentile", format=fmt
                ),
                alt.Tooltip(
                    "output_high:Q", title="Output at the input's 95th percentile", format=fmt
                ),
            ],
        )
    )
    base = reference_rule(
        float(table["base"].iloc[0]),
        "all inputs at their medians",
        axis="x",
        title=output_title,
        fmt=fmt,
    )
    return alt.layer(bars, base).properties(title=title, height=height)


def fan(
    fan_table: pd.DataFrame,
    *,
    title: str,
    y_title: str,
    points: pd.DataFrame | None = None,
    points_title: str = "Published figure",
    fmt: str = ",.0f",
    log: bool = False,
) -> alt.TopLevelMixin:
    """A fan chart: 90% and 50% bands and the median by year (columns ``year, p05, p25,
    p50, p75, p95``), with optional published points (``year``, ``value``, ``case``)."""
    scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    x = alt.X("year:Q", title="Year", axis=alt.Axis(format="d"))
    layers = []
    for lo, hi, name, opacity in (
        ("p05", "p95", "90% interval", 0.25),
        ("p25", "p75", "50% interval", 0.35),
    ):
        band = fan_table.assign(band=name)
        layers.append(
            alt.Chart(band)
            .mark_area(opacity=opacity)
            .encode(
                x=x,
                y=alt.Y(f"{lo}:Q", title=y_title, scale=scale),
                y2=f"{hi}:Q",
                color=alt.Color(
                    "band:N",
                    title="Model",
                    scale=alt.Scale(
                        domain=["90% interval", "50% interval", "median"],
                        range=[PALETTE[5], PALETTE[0], PALETTE[0]],
                    ),
                    legend=alt.Legend(orient="bottom"),
                ),
                tooltip=[
                    alt.Tooltip("year:Q", title="Year", format="d"),
                    alt.Tooltip(f"{lo}:Q", title=f"{name}: low", format=fmt),
                    alt.Tooltip(f"{hi}:Q", title=f"{name}: high", format=fmt),
                ],
            )
        )
    layers.append(
        alt.Chart(fan_table.assign(band="median"))
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("p50:Q", title=y_title, scale=scale),
            color=alt.Color("band:N", title="Model"),
            tooltip=[
                alt.Tooltip("year:Q", title="Year", format="d"),
                alt.Tooltip("p50:Q", title="Median", format=fmt),
            ],
        )
    )
    if points is not None and len(points):
        layers.append(
            alt.Chart(points)
            .mark_point(size=80, filled=True)
            .encode(
                x=x,
                y=alt.Y("value:Q", title=y_title, scale=scale),
                shape=alt.Shape(
                    "case:N", title=points_title, legend=alt.Legend(orient="bottom", columns=1)
                ),
                tooltip=[
                    alt.Tooltip("case:N", title=points_title),
                    alt.Tooltip("year:Q", title="Year", format="d"),
                    alt.Tooltip("value:Q", title="Value", format=fmt),
                ],
            )
        )
    return (
        alt.layer(*layers)
        .resolve_scale(color="independent", shape="independent")
        .properties(title=title)
    )


def interval_bars(
    table: pd.DataFrame,
    *,
    label: str,
    low: str,
    high: str,
    title: str,
    x_title: str,
    point: str | None = None,
    fmt: str = ",.3g",
    sort: Sequence[str] | None = None,
) -> alt.TopLevelMixin:
    """A horizontal interval per row (``low`` to ``high``), with an optional point
    estimate, for ranges such as confidence intervals or published ranges."""
    y = alt.Y(
        f"{label}:N",
        title=None,
        sort=list(sort) if sort is not None else None,
        axis=alt.Axis(labelLimit=300),
    )
    tips = [
        alt.Tooltip(f"{label}:N", title="Row"),
        alt.Tooltip(f"{low}:Q", title="Low", format=fmt),
        alt.Tooltip(f"{high}:Q", title="High", format=fmt),
    ]
    layers: list[alt.Chart] = [
        alt.Chart(table)
        .mark_rule(strokeWidth=3)
        .encode(x=alt.X(f"{low}:Q", title=x_title), x2=f"{high}:Q", y=y, tooltip=tips)
    ]
    if point is not None:
        layers.append(
            alt.Chart(table)
            .mark_point(size=70, filled=True)
            .encode(
                x=alt.X(f"{point}:Q", title=x_title),
                y=y,
                tooltip=tips + [alt.Tooltip(f"{point}:Q", title="Estimate", format=fmt)],
            )
        )
    return alt.layer(*layers).properties(title=title)


# One meaning per category across the book (the site issue's semantic palette).
SEMANTIC = {
    "National demand": PALETTE[7],
    "Data centres (estimate)": PALETTE[0],
    "Data centres (projection)": PALETTE[3],
}


def nations_bar(table: pd.DataFrame, *, title: str, height: int = 260) -> alt.Chart:
    """Data centres against nations: one bar per row of ``table`` (columns ``label``,
    ``energy_twh`` and ``kind``, a key of :data:`SEMANTIC`), longest on top."""
    kinds = [k for k in SEMANTIC if k in set(table["kind"])]
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("energy_twh:Q", title="Electricity per year (TWh)"),
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=300)),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=kinds, range=[SEMANTIC[k] for k in kinds]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="What"),
                alt.Tooltip("energy_twh:Q", title="TWh per year", format=",.0f"),
            ],
        )
        .properties(title=title, height=height)
    )


def sobol_bars(
    indices: pd.DataFrame, *, title: str, labels: dict[str, str] | None = None, height: int = 200
) -> alt.TopLevelMixin:
    """Total Sobol indices with their 95% intervals, one bar per parameter (columns
    ``parameter, ST, ST_conf, S1``); ``labels`` maps parameter names to plain language."""
    t = indices.copy()
    t["label"] = [(labels or {}).get(p, p.replace("_", " ")) for p in t["parameter"]]
    t["low"] = (t["ST"] - t["ST_conf"]).clip(lower=0.0)
    t["high"] = t["ST"] + t["ST_conf"]
    t = t.sort_values("ST", ascending=False)
    y = alt.Y("label:N", title=None, sort=list(t["label"]), axis=alt.Axis(labelLimit=300))
    tips = [
        alt.Tooltip("label:N", title="Parameter"),
        alt.Tooltip("ST:Q", title="Total index", format=".2f"),
        alt.Tooltip("low:Q", title="95% interval: low", format=".2f"),
        alt.Tooltip("high:Q", title="95% interval: high", format=".2f"),
        alt.Tooltip("S1:Q", title="First-order index", format=".2f"),
    ]
    bars = (
        alt.Chart(t)
        .mark_bar()
        .encode(
            x=alt.X("ST:Q", title="Total Sobol index (share of variance, with interactions)"),
            y=y,
            tooltip=tips,
        )
    )
    err = (
        alt.Chart(t)
        .mark_rule(color=REFERENCE_COLOUR)
        .encode(
            x=alt.X("low:Q", title="Total Sobol index (share of variance, with interactions)"),
            x2="high:Q",
            y=y,
            tooltip=tips,
        )
    )
    return alt.layer(bars, err).properties(title=title, height=height)


def save_html(chart: alt.TopLevelMixin, path: Path, caption: str = "") -> Path:
    """Write ``chart`` as a standalone HTML page that works offline (the vega bundle is
    inlined, no CDN)."""
    setup()
    spec = chart.properties(description=caption or title_text(chart.to_dict())).to_dict()
    body = render_html(spec, fallback=False)
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title_text(spec) or 'chart')}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<script>{js_bundle()}</script></head><body>"
        f"<figure>{body}<figcaption>{html.escape(caption)}</figcaption></figure>"
        "</body></html>\n"
    )
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path


def sweep_chart(
    table: pd.DataFrame,
    axes: Sequence[str],
    headline: str,
    *,
    title: str,
    labels: dict[str, str] | None = None,
) -> alt.TopLevelMixin:
    """A sweep's headline against its swept parameters: a line over one numeric axis (one
    line per value of a second axis), or a heat map over two."""
    labels = labels or {}

    def name(a: str) -> str:
        return labels.get(a, a.replace("_", " "))

    tip = [
        alt.Tooltip(f"{a}:{'Q' if pd.api.types.is_numeric_dtype(table[a]) else 'N'}", title=name(a))
        for a in axes
    ]
    tip.append(alt.Tooltip(f"{headline}:Q", title=name(headline), format=",.4g"))
    x = axes[0]
    xtype = "Q" if pd.api.types.is_numeric_dtype(table[x]) else "N"
    if len(axes) >= 2 and len(table[axes[1]].unique()) > 8:
        y = axes[1]
        ytype = "O" if pd.api.types.is_numeric_dtype(table[y]) else "N"
        return (
            alt.Chart(table)
            .mark_rect()
            .encode(
                x=alt.X(f"{x}:O", title=name(x)),
                y=alt.Y(f"{y}:{ytype}", title=name(y)),
                color=alt.Color(f"{headline}:Q", title=name(headline)),
                tooltip=tip,
            )
            .properties(title=title)
        )
    enc: dict[str, Any] = {
        "x": alt.X(f"{x}:{xtype}", title=name(x)),
        "y": alt.Y(f"{headline}:Q", title=name(headline)),
        "tooltip": tip,
    }
    if len(axes) >= 2:
        enc["color"] = alt.Color(
            f"{axes[1]}:N", title=name(axes[1]), legend=alt.Legend(orient="bottom")
        )
    return alt.Chart(table).mark_line(point=True).encode(**enc).properties(title=title)
