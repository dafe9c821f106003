"""Read a resource's CSV as typed columns, for rules across rows and tables.

Cells read through their fields' types, as the pandera layer reads them (kzdata.schemas.
cell_types). A cell that is not of its type reads as null and is marked in a column of its own
(`invalid_column(name)`), so a rule can skip the rows it cannot read: the type finding is the
other layers', and no bad cell stops a rule. Every row keeps its frictionless number in `ROW`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from kzdata.pipelines.cell_types import SchemaCompileError, cell_type, missing_to_null, table_fields
from kzdata.pipelines.csv_frame import UnreadableCsv, read_text_columns
from kzdata.pipelines.target import UnreadablePart, descriptor_part

# The row's number as frictionless numbers rows (the header is row 1), in every frame.
ROW = "__row"
_INVALID = "__invalid__"


class TableUnavailable(Exception):
    """The resource cannot be read as a table here (its schema, dialect or CSV); the
    frictionless and pandera layers say why."""


def invalid_column(name: str) -> str:
    """The column that is True where the cell of field `name` is filled but not of its type."""
    return _INVALID + name


def read_table(resource: Mapping[str, Any], base: Path) -> pl.DataFrame:
    """The resource's rows: `ROW`, one typed column per field the CSV has, and the invalid
    marks of the fields whose type is checked. Raises TableUnavailable."""
    try:
        schema = descriptor_part(resource["schema"], base, "schema")
        dialect = descriptor_part(resource.get("dialect", {}), base, "dialect")
        types = {field["name"]: cell_type(field) for field in table_fields(schema)}
        raw = read_text_columns(
            base / resource["path"], dialect, resource.get("encoding"), list(types)
        )
        raw = raw.with_columns(missing_to_null(schema, raw.columns))
    except (SchemaCompileError, UnreadablePart) as exc:
        raise TableUnavailable(f"its Table Schema or dialect cannot be used: {exc}") from exc
    except UnreadableCsv as exc:
        raise TableUnavailable(str(exc)) from exc
    first = 2 if dialect.get("header", True) is not False else 1
    present = [name for name in types if name in raw.columns]
    typed = [types[name].parse(pl.col(name)).alias(name) for name in present]
    marks = [
        (pl.col(name).is_not_null() & types[name].parse(pl.col(name)).is_null()).alias(
            invalid_column(name)
        )
        for name in present
        if types[name].checked
    ]
    return raw.select(pl.int_range(first, pl.len() + first).alias(ROW), *typed, *marks)


def readable(frame: pl.DataFrame, columns: Iterable[str]) -> pl.Expr:
    """True on the rows where every one of `columns` holds a cell of its type (or none)."""
    marks = [pl.col(invalid_column(c)) for c in columns if invalid_column(c) in frame.columns]
    return ~pl.any_horizontal(marks) if marks else pl.lit(True)


def first_per_key(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """One row per key, the first: a repeated key is the primary key finding of the other
    layers, never a reason for a join to multiply rows."""
    return frame.filter(pl.col(key).is_not_null()).unique(key, keep="first", maintain_order=True)
