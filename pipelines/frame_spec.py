"""What a frame the Great Expectations suites run on is made of: the tables it reads, the
columns of each and the kind of value they must hold, and how it is computed from them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl

Tables = Mapping[str, pl.DataFrame]
# The kind of value a column must hold for a frame to read it, as polars types it.
TEXT, NUMBER, BOOLEAN = "text", "number", "boolean"
KINDS: dict[str, Callable[[pl.DataType], bool]] = {
    TEXT: lambda dtype: dtype == pl.String,
    NUMBER: lambda dtype: dtype.is_numeric(),
    BOOLEAN: lambda dtype: dtype == pl.Boolean,
}
# What an optional column a table lacks is read as: empty, of a type of its kind, so that a
# frame joins and compares it as it would the column.
EMPTY: dict[str, pl.DataType] = {TEXT: pl.String(), NUMBER: pl.Float64(), BOOLEAN: pl.Boolean()}


@dataclass(frozen=True)
class FrameSpec:
    """How to compute one frame: from `needs` (resource -> column -> kind), and from
    `optional` columns when their resource has them."""

    needs: Mapping[str, Mapping[str, str]]
    build: Callable[[Tables], pl.DataFrame]
    optional: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
