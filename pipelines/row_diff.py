"""Rows added, removed and changed between two versions of one resource, matched by primary
key and compared field by field, as text (so "700" and "0700" differ, as they do in the file).

Bumps: a removed row is major (a fact a user relied on is gone: withdraw it instead); an added
row is minor; a row whose status becomes, or stops being, `withdrawn` is minor (the set of
standing facts changes, as with a new row); any other changed value is a patch.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from kzdata.pipelines.change import Change
from kzdata.pipelines.errors import InvalidPackage
from kzdata.pipelines.package_reader import Table

# The tombstone convention (schemas/tables/observations.json): a withdrawn fact stays.
STATUS_FIELD = "status"
WITHDRAWN = "withdrawn"


def row_changes(name: str, old: Table, new: Table, key: list[str]) -> list[Change]:
    """Changes of resource `name` from `old` to `new`. Rows are matched by `key` (the new
    primary key) when both tables have its fields, else by all the fields they share.

    The old rows are held by key; the new ones are compared as they are read, and an old row
    is let go once matched, so that memory holds one table, not two.
    """
    common = [f for f in new.header if f in old.header]
    if not key or any(k not in common for k in key):
        key = common
    old_at = [old.header.index(f) for f in common]
    new_at = [new.header.index(f) for f in common]
    same_header = old.header == new.header
    changes = []
    with _without_gc():
        before_by_key = _by_key(name, old, key)
        new_key_at = [new.header.index(k) for k in key]
        seen: set[tuple[str, ...]] = set()
        for number, row in enumerate(new.rows, start=2):  # frictionless numbering: header is 1
            k = tuple(_cell(row, i) for i in new_key_at)
            if k in seen:
                raise _repeated(name, number, k, key)
            seen.add(k)
            before = before_by_key.pop(k, None)
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
            elif not (same_header and before == tuple(row)):
                changed = [
                    (field, _cell(before, i), _cell(row, j))
                    for field, i, j in zip(common, old_at, new_at, strict=True)
                    if _cell(before, i) != _cell(row, j)
                ]
                if changed:
                    changes.append(_changed_row(name, dict(zip(key, k, strict=True)), changed))
    for k, row in before_by_key.items():  # left unmatched: removed, in the old file's order
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
    return changes


@contextmanager
def _without_gc() -> Iterator[None]:
    """Millions of rows of strings hold no reference cycles, but the cycle collector keeps
    walking them as they pile up: off while rows are read, a million-row table reads in a
    fifth of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


def _by_key(name: str, table: Table, key: list[str]) -> dict[tuple[str, ...], tuple[str, ...]]:
    at = [table.header.index(k) for k in key]
    rows: dict[tuple[str, ...], tuple[str, ...]] = {}
    for number, row in enumerate(table.rows, start=2):
        k = tuple(_cell(row, i) for i in at)
        if k in rows:
            raise _repeated(name, number, k, key)
        rows[k] = tuple(row)
    return rows


def _repeated(name: str, number: int, k: tuple[str, ...], key: list[str]) -> InvalidPackage:
    return InvalidPackage(
        f"{name}: row {number} repeats the key {'/'.join(k)} ({', '.join(key)}), so its rows "
        "cannot be matched; validate the package"
    )


def _cell(row: Sequence[str], i: int) -> str:
    return row[i] if i < len(row) else ""  # a short (ragged) row: its missing cells are empty


def _as_dict(header: list[str], row: Sequence[str]) -> dict[str, str]:
    return {field: _cell(row, i) for i, field in enumerate(header)}


def _show(cell: str, limit: int = 60) -> str:
    if cell == "":
        return "(empty)"
    text = repr(cell)
    return text if len(text) <= limit else text[: limit - 1] + "…"
