"""One bibliography: every data row's source has an entry in references.bib, and the data
appendix links each row to it."""

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
    import re

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
