"""Whether a quote carries the value stated beside it: one reading for the seeds check in
`kzdata build` and for the provenance layer of `kzdata validate`.

A quote carries a value when one of its number-like tokens (kzdata.pipelines.number_scanner)
is that value as written ("1,200", "a few dozen"; case and spacing aside) or names the same
number ("1200" in "1,200", 9 in "nine"). A quote carries a date when it names the date's finest
known part: its day and month, its month, or its year; a year it gives must be the date's.
"""

from __future__ import annotations

import re

from kzdata.pipelines import partial_dates
from kzdata.pipelines.number_scanner import Token, month_numbers, scan


def value_problem(quote: str, field: str, value: str) -> str | None:
    """Why `quote` does not carry `value` (the cell of `field`), or None when it does."""
    if carries_value(quote, value):
        return None
    return f"the quote {quote!r} does not carry the {field} {value!r}"


def date_problem(quote: str, field: str, date: str) -> str | None:
    """Why `quote` does not carry the partial date `date` (YYYY, YYYY-MM or YYYY-MM-DD), or
    None. A date that is not a partial date is another check's finding, not this one's."""
    if partial_dates.problem(date) is not None or carries_date(quote, date):
        return None
    return f"the quote {quote!r} does not carry the {field} {date!r}"


def carries_value(quote: str, value: str) -> bool:
    """Whether a token of `quote` is `value` as written, or names the number it states."""
    written, number = _normal(value), _number(value)
    return any(
        _normal(t.text) == written or (number is not None and number in t.numbers)
        for t in scan(quote)
    )


def carries_date(quote: str, date: str) -> bool:
    """Whether `quote` names the finest known part of the partial date `date`."""
    year, month, day = ([int(p) for p in date.split("-")] + [None, None])[:3]
    tokens = scan(quote)
    if month is None:
        return any(year in (t.year, t.value) for t in tokens)
    dates = [t for t in tokens if t.kind == "date" and month in t.months]
    if day is not None:
        return any(day in t.days and t.year in (None, year) for t in dates)
    if dates:
        return any(t.year in (None, year) for t in dates)
    # A month may stand alone ("in July"): no token, but it names the month all the same.
    return month in month_numbers(quote)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).lower()


def _number(value: str) -> object:
    """The number `value` states when it is exactly one number-like token, else None."""
    tokens: list[Token] = scan(value.strip())
    if len(tokens) == 1 and tokens[0].text == value.strip():
        return tokens[0].value
    return None
