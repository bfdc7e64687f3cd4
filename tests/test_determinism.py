"""Two consecutive clean builds give identical numbers and identical notebook outputs."""

import json

import nbformat
import pytest

from energybook import pipeline

from .test_pipeline import copy_book


def outputs(nb_path):
    nb = nbformat.read(str(nb_path), as_version=4)
    return [[{k: v for k, v in o.items() if k != "execution_count"} for o in c.get("outputs", [])]
            for c in nb.cells]


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
