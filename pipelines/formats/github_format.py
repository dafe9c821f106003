"""GitHub: workflow commands that annotate each finding at its CSV file, line and column."""

from __future__ import annotations

from kzdata.pipelines.finding_positions import Location
from kzdata.pipelines.report import Finding, Report


def render(report: Report) -> str:
    lines = [command(f, report.locate(f)) for f in report.findings]
    # What the report does not show is a notice: it informs, it does not fail the step.
    lines += [
        f"::notice title=kzdata/cut short::{escape_data(cut.describe(report.limit))}"
        for cut in report.truncated
    ]
    for note in report.not_checked:
        title = escape_property(f"{note.layer}/not checked")
        text = escape_data(f"{note.resource or 'package'}: {note.reason}")
        lines.append(f"::notice title={title}::{text}")
    return "".join(line + "\n" for line in lines)


def command(finding: Finding, where: Location) -> str:
    """`::error file=F,line=L,col=C,title=T::message` (or ::warning), escaped as GitHub
    unescapes it; unknown properties are left out."""
    properties = {
        "file": where.file,
        "line": where.line,
        "col": where.column,
        "title": f"{finding.layer}/{finding.rule}",
    }
    listed = ",".join(
        f"{name}={escape_property(str(value))}"
        for name, value in properties.items()
        if value is not None
    )
    return f"::{finding.severity} {listed}::{escape_data(finding.message)}"


def escape_data(text: str) -> str:
    # '%' first, so the escapes added after it are not escaped again.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
