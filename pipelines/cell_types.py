"""Table Schema field types as polars expressions: how a raw CSV cell reads as its field's type.

Each type turns a string column into typed values and yields null where a cell is not of the
type, so a check can tell an empty cell (null before parsing) from a bad one (null after).
Lexical forms are the Table Schema spec's, stricter than frictionless, which reads integers
with Python's int() (" 1", "+1" and "1_000" pass there; only "+1" passes here).

Missing values (a Table Schema's `missingValues`) become nulls here too, before any type is
read. Nothing here imports pandera: every layer that reads cells reads them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import polars as pl

Parse = Callable[[pl.Expr], pl.Expr]

# Types a Table Schema may declare whose cells are not checked here (frictionless checks them).
UNCHECKED_TYPES = {"any", "object", "array", "list", "duration", "geopoint", "geojson"}

_INTEGER = r"^[+-]?[0-9]+$"
_NUMBER = r"^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|INF|-INF)$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TIME = r"^[0-9]{2}:[0-9]{2}:[0-9]{2}$"
_DATETIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"  # date and time
    r"(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?$"  # fraction, then Z or an offset
)
_YEAR = r"^[0-9]{4}$"
_YEARMONTH = r"^[0-9]{4}-[0-9]{2}$"
_STRING_FORMATS = {
    "email": (r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an email address"),
    "uri": (r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$", "a URI (scheme:rest, no spaces)"),
    "uuid": (r"^[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$", "a UUID"),
    "binary": (r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$", "base64 text"),
}
# `format: any` is read as any of these; a guess list, as "any" has no definition to follow.
_ANY_DATE = ["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d.%m.%Y", "%d %B %Y", "%B %d, %Y"]
_ANY_TIME = ["%H:%M:%S", "%H:%M", "%H:%M:%S%.f"]
_ANY_DATETIME = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"]
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
DEFAULT_MISSING_VALUES = [""]


class SchemaCompileError(ValueError):
    """A Table Schema that cannot be compiled (a bad type, format, pattern or constraint)."""


@dataclass(frozen=True)
class CellType:
    """How cells of one field read: `parse` maps raw strings to typed values (null if bad)."""

    name: str
    expected: str
    parse: Parse
    checked: bool = True

    def literals(self, values: Sequence[Any], keyword: str) -> pl.Series:
        """Constraint values (an enum, a minimum) as typed values, read as cells are."""
        if self.name == "boolean" and all(isinstance(v, bool) for v in values):
            return pl.Series(values, dtype=pl.Boolean)
        if any(v is None for v in values):
            raise SchemaCompileError(f"{keyword} value null is not {self.expected}")
        texts = [_as_text(v) for v in values]
        typed = pl.select(self.parse(pl.lit(pl.Series(texts, dtype=pl.String)))).to_series()
        for text, value in zip(texts, typed, strict=True):
            if value is None:
                raise SchemaCompileError(f"{keyword} value {text!r} is not {self.expected}")
        return typed


def cell_type(field: Mapping[str, Any]) -> CellType:
    """The CellType of a Table Schema field (type "string" when it declares none)."""
    kind = field.get("type", "string")
    fmt = field.get("format", "default")
    _need_text(field, "format", fmt)
    for option in ("groupChar", "decimalChar"):
        _need_text(field, option, field.get(option, ""))
    for option in ("trueValues", "falseValues"):
        values = field.get(option, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise SchemaCompileError(f"field {field.get('name')!r}: {option} is a list of strings")
    if not isinstance(kind, str):  # a list or an object is not hashable, and not a type
        raise SchemaCompileError(f"field {field.get('name')!r}: type {kind!r} is not a name")
    # Built once per kind of field (all it reads, checked above to be text): a wide table
    # has thousands of fields of a few kinds.
    options = tuple(
        (key, tuple(field[key]) if key.endswith("Values") else field[key])
        for key in ("groupChar", "decimalChar", "trueValues", "falseValues")
        if key in field
    )
    try:
        return _cell_type(kind, fmt, options, field.get("bareNumber", True) is False)
    except SchemaCompileError as exc:
        raise SchemaCompileError(f"field {field.get('name')!r}: {exc}") from exc.__cause__


@lru_cache(maxsize=1024)
def _cell_type(kind: str, fmt: str, options: tuple[tuple[str, Any], ...], bare: bool) -> CellType:
    """The CellType of a field of `kind` and `fmt` that says `options` (and bareNumber false
    when `bare`); errors say what is wrong, not with which field."""
    if fmt.startswith("fmt:"):  # Table Schema v1's deprecated prefix
        fmt = fmt[4:]
    if kind in UNCHECKED_TYPES:
        return CellType(kind, f"a {kind}", lambda raw: raw, checked=False)
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise SchemaCompileError(f"unknown type {kind!r}")
    field = {key: list(value) if isinstance(value, tuple) else value for key, value in options}
    if bare:
        field["bareNumber"] = False
    result = builder(field, fmt)
    try:  # a bad format string or pattern fails here, once, not in every check
        pl.select(result.parse(pl.lit("0", dtype=pl.String)))
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise SchemaCompileError(str(exc)) from exc
    return result


def _need_text(field: Mapping[str, Any], option: str, value: Any) -> None:
    if not isinstance(value, str):
        raise SchemaCompileError(f"field {field.get('name')!r}: {option} must be a string")


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _when(pattern: str, then: Parse) -> Parse:
    """Parse only cells of the right shape: polars' own parsers are lenient ("2025-1-5")."""
    return lambda raw: pl.when(raw.str.contains(pattern)).then(then(raw))


def _numeric_text(field: Mapping[str, Any], raw: pl.Expr) -> pl.Expr:
    """Undo the field's number notation: bare number, group and decimal characters."""
    if field.get("bareNumber", True) is False:  # "€95" or "95%": drop what is not the number
        raw = raw.str.replace_all(r"^[^0-9+\-.]+|[^0-9.]+$", "")
    if group := field.get("groupChar"):
        raw = raw.str.replace_all(group, "", literal=True)
    if (decimal := field.get("decimalChar", ".")) != ".":
        raw = raw.str.replace_all(decimal, ".", literal=True)
    return raw


def _string(field: Mapping[str, Any], fmt: str) -> CellType:
    if fmt in _STRING_FORMATS:
        pattern, expected = _STRING_FORMATS[fmt]
        return CellType("string", expected, _when(pattern, lambda raw: raw))
    return CellType("string", "a string", lambda raw: raw, checked=False)


def _integer(field: Mapping[str, Any], fmt: str) -> CellType:
    def parse(raw: pl.Expr) -> pl.Expr:
        text = _numeric_text(field, raw)
        return pl.when(text.str.contains(_INTEGER)).then(text.str.to_integer(strict=False))

    return CellType("integer", "an integer (digits, an optional sign, 64 bits)", parse)


def _number(field: Mapping[str, Any], fmt: str) -> CellType:
    def parse(raw: pl.Expr) -> pl.Expr:
        text = _numeric_text(field, raw)
        return pl.when(text.str.contains(_NUMBER)).then(text.cast(pl.Float64, strict=False))

    return CellType("number", "a number (like 1, -2.5, 1e3, NaN, INF)", parse)


def _boolean(field: Mapping[str, Any], fmt: str) -> CellType:
    true = list(field.get("trueValues", DEFAULT_TRUE))
    false = list(field.get("falseValues", DEFAULT_FALSE))

    def parse(raw: pl.Expr) -> pl.Expr:
        return pl.when(raw.is_in(true)).then(pl.lit(True)).when(raw.is_in(false)).then(False)

    return CellType("boolean", f"a boolean (one of {', '.join(true + false)})", parse)


def _temporal(
    kind: str, iso: str, iso_format: str, any_formats: list[str], to: str
) -> Callable[[Mapping[str, Any], str], CellType]:
    """date, time and datetime: ISO by default, any of a few for "any", else the given format."""

    def build(field: Mapping[str, Any], fmt: str) -> CellType:
        def convert(raw: pl.Expr, pattern: str) -> pl.Expr:
            return getattr(raw.str, to)(pattern, strict=False)

        if fmt == "default":
            return CellType(kind, f"a {kind} ({iso_format})", _when(iso, _ISO[kind]))
        formats = any_formats if fmt == "any" else [fmt]
        return CellType(
            kind,
            f"a {kind} ({' or '.join(formats)})",
            lambda raw: pl.coalesce([convert(raw, f) for f in formats]),
        )

    return build


def _iso_datetime(raw: pl.Expr) -> pl.Expr:
    """ISO 8601 with an offset (made UTC) or without one (taken as is), as naive datetimes."""
    aware = raw.str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%.f%#z", strict=False, time_zone="UTC", time_unit="us"
    ).dt.replace_time_zone(None)
    naive = raw.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us")
    return pl.coalesce(aware, naive)


_ISO: dict[str, Parse] = {
    "date": lambda raw: raw.str.to_date("%Y-%m-%d", strict=False),
    "time": lambda raw: raw.str.to_time("%H:%M:%S", strict=False),
    "datetime": _iso_datetime,
}


def _year(field: Mapping[str, Any], fmt: str) -> CellType:
    return CellType("year", "a year (YYYY)", _when(_YEAR, lambda r: r.str.to_integer(strict=False)))


def _yearmonth(field: Mapping[str, Any], fmt: str) -> CellType:
    # Typed as the month's first day, so minimum/maximum compare months.
    return CellType(
        "yearmonth",
        "a year and month (YYYY-MM)",
        _when(_YEARMONTH, lambda raw: (raw + "-01").str.to_date("%Y-%m-%d", strict=False)),
    )


_BUILDERS: dict[str, Callable[[Mapping[str, Any], str], CellType]] = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _temporal("date", _DATE, "YYYY-MM-DD", _ANY_DATE, "to_date"),
    "time": _temporal("time", _TIME, "hh:mm:ss", _ANY_TIME, "to_time"),
    "datetime": _temporal(
        "datetime",
        _DATETIME,
        "YYYY-MM-DDThh:mm:ss, optional Z or offset",
        _ANY_DATETIME,
        "to_datetime",
    ),
    "year": _year,
    "yearmonth": _yearmonth,
}


def missing_to_null(table_schema: Mapping[str, Any], columns: Sequence[str]) -> list[pl.Expr]:
    """Expressions that turn each column's missing values (Table Schema missingValues, a
    field's own first, default [""]) into nulls."""
    default = _missing_values(table_schema, "table schema")
    by_field = {
        field["name"]: _missing_values(field, f"field {field['name']!r}")
        for field in table_fields(table_schema)
        if "missingValues" in field
    }
    # One expression per list of missing values, not per column: a wide table has thousands
    # of columns and polars pays for each expression built in Python.
    by_missing: dict[tuple[str, ...], list[str]] = {}
    for name in columns:
        if missing := by_field.get(name, default):
            by_missing.setdefault(tuple(missing), []).append(name)
    exprs = []
    for missing, names in by_missing.items():
        cells = pl.col(names)
        # Named after the columns (the first branch names a when/then): null where missing.
        exprs.append(pl.when(~cells.is_in(list(missing))).then(cells))
    return exprs


def _missing_values(holder: Mapping[str, Any], what: str) -> list[str]:
    values = holder.get("missingValues", DEFAULT_MISSING_VALUES)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise SchemaCompileError(f"{what}: missingValues must be a list of strings")
    return values


def table_fields(table_schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The fields of a Table Schema; raises SchemaCompileError when they are malformed."""
    fields = table_schema.get("fields") if isinstance(table_schema, Mapping) else None
    if not isinstance(fields, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
    ):
        raise SchemaCompileError("a Table Schema has a 'fields' list of objects with a 'name'")
    for field in fields:
        if not isinstance(field.get("constraints", {}), dict):
            raise SchemaCompileError(f"field {field['name']!r}: constraints must be an object")
    return fields
