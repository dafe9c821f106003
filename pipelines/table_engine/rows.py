"""What spans a row or a table, as frictionless checks it: blank rows, unique fields, the
primary key and foreign keys, each compared on typed values (" 1" and "1" are one integer)."""

from __future__ import annotations

from typing import Any

import polars as pl

from kzdata.pipelines.table_engine.cells import FieldColumns
from kzdata.pipelines.table_engine.tokens import ROW


class KeyMismatch(Exception):
    """A foreign key whose fields and referenced fields hold different kinds of values."""


def blank(columns: list[FieldColumns]) -> pl.Expr:
    """True where every cell of the row is missing: frictionless's blank row."""
    return pl.all_horizontal([pl.col(c.missing) for c in columns])


def previous_same(keys: list[str]) -> pl.Expr:
    """The number of the last earlier row with the same values of `keys` (null if none)."""
    return pl.col(ROW).shift(1).over(keys)


def unique_fields(columns: list[FieldColumns]) -> list[FieldColumns]:
    return [c for c in columns if (c.frictionless_field.constraints or {}).get("unique")]


class Repeats:
    """Whether two rows of a frame hold the same values of some keys: counting distinct
    values is cheaper than locating repeats, which are rare. Counted once per set of keys, as
    a field both unique and the primary key is asked about twice."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self._counts: dict[tuple[str, ...], tuple[int, int, int]] = {}

    def __call__(self, keys: list[str], skip_nulls: bool) -> bool:
        """Whether two rows hold the same values of `keys`; with `skip_nulls`, rows with a
        null in them are left out (then `keys` is one column)."""
        distinct, nulls, rows = self._count(tuple(keys))
        if skip_nulls:
            return distinct - (nulls > 0) != rows - nulls
        return distinct != rows

    def _count(self, keys: tuple[str, ...]) -> tuple[int, int, int]:
        if keys not in self._counts:
            key = pl.struct(keys) if len(keys) > 1 else pl.col(keys[0])
            counts = [key.n_unique().alias("distinct"), key.null_count().alias("nulls"), pl.len()]
            self._counts[keys] = self.frame.select(counts).row(0)
        return self._counts[keys]


def foreign_key_misses(
    frame: pl.DataFrame, fields: list[str], reference: pl.DataFrame, reference_fields: list[str]
) -> pl.Expr:
    """True on the rows whose values of `fields` (value columns) are not among the reference
    rows' values of `reference_fields`; rows whose values are all null are never missed."""
    left = frame.select(ROW, *[pl.col(f).alias(f"k{i}") for i, f in enumerate(fields)])
    right = reference.select([pl.col(f).alias(f"k{i}") for i, f in enumerate(reference_fields)])
    if left.drop(ROW).schema != right.schema:
        raise KeyMismatch(f"{left.drop(ROW).schema} against {right.schema}")
    keys = list(right.columns)
    all_null = pl.all_horizontal([pl.col(k).is_null() for k in keys])
    missed = (
        left.filter(~all_null)
        .join(right.filter(~all_null), on=keys, how="anti", nulls_equal=True)
        .get_column(ROW)
    )
    return pl.col(ROW).is_in(missed.implode())


def typed_python(fl_field: Any, cell: str | None) -> Any:
    """A cell's value as frictionless holds it (for messages)."""
    if cell is None:
        return None
    value, _ = fl_field.create_cell_reader()(cell)
    return value
