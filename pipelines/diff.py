"""Diff: what changed between two versions of a data package, and the version bump it needs.

Load both descriptors, compare what they declare (schema_diff) and their rows (row_diff),
and gather one Diff whose bump is the strongest any change needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kzdata.pipelines.change import SECTIONS, Change
from kzdata.pipelines.package_reader import (
    Package,
    file_sha256,
    open_package,
    read_table,
    resource_paths,
)
from kzdata.pipelines.row_diff import row_changes
from kzdata.pipelines.schema_diff import package_changes, resource_changes
from kzdata.pipelines.semver import strongest


@dataclass(frozen=True)
class Side:
    """One of the two packages compared: what the user named, and its version."""

    target: str
    version: str | None


@dataclass
class Diff:
    old: Side
    new: Side
    changes: list[Change]

    @property
    def bump(self) -> str:
        """The bump the changes need: "major", "minor", "patch", or "none" when nothing changed."""
        return strongest([c.bump for c in self.changes])

    def needing(self, bump: str) -> list[Change]:
        """The changes that need exactly this bump."""
        return [c for c in self.changes if c.bump == bump]


def diff(old: str | Path, new: str | Path) -> Diff:
    """Compare the package at `old` with the package at `new`: folders, datapackage.json
    files, zips or http(s) URLs (unpacked or fetched safely, as `kzdata validate` does).

    Raises CannotRun when either is missing or cannot be fetched, InvalidPackage when one
    cannot be read, UnsafeArchive or UnsafeRemote when a zip or a download is refused.
    """
    from kzdata.pipelines.local_package import local_package

    with local_package(old) as before, local_package(new) as after:
        return _diff(before.path, after.path)


def _diff(old: Path, new: Path) -> Diff:
    # Load inputs
    before, after = open_package(old), open_package(new)
    # Process data
    changes = package_changes(before.descriptor, after.descriptor)
    for name in before.resources:
        if name not in after.resources:
            changes.append(
                Change(
                    "schema", "resource-removed", "major", f"resource {name} removed", resource=name
                )
            )
    for name, resource in after.resources.items():
        if name not in before.resources:
            rows = sum(1 for _ in read_table(after, name).rows) if resource_paths(resource) else 0
            changes.append(
                Change(
                    "schema",
                    "resource-added",
                    "minor",
                    f"resource {name} added ({rows} rows)",
                    resource=name,
                )
            )
            continue
        changes += resource_changes(name, before.resources[name], resource)
        changes += _rows(before, after, name)
    changes.sort(key=lambda c: SECTIONS.index(c.section))  # stable: keeps the order within
    return Diff(Side(str(old), before.version), Side(str(new), after.version), changes)


def _rows(before: Package, after: Package, name: str) -> list[Change]:
    old, new = before.resources[name], after.resources[name]
    if not resource_paths(old) or not resource_paths(new):
        return []  # inline data: compared as a property by resource_changes
    if _same_text(before, after, name):
        return []  # the same bytes read the same way: no row can differ
    key = (new.get("schema") or {}).get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    return row_changes(name, read_table(before, name), read_table(after, name), key)


def _same_text(before: Package, after: Package, name: str) -> bool:
    old, new = before.resources[name], after.resources[name]
    reading = ("dialect", "encoding", "format", "compression")
    if any(old.get(k) != new.get(k) for k in reading):
        return False
    fields = [
        [f.get("name") for f in (r.get("schema") or {}).get("fields", [])] for r in (old, new)
    ]
    if fields[0] != fields[1]:
        return False
    old_paths, new_paths = resource_paths(old), resource_paths(new)
    if len(old_paths) != len(new_paths):
        return False
    try:
        return all(
            file_sha256(before.folder / a) == file_sha256(after.folder / b)
            for a, b in zip(old_paths, new_paths, strict=True)
        )
    except OSError:
        return False  # read_table names the missing or unreadable file
