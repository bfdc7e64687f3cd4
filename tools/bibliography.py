"""Keep ``references.bib`` complete: every source of every data row has an entry.

``references.bib`` is the book's one bibliography (sphinxcontrib-bibtex). Works cited in
the prose are written there by hand. Every data row's source (publisher, title, year, URL or
DOI) must have an entry too, found by its URL or DOI; this tool adds one, with a key made
from the publisher, the year and the title, for each source that lacks one. It never
changes or removes an entry that is already there. Run::

    .venv/bin/python tools/bibliography.py --write   # add the missing entries
    .venv/bin/python tools/bibliography.py           # check: exit 1 if any is missing
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "references.bib"
sys.path.insert(0, str(ROOT / "lib"))

from energybook.bib import entries, normalise_url  # noqa: E402

STOP = {"a", "an", "the", "of", "on", "and", "for", "in", "to", "via", "s", "de", "la", "les"}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _word(text: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", _ascii(text).lower()) if w not in STOP]
    return words[0] if words else "x"


def make_key(publisher: str, year: int, title: str, taken: set[str]) -> str:
    base = f"{_word(publisher)}{year}{_word(title)}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}{n}", n + 1
    return key


def data_sources() -> list[tuple[str, str, int, str]]:
    """Every distinct (publisher, title, year, url) of every data row."""
    from energybook import data

    found: set[tuple[str, str, int, str]] = set()
    pkg = data.read_package()
    for res in pkg["resources"]:
        path = data.data_dir() / res["path"]
        if not path.exists():
            continue
        for row in data.validate_rows(res, path):
            found.add(
                (
                    row["source_publisher"],
                    row["source_title"],
                    int(row["source_year"]),
                    row["source_url"],
                )
            )
    return sorted(found)


def _bib_escape(text: str) -> str:
    return text.replace("{", "").replace("}", "").replace("&", r"\&").replace("%", r"\%")


def missing_entries(text: str) -> list[str]:
    known = entries(text)
    by_url = {v for v in known.values() if v}
    taken = set(known)
    new = []
    for publisher, title, year, url in data_sources():
        norm = normalise_url(url)
        if norm in by_url or not re.match(r"^(https?://|doi:|10\.)", url.strip()):
            continue  # known, or not a public source (the book's own measurement files)
        key = make_key(publisher, year, title, taken)
        taken.add(key)
        by_url.add(norm)
        field = (
            f"  doi = {{{url.strip().removeprefix('doi:')}}},"
            if url.startswith(("doi:", "10."))
            else f"  url = {{{url.strip()}}},"
        )
        new.append(
            f"@misc{{{key},\n  author = {{{{{_bib_escape(publisher)}}}}},\n"
            f"  title = {{{{{_bib_escape(title)}}}}},\n  year = {{{year}}},\n{field}\n}}"
        )
    return new


def main(argv: list[str]) -> int:
    text = BIB.read_text(encoding="utf-8") if BIB.exists() else ""
    new = missing_entries(text)
    if "--write" in argv:
        if new:
            head = "" if text.endswith("\n\n") or not text else "\n"
            BIB.write_text(text + head + "\n\n".join(new) + "\n", encoding="utf-8")
        print(f"added {len(new)} entries to references.bib")
        return 0
    if new:
        print(f"references.bib lacks {len(new)} data sources: run tools/bibliography.py --write")
        for e in new[:10]:
            print(e.splitlines()[0])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
