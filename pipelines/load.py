"""Load a data package's tables as pandas DataFrames, typed from their Table Schemas.

Types follow the Table Schema, so that a user never gets a count as a float or a partial date
as a number: integers are nullable integers (`Int64`), numbers `Float64`, booleans `boolean`,
fields with an `enum` categories (in the declared order), and everything else text (`string`).
Partial dates (`"2025"`, `"2025-12"`) are text fields in our schemas and stay text, beside their
`_precision` column.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzdata.pipelines.csv_dialect import Dialect
from kzdata.pipelines.errors import CannotRun, PackageNotValid, UnloadableCell
from kzdata.pipelines.target import Target, UnreadablePart, descriptor_part, open_target

if TYPE_CHECKING:
    import pandas as pd


_NUMERIC = {"integer": "Int64", "year": "Int64", "number": "Float64"}
# The Table Schema's defaults for a boolean field without trueValues / falseValues.
_TRUE = ["true", "True", "TRUE", "1"]
_FALSE = ["false", "False", "FALSE", "0"]


def load(target: str | Path, validate: bool = True) -> dict[str, pd.DataFrame]:
    """Every CSV table resource of the package at `target` (a folder or its datapackage.json),
    by resource name, typed from its Table Schema. With `validate`, the package is validated
    first (all layers) and PackageNotValid is raised if it has errors."""
    if validate:
        from kzdata.pipelines.validate import validate as run_validate

        report = run_validate(target)
        if not report.valid:
            raise PackageNotValid(report)
    opened = open_target(target)
    if opened.descriptor is None or opened.findings:
        raise CannotRun(f"{target}: {opened.findings[0].message}")
    return {
        resource["name"]: _frame(resource, opened)
        for resource in opened.descriptor["resources"]
        if isinstance(resource, dict) and isinstance(resource.get("path"), str)
    }


def _frame(resource: dict[str, Any], opened: Target) -> pd.DataFrame:
    import pandas as pd

    try:
        schema = descriptor_part(resource.get("schema", {}), opened.basepath, "schema")
        dialect = descriptor_part(resource.get("dialect", {}), opened.basepath, "dialect")
    except UnreadablePart as exc:
        raise CannotRun(f"resource {resource['name']!r}: {exc}") from exc
    fields = schema.get("fields", [])
    missing = schema.get("missingValues", [""])
    frame = pd.read_csv(
        opened.basepath / resource["path"],
        dtype="string",
        keep_default_na=False,
        na_values=missing,
        sep=Dialect.of(dialect).delimiter,
        quotechar=Dialect.of(dialect).quote_char,
        encoding=resource.get("encoding", "utf-8"),
    )
    for field in fields:
        name = field["name"]
        if name in frame.columns:
            try:
                frame[name] = _typed(frame[name], field)
            except (ValueError, TypeError) as exc:
                # Only reachable with validate=False: the validated package has no such cell.
                raise UnloadableCell(resource["path"], name, exc) from exc
    return frame


def _typed(column: pd.Series, field: dict[str, Any]) -> pd.Series:
    import pandas as pd

    kind = field.get("type", "string")
    enum = (field.get("constraints") or {}).get("enum")
    if kind in _NUMERIC:
        numbers = pd.to_numeric(column, errors="coerce")
        if (bad := column.notna() & numbers.isna()).any():
            index = int(bad.to_numpy().argmax())
            # Rows as frictionless numbers them: the header is row 1.
            raise ValueError(f"row {index + 2}: {column.iloc[index]!r} is not of type {kind}")
        typed = numbers.astype(_NUMERIC[kind])
    elif kind == "boolean":
        true, false = set(field.get("trueValues", _TRUE)), set(field.get("falseValues", _FALSE))
        typed = column.map(lambda v: True if v in true else False if v in false else pd.NA)
        typed = typed.astype("boolean")
    else:
        typed = column
    if enum:
        return typed.astype(pd.CategoricalDtype(categories=enum))
    return typed
