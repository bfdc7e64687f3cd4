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
    assert counts and all(n > 0 for name, n in counts.items()
                          if (root / "data" / data.resource(name)["path"]).exists())


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
    with pytest.raises(data.DataError, match=r"national_electricity\.csv: the data file is missing"):
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
    rewrite(pkg_dir / "national_electricity.csv",
            "France,2024,472,562,Our World in Data (based on Ember and the Energy Institute)",
            "France,2024,472,562,")
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
