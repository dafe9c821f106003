"""Where a CSV row and its cells stand in the file: line and column, which differ from the row
number as soon as a quoted field holds a line break."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kzdata.pipelines.csv_dialect import STANDARD

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what splits lines when a file is read with newline=""


@dataclass(frozen=True)
class Position:
    """1-based line and column (in Unicode code points) of a row or cell; column is None for a
    whole row."""

    line: int
    column: int | None = None


def cell_positions(
    path: str | Path,
    cells: Iterable[tuple[int, str | None]],
    *,
    delimiter: str = STANDARD.delimiter,
    quote_char: str = STANDARD.quote_char,
    encoding: str = "utf-8",
) -> dict[tuple[int, str | None], Position]:
    """Positions of (row, field) cells of a CSV file with a header row, rows numbered as
    frictionless does (the header is row 1). The field is a header name (the first of a
    comma-joined list), or None for the row itself.

    One pass over the file, stopping after the last row asked for. A cell that is not in the
    file (a row past the end, an unknown field) is left out, and so is every cell when the file
    cannot be read or parsed: callers fall back to line = row.
    """
    wanted: dict[int, set[str | None]] = {}
    for row, field in cells:
        wanted.setdefault(row, set()).add(field.split(",")[0] if field else None)
    if not wanted:
        return {}
    found: dict[tuple[int, str | None], Position] = {}
    try:
        with open(path, encoding=encoding, newline="") as handle:
            _scan(handle, wanted, found, delimiter, quote_char)
    except (OSError, LookupError, UnicodeDecodeError, csv.Error):  # LookupError: encoding
        return {}
    return found


def _scan(
    handle: TextIO,
    wanted: dict[int, set[str | None]],
    found: dict[tuple[int, str | None], Position],
    delimiter: str,
    quote_char: str,
) -> None:
    lines = _RecordLines(handle)
    reader = csv.reader(lines, delimiter=delimiter, quotechar=quote_char, strict=False)
    header: list[str] = []
    lines_before = 0
    last = max(wanted)
    for row, record in enumerate(reader, start=1):
        if row == 1:
            # A byte-order mark is not part of the first name, nor of any column.
            header = [record[0].removeprefix("\ufeff"), *record[1:]] if record else []
        if row in wanted:
            raw = "".join(lines.taken)
            bom = 1 if row == 1 and raw.startswith("\ufeff") else 0
            starts = _field_starts(raw, delimiter, quote_char, bom)
            for field in wanted[row]:
                if field is None:
                    found[(row, None)] = Position(lines_before + 1)
                elif field in header and header.index(field) < len(starts):
                    offset = starts[header.index(field)]
                    found[(row, field)] = _position(raw, offset, lines_before + 1, bom)
        if row >= last:
            return
        lines_before = reader.line_num
        lines.taken.clear()


class _RecordLines:
    """The file's lines for csv.reader, keeping those the current record was read from."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self.taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._handle)
        self.taken.append(line)
        return line


def _field_starts(raw: str, delimiter: str, quote_char: str, start: int) -> list[int]:
    """Offsets in one record's raw text at which each of its fields starts."""
    starts = [start]
    at_start, quoted_field, inside = True, False, False
    for i in range(start, len(raw)):
        char = raw[i]
        if at_start and char == quote_char:
            quoted_field = inside = True
        elif quoted_field and char == quote_char:
            inside = not inside  # a doubled quote closes and reopens: still inside
        elif char == delimiter and not inside:
            starts.append(i + 1)
            at_start, quoted_field = True, False
            continue
        at_start = False
    return starts


def _position(raw: str, offset: int, first_line: int, bom: int) -> Position:
    breaks = list(_LINE_BREAK.finditer(raw, 0, offset))
    line_start = breaks[-1].end() if breaks else bom  # a byte-order mark takes no column
    return Position(first_line + len(breaks), offset - line_start + 1)
