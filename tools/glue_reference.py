"""Write (or check) the reference of every glued value of every chapter notebook.

``tests/reference/glued.json`` holds what each committed chapter notebook glues: the
numbers and phrases its prose shows. nbval keeps the committed notebooks equal to a fresh
execution; this file keeps the committed notebooks equal to the reviewed reference, so that
no glued number changes silently. When a number is *meant* to change, run::

    .venv/bin/python tools/glue_reference.py --write

review the diff of ``tests/reference/glued.json`` and say in the commit (and in
CHANGELOG.md) which numbers moved and why.

``--fresh`` compares the reference with what the library computes now, with no notebook:
each chapter evaluated in-process at its defaults (``page.evaluate``), its numbers, texts and
headlines shown as the notebook glues them (a float's ``repr``, a text as it is). It checks a
change to the library before the notebooks are refreshed; ``--fresh CHAPTER ...`` checks some.
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


def fresh(chapter: str) -> dict[str, str]:
    """What chapter ``chapter`` glues at its default parameters, computed in-process."""
    import importlib

    from energybook import chapters as registry
    from energybook import data

    spec = registry.get(chapter)
    page = importlib.import_module(f"energybook.chapters.{chapter}.page")
    checked = spec.validate(
        {}, context=f"chapter {chapter!r}", tables=data.load_tables(spec.tables)
    )
    ev = page.evaluate(spec.typed(checked), data.load_tables(page.TABLES))
    out = {k: repr(float(v)) for k, v in page.numbers(ev).items()}
    out.update({k: str(v) for k, v in page.texts(ev).items()})
    out.update({k: repr(float(v)) for k, v in page.headlines(ev).items()})
    return dict(sorted(out.items()))


def fresh_all(chapters: list[str] | None = None) -> dict[str, dict[str, str]]:
    from energybook import chapters as registry

    names = chapters or registry.names()
    return {name: fresh(name) for name in sorted(names)}


def main(argv: list[str]) -> int:
    if "--fresh" in argv and "--write" in argv:
        print(
            "--fresh and --write do not go together: the reference holds what the committed "
            "notebooks glue; refresh them (energybook refresh), then run --write alone",
            file=sys.stderr,
        )
        return 2
    if "--fresh" in argv:
        wanted = [a for a in argv if not a.startswith("--")]
        now = fresh_all(wanted or None)
        if "--json" in argv:
            print(json.dumps(now, sort_keys=True))
            return 0
    else:
        now = current()
    if "--write" in argv:
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        REFERENCE.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        print(f"wrote {REFERENCE.relative_to(ROOT)}")
        return 0
    ref = json.loads(REFERENCE.read_text())
    if "--fresh" in argv and [a for a in argv if not a.startswith("--")]:
        ref = {k: v for k, v in ref.items() if k in now}
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
