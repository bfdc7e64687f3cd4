"""The ``--write`` / check step that the generators in ``tools/`` share: a generated file
is rewritten with ``--write``, and otherwise compared with what its sources give now (exit 1
when it is stale, so that ``make lint`` fails)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_or_check(path: Path, text: str, argv: list[str], tool: str, current: str) -> int:
    """Write ``text`` to ``path`` (``--write`` in ``argv``), or check that ``path`` holds it;
    ``current`` says what a current file matches."""
    name = path.relative_to(ROOT)
    if "--write" in argv:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {name}")
        return 0
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        print(f"{name} is stale: run {tool} --write")
        return 1
    print(f"{name} matches {current}")
    return 0
