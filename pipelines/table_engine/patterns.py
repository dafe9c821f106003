"""A Table Schema `pattern` as polars runs it, matched as frictionless matches it.

frictionless compiles `^PATTERN$` with Python's `re` and calls `match`; polars uses Rust's
`regex`, which runs in linear time and has no look-around or back-references. A pattern polars
cannot compile, or one whose syntax means something else to the two engines (POSIX classes,
class set operations, `\\p` classes, `\\z`), is not run: the engine reports a
`pattern-not-checked` warning instead, and never falls back to backtracking.
"""

from __future__ import annotations

from functools import cache

import polars as pl

# Syntax Rust's regex reads otherwise than Python's re (or Python does not know at all).
_DIFFERENT = ("[:", "&&", "--", "~~", "\\p", "\\P", "\\z", "\\Z")


def pattern_matches(raw: pl.Expr, pattern: str) -> pl.Expr | None:
    """True where a cell matches `pattern` as frictionless's `re.match('^...$')` does; None when
    the pattern cannot be run by polars with the same meaning."""
    if any(token in pattern for token in _DIFFERENT):
        return None
    # \A: match only at the start, as re.match does, whatever alternatives the pattern holds.
    anchored = "\\A(?:^" + pattern + "$)"
    if not _compiles(anchored):
        return None
    # Python's final `$` also matches before a trailing newline.
    without_newline = raw.str.strip_suffix("\n")
    return raw.str.contains(anchored) | (
        raw.str.ends_with("\n") & without_newline.str.contains(anchored)
    )


@cache
def _compiles(regex: str) -> bool:
    """Whether polars compiles `regex` (asked once per pattern: a wide table repeats them)."""
    try:
        pl.select(pl.lit("").str.contains(regex))
    except pl.exceptions.PolarsError:
        return False
    return True
