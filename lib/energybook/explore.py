"""``energybook sweep`` and ``energybook sensitivity``: a chapter's headlines over a grid of
its parameters, and their Sobol indices, with no kernel and no notebook.

Both write into a run folder of their own (default ``out/sweeps/<chapter>`` and
``out/sensitivity/<chapter>``), refused inside the book like every output folder, and print
a short table. Every point is validated like a run before anything is computed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from energybook.params import ParameterError

# Largest grid or sample run without --yes (a sweep of this many points takes minutes).
CONFIRM_ABOVE = 10_000


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "sweep",
        help="a chapter's headlines over a grid of its parameters",
        description="Evaluate CHAPTER's headline numbers at every point of a grid: "
        "-p NAME LO:HI:N (N evenly spaced values, ends included) or -p NAME a,b,c "
        "for each swept parameter; the full product of the axes, or --zip. "
        "Writes sweep.csv (or sweep.parquet) and, with --plot, an offline chart.",
    )
    p.add_argument("chapter")
    p.add_argument("--zip", action="store_true", help="take the axes' values together")
    p.add_argument("-f", "--file", help="YAML file of NAME: VALUE for the fixed parameters")
    p.add_argument("-o", "--outdir", help="output folder (default: out/sweeps/CHAPTER)")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.add_argument("--plot", action="store_true", help="also write sweep.html (works offline)")
    p.add_argument("--headline", help="the headline the plot shows (default: the first)")
    _scale_args(p)
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser(
        "sensitivity",
        help="Sobol indices of a chapter's headlines",
        description="First-order and total Sobol indices (SALib, with 95%% bootstrap "
        "intervals) of every headline of CHAPTER with respect to the chosen "
        "numeric parameters, over the chapter's declared sensitivity ranges, "
        "else the parameters' declared ranges. --samples N (a power of two) gives "
        "N x (k + 2) evaluations for k parameters.",
    )
    p.add_argument("chapter")
    p.add_argument("--samples", type=int, default=256, help="N, a power of two (default 256)")
    p.add_argument(
        "--params", help="comma-separated parameter names (default: all with declared ranges)"
    )
    p.add_argument("--seed", type=int, default=20260101)
    p.add_argument("-o", "--outdir", help="output folder (default: out/sensitivity/CHAPTER)")
    p.add_argument("--headline", help="the headline the chart shows (default: the first)")
    _scale_args(p)
    p.set_defaults(func=cmd_sensitivity)


def _scale_args(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workers", type=int, help="run on a local Dask cluster of K processes")
    g.add_argument("--scheduler", help="run on the Dask cluster at tcp://HOST:PORT")
    p.add_argument(
        "--yes",
        action="store_true",
        help=f"run a grid or sample of more than {CONFIRM_ABOVE:,} points",
    )


def _outdir(args: argparse.Namespace, kind: str) -> Path:
    from energybook import book, runs

    return runs.check_output_folder(args.outdir or f"out/{kind}/{args.chapter}", book.repo_root())


def _check_scale(n: int, args: argparse.Namespace) -> None:
    if args.workers is not None and not 1 <= args.workers <= 256:
        raise ParameterError([f"--workers {args.workers}: allowed 1 to 256"])
    if n > CONFIRM_ABOVE and not args.yes:
        raise ParameterError(
            [
                f"the run has {n:,} points, above {CONFIRM_ABOVE:,}: add --yes "
                "to run it (and --workers K or --scheduler to spread it)"
            ]
        )


def _write(outdir: Path, files: dict[str, bytes], marker: dict[str, Any]) -> None:
    from energybook import runs

    with tempfile.TemporaryDirectory(prefix="energybook-explore-") as tmp:
        staging = Path(tmp) / "out"
        staging.mkdir()
        for name, data in files.items():
            (staging / name).write_bytes(data)
        runs.replace_folder(staging, outdir, marker)


def _headline(spec: Any, name: str | None) -> str:
    names = [h.name for h in spec.headlines]
    if name is None:
        return names[0]
    if name not in names:
        raise ParameterError(
            [f"chapter {spec.name!r}: unknown headline {name!r}; allowed: {', '.join(names)}"]
        )
    return name


def _table(df: Any, limit: int = 12) -> str:
    shown = df.head(limit).to_string(index=False, float_format=lambda v: f"{v:.4g}")
    more = f"\n... {len(df) - limit} more rows" if len(df) > limit else ""
    return shown + more


def cmd_sweep(args: argparse.Namespace) -> int:
    from energybook import chapters, charts, sweep

    spec = chapters.get(args.chapter)
    pairs = getattr(args, "param", None) or []
    if not pairs:
        raise ParameterError(["sweep needs at least one -p NAME LO:HI:N (or -p NAME a,b,c)"])
    base = _base(args)
    axes = [sweep.parse_axis(spec.name, name, text) for name, text in pairs]
    n = sweep.grid_size(axes, zipped=args.zip)
    _check_scale(n, args)
    headline = _headline(spec, args.headline)
    outdir = _outdir(args, "sweeps")
    points = sweep.grid(axes, zipped=args.zip)
    full = sweep.validate_points(spec.name, points, base)  # every point, before any runs
    client = _client(args)
    print(f"Evaluating {spec.name}'s headlines at {n:,} points ...", file=sys.stderr)
    try:
        results = sweep.evaluate_points(spec.name, full, client=client)
    finally:
        _close(client)
    table = sweep.table(axes, points, results)
    files: dict[str, bytes] = {}
    if args.format == "parquet":
        import io

        buf = io.BytesIO()
        table.to_parquet(buf, index=False)
        files["sweep.parquet"] = buf.getvalue()
    else:
        files["sweep.csv"] = table.to_csv(index=False).encode()
    if args.plot:
        chart = charts.sweep_chart(
            table,
            [a.name for a in axes],
            headline,
            title=spec.headline(headline).description[:80],
            labels={p.name: p.description[:60] for p in spec.params},
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = charts.save_html(
                chart,
                Path(tmp) / "sweep.html",
                f"{spec.title}: {spec.headline(headline).description} over the sweep",
            )
            files["sweep.html"] = path.read_bytes()
    _write(
        outdir,
        files,
        {
            "command": "sweep",
            "chapter": spec.name,
            "points": n,
            "axes": {a.name: list(map(_plain, a.values)) for a in axes},
            "fixed": {k: _plain(v) for k, v in base.items()},
        },
    )
    print(_table(table))
    print(f"\nwrote {', '.join(sorted(files))} to {outdir}", file=sys.stderr)
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from energybook import chapters, charts, sensitivity, sobol

    spec = chapters.get(args.chapter)
    names = [n.strip() for n in args.params.split(",") if n.strip()] if args.params else None
    prob = sensitivity.problem(spec.name, names)
    try:
        n_points = args.samples * (len(prob.names) + 2)
        sobol.sample(prob, args.samples)  # refuses a bad N before anything runs
    except ValueError as e:
        raise ParameterError([f"--samples {args.samples}: {e}"]) from None
    _check_scale(n_points, args)
    headline = _headline(spec, args.headline)
    outdir = _outdir(args, "sensitivity")
    client = _client(args)
    print(
        f"Sobol analysis of {spec.name}: {len(prob.names)} parameters, N = {args.samples} "
        f"({n_points:,} evaluations) ...",
        file=sys.stderr,
    )
    try:
        idx = sensitivity.chapter_indices(
            spec.name, args.samples, prob.names, seed=args.seed, client=client
        )
    finally:
        _close(client)
    main = idx[idx["headline"] == headline]
    described = spec.headline(headline).description
    chart = charts.sobol_bars(
        main,
        title=f"Which parameters move it: {described}"[:80],
        labels={p.name: p.description[:60] for p in spec.params},
    )
    files = {"sobol.csv": idx.to_csv(index=False).encode()}
    with tempfile.TemporaryDirectory() as tmp:
        path = charts.save_html(
            chart,
            Path(tmp) / "sobol.html",
            f"Total Sobol indices of {described}, with 95% intervals",
        )
        files["sobol.html"] = path.read_bytes()
    files["problem.json"] = json.dumps(
        {
            "parameters": list(prob.names),
            "ranges": [list(b) for b in prob.bounds],
            "samples": args.samples,
            "seed": args.seed,
        },
        indent=1,
    ).encode()
    _write(
        outdir,
        files,
        {
            "command": "sensitivity",
            "chapter": spec.name,
            "samples": args.samples,
            "parameters": list(prob.names),
        },
    )
    print(_table(main[["parameter", "S1", "S1_conf", "ST", "ST_conf"]], 40))
    unseparated = sorted(set(idx.loc[~idx["separated"], "headline"]))
    if unseparated:
        print(
            f"\nN = {args.samples} is too small for the intervals to separate the two most "
            f"influential parameters of: {', '.join(unseparated)}. Raise --samples.",
            file=sys.stderr,
        )
    print(f"\nwrote {', '.join(sorted(files))} to {outdir}", file=sys.stderr)
    return 0


def _client(args: argparse.Namespace) -> Any:
    """A Dask client when asked for (connecting first: an unreachable scheduler is refused
    before anything runs), else None (in-process)."""
    if not args.workers and not args.scheduler:
        return None
    from energybook import sweep

    return sweep.connect(args.workers, args.scheduler)


def _close(client: Any) -> None:
    if client is None:
        return
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def _base(args: argparse.Namespace) -> dict[str, Any]:
    if not getattr(args, "file", None):
        return {}
    from energybook import yamlsafe

    doc = yamlsafe.load_mapping(args.file)
    return dict(doc)


def _plain(v: Any) -> Any:
    if isinstance(v, tuple):
        return list(v)
    if hasattr(v, "item"):
        return v.item()
    return v
