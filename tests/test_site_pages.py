"""The appendix pages are generated from the declarations, and cover all of them."""

from energybook import book, data, site
from energybook import chapters as specs


def test_parameters_page_lists_every_parameter_and_rerun_command():
    page = site.parameters_page()
    for spec in book.book_chapters():
        assert f"## {spec.title}" in page
        assert f"`energybook run {spec.name}`" in page
        for p in spec.params:
            assert f"`{p.name}`" in page


def test_data_page_lists_every_table_field_and_download(root):
    page = site.data_page(root)
    assert "{download}`datapackage.json <../data/datapackage.json>`" in page
    for res in data.read_package(root / "data")["resources"]:
        assert f"## {res['title']}" in page
        if (root / "data" / res["path"]).exists():
            assert f"<../data/{res['path']}>" in page
            assert f'id="table-{res["name"]}" data-eb-sortable="true"' in page
        for f in res["schema"]["fields"]:
            assert f"| {f['name'].replace('_', chr(92) + '_')} |" in page


def test_data_page_column_titles_are_plain_language(root):
    import re

    page = site.data_page(root)
    for head in re.findall(r"<thead>(.*?)</thead>", page, flags=re.S):
        for title in re.findall(r"<th[^>]*>(.*?)</th>", head):
            visible = re.sub(r"<[^>]+>", "", title)
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", visible), visible


def test_parameters_are_downloadable_as_csv_and_json(root, tmp_path):
    import csv
    import json

    site.write_generated_pages(root, tmp_path)
    rows = json.loads((tmp_path / "_extra" / "parameters.json").read_text())
    with (tmp_path / "_extra" / "parameters.csv").open() as fh:
        assert len(list(csv.DictReader(fh))) == len(rows)
    assert {(r["chapter"], r["name"]) for r in rows} == {
        (s.name, p.name) for s in book.book_chapters() for p in s.params
    }


def test_reproducibility_page_pins_the_environment(root):
    page = site.reproducibility_page(root)
    versions = dict(site.locked_versions(root))
    assert versions["jupyter-book"] == "1.0.4.post1"
    assert "| jupyter-book | 1.0.4.post1 |" in page.replace("\\", "")
    assert "make book" in page and "energybook build -f scenario.yaml" in page


def test_reproducibility_date_follows_source_date_epoch(root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert "dated 2023-11-14" in site.reproducibility_page(root)


def test_every_chapter_is_on_the_parameters_page_once():
    page = site.parameters_page()
    for spec in specs.all_chapters():
        assert page.count(f"## {spec.title}") == 1


def test_the_key_findings_quote_only_declared_headlines(root):
    """intro.md quotes headline numbers as MyST substitutions; each must name a declared
    headline of a chapter in the book, so that a renamed headline fails here, not in the
    build."""
    import re

    text = (root / "intro.md").read_text()
    used = set(re.findall(r"\{\{\s*([a-z0-9_]+)\s*\}\}", text))
    declared = {f"{s.name}_{h.name}" for s in book.book_chapters() for h in s.headlines}
    assert used, "the key findings quote computed numbers"
    assert used <= declared, f"not headlines: {sorted(used - declared)}"
    # Years, names with digits (H100, BF16) and the 90% of an interval's definition aside,
    # no digit may be typed.
    rest = re.sub(r"\{\{.*?\}\}|\(chapters/[^)]*\)|\b\d{4}\b|\b[A-Za-z]+\d+\w*|90%", "", text)
    assert not re.search(r"\d", rest), "a number typed into the key findings"


def test_substitutions_are_formatted_like_the_headline_box(tmp_path):
    import json

    from energybook import chapters

    spec = chapters.get("overview")
    results = {h.name: {"value": 1234.5678} for h in spec.headlines}
    (tmp_path / "overview.json").write_text(json.dumps(results))
    subs = site.headline_substitutions(tmp_path)
    for h in spec.headlines:
        assert subs[f"overview_{h.name}"] == format(1234.5678, h.fmt)


# ----------------------------------------------------------------- the site's Sphinx extension
SEARCH_TAGS = (
    '    <script src="../_static/searchtools.js"></script>\n'
    '    <script src="../_static/language_data.js"></script>\n'
    '    <script src="../searchindex.js"></script>\n'
)


def test_the_search_index_stays_on_the_search_page_only(tmp_path):
    from energybook import sphinxext

    (tmp_path / "chapters").mkdir()
    page = f"<head>\n{SEARCH_TAGS}<script src='x.js'></script></head>"
    (tmp_path / "chapters" / "a.html").write_text(page)
    (tmp_path / "search.html").write_text(page)
    sphinxext.drop_search_scripts(tmp_path)
    assert (
        tmp_path / "chapters" / "a.html"
    ).read_text() == "<head>\n<script src='x.js'></script></head>"
    assert (tmp_path / "search.html").read_text() == page
    sphinxext.drop_search_scripts(tmp_path)  # idempotent
    assert "searchindex" not in (tmp_path / "chapters" / "a.html").read_text()


FONT_FACE = (
    '@font-face{{font-family:X;src:url(../vendor/fontawesome/webfonts/{n}.woff2) format("woff2"),'
    'url(../vendor/fontawesome/webfonts/{n}.ttf) format("truetype")}}'
)


def _theme_site(tmp_path):
    styles = tmp_path / "_static" / "styles"
    styles.mkdir(parents=True)
    (tmp_path / "_static" / "scripts").mkdir()
    (tmp_path / "_static" / "fonts").mkdir()
    (tmp_path / "_static" / "fonts" / "fa-solid-900.woff").write_bytes(b"wOFF")
    (tmp_path / "_static" / "scripts" / "fontawesome.js").write_text(
        '(function(){var I={"download":[1,1,"M0"]};\n})();'
    )
    (tmp_path / "page.html").write_text('<i class="fab fa-github"></i>')
    css = (
        FONT_FACE.format(n="fa-solid-900")
        + FONT_FACE.format(n="fa-brands-400")
        + '.fa-download:before{content:"\\f019"}.fa-zzz:before{content:"\\f000"}'
        + '.fa-aaa:before,.fa-github:before{content:"\\f09b"}.fa-lg{font-size:1.25em}'
    )
    (styles / "pydata-sphinx-theme.css").write_text(css)
    return styles / "pydata-sphinx-theme.css"


def test_the_theme_stylesheet_keeps_only_the_shown_icons_and_the_font_subsets(tmp_path):
    from energybook import sphinxext

    path = _theme_site(tmp_path)
    sphinxext.slim_theme_css(tmp_path)
    css = path.read_text()
    assert 'url(../fonts/fa-solid-900.woff) format("woff")' in css
    assert "fa-solid-900.woff2" not in css
    # no subset of the brands font: its rule is left as the theme wrote it
    assert "webfonts/fa-brands-400.woff2" in css
    assert '.fa-download:before{content:"\\f019"}' in css  # the icon script's
    assert '.fa-github:before{content:"\\f09b"}' in css  # a class on a page
    assert "fa-zzz" not in css and "fa-aaa" not in css
    assert ".fa-lg{font-size:1.25em}" in css
    sphinxext.slim_theme_css(tmp_path)
    assert path.read_text() == css, "not idempotent"


def test_scripts_kept_on_a_page():
    from energybook import sphinxext

    assert not sphinxext.keep_script("https://unpkg.com/thebe.js", True)
    assert not sphinxext.keep_script("scripts/fontawesome.js", True)
    from sphinx.builders.html._assets import _JavaScript

    assert not sphinxext.keep_script(_JavaScript("scripts/fontawesome.js"), True)
    assert sphinxext.keep_script(_JavaScript("tables.js"), False)
    assert not sphinxext.keep_script(_JavaScript("vega-bundle.js"), False)
    assert sphinxext.keep_script("vega-bundle.js", True)
    assert not sphinxext.keep_script("vega-bundle.js", False)
    assert sphinxext.keep_script("tables.js", False)


def test_fallback_images_point_at_their_files():
    from energybook import render, sphinxext

    body = f'<img class="eb-chart-static" {render.FALLBACK_ATTR}="eb-chart-0123456789ab.svg">'
    out = sphinxext.fallback_sources(body, lambda p, resource: f"../{p}")
    assert out == '<img class="eb-chart-static" src="../_static/charts/eb-chart-0123456789ab.svg">'
