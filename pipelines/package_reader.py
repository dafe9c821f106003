"""Read a local data package as data: its descriptor, each resource's schema, and its rows
as text. Used by diff and release, which compare and copy packages without validating them.

What validate refuses before reading data (a malformed descriptor, a path that leaves the
package) is refused here too, as InvalidPackage (exit 1); a target that is not there is
CannotRun (exit 2).
"""

from __future__ import annotations

import copy
import csv
import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzdata.pipelines.csv_dialect import Dialect
from kzdata.pipelines.errors import InvalidPackage
from kzdata.pipelines.target import UnreadablePart, descriptor_part, open_target


@dataclass
class Table:
    """A resource as the CSV text gives it: a header, and its rows (lists of cells), read
    once as they are iterated."""

    header: list[str]
    rows: Iterator[list[str]]


@dataclass
class Package:
    """A package read from `folder`. Its resources have their schema and dialect inline."""

    label: str
    folder: Path
    descriptor: dict[str, Any]

    @property
    def version(self) -> str | None:
        version = self.descriptor.get("version")
        return version if isinstance(version, str) else None

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return {r["name"]: r for r in self.descriptor["resources"]}


def open_package(target: str | Path) -> Package:
    """Read the descriptor of the package at `target` (a folder or its datapackage.json)."""
    opened = open_target(target)
    if opened.descriptor is None or opened.findings:
        problems = "\n".join(f"  {_where(f.resource, f.field)}{f.message}" for f in opened.findings)
        raise InvalidPackage(f"{opened.descriptor_path}: not a usable data package:\n{problems}")
    descriptor = copy.deepcopy(opened.descriptor)
    names = []
    for i, resource in enumerate(descriptor["resources"]):
        name = resource.get("name")
        if not isinstance(name, str) or not name:
            raise InvalidPackage(f"{opened.descriptor_path}: resources[{i}] has no name")
        names.append(name)
        for key in ("schema", "dialect"):
            if key in resource:
                try:
                    resource[key] = descriptor_part(resource[key], opened.basepath, key)
                except UnreadablePart as exc:
                    raise InvalidPackage(f"{opened.descriptor_path}: {name}: {exc}") from None
    if duplicates := sorted({n for n in names if names.count(n) > 1}):
        raise InvalidPackage(
            f"{opened.descriptor_path}: two resources are named {', '.join(duplicates)}"
        )
    return Package(str(target), opened.basepath, descriptor)


def _where(resource: str | None, field: str | None) -> str:
    return f"{resource}.{field}: " if resource and field else f"{resource}: " if resource else ""


def resource_paths(resource: dict[str, Any]) -> list[str]:
    """The resource's file paths, relative to the package folder (none for inline data)."""
    path = resource.get("path")
    if path is None:
        return []
    return list(path) if isinstance(path, list) else [path]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_table(package: Package, name: str) -> Table:
    """Resource `name` as text, in the dialect its descriptor declares: its header now, its
    rows as they are read (once), so that a table is never held whole. A multipart resource
    is one table, as frictionless reads it: the header is its first file's, and the header
    row of every later file is skipped. A missing or unreadable file raises
    InvalidPackage, here or while the rows are read."""
    resource = package.resources[name]
    dialect = resource.get("dialect") or {}
    header = Dialect.of(dialect).has_header
    rows = itertools.chain.from_iterable(
        # Every file after the first starts with its header row, which frictionless skips.
        itertools.islice(_rows(package.folder / path, name, resource, dialect), skip, None)
        for skip, path in zip(
            [0] + [1 if header else 0] * len(resource_paths(resource)),
            resource_paths(resource),
            strict=False,
        )
    )
    if header:
        header = next(rows, [])
    else:
        fields = (resource.get("schema") or {}).get("fields", [])
        header = [str(f.get("name")) for f in fields]
    return Table(header, rows)


def _rows(
    file: Path, name: str, resource: dict[str, Any], dialect: dict[str, Any]
) -> Iterator[list[str]]:
    try:
        with file.open(encoding=_encoding(resource), newline="") as f:
            yield from csv.reader(f, **Dialect.of(dialect).csv_module())
    except FileNotFoundError:
        raise InvalidPackage(f"{file}: resource {name}'s file is missing") from None
    except (OSError, UnicodeDecodeError, csv.Error, LookupError, TypeError) as exc:
        raise InvalidPackage(f"{file}: resource {name} cannot be read as CSV: {exc}") from None


def _encoding(resource: dict[str, Any]) -> str:
    encoding = resource.get("encoding") or "utf-8"
    # A byte-order mark is not part of the first column's name.
    return "utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding
