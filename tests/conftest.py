"""Shared fixtures: a writable copy of the shipped data package that tests can break."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "datapackage"


class PackageCopy:
    """A copy of datapackage/ whose cells can be changed. Each change also rewrites the
    resource's declared bytes and hash, so that frictionless reports only the broken cell."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.descriptor = folder / "datapackage.json"

    def resource(self, name: str) -> dict:
        data = json.loads(self.descriptor.read_text(encoding="utf-8"))
        return next(r for r in data["resources"] if r["name"] == name)

    def csv_path(self, name: str) -> Path:
        return self.folder / self.resource(name)["path"]

    def rows(self, name: str) -> list[list[str]]:
        text = self.csv_path(name).read_text(encoding="utf-8")
        return list(csv.reader(io.StringIO(text, newline="")))

    def cell(self, name: str, row: int, field: str) -> str:
        """The cell of `field` in frictionless row `row` (the header is row 1)."""
        rows = self.rows(name)
        return rows[row - 1][rows[0].index(field)]

    def set_cell(self, name: str, row: int, field: str, value: str) -> None:
        rows = self.rows(name)
        rows[row - 1][rows[0].index(field)] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        self.write_bytes(name, out.getvalue().encode("utf-8"))

    def write_bytes(self, name: str, content: bytes) -> None:
        self.csv_path(name).write_bytes(content)
        data = json.loads(self.descriptor.read_text(encoding="utf-8"))
        for resource in data["resources"]:
            if resource["name"] == name:
                resource["bytes"] = len(content)
                resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
        self.descriptor.write_text(json.dumps(data, indent=2), encoding="utf-8")

    def line_and_column(self, name: str, text: str) -> tuple[int, int]:
        """1-based line and column where `text` (unique in the file) stands in the CSV file."""
        content = self.csv_path(name).read_text(encoding="utf-8")
        assert content.count(text) == 1, f"{text!r} is not unique in {name}"
        before = content[: content.index(text)]
        return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


@pytest.fixture
def package(tmp_path: Path) -> PackageCopy:
    folder = tmp_path / "pkg"
    shutil.copytree(SHIPPED, folder)
    return PackageCopy(folder)


@pytest.fixture
def broken(package: PackageCopy) -> PackageCopy:
    """The package with a non-integer value in observations row 4, after a row whose notes
    hold a line break (so row 4 is not line 4), and a duplicate primary key in citations."""
    package.set_cell("observations", 2, "notes", "first line\nsecond line, quoted")
    package.set_cell("observations", 4, "value", "NOT_AN_INTEGER")
    package.set_cell("citations", 3, "citation_id", package.cell("citations", 2, "citation_id"))
    return package
