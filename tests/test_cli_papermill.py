"""Issue 17, item 5: a chapter notebook run by plain papermill refuses a parameter name it
does not declare (a misspelling, a case variant) with the same message as the command
line, while IPython's own names and the first cell's imports are never taken for one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from energybook import chapters, publish
from energybook.params import ParameterError


def namespace(chapter: str, injected: str = "", **extra):
    """What a chapter's first code cell sees: the declared defaults, papermill's injected
    cell (in the input history) and its assignments, IPython's names, the imports."""
    import energybook.charts as charts
    import energybook.data as data

    ns = dict(chapters.get(chapter).params.defaults())
    history = ["", "# Parameters: generated from the declaration ...\n"]
    if injected:
        history.append("# Parameters\n" + injected)
        exec(injected, {}, ns)  # noqa: S102 - the test's own literal assignments
    history.append("from energybook import charts, data, publish\nP = publish.start(...)")
    ns.update(
        {
            "In": history,
            "_ih": history,
            "Out": {},
            "_oh": {},
            "_dh": ["/"],
            "_i": "",
            "_ii": "",
            "_i1": "",
            "get_ipython": lambda: None,
            "exit": None,
            "quit": None,
            "__builtins__": {},
            "__name__": "__main__",
            "charts": charts,
            "data": data,
            "publish": publish,
        }
    )
    ns.update(extra)
    return ns


def test_a_clean_namespace_passes():
    P = publish.start("overview", namespace("overview"))
    assert P.reference_country == "Germany"


def test_declared_names_injected_by_papermill_pass():
    P = publish.start("overview", namespace("overview", "reference_country = 'France'\n"))
    assert P.reference_country == "France"


@pytest.mark.parametrize(
    "injected,name,hint",
    [
        ("refrence_country = 'France'\n", "refrence_country", "reference_country"),
        ("Reference_country = 'France'\n", "Reference_country", "reference_country"),
        ("REFERENCE_COUNTRY = 'France'\n", "REFERENCE_COUNTRY", None),
        ("bogus = 1\n", "bogus", None),
        ("P = 1\n", "P", None),
    ],
)
def test_an_undeclared_injected_name_is_refused_like_the_cli(injected, name, hint):
    with pytest.raises(ParameterError) as e:
        publish.start("overview", namespace("overview", injected))
    msg = e.value.problems[0]
    expected = f"chapter 'overview': unknown parameter {name!r}"
    assert msg.startswith(expected), msg
    if hint:
        assert f"(did you mean {hint!r}?)" in msg
    # The very message `energybook run -p` gives.
    with pytest.raises(ParameterError) as cli_e:
        chapters.get("overview").validate({name: "France"}, context="chapter 'overview'")
    assert cli_e.value.problems[0] == msg


def test_an_injected_name_hidden_by_an_import_is_still_seen():
    """``-p data 5``: the first cell's import then rebinds ``data``; the history has it."""
    with pytest.raises(ParameterError, match="unknown parameter 'data'"):
        publish.start("overview", namespace("overview", "data = 5\n"))


def test_ipython_names_and_imports_are_not_parameters():
    found = publish.injected_parameters(namespace("overview"))
    assert found == {}
    # Without an input history, plain values are what counts; modules and callables not.
    ns = {k: v for k, v in namespace("overview").items() if k not in ("_ih", "In")}
    ns["typo_name"] = 3
    assert set(publish.injected_parameters(ns)) - set(chapters.get("overview").params.names) == {
        "typo_name"
    }


# ----------------------------------------------------------------- plain papermill
def papermill(root: Path, out: Path, *params: str) -> subprocess.CompletedProcess:
    exe = str(Path(sys.executable).parent / "papermill")
    return subprocess.run(
        [
            exe,
            str(root / "chapters" / "overview.ipynb"),
            str(out),
            *params,
            "--cwd",
            str(root / "chapters"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "name,hint",
    [("refrence_country", "reference_country"), ("Reference_country", "reference_country")],
)
def test_plain_papermill_refuses_an_undeclared_name(tmp_path, root, name, hint):
    r = papermill(root, tmp_path / "pm.ipynb", "-p", name, "France")
    assert r.returncode != 0
    assert f"unknown parameter {name!r} (did you mean {hint!r}?)" in r.stderr, r.stderr[-3000:]
