"""Every page of the built site, opened in a real browser with the network cut off.

The tests wait for the condition they check (a chart drawn, an element present), never for
network idleness or a fixed time: on a busy machine they wait longer, and still pass.
"""

from __future__ import annotations

import json
import re

import pytest

from energybook import chapters as registry

from .conftest import HTML, SHOTS, site_pages

PAGES = site_pages()
CHART_PAGES = [p for p in PAGES if 'class="eb-chart"' in (HTML / p).read_text(encoding="utf-8")]
LOOPBACK = ("http://127.0.0.1", "http://localhost")
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
WAIT_MS = 120_000  # an upper bound for a busy machine; the wait ends as soon as it holds


def open_page(browser, server, rel, *, width=1280, javascript=True):
    """Open a page; return (context, page, console errors, requests that tried to leave
    loopback). Waits for every chart to be drawn (when scripts run)."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=javascript
    )
    offsite: list[str] = []

    def route(r):
        if r.request.url.startswith(LOOPBACK) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            offsite.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "requestfailed",
        lambda r: None if r.url in offsite else errors.append(f"request failed: {r.url}"),
    )
    page.goto(f"{server}/{rel}", wait_until="load", timeout=WAIT_MS)
    if javascript and page.locator('meta[http-equiv="Refresh"]').count():
        # A redirect page (index.html): wait for the page it leads to.
        page.wait_for_url(lambda url: not url.endswith("/" + rel), timeout=WAIT_MS)
        page.wait_for_load_state("load", timeout=WAIT_MS)
    if javascript:
        n = page.locator(".eb-chart").count()
        if n:
            page.wait_for_function(
                f"document.querySelectorAll('.eb-chart-live svg.marks').length === {n}",
                timeout=WAIT_MS,
            )
    return context, page, errors, offsite


@pytest.mark.site
@pytest.mark.parametrize("rel", PAGES)
def test_page_renders_offline_without_errors(browser, server, rel):
    context, page, errors, offsite = open_page(browser, server, rel)
    try:
        sizes = page.evaluate(
            "Array.from(document.querySelectorAll('.eb-chart')).map(e => {"
            "const s = e.querySelector('svg.marks'); if (!s) return [e.id, 0, 0];"
            "const r = s.getBoundingClientRect(); return [e.id, r.width, r.height]; })"
        )
        assert all(w > 0 and h > 0 for _, w, h in sizes), f"undrawn charts: {sizes}"
        text = page.inner_text("body")
        assert "{glue" not in text and "glue:text" not in text, "unresolved glue"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / (rel.replace("/", "__") + ".png")), full_page=True)
        assert errors == [], f"console errors: {errors}"
        assert offsite == [], f"requests left loopback: {offsite}"
    finally:
        context.close()


# What a chart must satisfy once drawn at a given width: nothing wider than its box, no
# identifier among its labels; and (separately) no legend or title text cut by the box.
FIT_SCRIPT = """() => Array.from(document.querySelectorAll('.eb-chart')).map(e => {
  const box = e.getBoundingClientRect();
  const svg = e.querySelector('svg.marks');
  const r = svg.getBoundingClientRect();
  const texts = Array.from(svg.querySelectorAll('.role-legend text, .role-title text'))
    .map(t => { const b = t.getBoundingClientRect(); return [t.textContent, b.left, b.right]; });
  const labels = Array.from(svg.querySelectorAll('text')).map(t => t.textContent);
  return {id: e.id, box: [box.left, box.right], svg: [r.left, r.right], texts, labels};
})"""


_FITTED: dict[tuple[str, int], list] = {}


def _fit(browser, server, rel, width):
    """The drawn charts' geometry, measured once per page and width (both fit tests read
    it)."""
    if (rel, width) not in _FITTED:
        _FITTED[(rel, width)] = _measure(browser, server, rel, width)
    return _FITTED[(rel, width)]


def _measure(browser, server, rel, width):
    context, page, _, _ = open_page(browser, server, rel, width=width)
    try:
        found = page.evaluate(FIT_SCRIPT)
        page.screenshot(
            path=str(SHOTS / (rel.replace("/", "__") + f".{width}px.png")), full_page=True
        )
        return found
    finally:
        context.close()


PHONE_PX = 360


@pytest.mark.site
@pytest.mark.parametrize("rel", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(browser, server, rel):
    """A long word (a code name, a URL, a reference's title) wraps: the page is no wider
    than a phone's screen, and says which element runs past it if not."""
    context, page, _, _ = open_page(browser, server, rel, width=PHONE_PX)
    try:
        wide = page.evaluate(
            "() => { const w = document.documentElement.clientWidth, out = [];"
            "for (const e of document.querySelectorAll('.bd-article *')) {"
            "  if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0 &&"
            "      getComputedStyle(e).overflowX === 'visible')"
            "    out.push(e.tagName + ': ' + (e.textContent || '').slice(0, 60)); }"
            "return [document.documentElement.scrollWidth, w, out.slice(-3)]; }"
        )
        scroll, width, culprits = wide
        assert scroll <= width, f"{rel} is {scroll} px wide at {width} px: {culprits}"
    finally:
        context.close()


@pytest.mark.site
@pytest.mark.parametrize("width", [400, 1280])
@pytest.mark.parametrize("rel", CHART_PAGES)
def test_charts_fit_their_box_and_speak_plainly(browser, server, rel, width):
    problems = []
    for c in _fit(browser, server, rel, width):
        left, right = c["box"]
        if c["svg"][1] > right + 1 or c["svg"][0] < left - 1:
            problems.append(f"{c['id']}: drawn {c['svg']} outside its box {c['box']}")
        shown = [t for t in c["labels"] if IDENTIFIER.search(t)]
        if shown:
            problems.append(f"{c['id']}: identifiers shown: {shown[:5]}")
    assert not problems, "\n".join(problems)


@pytest.mark.site
@pytest.mark.parametrize("width", [400, 1280])
@pytest.mark.parametrize("rel", CHART_PAGES)
def test_no_legend_or_title_text_is_cut_by_the_box(browser, server, rel, width):
    problems = []
    for c in _fit(browser, server, rel, width):
        left, right = c["box"]
        for text, lo, hi in c["texts"]:
            if hi > right + 1 or lo < left - 1:
                problems.append(
                    f"{c['id']}: {text[:40]!r} at ({lo:.0f}, {hi:.0f}) cut by {c['box']}"
                )
    assert not problems, "\n".join(problems)


FALLBACK_SCRIPT = """() => Array.from(document.querySelectorAll('.eb-chart')).map(e => {
  const box = e.getBoundingClientRect();
  const img = e.querySelector('img.eb-chart-static');
  if (!img) return {id: e.id, img: null};
  const r = img.getBoundingClientRect();
  return {id: e.id, img: img.getAttribute('src'), alt: img.alt, loaded: img.complete &&
          img.naturalWidth > 0, box: [box.left, box.right], drawn: [r.left, r.right, r.height]};
})"""


@pytest.mark.site
@pytest.mark.parametrize("width", [400, 1280])
@pytest.mark.parametrize("rel", CHART_PAGES)
def test_every_chart_has_a_static_fallback_without_scripts(browser, server, rel, width):
    context, page, _, offsite = open_page(browser, server, rel, width=width, javascript=False)
    try:
        # Images are fetched lazily only below the fold when asked to; these are not: wait
        # until every one has settled (loaded or failed), then check.
        page.wait_for_function(
            "Array.from(document.querySelectorAll('img.eb-chart-static')).every(i => i.complete)",
            timeout=WAIT_MS,
        )
        found = page.evaluate(FALLBACK_SCRIPT)
        assert found, "no chart"
        problems = []
        for c in found:
            if not c["img"]:
                problems.append(f"{c['id']}: no fallback image")
                continue
            if not c["loaded"]:
                problems.append(f"{c['id']}: {c['img']} did not load")
            if not c["alt"]:
                problems.append(f"{c['id']}: no text alternative")
            left, right = c["box"]
            lo, hi, height = c["drawn"]
            if height <= 0 or lo < left - 1 or hi > right + 1:
                problems.append(f"{c['id']}: drawn {c['drawn']} outside its box {c['box']}")
        assert not problems, "\n".join(problems)
        assert offsite == []
    finally:
        context.close()


def _fetched(browser, server, rel):
    """Every URL a page fetches with scripts on, once its charts are drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    urls: list[str] = []
    context.on("request", lambda r: urls.append(r.url))
    try:
        page = context.new_page()
        page.goto(f"{server}/{rel}", wait_until="load", timeout=WAIT_MS)
        n = page.locator(".eb-chart").count()
        if n:
            page.wait_for_function(
                f"document.querySelectorAll('.eb-chart-live svg.marks').length === {n}",
                timeout=WAIT_MS,
            )
        return [u.split("?")[0] for u in urls]
    finally:
        context.close()


@pytest.mark.site
@pytest.mark.parametrize("rel", [p for p in PAGES if p.startswith("chapters/")])
def test_a_chapter_fetches_no_fallback_no_search_index_and_only_the_icon_subsets(
    browser, server, rel
):
    urls = _fetched(browser, server, rel)
    assert not [u for u in urls if "/_static/charts/" in u], "fallbacks fetched with scripts"
    assert not [u for u in urls if u.endswith(("searchindex.js", "searchtools.js"))]
    fonts = [u for u in urls if re.search(r"\.(woff2?|ttf|otf)$", u)]
    assert all("/_static/fonts/" in u for u in fonts), f"the theme's full fonts: {fonts}"


@pytest.mark.site
def test_search_still_works_on_the_search_page(browser, server):
    context, page, errors, offsite = open_page(browser, server, "search.html?q=rebound")
    try:
        page.wait_for_selector("#search-results li a", timeout=WAIT_MS)
        hrefs = page.evaluate(
            "Array.from(document.querySelectorAll('#search-results li a')).map(a => "
            "a.getAttribute('href'))"
        )
        assert any("chapters/rebound.html" in h for h in hrefs), hrefs
        assert errors == [] and offsite == []
    finally:
        context.close()


@pytest.mark.site
@pytest.mark.parametrize("rel", PAGES)
def test_page_is_accessible(browser, server, rel):
    from axe_playwright_python.sync_playwright import Axe

    context, page, _, _ = open_page(browser, server, rel)
    try:
        results = Axe().run(page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        assert bad == [], "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
            for v in bad
        )
        levels = page.evaluate(
            "Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4, "
            "main h5, main h6')).map(h => parseInt(h.tagName[1]))"
        )
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"heading levels jump: {levels}"
    finally:
        context.close()


@pytest.mark.site
def test_data_appendix_sources_are_links_and_tables_sort_and_filter(browser, server):
    context, page, _, _ = open_page(browser, server, "appendix/data.html")
    try:
        page.wait_for_selector("table[data-eb-sortable] th button.eb-sort", timeout=WAIT_MS)
        cells = page.evaluate(
            "Array.from(document.querySelectorAll('table.eb-data')).flatMap(t => {"
            "const i = Array.from(t.tHead.rows[0].cells).findIndex(c => "
            "c.textContent.trim() === 'Source');"
            "return Array.from(t.tBodies[0].rows).map(r => r.cells[i].querySelector('a') "
            "? 1 : 0); })"
        )
        assert cells and all(cells), f"{cells.count(0)} data rows without a source link"
        headers = page.evaluate(
            "Array.from(document.querySelectorAll('table.eb-data thead th')).map(t => t.innerText)"
        )
        assert not [h for h in headers if IDENTIFIER.search(h)], "identifiers in titles"
        table = page.locator("table#table-dc_electricity")
        rows = table.locator("tbody tr")
        total = rows.count()
        page.locator("label.eb-filter input").first.fill("United States")
        page.wait_for_function(
            "Array.from(document.querySelectorAll('#table-dc_electricity tbody tr'))"
            f".filter(r => !r.hidden).length < {total}",
            timeout=WAIT_MS,
        )
        visible = [r for r in table.locator("tbody tr").all() if r.is_visible()]
        assert visible and all("United States" in r.inner_text() for r in visible)
        page.locator("label.eb-filter input").first.fill("")
        energy = table.locator("th button", has_text="Energy")
        energy.click()
        page.wait_for_selector("#table-dc_electricity th[aria-sort='ascending']", timeout=WAIT_MS)
        col = page.evaluate(
            "(() => { const t = document.querySelector('#table-dc_electricity');"
            "const i = Array.from(t.tHead.rows[0].cells).findIndex(c => "
            "c.getAttribute('aria-sort')); return Array.from(t.tBodies[0].rows).map(r => "
            "parseFloat(r.cells[i].textContent.replace(/,/g, ''))); })()"
        )
        assert col == sorted(col)
    finally:
        context.close()


@pytest.mark.site
@pytest.mark.parametrize(
    "name",
    [s.name for s in registry.all_chapters() if (HTML / "chapters" / f"{s.name}.html").exists()],
)
def test_headline_numbers_shown_equal_results_json(browser, server, name):
    results = json.loads((HTML / "results" / f"{name}.json").read_text())
    spec = registry.get(name)
    context, page, _, _ = open_page(browser, server, f"chapters/{name}.html")
    try:
        shown = page.evaluate(
            "Array.from(document.querySelectorAll('td.eb-value')).map(td => "
            "[td.dataset.headline, td.dataset.value, td.textContent.trim()])"
        )
        assert {h for h, _, _ in shown} == set(results)
        for headline, value, text in shown:
            expected = results[headline]["value"]
            assert float(value) == expected
            assert text == format(expected, spec.headline(headline).fmt)
        # the re-run box carries the exact command, and the executed notebook downloads
        assert (
            page.locator(f"#eb-rerun-{name} code")
            .first.text_content()
            .startswith(f"energybook run {name}")
        )
        href = page.locator(f"#eb-headlines-{name} a", has_text="executed notebook")
        response = page.request.get(f"{server}/chapters/" + href.get_attribute("href"))
        assert response.ok and json.loads(response.body())["cells"]
    finally:
        context.close()
