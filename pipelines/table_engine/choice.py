"""Which engine checks a table against its Table Schema: frictionless itself, or the vectorized
one (`--engine auto|fast|frictionless`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

ENGINES = ("auto", "fast", "frictionless")
# Below this size a table is checked by frictionless itself: its row loop (about 1.5 MB/s here)
# costs less than importing polars and compiling the columns' expressions (about 0.15 s).
FAST_ENGINE_MIN_BYTES = 256 * 1024


def wants_fast(
    engine: str, path: Path, has_pattern: bool = False, referenced: Sequence[Path] = ()
) -> bool:
    """Whether the vectorized engine should check the table at `path` under `engine`. Under
    `auto`, a table with a `pattern` constraint goes to the vectorized engine whatever its
    size: its regular expressions run in linear time, where Python's `re` (frictionless's)
    can backtrack without end on a hostile pattern. The size counted is the table's file and
    the `referenced` files of the tables its foreign keys read: frictionless reads those whole
    for a foreign key, so a small table pointing at a large one costs what the large one does."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (engines: {', '.join(ENGINES)})")
    if engine != "auto":
        return engine == "fast"
    if has_pattern:
        return True
    try:
        own = path.stat().st_size
    except OSError:
        return False  # frictionless says what is wrong with the file
    return own + sum(_size(p) for p in referenced) >= FAST_ENGINE_MIN_BYTES


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
