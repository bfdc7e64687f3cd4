"""The ``energybook`` command line.

    energybook params [CHAPTER] [--json]
    energybook run CHAPTER [-p NAME VALUE]... [-f params.yaml] [-o OUTDIR]
    energybook compare A B [--csv | --json]
    energybook build [-f scenario.yaml] [-o DIR] [--force] [--jobs N] [--no-wait]
    energybook refresh [CHAPTER]...
    energybook check-data
    energybook measure [...]

Bad input (unknown chapter or parameter, wrong type, NaN or infinity, out of range, a
malformed, oversized or non-mapping YAML file, a special file, an output folder that would
touch the book) is reported one message per problem (at most 20, then a count; quoted values
clipped), with exit code 2, before anything executes or is written. SIGINT and SIGTERM stop
a run or a build cleanly (exit 130 or 143); a closed pipe (``| head``) ends it quietly.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from energybook import chapters as registry
from energybook.params import ParameterError
from energybook.yamlsafe import InputRefused, cap_problems, clip_message

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
EXIT_BROKEN_PIPE = 141  # what a process ended by SIGPIPE reports


def _err(msg: str) -> None:
    print(clip_message(msg, total=20_000), file=sys.stderr, flush=True)


def _say(msg: str) -> None:
    """A progress line on stderr."""
    print(f"energybook: {msg}", file=sys.stderr, flush=True)


def read_yaml_mapping(path: str, shape: str = "NAME: VALUE") -> dict[str, Any]:
    """Read a YAML file that must hold a mapping; ParameterError otherwise (see
    :mod:`energybook.yamlsafe` for the limits)."""
    from energybook.yamlsafe import load_mapping

    try:
        return load_mapping(path, shape=shape)
    except InputRefused as e:
        raise ParameterError([str(e)]) from None


# --------------------------------------------------------------------------- params
def cmd_params(args: argparse.Namespace) -> int:
    chapters = [registry.get(args.chapter)] if args.chapter else registry.all_chapters()
    if args.json:
        if args.chapter:
            out: Any = [p.as_dict() for p in chapters[0].params]
        else:
            out = [{"chapter": s.name, **p.as_dict()} for s in chapters for p in s.params]
        print(json.dumps(out, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(100, Console().width))
    for spec in chapters:
        table = Table(title=f"{spec.name}: {spec.title}", title_justify="left")
        for col in ("name", "type", "unit", "default", "allowed", "meaning"):
            table.add_column(col)
        for p in spec.params:
            default = ",".join(p.default) if isinstance(p.default, tuple) else str(p.default)
            table.add_row(p.name, p.type, p.unit or "-", default, p.allowed(), p.description)
        console.print(table)
    return 0


# --------------------------------------------------------------------------- run
def collect_overrides(pairs: list[list[str]] | None, files: list[str] | None) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    problems: list[str] = []
    for f in files or []:
        try:
            overrides.update(read_yaml_mapping(f))
        except ParameterError as e:
            problems.extend(e.problems)
    for name, value in pairs or []:
        overrides[name] = value
    if problems:
        raise ParameterError(problems)
    return overrides


def _fmt(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def _fmt_change(r: dict[str, Any], fmt: str) -> tuple[str, str]:
    ch = r.get("change") or {}
    if r.get("moved") is None:
        return "?", "?"
    if not r["moved"]:
        return "unchanged", ""
    absolute, pct = ch.get("absolute"), ch.get("percent")
    a = "-" if absolute is None else ("+" if absolute > 0 else "") + format(absolute, fmt)
    p = "-" if pct is None else f"{pct:+.1f} %"
    return a, p


def print_results(
    results: dict[str, dict[str, Any]],
    chapter: str,
    changed: dict[str, tuple[Any, Any]] | None = None,
    defaults_from: str = "",
) -> None:
    """The headline table: default, this run's value, the change; unchanged rows dim."""
    from rich.console import Console
    from rich.table import Table

    from energybook.runs import text

    spec = registry.get(chapter)
    table = Table(title=f"{chapter}: headline numbers", title_justify="left")
    for col, just in (
        ("name", "left"),
        ("default", "right"),
        ("this run", "right"),
        ("change", "right"),
        ("%", "right"),
        ("unit", "left"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for h in spec.headlines:
        r = results[h.name]
        a, p = _fmt_change(r, h.fmt)
        style = "dim" if r.get("moved") is False else None
        table.add_row(
            h.name,
            _fmt(r.get("default"), h.fmt),
            format(r["value"], h.fmt),
            a,
            p,
            r["unit"],
            style=style,
        )
    console = Console(width=max(100, min(160, Console().width)))
    if changed:
        console.print(
            "Changed from the defaults: "
            + ", ".join(f"{k} = {text(v)} (default {text(d)})" for k, (v, d) in changed.items())
        )
    else:
        console.print("Every parameter at its default.")
    console.print(table)
    n = sum(1 for r in results.values() if r.get("moved"))
    if defaults_from:
        console.print(
            f"{n} of {len(results)} headline numbers moved; defaults from {defaults_from}.",
            style="dim",
        )


def cmd_run(args: argparse.Namespace) -> int:
    spec = registry.get(args.chapter)
    overrides = collect_overrides(args.param, args.file)
    # Names, types and ranges first: a bad value is refused before the data stack (pandas)
    # and the chapter's models are imported; then the checks against the data.
    spec.params.validate(overrides, context=f"chapter {spec.name!r}")
    from energybook import locking, pipeline, runs
    from energybook.book import repo_root

    root = repo_root()
    outdir = runs.check_output_folder(args.outdir or f"out/{spec.name}", root)
    # The kernel starts now, and imports the scientific stack while this process checks the
    # data (two cores: both at once); it carries a tag, so that an interruption ends it
    # whatever state papermill is in. A refusal below ends it, and nothing is written.
    tag = f"run:{outdir}"
    os.environ[locking.TAG_VAR] = tag
    kernel = pipeline.WarmKernel()
    try:
        try:
            notebook = root / spec.notebook
            kernel.start(notebook.parent, preload=pipeline.notebook_imports(notebook))
        except Exception:  # started again when the chapter executes, which reports why not
            kernel.discard()
        return _run_in(spec, overrides, root, outdir, kernel)
    except BaseException:
        locking.reap(tag)
        raise
    finally:
        kernel.discard()
        os.environ.pop(locking.TAG_VAR, None)


def _run_in(spec: Any, overrides: dict[str, Any], root: Path, outdir: Path, kernel: Any) -> int:
    """The rest of :func:`cmd_run`, with its kernel started."""
    import threading

    from energybook import data, pipeline, runpage, runs

    tables = data.load_tables(spec.tables)
    params = spec.validate(overrides, context=f"chapter {spec.name!r}", tables=tables)
    # A corrupt table, or one the chapter needs that is not declared, stops here, before
    # anything executes.
    problems = runs.missing_tables(spec.name, data.validate_all())
    if problems:
        raise ParameterError(problems)
    changed = runs.differing(spec.name, params)
    t0 = time.perf_counter()
    # The page is exported cell by cell while the kernel computes the chapter, when this
    # process only waits. Its thread starts now and makes its exporter ready while the
    # kernel still imports the chapter's modules (this process meanwhile only imports
    # papermill and waits): not later, when the kernel's chapter code and its child
    # process already take both cores. It exports each cell the kernel has run.
    page = runpage.PageCells(root / spec.notebook)
    page.start()

    with tempfile.TemporaryDirectory(prefix=f"energybook-{spec.name}-") as tmp:
        staging = Path(tmp)
        nb_path = staging / f"{spec.name}.ipynb"
        _say(
            f"executing {spec.notebook} with papermill "
            f"({'defaults' if not changed else ', '.join(changed) + ' changed'})"
        )
        try:
            results = pipeline.execute_notebook(
                spec.name,
                params,
                nb_path,
                root,
                kernel=kernel,
                on_cell_executed=page.executed,
            )
        except pipeline.ChapterFailed as e:
            _err(str(e))
            return EXIT_FAILED
        # The kernel's work is done: it ends while the page is written (joined below, and
        # not a daemon: the command does not exit before its kernel has).
        ender = threading.Thread(target=kernel.discard)
        ender.start()
        exports = page.finish()
        defaults, source = runs.default_results(spec.name, root)
        if not changed:  # this run is the defaults
            defaults, source = results, "this run (every parameter at its default)"
        full = runs.with_defaults(results, defaults)
        # The data behind every chart: the executed notebook holds each chart's spec with
        # its inline data (the book's offline renderer), so this costs no computation.
        import nbformat

        executed = nbformat.read(str(nb_path), as_version=4)
        specs = runs.chart_specs(spec.name, params, executed)
        index = runs.write_chart_data(specs, staging / "charts")
        runpage.write_html_page(
            nb_path,
            staging / f"{spec.name}.html",
            spec.name,
            changed,
            root,
            link_dir=outdir,
            exports=exports,
            nb=executed,
        )
        pipeline.write_json(staging / "results.json", full)
        (staging / "results.csv").write_text(runs.results_csv(full), encoding="utf-8")
        pipeline.write_json(
            staging / "parameters.json", {k: pipeline.to_papermill(v) for k, v in params.items()}
        )
        marker = {
            "chapter": spec.name,
            "kind": "energybook run",
            "parameters": {k: runs.plain(v) for k, (v, _) in changed.items()},
            "defaults_from": source,
        }
        # Everything is written; only now does the output folder change.
        runs.replace_folder(staging, outdir, marker)
        ender.join()
    print_results(full, spec.name, changed, source)
    _say(
        f"wrote {outdir}/: {spec.name}.ipynb, {spec.name}.html, results.json, results.csv, "
        f"parameters.json, charts/ ({len(index)} CSV files) in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    return 0


# --------------------------------------------------------------------------- compare
def _side(arg: str, root: Path, jobs: int | None) -> Any:
    from energybook import pipeline, runs
    from energybook.yamlsafe import is_yaml_path

    p = Path(arg)
    if p.is_dir():
        return runs.read_results_folder(p)
    if not is_yaml_path(p) and p.exists():
        raise ParameterError(
            [f"{clip_message(repr(arg))}: neither a run folder nor a scenario file (.yaml)"]
        )
    scenario = read_yaml_mapping(arg, shape="CHAPTER: {NAME: VALUE}")
    resolved = _validate_scenario(scenario, arg)
    results: dict[str, dict] = {}
    todo = {}
    for chapter, values in resolved.items():
        if not runs.differing(chapter, values):
            found, _ = runs.default_results(chapter, root)
            if found is not None:
                results[chapter] = found
                continue
        todo[chapter] = values
    if todo:
        name = pipeline.scenario_name([arg])
        _say(
            f"{arg}: executing {', '.join(todo)} (cached in "
            f"_build/{pipeline.SCENARIOS}/{name}/executed)"
        )
        folder = root / pipeline.BUILD / pipeline.SCENARIOS / name / "executed"
        from energybook import locking

        with locking.exclusive(root / pipeline.BUILD, on_wait=_say):
            done = pipeline.execute_chapters(
                todo, root, jobs=jobs, executed=folder, reuse=root / pipeline.BUILD / "executed"
            )
        failed = [r for r in done if r.status == "failed"]
        if failed:
            raise pipeline.ChapterFailed(
                failed[0].chapter,
                failed[0].error.cell if failed[0].error else None,
                str(failed[0].error),
            )
        for chapter in todo:
            results[chapter] = json.loads((folder / f"{chapter}.results.json").read_text())
    return runs.Side(arg, results, {c: v for c, v in resolved.items()})


def cmd_compare(args: argparse.Namespace) -> int:
    import csv
    import io

    from energybook import pipeline, runs
    from energybook.book import repo_root

    root = repo_root()
    try:
        a, b = _side(args.a, root, args.jobs), _side(args.b, root, args.jobs)
    except pipeline.ChapterFailed as e:
        _err(str(e))
        return EXIT_FAILED
    rows = runs.compare_rows(a, b)
    notes = runs.only_on_one_side(a, b)
    if not rows:
        raise ParameterError(
            [
                f"{args.a} and {args.b} have no chapter in common"
                + (f" ({'; '.join(notes)})" if notes else "")
            ]
        )
    if args.json:
        print(json.dumps({"a": a.label, "b": b.label, "rows": rows, "notes": notes}, indent=2))
        return 0
    if args.csv:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        sys.stdout.write(buf.getvalue())
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"A = {a.label}   B = {b.label}", title_justify="left")
    for col, just in (
        ("chapter", "left"),
        ("headline", "left"),
        ("A", "right"),
        ("B", "right"),
        ("change", "right"),
        ("%", "right"),
        ("unit", "left"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for r in rows:
        fmt = _headline_fmt(r["chapter"], r["name"])
        a_, p_ = _fmt_change(
            {
                "moved": r["moved"],
                "change": {"absolute": r["change"], "percent": r["change_percent"]},
            },
            fmt,
        )
        table.add_row(
            r["chapter"],
            r["name"],
            format(r["a"], fmt),
            format(r["b"], fmt),
            a_,
            p_,
            r["unit"],
            style=None if r["moved"] else "dim",
        )
    console = Console(width=max(100, min(160, Console().width)))
    console.print(table)
    moved = sum(r["moved"] for r in rows)
    console.print(
        f"{moved} of {len(rows)} headline numbers differ."
        + ("".join(f" Note: {n}." for n in notes)),
        style="dim",
    )
    return 0


def _headline_fmt(chapter: str, name: str) -> str:
    try:
        return registry.get(chapter).headline(name).fmt
    except (ParameterError, KeyError):
        return ".4g"


# --------------------------------------------------------------------------- build
def _validate_scenario(scenario: dict[str, Any], source: str) -> dict[str, dict[str, Any]]:
    from energybook import pipeline

    problems: list[str] = []
    for chapter, params in scenario.items():
        if params is not None and not isinstance(params, dict):
            problems.append(
                f"{source}: chapter {chapter!r} must map to NAME: VALUE pairs, "
                f"got a {type(params).__name__}"
            )
    try:
        resolved = pipeline.validate_scenario(
            {k: v for k, v in scenario.items() if v is None or isinstance(v, dict)}, source
        )
    except ParameterError as e:
        problems.extend(e.problems)
    if problems:
        raise ParameterError(problems)
    return resolved


def cmd_build(args: argparse.Namespace) -> int:
    from energybook import data, locking, pipeline, runs

    scenario: dict[str, Any] = {}
    problems: list[str] = []
    for f in args.file or []:
        try:
            scenario.update(read_yaml_mapping(f, shape="CHAPTER: {NAME: VALUE}"))
        except ParameterError as e:
            problems.extend(e.problems)
    if problems:
        raise ParameterError(problems)
    if args.outdir and not args.file:
        raise ParameterError(
            [
                "build -o DIR is for scenario builds (with -f scenario.yaml); "
                "the published book is always built into _build/html"
            ]
        )
    source = ", ".join(args.file) if args.file else "scenario"
    _say("checking parameters and data")
    resolved = _validate_scenario(scenario, source)
    root = pipeline.repo_root()
    name = pipeline.scenario_name(args.file) if args.file else None
    folder = None
    if name is not None:
        folder = runs.check_output_folder(
            args.outdir or root / pipeline.BUILD / pipeline.SCENARIOS / name,
            root,
            allow_inside=[f"{pipeline.BUILD}/{pipeline.SCENARIOS}"],
            what="scenario folder",
        )
    data.validate_all()  # a corrupt table stops the build before anything executes
    if folder is not None:  # marked first, so that a failed build may be built again
        folder.mkdir(parents=True, exist_ok=True)
        (folder / runs.MARKER).write_text(
            json.dumps(
                {
                    "kind": "energybook build",
                    "scenario": name,
                    "parameters": {
                        c: {k: runs.plain(v) for k, v in d.items()}
                        for c, d in pipeline.scenario_changes(resolved).items()
                    },
                },
                indent=2,
                sort_keys=True,
            )
            + "\n"
        )
    t0 = time.perf_counter()
    where = "_build/html" if folder is None else str(folder / "html")
    try:
        runs_, state, html = _build_with_progress(resolved, root, name, folder, args)
    except locking.Busy as e:
        _err(f"error: {e}; try again when it has finished (or leave out --no-wait)")
        return EXIT_FAILED
    except pipeline.BuildFailed as e:
        _err(str(e))
        _err(
            f"{where} was left as it was; the full log is "
            f"{(folder or root / pipeline.BUILD) / 'jupyter-book.log'}"
        )
        return EXIT_FAILED
    failed = [r for r in runs_ if r.status == "failed"]
    if failed:
        for r in failed:
            _err(str(r.error))
        _err(
            f"Build failed: {len(failed)} chapter(s) failed "
            f"({', '.join(r.chapter for r in failed)}); {where} was left as it was."
        )
        return EXIT_FAILED
    label = "Site" if name is None else f"Scenario {name!r}"
    print(
        f"{label} {state} in {time.perf_counter() - t0:.1f} s: {html}/index.html", file=sys.stderr
    )
    if name is not None:
        print(
            "The published book (_build/html) is untouched: it is built from the defaults only.",
            file=sys.stderr,
        )
    return 0


def _build_with_progress(resolved, root, name, folder, args):
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from energybook import pipeline

    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    ) as pr:
        tasks = {c: pr.add_task(f"{c}: waiting", total=1) for c in resolved}

        def report(chapter: str, status: str) -> None:
            done = status not in ("executing",)
            pr.update(
                tasks[chapter], description=f"{chapter}: {status}", completed=1 if done else 0
            )
            if not console.is_terminal:
                print(f"  {chapter}: {status}", flush=True)

        def say(msg: str) -> None:
            pr.console.print(f"energybook: {msg}", highlight=False, soft_wrap=True)

        return pipeline.build(
            resolved,
            root,
            scenario=name,
            folder=folder,
            jobs=args.jobs,
            force=args.force,
            wait=not args.no_wait,
            progress=report,
            say=say,
        )


# --------------------------------------------------------------------------- refresh
def cmd_refresh(args: argparse.Namespace) -> int:
    """Re-execute chapter notebooks with their defaults and store the outputs in
    chapters/*.ipynb (what nbval compares against). Also regenerates the parameters cell
    from the declaration."""
    import nbformat

    from energybook import pipeline
    from energybook.params import parameters_cell_source

    root = pipeline.repo_root()
    names = args.chapters or registry.names()
    chosen = [registry.get(n) for n in names]
    for spec in chosen:
        path = root / spec.notebook
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            if "parameters" in cell.metadata.get("tags", []):
                cell.source = parameters_cell_source(spec.params)
        nbformat.write(nb, str(path))
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / path.name
            try:
                pipeline.execute_notebook(spec.name, spec.params.defaults(), out, root)
            except pipeline.ChapterFailed as e:
                _err(str(e))
                return EXIT_FAILED
            executed = nbformat.read(str(out), as_version=4)
        # Keep the source notebook's cells (no injected cell); take the executed outputs.
        executed.cells = [
            c for c in executed.cells if "injected-parameters" not in c.metadata.get("tags", [])
        ]
        for cell in executed.cells:
            tags = cell.metadata.get("tags", [])
            if "parameters" in tags:
                cell.metadata["tags"] = ["parameters", "remove-cell"]
        nbformat.write(executed, str(path))
        print(f"refreshed {spec.notebook}", file=sys.stderr)
    return 0


def cmd_check_data(args: argparse.Namespace) -> int:
    from energybook import data, runs

    counts = data.validate_all()
    problems = [
        p for spec in registry.all_chapters() for p in runs.missing_tables(spec.name, counts)
    ]
    if problems:
        raise ParameterError(problems)
    for name, n in counts.items():
        print(f"{name}: {n} rows OK")
    return 0


# --------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="energybook",
        description="Ambition Creep: execute, re-run, compare and build the book.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("params", help="list the parameters of every chapter, or of one")
    p.add_argument("chapter", nargs="?", help="chapter name")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=cmd_params)

    p = sub.add_parser(
        "run",
        help="re-run one chapter with your own parameters",
        description="Validate the parameters, execute the chapter with "
        "papermill, and write OUTDIR/CHAPTER.ipynb, OUTDIR/CHAPTER.html, "
        "OUTDIR/results.json and results.csv (each headline with its default "
        "and the change), parameters.json and OUTDIR/charts/ (the data "
        "behind every chart, listed in charts/index.csv). OUTDIR may not be "
        "inside the book's own folders, and must be new, empty or an earlier "
        "run's. Chapters: " + ", ".join(registry.names()) + ".",
    )
    p.add_argument("chapter", help="chapter name")
    p.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set a parameter (repeatable)",
    )
    p.add_argument(
        "-f",
        "--file",
        action="append",
        metavar="PARAMS.yaml",
        help="YAML mapping of NAME: VALUE (repeatable; -p wins)",
    )
    p.add_argument("-o", "--outdir", metavar="OUTDIR", help="output folder (default out/CHAPTER)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "compare",
        help="compare the headline numbers of two runs or scenarios",
        description="Compare two run folders (energybook run), built sites "
        "or scenario builds, or two scenario files (their changed chapters "
        "are executed, cached in _build/scenarios/), as a table sorted by the "
        "relative change, largest first.",
    )
    p.add_argument("a", metavar="A", help="run folder, site folder or scenario.yaml")
    p.add_argument("b", metavar="B", help="run folder, site folder or scenario.yaml")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="print CSV")
    fmt.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--jobs", type=int, default=None, help="chapters executed at once")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "build",
        help="execute the chapters and build the whole book",
        description="Without -f: the published book, _build/html, from the "
        "defaults. With -f scenario.yaml: a scenario build into "
        "_build/scenarios/NAME/html (or -o DIR), every page bannered with "
        "the scenario; the published book is untouched. One build at a time: "
        "a second waits for the first.",
    )
    p.add_argument(
        "-f",
        "--file",
        action="append",
        metavar="SCENARIO.yaml",
        help="YAML mapping of CHAPTER: {NAME: VALUE}",
    )
    p.add_argument(
        "-o",
        "--outdir",
        metavar="DIR",
        help="folder of a scenario build (default _build/scenarios/NAME)",
    )
    p.add_argument("--force", action="store_true", help="ignore the cache")
    p.add_argument("--jobs", type=int, default=None, help="chapters executed at once")
    p.add_argument(
        "--no-wait",
        action="store_true",
        help="refuse, rather than wait, when another build is running",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "refresh",
        help="re-execute notebooks and store their outputs (the reference nbval compares against)",
    )
    p.add_argument("chapters", nargs="*", help="chapters (default: all)")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("check-data", help="validate the data package and every table")
    p.set_defaults(func=cmd_check_data)

    from energybook import explore

    explore.add_parsers(sub)

    p = sub.add_parser(
        "measure", help="measure GPU energy (needs a CUDA GPU and PyTorch)", add_help=False
    )
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=None)
    return parser


def _take_param_pairs(argv: list[str]) -> tuple[list[str], list[list[str]]]:
    """Pull ``-p NAME VALUE`` pairs out of ``argv`` before argparse sees them, so that a
    value may start with a dash (``-p demand_growth -0.1``, ``-p elasticity -inf``)."""
    rest, pairs, i = [], [], 0
    while i < len(argv):
        if argv[i] in ("-p", "--param") and i + 2 < len(argv):
            pairs.append([argv[i + 1], argv[i + 2]])
            i += 3
        else:  # an incomplete pair is left to argparse, which names the problem
            rest.append(argv[i])
            i += 1
    return rest, pairs


def _report(problems: list[str]) -> int:
    for problem in cap_problems(problems):
        _err(f"error: {problem}")
    return EXIT_BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (``energybook params --json | head``): stop quietly.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_BROKEN_PIPE


def _main(argv: list[str] | None) -> int:
    from energybook import locking

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["measure"]:
        from energybook import measure

        return measure.main(argv[1:])
    warnings.filterwarnings(
        "ignore", message=".*is not able to be represented", category=UserWarning
    )
    parser = build_parser()
    argv, pairs = _take_param_pairs(argv)
    args = parser.parse_args(argv)
    if pairs:
        if args.command not in ("run", "sweep"):
            parser.error("-p/--param is an option of `energybook run` and `energybook sweep`")
        args.param = (getattr(args, "param", None) or []) + pairs
    try:
        with locking.interruptible():
            return args.func(args)
    except locking.Interrupted as e:
        _err(
            f"energybook: interrupted ({e}); stopped its workers and removed its partial "
            "files; the published site is as it was"
        )
        return e.exit_code
    except ParameterError as e:
        return _report(e.problems)
    except InputRefused as e:
        return _report([str(e)])
    except Exception as e:
        # A bad data table (energybook.data.DataError). Only a command that read the data
        # can raise one, so the data module (and pandas) is not imported to catch it.
        data = sys.modules.get("energybook.data")
        if data is not None and isinstance(e, data.DataError):
            return _report(e.problems)
        raise


def console() -> None:
    """The ``energybook`` command: :func:`main`, then an exit without Python's own
    finalization. Tearing down every module of a process that imported the scientific stack
    (pandas, Altair, nbconvert, papermill) takes a third to half a second after the work is
    done, which every command would wait for. What an exit owes still happens first: the
    threads the command started are joined, the exit handlers run (temporary folders, log
    files, worker pools), and both streams are flushed. An uncaught exception ends the
    normal way, with its traceback."""
    import atexit
    import threading

    try:
        code: Any = main()
    except SystemExit as e:  # argparse's --help and usage errors
        code = e.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for t in threading.enumerate():
        if t is not threading.main_thread() and not t.daemon:
            t.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more to say
            pass
    os._exit(code)


if __name__ == "__main__":
    console()
