"""The command line: help, bad input (exit 2, nothing executed or written), re-runs."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from energybook import chapters as specs


def assert_rejected(result, *fragments, outdir: Path | None = None):
    assert result.returncode == 2, result.stderr
    for f in fragments:
        assert f in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "executing" not in result.stderr.lower()  # nothing was executed
    if outdir is not None:
        assert not outdir.exists()  # nothing was written


def test_params_json_lists_every_field(cli):
    r = cli("params", "overview", "--json")
    assert r.returncode == 0
    items = json.loads(r.stdout)
    assert [i["name"] for i in items] == specs.get("overview").params.names
    for i in items:
        assert {"name", "type", "unit", "default", "description"} <= set(i)
        assert ("min" in i and "max" in i) or "choices" in i


def test_params_table_for_all_chapters(cli):
    r = cli("params")
    assert r.returncode == 0 and "reference_country" in r.stdout


def test_unknown_chapter(cli, tmp_path):
    out = tmp_path / "o"
    assert_rejected(
        cli("run", "overveiw", "-o", str(out)),
        "unknown chapter 'overveiw'",
        "did you mean 'overview'",
        outdir=out,
    )


def test_unknown_parameter_suggests(cli, tmp_path):
    out = tmp_path / "o"
    assert_rejected(
        cli("run", "overview", "-p", "refrence_country", "France", "-o", str(out)),
        "unknown parameter 'refrence_country'",
        "did you mean 'reference_country'",
        outdir=out,
    )


def test_wrong_type(cli, tmp_path):
    out = tmp_path / "o"
    assert_rejected(
        cli("run", "overview", "-p", "base_year", "soon", "-o", str(out)),
        "'base_year': 'soon' is not an integer",
        outdir=out,
    )


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_nan_or_infinity(cli, tmp_path, value):
    out = tmp_path / "o"
    r = cli("run", "rebound", "-p", "elasticity", value, "-o", str(out))
    assert_rejected(r, "'elasticity'", "not a finite number", outdir=out)


def test_out_of_range_number(cli, tmp_path):
    out = tmp_path / "o"
    r = cli("run", "rebound", "-p", "elasticity", "99", "-o", str(out))
    assert_rejected(r, "'elasticity': 99 is above the maximum", outdir=out)


def test_yaml_values_are_validated_like_flags(cli, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("elasticity: .nan\npue: 0.5\n")
    out = tmp_path / "o"
    r = cli("run", "rebound", "-f", str(f), "-o", str(out))
    assert_rejected(r, "'elasticity'", "'pue'", outdir=out)
    assert r.stderr.count("error:") == 2


def test_out_of_range_choice(cli, tmp_path):
    out = tmp_path / "o"
    assert_rejected(
        cli("run", "overview", "-p", "demand_year", "2031", "-o", str(out)),
        "'demand_year': 2031 is not allowed",
        "one of: 2024, 2025",
        outdir=out,
    )


def test_one_message_per_problem(cli, tmp_path):
    out = tmp_path / "o"
    r = cli("run", "overview", "-p", "nope", "1", "-p", "demand_year", "x", "-o", str(out))
    assert_rejected(r, outdir=out)
    assert r.stderr.count("error:") == 2


def test_malformed_yaml(cli, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("reference_country: [France\n")
    out = tmp_path / "o"
    assert_rejected(
        cli("run", "overview", "-f", str(f), "-o", str(out)), "malformed YAML", "line ", outdir=out
    )


@pytest.mark.parametrize("text,kind", [("- France\n- Japan\n", "list"), ("42\n", "int")])
def test_non_mapping_yaml(cli, tmp_path, text, kind):
    f = tmp_path / "p.yaml"
    f.write_text(text)
    out = tmp_path / "o"
    assert_rejected(
        cli("run", "overview", "-f", str(f), "-o", str(out)),
        "must be a mapping of NAME: VALUE",
        f"got a {kind}",
        outdir=out,
    )


def test_missing_yaml_file(cli, tmp_path):
    assert_rejected(cli("run", "overview", "-f", str(tmp_path / "nope.yaml")), "no such file")


def test_scenario_with_unknown_chapter(cli, tmp_path, root):
    f = tmp_path / "s.yaml"
    f.write_text("overview: {reference_country: France}\nrebuond: {elasticity: 1.4}\n")
    before = _site_stamp(root)
    assert_rejected(cli("build", "-f", str(f)), "unknown chapter 'rebuond'")
    assert _site_stamp(root) == before


def test_scenario_with_bad_parameter(cli, tmp_path, root):
    f = tmp_path / "s.yaml"
    f.write_text("overview: {reference_country: Atlantis}\n")
    before = _site_stamp(root)
    assert_rejected(cli("build", "-f", str(f)), "'reference_country': 'Atlantis'")
    assert _site_stamp(root) == before


def test_scenario_chapter_must_map(cli, tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("overview: [1, 2]\n")
    assert_rejected(cli("build", "-f", str(f)), "must map to NAME: VALUE pairs")


def _site_stamp(root):
    idx = root / "_build" / "html" / "index.html"
    return idx.stat().st_mtime_ns if idx.exists() else None


@pytest.mark.slow
def test_good_rerun_moves_the_headline(cli, tmp_path):
    out = tmp_path / "run"
    r = cli("run", "overview", "-p", "reference_country", "France", "-o", str(out))
    assert r.returncode == 0, r.stderr
    results = json.loads((out / "results.json").read_text())
    # 945 TWh against France's 472 TWh instead of Germany's 522 TWh.
    assert results["ratio_to_reference"]["value"] == pytest.approx(945 / 472)
    assert results["ratio_to_reference"]["unit"] == "1"
    assert results["projection_twh"]["value"] == 945
    assert (out / "overview.ipynb").exists()
    html = (out / "overview.html").read_text()
    assert "eb-chart" in html and "vega-bundle.js" in html and (out / "vega-bundle.js").exists()
    assert "cdn.jsdelivr" not in html
    assert "ratio_to_reference" in r.stdout  # the headline table is printed
    assert "{glue" not in html and "2.00 times" in html
    params = json.loads((out / "parameters.json").read_text())
    assert params["reference_country"] == "France"
    # Each headline with its default and the change; the printed table has them too.
    r2r = results["ratio_to_reference"]
    assert r2r["default"] == pytest.approx(945 / 522)
    assert r2r["change"]["absolute"] == pytest.approx(945 / 472 - 945 / 522)
    assert r2r["change"]["percent"] == pytest.approx(100 * (522 / 472 - 1))
    assert r2r["moved"] is True and results["base_twh"]["moved"] is False
    assert "default" in r.stdout and "unchanged" in r.stdout and "+10.6 %" in r.stdout
    assert "reference_country = France (default Germany)" in r.stdout
    csv_text = (out / "results.csv").read_text().splitlines()
    assert csv_text[0] == "name,description,unit,default,value,change,change_percent,moved"
    assert len(csv_text) == 1 + len(results)
    # The data behind every chart, listed in an index.
    import csv

    index = list(csv.DictReader((out / "charts" / "index.csv").open()))
    assert len(index) == 3  # the chapter's three charts
    for row in index:
        rows = list(csv.DictReader((out / "charts" / row["file"]).open()))
        assert len(rows) == int(row["rows"]) > 0
    by_title = {row["title"]: row["file"] for row in index}
    comparison = list(
        csv.DictReader(
            (out / "charts" / by_title["Data centres against national electricity demand"]).open()
        )
    )
    assert any(c["label"].startswith("France") for c in comparison)
    # Quiet: no kernel or nbconvert chatter.
    for noise in ("IPKernelApp", "UserWarning", "KeyboardInterrupt", "Traceback"):
        assert noise not in r.stderr, r.stderr
    # The page says what differs, and has no broken link.
    assert "eb-run-banner" in html and "<code>reference_country</code> = France" in html
    import re

    for href in re.findall(r'href="([^"#][^"]*)"', html):
        if not re.match(r"^[a-z]+:", href):
            assert (out / href.split("#")[0]).resolve().exists(), href
    assert "../results/" not in html and "../_sources/" not in html


@pytest.mark.slow
def test_plain_papermill_still_works(tmp_path, root):
    out = tmp_path / "pm.ipynb"
    papermill = str(Path(sys.executable).parent / "papermill")
    r = subprocess.run(
        [
            papermill,
            str(root / "chapters" / "overview.ipynb"),
            str(out),
            "-p",
            "reference_country",
            "Japan",
            "--cwd",
            str(root / "chapters"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    import nbformat

    from energybook.publish import extract_results

    res = extract_results(nbformat.read(str(out), as_version=4), "overview")
    assert res["ratio_to_reference"]["value"] == pytest.approx(945 / 1016)


@pytest.mark.slow
def test_plain_papermill_with_a_bad_value_fails_in_the_notebook(tmp_path, root):
    out = tmp_path / "pm.ipynb"
    papermill = str(Path(sys.executable).parent / "papermill")
    r = subprocess.run(
        [
            papermill,
            str(root / "chapters" / "overview.ipynb"),
            str(out),
            "-p",
            "reference_country",
            "Atlantis",
            "--cwd",
            str(root / "chapters"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode != 0
    assert "reference_country" in r.stderr and "Atlantis" in r.stderr


def test_glue_roles_are_resolved_for_standalone_pages():
    from energybook.publish import resolve_glue

    glued = {
        "x": {"text/plain": "945.0"},
        "label": {"text/markdown": "IEA Base (2030)", "text/plain": "<Markdown>"},
    }
    text = "{glue:text}`x:.0f` TWh in {glue:md}`label`; raw {glue:}`x`; {glue:text}`y:.1f`"
    assert resolve_glue(text, glued) == "945 TWh in IEA Base (2030); raw 945.0; {glue:text}`y:.1f`"


def test_negative_values_are_values_not_options():
    from energybook.cli import _take_param_pairs

    rest, pairs = _take_param_pairs(
        ["run", "rebound", "-p", "demand_growth", "-0.1", "-o", "out", "-p", "x"]
    )
    assert pairs == [["demand_growth", "-0.1"]]
    assert rest == ["run", "rebound", "-o", "out", "-p", "x"]


@pytest.fixture
def corrupt_data(tmp_path, root):
    """A copy of data/ with one bad value in national_electricity.csv."""
    import shutil

    d = tmp_path / "data"
    shutil.copytree(root / "data", d)
    path = d / "national_electricity.csv"
    path.write_text(path.read_text().replace("Germany,2024,522", "Germany,2024,lots", 1))
    return d


def test_corrupt_data_row_stops_a_run_before_execution(cli, tmp_path, corrupt_data):
    out = tmp_path / "o"
    r = cli("run", "overview", "-o", str(out), env={"ENERGYBOOK_DATA": str(corrupt_data)})
    assert_rejected(r, "national_electricity.csv, row 6, column 'demand_twh'", "'lots'", outdir=out)


def test_corrupt_data_row_stops_a_build_and_keeps_the_site(cli, root, corrupt_data):
    before = _site_stamp(root)
    r = cli("build", env={"ENERGYBOOK_DATA": str(corrupt_data)})
    assert_rejected(r, "national_electricity.csv, row 6")
    assert _site_stamp(root) == before


def test_output_folder_that_is_a_file(cli, tmp_path):
    f = tmp_path / "taken"
    f.write_text("x")
    assert_rejected(cli("run", "overview", "-o", str(f)), "exists and is not a folder")
    assert f.read_text() == "x"


def test_duplicate_yaml_key(cli, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("reference_country: France\nreference_country: Japan\n")
    assert_rejected(
        cli("run", "overview", "-f", str(f), "-o", str(tmp_path / "o")),
        "p.yaml",
        "line 2",
        "the key 'reference_country' is given twice",
    )


def test_scenario_reports_every_problem(cli, tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("overview: [1]\nrebuond: {}\nscaling: {nope: 1}\n")
    r = cli("build", "-f", str(f))
    assert_rejected(
        r, "must map to NAME: VALUE", "unknown chapter 'rebuond'", "unknown parameter 'nope'"
    )
    assert r.stderr.count("error:") == 3


def test_a_refusal_after_the_kernel_started_ends_it_and_writes_nothing(cli, tmp_path):
    """energybook run starts its kernel once names, types, ranges and the output folder
    pass, before the checks against the data: a chapter check that refuses the values then
    ends that kernel (no process of the run is left) and writes nothing."""
    from energybook import locking

    out = tmp_path / "o"
    r = cli("run", "scaling", "-p", "start_year", "2024", "-p", "end_year", "2020", "-o", str(out))
    assert_rejected(r, "start_year (2024) must be before end_year (2020)", outdir=out)
    assert not locking.tagged(f"run:{out.resolve()}")


# --------------------------------------------------------------------------- the exit
def _console(tmp_path, body: str) -> subprocess.CompletedProcess:
    """Run ``energybook.cli.console`` in a fresh interpreter with ``main`` replaced by
    ``body`` (the source of a function ``main(argv=None)``)."""
    script = tmp_path / "s.py"
    script.write_text(
        "import atexit, sys, threading, time\n"
        "from energybook import cli\n" + body + "\ncli.main = main\ncli.console()\n"
        "print('console returned', file=sys.stderr)\n"
    )
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)


def test_the_command_exits_with_mains_code_after_its_handlers_threads_and_output(tmp_path):
    done = tmp_path / "late.txt"
    r = _console(
        tmp_path,
        "def main(argv=None):\n"
        "    atexit.register(lambda: print('handler ran', file=sys.stderr))\n"
        f"    def late():\n        time.sleep(0.3)\n        open({str(done)!r}, 'w').write('x')\n"
        "    threading.Thread(target=late).start()\n"
        "    sys.stdout.write('y' * 200_000)  # more than one pipe buffer, unflushed\n"
        "    return 3\n",
    )
    assert r.returncode == 3
    assert len(r.stdout) == 200_000  # all of it
    assert "handler ran" in r.stderr and "console returned" not in r.stderr
    assert done.read_text() == "x"  # the thread it started finished first


@pytest.mark.parametrize(
    "body, code, err",
    [
        ("def main(argv=None):\n    raise SystemExit(0)\n", 0, ""),
        ("def main(argv=None):\n    raise SystemExit('usage: no')\n", 1, "usage: no"),
        ("def main(argv=None):\n    return None\n", 0, ""),
    ],
)
def test_system_exit_and_none_become_the_exit_code(tmp_path, body, code, err):
    r = _console(tmp_path, body)
    assert r.returncode == code and err in r.stderr


def test_an_uncaught_exception_still_ends_with_its_traceback(tmp_path):
    r = _console(tmp_path, "def main(argv=None):\n    raise RuntimeError('boom on purpose')\n")
    assert r.returncode == 1
    assert "Traceback" in r.stderr and "boom on purpose" in r.stderr
