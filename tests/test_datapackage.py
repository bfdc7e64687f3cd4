"""``data/datapackage.json`` is generated from ``data/schemas/``, where every declaration is
made once: the common source fields in ``_package.yaml``, each table in its own file."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import datapackage  # noqa: E402


def test_the_descriptor_is_generated_from_the_schemas():
    assert (ROOT / "data" / "datapackage.json").read_text() == datapackage.render(
        datapackage.build()
    ), "run .venv/bin/python tools/datapackage.py --write and commit the result"


def test_source_fields_are_declared_once_and_on_every_table():
    package = datapackage._load(ROOT / "data" / "schemas" / "_package.yaml")
    common = [f["name"] for f in package["common_fields"]]
    for needed in (
        "source_publisher",
        "source_title",
        "source_year",
        "source_url",
        "tier",
        "checked",
    ):
        assert needed in common
    text = "\n".join(p.read_text() for p in (ROOT / "data" / "schemas").glob("[!_]*.yaml"))
    assert "source_publisher" not in text, "a table schema repeats a common field"
    pkg = json.loads((ROOT / "data" / "datapackage.json").read_text())
    for res in pkg["resources"]:
        names = [f["name"] for f in res["schema"]["fields"]]
        assert names[-len(common) :] == common, res["name"]


def test_a_table_repeating_a_common_field_is_refused(tmp_path):
    import shutil

    import pytest

    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "data" / "schemas", schemas)
    path = schemas / "ai_adoption.yaml"
    path.write_text(path.read_text() + "- name: tier\n  type: string\n  description: x\n")
    with pytest.raises(SystemExit, match="common fields"):
        datapackage.build(schemas)
