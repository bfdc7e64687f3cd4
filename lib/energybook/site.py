"""Pages generated from the declarations, never written by hand: the appendix.

- *Parameters*: every chapter's parameters, from their declarations (also as CSV and JSON);
- *Data*: every table of ``data/datapackage.json``, its fields and every row's source;
- *Reproducibility*: the environment from the lock file, the commit, how to rebuild;
- *References*: the bibliography, ``references.bib``.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from energybook import bib, data, fmt
from energybook.book import book_chapters
from energybook.publish import rerun_command

MAX_COLUMNS = 10  # value columns shown per table on the data page


def _cell(text: object) -> str:
    s = "" if text is None else str(text)
    s = s.replace("|", "\\|").replace("\n", " ")
    # Keep MyST from reading roles, substitutions or emphasis in data values.
    return s.replace("{", "\\{").replace("}", "\\}").replace("*", "\\*").replace("_", "\\_")


def _table(header: list[str], rows: list[list[object]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def parameters_page() -> str:
    parts = [
        "# Parameters",
        "",
        "Every assumption of every chapter, generated from its declaration in "
        "`lib/energybook/chapters/<chapter>/params.py`. The same declaration builds each notebook's parameters cell and "
        "the command line's validation, so this page cannot drift from either.",
        "",
        "Re-run a chapter with other values from the command line, for example "
        "`energybook run CHAPTER -p NAME VALUE`, or set several chapters at once with a "
        "scenario file: `energybook build -f scenario.yaml`.",
        "",
        'Every parameter as a table: <a href="../parameters.csv">parameters.csv</a> · '
        '<a href="../parameters.json">parameters.json</a>.',
    ]

    for spec in book_chapters():
        parts += [
            "",
            f"## {spec.title}",
            "",
            spec.summary,
            "",
            f"Re-run with defaults: `{rerun_command(spec.name, {})}`",
            "",
        ]
        rows = []
        for p in spec.params:
            default = ", ".join(p.default) if isinstance(p.default, tuple) else p.default
            rows.append([f"`{p.name}`", p.type, p.unit or "-", default, p.allowed(), p.description])
        parts.append(_param_table(rows))
    return "\n".join(parts) + "\n"


def _param_table(rows: list[list[object]]) -> str:
    header = ["Name", "Type", "Unit", "Default", "Allowed", "Meaning"]
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        name, *rest = row
        out.append("| " + " | ".join([str(name)] + [_cell(c) for c in rest]) + " |")
    return "\n".join(out)


def _h(text: object) -> str:
    return html.escape("" if text is None else str(text))


UNIT_WORDS = {
    "twh",
    "gwh",
    "mwh",
    "kwh",
    "wh",
    "w",
    "kw",
    "mw",
    "gw",
    "j",
    "kj",
    "mj",
    "pj",
    "fj",
    "nj",
    "s",
    "ms",
    "usd",
    "eur",
    "per",
    "pct",
    "percent",
    "mm2",
    "b",
    "gb",
    "tb",
    "flop",
    "tflop",
    "tflops",
    "pflop",
    "tops",
    "db",
    "bits",
    "hz",
    "ghz",
    "mhz",
    "yuan",
    "local",
    "years",
    "year",
    "h",
    "mt",
    "g",
    "kg",
    "co2",
    "x",
    "m",
    "nm",
}
ACRONYMS = {
    "usd": "USD",
    "pue": "PUE",
    "gpu": "GPU",
    "gpus": "GPUs",
    "ai": "AI",
    "adc": "ADC",
    "tdp": "TDP",
    "bf16": "BF16",
    "fp8": "FP8",
    "fp16": "FP16",
    "fp32": "FP32",
    "fp4": "FP4",
    "int8": "INT8",
    "tf32": "TF32",
    "hbm": "HBM",
    "id": "ID",
    "iea": "IEA",
    "url": "URL",
    "sndr": "SNDR",
    "enob": "ENOB",
    "mac": "MAC",
    "co2": "CO2",
    "sm": "SM",
    "us": "US",
    "eu": "EU",
    "tpu": "TPU",
}


def field_title(f: dict) -> str:
    """A short column title for readers: the field's ``title`` if it declares one, else its
    name in words without the unit suffix, then the unit in brackets (the description goes
    into the title's tooltip)."""
    unit = f.get("unit")
    if f.get("title"):
        title = f["title"]
    else:
        words = f["name"].split("_")
        if unit:
            while len(words) > 1 and words[-1] in UNIT_WORDS:
                words.pop()
        words = [ACRONYMS.get(w, w) for w in words]
        title = " ".join(words)
        title = title[0].upper() + title[1:]
    return f"{title} ({unit})" if unit and unit != "1" else title


def _source_cell(row: dict, ids: dict[str, str]) -> str:
    url = str(row["source_url"]).strip()
    full = f"{row['source_publisher']}, {row['source_title']} ({row['source_year']})"
    short = str(row["source_publisher"]).split(" (")[0]
    if len(short) > 40:
        short = short[:38].rstrip() + "…"
    label = f"{_h(short)} ({_h(row['source_year'])})"
    if re.match(r"^(https?://)", url):
        href = url
    elif url.startswith(("doi:", "10.")):
        href = "https://doi.org/" + url.removeprefix("doi:")
    else:  # the book's own measurement files
        href = "../data/" + url.removeprefix("data/")
    out = f'<a href="{_h(href)}" title="{_h(full)}">{label}</a>'
    anchor = ids.get(bib.normalise_url(url))
    if anchor:
        out += (
            f' <a class="eb-bibref" href="references.html#{anchor}" title="Bibliography">[ref]</a>'
        )
    return out


def _html_table(name: str, header: list[str], rows: list[list[str]], *, numeric: list[bool]) -> str:
    kinds = [' data-type="number"' if num else "" for num in numeric]
    head = "".join(f'<th scope="col"{k}>{h}</th>' for h, k in zip(header, kinds, strict=True))
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="eb-scroll"><table class="eb-table eb-data" id="table-{name}" '
        f'data-eb-sortable="true">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n'
        "</tbody></table></div>"
    )


def data_page(root: Path) -> str:
    pkg = data.read_package(root / "data")
    ids = bib.anchors_by_source(root / "references.bib")
    parts = [
        "# Data",
        "",
        "Every table the book uses, as declared in "
        "{download}`datapackage.json <../data/datapackage.json>` (a Frictionless Data "
        "Package: fields, types, units and descriptions). Every row carries its source and "
        "its tier: *measured* (by this book), *reported* (by the publisher as fact), "
        "*estimated* (a modelled value for the past) or *projected* (for the future). "
        "*Checked* says how firmly the figure was verified: *primary* (read in the primary "
        "source), *secondary* (a reproduction of it) or *unverified*. Each source links to "
        "the source itself; *[ref]* links to its entry in the "
        "[references](references.md). Click a column title to sort; type in the box above "
        "a table to filter its rows.",
    ]
    for res in pkg["resources"]:
        path = root / "data" / res["path"]
        link = (
            f"{{download}}`{res['path']} <../data/{res['path']}>`"
            if path.exists()
            else f"`{res['path']}` (not yet present)"
        )
        parts += [
            "",
            f"## {res.get('title', res['name'])}",
            "",
            res.get("description", ""),
            "",
            f"Download the table as CSV: {link}",
            "",
        ]
        fields = res["schema"]["fields"]
        if not path.exists():
            parts += ["*No rows yet: this table is filled by a measurement run.*"]
            continue
        rows = data.validate_rows(res, path)
        value_fields = [
            f for f in fields if f["name"] not in data.SOURCE_FIELDS and f["name"] != "note"
        ]
        header = [
            f'<span title="{_h(f["description"])}">{_h(field_title(f))}</span>'
            for f in value_fields
        ] + ["Source", "Tier", "Checked", "Note"]
        numeric = [f.get("type") in ("number", "integer") for f in value_fields] + [False] * 4
        body = [
            [_h(fmt.number(r[f["name"]], 6)) for f in value_fields]
            + [_source_cell(r, ids), _h(r["tier"]), _h(r["checked"]), _h(r.get("note"))]
            for r in rows
        ]
        parts += [_html_table(res["name"], header, body, numeric=numeric), ""]
        parts += [
            "```{dropdown} Fields of this table",
            "",
            _table(
                ["Field", "Type", "Unit", "Description"],
                [
                    [f["name"], f.get("type", "string"), f.get("unit", "-"), f["description"]]
                    for f in fields
                ],
            ),
            "```",
            "",
        ]
    return "\n".join(parts) + "\n"


def references_page() -> str:
    return (
        "# References\n\nEvery work the book cites, and every source of its data, once "
        "(`references.bib`).\n\n```{bibliography}\n:all:\n```\n"
    )


def changelog_page(root: Path) -> str:
    """CHANGELOG.md on the site: release by release, which headline numbers moved and why."""
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "# Changelog\n" + "\n".join(lines) + "\n"


def cite_page(root: Path) -> str:
    """How to cite the book, from CITATION.cff."""
    import yaml

    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    authors = ", ".join(
        a.get("name") or f"{a.get('given-names', '')} {a.get('family-names', '')}".strip()
        for a in cff["authors"]
    )
    year = str(cff["date-released"])[:4]
    key = "ambitioncreep" + year
    bibtex = (
        f"@book{{{key},\n  title = {{{cff['title']}}},\n  author = {{{{{authors}}}}},\n"
        f"  year = {{{year}}},\n  version = {{{cff['version']}}},\n"
        f"  url = {{{cff['repository-code']}}},\n}}"
    )
    return "\n".join(
        [
            "# Cite this book",
            "",
            ":::{admonition} Cite this book",
            ":class: tip",
            "",
            f"{authors} ({year}). *{cff['title']}*, version {cff['version']}. "
            f"<{cff['repository-code']}>",
            "",
            ":::",
            "",
            "As BibTeX:",
            "",
            "```bibtex",
            bibtex,
            "```",
            "",
            "The same metadata is in `CITATION.cff` at the top of the repository. The code is "
            "MIT-licensed; the text and the data compilation are CC BY 4.0, and each data source "
            "keeps its own terms (named in its row of the data appendix).",
            "",
        ]
    )


def headline_substitutions(results_dir: Path) -> dict[str, str]:
    """``<chapter>_<headline>`` -> the headline number as the chapter's headline box shows
    it (its declared format), from the executed chapters' results: what the key-findings
    page (intro.md) quotes as ``{{ rebound_flip_elasticity }}``. Computed, never typed."""
    from energybook import chapters

    subs: dict[str, str] = {}
    for path in sorted(results_dir.glob("*.json")):
        name = path.stem
        try:
            spec = chapters.get(name)
        except Exception:
            continue
        results = json.loads(path.read_text(encoding="utf-8"))
        for h in spec.headlines:
            if h.name in results:
                subs[f"{name}_{h.name}"] = format(float(results[h.name]["value"]), h.fmt)
    return subs


# The key-findings page's chart: (chapter, figure) from that chapter's figures.gallery.
HERO_FIGURE = ("overview", "forecasts")


def hero_chart_html() -> str:
    """The key-findings page's chart, built from its chapter at the default parameters."""
    import importlib

    from energybook import chapters, charts, render

    name, fig = HERO_FIGURE
    page = importlib.import_module(f"energybook.chapters.{name}.page")
    figures = importlib.import_module(f"energybook.chapters.{name}.figures")
    spec = chapters.get(name)
    ev = page.evaluate(spec.typed(spec.params.defaults()), data.load_tables(page.TABLES))
    render.setup()
    figure = charts.figure(getattr(figures, fig)(ev), page.captions(ev)[fig])
    return figure.html()


def intro_page(root: Path, results_dir: Path) -> str:
    """intro.md with its substitutions (every chapter's headline numbers) in its front
    matter, and the hero chart where the text says ``<!-- hero-chart -->``."""
    body = (root / "intro.md").read_text(encoding="utf-8")
    subs = headline_substitutions(results_dir)
    front = ["---", "myst:", "  substitutions:"]
    front += [f"    {k}: {json.dumps(v)}" for k, v in sorted(subs.items())]
    front.append("---")
    if "<!-- hero-chart -->" in body:
        body = body.replace("<!-- hero-chart -->", "\n" + hero_chart_html() + "\n")
    return "\n".join(front) + "\n" + body


def parameters_table() -> list[dict[str, object]]:
    """Every parameter of every chapter, as rows (the parameters appendix's downloads)."""
    rows: list[dict[str, object]] = []
    for spec in book_chapters():
        for p in spec.params:
            d = p.as_dict()
            rows.append(
                {
                    "chapter": spec.name,
                    **{
                        k: d.get(k)
                        for k in (
                            "name",
                            "type",
                            "unit",
                            "default",
                            "min",
                            "max",
                            "choices",
                            "description",
                        )
                    },
                }
            )
    return rows


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def locked_versions(root: Path) -> list[tuple[str, str]]:
    text = (root / "requirements.lock").read_text()
    return re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s\\;]+)", text, flags=re.M)


def reproducibility_page(root: Path) -> str:
    commit = _git(root, "rev-parse", "HEAD")
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    commit_text = commit + (" (with uncommitted changes)" if dirty and dirty != "unknown" else "")
    # The build date is the commit's date (or SOURCE_DATE_EPOCH), not the clock's: the same
    # sources then give the same page, and a rebuild with no change stays a no-op.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        built = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    else:
        built = _git(root, "log", "-1", "--format=%cs")
    versions = locked_versions(root)
    parts = [
        "# Reproducibility",
        "",
        f"This site was built from commit `{commit_text}`, dated {built}.",
        "",
        "## Rebuild it",
        "",
        "On a machine with Python 3.11 and `make`:",
        "",
        "```bash",
        "make book    # creates .venv from requirements.lock, executes every chapter, builds",
        "make test    # the same set-up, then every test",
        "```",
        "",
        "Chapters are executed by papermill with the parameters declared in "
        "`lib/energybook/chapters/<chapter>/params.py`; a chapter is executed again only when its notebook, its "
        "parameters, the library or the data change. Numbers are identical on every run: "
        "all randomness is seeded.",
        "",
        "## Re-run with your own assumptions",
        "",
        "One chapter, written to a folder of its own (notebook, HTML page, `results.json`):",
        "",
        "```bash",
        ".venv/bin/energybook params rebound            # what can be changed",
        ".venv/bin/energybook run rebound -p elasticity 1.4 -o out/rebound",
        "```",
        "",
        "The whole book, with a scenario file setting parameters of several chapters:",
        "",
        "```yaml",
        "# scenario.yaml",
        "overview:",
        "  horizon_year: 2035",
        "```",
        "",
        "```bash",
        ".venv/bin/energybook build -f scenario.yaml",
        "```",
        "",
        "## The environment",
        "",
        f"Every package, pinned in `requirements.lock` ({len(versions)} packages):",
        "",
        _table(["Package", "Version"], [[n, v] for n, v in versions]),
    ]
    return "\n".join(parts) + "\n"


def write_generated_pages(root: Path, stage: Path) -> None:
    out = stage / "appendix"
    out.mkdir(parents=True, exist_ok=True)
    (out / "parameters.md").write_text(parameters_page(), encoding="utf-8")
    (out / "data.md").write_text(data_page(root), encoding="utf-8")
    (out / "reproducibility.md").write_text(reproducibility_page(root), encoding="utf-8")
    (out / "references.md").write_text(references_page(), encoding="utf-8")
    results_dir = stage / "_extra" / "results"
    if results_dir.is_dir():
        (stage / "intro.md").write_text(intro_page(root, results_dir), encoding="utf-8")
    (out / "changelog.md").write_text(changelog_page(root), encoding="utf-8")
    shutil.copy2(root / "glossary.md", out / "glossary.md")
    (out / "cite.md").write_text(cite_page(root), encoding="utf-8")
    shutil.copy2(root / "references.bib", stage / "references.bib")
    extra = stage / "_extra"
    extra.mkdir(parents=True, exist_ok=True)
    # The book's own measurement files are data sources too: served beside the tables.
    measured = root / "data" / "measured"
    if measured.is_dir():
        dest = extra / "data" / "measured"
        dest.mkdir(parents=True, exist_ok=True)
        for f in sorted(measured.glob("*.json")):
            shutil.copy2(f, dest / f.name)
    rows = parameters_table()
    (extra / "parameters.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    with (extra / "parameters.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for r in rows:
            writer.writerow(
                {k: (";".join(map(str, v)) if isinstance(v, list) else v) for k, v in r.items()}
            )
