"""Read a few named resources of an opened package as rows of text cells, for the layers that
check meaning rather than types (provenance). Rows are numbered as frictionless numbers them:
the header is row 1, the first data row is row 2."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kzdata.pipelines.finding import NotChecked
from kzdata.pipelines.target import Target, UnreadablePart, descriptor_part


@dataclass(frozen=True)
class Row:
    number: int
    cells: Mapping[str, str | None]  # an empty cell is None

    def __getitem__(self, field: str) -> str | None:
        return self.cells.get(field)


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    rows: list[Row]


def read_tables(
    target: Target, needed: Mapping[str, Iterable[str]], layer: str
) -> tuple[dict[str, Table], list[NotChecked]]:
    """The resources named in `needed` that the package has as local CSV tables with the
    fields listed for them; a NotChecked (by `layer`) for each that it lacks or that cannot
    be read (the frictionless and pandera layers report why)."""
    from kzdata.pipelines.csv_frame import UnreadableCsv, read_text_columns

    # Schema and dialect files come read in, as they were checked when the target opened.
    resources = {r.get("name"): r for r in target.checked["resources"] if isinstance(r, dict)}
    tables: dict[str, Table] = {}
    notes: list[NotChecked] = []
    for name, fields in needed.items():
        resource = resources.get(name)
        path = resource.get("path") if resource else None
        if not isinstance(path, str) or "://" in path:
            notes.append(NotChecked(layer, f"the package has no local {name} table", name))
            continue
        try:
            schema = descriptor_part(resource.get("schema", {}), target.basepath, "schema")
            dialect = descriptor_part(resource.get("dialect", {}), target.basepath, "dialect")
            fields_declared = schema.get("fields")
            if not isinstance(fields_declared, list):
                raise UnreadablePart("the schema has no list of fields")
            names = [f.get("name") for f in fields_declared if isinstance(f, dict)]
            frame = read_text_columns(
                target.basepath / path, dialect, resource.get("encoding"), names
            )
        except (UnreadablePart, UnreadableCsv) as exc:
            notes.append(NotChecked(layer, f"{name} cannot be read: {exc}", name))
            continue
        if missing := [f for f in fields if f not in frame.columns]:
            notes.append(NotChecked(layer, f"{name} lacks field(s) {', '.join(missing)}", name))
            continue
        first = 2 if dialect.get("header", True) is not False else 1
        tables[name] = Table(name, path, _rows(frame.to_dicts(), first))
    return tables, notes


def _rows(records: list[dict[str, Any]], first: int) -> list[Row]:
    return [
        Row(i + first, {k: (v if v not in ("", None) else None) for k, v in record.items()})
        for i, record in enumerate(records)
    ]
