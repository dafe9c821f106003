"""What a finding becomes in a report: its declared severity, and its value masked when the
rule is a privacy rule. Report.add applies this to every finding, so no format can forget it."""

from __future__ import annotations

import json
from dataclasses import replace

from kzdata.pipelines.finding import INTERNAL_RULE, Finding
from kzdata.schemas.severities import Severities

MASK = "***"


def apply(finding: Finding, severities: Severities) -> Finding:
    """The finding as every report format shows it."""
    severity = severity_of(finding.layer, finding.rule, severities)
    # A layer may hand over a number or a date: the report's value is always text.
    value = None if finding.value is None else str(finding.value)
    if not severities.is_privacy(finding.layer, finding.rule):
        return replace(finding, severity=severity, value=value)
    return replace(
        finding,
        severity=severity,
        value=None if value is None else MASK,
        message=mask(finding.message, value),
    )


def severity_of(layer: str, rule: str, severities: Severities) -> str:
    """The declared severity of `rule` in `layer`."""
    # A crash is a bug whatever the declaration says: never a warning that CI could ignore.
    return "error" if rule == INTERNAL_RULE else severities.severity(layer, rule)


def mask(message: str, value: str | None) -> str:
    """`message` with every occurrence of `value` replaced by the mask, also where the layer
    wrote it escaped (as repr() or JSON would)."""
    if not value:
        return message
    forms = {
        value,
        repr(value)[1:-1],
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
    }
    # Longest first, so a shorter form never leaves part of a longer one behind.
    for form in sorted(forms, key=len, reverse=True):
        message = message.replace(form, MASK)
    return message
