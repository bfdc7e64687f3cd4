"""The run folder's HTML page (energybook.runpage): exported cell by cell, it is the whole
notebook's export exactly, on every chapter; cells exported ahead, while the kernel runs,
are used only where the final notebook has them unchanged."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import nbformat
import pytest

from energybook import runpage

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def whole_export(nb) -> str:
    page = nbformat.v4.new_notebook(cells=runpage.page_cells(nb), metadata=nb.metadata)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        body, _ = runpage.make_exporter().from_notebook_node(page)
    return body


def feed(path: Path, nb) -> runpage.CellExports:
    """What `energybook run` does: the thread started, then every code cell as it has run."""
    cells = runpage.PageCells(path)
    cells.start()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cells.executed(cell=cell, cell_index=0, execute_reply={})
    return cells.finish()


@pytest.fixture(scope="module")
def exporter():
    return runpage.make_exporter()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_cells_exported_one_by_one_are_the_whole_notebooks_export(path, exporter):
    nb = nbformat.read(str(path), as_version=4)
    one_by_one = runpage.CellExports(exporter).html(nb.metadata, runpage.page_cells(nb))
    assert one_by_one == whole_export(nb)


@pytest.mark.parametrize("name", ["rebound", "overview"])
def test_every_cell_exported_ahead_is_used_and_the_page_is_the_same(name, tmp_path):
    path = ROOT / "chapters" / f"{name}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    exports = feed(path, nb)
    body = exports.html(nb.metadata, runpage.page_cells(nb))
    assert exports.misses == 0
    assert exports.hits == len(runpage.page_cells(nb))
    assert body == whole_export(nb)
    ahead, plain = tmp_path / "ahead.html", tmp_path / "plain.html"
    runpage.write_html_page(path, ahead, name, {}, ROOT, exports=exports)
    runpage.write_html_page(path, plain, name, {}, ROOT)
    assert ahead.read_bytes() == plain.read_bytes()


def _glued_names(nb) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, cell in enumerate(nb.cells)
        for j, out in enumerate(cell.get("outputs", []))
        if out.get("metadata", {}).get("scrapbook")
    ]


def test_a_cell_that_changed_after_it_was_exported_is_exported_again():
    path = ROOT / "chapters" / "rebound.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    exports = feed(path, nb)
    final = copy.deepcopy(nb)
    # a table cell's output differs in the final notebook from the one exported ahead
    i = next(
        i
        for i, c in enumerate(final.cells)
        if c.cell_type == "code" and "table_identity" in c.source
    )
    final.cells[i].outputs[0].data["text/html"] = "<p>changed after it ran</p>"
    body = exports.html(final.metadata, runpage.page_cells(final))
    assert exports.misses == 1
    assert "changed after it ran" in body
    assert body == whole_export(final)


def test_prose_quotes_the_final_value_of_a_name_glued_twice():
    path = ROOT / "chapters" / "rebound.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    exports = feed(path, nb)  # the prose exported ahead with the values as glued
    final = copy.deepcopy(nb)
    i, j = next(
        (i, j)
        for i, j in _glued_names(final)
        if final.cells[i].outputs[j].metadata["scrapbook"]["name"] == "elasticity_max"
    )
    final.cells[i].outputs[j].data["text/plain"] = "7.25"
    body = exports.html(final.metadata, runpage.page_cells(final))
    assert exports.misses >= 1
    assert body == whole_export(final)
    assert body != whole_export(nb)


def test_a_thread_that_failed_leaves_the_page_whole(tmp_path):
    path = ROOT / "chapters" / "overview.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    exports = feed(tmp_path / "no-such-notebook.ipynb", nb)
    body = exports.html(nb.metadata, runpage.page_cells(nb))
    assert exports.hits == 0
    assert body == whole_export(nb)
