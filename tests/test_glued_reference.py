"""No glued number changes silently: every committed chapter notebook glues exactly the
values of the reviewed reference, ``tests/reference/glued.json``.

nbval keeps the committed notebooks equal to a fresh execution; this test keeps them equal
to the reference. When a number is meant to change, regenerate the reference with
``python tools/glue_reference.py --write`` and say in the commit and in CHANGELOG.md why.
"""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import glue_reference  # noqa: E402

REFERENCE = json.loads(glue_reference.REFERENCE.read_text())
NOW = glue_reference.current()


@pytest.mark.parametrize("chapter", sorted(set(REFERENCE) | set(NOW)))
def test_glued_values_match_the_reference(chapter):
    ref, now = REFERENCE.get(chapter), NOW.get(chapter)
    assert ref is not None, f"{chapter}: no reference (run tools/glue_reference.py --write)"
    assert now is not None, f"{chapter}: in the reference but no notebook"
    moved = {k: (ref.get(k), now.get(k)) for k in set(ref) | set(now) if ref.get(k) != now.get(k)}
    assert not moved, f"{chapter}: glued values changed: {moved}"


def test_the_comparison_can_fail(tmp_path):
    """A notebook whose glued value differs from its reference is caught."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    out = nbformat.v4.new_output(
        "display_data",
        data={"text/plain": "1.0"},
        metadata={"scrapbook": {"name": "x", "mime_prefix": ""}},
    )
    cell = nbformat.v4.new_code_cell("", outputs=[out])
    nb.cells = [cell]
    path = tmp_path / "c.ipynb"
    nbformat.write(nb, path)
    assert glue_reference.glued(path) == {"x": "1.0"}
    out["data"]["text/plain"] = "2.0"
    nbformat.write(nb, path)
    assert glue_reference.glued(path) != {"x": "1.0"}


def test_fresh_values_are_never_written_as_the_reference(capsys):
    before = glue_reference.REFERENCE.read_bytes()
    assert glue_reference.main(["--fresh", "overview", "--write"]) == 2
    assert "do not go together" in capsys.readouterr().err
    assert glue_reference.REFERENCE.read_bytes() == before
