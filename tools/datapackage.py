"""Generate ``data/datapackage.json`` from ``data/schemas/``: one place per declaration.

- ``data/schemas/_package.yaml``: the package's name, title, description and licences, and
  ``common_fields``: the fields every table ends with (the row's source: publisher, title,
  year, URL or DOI, its tier and how firmly it was checked, and a free-text note). They are
  declared once there and appended to every table. ``table_order`` orders the tables in the
  descriptor (and so in the data appendix); tables it does not list follow, alphabetically.
- ``data/schemas/<table>.yaml``: one table: ``path``, ``title``, ``description``,
  ``primaryKey``, its own ``fields`` (name, type, unit, description, constraints), and
  ``optional: true`` for a table that a measurement run fills.

The generated descriptor is a complete, standard Frictionless Data Package (every field
written out), so any tool can read it; ``energybook.data`` validates against it. Run::

    .venv/bin/python tools/datapackage.py --write    # regenerate
    .venv/bin/python tools/datapackage.py            # check: exit 1 if it is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml
from generated import write_or_check

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "data" / "schemas"
DESCRIPTOR = ROOT / "data" / "datapackage.json"
TABLE_KEYS = ("path", "title", "description", "primaryKey", "fields")


def _load(path: Path) -> dict:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise SystemExit(f"{path}: not valid YAML ({e})") from None
    if not isinstance(doc, dict):
        raise SystemExit(f"{path}: must be a mapping")
    return doc


def build(schemas: Path = SCHEMAS) -> dict:
    package = _load(schemas / "_package.yaml")
    common = package.pop("common_fields")
    order = package.pop("table_order", [])
    common_names = [f["name"] for f in common]
    resources = []
    paths = sorted(
        schemas.glob("*.yaml"),
        key=lambda p: (order.index(p.stem) if p.stem in order else len(order), p.stem),
    )
    for path in paths:
        if path.name.startswith("_"):
            continue
        table = _load(path)
        missing = [k for k in TABLE_KEYS if k not in table]
        unknown = [k for k in table if k not in (*TABLE_KEYS, "optional")]
        if missing or unknown:
            raise SystemExit(f"{path}: missing keys {missing}, unknown keys {unknown}")
        own = [f["name"] for f in table["fields"]]
        clash = sorted(set(own) & set(common_names))
        if clash:
            raise SystemExit(
                f"{path}: fields {clash} are common fields, declared once in _package.yaml"
            )
        res = {
            "name": path.stem,
            "path": table["path"],
            "format": "csv",
            "mediatype": "text/csv",
            "title": table["title"],
            "description": table["description"],
        }
        if table.get("optional"):
            res["optional"] = True
        res["schema"] = {"primaryKey": table["primaryKey"], "fields": [*table["fields"], *common]}
        resources.append(res)
    return {**package, "resources": resources}


def render(pkg: dict) -> str:
    return json.dumps(pkg, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    return write_or_check(
        DESCRIPTOR, render(build()), argv, "tools/datapackage.py", "data/schemas/"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
