"""Execution and build: cache keys, failures that name the cell, the site swap."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from energybook import chapters as specs
from energybook import pipeline

# What a copy of the book leaves out: tooling, builds and tests, not sources.
NOT_BOOK = {
    ".git",
    ".venv",
    "_build",
    "out",
    "tests",
    "bench",
    "tools",
    ".ci",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
}


def copy_book(root: Path, dest: Path) -> Path:
    """A copy of the book's sources (not its build) to work on."""
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for src in root.iterdir():
        if src.name in NOT_BOOK or src.name == "lib":
            continue
        if src.is_dir():
            shutil.copytree(src, dest / src.name, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, dest / src.name)
    shutil.copytree(root / "lib" / "energybook", dest / "lib" / "energybook", ignore=ignore)
    return dest


def mini_book(root: Path, dest: Path, chapter: str = "overview") -> Path:
    """A copy of the book with one chapter and the appendix. Links from that chapter to
    the chapters left out become plain text (a strict build refuses a link to nowhere), and
    the title page is a plain one."""
    import re

    book = copy_book(root, dest)
    toc = (book / "_toc.yml").read_text()
    keep = "\n".join(
        ln for ln in toc.splitlines() if "file: chapters/" not in ln or f"chapters/{chapter}" in ln
    )
    (book / "_toc.yml").write_text(keep + "\n")
    others = "|".join(
        re.escape(p.stem) for p in (book / "chapters").glob("*.ipynb") if p.stem != chapter
    )
    link = re.compile(rf"\[([^\]]*)\]\((?:\.\./chapters/)?(?:{others})\.(?:ipynb|md)(?:#[^)]*)?\)")
    nb_path = book / "chapters" / f"{chapter}.ipynb"
    nb = nbformat.read(str(nb_path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = link.sub(r"\1", cell.source)
    nbformat.write(nb, str(nb_path))
    # The title page quotes every chapter's headlines: a one-chapter book has a plain one.
    (book / "intro.md").write_text(
        f"# Ambition Creep (a one-chapter copy)\n\nThe chapter: "
        f"[{chapter}](chapters/{chapter}.ipynb).\n"
    )
    return book


@pytest.fixture
def book(tmp_path, root):
    """A one-chapter copy of the book (its builds take seconds, not minutes)."""
    return mini_book(root, tmp_path / "book")


def key(book, params=None):
    spec = specs.get("overview")
    return pipeline.cache_key("overview", spec.params.validate(params or {}), book)


def test_cache_key_is_stable(book):
    assert key(book) == key(book)


def test_cache_key_covers_parameters(book):
    assert key(book) != key(book, {"reference_country": "France"})


def test_cache_key_covers_the_notebook_code(book):
    before = key(book)
    nb_path = book / "chapters" / "overview.ipynb"
    nb = nbformat.read(str(nb_path), as_version=4)
    nb.cells[-1].source += "\nMore prose."
    nbformat.write(nb, str(nb_path))
    assert key(book) != before


def test_cache_key_ignores_stored_outputs(book):
    before = key(book)
    nb_path = book / "chapters" / "overview.ipynb"
    nb = nbformat.read(str(nb_path), as_version=4)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = []
    nbformat.write(nb, str(nb_path))
    assert key(book) == before


def test_cache_key_covers_lib_and_data(book):
    before = key(book)
    with open(book / "lib" / "energybook" / "units.py", "a") as fh:
        fh.write("\n# a change\n")
    after_lib = key(book)
    assert after_lib != before
    with open(book / "data" / "national_electricity.csv", "a") as fh:
        fh.write("\n")
    assert key(book) != after_lib


def test_executed_notebook_is_cleaned():
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"start_time": "x"}
    c = nbformat.v4.new_code_cell("x = 1")
    c.metadata["tags"] = ["injected-parameters"]
    c.metadata["execution"] = {"iopub.status.busy": "t"}
    nb.cells = [c]
    pipeline._clean_executed(nb)
    assert "papermill" not in nb.metadata and "execution" not in c.metadata
    assert "remove-cell" in c.metadata["tags"]


def test_executed_cell_ids_are_derived():
    """papermill gives its injected cell a random id: the executed notebook gets a derived
    one, so that two builds publish the same notebook."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("y = 2"),
        nbformat.v4.new_code_cell("z = 3"),
    ]
    nb.cells[0].metadata["tags"] = ["injected-parameters"]
    nb.cells[1]["id"] = "keep-me"
    nb.cells[2]["id"] = "keep-me"  # a duplicate gets a derived id of its own
    pipeline._clean_executed(nb, "overview")
    ids = [c["id"] for c in nb.cells]
    assert ids[:2] == ["injected-parameters", "keep-me"] and ids[2] not in ids[:2]
    again = nbformat.v4.new_notebook()
    again.cells = [nbformat.v4.new_code_cell("x = 1")]
    again.cells[0].metadata["tags"] = ["injected-parameters"]
    pipeline._clean_executed(again, "overview")
    assert again.cells[0]["id"] == "injected-parameters"


def break_overview(book: Path) -> None:
    nb_path = book / "chapters" / "overview.ipynb"
    nb = nbformat.read(str(nb_path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[2].source = "raise RuntimeError('deliberately broken for the test')\n" + code[2].source
    nbformat.write(nb, str(nb_path))


@pytest.mark.slow
def test_failing_chapter_names_chapter_cell_and_traceback(book, tmp_path):
    break_overview(book)
    spec = specs.get("overview")
    with pytest.raises(pipeline.ChapterFailed) as e:
        pipeline.execute_notebook("overview", spec.params.defaults(), tmp_path / "o.ipynb", book)
    msg = str(e.value)
    assert "chapter 'overview' failed in cell" in msg
    assert "RuntimeError" in msg and "deliberately broken" in msg
    assert e.value.cell is not None


@pytest.mark.slow
def test_build_caches_and_a_failure_keeps_the_previous_site(book, cli):
    run_cli = cli
    env = {"ENERGYBOOK_ROOT": str(book)}
    first = run_cli("build", env=env)
    assert first.returncode == 0, first.stderr
    index = book / "_build" / "html" / "chapters" / "overview.html"
    assert index.exists()
    results = json.loads((book / "_build" / "html" / "results" / "overview.json").read_text())
    assert results["projection_twh"]["value"] == 945

    again = run_cli("build", env=env)
    assert again.returncode == 0
    assert "overview: cached" in again.stdout and "Site unchanged" in again.stderr

    page = index.read_bytes()
    break_overview(book)
    failed = run_cli("build", env=env)
    assert failed.returncode == 1
    assert "chapter 'overview' failed in cell" in failed.stderr
    assert "deliberately broken" in failed.stderr
    assert "left as it was" in failed.stderr
    assert index.read_bytes() == page


@pytest.mark.slow
def test_build_fails_on_a_sphinx_warning_and_keeps_the_site(book, cli):
    run_cli = cli
    env = {"ENERGYBOOK_ROOT": str(book)}
    assert run_cli("build", env=env).returncode == 0
    page = (book / "_build" / "html" / "intro.html").read_bytes()
    with open(book / "intro.md", "a") as fh:
        fh.write("\nA [link to nowhere](missing-page.md).\n")
    r = run_cli("build", env=env)
    assert r.returncode == 1 and "missing-page" in r.stderr
    assert (book / "_build" / "html" / "intro.html").read_bytes() == page


@pytest.mark.slow
def test_nbval_fails_when_a_headline_number_changes(tmp_path, root):
    nb = nbformat.read(str(root / "chapters" / "overview.ipynb"), as_version=4)
    changed = False
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook", {})
            if meta.get("name") == "projection_twh":
                key_ = meta["mime_prefix"] + "text/plain"
                out["data"][key_] = "946.0"
                changed = True
    assert changed
    path = tmp_path / "overview.ipynb"
    nbformat.write(nb, str(path))
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(root / "tests" / "nbval_sanitize.cfg"),
            "-p",
            "no:cacheprovider",
            "-q",
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert r.returncode != 0
    assert "946.0" in r.stdout and "945.0" in r.stdout
