"""Read a CSV resource as text: every column a string, so no bad cell can stop the read.

Cells are kept as written (an empty cell is ""); turning missing values into nulls and reading
types are the compiled schema's job. Rows keep their places: a blank line is a row of empty
cells, as frictionless counts it.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from kzdata.pipelines.csv_dialect import Dialect


class UnreadableCsv(Exception):
    """The file cannot be read as a CSV table at all (encoding, ragged rows, bad dialect)."""


def read_text_columns(
    path: Path, dialect: Mapping[str, Any], encoding: str | None, names: Sequence[str]
) -> pl.DataFrame:
    """The CSV at `path` as strings. A headerless file's columns get `names` in order."""
    declared = Dialect.of(dialect)
    header = declared.has_header
    options: dict[str, Any] = {
        "has_header": header,
        "separator": declared.delimiter,
        "quote_char": declared.quote_char,
        "comment_prefix": declared.comment_char,
    }
    try:
        frame = pl.read_csv(
            _source(path, encoding),
            infer_schema=False,
            empty_string_is_null=False,
            raise_if_empty=False,
            glob=False,
            **options,
        )
    # TypeError too: a dialect option of the wrong type is the descriptor's fault, not ours.
    except (pl.exceptions.PolarsError, ValueError, TypeError, OSError) as exc:
        raise UnreadableCsv(f"cannot read {path.name} as CSV: {_first_line(exc)}") from exc
    if not header:
        frame = frame.rename(dict(zip(frame.columns, names, strict=False)))
    return frame


def _source(path: Path, encoding: str | None) -> Path | bytes:
    """polars reads UTF-8 only: another encoding is decoded here first."""
    try:
        codec = codecs.lookup(encoding or "utf-8").name
    except LookupError as exc:
        raise UnreadableCsv(f"unknown encoding {encoding!r}") from exc
    if codec == "utf-8":
        return path
    try:
        return path.read_bytes().decode(codec).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableCsv(f"{path.name} is not {encoding} at byte {exc.start}") from exc
    except OSError as exc:
        raise UnreadableCsv(f"cannot read {path.name}: {exc.strerror}") from exc


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
