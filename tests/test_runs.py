"""Issue 17, item 7: see what moved. Results with their defaults and the change, the CSV of
results and of the data behind every chart, and ``energybook compare``."""

from __future__ import annotations

import csv
import io
import json
import time

import altair as alt
import pandas as pd
import pytest

from energybook import chapters, render, runs


def result(value, unit="TWh/year", description="d"):
    return {"value": value, "unit": unit, "description": description}


def test_change_absolute_and_percent():
    assert runs.change(1665.0, 844.0) == {
        "absolute": 821.0,
        "percent": pytest.approx(100 * 821 / 844),
    }
    assert runs.change(-2.0, -1.0)["percent"] == pytest.approx(-100.0)  # of |default|
    assert runs.change(3.0, 0.0) == {"absolute": 3.0, "percent": None}
    assert runs.change(3.0, None) == {"absolute": None, "percent": None}


def test_with_defaults_marks_unchanged_rows():
    out = runs.with_defaults(
        {"a": result(2.0), "b": result(5.0)}, {"a": result(1.0), "b": result(5.0)}
    )
    assert out["a"]["moved"] is True and out["a"]["default"] == 1.0
    assert out["a"]["change"] == {"absolute": 1.0, "percent": 100.0}
    assert out["b"]["moved"] is False and out["b"]["change"]["absolute"] == 0.0
    unknown = runs.with_defaults({"a": result(2.0)}, None)
    assert unknown["a"]["default"] is None and unknown["a"]["moved"] is None


def test_results_csv_has_every_headline():
    full = runs.with_defaults(
        {"a": result(2.0), "b": result(5.0)}, {"a": result(1.0), "b": result(5.0)}
    )
    rows = list(csv.DictReader(io.StringIO(runs.results_csv(full))))
    assert [r["name"] for r in rows] == ["a", "b"]
    assert rows[0]["default"] == "1.0" and rows[0]["value"] == "2.0"
    assert rows[0]["change_percent"] == "100.0" and rows[0]["moved"] == "true"
    assert rows[1]["moved"] == "false"


def test_stored_defaults_are_the_committed_outputs(root):
    stored = runs.stored_results("overview", root)
    assert stored is not None and stored["projection_twh"]["value"] == 945


def test_default_results_for_every_chapter(root):
    for spec in chapters.all_chapters():
        found, source = runs.default_results(spec.name, root)
        if found is not None:
            assert set(found) == {h.name for h in spec.headlines}, spec.name
            assert source


def test_differing_lists_only_changed_parameters():
    values = chapters.get("overview").params.defaults()
    assert runs.differing("overview", values) == {}
    values["reference_country"] = "France"
    assert runs.differing("overview", values) == {"reference_country": ("France", "Germany")}


# ----------------------------------------------------------------- chart data
def test_chart_datasets_from_altair():
    df = pd.DataFrame({"x": [1, 2], "y": [3.5, 4.5]})
    chart = alt.Chart(df).mark_bar().encode(x="x:Q", y="y:Q").properties(title="T")
    sets = runs.chart_datasets(chart.to_dict())
    assert sets == [[{"x": 1, "y": 3.5}, {"x": 2, "y": 4.5}]]
    layered = alt.layer(chart, alt.Chart(pd.DataFrame({"z": [9]})).mark_rule().encode(y="z:Q"))
    assert len(runs.chart_datasets(layered.to_dict())) == 2


def test_inline_values_without_datasets():
    spec = {"data": {"values": [{"a": 1}]}, "mark": "point"}
    assert runs.chart_datasets(spec) == [[{"a": 1}]]


def test_write_chart_data_and_index(tmp_path):
    df = pd.DataFrame({"label": ["a", "b"], "value": [1.0, 2.0]})
    specs = {
        "bars": alt.Chart(df)
        .mark_bar()
        .encode(x="value:Q", y="label:N")
        .properties(title="Bars")
        .to_dict()
    }
    index = runs.write_chart_data(specs, tmp_path / "charts")
    assert index == [
        {"chart": "bars", "title": "Bars", "file": "bars.csv", "rows": 2, "columns": "label value"}
    ]
    rows = list(csv.DictReader((tmp_path / "charts" / "bars.csv").open()))
    assert rows == [{"label": "a", "value": "1.0"}, {"label": "b", "value": "2.0"}]
    listed = list(csv.DictReader((tmp_path / "charts" / "index.csv").open()))
    assert listed[0]["file"] == "bars.csv"


def test_specs_are_read_back_from_the_offline_renderer():
    """Tied to ``render.render_html``: what it embeds, the run folder reads back, data and
    all (a change of the markup that breaks this fails here)."""

    df = pd.DataFrame({"label": ["a", "b"], "value": [1.0, 2.0]})
    spec = (
        alt.Chart(df)
        .mark_bar()
        .encode(x="value:Q", y="label:N")
        .properties(title="Bars", description="Bars of a and b")
        .to_dict()
    )
    found = runs.specs_in_html(render.render_html(spec))
    assert len(found) == 1
    assert runs.chart_datasets(found[0]) == runs.chart_datasets(spec)
    assert runs._title(found[0]) == "Bars"


def test_a_notebook_whose_charts_cannot_be_read_falls_back_to_the_gallery():
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/html": '<div class="eb-chart"></div><script>drawn differently</script>',
                "text/plain": "chart",
            },
        )
    ]
    nb.cells = [cell]
    specs = runs.chart_specs("overview", chapters.get("overview").params.defaults(), nb)
    assert set(specs) == {"comparison", "forecasts", "regions"}


def test_notebook_specs_are_read_from_the_offline_renderer(root):
    import nbformat

    nb = nbformat.read(str(root / "chapters" / "overview.ipynb"), as_version=4)
    specs = runs.notebook_specs(nb)
    assert len(specs) >= 3
    assert all(runs.chart_datasets(s) for s in specs.values())


def test_the_notebook_holds_the_data_of_every_chart_of_the_gallery(root):
    """The executed notebook's charts are the chapter's gallery, data and all: what the
    run folder's charts/ is written from."""
    import nbformat

    from energybook import data
    from energybook.chapters.overview import figures, page

    spec = chapters.get("overview")
    ev = page.evaluate(spec.typed(spec.params.defaults()), data.load_tables(page.TABLES))
    gallery = {
        runs.slug(
            c.to_dict()["title"]
            if isinstance(c.to_dict()["title"], str)
            else c.to_dict()["title"]["text"]
        ): c.to_dict()
        for c in figures.gallery(ev).values()
    }
    shown = runs.notebook_specs(
        nbformat.read(str(root / "chapters" / "overview.ipynb"), as_version=4)
    )
    assert set(gallery) <= set(shown)
    for name, chart in gallery.items():
        assert runs.chart_datasets(shown[name]) == runs.chart_datasets(chart), name


def test_the_added_work_of_a_run_takes_well_under_half_a_second(root, tmp_path):
    """Everything ``energybook run`` does besides executing the notebook and writing its
    page: checks, defaults, results CSV, the chart data, the folder swap."""
    import nbformat

    from energybook import data

    t0 = time.perf_counter()
    nb = nbformat.read(str(root / "chapters" / "overview.ipynb"), as_version=4)
    specs = runs.notebook_specs(nb)
    runs.check_output_folder(tmp_path / "out", root)
    runs.missing_tables("overview", data.validate_all())
    defaults, _ = runs.default_results("overview", root)
    full = runs.with_defaults(defaults, defaults)
    staging = tmp_path / "staging"
    runs.write_chart_data(specs, staging / "charts")
    (staging / "results.csv").write_text(runs.results_csv(full))
    runs.replace_folder(staging, tmp_path / "out", {"chapter": "overview"})
    assert time.perf_counter() - t0 < 0.5


# ----------------------------------------------------------------- compare
def run_folder(path, chapter, results, params=None):
    path.mkdir(parents=True)
    (path / "results.json").write_text(json.dumps(results))
    (path / runs.MARKER).write_text(json.dumps({"chapter": chapter, "parameters": params or {}}))
    return path


def test_compare_rows_sorted_by_relative_change(tmp_path):
    a = run_folder(
        tmp_path / "a", "rebound", {"x": result(100.0), "y": result(10.0), "z": result(1.0)}
    )
    b = run_folder(
        tmp_path / "b", "rebound", {"x": result(110.0), "y": result(5.0), "z": result(1.0)}
    )
    rows = runs.compare_rows(runs.read_results_folder(a), runs.read_results_folder(b))
    assert [r["name"] for r in rows] == ["y", "x", "z"]
    assert rows[0]["change_percent"] == pytest.approx(-50.0)
    assert rows[2]["moved"] is False


def test_a_results_folder_must_be_recognisable(tmp_path):
    from energybook.params import ParameterError

    (tmp_path / "empty").mkdir()
    with pytest.raises(ParameterError, match="not a run folder"):
        runs.read_results_folder(tmp_path / "empty")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "results.json").write_text("[1, 2]")
    (bad / "x.ipynb").write_text("{}")
    with pytest.raises(ParameterError, match="not a results file"):
        runs.read_results_folder(bad)


def test_cli_compare_table_csv_and_json(cli, tmp_path):
    a = run_folder(
        tmp_path / "a", "overview", {"projection_twh": result(945.0), "base_twh": result(415.0)}
    )
    b = run_folder(
        tmp_path / "b", "overview", {"projection_twh": result(1700.0), "base_twh": result(415.0)}
    )
    r = cli("compare", str(a), str(b))
    assert r.returncode == 0, r.stderr
    assert "projection_twh" in r.stdout and "+79.9 %" in r.stdout and "unchanged" in r.stdout
    r = cli("compare", str(a), str(b), "--csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows[0]["name"] == "projection_twh" and rows[0]["moved"] == "True"
    r = cli("compare", str(a), str(b), "--json")
    doc = json.loads(r.stdout)
    assert doc["rows"][0]["b"] == 1700.0 and doc["rows"][1]["moved"] is False


def test_cli_compare_a_site_folder_with_a_run(cli, tmp_path):
    site = tmp_path / "site" / "results"
    site.mkdir(parents=True)
    (site / "overview.json").write_text(json.dumps({"projection_twh": result(945.0)}))
    (site / "rebound.json").write_text(json.dumps({"x": result(1.0)}))
    run = run_folder(tmp_path / "run", "overview", {"projection_twh": result(1000.0)})
    r = cli("compare", str(tmp_path / "site"), str(run))
    assert r.returncode == 0, r.stderr
    assert "projection_twh" in r.stdout and "only in" in r.stdout


def test_cli_compare_refuses_bad_input(cli, tmp_path):
    r = cli("compare", str(tmp_path / "nope.yaml"), str(tmp_path))
    assert r.returncode == 2 and "no such file" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "s.yaml").write_text("rebuond: {}\n")
    r = cli("compare", str(tmp_path / "s.yaml"), str(tmp_path / "s.yaml"))
    assert r.returncode == 2 and "unknown chapter 'rebuond'" in r.stderr


def test_cli_compare_two_scenarios_at_their_defaults_runs_nothing(cli, tmp_path):
    """Chapters a scenario leaves at their defaults come from the stored results: two
    scenarios that change nothing compare without executing anything."""
    (tmp_path / "a.yaml").write_text("overview: {}\n")
    (tmp_path / "b.yaml").write_text("{}\n")
    r = cli("compare", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--json")
    assert r.returncode == 0, r.stderr
    assert "executing" not in r.stderr
    doc = json.loads(r.stdout)
    assert doc["rows"] and not any(row["moved"] for row in doc["rows"])
