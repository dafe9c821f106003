"""SHA256SUMS: one line per file, `<hex>  <relative path>`, as `sha256sum -c` reads it.

Lines are sorted by path, so the same files always give the same bytes (and signature).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kzdata.pipelines.package_reader import file_sha256

NAME = "SHA256SUMS"
# Written in text mode (two spaces); `sha256sum -c` also accepts binary mode (" *").
_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def render(folder: Path, exclude: set[str]) -> bytes:
    """The SHA256SUMS of every file under `folder` except the relative paths in `exclude`."""
    files = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).as_posix() not in exclude
    )
    for name in files:
        # sha256sum escapes such names with a backslash prefix; our files never need it.
        if "\n" in name or "\\" in name:
            raise ValueError(f"{name!r}: a file name with a line break or backslash")
    return "".join(f"{file_sha256(folder / name)}  {name}\n" for name in files).encode("utf-8")


@dataclass(frozen=True)
class Entry:
    line: int
    sha256: str
    path: str


def parse(content: bytes) -> tuple[list[Entry], list[tuple[int, str]]]:
    """The entries of a SHA256SUMS file, and (line, text) of each line that is not one."""
    entries, malformed = [], []
    text = content.decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _LINE.match(line):
            entries.append(Entry(number, match.group(1), match.group(2)))
        elif line.strip():
            malformed.append((number, line))
    return entries, malformed
