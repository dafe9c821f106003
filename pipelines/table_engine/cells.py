"""Cells read through their fields as frictionless reads them: the typed value, whether the
cell is missing, whether it fails its type, and which constraints it breaks.

Each field has a fast domain: the lexical forms polars reads exactly as frictionless does
(digits for an integer, YYYY-MM-DD for a date ...). Cells outside it (" 1", "1_000", "2025-1-5",
a number equal to a limit when both are read as floats) are few distinct values in practice;
they are read by frictionless's own cell reader, once per distinct value. So the result is
frictionless's by construction, and the cost stays with the columns, not a Python loop per row.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kzdata.pipelines.table_engine.patterns import pattern_matches

_BOUNDS: dict[str, Callable[[Any, Any], Any]] = {
    "minimum": operator.ge,
    "maximum": operator.le,
    "exclusiveMinimum": operator.gt,
    "exclusiveMaximum": operator.lt,
}
_INTEGER = r"^[+-]?[0-9]{1,18}$"
_NUMBER = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DTYPES = {
    "string": pl.String,
    "integer": pl.Int64,
    "number": pl.Float64,
    "boolean": pl.Boolean,
    "date": pl.Date,
}


@dataclass
class FieldColumns:
    """Where field `number` (1-based) keeps its results in the evaluated frame: `value`,
    `missing` and `type` columns, and one column per constraint it checks, in frictionless's
    order. `unchecked_pattern` is set when its pattern could not be run."""

    number: int
    name: str
    frictionless_field: Any
    constraints: list[str] = field(default_factory=list)
    unchecked_pattern: str | None = None

    @property
    def raw(self) -> str:
        return str(self.number - 1)

    @property
    def value(self) -> str:
        return f"v{self.number}"

    @property
    def missing(self) -> str:
        return f"m{self.number}"

    @property
    def type(self) -> str:
        return f"t{self.number}"

    def constraint(self, name: str) -> str:
        return f"c{self.number}:{name}"


def evaluate(frame: pl.DataFrame, fields: list[Any]) -> tuple[pl.DataFrame, list[FieldColumns]]:
    """The raw frame with every field's result columns added."""
    results = []
    for number, fl_field in enumerate(fields, start=1):
        columns = FieldColumns(number, fl_field.name, fl_field)
        frame = _evaluate_field(frame, columns)
        results.append(columns)
    return frame, results


def _missing_values(fl_field: Any) -> list[str]:
    if not fl_field.has_defined("missing_values") and fl_field.schema:
        return list(fl_field.schema.missing_values)
    return list(fl_field.missing_values)


def _evaluate_field(frame: pl.DataFrame, columns: FieldColumns) -> pl.DataFrame:
    fl_field = columns.frictionless_field
    raw = pl.col(columns.raw)
    missing = raw.is_null() | raw.is_in(_missing_values(fl_field))
    dtype = _DTYPES.get(fl_field.type, pl.String)
    value_reader = fl_field.create_value_reader()
    declared = fl_field.constraints or {}
    checked = [c for c in fl_field.supported_constraints if declared.get(c) is not None]
    bounds = {c: value_reader(declared[c]) for c in checked if c in _BOUNDS}
    fast, typed = _fast_domain(fl_field, raw, bounds)
    fast = fast.fill_null(False) & ~missing
    frame = frame.with_columns(
        missing.alias(columns.missing), fast.alias("__fast"), typed.alias("__typed")
    )
    slow = _slow_lookup(frame, columns, dtype, checked)
    if slow is not None:
        frame = frame.join(slow, left_on=columns.raw, right_on="__raw", how="left")
        frame = frame.with_columns(pl.col("__slow_type").fill_null(False))
    else:
        frame = frame.with_columns(
            pl.lit(False).alias("__slow_type"), pl.lit(None, dtype).alias("__slow_value")
        )
    in_fast = pl.col("__fast")
    type_fails = ~in_fast & ~pl.col(columns.missing) & pl.col("__slow_type")
    value = pl.when(in_fast).then(pl.col("__typed").cast(dtype)).otherwise(pl.col("__slow_value"))
    exprs = [type_fails.alias(columns.type), value.alias(columns.value)]
    for name in checked:
        failing = _constraint_fails(name, declared[name], bounds, columns, pl.col("__typed"))
        if failing is None:  # a pattern polars cannot run as frictionless does
            columns.unchecked_pattern = str(declared[name])
            continue
        columns.constraints.append(name)
        slow_fails = (
            pl.col(f"__slow:{name}").fill_null(False) if slow is not None else pl.lit(False)
        )
        if name == "required":
            fails = pl.col(columns.missing)
        elif name == "pattern":
            fails = failing & ~type_fails & ~pl.col(columns.missing)
        else:
            fails = (in_fast & failing.fill_null(False)) | (~in_fast & slow_fails)
        exprs.append(fails.alias(columns.constraint(name)))
    scratch = [c for c in frame.columns if c.startswith("__") and c != "__row"]
    return frame.with_columns(exprs).drop(scratch)


def _fast_domain(fl_field: Any, raw: pl.Expr, bounds: dict[str, Any]) -> tuple[pl.Expr, pl.Expr]:
    """(cells polars reads exactly as frictionless, their typed values)."""
    kind = fl_field.type
    if kind == "string" and fl_field.format == "default":
        return pl.lit(True), raw
    if kind == "boolean":
        true, false = list(fl_field.true_values), list(fl_field.false_values)
        typed = pl.when(raw.is_in(true)).then(True).when(raw.is_in(false)).then(False)
        return raw.is_in(true + false), typed
    if kind == "integer" and fl_field.bare_number:
        return raw.str.contains(_INTEGER), raw.str.to_integer(strict=False)
    if kind == "number" and not _number_options(fl_field):
        typed = raw.cast(pl.Float64, strict=False)
        fast = raw.str.contains(_NUMBER) & typed.is_finite()
        for limit in bounds.values():
            # Two decimals may read as the same float: compared exactly, one at a time.
            fast = fast & (typed != float(limit))
        return fast, typed
    if kind == "date" and fl_field.format == "default":
        typed = raw.str.to_date("%Y-%m-%d", strict=False)
        # strptime refuses year 0, which polars reads.
        return raw.str.contains(_DATE) & ~raw.str.starts_with("0000") & typed.is_not_null(), typed
    return pl.lit(False), pl.lit(None, pl.String)


def _number_options(fl_field: Any) -> bool:
    return bool(
        set(fl_field.list_defined()) & {"group_char", "decimal_char", "bare_number"}
        or fl_field.float_number
    )


def _constraint_fails(
    name: str, declared: Any, bounds: dict[str, Any], columns: FieldColumns, typed: pl.Expr
) -> pl.Expr | None:
    """Where a fast-domain cell breaks constraint `name` (None: a pattern not run)."""
    raw = pl.col(columns.raw)
    if name == "required":
        return pl.lit(bool(declared))
    if name == "minLength":
        return raw.str.len_chars() < declared
    if name == "maxLength":
        return raw.str.len_chars() > declared
    if name == "pattern":
        matches = pattern_matches(raw, str(declared))
        return None if matches is None else ~matches
    if name == "enum":
        reader = columns.frictionless_field.create_value_reader()
        allowed = [v for v in (reader(item) for item in declared) if v is not None]
        dtype = _DTYPES.get(columns.frictionless_field.type, pl.String)
        if columns.frictionless_field.type == "number":
            allowed = [float(v) for v in allowed]
        return ~typed.cast(dtype).is_in(pl.Series(allowed, dtype=dtype).implode())
    compare = _BOUNDS[name]
    limit = bounds[name]
    if columns.frictionless_field.type == "number":
        limit = float(limit)
    return ~compare(typed, pl.lit(limit))


def _slow_lookup(
    frame: pl.DataFrame, columns: FieldColumns, dtype: Any, checked: list[str]
) -> pl.DataFrame | None:
    """The distinct cells outside the fast domain, read by frictionless's cell reader (its
    pattern left to polars: `re` may backtrack without bound)."""
    values = (
        frame.filter(~pl.col("__fast") & ~pl.col(columns.missing))
        .get_column(columns.raw)
        .unique()
        .to_list()
    )
    if not values:
        return None
    reader_field = columns.frictionless_field.to_copy()
    reader_field.constraints = {
        k: v for k, v in (reader_field.constraints or {}).items() if k != "pattern"
    }
    reader = reader_field.create_cell_reader()
    rows: dict[str, list[Any]] = {"__raw": [], "__slow_type": [], "__slow_value": []}
    rows.update({f"__slow:{name}": [] for name in checked})
    for cell in values:
        value, notes = reader(cell)
        notes = notes or {}
        rows["__raw"].append(cell)
        rows["__slow_type"].append("type" in notes)
        rows["__slow_value"].append(_as_polars(value, dtype))
        for name in checked:
            rows[f"__slow:{name}"].append(name in notes)
    schema = {"__raw": pl.String, "__slow_type": pl.Boolean, "__slow_value": dtype}
    schema.update({f"__slow:{name}": pl.Boolean for name in checked})
    return pl.DataFrame(rows, schema=schema)


def _as_polars(value: Any, dtype: Any) -> Any:
    """A typed Python value in the column's dtype (None where it cannot be held)."""
    if value is None:
        return None
    if dtype == pl.Int64:
        return value if -(2**63) <= value < 2**63 else None
    if dtype == pl.Float64:
        return float(value)
    if dtype in (pl.Boolean, pl.Date):
        return value
    return str(value)
