"""The tables of an opened package, read once each and only when a layer needs them, and shared
by the layers of one validation (`loaded(target)`); narrowed to what a frame reads
(kzdata.pipelines.frame_spec.FrameSpec) for the Great Expectations suites.

When the layers to run say what they read (`plan(target, reads, forms)`), a table keeps only
the columns they read, and after each layer (`done()`) only those the layers still to run read,
in the forms they read them (its cells as written, TEXT; its typed values, TYPED): at a million
rows, free text no rule reads (notes, origins), the text of a number only the typed value of
which is read later, and a table no later layer reads would otherwise stay in memory to the
end."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import polars as pl

from kzdata.pipelines import typed_table
from kzdata.pipelines.frame_spec import EMPTY
from kzdata.pipelines.target import Target, is_local_csv_table
from kzdata.pipelines.typed_table import (
    ROW,
    LoadedTable,
    TableUnavailable,
    as_text,
    invalid_column,
    read_table,
)

# A kind of value a frame reads (frame_spec's TEXT, NUMBER, BOOLEAN) -> its polars test.
Kinds = Mapping[str, Any]
# What one layer reads: resource name -> the columns it reads of it (none: only its rows).
Reads = Mapping[str, Collection[str]]
# The forms of a table a layer reads: its cells as written, its typed values.
TEXT, TYPED = "text", "typed"
BOTH = frozenset({TEXT, TYPED})


def loaded(target: Target) -> PackageTables:
    """The tables of `target`, shared by every layer that reads them in this validation (every
    column of each, unless `plan` said what the layers read)."""
    if target.tables is None:
        target.tables = PackageTables(target)
    return target.tables


def plan(
    target: Target, reads: Sequence[Reads], forms: Sequence[Collection[str]] | None = None
) -> PackageTables:
    """The tables of `target` for the layers that will read them, in the order they run, each
    saying what it reads, and in which `forms` (TEXT, TYPED; both when not said): a table is
    read with the columns any of them reads, and narrowed after each layer
    (`PackageTables.done`)."""
    said = list(forms) if forms is not None else [BOTH] * len(reads)
    target.tables = PackageTables(target, list(zip(reads, said, strict=True)))
    return target.tables


class PackageTables:
    """The package's resources by name (the first of a repeated name), read on first use."""

    def __init__(
        self, target: Target, reads: Sequence[tuple[Reads, Collection[str]]] | None = None
    ) -> None:
        self._base = target.basepath
        # What the layers still to run read, and in which forms; None: all of it, to the end.
        self._reads = list(reads) if reads is not None else None
        # Schema and dialect files come read in, as they were checked when the target opened.
        self._all: list[Any] = list(target.checked["resources"])
        self._resources: dict[str, dict[str, Any]] = {}
        self._index: dict[str, int] = {}  # a name's place in the descriptor
        for index, resource in enumerate(self._all):
            name = resource.get("name") if isinstance(resource, dict) else None
            if isinstance(name, str) and name not in self._resources:
                self._resources[name], self._index[name] = resource, index
        self._loaded: dict[int, LoadedTable | TableUnavailable] = {}

    def load(self, index: int) -> LoadedTable:
        """The resource at `index` of the descriptor (a local CSV table), read once.
        Raises TableUnavailable."""
        if index not in self._loaded:
            try:
                wanted = self._wanted(self._all[index], BOTH)
                self._loaded[index] = read_table(self._all[index], self._base, wanted)
            except TableUnavailable as exc:
                self._loaded[index] = exc
        got = self._loaded[index]
        if isinstance(got, TableUnavailable):
            raise got
        return got

    def take(
        self,
        name: str,
        fields: Sequence[str],
        frames: Callable[[list[str]], tuple[pl.DataFrame, pl.DataFrame] | None],
    ) -> None:
        """Keep the table `name` as the frictionless layer's engine read it, when a layer to run
        reads it and it is not read yet: `fields` are the table's fields (its header reads
        them, in order), `frames(columns)` gives its (text, typed) frames of `columns`, or
        None (engine.Evaluated.handed_over). So it is not read a second time."""
        resource = self._resources.get(name)
        if resource is None or not is_local_csv_table(resource):
            return
        index = self._index[name]
        if index in self._loaded or (self._reads is not None and not self._read_later(resource)):
            return
        wanted = self._wanted(resource, BOTH)
        columns = [f for f in fields if wanted is None or f in wanted] or list(fields[:1])
        handed = frames(columns)
        if handed is None:
            return
        try:
            self._loaded[index] = typed_table.loaded_table(resource, self._base, *handed)
        except TableUnavailable:
            return  # read as usual, to say why

    def done(self) -> None:
        """The first of the planned layers has run: each table read keeps only the columns the
        layers still to run read, and one that none of them reads is let go (read again if
        asked for)."""
        if not self._reads:
            return
        self._reads.pop(0)
        self._narrow()

    def still_read(self, reads: Reads) -> None:
        """The layer running now reads only `reads` from here on (what is left of its work):
        each table read keeps only those columns and the later layers'."""
        if not self._reads:
            return
        self._reads[0] = (reads, self._reads[0][1])
        self._narrow()

    def _narrow(self) -> None:
        for index, got in list(self._loaded.items()):
            if isinstance(got, TableUnavailable):
                continue
            resource = self._all[index]
            text, typed = self._wanted(resource, {TEXT}), self._wanted(resource, {TYPED})
            if text is None or typed is None:
                continue
            if not self._read_later(resource):
                del self._loaded[index]
            else:
                self._loaded[index] = got.narrowed(text, typed)

    def _wanted(self, resource: Any, forms: Collection[str]) -> set[str] | None:
        """The columns the layers still to run read of `resource` in any of `forms`; None:
        every column."""
        if self._reads is None:
            return None
        name = resource.get("name") if isinstance(resource, dict) else None
        return {
            c for reads, read in self._reads if set(read) & set(forms) for c in reads.get(name, ())
        }

    def _read_later(self, resource: Any) -> bool:
        name = resource.get("name") if isinstance(resource, dict) else None
        return any(name in reads for reads, _ in self._reads or ())

    def names(self) -> list[str]:
        return list(self._resources)

    def path(self, name: str) -> str | None:
        path = self._resources.get(name, {}).get("path")
        return path if isinstance(path, str) else None

    def get(self, name: str) -> LoadedTable | str:
        """The table as read, or why there is none to read."""
        resource = self._resources.get(name)
        if resource is None:
            return f"the package has no resource {name}"
        if not is_local_csv_table(resource):
            return f"resource {name} is not a local CSV table with a Table Schema"
        try:
            return self.load(self._index[name])
        except TableUnavailable as exc:
            return f"resource {name} cannot be read: {_why(exc)}"

    def table(self, name: str) -> pl.DataFrame | str:
        """The typed table, or why there is none to read."""
        got = self.get(name)
        if isinstance(got, str):
            return got
        try:
            return got.typed
        except TableUnavailable as exc:
            return f"resource {name} cannot be read: {_why(exc)}"

    def resolve(
        self,
        needs: Mapping[str, Mapping[str, str]],
        optional: Mapping[str, Mapping[str, str]],
        kinds: Kinds,
    ) -> dict[str, pl.DataFrame] | str:
        """The tables a frame reads, narrowed to its columns (with ROW and the invalid marks),
        coded text as text again (`typed_table.as_text`), or why it cannot be computed. `needs`
        must be there with the right kind of value; an `optional` column is read when it is,
        and an optional resource may be missing."""
        got: dict[str, pl.DataFrame] = {}
        for name in dict.fromkeys([*needs, *optional]):
            typed = self.table(name)
            if isinstance(typed, str):
                if name not in needs and name not in self._resources:
                    continue
                return typed
            table = as_text(typed)
            schema = table.collect_schema()
            absent = [c for c in optional.get(name, {}) if c not in schema]
            if absent and name not in needs:
                # An optional table without its columns (an empty file, a renamed header) is
                # read as no table: the header is the frictionless layer's finding.
                continue
            columns = dict(optional.get(name, {}))
            for column, kind in needs.get(name, {}).items():
                if column not in schema:
                    return f"resource {name} has no column {column}"
                if not kinds[kind](schema[column]):
                    return f"column {column} of {name} holds {schema[column]}, not {kind}"
                columns[column] = kind
            read = [c for c, k in columns.items() if c in schema and kinds[k](schema[c])]
            marks = [invalid_column(c) for c in read if invalid_column(c) in schema]
            # An optional column the table lacks, or holds with the wrong kind of value, reads
            # as empty, so that no frame meets a column it cannot find.
            empty = [
                pl.lit(None, EMPTY[kind]).alias(c)
                for c, kind in optional.get(name, {}).items()
                if c not in read
            ]
            got[name] = table.select(ROW, *read, *marks, *empty).collect()
        return got


def _why(exc: TableUnavailable) -> str:
    if exc.rule == "schema-error":
        return f"its Table Schema or dialect cannot be used: {exc}"
    return str(exc)
