"""Two clean builds give identical numbers, identical notebook outputs, and (issue 17, item
10) byte-identical sites."""

import json

import nbformat
import pytest

from energybook import pipeline

from .test_pipeline import copy_book, mini_book


def outputs(nb_path):
    nb = nbformat.read(str(nb_path), as_version=4)
    return [
        [{k: v for k, v in o.items() if k != "execution_count"} for o in c.get("outputs", [])]
        for c in nb.cells
    ]


@pytest.mark.slow
def test_two_clean_builds_are_identical(tmp_path, root):
    books = [copy_book(root, tmp_path / f"book{i}") for i in (1, 2)]
    resolved = pipeline.validate_scenario({})
    for book in books:
        runs = pipeline.execute_chapters(resolved, book, jobs=2)
        assert {r.status for r in runs} == {"executed"}, [str(r.error) for r in runs]
    a, b = (book / "_build" / "executed" for book in books)
    for name in resolved:
        ra = json.loads((a / f"{name}.results.json").read_text())
        rb = json.loads((b / f"{name}.results.json").read_text())
        assert ra == rb, name
        assert outputs(a / f"{name}.ipynb") == outputs(b / f"{name}.ipynb"), name


@pytest.mark.slow
def test_two_clean_builds_give_byte_identical_sites(tmp_path, cli, root):
    """Two copies of a one-chapter book, each built from clean: every file of _build/html
    is the same, the published notebook included (its cell ids are derived)."""
    import hashlib

    books = [mini_book(root, tmp_path / f"book{i}") for i in (1, 2)]
    for book in books:
        r = cli("build", env={"ENERGYBOOK_ROOT": str(book)}, timeout=900)
        assert r.returncode == 0, r.stderr

    def tree(path):
        return {
            str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*"))
            if p.is_file()
        }

    a, b = (tree(book / "_build" / "html") for book in books)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    nb = json.loads(
        (books[0] / "_build" / "html" / "_sources" / "chapters" / "overview.ipynb").read_text()
    )
    ids = [c["id"] for c in nb["cells"]]
    assert "injected-parameters" in ids and len(set(ids)) == len(ids)
