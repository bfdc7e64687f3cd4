"""The chart theme and offline renderer."""

import altair as alt
import pandas as pd
import pytest

from energybook import charts, render, theme

DF = pd.DataFrame({"year": [2020, 2021], "twh": [1.0, 2.0]})


def good_chart():
    return (
        alt.Chart(DF)
        .mark_line()
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("twh:Q", title="Energy (TWh)"),
            tooltip=["year", "twh"],
        )
        .properties(title="A chart")
    )


def test_a_complete_chart_renders_offline():
    render.setup()
    bundle = charts.figure(good_chart(), "A rising line.")._repr_mimebundle_()
    html = bundle["text/html"]
    assert "vegaEmbed(" in html and "A rising line." in html
    assert "cdn.jsdelivr" not in html and "<script src" not in html


def test_chart_markup_is_deterministic():
    a = charts.figure(good_chart(), "x")._repr_mimebundle_()["text/html"]
    b = charts.figure(good_chart(), "x")._repr_mimebundle_()["text/html"]
    assert a == b


@pytest.mark.parametrize(
    "broken,problem",
    [
        (lambda c: c.properties(title=""), "no title"),
        (
            lambda c: (
                alt.Chart(DF)
                .mark_line()
                .encode(
                    x=alt.X("year:O", title="Year"),
                    y=alt.Y("twh:Q", title="Energy (TWh)"),
                )
                .properties(title="t")
            ),
            "no tooltips",
        ),
        (lambda c: c.encode(y=alt.Y("twh:Q")), "has no title"),
        (lambda c: c.encode(y=alt.Y("twh:Q", title=None)), "needs a title with its unit"),
    ],
)
def test_incomplete_charts_are_refused(broken, problem):
    with pytest.raises(ValueError, match=problem):
        charts.figure(broken(good_chart()), "caption")


def test_palette_is_the_colour_blind_safe_one():
    assert theme.theme()["config"]["range"]["category"][:3] == ["#0072B2", "#E69F00", "#009E73"]


def test_bundle_is_wrapped_and_defines_vega_embed():
    js = render.js_bundle()
    assert js.startswith("(function(){") and "window.vegaEmbed" in js
    assert js.rstrip().endswith("})();"), "the wrapper must be closed"


def test_every_chart_takes_its_container_width_and_carries_a_static_fallback():
    render.setup()
    html = charts.figure(good_chart(), "A rising line.")._repr_mimebundle_()["text/html"]
    assert '"width":"container"' in html and '"type":"fit-x"' in html
    static = html.split('class="eb-chart-static">', 1)[1].split("</div>", 1)[0]
    assert static.startswith("<svg") and "</svg>" in static, "no pre-rendered SVG"
    assert "A chart" in static, "the fallback draws the chart's title"


def test_compound_charts_keep_their_own_widths():
    spec = alt.hconcat(good_chart(), good_chart()).to_dict()
    assert render.responsive(spec) == spec


def test_identifier_labels_are_refused():
    with pytest.raises(ValueError, match="identifier"):
        charts.figure(good_chart().encode(y=alt.Y("twh:Q", title="energy_twh")), "c")
