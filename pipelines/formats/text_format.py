"""Text: a readable table of findings, grouped by resource and file (a multipart resource has
several)."""

from __future__ import annotations

from itertools import groupby

from kzdata.pipelines.report import Finding, Report

COLUMNS = ("row", "field", "layer", "rule", "severity", "message")


def render(report: Report) -> str:
    layers = ", ".join(report.layers) or "none"
    head = (
        f"{report.target}: {len(report.errors)} error(s), {len(report.warnings)} warning(s) "
        f"(layers: {layers})"
    )
    notes = _notes(report)
    if not report.findings:
        return "\n".join([head, *notes, "valid"]) + "\n"
    lines = [head, *notes, ""]
    ordered = sorted(
        report.findings, key=lambda f: (f.resource or "", f.path or "", f.row or 0, f.field or "")
    )
    for (resource, path), group in groupby(ordered, key=lambda f: (f.resource, f.path)):
        findings = list(group)
        where = f" ({path})" if path else ""
        lines.append(f"{resource or 'package'}{where}")
        lines += _table([_cells(f) for f in findings])
        lines.append("")
    lines.append("invalid" if report.errors else "valid, with warnings")
    return "\n".join(lines) + "\n"


def _notes(report: Report) -> list[str]:
    """What the report does not show: the rules cut short, and what a layer did not check."""
    lines = [cut.describe(report.limit) for cut in report.truncated]
    for note in report.not_checked:
        where = f" ({note.resource})" if note.resource else ""
        lines.append(f"not checked by {note.layer}{where}: {note.reason}")
    return lines


def _cells(f: Finding) -> list[str]:
    return [str(f.row or ""), f.field or "", f.layer, f.rule, f.severity, f.message]


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS[:-1])]
    fmt = "  " + "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    return [fmt.format(*COLUMNS), *(fmt.format(*r) for r in rows)]
