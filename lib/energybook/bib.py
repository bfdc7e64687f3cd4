"""The bibliography, ``references.bib``: which entry a data row's source is, and its anchor
on the references page (``bibtex_cite_id: "ref-{key}"`` in _config.yml)."""

from __future__ import annotations

import re
from pathlib import Path


def normalise_url(url: str) -> str:
    """A URL or DOI in one form, for matching a row's source to its entry."""
    u = url.strip().lower()
    u = re.sub(r"^https?://(dx\.)?doi\.org/", "doi:", u)
    if u.startswith("10."):
        u = "doi:" + u
    u = re.sub(r"^https?://(www\.)?", "", u)
    return u.rstrip("/")


def entries(text: str) -> dict[str, str]:
    """key -> the entry's DOI or URL (normalised; empty when it has neither)."""
    out: dict[str, str] = {}
    for m in re.finditer(r"@\w+\{([^,\s]+),(.*?)\n\}", text, flags=re.S):
        key, body = m.group(1), m.group(2)
        url = re.search(r"\burl\s*=\s*\{([^}]*)\}", body)
        doi = re.search(r"\bdoi\s*=\s*\{([^}]*)\}", body)
        if doi:
            out[key] = normalise_url("doi:" + doi.group(1))
        elif url:
            out[key] = normalise_url(url.group(1))
        else:
            out[key] = ""
    return out


def anchor(key: str) -> str:
    """The id of entry ``key`` on the references page (docutils' make_id of "ref-KEY")."""
    return "ref-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def anchors_by_source(path: Path) -> dict[str, str]:
    """Normalised URL or DOI -> anchor of its entry, for every entry that has one."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return {url: anchor(key) for key, url in entries(text).items() if url}
