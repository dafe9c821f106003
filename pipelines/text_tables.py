"""Rows of text cells, for the provenance checks that walk a few rows one by one (the sources,
the statements that point into a document). Rows are numbered as frictionless numbers them:
the header is row 1, the first data row is row 2."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl


@dataclass(frozen=True)
class Row:
    number: int
    cells: Mapping[str, str | None]  # an empty cell is None

    def __getitem__(self, field: str) -> str | None:
        return self.cells.get(field)


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    rows: list[Row]


def rows(frame: pl.DataFrame, number: str) -> list[Row]:
    """The rows of a text frame, each numbered by its column `number`."""
    return [
        Row(record.pop(number), {k: v if v != "" else None for k, v in record.items()})
        for record in frame.iter_rows(named=True)
    ]
