"""Resources of other shapes than one CSV file: a multipart resource (`path` a list) is checked
as one table, and each finding names the file its row is in and the row there (each file's
header row is its row 1); a resource with inline `data` is checked by the frictionless layer
and named as not checked by the layers that read CSV files only. In every report format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from kzdata.cli.main import app

FIELDS = [
    {"name": "id", "type": "string"},
    {"name": "value", "type": "integer"},
    {"name": "lower_bound", "type": "integer"},
    {"name": "upper_bound", "type": "integer"},
]


def multipart(folder, *, header: bool = True):
    """Three files of one table; a bad type in the second file's third row, bounds in the
    wrong order in the third file's second row, both with a header row per file."""
    head = "id,value,lower_bound,upper_bound\n" if header else ""
    (folder / "part1.csv").write_text(head + "a,1,0,2\nb,1,0,2\n", encoding="utf-8")
    (folder / "part2.csv").write_text(head + "c,1,0,2\nd,many,0,2\n", encoding="utf-8")
    (folder / "part3.csv").write_text(head + "e,1,5,2\n", encoding="utf-8")
    resource = {
        "name": "observations",
        "path": ["part1.csv", "part2.csv", "part3.csv"],
        "schema": {"fields": FIELDS},
    }
    if not header:
        resource["dialect"] = {"header": False}
    descriptor = {"name": "p", "resources": [resource]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def inline(folder):
    rows = [
        ["id", "value", "lower_bound", "upper_bound"],
        ["a", "1", "0", "2"],
        ["b", "x", "5", "2"],
    ]
    descriptor = {
        "name": "p",
        "resources": [{"name": "observations", "data": rows, "schema": {"fields": FIELDS}}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def report(runner, folder, *args: str) -> dict:
    result = runner.invoke(app, ["validate", str(folder), "-f", "json", *args])
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("engine", ["fast", "frictionless", "auto"])
def test_a_multipart_finding_names_its_file_and_row(runner, tmp_path, engine) -> None:
    found = report(runner, multipart(tmp_path), "-l", "frictionless", "--engine", engine)
    places = [(f["rule"], f["path"], f["row"], f["field"]) for f in found["findings"]]
    assert places == [("type-error", "part2.csv", 3, "value")]
    assert "in part2.csv, row 3" in found["findings"][0]["message"]


def test_a_multipart_table_is_read_whole_by_the_pandera_layer(runner, tmp_path) -> None:
    found = report(runner, multipart(tmp_path), "-l", "pandera")
    places = {(f["rule"], f["path"], f["row"]) for f in found["findings"]}
    assert places == {("bounds-ordered", "part3.csv", 2), ("value-within-bounds", "part3.csv", 2)}


def test_multipart_files_without_header_rows_count_from_one(runner, tmp_path) -> None:
    found = report(runner, multipart(tmp_path, header=False), "-l", "frictionless", "-l", "pandera")
    places = {(f["layer"], f["path"], f["row"]) for f in found["findings"]}
    assert places == {
        ("frictionless", "part2.csv", 2),
        ("pandera", "part3.csv", 1),
    }


def test_inline_data_is_checked_by_frictionless_and_named_by_the_others(runner, tmp_path) -> None:
    found = report(runner, inline(tmp_path))
    assert [(f["layer"], f["rule"], f["row"]) for f in found["findings"]] == [
        ("frictionless", "type-error", 3)
    ]
    not_checked = {(n["layer"], n["resource"]) for n in found["not_checked"]}
    assert ("pandera", "observations") in not_checked
    # Every layer that has rules for a table named `observations` says it did not read it.
    assert ("great_expectations", "observations") in not_checked


@pytest.mark.parametrize("fmt", ["text", "github", "junit", "sarif"])
def test_every_format_names_the_file_of_a_multipart_row(runner, tmp_path, fmt) -> None:
    folder = multipart(tmp_path)
    result = runner.invoke(app, ["validate", str(folder), "-f", fmt, "-l", "frictionless"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    out = result.stdout
    if fmt == "text":
        assert "observations (part2.csv)" in out and "in part2.csv, row 3" in out
    elif fmt == "github":
        (line,) = [x for x in out.splitlines() if x.startswith("::error")]
        assert "part2.csv,line=3," in line
    elif fmt == "junit":
        failures = ET.fromstring(out).iter("failure")
        assert any("part2.csv" in (f.text or "") + str(f.attrib) for f in failures)
    else:
        (result_,) = json.loads(out)["runs"][0]["results"]
        place = result_["locations"][0]["physicalLocation"]
        assert place["artifactLocation"]["uri"].endswith("part2.csv")
        assert place["region"]["startLine"] == 3


@pytest.mark.parametrize("fmt", ["text", "github", "junit", "sarif", "json"])
def test_every_format_says_what_was_not_checked_of_inline_data(runner, tmp_path, fmt) -> None:
    result = runner.invoke(app, ["validate", str(inline(tmp_path)), "-f", fmt, "-l", "pandera"])
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "inline data" in result.stdout


def test_diff_and_release_read_a_multipart_table_as_frictionless_does(tmp_path) -> None:
    from kzdata.pipelines.package_reader import open_package, read_table

    table = read_table(open_package(multipart(tmp_path)), "observations")
    assert table.header == [f["name"] for f in FIELDS]
    assert [row[0] for row in table.rows] == ["a", "b", "c", "d", "e"]
