"""Read a resource's CSV once, as text and as typed columns, for every layer after the table
checks (pandera, great_expectations, provenance); a table the frictionless layer's engine read
whole is handed over as it read it (`loaded_table`), not read again.

Cells read as frictionless reads them, by the engine's own cell reader
(kzdata.pipelines.table_engine.typed_cells), so a later rule reads " 1" as the integer the
frictionless layer accepted. A cell that is not of its type reads as null and is marked in a
column of its own (`invalid_column(name)`), so a rule can skip the rows it cannot read: the
type finding is the frictionless layer's, and no bad cell stops a rule. Every row keeps its
frictionless number in `ROW`.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import polars as pl

from kzdata.pipelines import resource_parts
from kzdata.pipelines.cell_types import (
    CellType,
    SchemaCompileError,
    cell_type,
    missing_to_null,
    table_fields,
)
from kzdata.pipelines.csv_frame import UnreadableCsv, read_text_columns
from kzdata.pipelines.table_engine.tokens import ROW  # the frictionless row number, in every frame
from kzdata.pipelines.target import UnreadablePart, descriptor_part

_INVALID = "__invalid__"
# The rule a table that is no readable CSV is reported under, by the layers that read it.
CSV_UNREADABLE = "csv-unreadable"


class TableUnavailable(Exception):
    """The resource cannot be read as a table here. `rule` says why: its Table Schema or
    dialect cannot be used (`schema-error`), or its file is no CSV (`csv-unreadable`)."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass
class LoadedTable:
    """One resource as read. `text`: every column a string, missing values null, as written.
    `typed` (parsed on first use): `ROW`, one typed column per field the CSV has, and the
    invalid marks of the fields whose type is checked; its string columns share the text's
    memory. `first_row` is the frictionless number of the first data row (2 under a header).
    """

    schema: Mapping[str, Any]
    text: pl.DataFrame
    types: Mapping[str, CellType]
    first_row: int

    @cached_property
    def typed(self) -> pl.DataFrame:
        """Raises TableUnavailable (a Table Schema frictionless cannot read)."""
        from kzdata.pipelines.table_engine.typed_cells import UnreadableSchema, typed_columns

        first, text, types = self.first_row, self.text, self.types
        present = [name for name in types if name in text.columns]
        checked = [name for name in present if types[name].checked]
        try:
            # Read as frictionless reads the cells: the engine's own cell reader.
            values, invalid = typed_columns(text, self.schema, checked)
        except UnreadableSchema as exc:
            raise TableUnavailable(str(exc), "schema-error") from exc
        return pl.concat(
            [
                text.select(
                    pl.int_range(first, pl.len() + first).alias(ROW),
                    *(n for n in present if n not in checked),
                ),
                values,
                invalid.select(pl.all().name.map(invalid_column)),
            ],
            how="horizontal",
        ).select(ROW, *present, *(invalid_column(n) for n in checked))

    def narrowed(self, text: Collection[str], typed: Collection[str]) -> LoadedTable:
        """The table with only the `text` columns of its text and the `typed` columns of its
        typed values (those it has; its text keeps its first column when it has none of them,
        to keep its rows); the rest of its memory let go. Typed values not parsed yet are
        parsed later from the text, which then keeps the `typed` columns too."""
        parsed = "typed" in self.__dict__
        kept = _kept(self.text.columns, text if parsed else {*text, *typed})
        table = LoadedTable(self.schema, self.text.select(kept), self.types, self.first_row)
        if parsed:
            values = self.__dict__["typed"]
            read = [c for c in self.types if c in typed and c in values.columns]
            marks = [invalid_column(c) for c in read if invalid_column(c) in values.columns]
            table.__dict__["typed"] = _repeats_coded(values.select(ROW, *read, *marks), kept)
        return table


def _repeats_coded(values: pl.DataFrame, text: Collection[str]) -> pl.DataFrame:
    """`values` with each string column that repeats a few texts (an indicator, a status, a
    source) held as a categorical, unless the text keeps it (the two share its memory): at a
    million rows a string costs 16 bytes or more a cell, a code 4, and such columns are most
    of what the tables hold while Great Expectations runs. `as_text` gives them back."""
    repeated = [
        name
        for name, dtype in values.schema.items()
        if dtype == pl.String
        and name not in text
        and values[name].approx_n_unique() * _REPEATS <= values.height
    ]
    # A dictionary of each column's own, let go with it.
    return values.with_columns(
        pl.col(name).cast(pl.Categorical(pl.Categories.random())) for name in repeated
    )


# A column is coded when each of its texts is used this many times on average, or more.
_REPEATS = 4


def as_text(values: pl.DataFrame) -> pl.LazyFrame:
    """`values` with its coded columns (`LoadedTable.narrowed`) as strings again, lazily: only
    the columns then selected are decoded."""
    return values.lazy().with_columns(pl.col(pl.Categorical).cast(pl.String))


def _kept(present: list[str], columns: Collection[str]) -> list[str]:
    return [c for c in present if c in columns] or present[:1]


def invalid_column(name: str) -> str:
    """The column that is True where the cell of field `name` is filled but not of its type."""
    return _INVALID + name


def loaded_table(
    resource: Mapping[str, Any], base: Path, text: pl.DataFrame, typed: pl.DataFrame
) -> LoadedTable:
    """The resource as the frictionless layer's engine read it (engine.Evaluated.handed_over):
    its `typed` values are frictionless's, its invalid marks kept for the fields whose type
    is checked here. Raises TableUnavailable."""
    schema, _, types = _declared(resource, base)
    marks = [invalid_column(c) for c in text.columns if c in types and types[c].checked]
    table = LoadedTable(schema, text, types, 2)
    table.__dict__["typed"] = typed.select(ROW, *text.columns, *marks)
    return table


def text_table(schema: Mapping[str, Any], text: pl.DataFrame) -> LoadedTable:
    """A table of Table Schema `schema` whose cells are `text` (strings, missing values null,
    a header row above them). Raises TableUnavailable."""
    return LoadedTable(schema, text, _types(schema), 2)


def _types(schema: Mapping[str, Any]) -> dict[str, CellType]:
    """The cell type of each field of a Table Schema. Raises TableUnavailable."""
    try:
        return {field["name"]: cell_type(field) for field in table_fields(schema)}
    except SchemaCompileError as exc:
        raise TableUnavailable(str(exc), "schema-error") from exc


def _declared(
    resource: Mapping[str, Any], base: Path
) -> tuple[dict[str, Any], dict[str, Any], dict[str, CellType]]:
    """The resource's Table Schema, dialect and cell types. Raises TableUnavailable."""
    try:
        schema = descriptor_part(resource["schema"], base, "schema")
        dialect = descriptor_part(resource.get("dialect", {}), base, "dialect")
    except UnreadablePart as exc:
        raise TableUnavailable(str(exc), "schema-error") from exc
    return schema, dialect, _types(schema)


def read_table(
    resource: Mapping[str, Any], base: Path, columns: Collection[str] | None = None
) -> LoadedTable:
    """The resource's rows as text and typed, with only `columns` (those it has) when given.
    Raises TableUnavailable."""
    schema, dialect, types = _declared(resource, base)
    try:
        # A multipart resource's files are read as one table, as frictionless reads them.
        raw = resource_parts.read_text(resource, base, dialect, list(types), read_text_columns)
        if columns is not None:
            # Every column is parsed (a row with a cell too many is no CSV table, whatever
            # the columns read), then the rest let go at once.
            raw = raw.select(_kept(raw.columns, columns))
        text = raw.with_columns(missing_to_null(schema, raw.columns))
    except (SchemaCompileError, UnreadablePart) as exc:
        raise TableUnavailable(str(exc), "schema-error") from exc
    except UnreadableCsv as exc:
        raise TableUnavailable(str(exc), CSV_UNREADABLE) from exc
    first = 2 if dialect.get("header", True) is not False else 1
    return LoadedTable(schema, text, types, first)


def readable(frame: pl.DataFrame, columns: Iterable[str]) -> pl.Expr:
    """True on the rows where every one of `columns` holds a cell of its type (or none)."""
    marks = [pl.col(invalid_column(c)) for c in columns if invalid_column(c) in frame.columns]
    return ~pl.any_horizontal(marks) if marks else pl.lit(True)


def first_per_key(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """One row per key, the first: a repeated key is the primary key finding of the other
    layers, never a reason for a join to multiply rows."""
    first = frame.select(pl.col(key).is_not_null() & pl.col(key).is_first_distinct()).to_series()
    # Keys are usually unique: the frame itself then, not a copy of a million rows.
    return frame if first.all() else frame.filter(first)


def sharing_keys(
    frame: pl.DataFrame, keys: list[str], among: pl.Expr | None = None
) -> pl.DataFrame:
    """The rows of `frame` (of those `among` selects, when given) whose `keys` another of them
    has too, empty equal to empty. Found by a hash of each row's keys, a number a row, then
    told apart exactly among the few rows left: at a million rows the keys compared whole (a
    struct of texts) cost about 230 MB, their hash about 90."""
    hashed = keys_hash(keys) if among is None else pl.when(among).then(keys_hash(keys))
    candidates = hashed.is_duplicated() if among is None else among & hashed.is_duplicated()
    return frame.filter(candidates).filter(pl.len().over(keys) > 1)


def keys_hash(keys: list[str]) -> pl.Expr:
    """A number per row, equal for rows of equal `keys`, seldom for others. Each column is
    hashed with a seed of its own: a text in one column and the same in another do not
    cancel out."""
    return functools.reduce(operator.xor, (pl.col(k).hash(seed) for seed, k in enumerate(keys)))


def beside(
    frame: pl.DataFrame,
    other: pl.DataFrame,
    on: str | list[str],
    how: Literal["left", "inner"] = "left",
    nulls_equal: bool = False,
) -> pl.DataFrame:
    """The join of `frame` and `other` (one row at most per key) on `on`, in `frame`'s order,
    made of `frame`'s own columns beside those of `other` found for its rows: a join copies
    every column of both sides, and at a million rows `frame` is the larger (when every row
    has a match, it is not copied at all)."""
    keys = [on] if isinstance(on, str) else on
    marked = other.with_columns(pl.lit(True).alias(_FOUND))
    found = None
    if any(frame.schema[k] == pl.String for k in keys):
        found = _found_by_hash(frame, marked, keys, nulls_equal)
    if found is None:
        found = (
            frame.select(keys)
            .join(marked, on=keys, how="left", nulls_equal=nulls_equal, maintain_order="left")
            .drop(keys)
        )
    joined = frame.hstack(found.get_columns())
    matched = joined.get_column(_FOUND).is_not_null()
    if how == "inner" and not matched.all():
        joined = joined.filter(matched)
    return joined.drop(_FOUND)


def _found_by_hash(
    frame: pl.DataFrame, other: pl.DataFrame, keys: list[str], nulls_equal: bool
) -> pl.DataFrame | None:
    """The rows of `other` whose `keys` (text among them) are those of each row of `frame`
    (none), found by the keys' hashes: at a million keys of each side, a join on the texts
    costs about 160 MB, on their hashes about 90. None when two rows of `other` hash alike,
    or a row of `frame` meets keys that are not its own: the keys are then joined."""
    hashed = keys_hash(keys)
    if not nulls_equal:  # a key with an empty part matches nothing
        other = other.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in keys))
    right = other.with_row_index(_INDEX).with_columns(hashed.alias(_HASH))
    if right.get_column(_HASH).n_unique() < right.height:
        return None
    found = frame.select(hashed.alias(_HASH)).join(
        right.drop(keys), on=_HASH, how="left", maintain_order="left"
    )
    # Told apart exactly, a key at a time, on the rows' own keys.
    index = found.get_column(_INDEX)
    for key in keys:
        own, met = frame.get_column(key), other.get_column(key).gather(index)
        same = own.eq_missing(met) if nulls_equal else (own == met).fill_null(False)
        if not (index.is_null() | same).all():
            return None
    return found.drop(_HASH, _INDEX)


_FOUND, _HASH, _INDEX = "__found", "__hash", "__index"
