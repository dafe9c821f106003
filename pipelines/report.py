"""The validation report: findings from every layer in one layer-agnostic shape."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kzdata.pipelines import finding_policy
from kzdata.pipelines.errors import ExitCode
from kzdata.pipelines.finding import (
    DEFAULT_LIMIT,
    INTERNAL_RULE,
    Finding,
    LayerItem,
    NotChecked,
    Omitted,
)
from kzdata.pipelines.severities import Severities, declared

if TYPE_CHECKING:
    from kzdata.pipelines.finding_positions import Location, Locator

__all__ = [
    "DEFAULT_LIMIT",
    "INTERNAL_RULE",
    "REPORT_VERSION",
    "Finding",
    "LayerItem",
    "NotChecked",
    "Omitted",
    "Report",
]

# Version of the JSON shape (schemas/report.schema.json); bumped only on a breaking change.
REPORT_VERSION = 1
FAIL_ON = ("error", "warning")


@dataclass
class Truncation:
    """Where the report was cut short: `shown` findings of a rule were kept, `omitted` more
    were left out (None: the engine stopped without counting them)."""

    layer: str
    rule: str | None
    resource: str | None
    shown: int
    omitted: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "rule": self.rule,
            "resource": self.resource,
            "shown": self.shown,
            "omitted": self.omitted,
        }

    def describe(self, limit: int) -> str:
        """The cut in words, with how to see more."""
        rule = f"{self.layer}/{self.rule}" if self.rule else f"the {self.layer} layer"
        where = self.resource or "the package"
        more = "more not counted" if self.omitted is None else f"{self.omitted} more not shown"
        stop = "stopped reading" if self.rule is None else "cut short"
        return (
            f"{rule} in {where}: {stop} after {self.shown} finding(s), {more} (the limit is "
            f"{limit} per rule and resource; raise it with --max-findings)"
        )


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
        findings: Iterable[LayerItem] = (),
        severities: Severities | None = None,
        limit: int = DEFAULT_LIMIT,
        value_chars: int = finding_policy.VALUE_CHARS,
        message_chars: int = finding_policy.MESSAGE_CHARS,
    ) -> None:
        if limit < 1:
            raise ValueError(f"the findings limit is a positive number, not {limit}")
        self.target = target
        self.descriptor = descriptor
        self.layers: list[str] = list(layers)
        self.severities = severities if severities is not None else declared()
        self.limit = limit
        self.value_chars, self.message_chars = value_chars, message_chars
        # How the formats name files of a package that was unpacked or downloaded (the zip or
        # URL), and its positions, found while the temporary copy still existed.
        self.display_root: str | None = None
        self.locator: Locator | None = None
        self._findings: list[Finding] = []
        self.not_checked: list[NotChecked] = []
        self._cuts: dict[tuple[str, str | None, str | None], Truncation] = {}
        self.add(findings)

    def add(self, items: Iterable[LayerItem]) -> None:
        """Gather a layer's findings (graded and masked), what it did not check, and what it
        left out. At most `limit` findings are kept per (layer, rule, resource); the rest
        are counted."""
        for item in items:
            if isinstance(item, NotChecked):
                self.not_checked.append(item)
            elif isinstance(item, Omitted):
                cut = self._cut(item.layer, item.rule, item.resource)
                cut.omitted = (
                    None
                    if item.count is None or cut.omitted is None
                    else (cut.omitted + item.count)
                )
            else:
                cut = self._cut(item.layer, item.rule, item.resource)
                if cut.shown < self.limit or item.rule == INTERNAL_RULE:
                    cut.shown += 1
                    self._findings.append(
                        finding_policy.apply(
                            item, self.severities, self.value_chars, self.message_chars
                        )
                    )
                elif cut.omitted is not None:
                    cut.omitted += 1

    def _cut(self, layer: str, rule: str | None, resource: str | None) -> Truncation:
        key = (layer, rule, resource)
        if key not in self._cuts:
            self._cuts[key] = Truncation(layer, rule, resource, shown=0, omitted=0)
        return self._cuts[key]

    @property
    def truncated(self) -> list[Truncation]:
        """The rules whose findings were cut short, in the order they were first found."""
        cuts = [c for c in self._cuts.values() if c.omitted != 0]
        for cut in cuts:
            if cut.rule is None:  # the engine stopped for every rule: all it found is shown
                cut.shown = sum(
                    c.shown
                    for c in self._cuts.values()
                    if (c.layer, c.resource) == (cut.layer, cut.resource) and c.rule is not None
                )
        return cuts

    def locate(self, finding: Finding) -> Location:
        """Where `finding` is on disk (file, line, column). The files are scanned once, at the
        first call, or while a temporary copy still existed (validate sets `locator` then)."""
        if self.locator is None:
            from kzdata.pipelines.finding_positions import Locator

            self.locator = Locator(self)
        return self.locator.locate(finding)

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

    def exit_code(self, fail_on: str = "error") -> ExitCode:
        """0 valid, 1 findings at or above `fail_on` ('error' or 'warning'), 3 a layer crashed
        (a bug, whatever else was found)."""
        if fail_on not in FAIL_ON:
            raise ValueError(f"fail_on is one of {', '.join(FAIL_ON)}, not {fail_on!r}")
        if self.internal:
            return ExitCode.INTERNAL
        failing = self._findings if fail_on == "warning" else self.errors
        return ExitCode.FINDINGS if failing else ExitCode.VALID

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape, described by schemas/report.schema.json."""
        return {
            "version": REPORT_VERSION,
            "target": self.target,
            "valid": self.valid,
            "layers": list(self.layers),
            "counts": {"error": len(self.errors), "warning": len(self.warnings)},
            "findings": [f.to_dict() for f in self._findings],
            "limit": self.limit,
            "truncated": [
                t.to_dict() | {"message": t.describe(self.limit)} for t in self.truncated
            ],
            "not_checked": [n.to_dict() for n in self.not_checked],
        }
