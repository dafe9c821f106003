"""Table Schema -> pandera: one pandera.polars DataFrameSchema per resource.

The schema is derived from the Table Schema it is given (any package's, not only ours), plus
the cross-column rules whose columns it has. It validates raw CSV text: every column a string,
missing values already null (`missing_to_null`). Each check reads cells through the field's
type, so a bad cell is a failure case on its row, never an exception.

Checks are named after the Table Schema keyword they enforce ("type", "required", "unique",
"enum", "pattern", "minimum", ...) or the cross-column rule. Each carries a description (what a
failing cell breaks) and, in its statistics, the columns a finding should quote.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from kzdata.schemas.cell_types import (
    CellType,
    SchemaCompileError,
    cell_type,
    missing_to_null,
    table_fields,
)
from kzdata.schemas.cross_column_rules import CrossColumnRule, rules_for

__all__ = ["SchemaCompileError", "compile_schema", "missing_to_null"]

# Table Schema v2 fieldsMatch -> (every field must be a column, no other column, same order).
FIELDS_MATCH = {
    "exact": (True, True, True),
    "equal": (True, True, False),
    "subset": (True, False, False),
    "superset": (False, True, False),
    "partial": (False, False, False),
}
_RANGES: list[tuple[str, Callable[[Any, Any], Any], str]] = [
    ("minimum", operator.ge, "is below the minimum"),
    ("maximum", operator.le, "is above the maximum"),
    ("exclusiveMinimum", operator.gt, "is not above the exclusive minimum"),
    ("exclusiveMaximum", operator.lt, "is not below the exclusive maximum"),
]


def compile_schema(table_schema: Mapping[str, Any]) -> pa.DataFrameSchema:
    """The pandera schema of a Table Schema. Raises SchemaCompileError when it is malformed."""
    fields = table_fields(table_schema)
    types = {field["name"]: cell_type(field) for field in fields}
    key = _primary_key(table_schema, types)
    checks = {field["name"]: _field_checks(field, types[field["name"]], key) for field in fields}
    if len(key) > 1:
        checks[key[0]].append(_primary_key_check(key, types))
    for rule in rules_for({name: kind.name for name, kind in types.items()}):
        checks[rule.field].append(_rule_check(rule, types))
    fields_match = table_schema.get("fieldsMatch", "exact")
    if fields_match not in FIELDS_MATCH:
        raise SchemaCompileError(f"unknown fieldsMatch {fields_match!r}")
    required, strict, ordered = FIELDS_MATCH[fields_match]
    columns = {
        name: pa.Column(pl.String, checks=checks[name], nullable=True, required=required)
        for name in types
    }
    return pa.DataFrameSchema(columns, strict=strict, ordered=ordered)


def _primary_key(table_schema: Mapping[str, Any], types: Mapping[str, CellType]) -> list[str]:
    key = table_schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else key
    if not isinstance(key, list) or not all(isinstance(k, str) and k in types for k in key):
        raise SchemaCompileError(f"primaryKey {key!r} does not name the schema's fields")
    return key


def _check(
    name: str, description: str, passes: pl.Expr, columns: Sequence[str], context: Sequence[str]
) -> pa.Check:
    """A row-wise check: `passes` is True where the row keeps it (a null counts as failing)."""
    needed = set(columns)

    def run(data: PolarsData) -> pl.LazyFrame | bool:
        if not needed.issubset(data.lazyframe.collect_schema().names()):
            return True  # a missing column is reported once, by the header check
        return data.lazyframe.select(passes)

    return pa.Check(
        run,
        name=name,
        description=description,
        ignore_na=False,
        statistics={"context": list(context)},
    )


def _field_checks(field: Mapping[str, Any], kind: CellType, key: list[str]) -> list[pa.Check]:
    name = field["name"]
    raw = pl.col(name)
    typed = kind.parse(raw)
    constraints = field.get("constraints", {})
    checks = []

    def add(rule: str, description: str, passes: pl.Expr) -> None:
        checks.append(_check(rule, description, passes, [name], []))

    if kind.checked:
        add("type", f"is not {kind.expected}", raw.is_null() | typed.is_not_null())
    if constraints.get("required") is True or name in key:
        add("required", "is empty, but the field is required", raw.is_not_null())
    if constraints.get("unique") is True or key == [name]:
        add(
            "unique",
            "is in more than one row: values must be unique",
            typed.is_null() | typed.is_duplicated().not_(),
        )
    if "enum" in constraints:
        values = constraints["enum"]
        if not isinstance(values, list) or not values:
            raise SchemaCompileError(f"field {name!r}: enum must be a non-empty list")
        allowed = kind.literals(values, "enum")
        add(
            "enum",
            f"is not one of {', '.join(map(repr, values))}",
            typed.is_null() | typed.is_in(allowed.implode()),
        )
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        add(
            "pattern",
            f"does not match the pattern {pattern} (as a whole)",
            raw.is_null() | _matches(raw, pattern, name),
        )
    for keyword, compare, words in _RANGES:
        if keyword in constraints:
            limit = kind.literals([constraints[keyword]], keyword)
            add(
                keyword,
                f"{words} {constraints[keyword]}",
                typed.is_null() | compare(typed, pl.lit(limit[0], dtype=limit.dtype)),
            )
    for keyword, compare, words in [
        ("minLength", operator.ge, "is shorter than"),
        ("maxLength", operator.le, "is longer than"),
    ]:
        if keyword in constraints and kind.name == "string":  # other types: collections only
            length = constraints[keyword]
            if not isinstance(length, int) or isinstance(length, bool) or length < 0:
                raise SchemaCompileError(f"field {name!r}: {keyword} must be a whole number")
            add(
                keyword,
                f"{words} {length} characters",
                raw.is_null() | compare(raw.str.len_chars(), length),
            )
    return checks


def _matches(raw: pl.Expr, pattern: Any, name: str) -> pl.Expr:
    """Whole-value match. Polars' regex engine first (fast); Python's re for what it lacks
    (look-around, back-references), as frictionless matches with Python's re."""
    if not isinstance(pattern, str):
        raise SchemaCompileError(f"field {name!r}: pattern must be a string")
    whole = f"^(?:{pattern})$"
    try:
        pl.select(pl.lit("").str.contains(whole))
    except pl.exceptions.PolarsError:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise SchemaCompileError(f"field {name!r}: bad pattern {pattern!r}: {exc}") from exc
        return raw.map_elements(lambda s: compiled.fullmatch(s) is not None, pl.Boolean)
    return raw.str.contains(whole)


def _typed(types: Mapping[str, CellType]) -> Callable[[str], pl.Expr]:
    return lambda name: types[name].parse(pl.col(name))


def _invalid(types: Mapping[str, CellType], name: str) -> pl.Expr:
    """True where a cell is filled but not of its type (the type check reports it)."""
    if not types[name].checked:
        return pl.lit(False)
    return pl.col(name).is_not_null() & types[name].parse(pl.col(name)).is_null()


def _primary_key_check(key: list[str], types: Mapping[str, CellType]) -> pa.Check:
    typed = [_typed(types)(name).alias(f"key{i}") for i, name in enumerate(key)]
    passes = (
        pl.any_horizontal([t.is_null() for t in typed]) | pl.struct(typed).is_duplicated().not_()
    )
    description = f"repeats another row's primary key ({', '.join(key)})"
    return _check("primaryKey", description, passes, key, key)


def _rule_check(rule: CrossColumnRule, types: Mapping[str, CellType]) -> pa.Check:
    skipped = pl.any_horizontal([_invalid(types, name) for name in rule.columns])
    return _check(
        rule.name,
        rule.description,
        skipped | rule.passes(_typed(types)),
        rule.columns,
        rule.columns,
    )
