"""--format text (the default): readable, grouped by resource."""

from __future__ import annotations

from typer.testing import CliRunner

from kzdata.cli.main import app


def test_findings_are_grouped_under_their_resource(broken) -> None:
    result = CliRunner().invoke(app, ["validate", str(broken.folder)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    headings = [i for i, line in enumerate(lines) if line and not line.startswith(" ")]
    titles = [lines[i] for i in headings]
    assert "observations (data/observations.csv)" in titles
    assert "citations (data/citations.csv)" in titles
    start = headings[titles.index("observations (data/observations.csv)")]
    end = next(i for i in headings if i > start)
    section = "\n".join(lines[start:end])
    assert "type-error" in section and "NOT_AN_INTEGER" in section
    assert "primary-key" not in section
    assert lines[-1] == "invalid"


def test_a_valid_package_says_so(package) -> None:
    result = CliRunner().invoke(app, ["validate", str(package.folder)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "valid"
