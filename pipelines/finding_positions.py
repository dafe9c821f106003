"""Where a finding is on disk: the file relative to the working directory, the CSV line of its
row and the column of its field. Part of assembling the report (Report.locate), before any
format: the formats that point at a file, line and column (github, sarif) only print it."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kzdata.pipelines.csv_positions import Position, cell_positions
from kzdata.pipelines.descriptor_limits import read_descriptor
from kzdata.pipelines.path_safety import unsafe_reason

if TYPE_CHECKING:
    from kzdata.pipelines.report import Finding, Report

CSV_SUFFIXES = (".csv", ".tsv")


@dataclass(frozen=True)
class Location:
    """`file` is a POSIX path relative to the working directory when the file is under it,
    else absolute; `line` and `column` are 1-based, None when unknown."""

    file: str | None
    line: int | None = None
    column: int | None = None


class Locator:
    """Locates every finding of one report; each CSV file is scanned once, up to the last row
    that has a finding. Without a readable CSV, the line is the row number and no column."""

    def __init__(self, report: Report, cwd: Path | None = None) -> None:
        self._cwd = (cwd or Path.cwd()).absolute()
        self._display_root = report.display_root
        descriptor = Path(report.descriptor) if report.descriptor else None
        self._root = descriptor.parent if descriptor else None
        self._descriptor_name = descriptor.name if descriptor else None
        self._positions: dict[str, dict[tuple[int, str | None], Position]] = {}
        cells: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
        for finding in report.findings:
            if finding.row and finding.path and finding.path.lower().endswith(CSV_SUFFIXES):
                # The row's own line too: the fallback when the field is not in the header.
                cells[finding.path] += [(finding.row, finding.field), (finding.row, None)]
        if self._root is None or not cells:
            return
        dialects = _dialects(descriptor) if descriptor else {}
        for path, wanted in cells.items():
            # Never read a file the package may not point at (already refused as a finding).
            if unsafe_reason(path, self._root) is None:
                self._positions[path] = cell_positions(
                    self._root / path, wanted, **dialects.get(path, {})
                )

    def locate(self, finding: Finding) -> Location:
        path = finding.path or self._descriptor_name
        if path is None or self._root is None:
            return Location(file=None, line=finding.row)
        file = self._display(path)
        if not finding.row:
            return Location(file)
        positions = self._positions.get(path, {})
        field = finding.field.split(",")[0] if finding.field else None
        if (position := positions.get((finding.row, field))) is not None:
            return Location(file, position.line, position.column)
        if (position := positions.get((finding.row, None))) is not None:
            return Location(file, position.line)
        return Location(file, finding.row)

    def _display(self, path: str) -> str:
        if self._display_root is not None:  # a temporary copy: named by where it came from
            return f"{self._display_root}/{path}"
        assert self._root is not None
        absolute = Path(os.path.normpath(self._cwd / self._root / path))
        if absolute.is_relative_to(self._cwd):
            return absolute.relative_to(self._cwd).as_posix()
        return absolute.as_posix()


def _dialects(descriptor: Path) -> dict[str, dict[str, str]]:
    """Each resource path's delimiter, quote character and encoding, where the descriptor
    declares them inline (the defaults are the CSV standard's and UTF-8)."""
    try:
        # Within the descriptor limits, as when the target was opened.
        resources = read_descriptor(descriptor).get("resources", [])
    except (OSError, ValueError, AttributeError):  # DescriptorRefused is a ValueError
        return {}
    found: dict[str, dict[str, str]] = {}
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, dict):
            continue
        dialect = resource.get("dialect") if isinstance(resource.get("dialect"), dict) else {}
        options = {
            option: value
            for option, key in (("delimiter", "delimiter"), ("quote_char", "quoteChar"))
            if isinstance(value := dialect.get(key), str) and len(value) == 1
        }
        if isinstance(resource.get("encoding"), str):
            options["encoding"] = resource["encoding"]
        paths = resource.get("path")
        for path in paths if isinstance(paths, list) else [paths]:
            if isinstance(path, str):
                found[path] = options
    return found
