"""Chart rendering: the offline renderer of every chart in the book, set in one place.

Call :func:`setup` once at the top of a chapter. It registers

- the book's theme (:mod:`energybook.theme`);
- a renderer that emits a plain ``<div>`` and a call to ``vegaEmbed``. The vega, vega-lite
  and vega-embed scripts are *not* loaded by the chart: the site serves one bundle of them
  from its own ``_static/`` folder (see :func:`write_js_bundle`), loaded once per site and
  cached, so charts render with no network. Chart ids are derived from the spec, so the
  same chart gives the same markup on every run.

:class:`Figure` is what :func:`energybook.charts.figure` returns: a checked chart and its
caption, displayed as both.
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path

import altair as alt

from energybook.theme import WIDTH, theme, title_text

BUNDLE_NAME = "vega-bundle.js"


EMBED_OPTIONS = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}


def _chart_id(spec: dict) -> str:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    return f"eb-chart-{digest[:12]}"


COMPOUND = ("hconcat", "vconcat", "concat", "facet", "repeat")


# What changes when the reader's screen is narrow or dark: set in the browser, once, for
# every chart (vega-embed merges it into the chart's own config).
NARROW_PX = 560


NARROW_LABEL_PX = 110


NARROW_CONFIG = {
    "legend": {
        "orient": "bottom",
        "direction": "vertical",
        "labelLimit": 2 * NARROW_LABEL_PX,
        "columns": 1,
    },
    "axis": {"labelLimit": NARROW_LABEL_PX},
    "title": {"limit": 280},
}


DARK_CONFIG = {
    "background": "transparent",
    "title": {"color": "#eeeeee", "subtitleColor": "#cccccc"},
    "axis": {
        "labelColor": "#dddddd",
        "titleColor": "#eeeeee",
        "gridColor": "#3a3a3a",
        "domainColor": "#888888",
        "tickColor": "#888888",
    },
    "legend": {"labelColor": "#dddddd", "titleColor": "#eeeeee"},
    "view": {"stroke": None},
}


def responsive(spec: dict) -> dict:
    """The chart at its container's width: the one place that sets every chart's width.
    Compound charts (concatenations, facets) keep their sub-charts' widths."""
    if any(k in spec for k in COMPOUND):
        return spec
    return {
        **spec,
        "width": "container",
        "autosize": {"type": "fit-x", "contains": "padding", "resize": True},
    }


def static_svg(spec: dict) -> str:
    """The chart pre-rendered as SVG (vl-convert), at the theme's width: what a reader sees
    when scripts do not run. Scales down with its box (CSS), never overflows it."""
    import vl_convert

    fixed = {k: v for k, v in spec.items() if k not in ("width", "autosize")}
    if not any(k in spec for k in COMPOUND):
        fixed["width"] = WIDTH
    svg: str = vl_convert.vegalite_to_svg(fixed)
    return svg


def render_html(spec: dict, *, fallback: bool = True) -> str:
    """Markup for one chart: a container holding the pre-rendered SVG (shown when scripts
    do not run), replaced by the interactive chart from the site's ``vegaEmbed``."""
    cid = _chart_id(spec)
    label = spec.get("description") or title_text(spec) or "chart"
    live = responsive(spec)
    spec_json = json.dumps(live, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    opts = json.dumps(EMBED_OPTIONS, sort_keys=True)
    narrow = json.dumps(NARROW_CONFIG, sort_keys=True, separators=(",", ":"))
    dark = json.dumps(DARK_CONFIG, sort_keys=True, separators=(",", ":"))
    svg = static_svg(spec) if fallback else ""
    return (
        f'<div id="{cid}" class="eb-chart" role="figure" aria-label="{html.escape(label)}">'
        f'<div class="eb-chart-static">{svg}</div></div>\n'
        f"<script>(function(){{var s={spec_json},o={opts},n={narrow},d={dark};"
        # Fit the chart to its box, whatever the screen: cap every label's length (the
        # marks' tooltips keep the full text), put legends below the plot in one column,
        # keep the title inside the box, and stack side-by-side charts that would not fit.
        "function fit(x,k,w,nar){if(Array.isArray(x)){x.forEach(function(v){fit(v,k,w,nar);});"
        "return;}if(!x||typeof x!=='object'){return;}"
        f"var lim=k==='legend'?Math.max(80,w-90):(nar?{NARROW_LABEL_PX}:Math.min(260,w*0.3));"
        "if(typeof x.labelLimit==='number'&&x.labelLimit>lim){x.labelLimit=lim;}"
        "if(k==='legend'&&x.orient!=='none'){x.orient='bottom';x.direction='vertical';"
        "x.columns=1;x.labelLimit=Math.min(x.labelLimit||lim,lim);}"
        "if(k==='title'&&typeof x.text!=='undefined'){x.limit=Math.max(80,w-30);}"
        "for(var key in x){if(key!=='data'&&key!=='datasets'&&key!=='values'){"
        "fit(x[key],key,w,nar);}}}"
        "function stack(x,w){var parts=x.hconcat||x.concat;"
        "if(parts){x.vconcat=parts;delete x.hconcat;delete x.concat;delete x.columns;}"
        "(x.vconcat||[]).forEach(function(p){if(typeof p.width!=='string'){"
        "p.width=Math.max(120,w-160);}});}"
        f"function go(){{var el=document.getElementById('{cid}');if(!el){{return;}}"
        "var w=el.clientWidth||window.innerWidth,"
        f"nar=w<{NARROW_PX},c=nar?n:{{}};"
        "if(typeof s.title==='string'){s.title={text:s.title};}"
        "fit(s,'',w,nar);stack(s,w);"
        "c=Object.assign({},c,{title:Object.assign({},c.title||{},{limit:Math.max(80,w-30)}),"
        "legend:Object.assign({},c.legend||{},{orient:'bottom',direction:'vertical',"
        "columns:1,labelLimit:Math.max(80,w-90)})});"
        "var t=document.documentElement.dataset.theme;"
        "if(t==='dark'||(!t&&window.matchMedia&&"
        "window.matchMedia('(prefers-color-scheme: dark)').matches)){"
        "c=Object.assign({},c,d);}"
        "o=Object.assign({},o,{config:c});"
        f"vegaEmbed(el,s,o).then(function(){{"
        "var st=el.querySelector('.eb-chart-static');if(st){st.remove();}"
        "el.classList.add('eb-chart-live');"
        f"var m=el.querySelector('summary');"
        "if(m){m.setAttribute('aria-label','Chart actions: save as image');}"
        "}).catch(function(e){console.error(e);});}"
        "if(window.vegaEmbed){go();}else{window.addEventListener('load',go);}})();</script>"
    )


def _renderer(spec: dict, **_kwargs) -> dict:
    return {"text/html": render_html(spec), "text/plain": f"<chart {_chart_id(spec)}>"}


def setup() -> None:
    """Enable the book's theme and offline renderer (idempotent)."""
    if "energybook" not in alt.theme.names():
        alt.theme.register("energybook", enable=False)(lambda: alt.theme.ThemeConfig(**theme()))
    alt.theme.enable("energybook")
    alt.renderers.register("energybook", _renderer)
    alt.renderers.enable("energybook")


class Figure:
    """A checked chart with its caption; displays as both."""

    def __init__(self, spec: dict, caption: str):
        self.spec = spec
        self.caption = caption

    def _repr_mimebundle_(self, include=None, exclude=None):
        body = render_html(self.spec)
        cap = f'<p class="eb-caption">{html.escape(self.caption)}</p>'
        return {
            "text/html": f'<figure class="eb-figure">{body}{cap}</figure>',
            "text/plain": f"Figure: {self.caption}",
        }


def js_bundle() -> str:
    """The vega, vega-lite and vega-embed bundle (defines window.vegaEmbed)."""
    import vl_convert

    # Wrapped in a function so that its top-level names stay private: loaded as a classic
    # script it would otherwise clash with the page's globals (Sphinx defines ``_``).
    bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]
    return "(function(){\n" + bundle + "\n})();\n"


def _cached_bundle() -> Path:
    """The bundle, generated once per vl-convert version into the user's cache folder."""
    import os

    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "energybook"
    path = cache / f"vega-bundle-{version}-wrapped.js"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(js_bundle(), encoding="utf-8")
        os.replace(tmp, path)
    return path


def write_js_bundle(directory: Path) -> Path:
    """Copy the bundle into ``directory``; return its path."""
    import shutil

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / BUNDLE_NAME
    shutil.copyfile(_cached_bundle(), path)
    return path
