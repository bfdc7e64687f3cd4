"""Every page of the built site, opened in a real browser with the network cut off."""

from __future__ import annotations

import json

import pytest

from energybook import specs

from .conftest import HTML, SHOTS, site_pages

PAGES = site_pages()
LOOPBACK = ("http://127.0.0.1", "http://localhost")


def open_page(browser, server, rel):
    """Open a page; return (page, console errors, requests that tried to leave loopback)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
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
    page.on("requestfailed", lambda r: None if r.url in offsite else errors.append(
        f"request failed: {r.url}"))
    page.goto(f"{server}/{rel}", wait_until="load")
    page.wait_for_load_state("networkidle")
    return context, page, errors, offsite


@pytest.mark.site
@pytest.mark.parametrize("rel", PAGES)
def test_page_renders_offline_without_errors(browser, server, rel):
    context, page, errors, offsite = open_page(browser, server, rel)
    try:
        # every chart container holds a drawn Vega view of non-zero size
        charts = page.locator(".eb-chart")
        n = charts.count()
        if n:
            page.wait_for_function(
                f"document.querySelectorAll('.eb-chart svg.marks').length === {n}",
                timeout=15000)
        sizes = page.evaluate(
            "Array.from(document.querySelectorAll('.eb-chart')).map(e => {"
            "const s = e.querySelector('svg.marks'); if (!s) return [e.id, 0, 0];"
            "const r = s.getBoundingClientRect(); return [e.id, r.width, r.height]; })")
        assert all(w > 0 and h > 0 for _, w, h in sizes), f"undrawn charts: {sizes}"
        text = page.inner_text("body")
        assert "{glue" not in text and "glue:text" not in text, "unresolved glue"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / (rel.replace("/", "__") + ".png")), full_page=True)
        assert errors == [], f"console errors: {errors}"
        assert offsite == [], f"requests left loopback: {offsite}"
    finally:
        context.close()


@pytest.mark.site
@pytest.mark.parametrize("rel", PAGES)
def test_page_is_accessible(browser, server, rel):
    from axe_playwright_python.sync_playwright import Axe

    context, page, _, _ = open_page(browser, server, rel)
    try:
        results = Axe().run(page)
        bad = [v for v in results.response["violations"]
               if v.get("impact") in ("serious", "critical")]
        assert bad == [], "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            f"{[n['target'] for n in v['nodes']][:5]}" for v in bad)
        levels = page.evaluate(
            "Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4, "
            "main h5, main h6')).map(h => parseInt(h.tagName[1]))")
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"heading levels jump: {levels}"
    finally:
        context.close()


@pytest.mark.site
@pytest.mark.parametrize("name", [s.name for s in specs.all_chapters()
                                  if (HTML / "chapters" / f"{s.name}.html").exists()])
def test_headline_numbers_shown_equal_results_json(browser, server, name):
    results = json.loads((HTML / "results" / f"{name}.json").read_text())
    spec = specs.get(name)
    context, page, _, _ = open_page(browser, server, f"chapters/{name}.html")
    try:
        shown = page.evaluate(
            "Array.from(document.querySelectorAll('td.eb-value')).map(td => "
            "[td.dataset.headline, td.dataset.value, td.innerText.trim()])")
        assert {h for h, _, _ in shown} == set(results)
        for headline, value, text in shown:
            expected = results[headline]["value"]
            assert float(value) == expected
            assert text == format(expected, spec.headline(headline).fmt)
        # the re-run box carries the exact command, and the executed notebook downloads
        assert page.locator(f"#eb-rerun-{name} code").first.inner_text().startswith(
            f"energybook run {name}")
        href = page.locator(f"#eb-headlines-{name} a", has_text="executed notebook")
        response = page.request.get(f"{server}/chapters/" + href.get_attribute("href"))
        assert response.ok and json.loads(response.body())["cells"]
    finally:
        context.close()
