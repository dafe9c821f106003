"""Partial dates: a year, a month or a day, stored as far as it is known and never padded.

Defined once, for Python values (the seeds, the build) and for polars columns (the row rules,
the Great Expectations frames). A partial date stands for a span of days: compared by its
earliest day as a start, by its latest as an end or an as-of date.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# Its three forms, by length: precision, strptime format, and what pads it to its first day.
FORMS = {4: ("year", "%Y", "-01-01"), 7: ("month", "%Y-%m", "-01"), 10: ("day", "%Y-%m-%d", "")}
SHAPE = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
_SHAPE = re.compile(SHAPE)


def precision(value: str | None) -> str | None:
    """'year', 'month' or 'day' for a well-formed partial date; None for an empty one."""
    if not value:
        return None
    return FORMS[len(value)][0]


def problem(value: object) -> str | None:
    """Why `value` is not a partial date (YYYY, YYYY-MM or YYYY-MM-DD), or None if it is."""
    if not isinstance(value, str) or not _SHAPE.fullmatch(value):
        return f"{value!r} is not a partial date: write YYYY, YYYY-MM or YYYY-MM-DD, quoted"
    try:
        dt.datetime.strptime(value, FORMS[len(value)][1])
    except ValueError:
        return f"{value!r} is not a real date"
    return None


def _by_length(date: pl.Expr, values: dict[int, str]) -> pl.Expr:
    """The value for the date's form (by its length); null for any other length."""
    import polars as pl

    n = date.str.len_chars()
    (length, value), *others = values.items()
    chosen = pl.when(n == length).then(pl.lit(value))
    for length, value in others:
        chosen = chosen.when(n == length).then(pl.lit(value))
    return chosen


def earliest_day(date: pl.Expr) -> pl.Expr:
    """The first day a partial date may stand for; null when empty or not a real date."""
    padded = date + _by_length(date, {n: form[2] for n, form in FORMS.items()})
    return _when_shaped(date, padded.str.to_date("%Y-%m-%d", strict=False))


def latest_day(date: pl.Expr) -> pl.Expr:
    """The last day a partial date may stand for; null when empty or not a real date."""
    import polars as pl

    n = date.str.len_chars()
    first = earliest_day(date)
    return (
        pl.when(n == 4)
        .then(first.dt.offset_by("1y").dt.offset_by("-1d"))
        .when(n == 7)
        .then(first.dt.month_end())
        .otherwise(first)
    )


def date_precision(date: pl.Expr) -> pl.Expr:
    """'year', 'month' or 'day' for a partial date; null when empty or not a real date."""
    import polars as pl

    named = _by_length(date, {n: form[0] for n, form in FORMS.items()})
    return pl.when(earliest_day(date).is_not_null()).then(named)


def _when_shaped(date: pl.Expr, then: pl.Expr) -> pl.Expr:
    """`then` where the cell has a partial date's shape, else null."""
    import polars as pl

    return pl.when(date.str.contains(f"^{SHAPE}$")).then(then)
