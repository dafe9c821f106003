"""The files of a multipart resource (`path` a list of files), read as frictionless reads them:
one table, whose header is the first file's first row; every later file starts with a header
row of its own, which frictionless skips. Which file a row of the whole table is in, and its
row there, so that a finding names the file it is in.

Rows of the whole table are numbered as frictionless numbers them (the header is row 1, and
the rows of later files follow on). Within a file, rows are numbered the same way: its header
row is row 1, its first data row row 2.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzdata.pipelines.finding import Finding


@dataclass(frozen=True)
class Parts:
    """The files of a multipart resource and, for each, the row of the whole table that is
    its row 1 (for a later file with a header row, the first file's last row) and its last."""

    paths: list[str]
    starts: list[int]
    ends: list[int]

    def locate(self, row: int) -> tuple[str, int]:
        """(file, row within the file) of row `row` of the whole table."""
        for path, start, end in zip(self.paths, self.starts, self.ends, strict=True):
            if row <= end:
                return path, row - start + 1
        return self.paths[-1], row - self.starts[-1] + 1

    def relocate(self, finding: Finding) -> Finding:
        """`finding`, about a row of the whole table, about that row in its own file."""
        if finding.row is None:
            return dataclasses.replace(finding, path=", ".join(self.paths))
        path, row = self.locate(finding.row)
        message = f"{finding.message} (in {path}, row {row})"
        return dataclasses.replace(finding, path=path, row=row, message=message)


def paths_of(resource: Mapping[str, Any]) -> list[str] | None:
    """The files of a multipart resource; None when `path` is not a list of two or more."""
    paths = resource.get("path")
    if isinstance(paths, list) and len(paths) > 1 and all(isinstance(p, str) for p in paths):
        return list(paths)
    return None


def parts(
    paths: Sequence[str], base: Path, dialect: Mapping[str, Any], encoding: str | None
) -> Parts | None:
    """Where each file's rows fall in the whole table; None when a file cannot be read (the
    frictionless layer reports why)."""
    header = dialect.get("header", True) is not False
    starts: list[int] = []
    ends: list[int] = []
    end = 0
    for number, path in enumerate(paths):
        rows = _count_rows(base / path, dialect, encoding)
        if rows is None:
            return None
        # A later file's first row is its header, which frictionless skips.
        skipped = 1 if header and number > 0 else 0
        starts.append(end + 1 - skipped)
        end += max(rows - skipped, 0)
        ends.append(end)
    return Parts(list(paths), starts, ends)


def _count_rows(file: Path, dialect: Mapping[str, Any], encoding: str | None) -> int | None:
    try:
        codec = codecs.lookup(encoding or "utf-8").name
        codec = "utf-8-sig" if codec == "utf-8" else codec
        with file.open(encoding=codec, newline="") as f:
            reader = csv.reader(
                f,
                delimiter=str(dialect.get("delimiter", ",")),
                quotechar=str(dialect.get("quoteChar", '"')),
            )
            return sum(1 for _ in reader)
    except (OSError, LookupError, UnicodeDecodeError, csv.Error, TypeError):
        return None


def is_multipart_csv(resource: Any) -> bool:
    """A local multipart CSV table with a Table Schema."""
    if not isinstance(resource, Mapping) or "schema" not in resource:
        return False
    paths = paths_of(resource)
    if paths is None or any("://" in p for p in paths):
        return False
    fmt = resource.get("format") or Path(paths[0]).suffix.lstrip(".")
    return str(fmt).lower() == "csv"


def read_text(
    resource: Mapping[str, Any],
    base: Path,
    dialect: Mapping[str, Any],
    names: Sequence[str],
    read: Any,
) -> Any:
    """The resource's CSV as one frame of text, with `read` (csv_frame.read_text_columns):
    a multipart resource's files one after another, each later file's header row left out
    and its columns named by the first file's header."""
    import polars as pl

    paths = paths_of(resource) or [resource["path"]]
    frames = [read(base / path, dialect, resource.get("encoding"), names) for path in paths]
    first = frames[0]
    rest = [
        frame.rename(dict(zip(frame.columns, first.columns, strict=False))) for frame in frames[1:]
    ]
    return pl.concat([first, *rest], how="diagonal_relaxed") if rest else first


def in_parts(
    resource: Mapping[str, Any], base: Path, dialect: Mapping[str, Any], items: list[Any]
) -> list[Any]:
    """Findings about rows of the whole table, each named by the file its row is in."""
    paths = paths_of(resource)
    located = parts(paths, base, dialect, resource.get("encoding")) if paths else None
    if located is None:
        return items
    return [located.relocate(i) if isinstance(i, Finding) else i for i in items]
