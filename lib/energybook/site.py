"""Pages generated from the declarations, never written by hand: the appendix.

- *Parameters*: every chapter's parameters, from ``energybook.specs``;
- *Data*: every table of ``data/datapackage.json``, its fields and every row's source;
- *Reproducibility*: the environment from the lock file, the commit, how to rebuild.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

from energybook import data
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
        "`energybook.specs`. The same declaration builds each notebook's parameters cell and "
        "the command line's validation, so this page cannot drift from either.",
        "",
        "Re-run a chapter with other values from the command line, for example "
        "`energybook run CHAPTER -p NAME VALUE`, or set several chapters at once with a "
        "scenario file: `energybook build -f scenario.yaml`.",
    ]

    for spec in book_chapters():
        parts += ["", f"## {spec.title}", "", spec.summary, "",
                  f"Re-run with defaults: `{rerun_command(spec.name, {})}`", ""]
        rows = []
        for p in spec.params:
            default = ", ".join(p.default) if isinstance(p.default, tuple) else p.default
            rows.append([f"`{p.name}`", p.type, p.unit or "-", default, p.allowed(),
                         p.description])
        parts.append(_param_table(rows))
    return "\n".join(parts) + "\n"


def _param_table(rows: list[list[object]]) -> str:
    header = ["Name", "Type", "Unit", "Default", "Allowed", "Meaning"]
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        name, *rest = row
        out.append("| " + " | ".join([str(name)] + [_cell(c) for c in rest]) + " |")
    return "\n".join(out)


def data_page(root: Path) -> str:
    pkg = data.read_package(root / "data")
    parts = [
        "# Data",
        "",
        "Every table the book uses, as declared in "
        "{download}`datapackage.json <../data/datapackage.json>` (a Frictionless Data "
        "Package: fields, types, units and descriptions). Every row carries its source and "
        "its tier: *measured* (by this book), *reported* (by the publisher as fact), "
        "*estimated* (a modelled value for the past) or *projected* (for the future). "
        "`checked` says how firmly the figure was verified: *primary* (read in the primary "
        "source), *secondary* (a reproduction of it) or *unverified*.",
    ]
    for res in pkg["resources"]:
        path = root / "data" / res["path"]
        link = (f"{{download}}`{res['path']} <../data/{res['path']}>`" if path.exists()
                else f"`{res['path']}` (not yet present)")
        parts += ["", f"## {res.get('title', res['name'])}", "",
                  res.get("description", ""), "", f"Table `{res['name']}`: {link}", ""]
        fields = res["schema"]["fields"]
        parts += ["### Fields", "",
                  _table(["Field", "Type", "Unit", "Description"],
                         [[f["name"], f.get("type", "string"), f.get("unit", "-"),
                           f["description"]] for f in fields]), ""]
        if not path.exists():
            parts += ["*No rows yet: this table is filled by a measurement run.*"]
            continue
        rows = data.validate_rows(res, path)
        value_fields = [f["name"] for f in fields if f["name"] not in data.SOURCE_FIELDS
                        and f["name"] != "note"]
        if len(value_fields) > MAX_COLUMNS:
            pk = res["schema"].get("primaryKey") or []
            keep = ([pk] if isinstance(pk, str) else list(pk))
            keep += [f for f in value_fields if f not in keep][:MAX_COLUMNS - len(keep)]
            parts += [f"The table has {len(value_fields)} value columns; the rows below show "
                      f"{len(keep)} of them. The CSV has them all.", ""]
            value_fields = keep
        parts += ["### Rows and sources", "",
                  _table(value_fields + ["Source", "Tier", "Checked"],
                         [[r[k] for k in value_fields]
                          + [f"{r['source_publisher']}, {r['source_title']} "
                             f"({r['source_year']}), {r['source_url']}",
                             r["tier"], r["checked"]] for r in rows]), ""]
    return "\n".join(parts) + "\n"


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def locked_versions(root: Path) -> list[tuple[str, str]]:
    text = (root / "requirements.lock").read_text()
    return re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s\\;]+)", text, flags=re.M)


def reproducibility_page(root: Path) -> str:
    commit = _git(root, "rev-parse", "HEAD")
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    commit_text = commit + (" (with uncommitted changes)" if dirty and dirty != "unknown"
                            else "")
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
        "`lib/energybook/specs/`; a chapter is executed again only when its notebook, its "
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
