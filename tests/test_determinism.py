"""Every number is a function of the parameters and the data alone: two fresh
evaluations of every chapter, in two processes with different hash seeds, give the same
glued values, and those are the reviewed reference's. And (issue 17, item 10) two clean
builds give byte-identical sites.

The first test evaluates each chapter's page in-process (what its notebook glues, with no
kernel); that a fresh *execution* of each notebook gives its stored outputs is nbval's job
(``make nbval``), and that the stored outputs are the reference is
``test_glued_reference.py``'s.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_pipeline import mini_book

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "glue_reference.py"


def fresh_values(hash_seed: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.Popen(
        [sys.executable, str(TOOL), "--fresh", "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_fresh_evaluations_under_other_hash_seeds_give_the_reference():
    procs = [fresh_values(seed) for seed in ("1", "2")]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    a, b = results
    assert sorted(a) == sorted(b)
    for chapter in a:
        moved = {
            k: (a[chapter].get(k), b[chapter].get(k))
            for k in set(a[chapter]) | set(b[chapter])
            if a[chapter].get(k) != b[chapter].get(k)
        }
        assert not moved, f"{chapter}: two evaluations differ: {moved}"
    reference = json.loads((ROOT / "tests" / "reference" / "glued.json").read_text())
    assert sorted(a) == sorted(reference)
    for chapter, ref in reference.items():
        now = a[chapter]
        moved = {
            k: (ref.get(k), now.get(k)) for k in set(ref) | set(now) if ref.get(k) != now.get(k)
        }
        assert not moved, (
            f"{chapter}: the library computes other values than the reference "
            f"(tests/reference/glued.json): {moved}"
        )


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
