"""Every figure of every chapter builds, validates against the Vega-Lite schema, and shows
plain language (no ``snake_case`` identifier in any title, axis, legend or tooltip).

Each chapter's ``figures.gallery(ev)`` returns every chart by name; its public functions
are exactly those charts, each chart's ``<name>_data`` helper, and ``gallery`` itself, so
that a chart cannot be added without being tested. ``page.captions(ev)`` has one caption per
chart.
"""

from __future__ import annotations

import importlib
import inspect
import re
from functools import cache

import pytest

from energybook import chapters, charts, data, render

NAMES = chapters.names()


@cache
def evaluated(name: str):
    page = importlib.import_module(f"energybook.chapters.{name}.page")
    spec = chapters.get(name)
    P = spec.typed(spec.params.defaults())
    return page.evaluate(P, data.load_tables(page.TABLES))


def modules(name: str):
    return (
        importlib.import_module(f"energybook.chapters.{name}.figures"),
        importlib.import_module(f"energybook.chapters.{name}.page"),
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_chapter_has_a_package_with_figures_and_page(name):
    figures, page = modules(name)
    for entry in ("evaluate", "headlines", "numbers", "texts", "captions"):
        assert callable(getattr(page, entry, None)), f"{name}: page.{entry} is missing"
    assert isinstance(page.TABLES, tuple)
    assert callable(getattr(figures, "gallery", None))


@pytest.mark.parametrize("name", NAMES)
def test_gallery_covers_every_public_figure_function(name):
    figures, page = modules(name)
    ev = evaluated(name)
    gallery = figures.gallery(ev)
    public = {
        n
        for n, f in inspect.getmembers(figures, inspect.isfunction)
        if f.__module__ == figures.__name__ and not n.startswith("_")
    }
    allowed = set(gallery) | {f"{n}_data" for n in gallery} | {"gallery"}
    assert public <= allowed, f"untested figure functions: {sorted(public - allowed)}"
    assert set(gallery) <= public, "gallery names a chart that is not a figure function"
    assert set(page.captions(ev)) == set(gallery), "one caption per figure"


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_validates_and_speaks_plainly(name):
    figures, page = modules(name)
    ev = evaluated(name)
    caps = page.captions(ev)
    render.setup()
    for fig, chart in figures.gallery(ev).items():
        spec = chart.to_dict(validate=True)  # the Vega-Lite JSON schema
        problems = charts.check_chart({**spec, "description": caps[fig]})
        assert not problems, f"{name}.{fig}: {problems}"
        assert "width" not in spec or spec["width"] == "container", (
            f"{name}.{fig} sets its own width: take it from the theme (charts.WIDTH)"
        )


# The words a caption that describes the chart's form opens with ("Horizontal bars of ...").
FORM_OPENINGS = re.compile(
    r"^(?:Scatter|Horizontal|Vertical|Grouped|Stacked|Bars?|Lines?|Log-scale|Two|Three|"
    r"Points?|Step|Fan chart|Heat map|Intervals?|Areas?|Dots?|A (?:bar|line|scatter|fan)|"
    r"Chart|Histogram)\b"
)


def test_the_form_check_can_fail():
    assert FORM_OPENINGS.match("Horizontal bars of the total Sobol indices")
    assert FORM_OPENINGS.match("Scatter of peak dense FLOP/s per watt")
    assert not FORM_OPENINGS.match("Utilization moves energy's share of the cost most")


@pytest.mark.parametrize("name", NAMES)
def test_captions_open_with_what_the_chart_shows_not_its_form(name):
    _, page = modules(name)
    ev = evaluated(name)
    opening = {k: v[:60] for k, v in page.captions(ev).items() if FORM_OPENINGS.match(v)}
    assert not opening, f"{name}: captions that open with the chart's form: {opening}"
