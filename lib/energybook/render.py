"""Chart rendering: the offline renderer of every chart in the book, set in one place.

Call :func:`setup` once at the top of a chapter. It registers

- the book's theme (:mod:`energybook.theme`);
- a renderer that emits a plain ``<div>`` (with a ``<noscript>`` image of the chart for a
  reader without scripts) and a call to ``ebChart``. The vega, vega-lite and vega-embed
  scripts and ``ebChart`` itself are *not* loaded by the chart: the site serves one bundle
  of them from its own ``_static/`` folder (see :func:`write_js_bundle`), loaded once per
  site and cached, so charts render with no network. Chart ids are derived from the spec,
  so the same chart gives the same markup on every run. No vl-convert runs in a chapter's
  kernel: the site's build writes the fallback images (:func:`write_fallbacks`).

:class:`Figure` is what :func:`energybook.charts.figure` returns: a checked chart and its
caption, displayed as both.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
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

    if is_vega(spec):  # compiled at build time (compile_charts): drawn at its default width
        vega_svg: str = vl_convert.vega_to_svg(spec)
        return vega_svg
    fixed = {k: v for k, v in spec.items() if k not in ("width", "autosize")}
    if not any(k in spec for k in COMPOUND):
        fixed["width"] = WIDTH
    svg: str = vl_convert.vegalite_to_svg(fixed)
    return svg


# The static fallbacks of a built site: one SVG file per chart, named by its id, in this
# folder of the site (written by the Sphinx extension, never by a notebook's kernel).
FALLBACK_DIR = "_static/charts"
FALLBACK_ATTR = "data-eb-fallback"


# Fit a chart to its box, whatever the screen (run in the browser, once per chart, by
# ``ebChart``): cap every label's length (the marks' tooltips keep the full text), put every
# legend below the plot, stacked in one column (Vega's legend layout), keep titles inside
# the box (a stacked sub-chart's title within its own plot's width), and stack side-by-side
# charts that would not fit.
_RUNTIME = (
    "(function(){var O=%(opts)s,N=%(narrow)s,D=%(dark)s;"
    "function fit(x,k,w,nar){if(Array.isArray(x)){x.forEach(function(v){fit(v,k,w,nar);});"
    "return;}if(!x||typeof x!=='object'){return;}"
    "var lim=k==='legend'?Math.max(80,w-150):(nar?%(label_px)d:Math.min(260,w*0.3));"
    "if(typeof x.labelLimit==='number'&&x.labelLimit>lim){x.labelLimit=lim;}"
    "if(k==='legend'&&x.orient!=='none'){x.orient='bottom';x.direction='vertical';"
    "x.columns=1;x.labelLimit=Math.min(x.labelLimit||lim,lim);}"
    "if(k==='title'&&typeof x.text!=='undefined'){x.limit=Math.max(80,w-30);"
    "if(nar){x.anchor='start';x.frame='bounds';}}"
    "for(var key in x){if(key!=='data'&&key!=='datasets'&&key!=='values'){"
    "fit(x[key],key,w,nar);}}}"
    "function sub(p){if(typeof p.width!=='number'){return;}"
    "if(typeof p.title==='string'){p.title={text:p.title};}"
    "if(p.title&&typeof p.title==='object'){p.title.limit=p.width;p.title.anchor='start';"
    "p.title.frame='group';}}"
    "function stack(x,w){var parts=x.hconcat||x.concat;"
    "if(parts){x.vconcat=parts;delete x.hconcat;delete x.concat;delete x.columns;}"
    "(x.vconcat||[]).forEach(function(p){if(typeof p.width!=='string'){"
    "p.width=Math.max(120,w-160);}sub(p);});}"
    "window.ebChart=function(id,spec){var el=document.getElementById(id);if(!el){return;}"
    "var s=JSON.parse(JSON.stringify(spec)),w=el.clientWidth||window.innerWidth,"
    "nar=w<%(narrow_px)d,c=nar?N:{};"
    "if(typeof s.title==='string'){s.title={text:s.title};}"
    "fit(s,'',w,nar);stack(s,w);"
    "c=Object.assign({},c,{title:Object.assign({},c.title||{},{limit:Math.max(80,w-30)}),"
    "legend:Object.assign({},c.legend||{},{orient:'bottom',direction:'vertical',"
    "columns:1,labelLimit:Math.max(80,w-150),"
    "layout:{bottom:{anchor:'start',bounds:'full',direction:'vertical',margin:8}}}),"
    # An axis title longer than the plot widens the chart's bounds, and fit-x then
    # squeezes the plot: cap it to the room there is.
    "axisX:Object.assign({},c.axisX||{},{titleLimit:Math.max(80,w-140)}),"
    "axisY:Object.assign({},c.axisY||{},{titleLimit:typeof s.height==='number'?s.height:300})"
    "});"
    "var t=document.documentElement.dataset.theme;"
    "if(t==='dark'||((!t||t==='auto')&&window.matchMedia&&"
    "window.matchMedia('(prefers-color-scheme: dark)').matches)){"
    "c=Object.assign({},c,D);}"
    "if(isVega(spec)){drawVega(el,spec,c,w,nar);return;}"
    "window.vegaEmbed(el,s,Object.assign({},O,{config:c})).then(function(){"
    "el.classList.add('eb-chart-live');var m=el.querySelector('summary');"
    "if(m){m.setAttribute('aria-label','Chart actions: save as image');}"
    "}).catch(function(e){console.error(e);});};"
    # A chart compiled to Vega at build time (the site's pages): drawn by vega alone, no
    # vega-lite in the browser. The same fit, applied to the Vega spec and its config.
    "function isVega(x){return typeof x.$schema==='string'&&x.$schema.indexOf('/vega/')>0;}"
    "function merge(a,b){var o=Object.assign({},a||{});for(var k in b){"
    "o[k]=b[k]&&typeof b[k]==='object'&&!Array.isArray(b[k])?merge(o[k],b[k]):b[k];}"
    "return o;}"
    # A legend below the plot starts at the plot's left edge: its labels get the plot's
    # width (a number, or the ``width`` signal of a chart as wide as its container).
    "function vfit(x,w,nar,lim,plot){(x.legends||[]).forEach(function(L){L.orient='bottom';"
    "L.direction='vertical';L.columns=1;var l=Math.min(L.labelLimit||w,w);"
    "L.labelLimit=typeof plot==='number'?Math.max(60,Math.min(l,plot-30)):"
    "{signal:'max(60,min('+l+',width-30))'};});"
    "(x.axes||[]).forEach(function(A){var l=nar?%(label_px)d:Math.min(260,w*0.3);"
    "if(typeof A.labelLimit==='number'&&A.labelLimit>l){A.labelLimit=l;}});"
    "if(typeof x.title==='string'){x.title={text:x.title};}"
    "if(x.title&&typeof x.title==='object'){x.title.limit=lim;}"
    "(x.marks||[]).forEach(function(m){if(m.type==='group'&&(m.title||m.legends||m.axes)){"
    "vfit(m,w,nar,sub,sub);}});}"
    "var sub=0;"
    "function drawVega(el,spec,c,w,nar){var s=JSON.parse(JSON.stringify(spec));"
    "if(s.layout){s.layout.columns=1;sub=Math.max(120,w-160);"
    "if(typeof s.width==='number'){s.width=sub;}"
    "(s.signals||[]).forEach(function(g){if(/(^|_)width$|^childWidth$/.test(g.name)&&"
    "typeof g.value==='number'){g.value=sub;}});}else{sub=Math.max(80,w-30);}"
    "vfit(s,w,nar,Math.max(80,w-30),s.layout?sub:(typeof s.width==='number'?s.width:'width'));"
    "if(nar&&s.title){s.title.anchor='start';s.title.frame='bounds';}"
    "if(c.background){s.background=c.background;}"
    "s.config=merge(s.config,c);"
    "var view=new window.vega.View(window.vega.parse(s),{renderer:'svg',container:el,"
    "hover:true});view.tooltip(tip);"
    "view.runAsync().then(function(){el.classList.add('eb-chart-live');save(el,view);})"
    ".catch(function(e){console.error(e);});}"
    # Tooltips (what vega-embed's vega-tooltip did): the mark's fields as a small table.
    'var T;function esc(v){return String(v).replace(/[&<>"]/g,function(ch){'
    "return{'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;'}[ch];});}"
    "function tip(h,e,item,v){if(!T){T=document.createElement('div');T.className='eb-tooltip';"
    "T.setAttribute('role','tooltip');document.body.appendChild(T);}"
    "if(v==null||v===''){T.style.display='none';return;}"
    "T.innerHTML=typeof v==='object'?'<table>'+Object.keys(v).map(function(k){"
    "return '<tr><th>'+esc(k)+'</th><td>'+esc(v[k])+'</td></tr>';}).join('')+'</table>'"
    ":esc(v);T.style.display='block';var x=e.clientX+12,y=e.clientY+12;"
    "if(x+T.offsetWidth>window.innerWidth){x=Math.max(0,e.clientX-T.offsetWidth-12);}"
    "if(y+T.offsetHeight>window.innerHeight){y=Math.max(0,e.clientY-T.offsetHeight-12);}"
    "T.style.left=(x+window.scrollX)+'px';T.style.top=(y+window.scrollY)+'px';}"
    # Save as image (what vega-embed's actions menu offered).
    "function save(el,view){var d=document.createElement('details');"
    "d.className='eb-chart-actions';d.innerHTML='<summary aria-label=\"Chart actions: save as "
    "image\">\\u2026</summary>';"
    "['svg','png'].forEach(function(f){var a=document.createElement('a');"
    "a.textContent='Save as '+f.toUpperCase();a.href='#';a.download=el.id+'.'+f;"
    "a.addEventListener('click',function(ev){if(a.dataset.ready){return;}ev.preventDefault();"
    "view.toImageURL(f,f==='png'?2:1).then(function(u){a.href=u;a.dataset.ready='1';a.click();});});"
    "d.appendChild(a);});el.appendChild(d);}"
    "})();"
)


def runtime_js() -> str:
    """The script that draws every chart (``window.ebChart(id, spec)``): shipped once, in
    the chart bundle, not with each chart."""

    def dump(value: dict) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"))

    return _RUNTIME % {
        "opts": dump(EMBED_OPTIONS),
        "narrow": dump(NARROW_CONFIG),
        "dark": dump(DARK_CONFIG),
        "label_px": NARROW_LABEL_PX,
        "narrow_px": NARROW_PX,
    }


def render_html(spec: dict, *, fallback: bool = True) -> str:
    """Markup for one chart: a container drawn by the bundle's ``ebChart`` (vega-embed),
    holding, for a reader without scripts, a ``<noscript>`` image of the chart: the SVG
    file named by the chart's id, which the site's build writes (:func:`write_fallbacks`)
    and points at; :func:`inline_fallbacks` puts the SVG into a standalone page instead.
    A browser that runs scripts never fetches it. No vl-convert runs here."""
    cid = _chart_id(spec)
    label = html.escape(spec.get("description") or title_text(spec) or "chart")
    live = responsive(spec)
    spec_json = json.dumps(live, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    img = (
        f'<noscript><img class="eb-chart-static" {FALLBACK_ATTR}="{cid}.svg" alt="{label}">'
        "</noscript>"
        if fallback
        else ""
    )
    return (
        f'<div id="{cid}" class="eb-chart" role="figure" aria-label="{label}">{img}</div>\n'
        f"<script>(function(){{var s={spec_json};function go(){{window.ebChart('{cid}',s);}}"
        "if(window.ebChart){go();}else{window.addEventListener('load',go);}})();</script>"
    )


_CHART_DIV = re.compile(r'<div id="(eb-chart-[0-9a-f]{12})" class="eb-chart"')
_SPEC_START = re.compile(r"var s=(?=\{)")
_FALLBACK_IMG = re.compile(
    '<noscript><img class="eb-chart-static" (?:'
    + FALLBACK_ATTR
    + r'|src)="(?:[^"]*/)?(eb-chart-[0-9a-f]{12})\.svg" alt="[^"]*"></noscript>'
)


def chart_specs(markup: str) -> dict[str, dict]:
    """chart id -> the spec :func:`render_html` embedded for it, for every chart in
    ``markup`` (a page or a notebook output)."""
    decoder = json.JSONDecoder()
    found: dict[str, dict] = {}
    for m in _CHART_DIV.finditer(markup):
        s = _SPEC_START.search(markup, m.end())
        if not s:
            continue
        try:
            spec, _ = decoder.raw_decode(markup, s.end())
        except ValueError:
            continue
        found.setdefault(m.group(1), spec)
    return found


def is_vega(spec: dict) -> bool:
    """Whether ``spec`` is a Vega spec (compiled), not a Vega-Lite one."""
    return "/schema/vega/" in str(spec.get("$schema", ""))


SIGNIFICANT_DIGITS = 9


def _round(x):
    if isinstance(x, float):
        return float(f"{x:.{SIGNIFICANT_DIGITS}g}") if x == x and abs(x) != float("inf") else x
    if isinstance(x, list):
        return [_round(v) for v in x]
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    return x


def _escaped(name: str) -> bool:
    """A field name that Vega-Lite spells escaped in a spec (dots, brackets, backslashes):
    kept whatever the rest of the spec says."""
    return any(c in name for c in ".[]\\'\"")


def _named(name: str, text: str) -> bool:
    """Whether the spec's JSON ``text`` names field ``name`` where Vega-Lite reads a field:
    as a whole string value (``"field": "name"``, ``"groupby": ["name"]``, ``"as"``, a
    lookup's ``"fields"``) or in an expression (``datum.name``, ``datum['name']``,
    ``datum["name"]``). A title that merely contains the word does not count."""
    quoted = json.dumps(name, ensure_ascii=False)
    if quoted in text or f"['{name}']" in text or json.dumps(quoted)[1:-1] in text:
        return True
    return re.search(rf"datum\.{re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def slim(spec: dict) -> dict:
    """``spec`` with lighter inline data, drawn the same: every column of a dataset whose
    name appears nowhere else in the spec (no encoding, transform, tooltip or expression can
    name it) is dropped, and numbers keep :data:`SIGNIFICANT_DIGITS` significant digits (a
    relative change below 1e-8: a date in decimal years moves by under three minutes, far
    under a pixel). A spec whose tooltips show every field (``tooltip: true``) keeps every
    column."""
    datasets = spec.get("datasets")
    if not isinstance(datasets, dict):
        return spec
    rest = json.dumps(
        {k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True, ensure_ascii=False
    )
    keep_all = '"tooltip": true' in rest
    slimmed = {}
    for name, rows in datasets.items():
        if not isinstance(rows, list):
            slimmed[name] = rows
            continue
        fields = {k for row in rows if isinstance(row, dict) for k in row}
        named = {k for k in fields if keep_all or _named(k, rest) or _escaped(k)}
        slimmed[name] = [
            _round({k: v for k, v in row.items() if k in named} if isinstance(row, dict) else row)
            for row in rows
        ]
    return {**spec, "datasets": slimmed}


def compile_charts(markup: str) -> str:
    """``markup`` with every chart's Vega-Lite spec compiled to Vega (vl-convert), so that
    the page needs only vega in the browser (:func:`site_js_bundle`), not vega-lite and
    vega-embed. The chart's id stays the Vega-Lite spec's."""
    import vl_convert

    decoder = json.JSONDecoder()
    out, pos = [], 0
    for m in _CHART_DIV.finditer(markup):
        s = _SPEC_START.search(markup, m.end())
        if not s or s.start() < pos:
            continue
        try:
            spec, end = decoder.raw_decode(markup, s.end())
        except ValueError:
            continue
        if is_vega(spec):
            continue
        vega = vl_convert.vegalite_to_vega(slim(spec))
        text = json.dumps(vega, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
        out += [markup[pos : s.end()], text]
        pos = end
    return "".join(out) + markup[pos:]


def fallback_ids(markup: str) -> list[str]:
    """The ids of the charts whose fallback image ``markup`` shows."""
    return [m.group(1) for m in _FALLBACK_IMG.finditer(markup)]


def inline_fallbacks(markup: str) -> str:
    """``markup`` with every chart's fallback image replaced by its SVG, inline: for a
    standalone page (``energybook run``) that has no site to fetch the files from."""
    specs = chart_specs(markup)

    def inline(m: re.Match) -> str:
        spec = specs.get(m.group(1))
        if spec is None:
            return m.group(0)
        return f'<noscript><div class="eb-chart-static">{static_svg(spec)}</div></noscript>'

    return _FALLBACK_IMG.sub(inline, markup)


def write_fallbacks(site: Path) -> list[Path]:
    """Write the SVG fallback of every chart the built ``site`` shows into
    ``site/_static/charts/<id>.svg`` (one vl-convert for the whole site, each chart once;
    deterministic, so a rebuild gives the same bytes), and remove the files of charts no
    page shows any more. Returns the files written."""
    wanted: dict[str, dict] = {}
    for page in sorted(site.rglob("*.html")):
        if page.relative_to(site).parts[0] in ("_static", "_sources"):
            continue
        markup = page.read_text(encoding="utf-8")
        if FALLBACK_DIR not in markup:
            continue
        specs = chart_specs(markup)
        for cid in fallback_ids(markup):
            if cid not in specs:
                raise ValueError(f"{page}: chart {cid} has a fallback image but no spec")
            wanted.setdefault(cid, specs[cid])
    out = site / FALLBACK_DIR
    written = []
    if wanted:
        out.mkdir(parents=True, exist_ok=True)
    for cid, spec in sorted(wanted.items()):
        path = out / f"{cid}.svg"
        if not path.exists():
            path.write_text(static_svg(spec), encoding="utf-8")
            written.append(path)
    if out.is_dir():
        for stale in sorted(out.glob("*.svg")):
            if stale.stem not in wanted:
                stale.unlink()
    return written


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

    def html(self) -> str:
        """The figure's markup: the chart (:func:`render_html`) and its caption."""
        body = render_html(self.spec)
        cap = f'<p class="eb-caption">{html.escape(self.caption)}</p>'
        return f'<figure class="eb-figure">{body}{cap}</figure>'

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html(), "text/plain": f"Figure: {self.caption}"}


def js_bundle() -> str:
    """The vega, vega-lite and vega-embed bundle (defines window.vegaEmbed) and the book's
    chart runtime (window.ebChart, :func:`runtime_js`)."""
    import vl_convert

    # Wrapped in a function so that its top-level names stay private: loaded as a classic
    # script it would otherwise clash with the page's globals (Sphinx defines ``_``).
    bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]
    return "(function(){\n" + bundle + "\n" + runtime_js() + "\n})();\n"


def _site_snippet() -> str:
    """What the site's bundle exports: ``window.vega``. (A snippet's own ``vega`` is vega's
    default export, null: import the namespace from the module vl-convert vendors.)"""
    import vl_convert

    version = vl_convert.get_vega_version()
    return f'import * as vg from "/npm/vega@{version}/+esm";\nwindow.vega = vg;'


def site_js_bundle() -> str:
    """The site's bundle: vega alone (about 0.58 MB against 0.90 MB with vega-lite and
    vega-embed) and the chart runtime. Enough for pages whose charts were compiled to Vega
    at build time (:func:`compile_charts`)."""
    import vl_convert

    bundle: str = vl_convert.javascript_bundle(_site_snippet())
    return "(function(){\n" + bundle + "\n" + runtime_js() + "\n})();\n"


def _cached_bundle(site: bool = False) -> Path:
    """The bundle, generated once per vl-convert version and runtime into the user's cache
    folder."""
    import os

    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    recipe = runtime_js() + (_site_snippet() if site else "")
    runtime = hashlib.sha256(recipe.encode()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "energybook"
    kind = "vega-site" if site else "vega-bundle"
    path = cache / f"{kind}-{version}-{runtime}.js"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(site_js_bundle() if site else js_bundle(), encoding="utf-8")
        os.replace(tmp, path)
    return path


def write_js_bundle(directory: Path, *, site: bool = False) -> Path:
    """Copy the bundle into ``directory``; return its path. ``site``: the site's vega-only
    bundle (:func:`site_js_bundle`), for pages whose charts are compiled to Vega."""
    import shutil

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / BUNDLE_NAME
    shutil.copyfile(_cached_bundle(site), path)
    return path
