"""One semantic palette across the book, and every reference line labelled.

Walks the specification of every figure of every chapter (``figures.gallery``):

- a colour category whose label names a role (``theme.role_of``: "National demand", "Data
  centres (projection)", "Measured, H100 SXM", "Estimated from a datasheet", ...) or whose
  chart declared one (handed to ``theme.role_colours``) is drawn in its role's colour (or a
  shade of it), from an explicit scale, never from the default palette;
- a category without a role is never drawn in a role's colour or shade (or a near copy), so
  a role colour means its role across the book; and no colour means two roles in one chart;
- every reference line (a rule across the plot at one value) and every reference band (a
  rectangle spanning one axis) has a visible label: a text layer beside it on the same field,
  or a legend of its own.
"""

from __future__ import annotations

import importlib
import itertools
import json
from functools import cache
from unittest import mock

import altair as alt
import pandas as pd
import pytest

from energybook import chapters, charts, data, render, theme

NAMES = chapters.names()
LEGEND_CHANNELS = ("color", "fill", "stroke", "strokeDash", "shape", "opacity", "size")
COLOUR_CHANNELS = ("color", "fill", "stroke")


@cache
def built(name: str) -> tuple[dict[str, dict], dict[str, str | None]]:
    """Every figure's specification, and the roles its charts declared (each label handed
    to ``theme.role_colours`` with a role, as the chart builders name them)."""
    page = importlib.import_module(f"energybook.chapters.{name}.page")
    figures = importlib.import_module(f"energybook.chapters.{name}.figures")
    spec = chapters.get(name)
    P = spec.typed(spec.params.defaults())
    ev = page.evaluate(P, data.load_tables(page.TABLES))
    render.setup()
    declared: dict[str, str | None] = {}
    original = theme.role_colours

    def recording(categories, roles=None):
        declared.update(roles or {})
        return original(categories, roles)

    with mock.patch.object(theme, "role_colours", recording):
        specs = {fig: chart.to_dict() for fig, chart in figures.gallery(ev).items()}
    return specs, declared


def gallery(name: str) -> dict[str, dict]:
    return built(name)[0]


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
def colour_role(colour: object) -> str | None:
    """The role a colour means: a role's colour or shade, or one nearer to it than half the
    theme's least distance (a hand-typed near copy); None for any other colour."""
    if not isinstance(colour, str) or not colour.startswith("#") or len(colour) != 7:
        return None
    exact = theme.role_of_colour(colour)
    if exact is not None:
        return exact
    for role, colours in theme.ROLE_SHADES.items():
        if any(theme.distance(colour, c) < theme.MIN_DISTANCE / 2 for c in colours):
            return role
    return None


def colour_problems(spec: dict, declared: dict | None = None) -> list[str]:
    """Role categories in the wrong colour, categories without a role in a role's colour, and
    colours that mean two roles in one chart. A category's role is the one its chart declared
    (``declared``: label to role, as handed to ``theme.role_colours``), else its label's."""
    declared = declared or {}
    datasets = spec.get("datasets", {})
    problems: list[str] = []
    meaning: dict[str, set[str]] = {}

    def role_of(c):
        return declared[c] if c in declared else theme.role_of(c)

    for unit, values in leaves(spec, datasets, spec.get("data")):
        enc = unit.get("encoding", {})
        for ch in COLOUR_CHANNELS:
            e = enc.get(ch)
            if (
                not isinstance(e, dict)
                or "field" not in e
                or e.get("type") not in ("nominal", "ordinal", None)
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
                role = role_of(c)
                if not isinstance(rng, list):  # the theme's range: colours of no role
                    if role is not None:
                        problems.append(f"{c!r} ({role}) takes the default palette's colour")
                    continue
                # Without a domain, Vega-Lite sorts the categories and takes the range in turn.
                colour = str(rng[cats.index(c) % len(rng)]).upper()
                drawn = colour_role(colour)
                if role is None:
                    if drawn is not None:
                        problems.append(
                            f"{c!r} has no role but is drawn in {colour}, the {drawn} colour"
                        )
                    continue
                if colour not in theme.role_shades(role):
                    problems.append(f"{c!r} ({role}) is drawn in {colour}")
                meaning.setdefault(colour, set()).add(role)
        # A constant colour on a mark whose other channels name role categories.
        constant = mark_prop(unit, "color")
        if constant is None and isinstance(enc.get("color"), dict):
            constant = enc["color"].get("value")
        if isinstance(constant, str):
            for ch in ("shape", "strokeDash"):
                f = field(enc, ch)
                named = {role_of(r.get(f)) for r in values if f} - {None}
                for role in named:
                    if constant.upper() not in theme.role_shades(role):
                        problems.append(f"the {role} points are drawn in {constant}")
                    meaning.setdefault(constant.upper(), set()).add(role)
        if reference_kind(unit) == "line" and isinstance(constant, str):
            meaning.setdefault(constant.upper(), set()).add("reference")
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
    specs, declared = built(name)
    problems = [
        f"{fig}: {p}" for fig, spec in specs.items() for p in colour_problems(spec, declared)
    ]
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
    # A measurement and a reference line in one green: each alone passes the other checks.
    df = pd.DataFrame({"x": [1, 2], "kind": ["Measured, A", "Measured, B"]})
    scale = theme.role_scale(["Measured, A", "Measured, B"])
    bars_ = alt.Chart(df).mark_bar().encode(x="x:Q", color=alt.Color("kind:N", scale=scale))
    rule = alt.Chart(pd.DataFrame({"v": [1.5]})).mark_rule(color="#009E73").encode(x="v:Q")
    problems = colour_problems(alt.layer(bars_, rule).to_dict())
    assert problems == ["#009E73 means ['measured', 'reference'] in one chart"]
    both = alt.Scale(domain=["Measured, A", "Estimate"], range=["#009E73", "#009E73"])
    spec = alt.Chart(df).mark_bar().encode(x="x:Q", color=alt.Color("kind:N", scale=both))
    assert any("means ['estimated', 'measured']" in p for p in colour_problems(spec.to_dict()))


def test_a_category_without_a_role_in_a_role_colour_is_refused():
    df = pd.DataFrame({"x": [1, 2], "kind": ["Measured, A", "Our model"]})
    same = alt.Scale(domain=["Measured, A", "Our model"], range=["#009E73", "#009E73"])
    spec = alt.Chart(df).mark_bar().encode(x="x:Q", color=alt.Color("kind:N", scale=same))
    assert colour_problems(spec.to_dict()) == [
        "'Our model' has no role but is drawn in #009E73, the measured colour"
    ]
    # A shade of a role, or a near copy of its colour, is that role's too.
    for colour in (theme.role_shades("estimated")[1], "#57B5E8"):
        near = alt.Scale(domain=["Measured, A", "Our model"], range=["#009E73", colour])
        spec = alt.Chart(df).mark_bar().encode(x="x:Q", color=alt.Color("kind:N", scale=near))
        assert any("'Our model' has no role" in p for p in colour_problems(spec.to_dict()))
    # A range without a domain is taken in the categories' sorted order.
    bare = alt.Scale(range=["#009E73", "#0072B2"])
    spec = alt.Chart(df).mark_bar().encode(x="x:Q", color=alt.Color("kind:N", scale=bare))
    assert any("'Our model' has no role" in p for p in colour_problems(spec.to_dict()))
    # A role the chart declared (as handed to theme.role_colours) counts as the label's.
    ok = theme.role_scale(["Measured, A", "Our model"], {"Our model": "model"})
    spec = alt.Chart(df).mark_bar().encode(x="x:Q", color=alt.Color("kind:N", scale=ok))
    assert colour_problems(spec.to_dict(), {"Our model": "model"}) == []
    assert colour_problems(spec.to_dict()) != []


def test_a_role_label_in_another_role_colour_is_refused():
    df = pd.DataFrame({"x": [1], "kind": ["Projected (measured trend)"]})
    green = alt.Scale(domain=["Projected (measured trend)"], range=["#009E73"])
    spec = alt.Chart(df).mark_bar().encode(x="x:Q", color=alt.Color("kind:N", scale=green))
    assert colour_problems(spec.to_dict()) == [
        "'Projected (measured trend)' (projection) is drawn in #009E73"
    ]


def test_role_points_in_a_constant_colour_of_another_role_are_refused():
    df = pd.DataFrame({"x": [1], "what": ["Measured, A"]})
    spec = alt.Chart(df).mark_point(color="#0072B2").encode(x="x:Q", shape="what:N")
    assert colour_problems(spec.to_dict()) == ["the measured points are drawn in #0072B2"]


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
    # The leading word decides; a parenthesis counts only where it closes the label.
    assert theme.role_of("Projected (measured trend)") == "projection"
    assert theme.role_of("Measured (projection of the trend) today") == "measured"
    assert theme.role_of("Chips (measured) per vendor") is None
    assert theme.role_of("Data centres (estimate)") == "estimated"
    # An estimate's (any apostrophe) is a word inside a phrase, not the estimate itself.
    assert theme.role_of("Estimate\u2019s range") is None
    assert theme.role_of("Estimate's range") is None
    assert theme.role_of("Scenario A") is None


def test_role_colours_are_okabe_ito_and_distinct():
    colours = [c for r, c in theme.ROLE_COLOURS.items() if r != "reference"]
    assert len(set(colours)) == len(colours)
    assert set(colours) <= set(theme.PALETTE)


def test_shades_and_other_colours_stay_apart_from_every_other_meaning():
    groups = {**theme.ROLE_SHADES, "no role": theme.OTHERS}
    close = [
        (a, ca, b, cb, round(theme.distance(ca, cb)))
        for a, b in itertools.combinations(groups, 2)
        for ca in groups[a]
        for cb in groups[b]
        if theme.distance(ca, cb) < theme.MIN_DISTANCE
    ]
    assert not close, close
    # The estimate's second shade is not the uncertainty's sky blue (it was #66AAD1).
    assert (
        theme.distance(theme.role_shades("estimated")[1], theme.ROLE_COLOURS["uncertainty"]) >= 60
    )
    for role in theme.ROLE_COLOURS:
        assert theme.role_shades(role)[0] == theme.ROLE_COLOURS[role].upper()


def test_categories_without_a_role_never_take_a_role_colour():
    assert theme.role_colours(["Scenario A", "Scenario B"]) == theme.OTHER_COLOURS[:2]
    assert len(set(theme.other_colours(len(theme.OTHERS)))) == len(theme.OTHERS) >= 8
    many = theme.other_colours(30)
    assert all(theme.role_of_colour(c) is None for c in many)
    assert all(colour_role(c) is None for c in many)
    # The theme's default category range, for every colour legend without a scale.
    default = theme.theme()["config"]["range"]["category"]
    assert default and all(colour_role(c) is None for c in default)


def test_two_categories_of_one_role_get_shades_and_others_avoid_role_colours():
    got = theme.role_colours(["Measured, A", "Measured, B", "other"])
    assert got[0] == theme.ROLE_COLOURS["measured"]
    assert got[1] != got[0] and got[1] in theme.role_shades("measured")
    assert theme.role_of_colour(got[2]) is None


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
