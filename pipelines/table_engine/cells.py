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
from functools import cached_property
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


# A table at most this many rows long has its fields of one kind evaluated as one column (see
# `_stacked`): below it, polars's cost per expression outweighs its cost per cell.
STACK_MAX_ROWS = 100_000


def evaluate(
    frame: pl.DataFrame, fields: list[Any], keys: set[str] | None = None
) -> tuple[pl.DataFrame, list[FieldColumns]]:
    """The raw frame with every field's result columns added; the `value` column only for
    fields named in `keys` (all when None): the others' stay expressions (`value_expr`), so
    that a table of text is not held twice.

    Three passes over the whole table, whatever its width: every field's missing cells, fast
    domain and typed values; the distinct cells outside the fast domains; every field's
    results. Only those distinct cells are read one by one, by frictionless. In a short table
    the fields read alike are evaluated stacked, as one column."""
    columns = [FieldColumns(n, f.name, f) for n, f in enumerate(fields, start=1)]
    plans = [_Plan(c) for c in columns]
    single: list[_Plan] = []
    for group in _alike(plans, frame.height):
        if len(group) == 1:
            single.extend(group)
        else:
            frame = frame.hstack(_stacked(frame, group))
    if single:
        frame = _evaluated(frame, single, keys)
    return frame, columns


def _evaluated(frame: pl.DataFrame, plans: list[_Plan], keys: set[str] | None) -> pl.DataFrame:
    """The frame with the results of fields `plans` added, one field's columns at a time."""
    frame = frame.with_columns(expr for plan in plans for expr in plan.first_pass())
    _read_outside(frame, plans)
    for plan in plans:
        if keys is not None and plan.columns.name not in keys:
            plan.columns.unkept_value = plan.value_from_raw()
    frame = frame.with_columns(expr for plan in plans for expr in plan.second_pass())
    return frame.drop(c for plan in plans for c in (plan.fast, plan.typed))


def _read_outside(frame: pl.DataFrame, plans: list[_Plan]) -> None:
    """Each plan's distinct cells outside its fast domain, read by frictionless."""
    outside = [plan for plan in plans if plan.may_be_slow]
    if not outside:
        return
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


def _alike(plans: list[_Plan], height: int) -> list[list[_Plan]]:
    """The fields in groups read by the same expressions (each alone in a long table)."""
    if not 0 < height <= STACK_MAX_ROWS:
        return [[plan] for plan in plans]
    groups: dict[tuple[Any, ...], list[_Plan]] = {}
    for plan in plans:
        groups.setdefault(plan.signature(), []).append(plan)
    return list(groups.values())


SEGMENT = "__segment"


def _stacked(frame: pl.DataFrame, group: list[_Plan]) -> list[pl.Series]:
    """The result columns of fields read alike, computed on their cells stacked into one
    column (one expression per result, not one per field) and cut back into one column per
    field. Each field's limits are a column beside its cells; each reads the cells outside
    its fast domain with its own frictionless field. Values are kept: the table is short."""
    height = frame.height
    stack = _Plan(FieldColumns(0, "", group[0].columns.frictionless_field), limits=True)
    raw = stack.columns.raw
    cells = pl.concat([frame.get_column(p.columns.raw).cast(pl.String) for p in group])
    segments = pl.int_range(len(group), dtype=pl.Int32).repeat_by(height).explode()
    limits = {
        stack.limit_column(name): pl.Series([p.limit_values(name) for p in group])
        .to_frame()
        .select(pl.first().repeat_by(height).explode())
        .to_series()
        for name in stack.bounds
    }
    long = pl.DataFrame({raw: cells, **limits}).with_columns(segments.alias(SEGMENT))
    long = long.with_columns(stack.first_pass())
    if stack.may_be_slow:
        outside = (
            long.filter(~pl.col(stack.fast) & ~pl.col(stack.columns.missing))
            .select(SEGMENT, raw)
            .unique()
            .group_by(SEGMENT)
            .agg(raw)
        )
        for segment, values in outside.iter_rows():
            group[segment].read_slowly(values)
        long = stack.join_slow(long, group)
    long = long.with_columns(stack.second_pass())
    named = {
        stack.columns.missing: lambda c: c.missing,
        stack.columns.type: lambda c: c.type,
        stack.columns.value: lambda c: c.value,
    }
    for name in stack.columns.constraints:
        named[stack.columns.constraint(name)] = lambda c, n=name: c.constraint(n)
    results = []
    for column, rename in named.items():
        series = long.get_column(column)
        for segment, plan in enumerate(group):
            part = series.slice(segment * height, height)
            results.append(part.alias(rename(plan.columns)))
    for plan in group:
        plan.columns.constraints = list(stack.columns.constraints)
        plan.columns.unchecked_pattern = stack.columns.unchecked_pattern
    return results


class _Plan:
    """One field's expressions, and what frictionless's cell reader said of the cells outside
    its fast domain. With `limits`, the plan of a stack of fields read alike (see `_stacked`):
    its limits are read from columns, and its slow readings from the columns `join_slow` adds."""

    def __init__(self, columns: FieldColumns, limits: bool = False) -> None:
        self.columns = columns
        fl_field = columns.frictionless_field
        self.dtype = _DTYPES.get(fl_field.type, pl.String)
        value_reader = fl_field.create_value_reader()
        self.declared = fl_field.constraints or {}
        self.checked = [
            c for c in fl_field.supported_constraints if self.declared.get(c) is not None
        ]
        self.bounds: dict[str, Any] = {
            c: pl.col(self.limit_column(c)) if limits else value_reader(self.declared[c])
            for c in self.checked
            if c in _BOUNDS
        }
        self.fast = f"__fast{columns.number}"
        self.typed = f"__typed{columns.number}"
        # A string field of the default format reads every cell: nothing is read slowly.
        self.may_be_slow = not (fl_field.type == "string" and fl_field.format == "default")
        self.slow: dict[str, tuple[bool, Any, set[str]]] = {}
        self.slow_columns: dict[str, str] | None = None

    # Built when first read: a field evaluated in a stack never builds its own.
    @cached_property
    def missing(self) -> pl.Expr:
        raw = pl.col(self.columns.raw)
        return raw.is_null() | raw.is_in(_missing_values(self.columns.frictionless_field))

    @cached_property
    def _domain(self) -> tuple[pl.Expr, pl.Expr]:
        raw = pl.col(self.columns.raw)
        return _fast_domain(self.columns.frictionless_field, raw, self.bounds)

    @property
    def fast_expr(self) -> pl.Expr:
        return self._domain[0]

    @property
    def typed_expr(self) -> pl.Expr:
        return self._domain[1]

    def limit_column(self, name: str) -> str:
        return f"__limit:{name}"

    def signature(self) -> tuple[Any, ...]:
        """What the field's expressions are built from, but its limits' values: fields of one
        signature are read alike. A field of a type held as text, or with a limit no column
        holds, is alike no other."""
        fl = self.columns.frictionless_field
        big = any(isinstance(v, int) and not -(2**63) <= v < 2**63 for v in self.bounds.values())
        if not typed_natively(fl) or big:
            return (id(self),)
        options = sorted(set(fl.list_defined()) & {"group_char", "decimal_char", "bare_number"})
        return (
            fl.type,
            fl.format,
            tuple(_missing_values(fl)),
            fl.bare_number if fl.type in ("integer", "number") else None,
            tuple((o, getattr(fl, o)) for o in options),
            getattr(fl, "float_number", None),
            tuple(getattr(fl, "true_values", ())),
            tuple(getattr(fl, "false_values", ())),
            tuple((c, None if c in _BOUNDS else repr(self.declared[c])) for c in self.checked),
        )

    def limit_values(self, name: str) -> Any:
        """Limit `name` as its column holds it."""
        limit = self.bounds[name]
        return float(limit) if self.columns.frictionless_field.type == "number" else limit

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

    def _slow_keys(self) -> dict[str, Any]:
        """What is read of a cell read slowly: whether it fails its type, its value, and
        whether it breaks each constraint compared on values; by name, with its dtype."""
        keys: dict[str, Any] = {"type": pl.Boolean, "value": self.dtype}
        keys.update((c, pl.Boolean) for c in self.checked if c not in ("required", "pattern"))
        return keys

    def _slow(self, key: str) -> pl.Expr:
        """A column of `key` (see `_slow_keys`) of the slow reading of each cell (null where
        not read slowly)."""
        dtype = self._slow_keys()[key]
        if self.slow_columns is not None:
            return pl.col(self.slow_columns[key])
        if not self.slow:
            return pl.lit(None, dtype)
        cells = list(self.slow)
        values = pl.Series([_picked(self.slow[c], key) for c in cells], dtype=dtype)
        return pl.col(self.columns.raw).replace_strict(cells, values, default=None)

    def join_slow(self, long: pl.DataFrame, group: list[_Plan]) -> pl.DataFrame:
        """The stacked cells with the slow readings of each of `group`'s fields beside them
        (null where a cell was not read slowly), in the same order."""
        keys = self._slow_keys()
        self.slow_columns = {key: f"__slow:{key}" for key in keys}
        rows = [
            (segment, cell, *(_picked(reading, key) for key in keys))
            for segment, plan in enumerate(group)
            for cell, reading in plan.slow.items()
        ]
        schema = {SEGMENT: pl.Int32, self.columns.raw: pl.String}
        schema.update((self.slow_columns[key], dtype) for key, dtype in keys.items())
        readings = pl.DataFrame(rows, schema=schema, orient="row")
        if not rows:
            return long.with_columns(pl.lit(None, schema[c]).alias(c) for c in readings.columns[2:])
        return long.join(
            readings, on=[SEGMENT, self.columns.raw], how="left", maintain_order="left"
        )

    def value_from_raw(self) -> pl.Expr:
        """The typed values computed again from the raw and missing columns alone."""
        columns = self.columns
        fast = self.fast_expr.fill_null(False) & ~pl.col(columns.missing)
        return pl.when(fast).then(self.typed_expr.cast(self.dtype)).otherwise(self._slow("value"))

    def second_pass(self) -> list[pl.Expr]:
        columns = self.columns
        in_fast, missing = pl.col(self.fast), pl.col(columns.missing)
        type_fails = ~in_fast & ~missing & self._slow("type").fill_null(False)
        value = (
            pl.when(in_fast)
            .then(pl.col(self.typed).cast(self.dtype))
            .otherwise(self._slow("value"))
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
                slow_fails = self._slow(name).fill_null(False)
                fails = (in_fast & failing.fill_null(False)) | (~in_fast & slow_fails)
            exprs.append(fails.alias(columns.constraint(name)))
        return exprs


def _picked(reading: tuple[bool, Any, set[str]], key: str) -> Any:
    """`key` (see `_Plan._slow_keys`) of a cell's slow reading."""
    fails_type, value, notes = reading
    if key == "type":
        return fails_type
    if key == "value":
        return value
    return key in notes


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
            fast = fast & (typed != _limit(limit, kind))
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
    return ~_BOUNDS[name](typed, _limit(bounds[name], columns.frictionless_field.type))


def _limit(limit: Any, kind: str) -> pl.Expr:
    """A limit as polars compares it: its column in a stack, else a literal (a float for a
    number)."""
    if isinstance(limit, pl.Expr):
        return limit
    return pl.lit(float(limit) if kind == "number" else limit)


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
