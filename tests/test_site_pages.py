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
