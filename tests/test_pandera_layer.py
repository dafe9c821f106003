"""The pandera layer on the real package: the shipped package passes; for each cross-column rule
a broken copy that frictionless accepts and pandera rejects, at the right row and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kzdata.cli.main import app
from kzdata.pipelines.layers import frictionless_layer, pandera_layer
from kzdata.pipelines.target import Target, open_target
from kzdata.pipelines.validate import LAYERS, validate

# Rows of the shipped observations.csv, numbered as frictionless does (header = row 1).
APPROXIMATE_700 = 2  # kz_cases_opened_2025: 700 in 630..770, period 2025, as of 2025-12-25
EXACT_28 = 3  # kz_cases_opened_mercenarism_2025: 28 = 28 = 28
VAGUE = 5  # kz_cases_opened_per_year_before_2025: no value, 24..60, no period start
LIST_JULY = 4  # events: doc000_list_published_2025_07, 2025-07 (month)


def found(package) -> list[tuple[str, str, str, int, str]]:
    """(rule, resource, field, row, value) of every pandera finding."""
    findings = pandera_layer.check(open_target(package.folder), 1000)
    return [(f.rule, f.resource, f.field, f.row, f.value) for f in findings]


def frictionless_accepts(package) -> bool:
    return frictionless_layer.check(open_target(package.folder), 1000) == []


def test_the_layer_runs_after_frictionless() -> None:
    assert list(LAYERS)[:2] == ["frictionless", "pandera"]


def test_the_shipped_package_passes(tools) -> None:
    assert pandera_layer.check(open_target(tools.repo / "datapackage"), 1000) == []
    report = validate(tools.repo / "datapackage")
    assert "pandera" in report.layers and report.valid


def test_the_shipped_package_has_the_rows_these_tests_break(package) -> None:
    assert package.cell("observations", APPROXIMATE_700, "precision") == "approximate"
    assert package.cell("observations", EXACT_28, "precision") == "exact"
    assert package.cell("observations", VAGUE, "precision") == "vague"
    assert package.cell("observations", VAGUE, "value") == ""
    assert package.cell("events", LIST_JULY, "date") == "2025-07"


@pytest.mark.parametrize(
    ("resource", "row", "edits", "rule", "field"),
    [
        ("observations", APPROXIMATE_700, {"value": "800"}, "value-within-bounds", "value"),
        ("observations", VAGUE, {"upper_bound": "20"}, "bounds-ordered", "upper_bound"),
        ("observations", EXACT_28, {"precision": "approximate"}, "precision-bounds", "precision"),
        ("observations", EXACT_28, {"status": "withdrawn"}, "withdrawn-reason", "status"),
        ("observations", EXACT_28, {"upper_bound": "30"}, "precision-bounds", "precision"),
        ("observations", EXACT_28, {"precision": "at_least"}, "precision-bounds", "precision"),
        ("observations", EXACT_28, {"precision": "vague"}, "precision-bounds", "precision"),
        ("observations", VAGUE, {"lower_bound": ""}, "precision-bounds", "precision"),
        ("observations", APPROXIMATE_700, {"period_end": "2024"}, "period-order", "period_end"),
        (
            "observations",
            APPROXIMATE_700,
            {"as_of": "2024-12-31"},
            "as-of-after-period-start",
            "as_of",
        ),
        (
            "observations",
            APPROXIMATE_700,
            {"period_start_precision": "month"},
            "partial-date-precision",
            "period_start_precision",
        ),
        (
            "observations",
            VAGUE,
            {"period_start_precision": "year"},
            "partial-date-precision",
            "period_start_precision",
        ),
        (
            "events",
            LIST_JULY,
            {"date_precision": "day"},
            "partial-date-precision",
            "date_precision",
        ),
        ("events", LIST_JULY, {"date": "2025-02-30"}, "partial-date", "date"),
        (
            "sources",
            2,
            {"published": "2025-12", "published_precision": "year"},
            "partial-date-precision",
            "published_precision",
        ),
    ],
)
def test_a_broken_cross_column_rule(package, resource, row, edits, rule, field) -> None:
    for name, value in edits.items():
        package.set_cell(resource, row, name, value)
    assert frictionless_accepts(package)
    hits = [f for f in found(package) if f[0] == rule]
    assert hits, found(package)
    assert {(res, fld, r) for _, res, fld, r, _ in hits} == {(resource, field, row)}
    assert hits[0][4] == package.cell(resource, row, field)


def test_a_finding_says_which_cells_break_the_rule(package) -> None:
    package.set_cell("observations", APPROXIMATE_700, "value", "800")
    finding = next(
        f
        for f in pandera_layer.check(open_target(package.folder), 1000)
        if f.rule == "value-within-bounds"
    )
    assert finding.layer == "pandera" and finding.value == "800"
    assert finding.path == "data/observations.csv"
    assert "lower_bound=630" in finding.message and "upper_bound=770" in finding.message


def test_a_bad_cell_is_the_frictionless_layers_and_no_rule_guesses_around_it(package) -> None:
    # One defect, one finding: the type is the Table Schema's, checked by frictionless only.
    package.set_cell("observations", EXACT_28, "value", "2B")
    assert found(package) == []
    assert not frictionless_accepts(package)


def test_every_failing_row_is_reported_with_frictionless_row_numbers(package) -> None:
    # A line break in a quoted cell of row 2: row 3 is not line 3.
    package.set_cell("observations", 2, "notes", "first line\nsecond line, quoted")
    package.set_cell("observations", EXACT_28, "value", "29")
    hits = found(package)
    assert ("value-within-bounds", "observations", "value", EXACT_28, "29") in hits
    assert {hit[3] for hit in hits} == {EXACT_28}


def test_a_renamed_column_leaves_its_rules_to_the_header_finding(package) -> None:
    package.edit("observations", "upper_bound,", "ceiling,")
    package.set_cell("observations", EXACT_28, "value", "29")
    assert found(package) == []  # the rule cannot read its column; frictionless says why
    assert not frictionless_accepts(package)


def test_an_unreadable_csv_is_a_finding_not_a_crash(package) -> None:
    package.write_bytes(
        "events", package.csv_path("events").read_bytes() + b"a,b,c,d,e,f,g,h,i,j,k,l\n"
    )
    assert [f[:3] for f in found(package)] == [("csv-unreadable", "events", None)]
    package.write_bytes("events", package.csv_path("events").read_bytes()[:-20] + b"\xff\xfe\n")
    assert [f[:2] for f in found(package)] == [("csv-unreadable", "events")]


def test_a_schema_that_cannot_compile_is_a_finding(package) -> None:
    descriptor = package.read_descriptor()
    fields = next(r for r in descriptor["resources"] if r["name"] == "events")["schema"]["fields"]
    fields[0]["type"] = "decimal"
    package.write_descriptor(descriptor)
    assert [f[:2] for f in found(package)] == [("schema-error", "events")]


def test_missing_values_come_from_the_descriptor(package) -> None:
    package.set_cell("observations", EXACT_28, "notes", "NA")
    package.set_cell("observations", EXACT_28, "value", "NA")
    assert found(package) == []  # "NA" is not an integer: frictionless's finding, not a rule's
    descriptor = package.read_descriptor()
    entry = next(r for r in descriptor["resources"] if r["name"] == "observations")
    entry["schema"]["missingValues"] = ["", "NA"]
    package.write_descriptor(descriptor)
    # Now "NA" is no value: an exact figure without one breaks its precision rule instead.
    assert found(package) == [("precision-bounds", "observations", "precision", EXACT_28, "exact")]


def local_target(tmp_path: Path, resources: list[dict], files: dict[str, bytes]) -> Target:
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    descriptor_path = tmp_path / "datapackage.json"
    descriptor = {"name": "t", "resources": resources}
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    return Target(label=str(tmp_path), descriptor_path=descriptor_path, descriptor=descriptor)


SCHEMA = {
    "fields": [
        {"name": "id"},
        {"name": "value", "type": "integer"},
        {"name": "lower_bound", "type": "integer"},
        {"name": "upper_bound", "type": "integer"},
    ]
}


def rule_hits(target: Target) -> list[tuple[str, int | None, str | None]]:
    return [(f.rule, f.row, f.value) for f in pandera_layer.check(target, 1000)]


def test_a_headerless_csv_numbers_its_first_row_1(tmp_path) -> None:
    resource = {"name": "t", "path": "t.csv", "schema": SCHEMA, "dialect": {"header": False}}
    target = local_target(tmp_path, [resource], {"t.csv": b"a,5,1,10\nb,20,1,10\n"})
    assert rule_hits(target) == [("value-within-bounds", 2, "20")]


def test_a_missing_value_is_no_value(tmp_path) -> None:
    schema = {**SCHEMA, "missingValues": ["NA"]}
    resource = {"name": "t", "path": "t.csv", "schema": schema}
    content = b"id,value,lower_bound,upper_bound\na,NA,1,10\nb,20,1,10\n"
    target = local_target(tmp_path, [resource], {"t.csv": content})
    assert rule_hits(target) == [("value-within-bounds", 3, "20")]


def test_dialect_encoding_and_schema_files_are_honoured(tmp_path) -> None:
    resource = {
        "name": "t",
        "path": "t.csv",
        "encoding": "latin-1",
        "schema": "schema.json",
        "dialect": {"delimiter": ";"},
    }
    files = {
        "t.csv": "id;value;lower_bound;upper_bound\né;5;1;10\nü;20;1;10\n".encode("latin-1"),
        "schema.json": json.dumps(SCHEMA).encode(),
    }
    target = local_target(tmp_path, [resource], files)
    assert rule_hits(target) == [("value-within-bounds", 3, "20")]


def test_tables_that_are_not_local_csv_files_are_named_as_not_checked(tmp_path) -> None:
    resources = [
        {"name": "inline", "data": [["id", "n"], ["a", "x"]], "schema": SCHEMA},
        {"name": "json", "path": "t.json", "format": "json", "schema": SCHEMA},
        {"name": "remote", "path": "https://example.org/t.csv", "schema": SCHEMA},
        {"name": "untyped", "path": "t.csv"},
        {"name": "multipart", "path": ["t.csv", "t.csv"], "schema": SCHEMA},
    ]
    content = b"id,value,lower_bound,upper_bound\na,20,1,10\n"
    target = local_target(tmp_path, resources, {"t.csv": content, "t.json": b"[]"})
    items = pandera_layer.check(target, 1000)
    assert sorted((type(i).__name__, i.resource) for i in items) == [
        ("Finding", "multipart"),  # each of its two files has the row out of bounds
        ("Finding", "multipart"),
        ("NotChecked", "inline"),
        ("NotChecked", "json"),
        ("NotChecked", "remote"),
    ]
    assert {(i.path, i.row) for i in items if i.resource == "multipart"} == {("t.csv", 2)}


def test_the_cli_reports_pandera_findings(runner, package) -> None:
    package.set_cell("observations", APPROXIMATE_700, "period_end", "2024")
    result = runner.invoke(app, ["validate", str(package), "--layer", "pandera", "-f", "json"])
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    assert [(f["layer"], f["rule"], f["row"], f["field"]) for f in findings] == [
        ("pandera", "period-order", APPROXIMATE_700, "period_end")
    ]


def test_the_pandera_layer_runs_without_pandas_and_great_expectations_after_it(package) -> None:
    # pandera's pandas API costs half a second to import; this layer validates polars frames.
    package.set_cell("observations", APPROXIMATE_700, "value", "800")
    code = (
        "import sys\n"
        "from kzdata.pipelines.validate import validate\n"
        f"first = validate({str(package)!r}, layers=['pandera'])\n"
        "print('pandas' in sys.modules, sorted({f.rule for f in first.findings}))\n"
        f"both = validate({str(package)!r}, layers=['pandera', 'great_expectations'])\n"
        "print('pandas' in sys.modules, sorted({f.layer for f in both.findings}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "False ['precision-bounds', 'value-within-bounds']",
        "True ['great_expectations']",
    ]
