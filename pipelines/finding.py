"""A finding: one thing a validation layer found, in the shape every layer shares; and the two
notes a layer may add beside its findings: what it did not check, and how many findings it
left out."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# The rule of the finding a crashing layer becomes (exit 3): a bug, never invalid data.
INTERNAL_RULE = "internal-error"
# Findings kept per (layer, rule, resource); the rest are counted, not kept (--max-findings).
DEFAULT_LIMIT = 1000


@dataclass(frozen=True)
class Finding:
    """One thing a layer found, located as precisely as the layer can.

    `row` is numbered as frictionless numbers rows: the header is row 1, the first data row 2.
    `path` is the file the finding is in, relative to the package folder. `value` is the
    offending text exactly as the message quotes it (so that it can be masked). `severity` is
    set from schemas/severities.yaml when a Report gathers the finding.
    """

    layer: str
    rule: str
    message: str
    severity: str = "error"
    resource: str | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class NotChecked:
    """A layer had nothing to check here (no citations, no documents, a resource it cannot
    read): said in the report so that silence is never taken for a pass. Never fails."""

    layer: str
    reason: str
    resource: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Omitted:
    """Findings of one rule a layer found but did not hand over, to keep the report and the
    memory bounded by the cap. `count` is None when the engine stopped without counting them
    (frictionless stops reading a table at its error limit)."""

    layer: str
    rule: str | None
    resource: str | None
    count: int | None


LayerItem = Finding | NotChecked | Omitted
