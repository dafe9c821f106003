"""The row rules' expressions: how each rule declared in schemas/row_rules.yaml (its name, the
columns it reads, its field and message) runs, as a polars expression.

The pandera compiler attaches a rule to any resource that has all the columns it reads. A rule
reads cells through their fields' types and is not applied to a row where one of its cells is
not of its type (the type check reports that cell). Rules that need two resources are not
here: they belong to the Great Expectations layer.

Partial dates (YYYY, YYYY-MM or YYYY-MM-DD) are compared by the days they may stand for: a
period start by its earliest possible day, a period end and an as-of date by their latest. So
"2025" to "2025" is a whole year, and an as-of "2025-12" is not before a period that starts
"2025-12-25".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from kzdata.pipelines.partial_dates import date_precision, earliest_day, latest_day
from kzdata.schemas import ROW_RULES_YAML, read_yaml

# A column's values read by its field's type (null where empty or not of the type).
Typed = Callable[[str], pl.Expr]

PRECISION_SUFFIX = "_precision"
# How a partial-date rule names its date column in the declaration.
DATE = "{date}"


@dataclass(frozen=True)
class CrossColumnRule:
    """A rule on one row. `passes` is True where the row keeps it, never null."""

    name: str
    field: str
    columns: tuple[str, ...]
    description: str
    passes: Callable[[Typed], pl.Expr]


def _within_bounds(value: pl.Expr, lower: pl.Expr, upper: pl.Expr) -> pl.Expr:
    return (lower <= value).fill_null(True) & (value <= upper).fill_null(True)


def _bounds_ordered(lower: pl.Expr, upper: pl.Expr) -> pl.Expr:
    return (lower <= upper).fill_null(True)


def _precision_bounds(
    precision: pl.Expr, value: pl.Expr, lower: pl.Expr, upper: pl.Expr
) -> pl.Expr:
    both = lower.is_not_null() & upper.is_not_null()
    exact = value.is_not_null() & both & (lower == value) & (upper == value)
    approximate = value.is_not_null() & both & (lower < upper) & (lower <= value) & (value <= upper)
    at_least = lower.is_not_null() & upper.is_null()
    at_most = upper.is_not_null() & lower.is_null()
    vague = value.is_null() & both & (lower <= upper)
    return (
        pl.when(precision == "exact")
        .then(exact)
        .when(precision == "approximate")
        .then(approximate)
        .when(precision == "at_least")
        .then(at_least)
        .when(precision == "at_most")
        .then(at_most)
        .when(precision == "vague")
        .then(vague)
        .otherwise(True)  # an unknown precision is the enum check's finding
        .fill_null(False)
    )


def _period_ordered(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    return (earliest_day(start) <= latest_day(end)).fill_null(True)


def _as_of_after_start(as_of: pl.Expr, start: pl.Expr) -> pl.Expr:
    return (latest_day(as_of) >= earliest_day(start)).fill_null(True)


def _withdrawn_has_reason(status: pl.Expr, reason: pl.Expr) -> pl.Expr:
    # A tombstone without its reason tells a user that a fact went, never why.
    return (status != "withdrawn").fill_null(True) | reason.is_not_null()


def _relation_has_basis(parent: pl.Expr, relation: pl.Expr) -> pl.Expr:
    return parent.is_null() == relation.is_null()


def _partial_date_real(date: pl.Expr) -> pl.Expr:
    return date.is_null() | earliest_day(date).is_not_null()


def _partial_date_agrees(date: pl.Expr, stated: pl.Expr) -> pl.Expr:
    malformed = date.is_not_null() & earliest_day(date).is_null()  # `partial-date` reports it
    both_empty = date.is_null() & stated.is_null()
    return malformed | both_empty | (stated == date_precision(date)).fill_null(False)


# Each declared rule's expression, given the columns it reads (typed), in declared order.
Expression = Callable[..., pl.Expr]
EXPRESSIONS: dict[str, Expression] = {
    "value-within-bounds": _within_bounds,
    "bounds-ordered": _bounds_ordered,
    "precision-bounds": _precision_bounds,
    "period-order": _period_ordered,
    "as-of-after-period-start": _as_of_after_start,
    "withdrawn-reason": _withdrawn_has_reason,
    "parent-relation": _relation_has_basis,
    "partial-date": _partial_date_real,
    "partial-date-precision": _partial_date_agrees,
}


@dataclass(frozen=True)
class Declared:
    """A rule as schemas/row_rules.yaml declares it; `field` and `columns` may hold {date}."""

    name: str
    field: str
    columns: tuple[str, ...]
    message: str

    @property
    def per_date(self) -> bool:
        return DATE in self.field

    def rule(self, date: str | None = None) -> CrossColumnRule:
        """The rule, for the partial date column `date` when it is written with {date}."""

        def fill(text: str) -> str:
            return text.replace(DATE, date) if date is not None else text

        columns = tuple(fill(c) for c in self.columns)
        expression = EXPRESSIONS[self.name]
        return CrossColumnRule(
            self.name,
            fill(self.field),
            columns,
            fill(self.message),
            lambda typed: expression(*(typed(column) for column in columns)),
        )


@cache
def declared() -> tuple[tuple[Declared, ...], frozenset[str]]:
    """The declared rules and the columns they read as numbers. Every declared rule has an
    expression here and every expression a declaration (else ValueError, naming it)."""
    data: dict[str, Any] = read_yaml(ROW_RULES_YAML)
    rules = tuple(
        Declared(name, spec["field"], tuple(spec["columns"]), spec["message"])
        for name, spec in data["rules"].items()
    )
    names = {rule.name for rule in rules}
    if names != set(EXPRESSIONS):
        raise ValueError(
            f"{ROW_RULES_YAML.name}: rules without an expression: "
            f"{sorted(names - set(EXPRESSIONS))}; expressions without a rule: "
            f"{sorted(set(EXPRESSIONS) - names)}"
        )
    return rules, frozenset(data["numbers"])


NUMBERS = frozenset({"integer", "number"})
TEXT = frozenset({"string"})


def rules_for(types: Mapping[str, str]) -> list[CrossColumnRule]:
    """The rules that apply to a table whose columns have these Table Schema types."""
    rules, numeric = declared()
    candidates = [rule.rule() for rule in rules if not rule.per_date]
    for name in types:
        if name + PRECISION_SUFFIX in types:
            candidates += [rule.rule(name) for rule in rules if rule.per_date]
    return [
        rule
        for rule in candidates
        if all(types.get(c) in (NUMBERS if c in numeric else TEXT) for c in rule.columns)
    ]


def declared_names() -> list[str]:
    """The names of every declared row rule."""
    return [rule.name for rule in declared()[0]]
