"""How far kzdata reads a table's bytes (`kzdata validate --max-cell-bytes`, `--bytes-margin`):
named here, apart from the code that reads, so that the CLI can show them without importing it."""

from __future__ import annotations

from dataclasses import dataclass

# A table with a cell longer than this is reported and read by no layer.
MAX_CELL_BYTES = 16 * 1024 * 1024
# A table file this much larger than its recorded `bytes` is reported and not read at all.
BYTES_MARGIN = 16 * 1024 * 1024


@dataclass(frozen=True)
class RawLimits:
    """How far a table's bytes are read."""

    max_cell_bytes: int = MAX_CELL_BYTES
    bytes_margin: int = BYTES_MARGIN
