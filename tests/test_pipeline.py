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


# ----------------------------------------------------------------- kept kernels
def _notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, str(path))
    return path


@pytest.mark.slow
def test_a_kept_kernel_starts_each_chapter_afresh(tmp_path, root):
    """What one chapter leaves in a kept kernel (names, history, module state of
    energybook, warning filters, the working folder) is gone when the next one starts, and
    the next one's first cell has execution count 1."""
    polluter = _notebook(
        tmp_path / "a.ipynb",
        "import os, warnings\nimport energybook.data\nleft_behind = 1\n"
        "energybook.data.LEFT_BEHIND = 1\nwarnings.simplefilter('error')\nos.chdir('/')",
    )
    checker = _notebook(
        tmp_path / "b.ipynb",
        "import os, sys, warnings\nimport energybook.data\n"
        "assert 'left_behind' not in globals()\n"
        "assert not hasattr(energybook.data, 'LEFT_BEHIND')\n"
        "assert _ih[:-1] == [''], _ih  # this cell's source only\n"
        f"assert os.getcwd() == {str(tmp_path)!r}, os.getcwd()\n"
        "assert ('error', None, Warning, None, 0) not in warnings.filters",
    )
    kernel = pipeline.WarmKernel()
    try:
        pipeline._execute("a", polluter, [], {}, tmp_path / "a.out.ipynb", root, kernel)
        km = kernel.km
        pipeline._execute("b", checker, [], {}, tmp_path / "b.out.ipynb", root, kernel)
        assert kernel.km is km  # the same kernel, reset, not a new one
    finally:
        kernel.discard()
    out = nbformat.read(str(tmp_path / "b.out.ipynb"), as_version=4)
    counts = [c.execution_count for c in out.cells if c.cell_type == "code"]
    assert counts[0] == 1


@pytest.mark.slow
def test_a_chapter_in_a_kept_kernel_is_the_chapter_in_a_new_one(book, tmp_path):
    """The executed notebook of a chapter run in a kernel another notebook ran in first is
    byte for byte the one a kernel of its own gives."""
    spec = specs.get("overview")
    params = spec.params.defaults()
    fresh = tmp_path / "fresh.ipynb"
    pipeline.execute_notebook("overview", params, fresh, book)
    other = _notebook(
        tmp_path / "other.ipynb",
        "import energybook.data, numpy\nx = numpy.ones(3)\n"
        "energybook.data.load_tables(('national_electricity',))",
    )
    kernel = pipeline.WarmKernel()
    try:
        pipeline._execute("other", other, [], {}, tmp_path / "other.out.ipynb", book, kernel)
        warm = tmp_path / "warm.ipynb"
        pipeline.execute_notebook("overview", params, warm, book, kernel=kernel)
    finally:
        kernel.discard()
    assert warm.read_bytes() == fresh.read_bytes()


def test_a_notebooks_imports_are_read_from_its_code_cells(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("import not_code"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport json, os.path as osp\n!ls"),
        nbformat.v4.new_code_cell("from energybook import charts, data\nfrom . import local"),
        nbformat.v4.new_code_cell("def f():\n    import csv\n    return csv"),
        nbformat.v4.new_code_cell("this is not python"),
        nbformat.v4.new_code_cell("import json"),
    ]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, str(path))
    assert pipeline.notebook_imports(path) == (
        "json",
        "os.path",
        "energybook",
        "energybook.charts",
        "energybook.data",
        "csv",
    )


@pytest.mark.slow
def test_a_chapter_in_a_kernel_that_imported_its_modules_first_is_the_chapter_in_a_new_one(
    book, tmp_path
):
    """``energybook run`` has its kernel import the chapter's modules while it checks the
    data; the executed notebook is byte for byte a fresh kernel's, and a module in the
    list that cannot be imported does not stop the kernel (the chapter's own import would
    report it)."""
    spec = specs.get("overview")
    params = spec.params.defaults()
    fresh = tmp_path / "fresh.ipynb"
    pipeline.execute_notebook("overview", params, fresh, book)
    notebook = book / spec.notebook
    preload = pipeline.notebook_imports(notebook)
    assert "energybook.chapters.overview.page" in preload
    kernel = pipeline.WarmKernel()
    try:
        kernel.start(notebook.parent, preload=(*preload, "no_such_module_anywhere"))
        warm = tmp_path / "warm.ipynb"
        pipeline.execute_notebook("overview", params, warm, book, kernel=kernel)
    finally:
        kernel.discard()
    assert warm.read_bytes() == fresh.read_bytes()


@pytest.mark.slow
def test_a_module_that_breaks_on_import_is_reported_by_the_chapters_cell(tmp_path, root):
    (tmp_path / "breaks_on_import.py").write_text("raise ValueError('broken module on purpose')")
    nb = _notebook(tmp_path / "uses.ipynb", "import breaks_on_import")
    kernel = pipeline.WarmKernel()
    try:
        kernel.start(tmp_path, preload=pipeline.notebook_imports(nb))
        with pytest.raises(pipeline.ChapterFailed, match="broken module on purpose") as e:
            pipeline._execute("uses", nb, [], {}, tmp_path / "uses.out.ipynb", root, kernel)
        assert e.value.cell is not None  # the cell's own traceback, not the set-up's
    finally:
        kernel.discard()


@pytest.mark.slow
def test_a_failed_chapter_does_not_keep_its_kernel(tmp_path, root):
    bad = _notebook(tmp_path / "bad.ipynb", "raise RuntimeError('broken on purpose')")
    kernel = pipeline.WarmKernel()
    try:
        with pytest.raises(pipeline.ChapterFailed, match="broken on purpose"):
            pipeline._execute("bad", bad, [], {}, tmp_path / "bad.out.ipynb", root, kernel)
        assert kernel.km is None
    finally:
        kernel.discard()


def test_longest_chapter_first(book):
    names = ["overview", "rebound", "scaling"]
    assert pipeline.longest_first(names, book, {"overview": 9.0, "rebound": 3.0}) == [
        "overview",
        "rebound",
        "scaling",  # never timed: after the timed ones
    ]
    by_size = pipeline.longest_first(names, book, {})
    sizes = [(book / specs.get(n).notebook).stat().st_size for n in by_size]
    assert sizes == sorted(sizes, reverse=True)


# --------------------------------------------------------------------------- kernel readiness
class _Iopub:
    def __init__(self, batches):
        self.batches = [list(b) for b in batches]  # what each kernel_info request brings

    async def get_msg(self, timeout=None):
        from queue import Empty

        if not self.batches or not self.batches[0]:
            if self.batches:
                self.batches.pop(0)
            raise Empty
        return self.batches[0].pop(0)


def _status(parent, state):
    return {
        "msg_type": "status",
        "parent_header": {"msg_id": parent},
        "content": {"execution_state": state},
    }


def _stream(parent):
    return {"msg_type": "stream", "parent_header": {"msg_id": parent}, "content": {}}


def _fake_client(batches):
    import asyncio

    base = pipeline.prompt_client_class()

    class Fake(base):
        def __init__(self):
            self.requests, self.handled = [], []
            self._iopub = _Iopub(batches)

        @property
        def iopub_channel(self):
            return self._iopub

        def kernel_info(self):
            self.requests.append(f"info{len(self.requests)}")
            return self.requests[-1]

        async def _async_recv_reply(self, msg_id, timeout=None, channel="shell"):
            return {"msg_type": "kernel_info_reply", "parent_header": {"msg_id": msg_id}}

        async def _async_is_alive(self):
            return True

        def _handle_kernel_info_reply(self, msg):
            self.handled.append(msg["parent_header"]["msg_id"])

    client = Fake()
    return client, lambda: asyncio.run(client.wait_for_ready(timeout=30))


def test_a_kernel_is_ready_once_the_idle_status_of_its_own_request_arrives():
    """What the kernel sent before (an older request's output) is read and left behind;
    what comes after the request's idle status is not waited for."""
    later = _stream("a later request")
    client, wait = _fake_client(
        [
            [
                _status("old", "busy"),
                _stream("old"),
                _status("old", "idle"),
                _status("info0", "busy"),
                _status("info0", "idle"),
                later,
            ]
        ]
    )
    wait()
    assert client.requests == ["info0"] and client.handled == ["info0"]
    assert client.iopub_channel.batches == [[later]]


def test_a_late_iopub_subscription_asks_again():
    """A subscription that joined after the kernel's status messages sees nothing: the
    request is sent again, and the second one's idle status is the sign of readiness."""
    client, wait = _fake_client([[], [_status("info1", "busy"), _status("info1", "idle")]])
    wait()
    assert client.requests == ["info0", "info1"] and client.handled == ["info1"]


def test_the_private_jupyter_client_methods_the_prompt_client_calls_exist():
    """The fake above replaces them, so this pins that the locked jupyter_client still has
    them, with the arguments the prompt client passes: an upgrade that drops them fails
    here, by name, and not only as a kernel that never becomes ready."""
    import inspect

    from jupyter_client.asynchronous.client import AsyncKernelClient

    recv = inspect.signature(AsyncKernelClient._async_recv_reply).parameters
    assert {"msg_id", "timeout"} <= set(recv)
    handle = inspect.signature(AsyncKernelClient._handle_kernel_info_reply).parameters
    assert list(handle)[1:] == ["msg"]
    assert issubclass(pipeline.prompt_client_class(), AsyncKernelClient)
