"""Write (or check) the reference of every glued value of every chapter notebook.

``tests/reference/glued.json`` holds what each committed chapter notebook glues: the
numbers and phrases its prose shows. nbval keeps the committed notebooks equal to a fresh
execution; this file keeps the committed notebooks equal to the reviewed reference, so that
no glued number changes silently. When a number is *meant* to change, run::

    .venv/bin/python tools/glue_reference.py --write

review the diff of ``tests/reference/glued.json`` and say in the commit (and in
CHANGELOG.md) which numbers moved and why.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference" / "glued.json"


def glued(nb_path: Path) -> dict[str, str]:
    """name -> the glued value as shown (its text/markdown, else its text/plain)."""
    nb = nbformat.read(nb_path, as_version=4)
    out: dict[str, str] = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            meta = o.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            prefix = meta.get("mime_prefix", "")
            data = {k.removeprefix(prefix): v for k, v in o.get("data", {}).items()}
            value = data.get("text/markdown", data.get("text/plain", ""))
            out[meta["name"]] = "".join(value) if isinstance(value, list) else str(value)
    return dict(sorted(out.items()))


def current() -> dict[str, dict[str, str]]:
    return {p.stem: glued(p) for p in sorted((ROOT / "chapters").glob("*.ipynb"))}


def main(argv: list[str]) -> int:
    now = current()
    if "--write" in argv:
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        REFERENCE.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        print(f"wrote {REFERENCE.relative_to(ROOT)}")
        return 0
    ref = json.loads(REFERENCE.read_text())
    bad = 0
    for chapter in sorted(set(ref) | set(now)):
        a, b = ref.get(chapter, {}), now.get(chapter, {})
        for name in sorted(set(a) | set(b)):
            if a.get(name) != b.get(name):
                bad += 1
                print(f"{chapter}.{name}: reference {a.get(name)!r} -> now {b.get(name)!r}")
    print("glued values match the reference" if not bad else f"{bad} glued value(s) differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
