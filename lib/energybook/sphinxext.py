"""A small Sphinx extension for the book's site (listed in _config.yml).

- It follows the reader's system colour mode (light or dark) unless the reader picks one.
- It keeps every page free of references to scripts on other hosts: sphinx-thebe, which
  Jupyter Book always loads, writes a CDN address for its live-code library into every page.
  The book has no live code (thebe is off), so those scripts are dropped.
- It loads the chart bundle (``vega-bundle.js``, about 0.9 MB) only on pages with a chart.
- It drops the ARIA roles sphinxcontrib-bibtex puts on the references list (a ``list``
  whose children are ``doc-biblioentry``, which axe reports as a critical violation).
"""

from __future__ import annotations

OFFSITE = ("unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com")
CHART_BUNDLE = "vega-bundle.js"
CHART_MARK = 'class="eb-chart"'


def _is_offsite_or_thebe(script) -> bool:
    body = getattr(script, "attributes", {}).get("body", "") or ""
    name = str(script)
    return any(host in body or host in name for host in OFFSITE) or "sphinx-thebe" in name


def keep_script(script, has_chart: bool) -> bool:
    """Whether a page keeps ``script``: nothing from other hosts, no thebe, and the chart
    bundle only where there is a chart."""
    if _is_offsite_or_thebe(script):
        return False
    return has_chart or CHART_BUNDLE not in str(script)


def _page_context(app, pagename, templatename, context, doctree):
    # pydata-sphinx-theme logs a console error on every page when no colour mode is set;
    # "auto" follows the reader's system setting.
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    body = context.get("body")
    if body and 'class="citation-list"' in body:
        context["body"] = body.replace(
            '<div role="list" class="citation-list">', '<div class="citation-list">'
        ).replace(' role="doc-biblioentry"', "")
    scripts = context.get("script_files")
    if scripts:
        has_chart = CHART_MARK in (context.get("body") or "")
        context["script_files"] = [s for s in scripts if keep_script(s, has_chart)]


def setup(app):
    app.connect("html-page-context", _page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
