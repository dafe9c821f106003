"""The validation report: findings from every layer in one layer-agnostic shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

REPORT_VERSION = 1
INTERNAL_RULE = "internal-error"


@dataclass(frozen=True)
class Finding:
    """One thing a layer found, located as precisely as the layer can.

    `row` is numbered as frictionless numbers rows: the header is row 1, the first data row 2.
    `path` is the file the finding is in, relative to the package folder.
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


@dataclass
class Report:
    """What `kzdata validate` found in one target."""

    target: str
    layers: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def internal(self) -> list[Finding]:
        return [f for f in self.findings if f.rule == INTERNAL_RULE]

    @property
    def valid(self) -> bool:
        return not self.errors

    def exit_code(self, fail_on: str = "error") -> int:
        """0 valid, 1 findings at or above `fail_on`, 3 a layer crashed (a bug)."""
        if self.internal:
            return 3
        failing = self.findings if fail_on == "warning" else self.errors
        return 1 if failing else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "target": self.target,
            "valid": self.valid,
            "layers": self.layers,
            "counts": {"error": len(self.errors), "warning": len(self.warnings)},
            "findings": [f.to_dict() for f in self.findings],
        }
