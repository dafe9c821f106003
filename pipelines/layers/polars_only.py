"""Run pandera for polars without importing pandas.

pandera imports pandas (about half a second here) to offer its pandas API: at its own import,
and again when it first looks up a check's backend. It takes its polars-only path wherever
pandas is not installed. The pandera layer validates polars frames only, so while it runs,
pandas is made to look absent (`polars_only()`); afterwards pandas imports as usual (the Great
Expectations layer needs it). Where pandas is already imported, nothing is hidden.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

# Imported by pandera only for its pandas API and its data synthesis (hypothesis).
_HIDDEN = ("pandas", "hypothesis")


class _Absent(importlib.abc.MetaPathFinder):
    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> Any:
        if name.partition(".")[0] in _HIDDEN:
            # Worded as Python words it, which is how pandera tells "not installed".
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


@contextlib.contextmanager
def polars_only() -> Iterator[None]:
    """Within: pandas and hypothesis cannot be imported, unless they already are."""
    if any(name in sys.modules for name in _HIDDEN):
        yield
        return
    finder = _Absent()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
