"""One bibliography: every data row's source has an entry in references.bib, and the data
appendix links each row to it."""

import re
import sys
from pathlib import Path

from energybook import bib, site

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import bibliography  # noqa: E402


def test_every_data_source_has_a_bibliography_entry():
    text = (ROOT / "references.bib").read_text()
    missing = bibliography.missing_entries(text)
    assert not missing, "run .venv/bin/python tools/bibliography.py --write:\n" + "\n".join(
        m.splitlines()[0] for m in missing[:10]
    )


def test_keys_are_unique_and_anchors_are_stable():
    text = (ROOT / "references.bib").read_text()
    keys = [line.split("{", 1)[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]
    assert len(keys) == len(set(keys))
    assert bib.anchor("Sorrell2009Jevons") == "ref-sorrell2009jevons"
    assert bib.normalise_url("https://doi.org/10.1126/SCIENCE.aba3758") == bib.normalise_url(
        "10.1126/science.aba3758"
    )


def test_data_appendix_sources_are_links_to_source_and_entry():
    page = site.data_page(ROOT)
    body_rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>", 1)[1], flags=re.S)
    body_rows = [r for r in body_rows if "<th" not in r]
    assert len(body_rows) > 100
    anchors = bib.anchors_by_source(ROOT / "references.bib")
    for row in body_rows:
        assert "<a href=" in row, f"a source that is not a link: {row[:200]}"
    linked = sum('class="eb-bibref"' in r for r in body_rows)
    assert linked >= len(body_rows) // 2, "most rows point to their bibliography entry"
    assert all(a.startswith("ref-") for a in anchors.values())


def _persons(entry_text: str):
    from pybtex.database import parse_string

    (entry,) = parse_string(entry_text, "bibtex").entries.values()
    return entry.persons.get("author", [])


def test_a_generated_entry_names_its_organisation_as_one_corporate_author():
    """The tool's entry keeps "International Energy Agency" whole (one name, no first
    names): pybtex, which sphinxcontrib-bibtex uses, and the author-year label show it as
    written. The same name in single braces is split into first names and a last name, the
    "Agency, I. E." defect; the check finds it and --write fixes it, touching nothing else."""
    good = bibliography.entry_text(
        "iea2025energy", "International Energy Agency", "Energy and AI", 2025, "https://x.org/a"
    )
    (person,) = _persons(good)
    assert not person.first_names and not person.middle_names
    assert person.last_names == ["{International Energy Agency}"]
    assert person.rich_last_names[0].render_as("text") == "International Energy Agency"
    split = good.replace("{{International Energy Agency}}", "{International Energy Agency}")
    (naive,) = _persons(split)
    assert naive.first_names + naive.middle_names == ["International", "Energy"]
    assert naive.last_names == ["Agency"]
    assert not bibliography._corporate("International Energy Agency")
    assert not bibliography._corporate("{Sorrell} and {Dimitropoulos}")
    assert bibliography._corporate("{International Energy Agency}")
    hand = "@article{s2009,\n  author = {Sorrell, Steve},\n  title = {J},\n  year = {2009},\n}"
    fixed = bibliography.make_corporate(split + "\n\n" + hand, ["iea2025energy"])
    assert fixed == good + "\n\n" + hand


def test_every_data_source_entry_is_a_corporate_author():
    """Every entry of references.bib made for a data source (its URL or DOI is a data row's)
    whose author is that row's publisher has it as one corporate name, and no entry is
    flagged by the tool's check."""
    text = (ROOT / "references.bib").read_text()
    assert bibliography.split_publishers(text) == []
    sources: dict[str, set[str]] = {}
    for p, _, _, u in bibliography.data_sources():
        sources.setdefault(bib.normalise_url(u), set()).add(p.replace("{", "").replace("}", ""))
    by_url = bib.entries(text)
    blocks = dict(
        re.findall(r"@\w+\{([^,\s]+),(.*?)\n\}", text, flags=re.S)  # key -> body
    )
    checked = 0
    for key, url in by_url.items():
        publishers = sources.get(url)
        if publishers is None or "{{" not in blocks[key]:
            continue  # a hand entry citing persons
        persons = _persons(f"@misc{{{key},{blocks[key]}\n}}")
        assert len(persons) == 1 and not persons[0].first_names, key
        assert persons[0].rich_last_names[0].render_as("text") in publishers, key
        checked += 1
    assert checked > 80
