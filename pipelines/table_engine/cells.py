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


def typed_natively(fl_field: Any) -> bool:
    """Whether a field's values are held in a polars type of their own (else as text)."""
    return fl_field.type in _DTYPES


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
    # The typed value from the frame's raw and missing columns, when `value` is not kept.
    unkept_value: pl.Expr | None = None

    def value_expr(self) -> pl.Expr:
        """The field's typed values (null where missing or failing its type)."""
        return pl.col(self.value) if self.unkept_value is None else self.unkept_value

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


def evaluate(
    frame: pl.DataFrame, fields: list[Any], keys: set[str] | None = None
) -> tuple[pl.DataFrame, list[FieldColumns]]:
    """The raw frame with every field's result columns added; the `value` column only for
    fields named in `keys` (all when None): the others' stay expressions (`value_expr`), so
    that a table of text is not held twice.

    Three passes over the whole table, whatever its width: every field's missing cells, fast
    domain and typed values; the distinct cells outside the fast domains; every field's
    results. Only those distinct cells are read one by one, by frictionless."""
    plans = [_Plan(FieldColumns(n, f.name, f)) for n, f in enumerate(fields, start=1)]
    frame = frame.with_columns(expr for plan in plans for expr in plan.first_pass())
    outside = [plan for plan in plans if plan.may_be_slow]
    if outside:
        distinct = frame.select(
            pl.col(plan.columns.raw)
            .filter(~pl.col(plan.fast) & ~pl.col(plan.columns.missing))
            .unique()
            .implode()
            .alias(plan.columns.raw)
            for plan in outside
        ).row(0)
        for plan, values in zip(outside, distinct, strict=True):
            plan.read_slowly(values)
    for plan in plans:
        if keys is not None and plan.columns.name not in keys:
            plan.columns.unkept_value = plan.value_from_raw()
    frame = frame.with_columns(expr for plan in plans for expr in plan.second_pass())
    scratch = [c for plan in plans for c in (plan.fast, plan.typed)]
    return frame.drop(scratch), [plan.columns for plan in plans]


class _Plan:
    """One field's expressions, and what frictionless's cell reader said of the cells outside
    its fast domain."""

    def __init__(self, columns: FieldColumns) -> None:
        self.columns = columns
        fl_field = columns.frictionless_field
        self.dtype = _DTYPES.get(fl_field.type, pl.String)
        value_reader = fl_field.create_value_reader()
        self.declared = fl_field.constraints or {}
        self.checked = [
            c for c in fl_field.supported_constraints if self.declared.get(c) is not None
        ]
        self.bounds = {c: value_reader(self.declared[c]) for c in self.checked if c in _BOUNDS}
        self.fast = f"__fast{columns.number}"
        self.typed = f"__typed{columns.number}"
        raw = pl.col(columns.raw)
        self.missing = raw.is_null() | raw.is_in(_missing_values(fl_field))
        self.fast_expr, self.typed_expr = _fast_domain(fl_field, raw, self.bounds)
        # A string field of the default format reads every cell: nothing is read slowly.
        self.may_be_slow = not (fl_field.type == "string" and fl_field.format == "default")
        self.slow: dict[str, tuple[bool, Any, set[str]]] = {}

    def first_pass(self) -> list[pl.Expr]:
        fast = self.fast_expr.fill_null(False) & ~self.missing
        return [
            self.missing.alias(self.columns.missing),
            fast.alias(self.fast),
            self.typed_expr.alias(self.typed),
        ]

    def read_slowly(self, values: list[str]) -> None:
        """frictionless's reading of each distinct cell outside the fast domain (its pattern
        left to polars: `re` may backtrack without bound)."""
        if not values:
            return
        reader_field = self.columns.frictionless_field.to_copy()
        reader_field.constraints = {
            k: v for k, v in (reader_field.constraints or {}).items() if k != "pattern"
        }
        reader = reader_field.create_cell_reader()
        for cell in values:
            value, notes = reader(cell)
            notes = notes or {}
            self.slow[cell] = ("type" in notes, _as_polars(value, self.dtype), set(notes))

    def _slow(self, pick: Callable[[tuple[bool, Any, set[str]]], Any], dtype: Any) -> pl.Expr:
        """A column of `pick` of the slow reading of each cell (null where not read slowly)."""
        if not self.slow:
            return pl.lit(None, dtype)
        keys = list(self.slow)
        values = pl.Series([pick(self.slow[k]) for k in keys], dtype=dtype)
        return pl.col(self.columns.raw).replace_strict(keys, values, default=None)

    def value_from_raw(self) -> pl.Expr:
        """The typed values computed again from the raw and missing columns alone."""
        columns = self.columns
        fast = self.fast_expr.fill_null(False) & ~pl.col(columns.missing)
        return (
            pl.when(fast)
            .then(self.typed_expr.cast(self.dtype))
            .otherwise(self._slow(lambda r: r[1], self.dtype))
        )

    def second_pass(self) -> list[pl.Expr]:
        columns = self.columns
        in_fast, missing = pl.col(self.fast), pl.col(columns.missing)
        type_fails = ~in_fast & ~missing & self._slow(lambda r: r[0], pl.Boolean).fill_null(False)
        value = (
            pl.when(in_fast)
            .then(pl.col(self.typed).cast(self.dtype))
            .otherwise(self._slow(lambda r: r[1], self.dtype))
        )
        exprs = [type_fails.alias(columns.type)]
        if columns.unkept_value is None:
            exprs.append(value.alias(columns.value))
        for name in self.checked:
            failing = _constraint_fails(
                name, self.declared[name], self.bounds, columns, pl.col(self.typed)
            )
            if failing is None:  # a pattern polars cannot run as frictionless does
                columns.unchecked_pattern = str(self.declared[name])
                continue
            columns.constraints.append(name)
            if name == "required":
                fails = missing
            elif name == "pattern":
                fails = failing & ~type_fails & ~missing
            else:
                slow_fails = self._slow(lambda r, n=name: n in r[2], pl.Boolean).fill_null(False)
                fails = (in_fast & failing.fill_null(False)) | (~in_fast & slow_fails)
            exprs.append(fails.alias(columns.constraint(name)))
        return exprs


def _missing_values(fl_field: Any) -> list[str]:
    if not fl_field.has_defined("missing_values") and fl_field.schema:
        return list(fl_field.schema.missing_values)
    return list(fl_field.missing_values)


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
