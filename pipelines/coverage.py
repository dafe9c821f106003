"""Coverage: every number of a document is either mapped or marked as not data.

A number-like token (kzdata.pipelines.number_scanner) is mapped when the locator of a
citation, event or provision citation of its source covers it whole, and marked when a
non_figures entry's locator does. One piece of code for the seeds check in `kzdata build` and
for the provenance layer of `kzdata validate`, so both find the same numbers.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from kzdata.pipelines.number_scanner import Token, scan

CONTEXT_WORDS = 3  # words shown either side of a number: enough to find it, never a sentence


def tokens(text: str) -> list[Token]:
    """The number-like tokens of a document, scanned once for every check below."""
    return scan(text)


def unmapped(found: list[Token], spans: Iterable[tuple[int, int]]) -> list[Token]:
    """The tokens (in offset order) that no [start, end) span covers whole."""
    ordered = sorted(spans)
    left, reach, i = [], -1, 0
    for token in found:
        # `reach`: the furthest end of the spans that start at or before the token.
        while i < len(ordered) and ordered[i][0] <= token.start:
            reach = max(reach, ordered[i][1])
            i += 1
        if reach < token.end:
            left.append(token)
    return left


def holds_a_number(found: list[Token], start: int, end: int) -> bool:
    """Whether [start, end) covers a whole token (of `found`, in offset order). A non_figures
    entry that covers none marks nothing: it has drifted from its document."""
    i = bisect.bisect_left(found, start, key=lambda t: t.start)
    return i < len(found) and found[i].end <= end


def unmapped_message(text: str, token: Token) -> str:
    """What a maintainer needs to find an unmapped number and map or mark it."""
    return (
        f"{token.text!r} at [{token.start}, {token.end}) ({around(text, token.start, token.end)})"
        " is neither in the locator of a citation, event or provision citation nor marked in "
        "non_figures: map it, or mark it as not data with a reason"
    )


def around(text: str, start: int, end: int, words: int = CONTEXT_WORDS) -> str:
    """`text[start:end]` with up to `words` words either side, on its own line only."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    prefix, suffix = text[line_start:start], text[end:line_end]
    before = re.findall(r"\S+\s*$|\S+\s+", prefix)[-words:] if words else []
    after = re.findall(r"^\s*\S+|\s+\S+", suffix)[:words] if words else []
    head, tail = "".join(before), "".join(after)
    left = "…" if len(head) < len(prefix.lstrip()) else ""
    right = "…" if len(tail) < len(suffix.rstrip()) else ""
    return f"{left}{head}{text[start:end]}{tail}{right}".strip()
