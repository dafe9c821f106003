"""Rows added, removed and changed between two versions of one resource, matched by primary
key and compared field by field, as text (so "700" and "0700" differ, as they do in the file).

Bumps: a removed row is major (a fact a user relied on is gone: withdraw it instead); an added
row is minor; a row whose status becomes, or stops being, `withdrawn` is minor (the set of
standing facts changes, as with a new row); any other changed value is a patch.
"""

from __future__ import annotations

from kzdata.pipelines.change import Change
from kzdata.pipelines.errors import InvalidPackage
from kzdata.pipelines.package_reader import Table

# The tombstone convention (schemas/tables/observations.json): a withdrawn fact stays.
STATUS_FIELD = "status"
WITHDRAWN = "withdrawn"


def row_changes(name: str, old: Table, new: Table, key: list[str]) -> list[Change]:
    """Changes of resource `name` from `old` to `new`. Rows are matched by `key` (the new
    primary key) when both tables have its fields, else by all the fields they share."""
    common = [f for f in new.header if f in old.header]
    if not key or any(k not in common for k in key):
        key = common
    old_rows, new_rows = _by_key(name, old, key), _by_key(name, new, key)
    old_at = [old.header.index(f) for f in common]
    new_at = [new.header.index(f) for f in common]
    same_header = old.header == new.header
    changes = []
    for k, row in old_rows.items():
        if k not in new_rows:
            changes.append(
                Change(
                    "rows",
                    "row-removed",
                    "major",
                    f"{name}: row {'/'.join(k)} removed",
                    resource=name,
                    key=dict(zip(key, k, strict=True)),
                    old=_as_dict(old.header, row),
                )
            )
    for k, row in new_rows.items():
        before = old_rows.get(k)
        if before is None:
            changes.append(
                Change(
                    "rows",
                    "row-added",
                    "minor",
                    f"{name}: row {'/'.join(k)} added",
                    resource=name,
                    key=dict(zip(key, k, strict=True)),
                    new=_as_dict(new.header, row),
                )
            )
        elif not (same_header and before == row):
            changed = [
                (field, _cell(before, i), _cell(row, j))
                for field, i, j in zip(common, old_at, new_at, strict=True)
                if _cell(before, i) != _cell(row, j)
            ]
            if changed:
                changes.append(_changed_row(name, dict(zip(key, k, strict=True)), changed))
    return changes


def _changed_row(name: str, key: dict[str, str], changed: list[tuple[str, str, str]]) -> Change:
    old = {field: a for field, a, _ in changed}
    new = {field: b for field, _, b in changed}
    kind, bump = "row-changed", "patch"
    if STATUS_FIELD in old and WITHDRAWN in (old[STATUS_FIELD], new[STATUS_FIELD]):
        withdrawn = new[STATUS_FIELD] == WITHDRAWN
        kind, bump = ("row-withdrawn" if withdrawn else "row-reinstated"), "minor"
    fields = "; ".join(f"{field} {_show(a)} → {_show(b)}" for field, a, b in changed)
    verb = {"row-withdrawn": "withdrawn", "row-reinstated": "reinstated"}.get(kind, "changed")
    return Change(
        "rows",
        kind,
        bump,
        f"{name}: row {'/'.join(key.values())} {verb}: {fields}",
        resource=name,
        key=key,
        old=old,
        new=new,
    )


def _by_key(name: str, table: Table, key: list[str]) -> dict[tuple[str, ...], list[str]]:
    at = [table.header.index(k) for k in key]
    rows: dict[tuple[str, ...], list[str]] = {}
    for number, row in enumerate(table.rows, start=2):  # frictionless numbering: header is 1
        k = tuple(_cell(row, i) for i in at)
        if k in rows:
            raise InvalidPackage(
                f"{name}: row {number} repeats the key {'/'.join(k)} ({', '.join(key)}), so its "
                "rows cannot be matched; validate the package"
            )
        rows[k] = row
    return rows


def _cell(row: list[str], i: int) -> str:
    return row[i] if i < len(row) else ""  # a short (ragged) row: its missing cells are empty


def _as_dict(header: list[str], row: list[str]) -> dict[str, str]:
    return {field: _cell(row, i) for i, field in enumerate(header)}


def _show(cell: str, limit: int = 60) -> str:
    if cell == "":
        return "(empty)"
    text = repr(cell)
    return text if len(text) <= limit else text[: limit - 1] + "…"
