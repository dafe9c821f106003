"""What a finding becomes in a report: its declared severity, its value masked when the rule is
a privacy rule, and its value and message cut to a bounded length (a 50 MB cell is quoted by
its first characters only). Report.add applies this to every finding, so no format can forget
it."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING

from kzdata.pipelines.finding import INTERNAL_RULE, Finding

if TYPE_CHECKING:  # read at run time only through the object passed in
    from kzdata.pipelines.severities import Severities

MASK = "***"
# Characters of a cell's value a finding quotes, and of a message; the rest is cut.
VALUE_CHARS = 200
MESSAGE_CHARS = 2000


def apply(
    finding: Finding,
    severities: Severities,
    value_chars: int = VALUE_CHARS,
    message_chars: int = MESSAGE_CHARS,
) -> Finding:
    """The finding as every report format shows it, its value and message cut to
    `value_chars` and `message_chars` (`kzdata validate --max-value-chars`, ...)."""
    severity = severity_of(finding.layer, finding.rule, severities)
    # A layer may hand over a number or a date: the report's value is always text.
    value = None if finding.value is None else str(finding.value)
    if severities.is_privacy(finding.layer, finding.rule):
        shown = None if value is None else MASK
    else:
        shown = shorten(value, value_chars)
    message = replace_value(finding.message, value, shown) if shown != value else finding.message
    return replace(finding, severity=severity, value=shown, message=shorten(message, message_chars))


def severity_of(layer: str, rule: str, severities: Severities) -> str:
    """The declared severity of `rule` in `layer`."""
    # A crash is a bug whatever the declaration says: never a warning that CI could ignore.
    return "error" if rule == INTERNAL_RULE else severities.severity(layer, rule)


def shorten(text: str | None, limit: int = VALUE_CHARS) -> str | None:
    """`text` cut to its first `limit` characters, saying how long it was."""
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text)} characters in all]"


def mask(message: str, value: str | None) -> str:
    """`message` with every occurrence of `value` replaced by the mask, also where the layer
    wrote it escaped (as repr() or JSON would)."""
    return replace_value(message, value, MASK)


def replace_value(message: str, value: str | None, shown: str | None) -> str:
    """`message` with every occurrence of `value` replaced by `shown`, also where the layer
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
        message = message.replace(form, shown or "")
    return message
