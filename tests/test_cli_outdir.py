"""Issue 17, item 1: ``run -o DIR`` can never damage the book.

Every forbidden output folder is refused with exit code 2, before anything executes, with a
message that names the folder and says why; an earlier run's folder (it has the marker) may
be replaced, an empty folder used, and the default stays ``out/CHAPTER``.
"""

from __future__ import annotations

import os

import pytest

from energybook import runs
from energybook.params import ParameterError

from .test_cli import assert_rejected

FORBIDDEN = [
    ("chapters", "inside chapters/"),
    ("chapters/x", "inside chapters/"),
    (".", "is the repository root"),
    ("_build", "inside _build/"),
    ("_build/html", "inside _build/"),
    ("_build/html/x", "inside _build/"),
    ("_build/executed", "inside _build/"),  # the execution cache
    ("out/../_build/html/y", "inside _build/"),
    ("data", "inside data/"),
    ("data/new", "inside data/"),
    ("lib", "inside lib/"),
    ("lib/energybook", "inside lib/"),
    (".git", "inside .git/"),
    (".git/objects/x", "inside .git/"),
    ("_static", "inside _static/"),
    ("tests", "inside tests/"),
    ("..", "contains the repository"),
    ("/", "contains the repository"),
]


@pytest.fixture
def book(tmp_path):
    """A bare stand-in for the repository: the folders the rule protects."""
    root = tmp_path / "book"
    for name in (
        "_build/html",
        "_build/executed",
        "chapters",
        "data",
        "lib/energybook",
        ".git/objects",
        "_static",
        "tests",
        "out",
    ):
        (root / name).mkdir(parents=True)
    (root / "chapters" / "overview.ipynb").write_text("{}")
    return root


@pytest.mark.parametrize("target,why", FORBIDDEN)
def test_every_forbidden_folder_is_refused(book, target, why, monkeypatch):
    monkeypatch.chdir(book)
    with pytest.raises(ParameterError) as e:
        runs.check_output_folder(target, book)
    msg = e.value.problems[0]
    assert why in msg and repr(target) in msg, msg


def test_a_symlink_into_the_site_is_refused(book, tmp_path):
    link = tmp_path / "innocent"
    link.symlink_to(book / "_build" / "html")
    with pytest.raises(ParameterError, match=r"inside _build/.*the published site"):
        runs.check_output_folder(link / "sub", book)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(book / "_build" / "html" / "not-yet")
    with pytest.raises(ParameterError, match="inside _build/"):
        runs.check_output_folder(dangling, book)


def test_an_existing_file_is_refused(book, tmp_path):
    f = tmp_path / "taken"
    f.write_text("x")
    with pytest.raises(ParameterError, match="exists and is not a folder"):
        runs.check_output_folder(f, book)


def test_a_non_empty_folder_that_is_not_a_run_is_refused(book, tmp_path):
    d = tmp_path / "mine"
    d.mkdir()
    (d / "thesis.tex").write_text("precious")
    with pytest.raises(
        ParameterError,
        match=r"not empty and is not the output of an earlier "
        r"energybook run .*\.energybook-run\.json",
    ):
        runs.check_output_folder(d, book)


def test_new_empty_and_earlier_run_folders_are_accepted(book, tmp_path):
    assert (
        runs.check_output_folder(tmp_path / "new" / "deep", book)
        == (tmp_path / "new" / "deep").resolve()
    )
    (tmp_path / "empty").mkdir()
    runs.check_output_folder(tmp_path / "empty", book)
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / runs.MARKER).write_text("{}")
    (earlier / "results.json").write_text("{}")
    runs.check_output_folder(earlier, book)
    runs.check_output_folder(book / "out" / "overview", book)  # the default place


def test_a_replaced_run_folder_holds_only_the_new_files(tmp_path):
    target = tmp_path / "run"
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    (first / "old.csv").write_text("1")
    runs.replace_folder(first, target, {"chapter": "x"})
    assert (target / "old.csv").exists() and (target / runs.MARKER).exists()
    second.mkdir()
    (second / "new.csv").write_text("2")
    runs.replace_folder(second, target, {"chapter": "x"})
    assert sorted(p.name for p in target.iterdir()) == [runs.MARKER, "new.csv"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".run.")]


def test_a_scenario_folder_may_be_inside_build_scenarios(book):
    runs.check_output_folder(
        book / "_build" / "scenarios" / "x", book, allow_inside=["_build/scenarios"]
    )
    with pytest.raises(ParameterError):
        runs.check_output_folder(book / "_build" / "html", book, allow_inside=["_build/scenarios"])


# The command line refuses them before anything executes or is written.
@pytest.mark.parametrize(
    "target", ["chapters", ".", "_build/html/x", "out/../_build/html/y", "_build/executed"]
)
def test_the_cli_refuses_before_executing(cli, root, target):
    before = sorted(p.name for p in (root / "chapters").iterdir())
    stamp = (root / "chapters" / "overview.ipynb").stat().st_mtime_ns
    r = cli("run", "overview", "-o", target)
    assert_rejected(r, "output folder", repr(target))
    assert sorted(p.name for p in (root / "chapters").iterdir()) == before
    assert (root / "chapters" / "overview.ipynb").stat().st_mtime_ns == stamp


def test_the_cli_refuses_a_symlink_into_the_site(cli, root, tmp_path):
    link = tmp_path / "site-link"
    link.symlink_to(root / "_build" / "html")
    assert_rejected(cli("run", "overview", "-o", str(link)), "inside _build/")


def test_the_cli_refuses_a_non_empty_folder(cli, tmp_path):
    d = tmp_path / "mine"
    d.mkdir()
    (d / "notes.txt").write_text("keep")
    assert_rejected(cli("run", "overview", "-o", str(d)), "is not empty")
    assert os.listdir(d) == ["notes.txt"]
