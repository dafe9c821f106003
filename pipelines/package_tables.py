"""The tables of an opened package, read once each and only when a rule needs them, and
narrowed to what a frame reads (kzdata.pipelines.frame_spec.FrameSpec)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from kzdata.pipelines.target import Target, is_local_csv_table
from kzdata.pipelines.typed_table import ROW, TableUnavailable, invalid_column, read_table

# A kind of value a frame reads (frame_spec's TEXT, NUMBER, BOOLEAN) -> its polars test.
Kinds = Mapping[str, Any]


class PackageTables:
    """The package's resources by name (the first of a repeated name), typed on first use."""

    def __init__(self, target: Target) -> None:
        assert target.descriptor is not None
        self._base = target.basepath
        self._resources: dict[str, dict[str, Any]] = {}
        for resource in target.descriptor["resources"]:
            name = resource.get("name") if isinstance(resource, dict) else None
            if isinstance(name, str):
                self._resources.setdefault(name, resource)
        self._read: dict[str, pl.DataFrame | str] = {}

    def names(self) -> list[str]:
        return list(self._resources)

    def path(self, name: str) -> str | None:
        path = self._resources.get(name, {}).get("path")
        return path if isinstance(path, str) else None

    def table(self, name: str) -> pl.DataFrame | str:
        """The typed table, or why there is none to read."""
        if name not in self._read:
            resource = self._resources.get(name)
            if resource is None:
                self._read[name] = f"the package has no resource {name}"
            elif not is_local_csv_table(resource):
                self._read[name] = f"resource {name} is not a local CSV table with a Table Schema"
            else:
                try:
                    self._read[name] = read_table(resource, self._base)
                except TableUnavailable as exc:
                    self._read[name] = f"resource {name} cannot be read: {exc}"
        return self._read[name]

    def resolve(
        self,
        needs: Mapping[str, Mapping[str, str]],
        optional: Mapping[str, Mapping[str, str]],
        kinds: Kinds,
    ) -> dict[str, pl.DataFrame] | str:
        """The tables a frame reads, narrowed to its columns (with ROW and the invalid marks),
        or why it cannot be computed. `needs` must be there with the right kind of value; an
        `optional` column is read when it is, and an optional resource may be missing."""
        got: dict[str, pl.DataFrame] = {}
        for name in dict.fromkeys([*needs, *optional]):
            table = self.table(name)
            if isinstance(table, str):
                if name not in needs and name not in self._resources:
                    continue
                return table
            absent = [c for c in optional.get(name, {}) if c not in table.columns]
            if absent and name not in needs:
                # An optional table without its columns (an empty file, a renamed header) is
                # read as no table: the header is the frictionless layer's finding.
                continue
            columns = dict(optional.get(name, {}))
            for column, kind in needs.get(name, {}).items():
                if column not in table.columns:
                    return f"resource {name} has no column {column}"
                if not kinds[kind](table.schema[column]):
                    return f"column {column} of {name} holds {table.schema[column]}, not {kind}"
                columns[column] = kind
            read = [
                c for c, k in columns.items() if c in table.columns and kinds[k](table[c].dtype)
            ]
            marks = [invalid_column(c) for c in read if invalid_column(c) in table.columns]
            # An optional column the table lacks, or holds with the wrong kind of value, reads
            # as empty, so that no frame meets a column it cannot find.
            empty = [pl.lit(None).alias(c) for c in optional.get(name, {}) if c not in read]
            got[name] = table.select(ROW, *read, *marks, *empty)
        return got
