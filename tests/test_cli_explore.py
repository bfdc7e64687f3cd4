"""``energybook sweep`` and ``energybook sensitivity``: bad grids are refused before
anything runs (exit 2, the problem named, nothing written); good ones write a run folder."""

from __future__ import annotations

import csv

import pytest


def rejected(r, *fragments, outdir=None):
    assert r.returncode == 2, r.stderr
    for f in fragments:
        assert f in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert "Evaluating" not in r.stderr and "Sobol analysis of" not in r.stderr
    if outdir is not None:
        assert not outdir.exists()


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["-p", "refrence_country", "Japan"], "did you mean 'reference_country'"),
        (["-p", "base_year", "2024:2025:1"], "N must be at least 2"),
        (["-p", "reference_country", "Atlantis"], "not allowed"),
        (["-p", "projection", "1:2:3"], "needs a numeric parameter"),
        ([], "at least one -p"),
    ],
)
def test_bad_grids_are_refused_before_anything_runs(cli, tmp_path, args, fragment):
    out = tmp_path / "o"
    rejected(cli("sweep", "overview", *args, "-o", str(out)), fragment, outdir=out)


def test_out_of_range_ends_are_refused(cli, tmp_path):
    out = tmp_path / "o"
    rejected(
        cli("sweep", "rebound", "-p", "elasticity", "0:9:3", "-o", str(out)),
        "end 9 is out of range",
        outdir=out,
    )


def test_a_large_grid_needs_yes(cli, tmp_path):
    out = tmp_path / "o"
    rejected(
        cli(
            "sweep",
            "rebound",
            "-p",
            "elasticity",
            "0:2:200",
            "-p",
            "pue",
            "1.1:2:200",
            "-o",
            str(out),
        ),
        "add --yes",
        outdir=out,
    )


def test_an_unreachable_scheduler_is_named(cli, tmp_path):
    out = tmp_path / "o"
    rejected(
        cli(
            "sweep",
            "overview",
            "-p",
            "demand_year",
            "2024,2025",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "-o",
            str(out),
        ),
        "tcp://127.0.0.1:9",
        outdir=out,
    )


def test_the_output_folder_may_not_be_inside_the_book(cli, root):
    rejected(
        cli(
            "sweep",
            "overview",
            "-p",
            "demand_year",
            "2024,2025",
            "-o",
            str(root / "chapters" / "sweep"),
        ),
        "inside chapters/",
    )


def test_a_sweep_writes_its_table_and_an_offline_chart(cli, tmp_path):
    out = tmp_path / "o"
    r = cli(
        "sweep",
        "overview",
        "-p",
        "reference_country",
        "Germany,Japan",
        "-p",
        "demand_year",
        "2024,2025",
        "--plot",
        "-o",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader((out / "sweep.csv").open()))
    assert len(rows) == 4 and {"reference_country", "demand_year", "ratio_to_reference"} <= set(
        rows[0]
    )
    page = (out / "sweep.html").read_text()
    assert "vegaEmbed" in page and "cdn.jsdelivr" not in page and "<script src" not in page
    assert_shows_no_identifier(page)


def test_sensitivity_refuses_a_bad_sample_size_and_unknown_names(cli, tmp_path):
    out = tmp_path / "o"
    rejected(
        cli("sensitivity", "geopolitics", "--samples", "100", "-o", str(out)),
        "power of two",
        outdir=out,
    )
    rejected(
        cli("sensitivity", "geopolitics", "--params", "pue,nonsense", "-o", str(out)),
        "unknown parameter 'nonsense'",
        outdir=out,
    )


def test_sensitivity_writes_indices_with_intervals(cli, tmp_path):
    out = tmp_path / "o"
    r = cli(
        "sensitivity",
        "geopolitics",
        "--samples",
        "8",
        "--params",
        "pue,utilization",
        "-o",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader((out / "sobol.csv").open()))
    assert {"headline", "parameter", "S1", "S1_conf", "ST", "ST_conf", "separated"} <= set(rows[0])
    assert {r["parameter"] for r in rows} == {"pue", "utilization"}
    assert "too small for the intervals to separate" in r.stderr or all(
        r["separated"] == "True" for r in rows
    )
    assert_shows_no_identifier((out / "sobol.html").read_text())


def assert_shows_no_identifier(page: str) -> None:
    """The standalone chart's title, caption and text alternative are plain language."""
    import html
    import re

    from energybook import charts

    shown = re.findall(r"<title>(.*?)</title>|<figcaption>(.*?)</figcaption>", page, re.S)
    shown += [(a,) for a in re.findall(r'aria-label="([^"]*)"', page)]
    texts = [html.unescape(t) for group in shown for t in group if t]
    assert texts
    for text in texts:
        assert not charts.IDENTIFIER.search(text), text
