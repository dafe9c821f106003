"""One change between two releases of a package, with the version bump it needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The sections of a diff, in the order every format shows them.
SECTIONS = ("schema", "rows", "metadata")


@dataclass(frozen=True)
class Change:
    """What changed, where, and the bump it needs ("major", "minor" or "patch").

    `kind` names the change (`field-removed`, `row-added`, `constraint-tightened`, ...).
    `resource` and `field` locate it (`field` is a property name for metadata changes);
    `key` is a row's primary key, field -> value. `old` and `new` are the values before and
    after: a whole row for an added or removed row, {field: value} of the changed fields only
    for a changed row. `note` says it in words, for a reader.
    """

    section: str
    kind: str
    bump: str
    note: str
    resource: str | None = None
    field: str | None = None
    key: dict[str, str] | None = None
    old: Any = None
    new: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "kind": self.kind,
            "bump": self.bump,
            "resource": self.resource,
            "field": self.field,
            "key": self.key,
            "old": self.old,
            "new": self.new,
            "note": self.note,
        }

    @property
    def key_text(self) -> str:
        """The row's key as a reader sees it: its values, joined by '/'."""
        return "/".join(self.key.values()) if self.key else ""
