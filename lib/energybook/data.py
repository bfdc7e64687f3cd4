"""Data tables: loading with validation against ``data/datapackage.json``.

Every table in ``data/`` is declared once in the data package (Frictionless Table Schema:
fields with type, unit and description, constraints). Every row carries its source
(``source_publisher``, ``source_title``, ``source_year``, ``source_url`` -- a URL or DOI) and
a ``tier``: measured / reported / estimated / projected, and ``checked``: how firmly the figure
was verified (primary: read in the primary source; secondary: a reproduction of it, usually
two or more outlets agreeing; unverified: shown as such wherever it is used).

Loading checks the table against its schema and fails with a :class:`DataError` naming the
file, the row (its line number in the CSV) and the column. Nothing is fetched from the
network.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

TIERS = ("measured", "reported", "estimated", "projected")
CHECKED = ("primary", "secondary", "unverified")
SOURCE_FIELDS = ("source_publisher", "source_title", "source_year", "source_url", "tier", "checked")


class DataError(ValueError):
    """A data table or the data package is missing, malformed or violates its schema."""


def data_dir() -> Path:
    """The book's data folder: ``$ENERGYBOOK_DATA``, else ``$ENERGYBOOK_ROOT/data``, else
    the repository's ``data/``."""
    import os

    if os.environ.get("ENERGYBOOK_DATA"):
        return Path(os.environ["ENERGYBOOK_DATA"])
    if os.environ.get("ENERGYBOOK_ROOT"):
        return Path(os.environ["ENERGYBOOK_ROOT"]) / "data"
    return Path(__file__).resolve().parents[2] / "data"


def read_package(directory: Path | None = None) -> dict:
    """The parsed ``datapackage.json``, checked for shape."""
    directory = Path(directory) if directory else data_dir()
    path = directory / "datapackage.json"
    try:
        pkg = json.loads(path.read_text())
    except FileNotFoundError:
        raise DataError(f"{path}: the data package descriptor is missing") from None
    except json.JSONDecodeError as e:
        raise DataError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(pkg, dict) or not isinstance(pkg.get("resources"), list):
        raise DataError(f"{path}: must be an object with a 'resources' list")
    for i, res in enumerate(pkg["resources"]):
        if not isinstance(res, dict):
            raise DataError(f"{path}: resource #{i} is not an object")
        for key in ("name", "path", "schema"):
            if key not in res:
                raise DataError(f"{path}: resource #{i} has no {key!r}")
        if not isinstance(res["schema"], dict):
            raise DataError(f"{path}: the schema of resource {res['name']!r} is not an object")
        fields = res["schema"].get("fields")
        if not isinstance(fields, list) or not fields:
            raise DataError(f"{path}: resource {res['name']!r} has no schema fields")
        names = [f.get("name") for f in fields]
        for needed in SOURCE_FIELDS:
            if needed not in names:
                raise DataError(
                    f"{path}: resource {res['name']!r} lacks the required field {needed!r} "
                    "(every row carries its source and tier)")
        for f in fields:
            if "description" not in f:
                raise DataError(
                    f"{path}: field {f.get('name')!r} of {res['name']!r} has no description")
            if f.get("type") in ("number", "integer") and "unit" not in f:
                raise DataError(
                    f"{path}: numeric field {f['name']!r} of {res['name']!r} has no unit "
                    "(use \"1\" for a dimensionless number)")
    return pkg


def resource(name: str, directory: Path | None = None) -> dict:
    pkg = read_package(directory)
    for res in pkg["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in pkg["resources"])
    raise DataError(f"no table named {name!r} in datapackage.json; known tables: {known}")


def _parse(value: str, field: dict, where: str):
    ftype = field.get("type", "string")
    cons = field.get("constraints", {})
    if value == "":
        if cons.get("required"):
            raise DataError(f"{where}: a value is required")
        return None
    out: Any
    try:
        if ftype == "number":
            out = float(value)
            if not math.isfinite(out):
                raise ValueError
        elif ftype == "integer":
            out = int(value)
        elif ftype == "date":
            out = dt.date.fromisoformat(value)
        elif ftype == "year":
            out = int(value)
            if not 1800 <= out <= 2200:
                raise ValueError
        elif ftype == "boolean":
            if value not in ("true", "false"):
                raise ValueError
            out = value == "true"
        else:
            out = value
    except ValueError:
        raise DataError(f"{where}: {value!r} is not a valid {ftype}") from None
    if "enum" in cons and out not in cons["enum"]:
        raise DataError(f"{where}: {value!r} is not one of {cons['enum']}")
    if "minimum" in cons and out < cons["minimum"]:
        raise DataError(f"{where}: {value} is below the minimum {cons['minimum']}")
    if "maximum" in cons and out > cons["maximum"]:
        raise DataError(f"{where}: {value} is above the maximum {cons['maximum']}")
    if "pattern" in cons:
        import re

        if not re.fullmatch(cons["pattern"], value):
            raise DataError(f"{where}: {value!r} does not match {cons['pattern']!r}")
    return out


def validate_rows(res: dict, path: Path) -> list[dict]:
    """Parse and validate a CSV against its resource's schema; return typed rows."""
    fields = res["schema"]["fields"]
    names = [f["name"] for f in fields]
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise DataError(f"{path}: the file is empty")
            if header != names:
                missing = [n for n in names if n not in header]
                extra = [n for n in header if n not in names]
                raise DataError(
                    f"{path}: header does not match the schema in datapackage.json "
                    f"(missing: {missing or 'none'}; unexpected: {extra or 'none'}; "
                    f"expected order: {names})")
            rows = []
            for lineno, raw in enumerate(reader, start=2):
                if not raw:
                    continue
                if len(raw) != len(names):
                    raise DataError(
                        f"{path}, row {lineno}: has {len(raw)} values, expected {len(names)}")
                row = {}
                for f, value in zip(fields, raw, strict=True):
                    where = f"{path}, row {lineno}, column {f['name']!r}"
                    row[f["name"]] = _parse(value.strip(), f, where)
                for key in SOURCE_FIELDS:
                    if row[key] in (None, ""):
                        raise DataError(
                            f"{path}, row {lineno}, column {key!r}: every row needs its "
                            "source (publisher, title, year, URL or DOI) and tier")
                if row["tier"] not in TIERS:
                    raise DataError(
                        f"{path}, row {lineno}, column 'tier': {row['tier']!r} is not one of "
                        f"{list(TIERS)}")
                if row["checked"] not in CHECKED:
                    raise DataError(
                        f"{path}, row {lineno}, column 'checked': {row['checked']!r} is not one "
                        f"of {list(CHECKED)}")
                rows.append(row)
    except FileNotFoundError:
        raise DataError(f"{path}: the data file is missing") from None
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text (byte {e.start}): {e.reason}") from None
    except csv.Error as e:
        raise DataError(f"{path}: malformed CSV: {e}") from None
    pk = res["schema"].get("primaryKey")
    if pk:
        keys = [pk] if isinstance(pk, str) else list(pk)
        seen: dict[tuple, int] = {}
        for i, row in enumerate(rows):
            k = tuple(row[x] for x in keys)
            if k in seen:
                raise DataError(f"{path}: rows {seen[k] + 2} and {i + 2} share the key {k}")
            seen[k] = i
    return rows


@lru_cache(maxsize=64)
def _load_cached(name: str, directory: str, stamp: float) -> pd.DataFrame:
    res = resource(name, Path(directory))
    path = Path(directory) / res["path"]
    rows = validate_rows(res, path)
    df = pd.DataFrame(rows, columns=[f["name"] for f in res["schema"]["fields"]])
    for f in res["schema"]["fields"]:
        if f.get("type") == "number":
            df[f["name"]] = df[f["name"]].astype(float)
    return df


def load_table(name: str, directory: Path | None = None) -> pd.DataFrame:
    """Load table ``name`` as a DataFrame, validated against its schema.

    Raises :class:`DataError` naming file, row and column on any problem.
    """
    directory = Path(directory) if directory else data_dir()
    res = resource(name, directory)
    path = directory / res["path"]
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    pkg_stamp = (directory / "datapackage.json").stat().st_mtime_ns
    return _load_cached(name, str(directory), stamp + pkg_stamp).copy()


def load_tables(names, directory: Path | None = None) -> dict[str, pd.DataFrame]:
    """Tables by name (each validated, see :func:`load_table`): what a chapter's checks and
    page receive, so that they do no I/O of their own."""
    return {name: load_table(name, directory) for name in names}


def validate_all(directory: Path | None = None) -> dict[str, int]:
    """Validate every table of the package; return its row counts."""
    directory = Path(directory) if directory else data_dir()
    pkg = read_package(directory)
    counts = {}
    for r in pkg["resources"]:
        path = directory / r["path"]
        if r.get("optional") and not path.exists():
            continue  # filled by a measurement run; absent until one is committed
        counts[r["name"]] = len(validate_rows(r, path))
    return counts


def load_run_metadata(run_ids, directory: Path | None = None) -> list[dict]:
    """The metadata of GPU measurement runs: ``<data>/measured/<run_id>.json`` each."""
    directory = Path(directory) if directory else data_dir()
    out = []
    for rid in run_ids:
        path = directory / "measured" / f"{rid}.json"
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise DataError(f"{path}: the metadata of run {rid!r} is missing") from None
        except json.JSONDecodeError as e:
            raise DataError(f"{path}: not valid JSON ({e})") from None
    return out
