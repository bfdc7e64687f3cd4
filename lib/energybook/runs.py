"""Run folders: where ``energybook run`` may write, what it writes, and comparing results.

A run folder holds one re-run of one chapter:

- ``CHAPTER.ipynb`` (executed) and ``CHAPTER.html`` (a page that works offline);
- ``results.json`` and ``results.csv``: every headline number with its default, this run's
  value and the change;
- ``parameters.json``: every parameter of the run;
- ``charts/``: the data behind every chart of the chapter, one CSV per dataset, listed in
  ``charts/index.csv``;
- ``.energybook-run.json``: the marker that says the folder is a run folder, so that a later
  run may replace it. A folder without it is never written into unless it is empty.

An output folder is refused (:class:`~energybook.params.ParameterError`) when it is, or
resolves (through ``..`` or symbolic links) to, the repository root or a place inside one of
the book's own folders (``_build``, ``chapters``, ``data``, ``lib``, ``.git``, ...), an
existing file, or a non-empty folder that is not a run folder.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from energybook import chapters as registry
from energybook.params import ParameterError
from energybook.yamlsafe import clip

MARKER = ".energybook-run.json"

# The book's own folders: never an output folder, nor anything inside them.
PROTECTED = {
    "_build": "the published site and the execution cache",
    "chapters": "the chapter notebooks",
    "data": "the data tables",
    "lib": "the library",
    ".git": "git's own data",
    "_static": "the site's static files",
    "tests": "the tests",
    "tools": "the tools",
    "bench": "the benchmarks",
    ".venv": "the virtual environment",
}


# --------------------------------------------------------------------------- folders
def check_output_folder(
    outdir: str | os.PathLike,
    root: Path,
    *,
    allow_inside: Iterable[str] = (),
    what: str = "output folder",
) -> Path:
    """The resolved output folder, or :class:`ParameterError` saying why it is refused.

    ``allow_inside``: folders relative to ``root`` that are allowed although a protected
    folder holds them (``_build/scenarios`` for scenario builds).
    """
    name = str(outdir)
    try:
        target = Path(outdir).expanduser().resolve()
    except (OSError, RuntimeError) as e:  # a symlink loop, say
        raise ParameterError([f"{what} {clip(name)} cannot be resolved ({e})"]) from None
    shown = clip(name) + ("" if Path(name) == target else f" (that is {clip(str(target))})")
    # The book being run, and the repository this library lives in, if another.
    for book in dict.fromkeys([root.resolve(), Path(__file__).resolve().parents[2]]):
        _check_not_in_book(target, book, shown, what, allow_inside)
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise ParameterError([f"{what} {shown} exists and is not a folder"])
        try:
            entries = [e.name for e in os.scandir(target)]
        except OSError as e:
            raise ParameterError([f"{what} {shown} cannot be read ({e.strerror})"]) from None
        if entries and MARKER not in entries:
            raise ParameterError(
                [
                    f"{what} {shown} is not empty and is not the output of an earlier "
                    f"energybook run (it has no {MARKER}): choose a new or empty folder"
                ]
            )
    parent = next((p for p in [target, *target.parents] if p.exists()), Path("/"))
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ParameterError([f"{what} {shown} cannot be created in {clip(str(parent))}"])
    return target


def _check_not_in_book(
    target: Path, root: Path, shown: str, what: str, allow_inside: Iterable[str]
) -> None:
    if not (root / "chapters").is_dir() and not (root / "_toc.yml").exists():
        return  # not a book (an installed library)
    if target == root:
        raise ParameterError(
            [
                f"{what} {shown} is the repository root: choose a folder of "
                "its own, such as out/CHAPTER"
            ]
        )
    if target in root.parents:
        raise ParameterError(
            [
                f"{what} {shown} contains the repository: choose a folder "
                "of its own, such as out/CHAPTER"
            ]
        )
    allowed = [(root / a).resolve() for a in allow_inside]
    if any(a == target or a in target.parents for a in allowed):
        return
    for folder, meaning in PROTECTED.items():
        top = root / folder
        if target == top or top in target.parents:
            raise ParameterError(
                [
                    f"{what} {shown} is inside {folder}/ ({meaning}): a re-run must never "
                    "write there; choose a folder of its own, such as out/CHAPTER"
                ]
            )


def replace_folder(staging: Path, target: Path, marker: Mapping[str, Any]) -> None:
    """Make ``target`` hold exactly the files of ``staging`` (and the marker). The old
    folder, an earlier run's, is replaced only once the new one is complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        shutil.copytree(staging, fresh, dirs_exist_ok=True)
        (fresh / MARKER).write_text(
            json.dumps(marker, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        os.chmod(fresh, 0o755)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / "run")
        try:
            os.replace(fresh, target)
        except OSError:
            if old is not None:  # put the earlier run back
                os.replace(old / "run", target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if fresh.exists():
            shutil.rmtree(fresh, ignore_errors=True)


# --------------------------------------------------------------------------- results
def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def change(value: float, default: float | None) -> dict[str, Any]:
    """``{"absolute": value - default, "percent": ...}``; percent is null from a zero
    default."""
    if default is None or not _finite(default) or not _finite(value):
        return {"absolute": None, "percent": None}
    absolute = value - default
    percent = None if default == 0 else 100.0 * absolute / abs(default)
    return {"absolute": absolute, "percent": percent}


def moved(value: float, default: float | None) -> bool | None:
    if default is None:
        return None
    return not math.isclose(value, default, rel_tol=1e-12, abs_tol=1e-12)


def with_defaults(
    results: Mapping[str, Mapping[str, Any]], defaults: Mapping[str, Mapping[str, Any]] | None
) -> dict[str, dict]:
    """Each headline with ``default``, ``change`` and ``moved`` added."""
    out = {}
    for name, r in results.items():
        d = (defaults or {}).get(name, {}).get("value")
        out[name] = {
            **r,
            "default": d,
            "change": change(r["value"], d),
            "moved": moved(r["value"], d),
        }
    return out


def results_csv(results: Mapping[str, Mapping[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["name", "description", "unit", "default", "value", "change", "change_percent", "moved"]
    )
    for name, r in results.items():
        ch = r.get("change") or {}
        w.writerow(
            [
                name,
                r.get("description", ""),
                r.get("unit", ""),
                _num(r.get("default")),
                _num(r["value"]),
                _num(ch.get("absolute")),
                _num(ch.get("percent")),
                "" if r.get("moved") is None else str(r["moved"]).lower(),
            ]
        )
    return buf.getvalue()


def _num(x: Any) -> str:
    return "" if x is None else repr(float(x))


def stored_results(chapter: str, root: Path) -> dict[str, dict[str, Any]] | None:
    """The headline numbers stored in the committed notebook ``chapters/CHAPTER.ipynb``
    (its outputs are those of the defaults: ``energybook refresh`` writes them and nbval
    checks them)."""
    import nbformat

    from energybook.publish import extract_results

    path = root / registry.get(chapter).notebook
    try:
        nb = nbformat.from_dict(json.loads(path.read_text(encoding="utf-8")))
        return extract_results(nb, chapter)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def default_results(chapter: str, root: Path) -> tuple[dict[str, dict] | None, str]:
    """The chapter's headline numbers under its defaults, and where they come from: the
    build's execution cache when it holds the defaults of the current sources, else the
    committed notebook's stored outputs."""
    from energybook import pipeline

    spec = registry.get(chapter)
    executed = root / pipeline.BUILD / "executed"
    key_file, res_file = executed / f"{chapter}.key", executed / f"{chapter}.results.json"
    try:
        if key_file.read_text() == pipeline.cache_key(chapter, spec.params.defaults(), root):
            return json.loads(res_file.read_text()), "the build's cache (_build/executed)"
    except (OSError, ValueError):
        pass
    stored = stored_results(chapter, root)
    if stored is not None:
        return stored, f"the stored outputs of {spec.notebook}"
    return None, "none found"


def differing(chapter: str, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Parameters whose value differs from the default: name -> (value, default)."""
    spec = registry.get(chapter)
    return {
        p.name: (values[p.name], p.default)
        for p in spec.params
        if p.name in values and values[p.name] != p.default
    }


def required_tables(chapter: str) -> list[str]:
    """The data tables a chapter reads: its spec's (for its checks) and its page's."""
    import importlib
    import importlib.util

    spec = registry.get(chapter)
    names = list(spec.tables)
    base = f"{registry.__name__}.{chapter}.page"
    try:
        found = importlib.util.find_spec(base) is not None
    except ModuleNotFoundError:
        found = False
    if found:
        names += [t for t in getattr(importlib.import_module(base), "TABLES", ()) if t not in names]
    return names


def missing_tables(chapter: str, present: Mapping[str, Any]) -> list[str]:
    """Problems for the tables ``chapter`` reads that are not among ``present`` (the
    validated tables: an optional table not yet filled is absent too)."""
    from energybook import data

    declared = {r["name"]: r for r in data.read_package()["resources"]}
    out = []
    for t in required_tables(chapter):
        if t not in declared:
            out.append(
                f"chapter {chapter!r} reads the table {t!r}, which "
                "data/datapackage.json does not declare"
            )
        elif t not in present and not declared[t].get("optional"):
            out.append(f"chapter {chapter!r} reads the table {t!r}, whose file is missing")
    return out


def plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def text(value: Any) -> str:
    if isinstance(value, tuple | list):
        return ",".join(map(str, value))
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# --------------------------------------------------------------------------- chart data
def slug(text_: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", text_).strip("-").lower()
    return s[:60] or "chart"


def chart_datasets(spec: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    """The inline datasets of a Vega-Lite spec (top-level ``datasets``, else every inline
    ``data.values``), in a stable order."""
    found: list[list[dict[str, Any]]] = []
    ds = spec.get("datasets")
    if isinstance(ds, Mapping) and ds:
        found += [v for _, v in sorted(ds.items()) if isinstance(v, list)]
        return found

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            data = node.get("data")
            if isinstance(data, Mapping) and isinstance(data.get("values"), list):
                found.append(data["values"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return found


def _title(spec: Mapping[str, Any]) -> str:
    t = spec.get("title")
    if isinstance(t, Mapping):
        t = t.get("text")
    if isinstance(t, list):
        t = " ".join(map(str, t))
    return str(t or "")


def records_csv(records: list[Any]) -> tuple[str, list[str]]:
    rows = [r if isinstance(r, Mapping) else {"value": r} for r in records]
    columns: list[str] = []
    for r in rows:
        for k in r:
            if k not in columns:
                columns.append(str(k))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(v) for k, v in r.items()})
    return buf.getvalue(), columns


def _cell(v: Any) -> Any:
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, dict | list):
        return json.dumps(v, sort_keys=True)
    return v


_SPEC_START = re.compile(r"var s=(?=\{)")


def specs_in_html(markup: str) -> list[dict]:
    """The Vega-Lite specs the book's offline renderer (``render.render_html``) embeds in a
    page: a JSON object after each ``var s=``."""
    decoder = json.JSONDecoder()
    found = []
    for m in _SPEC_START.finditer(markup):
        try:
            spec, _ = decoder.raw_decode(markup, m.end())
        except ValueError:
            continue
        if isinstance(spec, dict):
            found.append(spec)
    return found


def notebook_specs(nb: Any) -> dict[str, dict]:
    """Vega-Lite specs of the charts shown in an executed notebook, named after their
    titles."""
    out: dict[str, dict] = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            markup = o.get("data", {}).get("text/html")
            if not markup:
                continue
            markup = "".join(markup) if isinstance(markup, list) else markup
            for spec in specs_in_html(markup):
                base = slug(_title(spec)) if _title(spec) else f"chart-{len(out) + 1}"
                name, k = base, 2
                while name in out:
                    name, k = f"{base}-{k}", k + 1
                out[name] = spec
    return out


def charts_shown(nb: Any) -> int:
    """How many charts an executed notebook shows (their containers)."""
    n = 0
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            markup = o.get("data", {}).get("text/html") or ""
            markup = "".join(markup) if isinstance(markup, list) else markup
            n += markup.count('class="eb-chart"')
    return n


def gallery_specs(chapter: str, values: Mapping[str, Any]) -> dict[str, dict] | None:
    """Vega-Lite specs of every chart of a chapter that has ``page`` and ``figures``
    modules, computed in this process from the validated ``values`` (None for a chapter
    without them). It costs the chapter's evaluation: the fallback where a notebook's
    charts cannot be read."""
    import importlib
    import importlib.util

    from energybook import data

    base = f"{registry.__name__}.{chapter}"
    try:
        if (
            importlib.util.find_spec(f"{base}.figures") is None
            or importlib.util.find_spec(f"{base}.page") is None
        ):
            return None
    except ModuleNotFoundError:
        return None
    page = importlib.import_module(f"{base}.page")
    figures = importlib.import_module(f"{base}.figures")
    if not hasattr(page, "evaluate") or not hasattr(figures, "gallery"):
        return None
    spec = registry.get(chapter)
    ev = page.evaluate(spec.typed(values), data.load_tables(getattr(page, "TABLES", ())))
    return {name: chart.to_dict() for name, chart in figures.gallery(ev).items()}


def chart_specs(chapter: str, values: Mapping[str, Any], nb: Any) -> dict[str, dict]:
    """The specs of every chart of a run: read from the executed notebook (no
    computation), or, where the notebook's charts cannot be read, from the chapter's
    gallery."""
    specs = notebook_specs(nb)
    if len(specs) < charts_shown(nb):
        gallery = gallery_specs(chapter, values)
        if gallery is not None:
            return gallery
    return specs


def write_chart_data(specs: Mapping[str, Mapping[str, Any]], folder: Path) -> list[dict]:
    """One CSV per dataset of every chart in ``folder``, and ``folder/index.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    index = []
    for name, spec in specs.items():
        datasets = chart_datasets(spec)
        for k, records in enumerate(datasets, start=1):
            fname = f"{slug(name)}.csv" if len(datasets) == 1 else f"{slug(name)}-{k}.csv"
            body, columns = records_csv(records)
            (folder / fname).write_text(body, encoding="utf-8")
            index.append(
                {
                    "chart": name,
                    "title": _title(spec),
                    "file": fname,
                    "rows": len(records),
                    "columns": " ".join(columns),
                }
            )
    buf = io.StringIO()
    w = csv.DictWriter(
        buf, fieldnames=["chart", "title", "file", "rows", "columns"], lineterminator="\n"
    )
    w.writeheader()
    w.writerows(index)
    (folder / "index.csv").write_text(buf.getvalue(), encoding="utf-8")
    return index


# --------------------------------------------------------------------------- compare
@dataclass
class Side:
    """One side of a comparison: headline results by chapter, and where they came from."""

    label: str
    results: dict[str, dict[str, dict[str, Any]]]
    params: dict[str, dict[str, Any]]


def read_results_folder(path: Path) -> Side:
    """A run folder (``results.json`` and the marker), or a built site / scenario build
    (``results/CHAPTER.json``, or ``html/results/CHAPTER.json``)."""
    name = str(path)
    marker = path / MARKER
    if (path / "results.json").is_file():
        chapter = None
        params: dict[str, dict[str, Any]] = {}
        if marker.is_file():
            try:
                m = json.loads(marker.read_text(encoding="utf-8"))
                chapter = m.get("chapter")
                params = {chapter: m.get("parameters", {})} if chapter else {}
            except ValueError:
                chapter = None
        if chapter is None:
            nbs = sorted(p.stem for p in path.glob("*.ipynb"))
            chapter = nbs[0] if len(nbs) == 1 else None
        if chapter is None:
            raise ParameterError(
                [
                    f"{clip(name)}: a results.json without {MARKER} or a "
                    "single CHAPTER.ipynb: cannot tell which chapter it is"
                ]
            )
        return Side(name, {chapter: _load_results(path / "results.json")}, params)
    for sub in ("results", "html/results"):
        folder = path / sub
        if folder.is_dir():
            found = {p.stem: _load_results(p) for p in sorted(folder.glob("*.json"))}
            if found:
                return Side(name, found, {})
    raise ParameterError(
        [
            f"{clip(name)}: not a run folder (no results.json) nor a built "
            "site (no results/CHAPTER.json)"
        ]
    )


def _load_results(path: Path) -> dict[str, dict[str, Any]]:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ParameterError([f"{path}: cannot be read as JSON ({clip(str(e))})"]) from None
    if not isinstance(obj, dict) or not all(
        isinstance(v, dict) and _finite(v.get("value")) for v in obj.values()
    ):
        raise ParameterError([f"{path}: not a results file (NAME: {{value: ...}})"])
    return obj


def compare_rows(a: Side, b: Side) -> list[dict[str, Any]]:
    """One row per headline present on both sides, sorted by the size of the relative
    change (largest first), unchanged rows last."""
    rows = []
    for chapter in a.results:
        if chapter not in b.results:
            continue
        ra, rb = a.results[chapter], b.results[chapter]
        for name in ra:
            if name not in rb:
                continue
            va, vb = float(ra[name]["value"]), float(rb[name]["value"])
            ch = change(vb, va)
            rows.append(
                {
                    "chapter": chapter,
                    "name": name,
                    "description": ra[name].get("description", ""),
                    "unit": ra[name].get("unit", ""),
                    "a": va,
                    "b": vb,
                    "change": ch["absolute"],
                    "change_percent": ch["percent"],
                    "moved": bool(moved(vb, va)),
                }
            )

    def order(r: dict[str, Any]) -> tuple:
        pct = r["change_percent"]
        size = math.inf if pct is None and r["moved"] else abs(pct or 0.0)
        return (not r["moved"], -size, r["chapter"], r["name"])

    return sorted(rows, key=order)


def only_on_one_side(a: Side, b: Side) -> list[str]:
    notes = []
    for x, y in ((a, b), (b, a)):
        missing = sorted(set(x.results) - set(y.results))
        if missing:
            notes.append(f"only in {x.label}: {', '.join(missing)}")
    return notes
