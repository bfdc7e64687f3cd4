"""A small Sphinx extension for the book's site (listed in _config.yml).

- It follows the reader's system colour mode (light or dark) unless the reader picks one.
- It keeps every page free of references to scripts on other hosts: sphinx-thebe, which
  Jupyter Book always loads, writes a CDN address for its live-code library into every page.
  The book has no live code (thebe is off), so those scripts are dropped.
- It loads the chart bundle (``vega-bundle.js``) only on pages with a chart, compiles each
  chart's Vega-Lite spec to Vega (one vl-convert for the build) and ships vega alone
  (about 0.58 MB instead of 0.90 MB with vega-lite and vega-embed).
- It drops the ARIA roles sphinxcontrib-bibtex puts on the references list (a ``list``
  whose children are ``doc-biblioentry``, which axe reports as a critical violation).
- It points every chart's ``<noscript>`` image at its SVG file, and writes those files once
  per build (:func:`energybook.render.write_fallbacks`, one vl-convert for the whole site).
- It keeps the site light: the search index and its scripts only on the search page (the
  theme loads them on every page for a search-as-you-type the book does not turn on), the
  theme's Font Awesome stylesheet cut to the icons the site shows (the icons of
  ``_static/scripts/fontawesome.js``) and its fonts to the subsets in ``_static/fonts/``
  (tools/fontawesome_subset.py writes both).
- It loads the styles and scripts of highlighted code (pygments, the copy button) only on
  pages that show code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

OFFSITE = ("unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com")
CHART_BUNDLE = "vega-bundle.js"
CHART_MARK = 'class="eb-chart"'
# The theme's template loads its own copy of the icon script (deferred); a second entry in
# the page's script list would load it twice.
ICON_SCRIPT = "scripts/fontawesome.js"
SEARCH_SCRIPTS = re.compile(
    r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|'
    r'searchindex\.js)"></script>\n?'
)
THEME_CSS = Path("_static") / "styles" / "pydata-sphinx-theme.css"
FONT_SRC = re.compile(
    r'url\(\.\./vendor/fontawesome/webfonts/(fa-[a-z]+-\d+)\.woff2\) format\("woff2"\),'
    r'url\(\.\./vendor/fontawesome/webfonts/\1\.ttf\) format\("truetype"\)'
)
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,)*\.fa-[a-z0-9-]+:before)\{content:"[^"]*"\}')


def _is_offsite_or_thebe(script) -> bool:
    body = getattr(script, "attributes", {}).get("body", "") or ""
    name = str(script)
    return any(host in body or host in name for host in OFFSITE) or "sphinx-thebe" in name


# What styles and serves highlighted code (its colours, its copy button): only pages that
# show code need it (the chapters hide their code; a re-run command is shown as code).
CODE_MARK = 'class="highlight'
CODE_ASSETS = ("pygments.css", "copybutton.css", "copybutton.js", "clipboard.min.js")


def _for_code(asset) -> bool:
    name = str(getattr(asset, "filename", asset))
    return any(a in name for a in CODE_ASSETS)


def keep_script(script, has_chart: bool) -> bool:
    """Whether a page keeps ``script``: nothing from other hosts, no thebe, the icon script
    once (from the theme's template), and the chart bundle only where there is a chart."""
    name = str(getattr(script, "filename", None) or script)
    if _is_offsite_or_thebe(script) or name.endswith(ICON_SCRIPT):
        return False
    return has_chart or CHART_BUNDLE not in str(script)


def fallback_sources(body: str, pathto) -> str:
    """``body`` with each chart's fallback image pointed at its file in the built site."""
    from energybook import render

    return re.sub(
        render.FALLBACK_ATTR + r'="([^"]+)"',
        lambda m: f'src="{pathto(render.FALLBACK_DIR + "/" + m.group(1), 1)}"',
        body,
    )


def _page_context(app, pagename, templatename, context, doctree):
    from energybook import render

    # pydata-sphinx-theme logs a console error on every page when no colour mode is set;
    # "auto" follows the reader's system setting.
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    body = context.get("body")
    if body and 'class="citation-list"' in body:
        context["body"] = body.replace(
            '<div role="list" class="citation-list">', '<div class="citation-list">'
        ).replace(' role="doc-biblioentry"', "")
    body = context.get("body")
    if body and render.FALLBACK_ATTR in body:
        context["body"] = fallback_sources(body, context["pathto"])
    body = context.get("body")
    if body and CHART_MARK in body:
        context["body"] = render.compile_charts(body)
    scripts = context.get("script_files")
    has_code = CODE_MARK in (context.get("body") or "")
    if scripts:
        has_chart = CHART_MARK in (context.get("body") or "")
        context["script_files"] = [
            s for s in scripts if keep_script(s, has_chart) and (has_code or not _for_code(s))
        ]
    styles = context.get("css_files")
    if styles and not has_code:
        context["css_files"] = [s for s in styles if not _for_code(s)]


def drop_search_scripts(html: Path) -> None:
    """Remove the search index and its scripts from every page but the search page."""
    for page in sorted(html.rglob("*.html")):
        rel = page.relative_to(html)
        if rel.parts[0] in ("_static", "_sources") or rel == Path("search.html"):
            continue
        text = page.read_text(encoding="utf-8")
        slim = SEARCH_SCRIPTS.sub("", text)
        if slim != text:
            page.write_text(slim, encoding="utf-8")


def shown_icons(html: Path) -> set[str]:
    """The icons of the site's icon script (``_static/scripts/fontawesome.js``)."""
    script = (html / "_static" / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    m = re.search(r"var I=(\{.*?\});", script)
    return set(json.loads(m.group(1))) if m else set()


def page_icons(html: Path) -> set[str]:
    """Every ``fa-NAME`` class on the site's pages."""
    names: set[str] = set()
    for page in sorted(html.rglob("*.html")):
        if page.relative_to(html).parts[0] not in ("_static", "_sources"):
            text = page.read_text(encoding="utf-8")
            for classes in re.findall(r'class="([^"]*\bfa-[^"]*)"', text):
                names |= set(re.findall(r"\bfa-([a-z0-9-]+)", classes))
    return names


def slim_theme_css(html: Path) -> None:
    """Cut the theme's stylesheet to the icons the site shows (those of the icon script and
    every ``fa-`` class on its pages), and point its Font Awesome fonts at the subsets in
    ``_static/fonts/`` (where they exist)."""
    path = html / THEME_CSS
    if not path.exists() or not (html / "_static" / "scripts" / "fontawesome.js").exists():
        return
    css = path.read_text(encoding="utf-8")
    icons = shown_icons(html) | page_icons(html)
    fonts = html / "_static" / "fonts"

    def font(m: re.Match) -> str:
        name = m.group(1)
        if (fonts / f"{name}.woff").exists():
            return f'url(../fonts/{name}.woff) format("woff")'
        return m.group(0)

    def rule(m: re.Match) -> str:
        keep = [s for s in m.group(1).split(",") if s[len(".fa-") : -len(":before")] in icons]
        return m.group(0).replace(m.group(1), ",".join(keep)) if keep else ""

    slim = ICON_RULE.sub(rule, FONT_SRC.sub(font, css))
    if slim != css:
        path.write_text(slim, encoding="utf-8")


def _build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from energybook import render

    html = Path(app.outdir)
    if (html / "_static" / CHART_BUNDLE).exists():
        # The pages' charts are compiled to Vega: they need vega alone.
        render.write_js_bundle(html / "_static", site=True)
    render.write_fallbacks(html)
    drop_search_scripts(html)
    slim_theme_css(html)


def setup(app):
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
