"""A Table Schema `pattern` as polars runs it, matched as frictionless matches it.

frictionless compiles `^PATTERN$` with Python's `re` and calls `match`; polars uses Rust's
`regex`, which runs in linear time and has no look-around or back-references. A pattern polars
cannot compile, or one whose syntax means something else to the two engines (POSIX classes,
class set operations, `\\p` classes, `\\z`), is not run: the engine reports a
`pattern-not-checked` warning instead, and never falls back to backtracking. Both engines run
patterns here: the vectorized one on columns, frictionless's cell readers one cell at a time
(kzdata.pipelines.linear_patterns).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import cache, lru_cache

import polars as pl

# Syntax Rust's regex reads otherwise than Python's re (or Python does not know at all).
_DIFFERENT = ("[:", "&&", "--", "~~", "\\p", "\\P", "\\z", "\\Z")
# Results kept per pattern on the per-cell path: repeated cells (codes, enums) are matched once.
_CELL_CACHE = 65536


@cache
def anchored(pattern: str) -> str | None:
    """`pattern` as polars must run it to match as `re.match('^...$')` does; None when polars
    cannot run it with the same meaning. Asked once per pattern: a wide table repeats them.

    Python's `$` also matches before a final line break, Rust's only at the end. The `$`
    added here (with those that end the pattern: `$$` is `$`) is written `\\n?\\z`, which
    means the same; a pattern with a `$` of its own elsewhere is matched twice instead, on
    the cell and on the cell without its final line break (`_twice`)."""
    if any(token in pattern for token in _DIFFERENT):
        return None
    # \A: match only at the start, as re.match does, whatever alternatives the pattern holds.
    whole = "\\A(?:^" + (pattern + "$)" if _twice(pattern) else _unended(pattern) + "\\n?\\z)")
    try:
        pl.select(pl.lit("").str.contains(whole))
    except pl.exceptions.PolarsError:
        return None
    return whole


def _unended(pattern: str) -> str:
    """`pattern` without the `$` anchors it ends with (one after an even run of backslashes:
    not an escaped `$`)."""
    while pattern.endswith("$"):
        head = pattern[:-1]
        if (len(head) - len(head.rstrip("\\"))) % 2:
            break
        pattern = head
    return pattern


def _twice(pattern: str) -> bool:
    return "$" in _unended(pattern)


def pattern_matches(raw: pl.Expr, pattern: str) -> pl.Expr | None:
    """True where a cell matches `pattern` as frictionless's `re.match('^...$')` does; None when
    the pattern cannot be run by polars with the same meaning."""
    whole = anchored(pattern)
    if whole is None:
        return None
    if not _twice(pattern):
        return raw.str.contains(whole)
    without_newline = raw.str.strip_suffix("\n")
    return raw.str.contains(whole) | (raw.str.ends_with("\n") & without_newline.str.contains(whole))


def cell_matcher(pattern: str) -> Callable[[str], bool] | None:
    """A function telling whether one cell matches `pattern` as `pattern_matches` does; None
    when the pattern cannot be run by polars with the same meaning."""
    whole = anchored(pattern)
    if whole is None:
        return None
    twice = _twice(pattern)

    def contains(text: str) -> bool:
        return bool(pl.Series([text], dtype=pl.String).str.contains(whole).item())

    primed = _PRIMED.setdefault(pattern, {})

    @lru_cache(maxsize=_CELL_CACHE)
    def matcher(cell: str) -> bool:
        known = primed.get(cell)
        if known is not None:
            return known
        return contains(cell) or (twice and cell.endswith("\n") and contains(cell[:-1]))

    return matcher


# Results matched ahead in bulk, by pattern and cell (`primed`): one polars call a cell costs
# about 0.1 ms, a dictionary lookup far less.
_PRIMED: dict[str, dict[str, bool]] = {}


@contextlib.contextmanager
def primed(pattern_cells: dict[str, pl.Series]) -> Iterator[None]:
    """Within: `cell_matcher(pattern)` looks up the cells given for `pattern`, matched here in
    one vectorized pass, before matching a cell on its own. A match is a function of the cell
    alone, so cells read otherwise than the table's reader reads them cost a lookup, never a
    wrong result. The cells are let go (taken out of `pattern_cells`) once matched."""
    patterns = list(pattern_cells)
    for pattern in patterns:
        cells = pattern_cells.pop(pattern)
        matching = pattern_matches(pl.col("cell"), pattern)
        if matching is None:
            continue
        values = cells.drop_nulls().unique()
        del cells
        matches = values.to_frame("cell").select(matching)
        if matches.width:
            _PRIMED.setdefault(pattern, {}).update(
                zip(values.to_list(), matches.to_series().to_list(), strict=True)
            )
    try:
        yield
    finally:
        for pattern in patterns:
            _PRIMED.get(pattern, {}).clear()
