"""Which tables the layers may read: every local CSV table's raw bytes are checked first
(kzdata.pipelines.raw_table), and a table no reader should parse (a file far larger than its
recorded bytes, a cell beyond the limit, bytes that are not UTF-8) is withheld from every
layer, which says so, rather than read in part or without bound."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzdata.pipelines.finding import Finding, LayerItem, NotChecked
from kzdata.pipelines.raw_table import WITHHOLDING, check_table
from kzdata.pipelines.table_limits import RawLimits
from kzdata.pipelines.target import Target


@dataclass
class Gate:
    """The raw findings (the frictionless layer's), and the withheld tables with why."""

    items: list[LayerItem] = field(default_factory=list)
    withheld: dict[str, str] = field(default_factory=dict)
    paths: set[str] = field(default_factory=set)  # the withheld tables' files

    def withholding(self) -> list[LayerItem]:
        """The findings that made a table withheld."""
        return [
            item
            for item in self.items
            if isinstance(item, Finding)
            and item.rule in WITHHOLDING
            and item.resource in self.withheld
        ]

    def not_checked(self, layer: str) -> list[NotChecked]:
        """What `layer` does not check, one note per withheld table."""
        return [
            NotChecked(layer, f"not read: {reason}", name) for name, reason in self.withheld.items()
        ]


def check(target: Target, limits: RawLimits, limit: int) -> Gate:
    """The raw checks of every local CSV table of an opened target."""
    gate = Gate()
    for resource in target.checked["resources"]:
        path = _local_csv(resource, target.basepath)
        if path is None:
            continue
        try:
            result = check_table(path, resource, limits, limit)
        except OSError:
            continue  # frictionless says what is wrong with the file
        gate.items += result.items
        if result.withheld is not None and isinstance(resource.get("name"), str):
            gate.withheld.setdefault(resource["name"], result.withheld)
            gate.paths.add(resource["path"])
    return gate


def _local_csv(resource: Any, base: Path) -> Path | None:
    """The file of a resource that is one local CSV file, when it exists."""
    if not isinstance(resource, dict):
        return None
    path = resource.get("path")
    if not isinstance(path, str) or "://" in path:
        return None
    fmt = resource.get("format") or Path(path).suffix.lstrip(".")
    if str(fmt).lower() != "csv" or not (base / path).is_file():
        return None
    return base / path


def without(target: Target, withheld: dict[str, str]) -> Target:
    """The target as the layers that read cells see it: without the withheld tables, and
    without the foreign keys that point at them."""
    if not withheld:
        return target
    kept = [
        i
        for i, r in enumerate(target.checked["resources"])
        if not (isinstance(r, dict) and r.get("name") in withheld)
    ]

    def narrowed(descriptor: dict[str, Any] | None) -> dict[str, Any] | None:
        if descriptor is None:
            return None
        resources = [_without_keys(descriptor["resources"][i], withheld) for i in kept]
        return {**descriptor, "resources": resources}

    parts = {
        (kept.index(i), key): value for (i, key), value in target.part_files.items() if i in kept
    }
    return dataclasses.replace(
        target,
        descriptor=narrowed(target.descriptor),
        resolved=narrowed(target.resolved),
        part_files=parts,
    )


def _without_keys(resource: Any, withheld: dict[str, str]) -> Any:
    schema = resource.get("schema") if isinstance(resource, dict) else None
    if not isinstance(schema, dict) or not isinstance(schema.get("foreignKeys"), list):
        return resource
    keys = [fk for fk in schema["foreignKeys"] if _points_at(fk) not in withheld]
    return {**resource, "schema": {**schema, "foreignKeys": keys}}


def _points_at(foreign_key: Any) -> Any:
    reference = foreign_key.get("reference") if isinstance(foreign_key, dict) else None
    return reference.get("resource") if isinstance(reference, dict) else None
