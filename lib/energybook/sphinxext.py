"""A small Sphinx extension for the book's site (listed in _config.yml).

It sets the theme's default colour mode, and keeps every page free of references to scripts on other hosts: sphinx-thebe, which
Jupyter Book always loads, writes a CDN address for its live-code library into every page.
The book has no live code (thebe is off), so those scripts are dropped.
"""

from __future__ import annotations

OFFSITE = ("unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com")


def _is_offsite_or_thebe(script) -> bool:
    body = getattr(script, "attributes", {}).get("body", "") or ""
    name = str(script)
    return any(host in body or host in name for host in OFFSITE) or "sphinx-thebe" in name


def _page_context(app, pagename, templatename, context, doctree):
    # pydata-sphinx-theme logs a console error on every page when no colour mode is set.
    if not context.get("default_mode"):
        context["default_mode"] = "light"
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not _is_offsite_or_thebe(s)]


def setup(app):
    app.connect("html-page-context", _page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
