"""Keep ``references.bib`` complete: every source of every data row has an entry.

``references.bib`` is the book's one bibliography (sphinxcontrib-bibtex). Works cited in
the prose are written there by hand. Every data row's source (publisher, title, year, URL or
DOI) must have an entry too, found by its URL or DOI; this tool adds one, with a key made
from the publisher, the year and the title, for each source that lacks one, and the
publisher as a *corporate* author (``author = {{International Energy Agency}}``: one name,
which BibTeX never splits into first and last names, "Agency, I. E."). It never removes an
entry, and changes one only to wrap in its own braces an author that is the publisher of the
entry's data source written as splittable names. Run::

    .venv/bin/python tools/bibliography.py --write   # add missing entries, fix split names
    .venv/bin/python tools/bibliography.py           # check: exit 1 if any is missing or split
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


def entry_text(key: str, publisher: str, title: str, year: int, url: str) -> str:
    """The entry of one data source. The publisher is the *corporate* author: one name in
    double braces (``author = {{International Energy Agency}}``), which BibTeX and pybtex
    keep whole, never split into first and last names ("Agency, I. E."), so the references
    page and the author-year citations show the organisation as it calls itself."""
    field = (
        f"  doi = {{{url.strip().removeprefix('doi:')}}},"
        if url.startswith(("doi:", "10."))
        else f"  url = {{{url.strip()}}},"
    )
    return (
        f"@misc{{{key},\n  author = {{{{{_bib_escape(publisher)}}}}},\n"
        f"  title = {{{{{_bib_escape(title)}}}}},\n  year = {{{year}}},\n{field}\n}}"
    )


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
        new.append(entry_text(key, publisher, title, year, url))
    return new


_AUTHOR = re.compile(r"^(\s*author\s*=\s*)\{(.*)\}(,?)\s*$", flags=re.M)


def _corporate(value: str) -> bool:
    """Whether an author field's value is one name in its own braces (``{...}`` whole)."""
    if not (value.startswith("{") and value.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(value):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0 and i < len(value) - 1:
            return False  # "{A} and {B}": braces that close before the end
    return True


def split_publishers(text: str) -> list[str]:
    """Keys of entries whose author is a data source's publisher string that BibTeX would
    split into personal names (not wrapped in its own braces): an organisation shown as
    "Agency, I. E.". Hand-written lists of persons are left alone: only an author equal to
    the publisher of the data source with the entry's URL counts."""
    publishers: dict[str, set[str]] = {}
    for publisher, _, _, url in data_sources():
        publishers.setdefault(normalise_url(url), set()).add(_bib_escape(publisher))
    bad = []
    for m in re.finditer(r"@\w+\{([^,\s]+),(.*?)\n\}", text, flags=re.S):
        key, body = m.group(1), m.group(2)
        author = _AUTHOR.search(body)
        url = entries(m.group(0)).get(key, "")
        if (
            author
            and not _corporate(author.group(2))
            and author.group(2) in publishers.get(url, ())
        ):
            bad.append(key)
    return bad


def make_corporate(text: str, keys: list[str]) -> str:
    """``text`` with the author of each entry in ``keys`` wrapped in its own braces."""

    def fix(m: re.Match) -> str:
        if m.group(1) not in keys:
            return m.group(0)
        body = _AUTHOR.sub(lambda a: f"{a.group(1)}{{{{{a.group(2)}}}}}{a.group(3)}", m.group(2))
        return m.group(0).replace(m.group(2), body, 1)

    return re.sub(r"@\w+\{([^,\s]+),(.*?)\n\}", fix, text, flags=re.S)


def main(argv: list[str]) -> int:
    text = BIB.read_text(encoding="utf-8") if BIB.exists() else ""
    new = missing_entries(text)
    split = split_publishers(text)
    if "--write" in argv:
        text = make_corporate(text, split)
        if new:
            head = "" if text.endswith("\n\n") or not text else "\n"
            text = text + head + "\n\n".join(new) + "\n"
        if new or split:
            BIB.write_text(text, encoding="utf-8")
        print(f"added {len(new)} entries to references.bib; made {len(split)} authors corporate")
        return 0
    if new:
        print(f"references.bib lacks {len(new)} data sources: run tools/bibliography.py --write")
        for e in new[:10]:
            print(e.splitlines()[0])
    if split:
        print(
            f"references.bib splits {len(split)} organisations into personal names: "
            "run tools/bibliography.py --write"
        )
        for key in split[:10]:
            print(f"  {key}")
    return 1 if new or split else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
