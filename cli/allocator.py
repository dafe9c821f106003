"""How polars's allocator (jemalloc) returns freed memory to the system: read once, when
polars loads, from `_RJEM_MALLOC_CONF`; a value the user set is kept."""

from __future__ import annotations

import os

VARIABLE = "_RJEM_MALLOC_CONF"
# Freed pages returned at once: a table let go after one layer no longer counts against the
# next layer's peak (about 250 MB at a million rows), for more time spent faulting pages in.
AT_ONCE = "background_thread:true,dirty_decay_ms:0,muzzy_decay_ms:0"
# Freed pages kept half a second (polars's own delay) to be used again, then returned: the
# table checks alone hold one large table at a time, and run about 0.6 s faster at a million
# rows for about 50 MB more.
SOON = "background_thread:true,dirty_decay_ms:500,muzzy_decay_ms:0"
_USER = os.environ.get(VARIABLE)


def configure(setting: str) -> None:
    """Use `setting` unless the user set the variable. Has an effect only before polars
    loads: a command calls it before it imports what reads tables."""
    if _USER is None:
        os.environ[VARIABLE] = setting
