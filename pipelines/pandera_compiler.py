"""Table Schema -> pandera: the row rules a Table Schema cannot say, as one pandera.polars
DataFrameSchema per resource.

What a Table Schema says (types, constraints, keys, header) is checked once, by the
frictionless layer; this schema holds only the cross-column rules whose columns the Table
Schema has (any package's, not only ours). It validates a table's text (every column a string,
missing values null) beside its typed values (`frame_of`), read as frictionless reads the
cells. Each rule reads the typed values and skips a row where one of its cells is not of its
type (that cell is the frictionless layer's finding), so a bad cell is never reported twice,
and never an exception.

Checks are named after the rule. Each carries a description (what a failing row breaks) and,
in its statistics, the columns a finding should quote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from kzdata.pipelines.cell_types import (
    CellType,
    SchemaCompileError,
    cell_type,
    missing_to_null,
    table_fields,
)
from kzdata.pipelines.row_rules import CrossColumnRule, rules_for
from kzdata.pipelines.typed_table import LoadedTable, invalid_column

__all__ = ["SchemaCompileError", "compile_schema", "frame_of", "missing_to_null"]


def compile_schema(table_schema: Mapping[str, Any]) -> pa.DataFrameSchema:
    """The pandera schema of a Table Schema's row rules. Raises SchemaCompileError when the
    Table Schema is malformed (a field without a name, an unknown type)."""
    fields = table_fields(table_schema)
    types = {field["name"]: cell_type(field) for field in fields}
    checks: dict[str, list[pa.Check]] = {name: [] for name in types}
    for rule in rules_for({name: kind.name for name, kind in types.items()}):
        checks[rule.field].append(_rule_check(rule, types))
    # Header and columns are the frictionless layer's: a missing column only leaves the rules
    # that read it unchecked.
    columns = {
        name: pa.Column(pl.String, checks=checks[name], nullable=True, required=False)
        for name in types
        if checks[name]
    }
    return pa.DataFrameSchema(columns, strict=False, ordered=False)


def _check(
    name: str, description: str, passes: pl.Expr, columns: Sequence[str], context: Sequence[str]
) -> pa.Check:
    """A row-wise check: `passes` is True where the row keeps it (a null counts as failing)."""
    needed = set(columns)

    def run(data: PolarsData) -> pl.LazyFrame | bool:
        if not needed.issubset(data.lazyframe.collect_schema().names()):
            return True  # a missing column is reported once, by the frictionless layer
        return data.lazyframe.select(passes)

    return pa.Check(
        run,
        name=name,
        description=description,
        ignore_na=False,
        statistics={"context": list(context)},
    )


def typed_column(name: str) -> str:
    """The column of the frame validated (`frame_of`) that holds field `name`'s typed values."""
    return _TYPED + name


_TYPED = "__typed__"


def frame_of(table: LoadedTable, columns: Sequence[str]) -> pl.DataFrame:
    """The frame a compiled schema validates: the table's text (findings quote it) beside the
    typed values and invalid marks of `columns`, read as frictionless reads them
    (LoadedTable.typed). Raises TableUnavailable."""
    typed = table.typed
    read = [c for c in columns if c in typed.columns]
    marks = [invalid_column(c) for c in read if invalid_column(c) in typed.columns]
    return pl.concat(
        [table.text, typed.select(*(pl.col(c).alias(typed_column(c)) for c in read), *marks)],
        how="horizontal",
    )


def _invalid(types: Mapping[str, CellType], name: str) -> pl.Expr:
    """True where a cell is filled but not of its type (the type check reports it)."""
    if not types[name].checked:
        return pl.lit(False)
    return pl.col(invalid_column(name))


def _rule_check(rule: CrossColumnRule, types: Mapping[str, CellType]) -> pa.Check:
    skipped = pl.any_horizontal([_invalid(types, name) for name in rule.columns])
    return _check(
        rule.name,
        rule.description,
        skipped | rule.passes(lambda name: pl.col(typed_column(name))),
        rule.columns,
        rule.columns,
    )
