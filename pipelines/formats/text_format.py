"""Text: a readable table of findings, grouped by resource."""

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
    if not report.findings:
        return f"{head}\nvalid\n"
    lines = [head, ""]
    ordered = sorted(report.findings, key=lambda f: (f.resource or "", f.row or 0, f.field or ""))
    for resource, group in groupby(ordered, key=lambda f: f.resource):
        findings = list(group)
        where = f" ({findings[0].path})" if findings[0].path else ""
        lines.append(f"{resource or 'package'}{where}")
        lines += _table([_cells(f) for f in findings])
        lines.append("")
    lines.append("invalid" if report.errors else "valid, with warnings")
    return "\n".join(lines) + "\n"


def _cells(f: Finding) -> list[str]:
    return [str(f.row or ""), f.field or "", f.layer, f.rule, f.severity, f.message]


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS[:-1])]
    fmt = "  " + "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    return [fmt.format(*COLUMNS), *(fmt.format(*r) for r in rows)]
