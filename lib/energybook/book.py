"""The book's contents: which chapters ``_toc.yml`` lists, and where the repository is.

Read by the pipeline (what to execute and build) and by the site (which chapters the
appendix pages describe), so that neither imports the other.
"""

from __future__ import annotations

import os
from pathlib import Path

from energybook import chapters
from energybook.declare import ChapterSpec


def repo_root() -> Path:
    env = os.environ.get("ENERGYBOOK_ROOT")
    return Path(env).resolve() if env else Path(__file__).resolve().parents[2]


def toc_chapters(root: Path | None = None) -> list[str]:
    """Chapter names listed in ``_toc.yml``, in book order (``chapters/<name>`` entries)."""
    import yaml

    root = root or repo_root()
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            f = node.get("file")
            if isinstance(f, str) and f.startswith("chapters/"):
                found.append(f.split("/", 1)[1].removesuffix(".ipynb"))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(toc)
    return found


def book_chapters(root: Path | None = None) -> list[ChapterSpec]:
    """The chapters of the book: those in ``_toc.yml``, each with its declaration."""
    return [chapters.get(name) for name in toc_chapters(root)]
