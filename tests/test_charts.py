"""The chart theme and offline renderer."""

import json
import re

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
    assert "window.ebChart(" in html and "A rising line." in html
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


def test_default_category_colours_are_never_a_role_colour():
    """A chart with no colour scale draws its categories in the other colours: a role
    colour (estimate blue, measured green, ...) always means its role."""
    default = theme.theme()["config"]["range"]["category"]
    assert default == theme.OTHERS
    assert not {c.upper() for c in theme.ROLE_COLOURS.values()} & {c.upper() for c in default}


def test_bundle_is_wrapped_and_defines_vega_embed():
    js = render.js_bundle()
    assert js.startswith("(function(){") and "window.vegaEmbed" in js
    assert js.rstrip().endswith("})();"), "the wrapper must be closed"


def test_every_chart_takes_its_container_width_and_carries_a_static_fallback():
    render.setup()
    html = charts.figure(good_chart(), "A rising line.")._repr_mimebundle_()["text/html"]
    assert '"width":"container"' in html and '"type":"fit-x"' in html
    (cid,) = render.chart_specs(html)
    noscript = html.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert f'{render.FALLBACK_ATTR}="{cid}.svg"' in noscript and 'alt="A rising line."' in noscript
    assert "<svg" not in html, "no SVG is rendered in the kernel"
    assert render.fallback_ids(html) == [cid]


def test_the_fallback_inlined_draws_the_chart_in_its_box():
    render.setup()
    html = charts.figure(good_chart(), "A rising line.").html()
    page = render.inline_fallbacks(html)
    static = page.split('<noscript><div class="eb-chart-static">', 1)[1].split("</div>", 1)[0]
    assert static.startswith("<svg") and static.endswith("</svg>"), "no pre-rendered SVG"
    assert "A chart" in static, "the fallback draws the chart's title"
    assert render.fallback_ids(page) == [] and render.chart_specs(page) == render.chart_specs(html)


def test_the_site_gets_one_fallback_file_per_chart_and_loses_stale_ones(tmp_path):
    render.setup()
    fig = charts.figure(good_chart(), "A rising line.")
    (cid,) = render.chart_specs(fig.html())
    page = fig.html().replace(
        f'{render.FALLBACK_ATTR}="{cid}.svg"', f'src="../{render.FALLBACK_DIR}/{cid}.svg"'
    )
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "a.html").write_text(page + page)  # the same chart twice
    (tmp_path / "b.html").write_text("<p>no chart</p>")
    out = tmp_path / render.FALLBACK_DIR
    out.mkdir(parents=True)
    (out / "eb-chart-000000000000.svg").write_text("<svg/>")  # a chart no page shows
    written = render.write_fallbacks(tmp_path)
    assert [p.name for p in written] == [f"{cid}.svg"]
    assert sorted(p.name for p in out.iterdir()) == [f"{cid}.svg"]
    first = (out / f"{cid}.svg").read_bytes()
    assert first.startswith(b"<svg") and b"A chart" in first
    (out / f"{cid}.svg").unlink()
    render.write_fallbacks(tmp_path)
    assert (out / f"{cid}.svg").read_bytes() == first, "not byte-identical on rebuild"


def test_a_fallback_without_its_spec_is_refused(tmp_path):
    (tmp_path / "a.html").write_text(
        f'<noscript><img class="eb-chart-static" src="{render.FALLBACK_DIR}/'
        'eb-chart-0123456789ab.svg" alt="x"></noscript>'
    )
    with pytest.raises(ValueError, match="no spec"):
        render.write_fallbacks(tmp_path)


def test_the_runtime_stacks_legends_and_keeps_sub_titles_in_their_plot():
    js = render.runtime_js()
    assert "layout:{bottom:{anchor:'start',bounds:'full',direction:'vertical'" in js
    assert "p.title.limit=p.width" in js
    assert render.runtime_js() in render.js_bundle()


def test_compound_charts_keep_their_own_widths():
    spec = alt.hconcat(good_chart(), good_chart()).to_dict()
    assert render.responsive(spec) == spec


def test_identifier_labels_are_refused():
    with pytest.raises(ValueError, match="identifier"):
        charts.figure(good_chart().encode(y=alt.Y("twh:Q", title="energy_twh")), "c")


def test_the_site_compiles_each_chart_to_vega_once_keeping_its_id():
    render.setup()
    html = charts.figure(good_chart(), "A rising line.").html()
    compiled = render.compile_charts(html + html)
    specs = render.chart_specs(compiled)
    assert list(specs) == list(render.chart_specs(html))
    (spec,) = specs.values()
    assert render.is_vega(spec) and not render.is_vega(render.chart_specs(html)[next(iter(specs))])
    assert compiled.count("/schema/vega/v") == 2 and "vega-lite" not in compiled
    assert render.compile_charts(compiled) == compiled, "compiling twice changes the page"
    svg = render.static_svg(spec)
    assert svg.startswith("<svg") and "A chart" in svg


def test_the_site_bundle_is_vega_alone_with_the_runtime():
    site = render.site_js_bundle()
    full = render.js_bundle()
    assert "window.vega=" in site and "window.vegaEmbed=" not in site
    assert render.runtime_js() in site
    assert len(site) < 0.7 * len(full), (len(site), len(full))


def test_slim_drops_only_columns_nothing_names_and_rounds_numbers():
    df = pd.DataFrame(
        {
            "x": [1.0, 2.0],
            "y": [0.123456789012, 2.0],
            "in_expression": [1, 2],
            "CO₂ (t)": [3.0, 4.0],
            "unused_column": ["a", "b"],
        }
    )
    chart = (
        alt.Chart(df)
        .mark_point()
        .encode(x="x:Q", y="y:Q", tooltip=[alt.Tooltip("CO₂ (t):Q", title="Emissions")])
        .transform_calculate(twice="2 * datum.in_expression")
    )
    spec = chart.to_dict()
    slim = render.slim(spec)
    (rows,) = slim["datasets"].values()
    assert set(rows[0]) == {"x", "y", "in_expression", "CO₂ (t)"}
    assert rows[0]["y"] == 0.123456789  # nine significant digits
    assert render.slim(chart.mark_point(tooltip=True).to_dict())["datasets"] != {}
    (everything,) = render.slim(chart.mark_point(tooltip=True).to_dict())["datasets"].values()
    assert "unused_column" in everything[0]  # tooltips that show every field keep every column


def _numbers_and_text(svg: str):
    svg = re.sub(r"clip\d+", "clip", svg)  # vl-convert numbers clip paths per process
    nums = [float(n) for n in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", svg)]
    return nums, re.sub(r"-?\d+\.?\d*(?:e-?\d+)?", "#", svg)


@pytest.mark.parametrize("chapter", ["scaling", "rebound"])
def test_slim_charts_draw_the_same(chapter):
    """Every chart of a chapter drawn from its slimmed spec: the same SVG, every text the
    same and every number within a few thousandths of a pixel (or, for the data values its
    screen-reader labels print, within a millionth of the value)."""
    import importlib

    from energybook import chapters as registry
    from energybook import data

    spec = registry.get(chapter)
    page = importlib.import_module(f"energybook.chapters.{chapter}.page")
    figures = importlib.import_module(f"energybook.chapters.{chapter}.figures")
    P = spec.typed(spec.validate({}, tables=data.load_tables(spec.tables)))
    ev = page.evaluate(P, data.load_tables(page.TABLES))
    render.setup()
    slimmer = 0
    for name in page.captions(ev):
        if not hasattr(figures, name):
            continue
        full = charts.figure(getattr(figures, name)(ev), "c").spec
        a, b = render.static_svg(full), render.static_svg(render.slim(full))
        (na, ta), (nb, tb) = _numbers_and_text(a), _numbers_and_text(b)
        assert ta == tb, name
        assert len(na) == len(nb) and all(
            abs(x - y) <= 2e-3 + 1e-6 * abs(x) for x, y in zip(na, nb, strict=True)
        ), name
        slimmer += len(json.dumps(full)) - len(json.dumps(render.slim(full)))
    assert slimmer > 0  # the slimming did something: the comparison can fail


SOBOL = pd.DataFrame(
    {
        "parameter": ["energy_share", "pue_horizon"],
        "ST": [0.6, 0.3],
        "ST_conf": [0.05, 0.04],
        "S1": [0.55, 0.2],
    }
)


def test_sobol_bars_show_every_parameter_by_its_plain_label():
    labels = {"energy_share": "Energy's share of cost", "pue_horizon": "PUE in 2030"}
    spec = charts.figure(charts.sobol_bars(SOBOL, title="Which inputs move it", labels=labels), "x")
    values = [row["label"] for data in spec.spec["datasets"].values() for row in data]
    assert set(values) == set(labels.values())


def test_sobol_bars_refuse_a_parameter_without_a_label():
    with pytest.raises(ValueError, match="no plain-language label for pue_horizon"):
        charts.sobol_bars(SOBOL, title="Which inputs move it", labels={"energy_share": "Energy"})
