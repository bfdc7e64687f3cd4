"""Execution and build: papermill runs the chapters, Jupyter Book builds the site.

- Parameters are validated before anything executes (:mod:`energybook.params`).
- Chapters execute with papermill into ``_build/executed/``, in parallel across chapters.
  A chapter re-executes only when its cache key changes: the key covers the notebook's
  code and markdown, its parameters, every file of ``lib/energybook`` and ``data/``, and
  the lock file.
- The site is built by Jupyter Book (its own execution off) from a staged copy of the
  sources in which each chapter is its executed notebook, into a fresh folder; only when
  that build passes (strict: ``-W -n --keep-going``) does it replace ``_build/html``. A
  failing chapter or build leaves the previous site intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from energybook import chapters as registry
from energybook import charts, data, site
from energybook.book import book_chapters, repo_root
from energybook.params import ParameterError

BUILD = "_build"


class ChapterFailed(RuntimeError):
    """A chapter's notebook raised while executing."""

    def __init__(self, chapter: str, cell: int | None, detail: str):
        self.chapter, self.cell, self.detail = chapter, cell, detail
        where = f"cell {cell}" if cell is not None else "unknown cell"
        super().__init__(f"chapter {chapter!r} failed in {where}:\n{detail}")

    def __reduce__(self):  # raised in worker processes: must survive pickling
        return (type(self), (self.chapter, self.cell, self.detail))


class BuildFailed(RuntimeError):
    """The Jupyter Book build reported an error or a warning."""


# --------------------------------------------------------------------------- validation
def to_papermill(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def validate_scenario(scenario: Any, source: str = "scenario") -> dict[str, dict[str, Any]]:
    """Check a scenario mapping ``{CHAPTER: {PARAM: VALUE}}`` for every chapter; return the
    full parameters of every chapter. All problems are reported together."""
    if scenario is None:
        scenario = {}
    if not isinstance(scenario, Mapping):
        raise ParameterError([f"{source}: must be a mapping of CHAPTER: {{PARAM: VALUE}}, "
                              f"got {type(scenario).__name__}"])
    problems: list[str] = []
    for chapter in scenario:
        try:
            registry.get(str(chapter))
        except ParameterError as e:
            problems.extend(f"{source}: {m}" for m in e.problems)
    resolved: dict[str, dict[str, Any]] = {}
    for spec in book_chapters():
        try:
            resolved[spec.name] = spec.validate(
                scenario.get(spec.name), context=f"{source}: chapter {spec.name!r}",
                tables=data.load_tables(spec.tables))
        except ParameterError as e:
            problems.extend(e.problems)
    if problems:
        raise ParameterError(problems)
    return resolved


# --------------------------------------------------------------------------- cache keys
def _hash_files(h: Any, root: Path, paths: Iterable[Path]) -> None:
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())


def notebook_fingerprint(path: Path) -> str:
    """Hash of a notebook's cells (type, source, tags), ignoring outputs and metadata."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [(c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list)
              else c["source"], sorted(c.get("metadata", {}).get("tags", [])))
             for c in nb["cells"]]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def inputs_fingerprint(root: Path) -> str:
    """Hash of everything every chapter depends on besides itself: lib, data, lock."""
    h = hashlib.sha256()
    _hash_files(h, root, (root / "lib" / "energybook").rglob("*.py"))
    _hash_files(h, root, (root / "data").rglob("*"))
    _hash_files(h, root, [root / "requirements.lock"])
    return h.hexdigest()


def cache_key(chapter: str, params: Mapping[str, Any], root: Path,
              inputs: str | None = None) -> str:
    h = hashlib.sha256()
    h.update(chapter.encode())
    h.update(notebook_fingerprint(root / registry.get(chapter).notebook).encode())
    h.update(json.dumps({k: to_papermill(v) for k, v in sorted(params.items())},
                        sort_keys=True).encode())
    h.update((inputs or inputs_fingerprint(root)).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- execution
def _clean_executed(nb: Any) -> None:
    """Make an executed notebook deterministic and fit for the page: drop timings and
    execution metadata, and keep the parameters cells off the published page."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if ("injected-parameters" in tags or "parameters" in tags) and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]


def execute_notebook(chapter: str, params: Mapping[str, Any], output: Path,
                     root: Path | None = None) -> dict[str, dict[str, Any]]:
    """Execute one chapter with papermill into ``output``; return its results.

    Raises :class:`ChapterFailed` naming the chapter, the cell and the traceback.
    """
    import nbformat
    import papermill as pm

    from energybook.publish import extract_results

    root = root or repo_root()
    spec = registry.get(chapter)
    src = root / spec.notebook
    output.parent.mkdir(parents=True, exist_ok=True)
    env_root = os.environ.get("ENERGYBOOK_ROOT")
    os.environ["ENERGYBOOK_ROOT"] = str(root)
    try:
        pm.execute_notebook(
            str(src), str(output),
            parameters={k: to_papermill(v) for k, v in params.items()},
            kernel_name="python3", cwd=str(src.parent), progress_bar=False,
            log_output=False, request_save_on_cell_execute=False)
    except pm.PapermillExecutionError as e:
        tb = "\n".join(e.traceback) if e.traceback else f"{e.ename}: {e.evalue}"
        raise ChapterFailed(chapter, e.exec_count, _strip_ansi(tb)) from None
    except Exception as e:  # kernel died, notebook unreadable, ...
        raise ChapterFailed(chapter, None, f"{type(e).__name__}: {e}") from None
    finally:
        if env_root is None:
            os.environ.pop("ENERGYBOOK_ROOT", None)
        else:
            os.environ["ENERGYBOOK_ROOT"] = env_root
    nb = nbformat.read(str(output), as_version=4)
    _clean_executed(nb)
    nbformat.write(nb, str(output))
    try:
        return extract_results(nb, chapter)
    except ValueError as e:
        raise ChapterFailed(chapter, None, str(e)) from None


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _execute_job(chapter: str, params: dict, tmp_output: str, root: str) -> dict:
    """Worker entry point (runs in a separate process)."""
    t0 = time.perf_counter()
    results = execute_notebook(chapter, params, Path(tmp_output), Path(root))
    return {"results": results, "seconds": time.perf_counter() - t0}


@dataclass
class ChapterRun:
    chapter: str
    status: str  # "cached" | "executed" | "failed"
    seconds: float = 0.0
    error: ChapterFailed | None = None


def write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def execute_chapters(resolved: Mapping[str, Mapping[str, Any]], root: Path,
                     jobs: int | None = None, force: bool = False,
                     progress: Callable[[str, str], None] | None = None) -> list[ChapterRun]:
    """Execute every chapter whose cache key changed, in parallel; keep the others.

    Executed notebooks land in ``_build/executed/<chapter>.ipynb`` with their
    ``.results.json`` and ``.key``, each replaced only when its chapter succeeds.
    """
    out = root / BUILD / "executed"
    out.mkdir(parents=True, exist_ok=True)
    inputs = inputs_fingerprint(root)
    todo, runs = [], []
    for chapter, params in resolved.items():
        key = cache_key(chapter, params, root, inputs)
        key_file = out / f"{chapter}.key"
        fresh = (not force and key_file.exists() and key_file.read_text() == key
                 and (out / f"{chapter}.ipynb").exists()
                 and (out / f"{chapter}.results.json").exists())
        if fresh:
            runs.append(ChapterRun(chapter, "cached"))
            if progress:
                progress(chapter, "cached")
        else:
            todo.append((chapter, dict(params), key))
    if todo:
        workers = max(1, min(len(todo), jobs or os.cpu_count() or 1))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {}
            for chapter, params, key in todo:
                tmp = out / f".{chapter}.running.ipynb"
                fut = pool.submit(_execute_job, chapter, params, str(tmp), str(root))
                futures[fut] = (chapter, key, tmp)
                if progress:
                    progress(chapter, "executing")
            for fut in as_completed(futures):
                chapter, key, tmp = futures[fut]
                try:
                    res = fut.result()
                except Exception as e:
                    if not isinstance(e, ChapterFailed):
                        e = ChapterFailed(chapter, None, f"{type(e).__name__}: {e}")
                    runs.append(ChapterRun(chapter, "failed", error=e))
                    tmp.unlink(missing_ok=True)
                    if progress:
                        progress(chapter, "failed")
                    continue
                os.replace(tmp, out / f"{chapter}.ipynb")
                write_json(out / f"{chapter}.results.json", res["results"])
                (out / f"{chapter}.key").write_text(key)
                runs.append(ChapterRun(chapter, "executed", res["seconds"]))
                if progress:
                    progress(chapter, f"executed in {res['seconds']:.1f} s")
    order = list(resolved)
    return sorted(runs, key=lambda r: order.index(r.chapter))


# --------------------------------------------------------------------------- site
STATIC_SOURCES = ("_config.yml", "_toc.yml", "intro.md", "_static")


def stage_sources(root: Path, stage: Path) -> None:
    """Copy the book's sources into ``stage``, with executed notebooks as the chapters,
    the generated appendix pages and the data files for download."""
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    for name in STATIC_SOURCES:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, stage / name)
        elif src.exists():
            shutil.copy2(src, stage / name)
    (stage / "chapters").mkdir()
    for md in (root / "chapters").glob("*.md"):
        shutil.copy2(md, stage / "chapters" / md.name)
    executed = root / BUILD / "executed"
    results_dir = stage / "_extra" / "results"
    results_dir.mkdir(parents=True)
    for spec in book_chapters(root):
        shutil.copy2(executed / f"{spec.name}.ipynb", stage / spec.notebook)
        shutil.copy2(executed / f"{spec.name}.results.json", results_dir / f"{spec.name}.json")
    shutil.copytree(root / "data", stage / "data")
    charts.write_js_bundle(stage / "_static")
    site.write_generated_pages(root, stage)


def tree_fingerprint(path: Path) -> str:
    h = hashlib.sha256()
    _hash_files(h, path, path.rglob("*"))
    return h.hexdigest()


def jupyter_book_build(stage: Path, output: Path) -> None:
    """Build the staged book strictly; raise :class:`BuildFailed` on any warning."""
    if output.exists():
        shutil.rmtree(output)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(stage),
           "--path-output", str(output), "--builder", "html", "-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    (output.parent / "jupyter-book.log").write_text(log)
    bad = [ln for ln in log.splitlines() if "WARNING" in ln or "ERROR" in ln]
    if proc.returncode != 0 or bad:
        detail = "\n".join(bad[:40]) or log[-4000:]
        raise BuildFailed(f"Jupyter Book build failed (exit {proc.returncode}):\n{detail}")


def build_site(root: Path, force: bool = False) -> str:
    """Stage and build the site, then swap it into ``_build/html``.

    Returns "built" or "unchanged" (the staged sources match the current site's)."""
    build = root / BUILD
    stage = build / ".stage-src"
    stage_sources(root, stage)
    key = tree_fingerprint(stage)
    html = build / "html"
    key_file = build / "html.key"
    if (not force and html.exists() and key_file.exists()
            and key_file.read_text() == key):
        return "unchanged"
    out = build / ".stage-out"
    jupyter_book_build(stage, out)
    new_html = out / "_build" / "html"
    old = build / ".html-old"
    if old.exists():
        shutil.rmtree(old)
    if html.exists():
        os.replace(html, old)
    os.replace(new_html, html)
    if old.exists():
        shutil.rmtree(old)
    key_file.write_text(key)
    return "built"
