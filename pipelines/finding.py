"""A finding: one thing a validation layer found, in the shape every layer shares."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# The rule of the finding a crashing layer becomes (exit 3): a bug, never invalid data.
INTERNAL_RULE = "internal-error"


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
