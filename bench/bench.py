"""make bench: how long the book takes to build and re-run, and how heavy its pages are.

Reports, never fails. Each build runs on a fresh copy of the book's sources in a temporary
folder, so the numbers do not depend on the state of _build/.

Aims on a 2-core machine (from the issue): no-change rebuild < 5 s, single-chapter re-run
< 10 s, clean build faster than Jupyter Book's own executor; 100,000 Monte Carlo draws well
under a second.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SOURCES = ("_config.yml", "_toc.yml", "intro.md", "requirements.lock", "_static", "data",
           "chapters")


def copy_book(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in SOURCES:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / name)
    shutil.copytree(ROOT / "lib" / "energybook", dest / "lib" / "energybook",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def timed(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env={**os.environ, **(env or {})}, cwd=cwd or ROOT,
                       capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        print(r.stdout[-3000:], r.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"bench: {' '.join(cmd)} failed")
    return dt


def jupyter_book_executor(book: Path) -> float:
    """Jupyter Book executing the same notebooks itself (execute_notebooks: force)."""
    from energybook import book as contents
    from energybook import pipeline

    stage = book / "_build" / ".jb-src"
    pipeline.stage_sources(book, stage)
    for spec in contents.book_chapters(book):
        shutil.copy2(book / spec.notebook, stage / spec.notebook)
    cfg = stage / "_config.yml"
    cfg.write_text(re.sub(r'execute_notebooks: "off"', 'execute_notebooks: "force"',
                          cfg.read_text()))
    return timed([str(BIN / "jupyter-book"), "build", str(stage), "--path-output",
                  str(book / "_build" / ".jb-out")], env={"ENERGYBOOK_ROOT": str(book)})


def monte_carlo_seconds() -> tuple[str, float] | None:
    try:
        from energybook import specs, uncertainty
        from energybook.models import rebound
    except ImportError:
        return None
    p = specs.get("rebound").params.defaults()
    from energybook import data

    dc = data.load_table("dc_electricity")
    p = {**p, "n_draws": 100_000}
    rebound.run_uncertainty(p, dc)  # warm-up
    t0 = time.perf_counter()
    rebound.run_uncertainty(p, dc)
    dt = time.perf_counter() - t0
    assert uncertainty is not None
    return "rebound Monte Carlo, 100,000 draws (+ tornado, fan)", dt


def page_weights(html: Path) -> list[tuple[str, int, int]]:
    """Each page's own weight: its HTML plus page-specific images, excluding the shared
    scripts and styles in _static (loaded once per site and cached)."""
    rows = []
    for page in sorted(html.rglob("*.html")):
        rel = page.relative_to(html)
        if rel.parts[0] in ("_static", "_sources") or rel.name in ("genindex.html",
                                                                    "search.html"):
            continue
        text = page.read_text(encoding="utf-8")
        own = page.stat().st_size
        for src in re.findall(r'<img[^>]+src="([^"]+)"', text):
            f = (page.parent / src).resolve()
            if f.exists() and "_static" not in f.parts:
                own += f.stat().st_size
        shared = sum((html / "_static" / n).stat().st_size
                     for n in ("vega-bundle.js",) if (html / "_static" / n).exists())
        rows.append((str(rel), own, shared))
    return rows


def main() -> None:
    results: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="energybook-bench-") as tmp:
        book = copy_book(Path(tmp) / "book")
        env = {"ENERGYBOOK_ROOT": str(book)}
        eb = str(BIN / "energybook")
        results.append(("clean build (execute all chapters + strict site build)",
                        timed([eb, "build"], env), ""))
        results.append(("no-change rebuild", timed([eb, "build"], env), "aim < 5 s"))
        results.append(("single-chapter re-run with a new parameter "
                        "(energybook run rebound -p elasticity 1.4)",
                        timed([eb, "run", "rebound", "-p", "elasticity", "1.4",
                               "-o", str(Path(tmp) / "run")], env), "aim < 10 s"))
        results.append(("Jupyter Book's own executor (execute_notebooks: force)",
                        jupyter_book_executor(book), "clean build should beat this"))
        weights = page_weights(book / "_build" / "html")
    mc = monte_carlo_seconds()
    if mc:
        results.append((mc[0], mc[1], "aim well under 1 s"))

    w = max(len(r[0]) for r in results)
    print(f"\n{'benchmark':<{w}}  {'seconds':>8}  note")
    print("-" * (w + 30))
    for name, sec, note in results:
        print(f"{name:<{w}}  {sec:8.2f}  {note}")
    print(f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")

    print(f"\n{'page':<40} {'own weight':>12}  (shared chart scripts, cached once: "
          f"{weights[0][2] / 1e6:.2f} MB)" if weights else "")
    for rel, own, _ in weights:
        flag = "" if own < 1_000_000 else "  OVER 1 MB"
        print(f"{rel:<40} {own / 1e3:10.1f} kB{flag}")


if __name__ == "__main__":
    main()
