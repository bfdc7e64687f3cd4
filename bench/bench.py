"""make bench: how long the book takes to build and re-run, and how heavy its pages are.

Reports, never fails. Each build runs on a fresh copy of the book's sources in a temporary
folder, so the numbers do not depend on the state of _build/. Each timed command is
reported with its wall time and its CPU time (user + system, with every process it waited
for) and the load average is printed: on a shared machine the wall times move with the
load, the CPU times much less. Each aim says whether this run met it.

On the 2-core machine this was written on, one command's wall time moves by up to a third
between runs minutes apart (so does its CPU time: the machine's speed moves, not only its
load). So the commands the aims are about run several times, every time is listed, and an
aim is judged on the median of the re-runs and rebuilds, and on the best of the two clean
builds against the best of Jupyter Book's two (a ratio of the least disturbed of each).

Aims on a 2-core machine (from the issues): a clean build at 0.6x of Jupyter Book's own
executor or better, no-change rebuild < 5 s, single-chapter re-run < 5 s; a chapter page
under 1.5 MB in total, cold, before compression; at least 1,000 rebound headline evaluations
per second in-process (measured at the sweeps' 1,000 Monte Carlo draws a point; the rate at
the book's default 100,000 is reported beside it).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SOURCES = (
    "_config.yml",
    "_toc.yml",
    "intro.md",
    "requirements.lock",
    "_static",
    "data",
    "chapters",
    "references.bib",
    "CHANGELOG.md",
    "CITATION.cff",
    "glossary.md",
)


def copy_book(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in SOURCES:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / name)
    shutil.copytree(
        ROOT / "lib" / "energybook",
        dest / "lib" / "energybook",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return dest


#: CPU seconds (user + system) of the last command :func:`timed` ran, with every process it
#: waited for (workers, kernels, Jupyter Book): on a shared machine the wall time depends
#: on the load, the CPU time much less.
LAST_CPU = [0.0]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    c0 = _children_cpu()
    t0 = time.perf_counter()
    r = subprocess.run(
        cmd, env={**os.environ, **(env or {})}, cwd=cwd or ROOT, capture_output=True, text=True
    )
    dt = time.perf_counter() - t0
    LAST_CPU[0] = _children_cpu() - c0
    if r.returncode != 0:
        print(r.stdout[-3000:], r.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"bench: {' '.join(cmd)} failed")
    return dt


def timed_runs(
    cmd: list[str], n: int, env: dict | None = None, fresh: Callable[[int], dict] | None = None
) -> tuple[list[float], list[float]]:
    """``cmd`` run ``n`` times: the wall and CPU seconds of each. ``fresh(i)``, if given,
    prepares run ``i`` and returns its environment (a new copy of the book, say)."""
    walls, cpus = [], []
    for i in range(n):
        e = fresh(i) if fresh else env
        walls.append(timed(cmd, e))
        cpus.append(LAST_CPU[0])
    return walls, cpus


def spread(walls: list[float]) -> str:
    """Every time of a repeated command, in the order run."""
    return "runs: " + ", ".join(f"{w:.2f}" for w in walls) + " s"


def aim(value: float, limit: float, text: str, *, at_least: bool = False) -> str:
    """The aim and whether this run meets it (``value <= limit``, or ``>=`` with
    ``at_least``)."""
    met = value >= limit if at_least else value <= limit
    return f"{text}: {'met' if met else 'NOT met'}"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def jupyter_book_executor(book: Path) -> float:
    """Jupyter Book executing the same notebooks itself (execute_notebooks: force), from a
    fresh staging folder (no execution cache)."""
    from energybook import book as contents
    from energybook import pipeline

    stage = book / "_build" / ".jb-src"
    for old in (stage, book / "_build" / ".jb-out"):
        shutil.rmtree(old, ignore_errors=True)
    pipeline.stage_sources(book, stage)
    for spec in contents.book_chapters(book):
        shutil.copy2(book / spec.notebook, stage / spec.notebook)
    cfg = stage / "_config.yml"
    cfg.write_text(
        re.sub(r'execute_notebooks: "off"', 'execute_notebooks: "force"', cfg.read_text())
    )
    return timed(
        [
            str(BIN / "jupyter-book"),
            "build",
            str(stage),
            "--path-output",
            str(book / "_build" / ".jb-out"),
        ],
        env={"ENERGYBOOK_ROOT": str(book)},
    )


# What a browser fetches: scripts, images, and the <link>s it loads (stylesheets, preloads,
# icons), not rel="next"/"prev"/"index"/"search" (pages it does not fetch).
FETCHED = r'rel="(?:stylesheet|preload|modulepreload|icon)"'
ASSET = re.compile(
    r'<(?:script|img)[^>]+src="([^"]+)"'
    rf'|<link[^>]+{FETCHED}[^>]+href="([^"]+)"|<link[^>]+href="([^"]+)"[^>]+{FETCHED}'
)
# A browser that runs scripts never fetches what is inside <noscript> (the charts' SVGs).
NOSCRIPT = re.compile(r"<noscript>.*?</noscript>", re.S)
FALLBACK_FONTS = (".ttf", ".eot", ".woff", ".otf")
CSS_URL = re.compile(r"url\(['\"]?([^'\")]+)['\"]?\)|@import ['\"]([^'\"]+)['\"]")


def _local(base: Path, ref: str, html: Path) -> Path | None:
    ref = ref.split("#")[0].split("?")[0]
    if not ref or re.match(r"^[a-z]+:", ref):
        return None
    f = (base.parent / ref).resolve()
    return f if f.is_file() and html.resolve() in f.parents else None


def page_weights(html: Path) -> list[tuple[str, int, int]]:
    """Each page's weight: its own HTML, and its total cold weight with every script,
    stylesheet, font and image it loads (fonts and images found through the stylesheets
    too; one format per font, woff2, as a browser fetches), before compression. An upper
    bound: a font a page never uses is counted too."""
    rows = []
    for page in sorted(html.rglob("*.html")):
        rel = page.relative_to(html)
        if rel.parts[0] in ("_static", "_sources"):
            continue
        text = NOSCRIPT.sub("", page.read_text(encoding="utf-8"))
        seen: set[Path] = set()
        todo = [
            f
            for m in ASSET.finditer(text)
            if (f := _local(page, m.group(1) or m.group(2) or m.group(3), html))
        ]
        while todo:
            f = todo.pop()
            if f in seen:
                continue
            seen.add(f)
            if f.suffix == ".css":
                css = f.read_text(encoding="utf-8", errors="ignore")
                urls = [a or b for a, b in CSS_URL.findall(css)]
                if any(u.split("?")[0].endswith(".woff2") for u in urls):
                    # A browser fetches one format of each font (woff2), not every fallback.
                    urls = [u for u in urls if not u.split("?")[0].endswith(FALLBACK_FONTS)]
                todo += [g for u in urls if (g := _local(f, u, html))]
        own = page.stat().st_size
        rows.append((str(rel), own, own + sum(f.stat().st_size for f in seen)))
    return rows


def _rate(f, values, seconds: float = 2.0, most: int = 5000) -> float:
    """Calls per second of ``f(values)``, the same point repeated (after one warm-up)."""
    f(values)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds and n < most:
        f(values)
        n += 1
    return n / (time.perf_counter() - t0)


def headline_rates() -> list[tuple[str, float, str]]:
    """Evaluations per second of each chapter's headline function, in-process, at the
    chapter's defaults (a Monte Carlo chapter: at the book's own number of draws, named in
    the line). The rebound chapter's aim (issue 18) is measured at the sweeps' 1,000 draws a
    point (its default is 100,000): the same point repeated, then 1,000 distinct points of a
    sweep of the elasticity (a new prior at every point) one by one and in one vectorised
    batch, each from a cold draw cache."""
    from energybook import chapters, sweep, uncertainty

    out = []
    for spec in chapters.all_chapters():
        values = spec.params.defaults()
        draws = f", n_draws={values['n_draws']:,} (default)" if "n_draws" in values else ""
        rate = _rate(sweep.headline_function(spec.name), values)
        out.append((f"{spec.name}: headline evaluations per second{draws}", rate, ""))
    f = sweep.headline_function("rebound")
    small = chapters.get("rebound").params.validate({"n_draws": 1000})
    rate = _rate(f, small)
    out.append(
        (
            "rebound: headline evaluations per second, n_draws=1,000, one point repeated",
            rate,
            "its draws cached after the first call: not the aim's measure",
        )
    )
    axis = sweep.parse_axis("rebound", "elasticity", "0:2:1000")
    points = sweep.validate_points("rebound", sweep.grid([axis]), {"n_draws": 1000})
    for batch, how in ((False, "one by one"), (True, "in one vectorised batch")):
        uncertainty.clear_draw_cache()
        t0 = time.perf_counter()
        sweep.evaluate_points("rebound", points, batch=batch)
        rate = len(points) / (time.perf_counter() - t0)
        out.append(
            (
                f"rebound: headline evaluations per second, n_draws=1,000, 1,000 points {how}",
                rate,
                aim(rate, 1000, "aim >= 1,000/s", at_least=True),
            )
        )
    return out


def sweep_and_sobol() -> list[tuple[str, float, str]]:
    """A 1,000-point rebound sweep (in-process and on two Dask workers) and a Sobol analysis
    at N = 1,024, with the chapter's Monte Carlo at 1,000 draws per point (its default,
    100,000, makes every point cost about 0.04 s)."""
    from energybook import sensitivity, sweep

    base = {"n_draws": 1000}
    out = []
    axis = sweep.parse_axis("rebound", "elasticity", "0:2:1000")
    t0 = time.perf_counter()
    sweep.sweep("rebound", [axis], base=base)
    out.append(
        (
            "1,000-point rebound sweep, in-process, 1,000 draws a point (s)",
            time.perf_counter() - t0,
            "",
        )
    )
    t0 = time.perf_counter()
    sweep.sweep("rebound", [axis], base=base, workers=2)
    out.append(
        (
            "the same on a two-worker local Dask cluster (s)",
            time.perf_counter() - t0,
            "includes starting the cluster",
        )
    )
    t0 = time.perf_counter()
    sensitivity.chapter_indices("rebound", 1024, base=base)
    out.append(
        (
            "Sobol analysis of the rebound chapter, N = 1,024, 1,000 draws a point (s)",
            time.perf_counter() - t0,
            "",
        )
    )
    return out


def main() -> None:
    results: list[tuple[str, float, str]] = []
    cpu: dict[str, float] = {}
    start_load = load()
    with tempfile.TemporaryDirectory(prefix="energybook-bench-") as tmp:
        eb = str(BIN / "energybook")
        books: list[Path] = []

        def row(name: str, seconds: float, note: str = "", cpu_s: float | None = None) -> None:
            results.append((name, seconds, note))
            cpu[name] = LAST_CPU[0] if cpu_s is None else cpu_s

        def fresh_book(i: int) -> dict:
            books.append(copy_book(Path(tmp) / f"book{i}"))
            return {"ENERGYBOOK_ROOT": str(books[-1])}

        cleans, clean_cpu = timed_runs([eb, "build"], 2, fresh=fresh_book)
        book = books[-1]
        env = {"ENERGYBOOK_ROOT": str(book)}
        row(
            "clean build (execute all chapters + strict site build), best of 2 (s)",
            min(cleans),
            spread(cleans),
            clean_cpu[cleans.index(min(cleans))],
        )
        rebuilds, rebuild_cpu = timed_runs([eb, "build"], 3, env)
        rebuild = median(rebuilds)
        row(
            "no-change rebuild, median of 3 (s)",
            rebuild,
            aim(rebuild, 5, "aim < 5 s") + "; " + spread(rebuilds),
            median(rebuild_cpu),
        )
        run_cmd = [eb, "run", "rebound", "-p", "elasticity", "1.4", "-o", str(Path(tmp) / "run")]
        reruns, rerun_cpu = timed_runs(run_cmd, 5, env)
        rerun = median(reruns)
        row(
            "single-chapter re-run with a new parameter "
            "(energybook run rebound -p elasticity 1.4), median of 5 (s)",
            rerun,
            aim(rerun, 5, "aim < 5 s") + f"; best {min(reruns):.2f} s; " + spread(reruns),
            median(rerun_cpu),
        )
        help_s = timed([eb, "--help"], env)
        row("energybook --help (s)", help_s, "every CLI test starts the command")
        jbs, jb_cpu = [], []
        for _ in range(2):
            jbs.append(jupyter_book_executor(book))
            jb_cpu.append(LAST_CPU[0])
        jb = min(jbs)
        clean_best_cpu, jb_best_cpu = clean_cpu[cleans.index(min(cleans))], jb_cpu[jbs.index(jb)]
        row(
            "Jupyter Book's own executor (execute_notebooks: force), best of 2 (s)",
            jb,
            spread(jbs),
            jb_best_cpu,
        )
        results.append(
            (
                "best clean build / best Jupyter Book executor (wall time)",
                min(cleans) / jb,
                aim(min(cleans) / jb, 0.6, "aim <= 0.6")
                + f"; their CPU time ratio {clean_best_cpu / jb_best_cpu:.2f}",
            )
        )
        weights = page_weights(book / "_build" / "html")
    end_load = load()
    results += headline_rates()
    results += sweep_and_sobol()

    w = max(len(r[0]) for r in results)
    print(f"\n{'benchmark':<{w}}  {'value':>9}  {'CPU s':>7}  note")
    print("-" * (w + 40))
    for name, value, note in results:
        c = f"{cpu[name]:7.1f}" if name in cpu else " " * 7
        print(f"{name:<{w}}  {value:9.2f}  {c}  {note}")
    print(
        f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
        f"at the start: {start_load}; after the builds: {end_load}"
    )
    print(
        "CPU s: user + system seconds of the command and every process it waited for; "
        "on a shared machine compare these when the wall times are noisy."
    )

    print(
        f"\n{'page':<40} {'HTML':>10} {'total, cold':>13}  (every script, style, font "
        "and image it loads; aim for a chapter: < 1.5 MB)"
    )
    for rel, own, total in weights:
        flag = "  OVER 1.5 MB" if total > 1_500_000 and rel.startswith("chapters/") else ""
        print(f"{rel:<40} {own / 1e3:8.1f} kB {total / 1e6:10.2f} MB{flag}")


if __name__ == "__main__":
    main()
