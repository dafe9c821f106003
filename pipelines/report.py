"""The validation report: findings from every layer in one layer-agnostic shape."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kzdata.pipelines import finding_policy
from kzdata.pipelines.finding import INTERNAL_RULE, Finding
from kzdata.schemas.severities import Severities, declared

__all__ = ["INTERNAL_RULE", "REPORT_VERSION", "Finding", "Report"]

# Version of the JSON shape (schemas/report.schema.json); bumped only on a breaking change.
REPORT_VERSION = 1
FAIL_ON = ("error", "warning")


class Report:
    """What `kzdata validate` found in one target.

    Findings enter only through `add`, which gives each its declared severity and masks the
    values of privacy rules: every format renders the same, already safe, findings.
    `descriptor` is the path of the descriptor file that was opened (relative to the working
    directory when the target was given so): findings' paths are relative to its folder.
    """

    def __init__(
        self,
        target: str,
        *,
        descriptor: str | None = None,
        layers: Iterable[str] = (),
        findings: Iterable[Finding] = (),
        severities: Severities | None = None,
    ) -> None:
        self.target = target
        self.descriptor = descriptor
        self.layers: list[str] = list(layers)
        self.severities = severities if severities is not None else declared()
        self._findings: list[Finding] = []
        self.add(findings)

    def add(self, findings: Iterable[Finding]) -> None:
        self._findings += [finding_policy.apply(f, self.severities) for f in findings]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(self._findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self._findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self._findings if f.severity == "warning"]

    @property
    def internal(self) -> list[Finding]:
        return [f for f in self._findings if f.rule == INTERNAL_RULE]

    @property
    def valid(self) -> bool:
        return not self.errors

    def exit_code(self, fail_on: str = "error") -> int:
        """0 valid, 1 findings at or above `fail_on` ('error' or 'warning'), 3 a layer crashed
        (a bug, whatever else was found)."""
        if fail_on not in FAIL_ON:
            raise ValueError(f"fail_on is one of {', '.join(FAIL_ON)}, not {fail_on!r}")
        if self.internal:
            return 3
        failing = self._findings if fail_on == "warning" else self.errors
        return 1 if failing else 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape, described by schemas/report.schema.json."""
        return {
            "version": REPORT_VERSION,
            "target": self.target,
            "valid": self.valid,
            "layers": list(self.layers),
            "counts": {"error": len(self.errors), "warning": len(self.warnings)},
            "findings": [f.to_dict() for f in self._findings],
        }
