"""The built site's links and weight, checked without a browser.

Every internal link and anchor must resolve; external citation links are listed in
_build/external-links.txt, never fetched (tools/check_external_links.py checks them where
there is a network). Each chapter page's HTML stays under 1 MB; `make bench` reports each
page's whole weight with every script, style and font it loads.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from .conftest import HTML, site_pages

PAGES = site_pages()


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and (tag in ("a", "img", "script") or (tag == "link" and key == "href")):
                self.links.append(a[key])


def parse(path: Path) -> _Collector:
    c = _Collector()
    c.feed(path.read_text(encoding="utf-8"))
    return c


@pytest.fixture(scope="module")
def parsed(built_site):
    return {p: parse(HTML / p) for p in PAGES}


def test_every_internal_link_and_anchor_resolves(parsed):
    broken, external = [], set()
    for rel, page in parsed.items():
        base = HTML / rel
        for link in page.links:
            url, frag = urldefrag(link)
            scheme = urlparse(url).scheme
            if scheme in ("http", "https", "mailto"):
                external.add(link)
                continue
            if scheme or link.startswith("javascript:"):
                continue
            target = (base.parent / unquote(url.split("?")[0])).resolve() if url else base
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{rel}: {link} (no file)")
                continue
            if frag and target.suffix == ".html":
                ids = parsed.get(str(target.relative_to(HTML)), None)
                ids = ids.ids if ids else parse(target).ids
                if frag not in ids:
                    broken.append(f"{rel}: {link} (no anchor #{frag})")
    (HTML.parent / "external-links.txt").write_text("\n".join(sorted(external)) + "\n")
    assert broken == []


def test_no_page_loads_anything_from_a_cdn(parsed):
    for rel in parsed:
        text = (HTML / rel).read_text(encoding="utf-8")
        assert not re.search(r"(cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com)", text), rel


def test_chart_bundle_loads_once_on_chart_pages_and_nowhere_else(parsed):
    for rel, page in parsed.items():
        has_chart = 'class="eb-chart"' in (HTML / rel).read_text(encoding="utf-8")
        bundles = [x for x in page.links if "vega-bundle.js" in x]
        assert len(bundles) == (1 if has_chart else 0), rel


def test_the_theme_icon_font_is_replaced_by_the_subset():
    fa = HTML / "_static" / "scripts" / "fontawesome.js"
    assert fa.exists() and fa.stat().st_size < 50_000, "the 1.5 MB Font Awesome bundle"


@pytest.mark.parametrize("rel", [p for p in PAGES if p.startswith("chapters/")])
def test_chapter_page_weighs_under_1_mb(rel):
    assert (HTML / rel).stat().st_size < 1_000_000


@pytest.mark.parametrize("rel", [p for p in PAGES if p.startswith("chapters/")])
def test_parameters_cells_stay_off_the_page(rel):
    text = (HTML / rel).read_text(encoding="utf-8")
    assert "Parameters: generated from the declaration" not in text
    assert "injected-parameters" not in text and "Injected parameters" not in text


def test_the_search_index_loads_only_on_the_search_page(parsed):
    for rel, page in parsed.items():
        index = [x for x in page.links if x.split("?")[0].endswith("searchindex.js")]
        assert len(index) == (1 if rel == "search.html" else 0), rel


def test_code_styles_and_copy_buttons_load_only_on_pages_that_show_code(parsed):
    shown = 0
    for rel, page in parsed.items():
        has_code = 'class="highlight' in (HTML / rel).read_text(encoding="utf-8")
        assets = [x for x in page.links if "pygments.css" in x or "copybutton.js" in x]
        assert bool(assets) == has_code, rel
        shown += has_code
    assert shown  # some page shows code (the re-run command): the test can fail both ways


def test_every_chart_has_its_fallback_file_and_no_file_is_stale(parsed):
    from energybook import render

    shown = set()
    for rel in parsed:
        markup = (HTML / rel).read_text(encoding="utf-8")
        ids = render.fallback_ids(markup)
        assert len(ids) == markup.count('class="eb-chart"'), f"{rel}: a chart without fallback"
        assert render.FALLBACK_ATTR not in markup, f"{rel}: a fallback not pointed at its file"
        shown |= set(ids)
    files = {p.stem for p in (HTML / render.FALLBACK_DIR).glob("*.svg")}
    assert shown and files == shown


def test_the_theme_stylesheet_loads_only_the_icon_font_subsets(built_site):
    css = (HTML / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    fonts = re.findall(r"url\(([^)]+\.(?:woff2?|ttf|otf))\)", css)
    assert fonts and all(f.startswith("../fonts/") for f in fonts), fonts
    for f in fonts:
        assert (HTML / "_static" / "styles" / f).resolve().stat().st_size < 20_000, f
