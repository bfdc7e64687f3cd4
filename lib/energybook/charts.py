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
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from energybook.render import Figure, js_bundle, render_html, setup
from energybook.theme import (
    HEIGHT,
    OTHER_COLOURS,
    PALETTE,
    ROLE_COLOURS,
    WIDTH,
    role_scale,
    role_shades,
    title_text,
)

__all__ = [
    "HEIGHT",
    "OTHER_COLOURS",
    "PALETTE",
    "ROLE_COLOURS",
    "WIDTH",
    "Figure",
    "check_chart",
    "figure",
    "role_scale",
]


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
    spec = wrap_titles(chart.to_dict())
    problems = check_chart(spec)
    if problems:
        raise ValueError(f"chart {title_text(spec)!r}: " + "; ".join(problems))
    return Figure(spec, caption)


# --------------------------------------------------------------------------- shared builders
REFERENCE_COLOUR = ROLE_COLOURS["reference"]


LABEL_FONT_SIZE = 11


LABEL_ROW_PX = 14


def reference_label(
    data: alt.Data | pd.DataFrame,
    *,
    axis: str,
    field: str,
    title: str | list[str],
    text: str = "label",
    side: str = "right",
    row: int = 0,
    at: str = "top",
    along: bool = False,
    colour: str = REFERENCE_COLOUR,
    tooltip: list | None = None,
    scale: alt.Scale | None = None,
) -> alt.Chart:
    """The visible label of a reference line (a text mark beside the rule, for every row of
    ``data``). A line across the plot (``axis="y"``) is labelled just above it at the plot's
    right end (``side="left"``: its left end); a line down the plot (``axis="x"``) at the top
    of the plot (``at="bottom"``: its bottom), starting at the line (``side="left"``: ending at
    it). ``row`` moves the label that many lines of text away from the plot's edge, so that
    the labels of neighbouring lines do not collide; for a line across the plot, a negative
    ``row`` writes the label below the line instead (-1: just below). ``along`` writes the
    label of a line down the plot along it, on its right, from the top down (``at="bottom"``:
    from the bottom up): it never runs past the plot's sides, however narrow the screen."""
    enc = alt.X if axis == "x" else alt.Y
    pos = enc(f"{field}:Q", title=title, scale=alt.Undefined if scale is None else scale)
    shown, lines = text, 1
    if not along:
        # Long labels in lines of at most LABEL_CHARS (the tooltip keeps them whole).
        shown = f"{text}_lines"
        if isinstance(data, pd.DataFrame):
            labels = [str(t) for t in data[text]]
            data = data.assign(**{shown: [wrap_label(t) for t in labels]})
        else:
            values = data.to_dict().get("values", [])
            labels = [str(v[text]) for v in values]
            data = alt.Data(values=[{**v, shown: wrap_label(str(v[text]))} for v in values])
        lines = max([label_lines(t) for t in labels] or [1])
    # A label that ends at its anchor (text above a line, or at the plot's bottom) starts its
    # first line as many lines higher as it has lines below the first.
    up = LABEL_ROW_PX * (lines - 1)
    if axis == "x" and along:
        top = at == "top"
        mark = alt.Chart(data).mark_text(
            angle=270,
            align="right" if top else "left",
            baseline="top",
            dx=-4 if top else 4,
            dy=4,
            fontSize=LABEL_FONT_SIZE,
            color=colour,
            lineBreak="\n",
        )
        other = {"y": alt.value(0 if top else "height")}
    elif axis == "x":
        top = at == "top"
        mark = alt.Chart(data).mark_text(
            align="left" if side == "right" else "right",
            baseline="top" if top else "bottom",
            dx=3 if side == "right" else -3,
            dy=3 + LABEL_ROW_PX * row if top else -3 - LABEL_ROW_PX * row - up,
            fontSize=LABEL_FONT_SIZE,
            color=colour,
            lineBreak="\n",
        )
        other = {"y": alt.value(0 if top else "height")}
    else:
        above = row >= 0
        mark = alt.Chart(data).mark_text(
            align="right" if side == "right" else "left",
            baseline="bottom" if above else "top",
            dx=-2 if side == "right" else 2,
            dy=-3 - LABEL_ROW_PX * row - up if above else 3 + LABEL_ROW_PX * (-row - 1),
            fontSize=LABEL_FONT_SIZE,
            color=colour,
            lineBreak="\n",
        )
        other = {"x": alt.value("width" if side == "right" else 0)}
    return mark.encode(
        **{axis: pos},
        **other,
        text=f"{shown}:N",
        tooltip=tooltip or [alt.Tooltip(f"{text}:N", title="Reference")],
    )


# A reference label's longest line: about a third of a plot's width on a phone (11 px).
LABEL_CHARS = 22


# The longest line of an axis title: across, about the plot's width on a phone (12 px
# bold); down the side, about its height.
AXIS_TITLE_CHARS = {"x": 34, "y": 38}


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken between words (a word
    longer than ``width`` has a line of its own; hyphenated words stay whole)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


def wrap_label(text: str) -> str:
    """A reference line's label in lines of at most :data:`LABEL_CHARS` (joined by a line
    break, which the label's text mark breaks at)."""
    return "\n".join(wrap(text, LABEL_CHARS))


def label_lines(text: str) -> int:
    """How many lines :func:`wrap_label` writes ``text`` in."""
    return len(wrap(text, LABEL_CHARS))


def wrap_titles(spec: dict) -> dict:
    """``spec`` with every axis title longer than :data:`AXIS_TITLE_CHARS` in lines: a long
    title on one line runs past a phone's box (a centred title overflows both sides)."""

    def walk(node):
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key in ("data", "datasets"):
                out[key] = value
            elif key == "encoding" and isinstance(value, dict):
                enc = dict(value)
                for ch in ("x", "y"):
                    e = enc.get(ch)
                    if isinstance(e, dict) and isinstance(e.get("title"), str):
                        if len(e["title"]) > AXIS_TITLE_CHARS[ch]:
                            enc[ch] = {**e, "title": wrap(e["title"], AXIS_TITLE_CHARS[ch])}
                out[key] = walk(enc)
            else:
                out[key] = walk(value)
        return out

    return walk(spec)


def reference_rule(
    value: float,
    label: str,
    *,
    axis: str = "y",
    title: str | list[str],
    fmt: str = ",.3g",
    side: str = "right",
    row: int = 0,
    at: str = "top",
    along: bool = False,
    dash: Sequence[int] = (4, 3),
    scale: alt.Scale | None = None,
) -> alt.LayerChart:
    """A dashed reference line at ``value`` on ``axis`` ("x" or "y") with its label written
    beside it (see :func:`reference_label` for ``side``, ``row``, ``at`` and ``along``) and in its
    tooltip; ``dash`` is its stroke pattern.
    ``title`` is the axis title it shares with the chart it is layered on."""
    enc = alt.X if axis == "x" else alt.Y
    data = alt.Data(values=[{"value": float(value), "label": label}])
    tips = [
        alt.Tooltip("label:N", title="Reference"),
        alt.Tooltip("value:Q", title="Value", format=fmt),
    ]
    rule = (
        alt.Chart(data)
        .mark_rule(strokeDash=list(dash), color=REFERENCE_COLOUR)
        .encode(
            **{axis: enc("value:Q", title=title, scale=alt.Undefined if scale is None else scale)},
            tooltip=tips,
        )
    )
    text = reference_label(
        data,
        axis=axis,
        field="value",
        title=title,
        side=side,
        row=row,
        at=at,
        along=along,
        tooltip=tips,
        scale=scale,
    )
    return alt.LayerChart(layer=[rule, text])


def reference_band(
    low: float,
    high: float,
    label: str,
    *,
    axis: str = "y",
    title: str | list[str],
    colour: str = REFERENCE_COLOUR,
    opacity: float = 0.12,
) -> alt.LayerChart:
    """A shaded band from ``low`` to ``high`` on ``axis`` with its label written inside it,
    at its top left (``axis="y"``) or its top (``axis="x"``)."""
    enc = alt.X if axis == "x" else alt.Y
    data = alt.Data(values=[{"low": float(low), "high": float(high), "label": label}])
    tips = [alt.Tooltip("label:N", title="Zone")]
    band = (
        alt.Chart(data)
        .mark_rect(opacity=opacity, color=colour)
        .encode(**{axis: enc("low:Q", title=title), f"{axis}2": "high:Q"}, tooltip=tips)
    )
    if axis == "y":
        text = (
            alt.Chart(data)
            .mark_text(
                align="left", baseline="top", dx=4, dy=4, fontSize=LABEL_FONT_SIZE, color="#222"
            )
            .encode(y=alt.Y("high:Q", title=title), x=alt.value(0), text="label:N", tooltip=tips)
        )
    else:
        text = (
            alt.Chart(data)
            .mark_text(
                align="left", baseline="top", dx=4, dy=4, fontSize=LABEL_FONT_SIZE, color="#222"
            )
            .encode(x=alt.X("low:Q", title=title), y=alt.value(0), text="label:N", tooltip=tips)
        )
    return alt.LayerChart(layer=[band, text])


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
        at="bottom",
        side="left",
    )
    return alt.layer(bars, base).properties(title=title, height=height)


BAND_90 = "90% interval (model)"


BAND_50 = "50% interval (model)"


MEDIAN = "Median (model)"


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
    p50, p75, p95``), with optional published points (``year``, ``value``, ``case``; a case
    named "Estimate..." is an estimate, any other a projection).

    One legend names everything drawn: both bands, the median and each published case, in the
    book's role colours (bands: uncertainty; median: model; points: estimate or projection).
    Published points are hollow, each case its own shape, and points of one year with values
    within 3% of each other are spread apart along the year, so that none hides another."""
    scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    x = alt.X("x:Q", title="Year", axis=alt.Axis(format="d"), scale=alt.Scale(zero=False))
    cases = [] if points is None or not len(points) else list(dict.fromkeys(points["case"]))
    domain = [BAND_90, BAND_50, MEDIAN, *cases]
    roles: dict[str, str | None] = {BAND_90: "uncertainty", BAND_50: "uncertainty"}
    roles[MEDIAN] = "model"
    for c in cases:
        roles[c] = "estimated" if str(c).lower().startswith("estimate") else "projection"
    # Every projection in the projection colour (shapes tell them apart); the 90% band a
    # lighter shade of the 50% band's, both light enough for the median to stand out.
    colours = list(role_scale(domain, roles).range)
    colours[0], colours[1] = role_shades("uncertainty")[2], role_shades("uncertainty")[1]
    colours[3:] = [ROLE_COLOURS[roles[c] or "reference"] for c in cases]
    shapes = ["square", "square", "stroke", *_point_shapes(len(cases))]
    legend = alt.Legend(
        orient="bottom", direction="vertical", columns=1, title=None, symbolOpacity=1
    )
    colour = alt.Color("series:N", scale=alt.Scale(domain=domain, range=colours), legend=legend)
    shape = alt.Shape("series:N", scale=alt.Scale(domain=domain, range=shapes), legend=legend)
    t = fan_table.assign(x=fan_table["year"].astype(float))
    layers = []
    for lo, hi, name in (("p05", "p95", BAND_90), ("p25", "p75", BAND_50)):
        layers.append(
            alt.Chart(t.assign(series=name))
            .mark_area(opacity=1)
            .encode(
                x=x,
                y=alt.Y(f"{lo}:Q", title=y_title, scale=scale),
                y2=f"{hi}:Q",
                color=colour,
                tooltip=[
                    alt.Tooltip("year:Q", title="Year", format="d"),
                    alt.Tooltip(f"{lo}:Q", title=f"{name}: low", format=fmt),
                    alt.Tooltip(f"{hi}:Q", title=f"{name}: high", format=fmt),
                ],
            )
        )
    layers.append(
        alt.Chart(t.assign(series=MEDIAN))
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("p50:Q", title=y_title, scale=scale),
            color=colour,
            tooltip=[
                alt.Tooltip("year:Q", title="Year", format="d"),
                alt.Tooltip("p50:Q", title="Median", format=fmt),
            ],
        )
    )
    if cases:
        assert points is not None
        pts = points.assign(series=points["case"], x=spread(points))
        layers.append(
            alt.Chart(pts)
            .mark_point(size=90, filled=False, strokeWidth=2, opacity=1)
            .encode(
                x=x,
                y=alt.Y("value:Q", title=y_title, scale=scale),
                color=colour,
                shape=shape,
                tooltip=[
                    alt.Tooltip("case:N", title=points_title),
                    alt.Tooltip("year:Q", title="Year", format="d"),
                    alt.Tooltip("value:Q", title="Value", format=fmt),
                ],
            )
        )
    return alt.layer(*layers).properties(title=title)


POINT_SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge"]


def _point_shapes(n: int) -> list[str]:
    return [POINT_SHAPES[i % len(POINT_SHAPES)] for i in range(n)]


def spread(points: pd.DataFrame, *, within: float = 0.03, step: float = 0.18) -> list[float]:
    """The x position of each point of ``points`` (columns ``year`` and ``value``) on a
    quantitative time axis: its year, moved by ``step`` years to the left or right of a point
    of the same year whose value is within ``within`` of its own, so that none hides another."""
    xs: list[float] = []
    placed: list[tuple[float, float, float]] = []  # (year, value, offset)
    for year, value in zip(points["year"], points["value"], strict=True):
        near = [
            off
            for y, v, off in placed
            if y == year and abs(v - value) <= within * max(abs(v), abs(value), 1e-300)
        ]
        offset = 0.0
        k = 1
        while offset in near:
            offset = step * ((k + 1) // 2) * (1 if k % 2 else -1)
            k += 1
        placed.append((float(year), float(value), offset))
        xs.append(float(year) + offset)
    return xs


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
    roles: dict[str, str | None] | None = None,
) -> alt.TopLevelMixin:
    """A horizontal interval per row (``low`` to ``high``), with an optional point
    estimate, for ranges such as confidence intervals or published ranges. ``roles`` (row
    label to a key of :data:`ROLE_COLOURS`) colours the rows by role; the labels on the axis
    name them, so no legend is drawn."""
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
    colour: dict[str, Any] = {}
    if roles is not None:
        colour["color"] = alt.Color(
            f"{label}:N", scale=role_scale(list(table[label]), roles), legend=None
        )
    layers: list[alt.Chart] = [
        alt.Chart(table)
        .mark_rule(strokeWidth=3)
        .encode(x=alt.X(f"{low}:Q", title=x_title), x2=f"{high}:Q", y=y, tooltip=tips, **colour)
    ]
    if point is not None:
        layers.append(
            alt.Chart(table)
            .mark_point(size=70, filled=True)
            .encode(
                x=alt.X(f"{point}:Q", title=x_title),
                y=y,
                tooltip=tips + [alt.Tooltip(f"{point}:Q", title="Estimate", format=fmt)],
                **colour,
            )
        )
    return alt.layer(*layers).properties(title=title)


# The categories of :func:`nations_bar`, each with its role in the book's palette.
SEMANTIC = {
    "National demand": ROLE_COLOURS["national demand"],
    "Data centres (estimate)": ROLE_COLOURS["estimated"],
    "Data centres (projection)": ROLE_COLOURS["projection"],
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
                scale=role_scale(kinds),
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
    indices: pd.DataFrame, *, title: str, labels: Mapping[str, str], height: int = 200
) -> alt.TopLevelMixin:
    """Total Sobol indices with their 95% intervals, one bar per parameter (columns
    ``parameter, ST, ST_conf, S1``); ``labels`` maps every parameter name to plain language
    (a name without one is refused: the bar would show a code identifier to readers)."""
    missing = sorted(set(indices["parameter"]) - set(labels))
    if missing:
        raise ValueError(f"sobol_bars: no plain-language label for {', '.join(missing)}")
    t = indices.copy()
    t["label"] = [labels[p] for p in t["parameter"]]
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
