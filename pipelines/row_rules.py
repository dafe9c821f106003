"""Rules across the columns of one row, which a Table Schema cannot say.

Each rule is declared once here with a stable name and the column its findings point at; the
pandera compiler attaches it to any resource that has all the columns it reads. A rule reads
cells through their fields' types and is not applied to a row where one of its cells is not of
its type (the type check reports that cell). Rules that need two resources are not here: they
belong to the Great Expectations layer.

Partial dates (YYYY, YYYY-MM or YYYY-MM-DD) are compared by the days they may stand for: a
period start by its earliest possible day, a period end and an as-of date by their latest. So
"2025" to "2025" is a whole year, and an as-of "2025-12" is not before a period that starts
"2025-12-25".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl

from kzdata.pipelines.partial_dates import date_precision, earliest_day, latest_day

# A column's values read by its field's type (null where empty or not of the type).
Typed = Callable[[str], pl.Expr]

PRECISION_SUFFIX = "_precision"


@dataclass(frozen=True)
class CrossColumnRule:
    """A rule on one row. `passes` is True where the row keeps it, never null."""

    name: str
    field: str
    columns: tuple[str, ...]
    description: str
    passes: Callable[[Typed], pl.Expr]


def _within_bounds(typed: Typed) -> pl.Expr:
    value, lower, upper = typed("value"), typed("lower_bound"), typed("upper_bound")
    return (lower <= value).fill_null(True) & (value <= upper).fill_null(True)


def _bounds_ordered(typed: Typed) -> pl.Expr:
    return (typed("lower_bound") <= typed("upper_bound")).fill_null(True)


def _precision_bounds(typed: Typed) -> pl.Expr:
    precision = typed("precision")
    value, lower, upper = typed("value"), typed("lower_bound"), typed("upper_bound")
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


def _period_ordered(typed: Typed) -> pl.Expr:
    start, end = typed("period_start"), typed("period_end")
    return (earliest_day(start) <= latest_day(end)).fill_null(True)


def _as_of_after_start(typed: Typed) -> pl.Expr:
    as_of, start = typed("as_of"), typed("period_start")
    return (latest_day(as_of) >= earliest_day(start)).fill_null(True)


def _withdrawn_has_reason(typed: Typed) -> pl.Expr:
    # A tombstone without its reason tells a user that a fact went, never why.
    return (typed("status") != "withdrawn").fill_null(True) | typed("status_reason").is_not_null()


def _relation_has_basis(typed: Typed) -> pl.Expr:
    return typed("parent_indicator_id").is_null() == typed("parent_relation").is_null()


RULES: tuple[CrossColumnRule, ...] = (
    CrossColumnRule(
        "value-within-bounds",
        "value",
        ("value", "lower_bound", "upper_bound"),
        "lies outside its bounds: lower_bound <= value <= upper_bound",
        _within_bounds,
    ),
    CrossColumnRule(
        "bounds-ordered",
        "upper_bound",
        ("lower_bound", "upper_bound"),
        "is below the lower bound: lower_bound <= upper_bound",
        _bounds_ordered,
    ),
    CrossColumnRule(
        "precision-bounds",
        "precision",
        ("precision", "value", "lower_bound", "upper_bound"),
        "does not agree with the value and bounds (exact: all three equal; approximate: a "
        "value within lower_bound < upper_bound; at_least: a lower bound only; at_most: an "
        "upper bound only; vague: no value, lower_bound <= upper_bound)",
        _precision_bounds,
    ),
    CrossColumnRule(
        "period-order",
        "period_end",
        ("period_start", "period_end"),
        "ends before the period starts (latest day of period_end < earliest of period_start)",
        _period_ordered,
    ),
    CrossColumnRule(
        "as-of-after-period-start",
        "as_of",
        ("as_of", "period_start"),
        "is before the period starts (latest day of as_of < earliest of period_start)",
        _as_of_after_start,
    ),
    CrossColumnRule(
        "withdrawn-reason",
        "status",
        ("status", "status_reason"),
        "has no status_reason: a withdrawn fact says why it was withdrawn",
        _withdrawn_has_reason,
    ),
    CrossColumnRule(
        "parent-relation",
        "parent_relation",
        ("parent_indicator_id", "parent_relation"),
        "is set exactly when parent_indicator_id is: a component's relation to its parent "
        "says whether a source states it or we infer it",
        _relation_has_basis,
    ),
)


def _partial_date_rules(date: str) -> list[CrossColumnRule]:
    """A partial date and its `<date>_precision` column: a real date, and the right precision."""
    precision = date + PRECISION_SUFFIX

    def real(typed: Typed) -> pl.Expr:
        return typed(date).is_null() | earliest_day(typed(date)).is_not_null()

    def agrees(typed: Typed) -> pl.Expr:
        value, stated = typed(date), typed(precision)
        malformed = value.is_not_null() & earliest_day(value).is_null()  # `real` reports it
        both_empty = value.is_null() & stated.is_null()
        return malformed | both_empty | (stated == date_precision(value)).fill_null(False)

    return [
        CrossColumnRule(
            "partial-date",
            date,
            (date,),
            "is not a real date written YYYY, YYYY-MM or YYYY-MM-DD",
            real,
        ),
        CrossColumnRule(
            "partial-date-precision",
            precision,
            (date, precision),
            f"does not agree with {date}: year for YYYY, month for YYYY-MM, day for "
            "YYYY-MM-DD, and empty exactly when the date is",
            agrees,
        ),
    ]


# The Table Schema types a rule can read a column as: numbers for value and bounds, text for
# the rest. A table typing such a column otherwise is not one these rules are about (its own
# field checks still run), rather than a rule crashing on it.
NUMBERS = frozenset({"integer", "number"})
COLUMN_TYPES = {"value": NUMBERS, "lower_bound": NUMBERS, "upper_bound": NUMBERS}
TEXT = frozenset({"string"})


def rules_for(types: Mapping[str, str]) -> list[CrossColumnRule]:
    """The rules that apply to a table whose columns have these Table Schema types."""
    candidates = list(RULES)
    for name in types:
        if name + PRECISION_SUFFIX in types:
            candidates += _partial_date_rules(name)
    return [
        rule
        for rule in candidates
        if all(types.get(c) in COLUMN_TYPES.get(c, TEXT) for c in rule.columns)
    ]
