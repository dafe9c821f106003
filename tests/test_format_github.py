"""--format github: workflow commands at the CSV file and line, escaped as GitHub expects."""

from __future__ import annotations

import os
import re

import pytest
from typer.testing import CliRunner

from kzdata.cli.main import app
from kzdata.pipelines import validate as validate_module
from kzdata.pipelines.finding_positions import Location
from kzdata.pipelines.formats.github_format import command
from kzdata.pipelines.report import Finding

COMMAND = re.compile(
    r"^::(?P<level>error|warning|notice) (?P<properties>[^:\r\n]*)::(?P<message>[^\r\n]*)$"
)


def unescape(text: str) -> str:
    """What the runner does with an escaped value (its escapes, '%25' last)."""
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def parse(output: str) -> list[dict[str, str]]:
    """The error and warning annotations (notices of what was not checked are left out)."""
    annotations = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        assert match, f"not a workflow command: {line!r}"
        if match["level"] == "notice":
            continue
        properties = dict(p.split("=", 1) for p in match["properties"].split(","))
        annotations.append(
            {
                "level": match["level"],
                "message": unescape(match["message"]),
                **{k: unescape(v) for k, v in properties.items()},
            }
        )
    return annotations


def run_github(*args: str) -> tuple[int, list[dict[str, str]]]:
    result = CliRunner().invoke(app, ["validate", *args, "--format", "github"])
    return result.exit_code, parse(result.stdout)


def test_annotations_point_at_the_file_and_line(broken, monkeypatch) -> None:
    monkeypatch.chdir(broken.folder.parent)
    code, annotations = run_github(broken.folder.name)
    assert code == 1
    bad = next(a for a in annotations if a["title"].endswith("type-error"))
    assert bad["level"] == "error"
    assert bad["file"] == f"{broken.folder.name}/data/observations.csv"
    line, column = broken.line_and_column("observations", "NOT_AN_INTEGER")
    assert line == 5  # row 4, one line down: an earlier row's notes hold a line break
    assert (bad["line"], bad["col"]) == (str(line), str(column))
    assert "NOT_AN_INTEGER" in bad["message"]
    duplicate = next(a for a in annotations if a["title"].endswith("primary-key"))
    assert duplicate["file"] == f"{broken.folder.name}/data/citations.csv"
    assert len(broken.rows("citations")) == broken.csv_path("citations").read_text().count("\n")
    assert duplicate["line"] == "3"  # one line per row in citations: row 3 is line 3
    # Every finding is annotated.
    assert len(annotations) == len(validate_module.validate(broken.folder).findings)


def test_an_absolute_target_is_shown_relative_to_the_working_directory(broken, monkeypatch) -> None:
    monkeypatch.chdir(broken.folder)
    _, annotations = run_github(str(broken.folder.resolve()))
    assert {a["file"] for a in annotations} == {"data/observations.csv", "data/citations.csv"}


def test_a_target_outside_the_working_directory_keeps_its_path(broken, monkeypatch, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _, annotations = run_github(str(broken.folder))
    expected = os.path.relpath(broken.csv_path("observations"), elsewhere)
    assert any(os.path.relpath(a["file"], elsewhere) == expected for a in annotations)


def test_a_package_level_finding_points_at_the_descriptor(package, monkeypatch) -> None:
    monkeypatch.chdir(package.folder.parent)
    package.descriptor.write_text('{"resources": []}\n{', encoding="utf-8")
    code, annotations = run_github(package.folder.name)
    assert code == 1
    assert [a["file"] for a in annotations] == [f"{package.folder.name}/datapackage.json"]
    assert annotations[0]["line"] == "2"  # a JSON syntax error is located at its line


def test_warnings_are_warning_commands(package, monkeypatch) -> None:
    unsigned = Finding("integrity", "unsigned", "the release has no signature")
    monkeypatch.setitem(validate_module.LAYERS, "integrity", lambda target, limit: [unsigned])
    code, annotations = run_github(str(package.folder))
    assert code == 0
    assert [(a["level"], a["title"]) for a in annotations] == [("warning", "integrity/unsigned")]


@pytest.mark.parametrize(
    "message",
    ["100% sure", "two\nlines\r\nhere", "a: b, c", "%0A is not a line break", "::error::x"],
)
def test_data_and_properties_are_escaped(message: str) -> None:
    finding = Finding("frictionless", "rule,with:colon", message, severity="warning")
    where = Location(file="dir, with: odd%/data.csv", line=3, column=7)
    line = command(finding, where)
    (annotation,) = parse(line)
    assert annotation["message"] == message
    assert annotation["file"] == where.file
    assert annotation["title"] == "frictionless/rule,with:colon"
    assert (annotation["line"], annotation["col"]) == ("3", "7")
