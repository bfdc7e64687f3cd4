"""The ``energybook`` command line.

    energybook params [CHAPTER] [--json]
    energybook run CHAPTER [-p NAME VALUE]... [-f params.yaml] [-o OUTDIR]
    energybook build [-f scenario.yaml] [--force] [--jobs N]
    energybook refresh [CHAPTER]...
    energybook check-data
    energybook measure [...]

Bad input (unknown chapter or parameter, wrong type, NaN or infinity, out of range, a
malformed or non-mapping YAML file) is reported one message per problem, with exit code 2,
before anything executes or is written.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from energybook import chapters as registry
from energybook.params import ParameterError

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def read_yaml_mapping(path: str) -> dict[str, Any]:
    """Read a YAML file that must hold a mapping; ParameterError otherwise."""
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParameterError([f"{path}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ParameterError([f"{path}: cannot be read ({e})"]) from None
    try:
        obj = yaml.load(text, Loader=_unique_key_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ParameterError([f"{path}: malformed YAML{where}: {problem}"]) from None
    if obj is None:
        return {}
    if not isinstance(obj, dict):
        raise ParameterError([f"{path}: must be a mapping of NAME: VALUE, got a "
                              f"{type(obj).__name__} (a YAML {_yaml_kind(obj)})"])
    return obj


@functools.lru_cache(maxsize=1)
def _unique_key_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        """Safe YAML that refuses a key given twice (the second would silently win)."""

    def construct_mapping(loader, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice", key_node.start_mark)
            seen.add(key)
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


def _yaml_kind(obj: Any) -> str:
    return "list" if isinstance(obj, list) else "scalar"


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
def collect_overrides(pairs: list[list[str]] | None,
                      files: list[str] | None) -> dict[str, Any]:
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


def print_results(results: dict[str, dict[str, Any]], chapter: str) -> None:
    from rich.console import Console
    from rich.table import Table

    spec = registry.get(chapter)
    table = Table(title=f"{chapter}: headline numbers", title_justify="left")
    for col in ("name", "value", "unit", "description"):
        table.add_column(col)
    for h in spec.headlines:
        r = results[h.name]
        table.add_row(h.name, format(r["value"], h.fmt), r["unit"], r["description"])
    Console(width=120).print(table)


def write_html_page(nb_path: Path, html_path: Path) -> None:
    """A readable, self-contained-offline HTML page of an executed chapter."""
    import nbformat
    from nbconvert import HTMLExporter

    from energybook import charts

    nb = nbformat.read(str(nb_path), as_version=4)
    from energybook.publish import glued_values, resolve_glue

    nb.cells = [c for c in nb.cells if "remove-cell" not in c.metadata.get("tags", [])]
    glued = glued_values(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = resolve_glue(cell.source, glued)
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    body, _ = exporter.from_notebook_node(nb)
    bundle = charts.write_js_bundle(html_path.parent)
    css = (Path(__file__).resolve().parents[2] / "_static" / "energybook.css")
    style = css.read_text() if css.exists() else ""
    title = nb.cells[0].source.splitlines()[0].lstrip("# ") if nb.cells else "Chapter"
    html_path.write_text(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title><script src=\"{bundle.name}\"></script>"
        "<style>body{max-width:900px;margin:2rem auto;padding:0 1rem;"
        "font-family:system-ui,sans-serif;line-height:1.5}" + style + "</style>"
        f"</head><body>\n{body}\n</body></html>\n", encoding="utf-8")


def check_outdir(outdir: Path) -> None:
    """The output folder must be a folder, or creatable as one."""
    if outdir.exists() and not outdir.is_dir():
        raise ParameterError([f"output folder {str(outdir)!r} exists and is not a folder"])
    parent = next((p for p in [outdir, *outdir.parents] if p.exists()), Path("."))
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise ParameterError([f"output folder {str(outdir)!r} cannot be created in "
                              f"{str(parent)!r}"])


def cmd_run(args: argparse.Namespace) -> int:
    from energybook import data, pipeline

    spec = registry.get(args.chapter)
    overrides = collect_overrides(args.param, args.file)
    params = spec.validate(overrides, context=f"chapter {spec.name!r}",
                           tables=data.load_tables(spec.tables))
    outdir = Path(args.outdir or f"out/{spec.name}")
    check_outdir(outdir)
    data.validate_all()  # a corrupt table stops here, before anything executes
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"energybook-{spec.name}-") as tmp:
        staging = Path(tmp)
        print(f"Executing {spec.notebook} with papermill ...", file=sys.stderr)
        try:
            results = pipeline.execute_notebook(spec.name, params,
                                                staging / f"{spec.name}.ipynb")
        except pipeline.ChapterFailed as e:
            _err(str(e))
            return EXIT_FAILED
        write_html_page(staging / f"{spec.name}.ipynb", staging / f"{spec.name}.html")
        pipeline.write_json(staging / "results.json", results)
        pipeline.write_json(staging / "parameters.json",
                            {k: pipeline.to_papermill(v) for k, v in params.items()})
        # Everything is written; only now does the output folder change.
        outdir.mkdir(parents=True, exist_ok=True)
        for f in staging.iterdir():
            shutil.copy2(f, outdir / f.name)
    print_results(results, spec.name)
    print(f"Wrote {outdir}/{spec.name}.ipynb, {spec.name}.html, results.json "
          f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- build
def cmd_build(args: argparse.Namespace) -> int:
    from energybook import data, pipeline

    scenario: dict[str, Any] = {}
    problems: list[str] = []
    for f in args.file or []:
        try:
            scenario.update(read_yaml_mapping(f))
        except ParameterError as e:
            problems.extend(e.problems)
    if problems:
        raise ParameterError(problems)
    source = ", ".join(args.file) if args.file else "scenario"
    for chapter, params in scenario.items():
        if params is not None and not isinstance(params, dict):
            problems.append(f"{source}: chapter {chapter!r} must map to NAME: VALUE pairs, "
                            f"got a {type(params).__name__}")
    try:
        resolved = pipeline.validate_scenario(
            {k: v for k, v in scenario.items() if v is None or isinstance(v, dict)}, source)
    except ParameterError as e:
        problems.extend(e.problems)
    if problems:
        raise ParameterError(problems)
    data.validate_all()  # a corrupt table stops the build before anything executes
    root = pipeline.repo_root()
    t0 = time.perf_counter()
    runs = _execute_with_progress(resolved, root, args.jobs, args.force)
    failed = [r for r in runs if r.status == "failed"]
    if failed:
        for r in failed:
            _err(str(r.error))
        _err(f"Build failed: {len(failed)} chapter(s) failed "
             f"({', '.join(r.chapter for r in failed)}); _build/html was left as it was.")
        return EXIT_FAILED
    try:
        state = pipeline.build_site(root, force=args.force)
    except pipeline.BuildFailed as e:
        _err(str(e))
        _err("_build/html was left as it was; the full log is _build/jupyter-book.log")
        return EXIT_FAILED
    print(f"Site {state} in {time.perf_counter() - t0:.1f} s: {root / '_build' / 'html'}"
          f"/index.html", file=sys.stderr)
    return 0


def _execute_with_progress(resolved, root, jobs, force):
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from energybook import pipeline

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  transient=False) as progress:
        tasks = {name: progress.add_task(f"{name}: waiting", total=1) for name in resolved}

        def report(chapter: str, status: str) -> None:
            done = status not in ("executing",)
            progress.update(tasks[chapter], description=f"{chapter}: {status}",
                            completed=1 if done else 0)

        return pipeline.execute_chapters(resolved, root, jobs=jobs, force=force,
                                         progress=report)


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
        executed.cells = [c for c in executed.cells
                          if "injected-parameters" not in c.metadata.get("tags", [])]
        for cell in executed.cells:
            tags = cell.metadata.get("tags", [])
            if "parameters" in tags:
                cell.metadata["tags"] = ["parameters", "remove-cell"]
        nbformat.write(executed, str(path))
        print(f"refreshed {spec.notebook}", file=sys.stderr)
    return 0


def cmd_check_data(args: argparse.Namespace) -> int:
    from energybook import data

    counts = data.validate_all()
    for name, n in counts.items():
        print(f"{name}: {n} rows OK")
    return 0


# --------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="energybook",
        description="Ambition Creep: execute, re-run and build the book.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("params", help="list the parameters of every chapter, or of one")
    p.add_argument("chapter", nargs="?", help="chapter name")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=cmd_params)

    p = sub.add_parser("run", help="re-run one chapter with your own parameters",
                       description="Validate the parameters, execute the chapter with "
                       "papermill, and write OUTDIR/CHAPTER.ipynb, OUTDIR/CHAPTER.html and "
                       "OUTDIR/results.json. Chapters: " + ", ".join(registry.names()) + ".")
    p.add_argument("chapter", help="chapter name")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="set a parameter (repeatable)")
    p.add_argument("-f", "--file", action="append", metavar="PARAMS.yaml",
                   help="YAML mapping of NAME: VALUE (repeatable; -p wins)")
    p.add_argument("-o", "--outdir", metavar="OUTDIR", help="output folder (default out/CHAPTER)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("build", help="execute the chapters and build the whole book")
    p.add_argument("-f", "--file", action="append", metavar="SCENARIO.yaml",
                   help="YAML mapping of CHAPTER: {NAME: VALUE}")
    p.add_argument("--force", action="store_true", help="ignore the cache")
    p.add_argument("--jobs", type=int, default=None, help="chapters executed at once")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("refresh", help="re-execute notebooks and store their outputs "
                       "(the reference nbval compares against)")
    p.add_argument("chapters", nargs="*", help="chapters (default: all)")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("check-data", help="validate every data table against its schema")
    p.set_defaults(func=cmd_check_data)

    p = sub.add_parser("measure", help="measure GPU energy (needs a CUDA GPU and PyTorch)",
                       add_help=False)
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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["measure"]:
        from energybook import measure

        return measure.main(argv[1:])
    parser = build_parser()
    argv, pairs = _take_param_pairs(argv)
    args = parser.parse_args(argv)
    if pairs:
        if args.command != "run":
            parser.error("-p/--param is an option of `energybook run`")
        args.param = (args.param or []) + pairs
    try:
        return args.func(args)
    except ParameterError as e:
        for problem in e.problems:
            _err(f"error: {problem}")
        return EXIT_BAD_INPUT
    except Exception as e:  # data errors and the like: name them, no traceback
        from energybook.data import DataError

        if isinstance(e, DataError):
            _err(f"error: {e}")
            return EXIT_BAD_INPUT
        raise


if __name__ == "__main__":
    sys.exit(main())
