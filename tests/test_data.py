"""Data loading: every table validates; bad files fail naming file, row and column."""

import json
import shutil

import pytest

from energybook import data


@pytest.fixture
def pkg_dir(tmp_path, root):
    d = tmp_path / "data"
    d.mkdir()
    shutil.copy(root / "data" / "datapackage.json", d)
    shutil.copy(root / "data" / "national_electricity.csv", d)
    pkg = json.loads((d / "datapackage.json").read_text())
    pkg["resources"] = [r for r in pkg["resources"] if r["name"] == "national_electricity"]
    (d / "datapackage.json").write_text(json.dumps(pkg))
    data._load_cached.cache_clear()
    return d


def rewrite(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_every_table_in_the_package_validates(root):
    counts = data.validate_all(root / "data")
    assert counts and all(
        n > 0
        for name, n in counts.items()
        if (root / "data" / data.resource(name)["path"]).exists()
    )


def test_every_row_of_every_table_has_source_and_tier(root):
    pkg = data.read_package(root / "data")
    for res in pkg["resources"]:
        path = root / "data" / res["path"]
        if not path.exists():
            continue
        for row in data.validate_rows(res, path):
            assert row["source_publisher"] and row["source_title"] and row["source_url"]
            assert row["tier"] in data.TIERS and row["checked"] in data.CHECKED


def test_load_table_types_columns(pkg_dir):
    df = data.load_table("national_electricity", pkg_dir)
    assert df["demand_twh"].dtype == float
    germany = df[(df.country == "Germany") & (df.year == 2024)]
    assert germany["demand_twh"].item() == 522


def test_missing_file_is_named(pkg_dir):
    (pkg_dir / "national_electricity.csv").unlink()
    with pytest.raises(
        data.DataError, match=r"national_electricity\.csv: the data file is missing"
    ):
        data.load_table("national_electricity", pkg_dir)


def test_bad_number_names_file_row_and_column(pkg_dir):
    rewrite(pkg_dir / "national_electricity.csv", "Germany,2024,522", "Germany,2024,lots")
    with pytest.raises(data.DataError) as e:
        data.load_table("national_electricity", pkg_dir)
    msg = str(e.value)
    assert "national_electricity.csv, row 6, column 'demand_twh'" in msg and "'lots'" in msg


def test_negative_value_breaks_the_constraint(pkg_dir):
    rewrite(pkg_dir / "national_electricity.csv", "Germany,2024,522", "Germany,2024,-522")
    with pytest.raises(data.DataError, match="below the minimum"):
        data.load_table("national_electricity", pkg_dir)


def test_row_without_source_is_rejected(pkg_dir):
    rewrite(
        pkg_dir / "national_electricity.csv",
        "France,2024,472,562,Our World in Data (based on Ember and the Energy Institute)",
        "France,2024,472,562,",
    )
    with pytest.raises(data.DataError, match=r"row 7, column 'source_publisher'"):
        data.load_table("national_electricity", pkg_dir)


def test_unknown_tier_is_rejected(pkg_dir):
    rewrite(pkg_dir / "national_electricity.csv", ",reported,primary,", ",guessed,primary,")
    with pytest.raises(data.DataError, match="'guessed'"):
        data.load_table("national_electricity", pkg_dir)


def test_wrong_column_count_is_named(pkg_dir):
    rewrite(pkg_dir / "national_electricity.csv", "Germany,2024,522,496,", "Germany,2024,522,")
    with pytest.raises(data.DataError, match=r"row 6: has \d+ values, expected 11"):
        data.load_table("national_electricity", pkg_dir)


def test_header_mismatch_is_named(pkg_dir):
    rewrite(pkg_dir / "national_electricity.csv", "demand_twh", "demand")
    with pytest.raises(data.DataError, match="header does not match"):
        data.load_table("national_electricity", pkg_dir)


def test_duplicate_key_is_rejected(pkg_dir):
    path = pkg_dir / "national_electricity.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    with pytest.raises(data.DataError, match="share the key"):
        data.load_table("national_electricity", pkg_dir)


def test_malformed_package_is_named(pkg_dir):
    (pkg_dir / "datapackage.json").write_text("{not json")
    with pytest.raises(data.DataError, match="not valid JSON"):
        data.load_table("national_electricity", pkg_dir)


def test_numeric_field_without_unit_is_rejected(pkg_dir):
    pkg = json.loads((pkg_dir / "datapackage.json").read_text())
    del pkg["resources"][0]["schema"]["fields"][2]["unit"]
    (pkg_dir / "datapackage.json").write_text(json.dumps(pkg))
    with pytest.raises(data.DataError, match="has no unit"):
        data.read_package(pkg_dir)


def test_unknown_table_lists_known_ones(pkg_dir):
    with pytest.raises(data.DataError, match="known tables: national_electricity"):
        data.load_table("national_electrcity", pkg_dir)


def test_edits_are_seen_without_restart(pkg_dir):
    assert data.load_table("national_electricity", pkg_dir)["demand_twh"].max() == 10564
    rewrite(pkg_dir / "national_electricity.csv", "China,2025,10564", "China,2025,10565")
    import os

    p = pkg_dir / "national_electricity.csv"
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert data.load_table("national_electricity", pkg_dir)["demand_twh"].max() == 10565


def test_non_utf8_file_is_named(pkg_dir):
    (pkg_dir / "national_electricity.csv").write_bytes(b"country,year\n\xff\xfe,2024\n")
    with pytest.raises(data.DataError, match="not UTF-8"):
        data.load_table("national_electricity", pkg_dir)


def test_schema_must_be_an_object(pkg_dir):
    pkg = json.loads((pkg_dir / "datapackage.json").read_text())
    pkg["resources"][0]["schema"] = "schema.json"
    (pkg_dir / "datapackage.json").write_text(json.dumps(pkg))
    with pytest.raises(data.DataError, match="is not an object"):
        data.read_package(pkg_dir)


# ----------------------------------------------------------------- issue 17, item 4
def edit_package(pkg_dir, change):
    pkg = json.loads((pkg_dir / "datapackage.json").read_text())
    change(pkg)
    (pkg_dir / "datapackage.json").write_text(json.dumps(pkg))
    data._load_cached.cache_clear()


def problems_of(pkg_dir):
    with pytest.raises(data.DataError) as e:
        data.read_package(pkg_dir)
    return e.value.problems


def fields(pkg):
    return pkg["resources"][0]["schema"]["fields"]


@pytest.mark.parametrize(
    "change,fragment",
    [
        (lambda p: fields(p).__setitem__(2, "demand_twh"), "field #3: is a string, not an object"),
        (lambda p: fields(p)[2].pop("name"), "field #3: has no 'name'"),
        (
            lambda p: fields(p)[2]["constraints"].__setitem__("minimum", "0"),
            "field 'demand_twh', constraint 'minimum': must be a number, not a string",
        ),
        (
            lambda p: fields(p)[2].__setitem__("constraints", "required"),
            "field 'demand_twh': constraints must be an object",
        ),
        (
            lambda p: fields(p)[2]["constraints"].__setitem__("requird", True),
            "constraint 'requird': not a Table Schema constraint",
        ),
        (
            lambda p: fields(p)[2]["constraints"].__setitem__("required", "yes"),
            "constraint 'required': must be true or false",
        ),
        (
            lambda p: fields(p)[2].__setitem__("type", "numbr"),
            "type 'numbr' is not a Table Schema type",
        ),
        (
            lambda p: fields(p)[2].__setitem__("type", "datetime"),
            "type 'datetime' is not supported",
        ),
        (
            lambda p: fields(p)[2]["constraints"].__setitem__("pattern", "(["),
            "is not a valid regular expression",
        ),
        (
            lambda p: fields(p)[0]["constraints"].__setitem__("enum", []),
            "constraint 'enum': must be a non-empty list",
        ),
        (
            lambda p: fields(p)[1]["constraints"].__setitem__("enum", ["2024"]),
            "'2024' is not a year value",
        ),
        (
            lambda p: fields(p)[2]["constraints"].__setitem__("maximum", -1),
            "minimum 0 is above maximum -1",
        ),
        (lambda p: fields(p).append(dict(fields(p)[2])), "field 'demand_twh': declared twice"),
        (
            lambda p: p["resources"][0].__setitem__("path", "../outside.csv"),
            "must be relative and stay inside data/",
        ),
        (
            lambda p: p["resources"][0].__setitem__("name", "National Electricity"),
            "the name may hold only",
        ),
        (
            lambda p: p["resources"][0]["schema"].__setitem__("primaryKey", ["country", "yr"]),
            "primaryKey names 'yr', which is not a field",
        ),
        (lambda p: p["resources"][0].pop("schema"), "has no 'schema'"),
        (lambda p: p.__setitem__("resources", []), "non-empty 'resources' list"),
        (lambda p: p["resources"].append(p["resources"][0]), "the name is used by resource #1"),
        (
            lambda p: p["resources"][0]["schema"].__setitem__(
                "foreignKeys",
                [{"fields": "country", "reference": {"resource": "nations", "fields": "name"}}],
            ),
            "refers to resource 'nations', which is not in the package",
        ),
    ],
)
def test_a_broken_descriptor_is_named_by_resource_and_field(pkg_dir, change, fragment):
    edit_package(pkg_dir, change)
    problems = problems_of(pkg_dir)
    assert any(fragment in p for p in problems), problems
    assert all("resource" in p or "datapackage.json" in p for p in problems)


def test_every_problem_of_a_descriptor_is_reported_together(pkg_dir):
    def change(p):
        fields(p)[0]["constraints"] = "required"
        fields(p)[2]["constraints"]["minimum"] = "0"
        fields(p)[3].pop("name")

    edit_package(pkg_dir, change)
    problems = problems_of(pkg_dir)
    assert len(problems) == 3, problems
    assert "field 'country'" in problems[0] and "field 'demand_twh'" in problems[1]
    assert "field #4" in problems[2]


def test_the_descriptor_is_checked_before_any_table_is_read(pkg_dir):
    (pkg_dir / "national_electricity.csv").write_text("garbage\n")
    edit_package(pkg_dir, lambda p: fields(p)[2].__setitem__("constraints", "required"))
    with pytest.raises(data.DataError, match="constraints must be an object"):
        data.validate_all(pkg_dir)


def test_a_table_no_resource_declares_is_a_problem(pkg_dir):
    """A resource removed from the descriptor while its CSV stays: check-data fails."""
    import shutil

    shutil.copy(pkg_dir / "national_electricity.csv", pkg_dir / "orphan.csv")
    with pytest.raises(
        data.DataError,
        match=r"orphan\.csv: no resource of datapackage.json "
        r"declares this table",
    ):
        data.validate_all(pkg_dir)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\u202e", "\r"])
def test_control_characters_in_a_field_are_refused(pkg_dir, char):
    path = pkg_dir / "national_electricity.csv"
    text = path.read_text()
    path.write_text(text.replace("Germany,2024,522", f'"Ger{char}many",2024,522', 1), newline="")
    with pytest.raises(
        data.DataError,
        match=rf"row 6, column 'country': contains the control "
        rf"character U\+{ord(char):04X}",
    ):
        data.load_table("national_electricity", pkg_dir)


def test_a_tab_or_newline_inside_a_quoted_field_is_refused(pkg_dir):
    rewrite(pkg_dir / "national_electricity.csv", "Germany,2024,522", '"Ger\nmany",2024,522')
    with pytest.raises(data.DataError, match="control character U\\+000A"):
        data.load_table("national_electricity", pkg_dir)


def test_unique_and_length_constraints_are_enforced(pkg_dir):
    edit_package(pkg_dir, lambda p: fields(p)[0]["constraints"].__setitem__("maxLength", 5))
    with pytest.raises(data.DataError, match="longer than 5 characters"):
        data.load_table("national_electricity", pkg_dir)
    edit_package(
        pkg_dir, lambda p: fields(p)[0]["constraints"].update({"maxLength": 50, "unique": True})
    )
    with pytest.raises(data.DataError, match="share the value"):
        data.load_table("national_electricity", pkg_dir)


def test_a_quoted_bad_value_is_clipped(pkg_dir):
    rewrite(
        pkg_dir / "national_electricity.csv", "Germany,2024,522", "Germany,2024," + "9" * 5000 + "x"
    )
    with pytest.raises(data.DataError) as e:
        data.load_table("national_electricity", pkg_dir)
    assert len(str(e.value)) < 400 and "characters" in str(e.value)


def test_the_real_descriptor_has_no_problem(root):
    assert data.check_package(json.loads((root / "data" / "datapackage.json").read_text())) == []


# Through the command line: exit 2, every problem, no traceback.
def test_check_data_reports_a_broken_descriptor(cli, tmp_path, root):
    d = tmp_path / "data"
    shutil.copytree(root / "data", d)
    pkg = json.loads((d / "datapackage.json").read_text())
    pkg["resources"][0]["schema"]["fields"][0] = "scope"
    pkg["resources"][1]["schema"]["fields"][2]["constraints"] = "required"
    (d / "datapackage.json").write_text(json.dumps(pkg))
    r = cli("check-data", env={"ENERGYBOOK_DATA": str(d)})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    # The field taken out leaves the primary key naming a missing field: three problems.
    assert r.stderr.count("error:") == 3, r.stderr
    assert "field #1: is a string" in r.stderr and "constraints must be an object" in r.stderr
    assert "primaryKey names 'scope', which is not a field" in r.stderr


def test_check_data_refuses_a_removed_resource(cli, tmp_path, root):
    d = tmp_path / "data"
    shutil.copytree(root / "data", d)
    pkg = json.loads((d / "datapackage.json").read_text())
    pkg["resources"] = [r for r in pkg["resources"] if r["name"] != "national_electricity"]
    (d / "datapackage.json").write_text(json.dumps(pkg))
    r = cli("check-data", env={"ENERGYBOOK_DATA": str(d)})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "national_electricity.csv: no resource" in r.stderr
    run = cli("run", "overview", "-o", str(tmp_path / "o"), env={"ENERGYBOOK_DATA": str(d)})
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "national_electricity" in run.stderr and not (tmp_path / "o").exists()


def test_check_data_refuses_a_nul_byte(cli, tmp_path, root):
    d = tmp_path / "data"
    shutil.copytree(root / "data", d)
    path = d / "national_electricity.csv"
    path.write_text(path.read_text().replace("Germany,2024", "Germ\x00any,2024", 1))
    r = cli("check-data", env={"ENERGYBOOK_DATA": str(d)})
    assert r.returncode == 2 and "U+0000" in r.stderr and "Traceback" not in r.stderr
