"""Generated sections of the README: the text between two markers, rewritten in place."""

from __future__ import annotations

from pathlib import Path

from kzdata.pipelines.errors import CannotRun


def update_file(path: Path, start: str, end: str, section: str) -> bool:
    """Replace the text between the markers in `path` with `section`; True if it changed."""
    text = path.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise CannotRun(f"{path}: no markers ({start} ... {end})")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    new = f"{head}{start}\n\n{section}\n{end}{tail}"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
