"""The typed values of a table read as text, as frictionless reads its cells: the engine's own
cell reader (kzdata.pipelines.table_engine.cells), so that every layer after the table checks
reads a cell as the frictionless layer did (" 1" and "1_000" are the integers frictionless
makes of them) and skips exactly the cells it reported."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from kzdata.pipelines.table_engine.cells import evaluate


class UnreadableSchema(ValueError):
    """frictionless cannot read the Table Schema's fields."""


def typed_columns(
    text: pl.DataFrame, schema: Mapping[str, Any], names: Sequence[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(values, invalid) of the columns `names` of `text` (cells as written, missing values
    null), by the fields of Table Schema `schema` of the same names: values null where a
    cell is missing or not of its type; invalid True where it is not of its type.
    Raises UnreadableSchema."""
    from frictionless import FrictionlessException, Schema

    # Types only: the constraints are the frictionless layer's, and not read here.
    declared = [
        {k: v for k, v in f.items() if k != "constraints"}
        for f in schema.get("fields", [])
        if isinstance(f, dict) and f.get("name") in names
    ]
    descriptor = {k: v for k, v in schema.items() if k not in ("primaryKey", "foreignKeys")}
    try:
        fields = Schema.from_descriptor({**descriptor, "fields": declared}).fields
    except (FrictionlessException, TypeError, ValueError, KeyError) as exc:
        raise UnreadableSchema(str(exc)) from exc
    by_name = {f.name: f for f in fields}
    raw = text.select(pl.col(n).alias(str(i)) for i, n in enumerate(names))
    frame, columns = evaluate(raw, [by_name[n] for n in names])
    values = frame.select(c.value_expr().alias(c.name) for c in columns)
    invalid = frame.select(pl.col(c.type).alias(c.name) for c in columns)
    return values, invalid
