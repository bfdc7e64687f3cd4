"""Charts: the book's one Altair theme and renderer, set in one place.

Call :func:`setup` once at the top of a chapter. It registers

- a theme with a colour-blind-safe palette (Okabe & Ito 2008) and readable defaults;
- a renderer that emits a plain ``<div>`` and a call to ``vegaEmbed``. The vega, vega-lite
  and vega-embed scripts are *not* loaded by the chart: the site serves one bundle of them
  from its own ``_static/`` folder (see :func:`write_js_bundle`), loaded once per site and
  cached, so charts render with no network. Chart ids are derived from the spec, so the
  same chart gives the same markup on every run.

Use :func:`figure` to display a chart: it checks that the chart has a title, axis titles,
tooltips and a text alternative, and prints the caption under it.
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path

import altair as alt

# Okabe, M. and Ito, K. (2008) Color Universal Design: a palette distinguishable under the
# common forms of colour blindness. Order chosen for contrast on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000"]
BUNDLE_NAME = "vega-bundle.js"
WIDTH = 560
HEIGHT = 300

EMBED_OPTIONS = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}


def theme() -> dict:
    font = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
    return {
        "config": {
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "range": {"category": PALETTE},
            "font": font,
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#444"},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleColor": "#222",
                     "labelColor": "#222", "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 280},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
        }
    }


def _chart_id(spec: dict) -> str:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    return f"eb-chart-{digest[:12]}"


def render_html(spec: dict) -> str:
    """Markup for one chart: a container and a call to the site's ``vegaEmbed``."""
    cid = _chart_id(spec)
    label = spec.get("description") or _title_text(spec) or "chart"
    spec_json = json.dumps(spec, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    opts = json.dumps(EMBED_OPTIONS, sort_keys=True)
    return (
        f'<div id="{cid}" class="eb-chart" role="figure" aria-label="{html.escape(label)}">'
        f"</div>\n<script>(function(){{var s={spec_json};"
        f"function go(){{vegaEmbed('#{cid}',s,{opts}).then(function(){{"
        f"var m=document.querySelector('#{cid} summary');"
        "if(m){m.setAttribute('aria-label','Chart actions: save as image');}"
        "}).catch(function(e){console.error(e);});}"
        "if(window.vegaEmbed){go();}else{window.addEventListener('load',go);}})();</script>"
    )


def _renderer(spec: dict, **_kwargs) -> dict:
    return {"text/html": render_html(spec), "text/plain": f"<chart {_chart_id(spec)}>"}


def setup() -> None:
    """Enable the book's theme and offline renderer (idempotent)."""
    if "energybook" not in alt.theme.names():
        alt.theme.register("energybook", enable=False)(
            lambda: alt.theme.ThemeConfig(**theme()))
    alt.theme.enable("energybook")
    alt.renderers.register("energybook", _renderer)
    alt.renderers.enable("energybook")


def _title_text(spec: dict) -> str:
    t = spec.get("title")
    if isinstance(t, dict):
        t = t.get("text")
    if isinstance(t, list):
        t = " ".join(t)
    return t or ""


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
    if not _title_text(spec):
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
            if isinstance(e, dict) and e.get("title") is None and e.get("type") in (
                    "quantitative", "temporal"):
                problems.append(f"the {ch} axis of field {e.get('field')!r} needs a title "
                                "with its unit")
    if not has_tooltip:
        problems.append("the chart has no tooltips")
    return problems


def figure(chart: alt.TopLevelMixin, caption: str):
    """Display ``chart`` with ``caption`` (its text alternative) after checking it.

    Returns an object that displays as the chart followed by its caption.
    """
    chart = chart.properties(description=caption)
    spec = chart.to_dict()
    problems = check_chart(spec)
    if problems:
        raise ValueError(f"chart {_title_text(spec)!r}: " + "; ".join(problems))
    return _Figure(spec, caption)


class _Figure:
    def __init__(self, spec: dict, caption: str):
        self.spec = spec
        self.caption = caption

    def _repr_mimebundle_(self, include=None, exclude=None):
        body = render_html(self.spec)
        cap = f'<p class="eb-caption">{html.escape(self.caption)}</p>'
        return {"text/html": f'<figure class="eb-figure">{body}{cap}</figure>',
                "text/plain": f"Figure: {self.caption}"}


def js_bundle() -> str:
    """The vega, vega-lite and vega-embed bundle (defines window.vegaEmbed)."""
    import vl_convert

    # Wrapped in a function so that its top-level names stay private: loaded as a classic
    # script it would otherwise clash with the page's globals (Sphinx defines ``_``).
    return "(function(){\n" + vl_convert.javascript_bundle() + "\n})();\n"


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
