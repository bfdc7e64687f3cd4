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
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from energybook.yamlsafe import InputRefused, clip, read_text

TIERS = ("measured", "reported", "estimated", "projected")
CHECKED = ("primary", "secondary", "unverified")
SOURCE_FIELDS = ("source_publisher", "source_title", "source_year", "source_url", "tier", "checked")


class DataError(ValueError):
    """A data table or the data package is missing, malformed or violates its schema.

    ``problems`` holds one message per problem (a descriptor is checked as a whole)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = list(problems) if problems else [message]
        super().__init__(message)


def data_dir() -> Path:
    """The book's data folder: ``$ENERGYBOOK_DATA``, else ``$ENERGYBOOK_ROOT/data``, else
    the repository's ``data/``."""
    import os

    if os.environ.get("ENERGYBOOK_DATA"):
        return Path(os.environ["ENERGYBOOK_DATA"])
    if os.environ.get("ENERGYBOOK_ROOT"):
        return Path(os.environ["ENERGYBOOK_ROOT"]) / "data"
    return Path(__file__).resolve().parents[2] / "data"


# --------------------------------------------------------------------------- descriptor
# What the loader implements of the Frictionless Table Schema. Anything else in a
# descriptor is refused by name rather than silently ignored.
FIELD_TYPES = ("string", "number", "integer", "boolean", "date", "year")
OTHER_TABLE_SCHEMA_TYPES = (
    "object",
    "array",
    "time",
    "datetime",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
)
CONSTRAINTS = (
    "required",
    "unique",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
)
FIELD_KEYS = (
    "name",
    "type",
    "format",
    "title",
    "description",
    "unit",
    "constraints",
    "example",
    "rdfType",
)
RESOURCE_KEYS = (
    "name",
    "path",
    "profile",
    "format",
    "mediatype",
    "encoding",
    "title",
    "description",
    "schema",
    "optional",
    "sources",
    "licenses",
    "bytes",
    "hash",
)
SCHEMA_KEYS = ("fields", "primaryKey", "foreignKeys", "missingValues")
NAME_PATTERN = re.compile(r"^[a-z0-9._-]+$")
MAX_PACKAGE_BYTES = 10_000_000


def _kind(x: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
        int: "a number",
        float: "a number",
    }.get(type(x), type(x).__name__)


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def check_package(pkg: Any, where: str = "datapackage.json") -> list[str]:
    """Every problem of a data package descriptor, each naming its resource and field
    (empty: valid). Checked as a whole, before any table is read."""
    problems: list[str] = []
    if not isinstance(pkg, dict):
        return [f"{where}: must be an object with a 'resources' list, not {_kind(pkg)}"]
    resources = pkg.get("resources")
    if not isinstance(resources, list) or not resources:
        return [
            f"{where}: must have a non-empty 'resources' list"
            + ("" if resources is None else f", not {_kind(resources)}")
        ]
    names: dict[str, int] = {}
    paths: dict[str, str] = {}
    for i, res in enumerate(resources):
        if not isinstance(res, dict):
            problems.append(f"{where}: resource #{i + 1} is {_kind(res)}, not an object")
            continue
        name = res.get("name")
        label = f"resource {clip(name)}" if isinstance(name, str) else f"resource #{i + 1}"
        at = f"{where}: {label}"
        if not isinstance(name, str) or not name:
            problems.append(f"{at}: has no 'name' (a string)")
        elif not NAME_PATTERN.match(name):
            problems.append(
                f"{at}: the name may hold only lower-case letters, digits, '.', '-' and '_'"
            )
        elif name in names:
            problems.append(f"{at}: the name is used by resource #{names[name] + 1} too")
        else:
            names[name] = i
        problems += [
            f"{at}: unknown key {clip(k)} (known: {', '.join(RESOURCE_KEYS)})"
            for k in res
            if k not in RESOURCE_KEYS
        ]
        problems += _check_path(res.get("path"), at, paths, label)
        for key, allowed in (
            ("format", ("csv",)),
            ("mediatype", ("text/csv",)),
            ("encoding", ("utf-8", "UTF-8")),
            ("profile", ("tabular-data-resource", "data-resource")),
        ):
            if key in res and res[key] not in allowed:
                problems.append(
                    f"{at}: {key} {clip(res[key])} is not supported (only {', '.join(allowed)})"
                )
        if "optional" in res and not isinstance(res["optional"], bool):
            problems.append(f"{at}: 'optional' must be true or false, not {_kind(res['optional'])}")
        for key in ("title", "description"):
            if key in res and not isinstance(res[key], str):
                problems.append(f"{at}: '{key}' must be a string, not {_kind(res[key])}")
        schema = res.get("schema")
        if schema is None:
            problems.append(f"{at}: has no 'schema'")
        elif not isinstance(schema, dict):
            problems.append(
                f"{at}: the schema is not an object but {_kind(schema)} (it must be written inline)"
            )
        else:
            problems += _check_schema(schema, at)
    for i, res in enumerate(resources):  # foreign keys, now that every resource is known
        if isinstance(res, dict) and isinstance(res.get("schema"), dict):
            problems += _check_foreign_keys(
                res, resources, names, f"{where}: resource {clip(res.get('name', f'#{i + 1}'))}"
            )
    return problems


def _check_path(path: Any, at: str, seen: dict[str, str], label: str) -> list[str]:
    if not isinstance(path, str) or not path:
        return [
            f"{at}: has no 'path' (a relative file path, a string)"
            + ("" if path is None else f"; got {_kind(path)}")
        ]
    parts = Path(path).parts
    if path.startswith(("/", "\\")) or "://" in path or ".." in parts or not parts:
        return [f"{at}: path {clip(path)} must be relative and stay inside data/"]
    if not path.endswith(".csv"):
        return [f"{at}: path {clip(path)} is not a .csv file"]
    if path in seen:
        return [f"{at}: path {clip(path)} is used by {seen[path]} too"]
    seen[path] = label
    return []


def _check_schema(schema: dict, at: str) -> list[str]:
    problems = [
        f"{at}: unknown schema key {clip(k)} (known: {', '.join(SCHEMA_KEYS)})"
        for k in schema
        if k not in SCHEMA_KEYS
    ]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [*problems, f"{at}: the schema has no 'fields' list"]
    names: list[str] = []
    for j, f in enumerate(fields):
        if not isinstance(f, dict):
            problems.append(f"{at}, field #{j + 1}: is {_kind(f)}, not an object")
            continue
        name = f.get("name")
        if not isinstance(name, str) or not name:
            problems.append(f"{at}, field #{j + 1}: has no 'name' (a string)")
            continue
        fat = f"{at}, field {clip(name)}"
        if name in names:
            problems.append(f"{fat}: declared twice")
        names.append(name)
        problems += _check_field(f, fat)
    for needed in SOURCE_FIELDS:
        if needed not in names:
            problems.append(
                f"{at}: lacks the required field {needed!r} (every row carries its source and tier)"
            )
    pk = schema.get("primaryKey")
    if pk is not None:
        keys = [pk] if isinstance(pk, str) else pk
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            problems.append(f"{at}: primaryKey must be a field name or a list of them")
        else:
            problems += [
                f"{at}: primaryKey names {clip(k)}, which is not a field"
                for k in keys
                if k not in names
            ]
    mv = schema.get("missingValues")
    if mv is not None and mv != [""]:
        problems.append(
            f'{at}: missingValues {clip(mv)} is not supported (only [""]: an '
            "empty cell is a missing value)"
        )
    return problems


def _check_field(f: dict, at: str) -> list[str]:
    problems = [
        f"{at}: unknown key {clip(k)} (known: {', '.join(FIELD_KEYS)})"
        for k in f
        if k not in FIELD_KEYS
    ]
    ftype = f.get("type", "string")
    if not isinstance(ftype, str) or ftype not in FIELD_TYPES:
        if isinstance(ftype, str) and ftype in OTHER_TABLE_SCHEMA_TYPES:
            problems.append(
                f"{at}: type {ftype!r} is not supported here (supported: {', '.join(FIELD_TYPES)})"
            )
        else:
            problems.append(
                f"{at}: type {clip(ftype)} is not a Table Schema type "
                f"(supported: {', '.join(FIELD_TYPES)})"
            )
        ftype = None
    if "format" in f and f["format"] != "default":
        problems.append(f"{at}: format {clip(f['format'])} is not supported (only 'default')")
    desc = f.get("description")
    if not isinstance(desc, str) or not desc.strip():
        problems.append(f"{at}: has no description")
    if ftype in ("number", "integer"):
        if "unit" not in f:
            problems.append(f'{at}: numeric field has no unit (use "1" for a dimensionless number)')
        elif not isinstance(f["unit"], str) or not f["unit"]:
            problems.append(f"{at}: unit must be a non-empty string")
    elif "unit" in f and not isinstance(f["unit"], str):
        problems.append(f"{at}: unit must be a string")
    if "title" in f and not isinstance(f["title"], str):
        problems.append(f"{at}: title must be a string")
    cons = f.get("constraints")
    if cons is None:
        return problems
    if not isinstance(cons, dict):
        return [
            *problems,
            f"{at}: constraints must be an object such as "
            f'{{"required": true}}, not {_kind(cons)} {clip(cons)}',
        ]
    for key, value in cons.items():
        cat = f"{at}, constraint {clip(key)}"
        if key not in CONSTRAINTS:
            problems.append(
                f"{cat}: not a Table Schema constraint (known: {', '.join(CONSTRAINTS)})"
            )
        elif key in ("required", "unique"):
            if not isinstance(value, bool):
                problems.append(f"{cat}: must be true or false, not {_kind(value)} {clip(value)}")
        elif key in ("minLength", "maxLength"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(f"{cat}: must be a non-negative integer, not {clip(value)}")
            elif ftype not in (None, "string"):
                problems.append(f"{cat}: applies to strings, not to a {ftype} field")
        elif key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if ftype == "date":
                try:
                    dt.date.fromisoformat(value)
                except (TypeError, ValueError):
                    problems.append(f"{cat}: must be an ISO date (YYYY-MM-DD), not {clip(value)}")
            elif ftype in ("number", "integer", "year"):
                if not _is_number(value):
                    problems.append(f"{cat}: must be a number, not {_kind(value)} {clip(value)}")
                elif ftype in ("integer", "year") and not float(value).is_integer():
                    problems.append(f"{cat}: must be a whole number for a {ftype} field")
            elif ftype is not None:
                problems.append(f"{cat}: does not apply to a {ftype} field")
        elif key == "pattern":
            if not isinstance(value, str):
                problems.append(f"{cat}: must be a regular expression (a string)")
            else:
                try:
                    re.compile(value)
                except re.error as e:
                    problems.append(f"{cat}: {clip(value)} is not a valid regular expression ({e})")
        elif key == "enum":
            if not isinstance(value, list) or not value:
                problems.append(f"{cat}: must be a non-empty list of values")
            elif ftype is not None:
                bad = [v for v in value if not _enum_ok(v, ftype)]
                if bad:
                    problems.append(f"{cat}: {clip(bad[0])} is not a {ftype} value")
    lo: Any = cons.get("minimum")
    hi: Any = cons.get("maximum")
    if _is_number(lo) and _is_number(hi) and lo > hi:
        problems.append(f"{at}: minimum {lo} is above maximum {hi}")
    return problems


def _enum_ok(v: Any, ftype: str) -> bool:
    if ftype == "string":
        return isinstance(v, str)
    if ftype in ("integer", "year"):
        return isinstance(v, int) and not isinstance(v, bool)
    if ftype == "number":
        return _is_number(v)
    if ftype == "boolean":
        return isinstance(v, bool)
    if ftype == "date":
        try:
            dt.date.fromisoformat(v)
            return True
        except (TypeError, ValueError):
            return False
    return True


def _check_foreign_keys(res: dict, resources: list, names: dict[str, int], at: str) -> list[str]:
    fks = res["schema"].get("foreignKeys")
    if fks is None:
        return []
    if not isinstance(fks, list):
        return [f"{at}: foreignKeys must be a list"]
    own = _field_names(res)
    problems = []
    for k, fk in enumerate(fks):
        fat = f"{at}, foreign key #{k + 1}"
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if not isinstance(fk, dict) or not isinstance(ref, dict):
            problems.append(f"{fat}: must be an object with 'fields' and 'reference'")
            continue
        fields = _as_list(fk.get("fields"))
        target = ref.get("resource")
        ref_fields = _as_list(ref.get("fields"))
        if fields is None or ref_fields is None or len(fields) != len(ref_fields):
            problems.append(
                f"{fat}: 'fields' and 'reference.fields' must name the same number of fields"
            )
            continue
        problems += [
            f"{fat}: {clip(x)} is not a field of this resource" for x in fields if x not in own
        ]
        if target not in names and target != "":
            problems.append(
                f"{fat}: refers to resource {clip(target)}, which is not in the package"
            )
            continue
        other = res if target == "" else resources[names[target]]
        problems += [
            f"{fat}: {clip(x)} is not a field of resource {clip(target)}"
            for x in ref_fields
            if x not in _field_names(other)
        ]
    return problems


def _as_list(x: Any) -> list[str] | None:
    if isinstance(x, str):
        return [x]
    if isinstance(x, list) and x and all(isinstance(v, str) for v in x):
        return x
    return None


def _field_names(res: dict) -> list[str]:
    fields = res.get("schema", {}).get("fields")
    return (
        [f["name"] for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]
        if isinstance(fields, list)
        else []
    )


_PACKAGE_CACHE: dict[str, tuple[tuple[int, int], dict]] = {}


def read_package(directory: Path | None = None) -> dict:
    """The parsed ``datapackage.json``, validated as a whole (:func:`check_package`):
    :class:`DataError` listing every problem otherwise."""
    directory = Path(directory) if directory else data_dir()
    path = directory / "datapackage.json"
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DataError(f"{path}: the data package descriptor is missing") from None
    except OSError as e:
        raise DataError(f"{path}: cannot be read ({e.strerror})") from None
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _PACKAGE_CACHE.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        text = read_text(path, what="data package descriptor", limit=MAX_PACKAGE_BYTES)
        pkg = json.loads(text)
    except InputRefused as e:
        raise DataError(str(e)) from None
    except json.JSONDecodeError as e:
        raise DataError(f"{path}: not valid JSON ({e})") from None
    except RecursionError:
        raise DataError(f"{path}: nested too deeply") from None
    problems = check_package(pkg, str(path))
    if problems:
        raise DataError("\n".join(problems), problems)
    _PACKAGE_CACHE[str(path)] = (stamp, pkg)
    return pkg


def resource(name: str, directory: Path | None = None) -> dict:
    pkg = read_package(directory)
    for res in pkg["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in pkg["resources"])
    raise DataError(f"no table named {clip(name)} in datapackage.json; known tables: {known}")


# --------------------------------------------------------------------------- rows
# Control characters (C0 and C1, DEL) and the invisible bidirectional overrides: never part
# of a figure or a source's name, and they corrupt pages and tables where they appear.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _parse(value: str, field: dict, where: str):
    ftype = field.get("type", "string")
    cons = field.get("constraints", {})
    bad = _CONTROL.search(value)
    if bad:
        raise DataError(
            f"{where}: contains the control character U+{ord(bad.group()):04X} "
            f"at position {bad.start() + 1}: {clip(value)}"
        )
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
        raise DataError(f"{where}: {clip(value)} is not a valid {ftype}") from None
    if "enum" in cons and out not in [_typed_bound(v, ftype) for v in cons["enum"]]:
        raise DataError(f"{where}: {clip(value)} is not one of {clip(cons['enum'])}")
    for key, test, words in (
        ("minimum", lambda a, b: a < b, "below the minimum"),
        ("maximum", lambda a, b: a > b, "above the maximum"),
        ("exclusiveMinimum", lambda a, b: a <= b, "not above"),
        ("exclusiveMaximum", lambda a, b: a >= b, "not below"),
    ):
        if key in cons and test(out, _typed_bound(cons[key], ftype)):
            raise DataError(f"{where}: {clip(value)[1:-1]} is {words} {cons[key]}")
    if isinstance(out, str):
        if "minLength" in cons and len(out) < cons["minLength"]:
            raise DataError(
                f"{where}: {clip(value)} is shorter than {cons['minLength']} characters"
            )
        if "maxLength" in cons and len(out) > cons["maxLength"]:
            raise DataError(f"{where}: {clip(value)} is longer than {cons['maxLength']} characters")
    if "pattern" in cons and not re.fullmatch(cons["pattern"], value):
        raise DataError(f"{where}: {clip(value)} does not match {cons['pattern']!r}")
    return out


def _typed_bound(v: Any, ftype: str) -> Any:
    return dt.date.fromisoformat(v) if ftype == "date" and isinstance(v, str) else v


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
                extra = [clip(n) for n in header if n not in names]
                raise DataError(
                    f"{path}: header does not match the schema in datapackage.json "
                    f"(missing: {missing or 'none'}; unexpected: {extra or 'none'}; "
                    f"expected order: {names})"
                )
            rows = []
            end = reader.line_num
            for raw in reader:
                lineno, end = end + 1, reader.line_num  # a quoted field may span lines
                if not raw:
                    continue
                if len(raw) != len(names):
                    raise DataError(
                        f"{path}, row {lineno}: has {len(raw)} values, expected {len(names)}"
                    )
                row = {}
                for f, value in zip(fields, raw, strict=True):
                    where = f"{path}, row {lineno}, column {f['name']!r}"
                    row[f["name"]] = _parse(value.strip(), f, where)
                for key in SOURCE_FIELDS:
                    if row[key] in (None, ""):
                        raise DataError(
                            f"{path}, row {lineno}, column {key!r}: every row needs its "
                            "source (publisher, title, year, URL or DOI) and tier"
                        )
                if row["tier"] not in TIERS:
                    raise DataError(
                        f"{path}, row {lineno}, column 'tier': {clip(row['tier'])} is not one "
                        f"of {list(TIERS)}"
                    )
                if row["checked"] not in CHECKED:
                    raise DataError(
                        f"{path}, row {lineno}, column 'checked': {clip(row['checked'])} is "
                        f"not one of {list(CHECKED)}"
                    )
                row["__line__"] = lineno
                rows.append(row)
    except FileNotFoundError:
        raise DataError(f"{path}: the data file is missing") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a data file") from None
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text (byte {e.start}): {e.reason}") from None
    except csv.Error as e:
        raise DataError(f"{path}: malformed CSV: {e}") from None
    lines = [row.pop("__line__") for row in rows]
    pk = res["schema"].get("primaryKey")
    if pk:
        keys = [pk] if isinstance(pk, str) else list(pk)
        seen: dict[tuple, int] = {}
        for i, row in enumerate(rows):
            k = tuple(row[x] for x in keys)
            if k in seen:
                raise DataError(
                    f"{path}: rows {lines[seen[k]]} and {lines[i]} share the key {clip(k)}"
                )
            seen[k] = i
    for f in fields:
        if f.get("constraints", {}).get("unique"):
            first: dict[Any, int] = {}
            for i, row in enumerate(rows):
                v = row[f["name"]]
                if v is None:
                    continue
                if v in first:
                    raise DataError(
                        f"{path}, column {f['name']!r}: rows {lines[first[v]]} "
                        f"and {lines[i]} share the value {clip(v)} (unique)"
                    )
                first[v] = i
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
    """Validate the descriptor, then every table of the package and its foreign keys;
    return the row counts. A CSV file in the data folder that no resource declares is a
    problem too (a resource removed from the descriptor, say). Every problem is reported
    together (the first of each table)."""
    directory = Path(directory) if directory else data_dir()
    pkg = read_package(directory)
    counts: dict[str, int] = {}
    problems: list[str] = []
    tables: dict[str, list[dict]] = {}
    for r in pkg["resources"]:
        path = directory / r["path"]
        if r.get("optional") and not path.exists():
            continue  # filled by a measurement run; absent until one is committed
        try:
            tables[r["name"]] = validate_rows(r, path)
            counts[r["name"]] = len(tables[r["name"]])
        except DataError as e:
            problems += e.problems
    declared = {(directory / r["path"]).resolve() for r in pkg["resources"]}
    for csv_path in sorted(directory.rglob("*.csv")):
        if (
            csv_path.resolve() not in declared
            and "logs" not in csv_path.relative_to(directory).parts
        ):
            problems.append(
                f"{csv_path}: no resource of datapackage.json declares this "
                "table (add its schema in data/schemas/ and regenerate the "
                "descriptor, or remove the file)"
            )
    for r in pkg["resources"]:
        if r["name"] in tables:
            problems += _foreign_key_problems(r, tables, directory)
    if problems:
        raise DataError("\n".join(problems), problems)
    return counts


def _foreign_key_problems(res: dict, tables: dict[str, list[dict]], directory: Path) -> list[str]:
    problems = []
    for fk in res["schema"].get("foreignKeys") or []:
        fields = _as_list(fk["fields"]) or []
        target = fk["reference"]["resource"] or res["name"]
        ref_fields = _as_list(fk["reference"]["fields"]) or []
        if target not in tables:
            continue
        keys = {tuple(row[f] for f in ref_fields) for row in tables[target]}
        for i, row in enumerate(tables[res["name"]]):
            k = tuple(row[f] for f in fields)
            if all(v is not None for v in k) and k not in keys:
                problems.append(
                    f"{directory / res['path']}, data row {i + 1}: {clip(k)} "
                    f"in {fields} has no row in {target!r}"
                )
                break
    return problems


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
