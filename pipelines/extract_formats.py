"""What `kzdata extract` prints: a table of a document's numbers, or a YAML skeleton of the
seed entries that map them (kzdata.pipelines.extract finds them)."""

from __future__ import annotations

import json
from collections.abc import Callable

from kzdata.pipelines.extract import Candidate

COLUMNS = ("start", "end", "kind", "token", "value", "qualifier", "noun", "context")
# Years and dates are rarely figures: the skeleton lists them as marks, the rest as citations.
MARK_KINDS = ("year", "date")

SKELETON_HEAD = """\
# Seed entries for the numbers of {name} ({count} found), to move into seeds/sources/<id>.yaml.
# Each number is listed once: as a citation if it may be a figure, as a non_figures entry if
# it is a year or a date. Move each entry where it belongs (a citation, an event, or
# non_figures) and fill in what is empty: the build refuses an entry left empty. Locators are
# [start, end) offsets in Unicode code points; a quote must stay the text at its locator (at
# most 60 characters), so widen or narrow both together.
"""


def render_table(candidates: list[Candidate]) -> str:
    """One line per number, in columns; `context` is a few words either side of it."""
    rows = [COLUMNS, *(_cells(c) for c in candidates)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    lines = []
    for row in rows:
        padded = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*padded, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


def _cells(c: Candidate) -> tuple[str, ...]:
    t = c.token
    value = "" if t.value is None else str(t.value)
    cells = (str(t.start), str(t.end), t.kind, t.text, value, c.qualifier or "", c.noun or "")
    return (*cells, c.context)


def render_yaml(candidates: list[Candidate], text: str, name: str) -> str:
    """A skeleton of `citations` and `non_figures` entries with quote and locator filled in."""
    citations = [c for c in candidates if c.token.kind not in MARK_KINDS]
    marks = [c for c in candidates if c.token.kind in MARK_KINDS]
    out = [SKELETON_HEAD.format(name=name, count=len(candidates))]
    out += _entries("citations", citations, text, _citation)
    out += _entries("non_figures", marks, text, _mark)
    return "\n".join(out) + "\n"


def _entries(
    key: str, candidates: list[Candidate], text: str, entry: Callable[[Candidate, str], list[str]]
) -> list[str]:
    if not candidates:
        return [f"{key}: []"]
    lines = [f"{key}:"]
    for c in candidates:
        lines.append(f"  # {c.token.kind} at [{c.token.start}, {c.token.end}): {c.context}")
        lines += entry(c, text)
    return lines


def _citation(c: Candidate, text: str) -> list[str]:
    lines = [
        "  - id:",
        "    observation:",
        f"    stated_value: {_string(c.token.text)}",
    ]
    if c.qualifier:
        lines.append(f"    qualifier: {_string(c.qualifier)}")
    return [*lines, f"    quote: {_quote(c, text)}", _locator(c)]


def _mark(c: Candidate, text: str) -> list[str]:
    return [f"  - quote: {_quote(c, text)}", _locator(c), "    reason:"]


def _quote(c: Candidate, text: str) -> str:
    return _string(text[c.quote_start : c.quote_end])


def _locator(c: Candidate) -> str:
    return f"    locator: [{c.quote_start}, {c.quote_end}]"


def _string(value: str) -> str:
    # A JSON string is a YAML double-quoted scalar: any character, safely escaped.
    return json.dumps(value, ensure_ascii=False)
