"""Partial dates: a year, a month or a day, stored as far as it is known and never padded."""

from __future__ import annotations

import datetime as dt
import re

_FORMATS = {4: ("year", "%Y"), 7: ("month", "%Y-%m"), 10: ("day", "%Y-%m-%d")}
_SHAPE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


def precision(value: str | None) -> str | None:
    """'year', 'month' or 'day' for a well-formed partial date; None for an empty one."""
    if not value:
        return None
    return _FORMATS[len(value)][0]


def problem(value: object) -> str | None:
    """Why `value` is not a partial date (YYYY, YYYY-MM or YYYY-MM-DD), or None if it is."""
    if not isinstance(value, str) or not _SHAPE.fullmatch(value):
        return f"{value!r} is not a partial date: write YYYY, YYYY-MM or YYYY-MM-DD, quoted"
    try:
        dt.datetime.strptime(value, _FORMATS[len(value)][1])
    except ValueError:
        return f"{value!r} is not a real date"
    return None
