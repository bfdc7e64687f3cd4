"""One semantic palette across the book, and every reference line labelled.

Walks the specification of every figure of every chapter (``figures.gallery``):

- a colour category whose label names a role (``theme.role_of``: "National demand", "Data
  centres (projection)", "Measured, H100 SXM", "Estimated from a datasheet", ...) is drawn in
  its role's colour (or a lighter shade of it), from an explicit scale, never from the default
  palette's next colour; and no colour means two roles in one chart;
- every reference line (a rule across the plot at one value) and every reference band (a
  rectangle spanning one axis) has a visible label: a text layer beside it on the same field,
  or a legend of its own.
"""

from __future__ import annotations

import importlib
import json
from functools import cache

import altair as alt
import pandas as pd
import pytest

from energybook import chapters, charts, data, render, theme

NAMES = chapters.names()
LEGEND_CHANNELS = ("color", "fill", "stroke", "strokeDash", "shape", "opacity", "size")
COLOUR_CHANNELS = ("color", "fill", "stroke")


@cache
def gallery(name: str) -> dict[str, dict]:
    page = importlib.import_module(f"energybook.chapters.{name}.page")
    figures = importlib.import_module(f"energybook.chapters.{name}.figures")
    spec = chapters.get(name)
    P = spec.typed(spec.params.defaults())
    ev = page.evaluate(P, data.load_tables(page.TABLES))
    render.setup()
    return {fig: chart.to_dict() for fig, chart in figures.gallery(ev).items()}


# --------------------------------------------------------------------------- walking a spec
def leaves(spec: dict, datasets: dict, inherited=None):
    """Every unit (a spec with a mark) with the data it draws: (unit, rows, siblings), where
    siblings is the list of units layered with it (its own nested layer included)."""
    own = spec.get("data", inherited)
    for key in ("layer", "hconcat", "vconcat", "concat"):
        if key in spec:
            for sub in spec[key]:
                yield from leaves(sub, datasets, own)
    if "spec" in spec:
        yield from leaves(spec["spec"], datasets, own)
    if "mark" in spec:
        yield spec, rows(own, datasets)


def rows(d, datasets: dict) -> list[dict]:
    if not isinstance(d, dict):
        return []
    if "values" in d:
        return list(d["values"])
    if "name" in d:
        return list(datasets.get(d["name"], []))
    return []


def mark_type(unit: dict) -> str:
    m = unit["mark"]
    return m["type"] if isinstance(m, dict) else m


def mark_prop(unit: dict, prop: str):
    m = unit["mark"]
    return m.get(prop) if isinstance(m, dict) else None


def layer_groups(spec: dict):
    """Every layer list of the spec, each flattened over nested layers (a labelled
    ``reference_rule`` is a layer of its own inside the chart's layer)."""

    def flat(node):
        if "layer" in node:
            for sub in node["layer"]:
                yield from flat(sub)
        elif "mark" in node:
            yield node

    def walk(node):
        if "layer" in node:
            yield list(flat(node))
            for sub in node["layer"]:
                yield from walk(sub)
        for key in ("hconcat", "vconcat", "concat"):
            for sub in node.get(key, []):
                yield from walk(sub)
        if "spec" in node:
            yield from walk(node["spec"])

    yield from walk(spec)


def field(enc: dict, channel: str):
    e = enc.get(channel)
    return e.get("field") if isinstance(e, dict) else None


def has_legend(enc: dict) -> bool:
    return any(
        isinstance(enc.get(ch), dict)
        and "field" in enc[ch]
        and enc[ch].get("legend", {}) is not None
        for ch in LEGEND_CHANNELS
    )


def reference_kind(unit: dict) -> str | None:
    """ "line" for a rule at one value across the plot, "band" for a rectangle spanning one
    axis; None for anything else (interval rules with x2 or y2 are data, not references)."""
    enc = unit.get("encoding", {})
    xs, ys = field(enc, "x") or "x2" in enc, field(enc, "y") or "y2" in enc
    kind = mark_type(unit)
    if kind == "rule" and not ("x2" in enc or "y2" in enc) and bool(xs) != bool(ys):
        return "line"
    if kind == "rect" and bool(xs) != bool(ys) and ("x2" in enc or "y2" in enc):
        return "band"
    return None


# --------------------------------------------------------------------------- the checks
def colour_problems(spec: dict) -> list[str]:
    """Role categories in the wrong colour, and colours that mean two roles."""
    datasets = spec.get("datasets", {})
    problems: list[str] = []
    meaning: dict[str, set[str]] = {}
    shade_of = {c.upper(): role for role in theme.ROLE_COLOURS for c in theme.role_shades(role)}
    for unit, values in leaves(spec, datasets, spec.get("data")):
        enc = unit.get("encoding", {})
        for ch in COLOUR_CHANNELS:
            e = enc.get(ch)
            if (
                not isinstance(e, dict)
                or "field" not in e
                or e.get("type")
                not in (
                    "nominal",
                    "ordinal",
                    None,
                )
            ):
                continue
            scale = e.get("scale") or {}
            domain = scale.get("domain")
            cats = (
                domain
                if isinstance(domain, list)
                else sorted(
                    {r.get(e["field"]) for r in values if r.get(e["field"]) is not None}, key=str
                )
            )
            rng = scale.get("range")
            for c in cats:
                role = theme.role_of(c)
                if role is None:
                    continue
                if not (isinstance(domain, list) and isinstance(rng, list)):
                    problems.append(f"{c!r} ({role}) takes the default palette's colour")
                    continue
                colour = str(rng[domain.index(c) % len(rng)]).upper()
                if colour not in {x.upper() for x in theme.role_shades(role)}:
                    problems.append(f"{c!r} ({role}) is drawn in {colour}")
            if isinstance(domain, list) and isinstance(rng, list):
                for c, colour in zip(domain, rng, strict=False):
                    role = theme.role_of(c)
                    if role is not None:
                        meaning.setdefault(shade_of.get(str(colour).upper(), colour), set()).add(
                            role
                        )
        # A constant colour on a mark whose other channels name role categories.
        constant = mark_prop(unit, "color")
        if constant is None and isinstance(enc.get("color"), dict):
            constant = enc["color"].get("value")
        if isinstance(constant, str):
            for ch in ("shape", "strokeDash"):
                f = field(enc, ch)
                named = {theme.role_of(r.get(f)) for r in values if f} - {None}
                for role in named:
                    if constant.upper() not in {x.upper() for x in theme.role_shades(role)}:
                        problems.append(f"the {role} points are drawn in {constant}")
                    meaning.setdefault(role, set()).add(role)
        if reference_kind(unit) == "line" and isinstance(constant, str):
            meaning.setdefault(shade_of.get(constant.upper(), constant.upper()), set()).add(
                "reference"
            )
    for colour, roles in meaning.items():
        if len(roles) > 1:
            problems.append(f"{colour} means {sorted(roles)} in one chart")
    return problems


def label_problems(spec: dict) -> list[str]:
    """Reference lines and bands with no visible label (a text layer beside them on the same
    field, or a legend of their own)."""
    problems = []
    for group in layer_groups(spec):
        texts = [u for u in group if mark_type(u) == "text"]
        for unit in group:
            kind = reference_kind(unit)
            if kind is None:
                continue
            enc = unit.get("encoding", {})
            if has_legend(enc):
                continue
            axis = "x" if field(enc, "x") else "y"
            fields = {field(enc, axis), field(enc, f"{axis}2")} - {None}
            f2 = enc.get(f"{axis}2", {})
            if isinstance(f2, dict) and "field" in f2:
                fields.add(f2["field"])
            if not any(field(t.get("encoding", {}), axis) in fields for t in texts):
                problems.append(
                    f"a reference {kind} on {axis} = {sorted(fields)} has no visible label "
                    f"(tooltip {json.dumps(enc.get('tooltip'))[:80]})"
                )
    return problems


# --------------------------------------------------------------------------- the tests
@pytest.mark.parametrize("name", NAMES)
def test_every_role_category_is_drawn_in_its_role_colour(name):
    problems = [f"{fig}: {p}" for fig, spec in gallery(name).items() for p in colour_problems(spec)]
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_every_reference_line_and_band_has_a_visible_label(name):
    problems = [f"{fig}: {p}" for fig, spec in gallery(name).items() for p in label_problems(spec)]
    assert not problems, f"{name}: " + "; ".join(problems)


# --------------------------------------------------------------------------- the checks can fail
DF = pd.DataFrame({"label": ["A", "B"], "twh": [1.0, 2.0], "kind": ["National demand", "x"]})


def bars(scale=None):
    colour = alt.Color("kind:N", **({"scale": scale} if scale is not None else {}))
    return alt.Chart(DF).mark_bar().encode(x="twh:Q", y="label:N", color=colour)


def test_a_role_category_in_the_default_palette_is_refused():
    assert any("default palette" in p for p in colour_problems(bars().to_dict()))


def test_a_role_category_in_another_colour_is_refused():
    wrong = alt.Scale(domain=["National demand", "x"], range=["#0072B2", "#E69F00"])
    assert any("drawn in #0072B2" in p for p in colour_problems(bars(wrong).to_dict()))


def test_the_role_scale_passes():
    assert colour_problems(bars(theme.role_scale(["National demand", "x"])).to_dict()) == []


def test_one_colour_meaning_two_roles_is_refused():
    df = pd.DataFrame({"x": [1, 2], "kind": ["Measured, A", "Estimate"]})
    both = alt.Scale(domain=["Measured, A", "Estimate"], range=["#009E73", "#009E73"])
    spec = alt.Chart(df).mark_bar().encode(x="x:Q", color=alt.Color("kind:N", scale=both))
    assert any("drawn in" in p for p in colour_problems(spec.to_dict()))


def test_nations_bars_keep_one_colour_per_kind_in_every_chapter():
    t = pd.DataFrame(
        {
            "label": ["a", "b", "c"],
            "energy_twh": [1.0, 2.0, 3.0],
            "kind": ["National demand", "Data centres (estimate)", "Data centres (projection)"],
        }
    )
    enc = charts.nations_bar(t, title="t").to_dict()["encoding"]["color"]["scale"]
    assert dict(zip(enc["domain"], enc["range"], strict=True)) == {
        "National demand": theme.ROLE_COLOURS["national demand"],
        "Data centres (estimate)": theme.ROLE_COLOURS["estimated"],
        "Data centres (projection)": theme.ROLE_COLOURS["projection"],
    }


def test_an_unlabelled_rule_is_refused_and_a_labelled_one_passes():
    line = alt.Chart(DF).mark_line().encode(x="twh:Q", y="label:N")
    bare = alt.Chart(pd.DataFrame({"v": [1.5]})).mark_rule().encode(x=alt.X("v:Q", title="t"))
    assert label_problems(alt.layer(line, bare).to_dict())
    labelled = charts.reference_rule(1.5, "a line", axis="x", title="t")
    assert label_problems(alt.layer(line, labelled).to_dict()) == []
    band = charts.reference_band(1.0, 2.0, "a zone", title="t")
    assert label_problems(alt.layer(line, band).to_dict()) == []


def test_role_of_reads_the_label_not_a_word_inside_it():
    assert theme.role_of("Data centres (projection)") == "projection"
    assert theme.role_of("Estimated from a datasheet") == "estimated"
    assert theme.role_of("Datasheet peak / board") == "reported"
    assert theme.role_of("Measured, H100 SXM") == "measured"
    assert theme.role_of("Forecast") == "projection"
    assert theme.role_of("Within the estimate's range") is None
    assert theme.role_of("worst measured chip, energy 4% of cost") is None


def test_role_colours_are_okabe_ito_and_distinct():
    colours = [c for r, c in theme.ROLE_COLOURS.items() if r != "reference"]
    assert len(set(colours)) == len(colours)
    assert set(colours) <= set(theme.PALETTE)


def test_two_categories_of_one_role_get_shades_and_others_avoid_role_colours():
    got = theme.role_colours(["Measured, A", "Measured, B", "other"])
    assert got[0] == theme.ROLE_COLOURS["measured"]
    assert got[1] != got[0] and got[1] in theme.role_shades("measured")
    assert got[2] not in theme.role_shades("measured")


@pytest.mark.parametrize("name", NAMES)
def test_no_tick_label_is_in_exponent_form(name):
    """Drawn (vl-convert's SVG at the theme's width), no axis label reads like "1e-10"."""
    import re

    import vl_convert

    bad = []
    for fig, spec in gallery(name).items():
        svg = vl_convert.vegalite_to_svg(spec)
        bad += [f"{fig}: {t}" for t in re.findall(r">\s*(-?\d+(?:\.\d+)?e[-+]?\d+)\s*<", svg)]
    assert not bad, f"{name}: tick labels in exponent form: {bad[:5]}"


def test_long_axis_titles_and_labels_are_broken_into_lines():
    long = "Performance per watt of the better chip (multiple of the compared chip)"
    spec = charts.wrap_titles(
        alt.Chart(DF).mark_bar().encode(x=alt.X("twh:Q", title=long), y="label:N").to_dict()
    )
    lines = spec["encoding"]["x"]["title"]
    assert isinstance(lines, list) and " ".join(lines) == long
    assert all(len(line) <= charts.AXIS_TITLE_CHARS["x"] for line in lines)
    assert charts.wrap("short", 10) == ["short"]
    label = charts.wrap_label("decode leaves the memory roof: power limit (additive model)")
    assert "\n" in label and all(len(x) <= charts.LABEL_CHARS for x in label.split("\n"))
    assert charts.label_lines("chosen batch") == 1
