"""Nothing is dropped silently: a report cut short says so in every format, what a layer did
not check is named, and a huge cell is quoted by a bounded prefix."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from kzdata.cli.main import app
from kzdata.pipelines import validate as validate_module
from kzdata.pipelines.finding_policy import MESSAGE_CHARS, VALUE_CHARS
from kzdata.pipelines.report import Finding, NotChecked, Omitted, Report

FORMATS = ("text", "json", "github", "junit", "sarif")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


def many_bad_values(package, count: int, value: str = "x{i}") -> None:
    """`count` more observations rows whose value is `value` (by default not an integer; ids
    and facts kept distinct: each is for a region of its own)."""
    rows = package.rows("observations")
    header, first = rows[0], rows[1]
    grown = list(rows)
    for i in range(count):
        row = list(first)
        row[header.index("observation_id")] = f"bad_{i}"
        row[header.index("value")] = value.format(i=i)
        row[header.index("geography")] = f"KZ-{i}"
        grown.append(row)
    package.write_bytes(
        "observations",
        "".join(",".join(f'"{c}"' if "," in c else c for c in r) + "\n" for r in grown).encode(),
    )


def test_report_keeps_the_limit_per_rule_and_resource_and_counts_the_rest() -> None:
    findings = [Finding("pandera", "type", f"bad {i}", resource="a") for i in range(5)]
    findings += [Finding("pandera", "type", "bad", resource="b")]
    findings += [Finding("pandera", "enum", f"bad {i}", resource="a") for i in range(2)]
    report = Report("x", findings=findings, limit=2)
    kept = [(f.rule, f.resource) for f in report.findings]
    assert kept == [("type", "a"), ("type", "a"), ("type", "b"), ("enum", "a"), ("enum", "a")]
    (cut,) = report.truncated
    assert (cut.layer, cut.rule, cut.resource, cut.shown, cut.omitted) == (
        "pandera",
        "type",
        "a",
        2,
        3,
    )
    (entry,) = report.to_dict()["truncated"]
    assert {k: entry[k] for k in ("layer", "rule", "resource", "shown", "omitted")} == {
        "layer": "pandera",
        "rule": "type",
        "resource": "a",
        "shown": 2,
        "omitted": 3,
    }
    assert "3 more not shown" in entry["message"] and "--max-findings" in entry["message"]


def test_a_count_the_engine_did_not_make_stays_unknown() -> None:
    report = Report("x", findings=[Finding("frictionless", "type-error", "m", resource="a")])
    report.add([Omitted("frictionless", None, "a", None), Omitted("frictionless", None, "a", 5)])
    (cut,) = report.truncated
    assert cut.omitted is None and "not counted" in cut.describe(report.limit)


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Report("x", limit=0)


# An integer above every bound: a row rule breaks (the type is fine).
OUT_OF_BOUNDS = "99999"


@pytest.mark.parametrize(
    ("layer", "engine", "value", "rule", "omitted"),
    [
        # frictionless itself stops reading at its error limit, without counting the rest
        ("frictionless", "frictionless", "x{i}", None, None),
        # the fast engine reads every row and counts what it left out
        ("frictionless", "fast", "x{i}", "type-error", 26),
        ("pandera", "auto", OUT_OF_BOUNDS, "value-within-bounds", 26),
    ],
)
def test_each_layer_is_capped_and_the_cut_is_reported(
    package, layer, engine, value, rule, omitted
) -> None:
    many_bad_values(package, 30, value)
    args = ["--layer", layer, "--engine", engine, "--max-findings", "4"]
    code, out = run(str(package), "--format", "json", *args)
    report = json.loads(out)
    assert code == 1 and report["limit"] == 4
    bad_values = [f for f in report["findings"] if f["field"] == "value"]
    assert len(bad_values) == 4
    cuts = [t for t in report["truncated"] if t["resource"] == "observations"]
    (cut,) = [t for t in cuts if t["rule"] == rule]
    assert cut["layer"] == layer and cut["shown"] == 4 and cut["omitted"] == omitted


def test_an_uncut_report_says_nothing_about_cuts(package) -> None:
    many_bad_values(package, 3)
    code, out = run(str(package), "--format", "json", "--max-findings", "3")
    assert code == 1 and json.loads(out)["truncated"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_says_the_report_was_cut_short(package, fmt) -> None:
    many_bad_values(package, 12, OUT_OF_BOUNDS)
    code, out = run(str(package), "--format", fmt, "--layer", "pandera", "--max-findings", "2")
    assert code == 1
    assert "cut short" in out and "--max-findings" in out and "10 more not shown" in out
    if fmt == "junit":
        ET.fromstring(out)
    if fmt in ("json", "sarif"):
        json.loads(out)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_names_what_a_layer_did_not_check(package, monkeypatch, fmt) -> None:
    note = NotChecked("provenance", "the package ships no documents", resource="citations")
    monkeypatch.setitem(validate_module.LAYERS, "pandera", lambda target, limit: [note])
    code, out = run(str(package), "--format", fmt)
    assert code == 0  # not checked is not a failure
    assert "the package ships no documents" in out
    if fmt == "junit":
        skipped = ET.fromstring(out).find(".//testcase/skipped")
        assert skipped is not None and skipped.get("message") == note.reason
    if fmt == "json":
        notes = json.loads(out)["not_checked"]
        assert [n for n in notes if n["layer"] == "provenance"] == [
            {"layer": "provenance", "reason": note.reason, "resource": "citations"}
        ]


def test_a_huge_cell_is_quoted_by_a_bounded_prefix(package) -> None:
    huge = "A" * 2_000_000  # breaks the lower-case pattern of citation ids
    package.set_cell("citations", 2, "citation_id", huge)
    code, out = run(str(package), "--format", "json")
    assert code == 1
    assert len(out) < 200_000  # a handful of findings, not copies of a 2 MB cell
    hits = [f for f in json.loads(out)["findings"] if f["value"] and f["value"].startswith("AAAA")]
    assert hits
    for finding in hits:
        assert len(finding["value"]) < VALUE_CHARS + 40
        assert "2000000 characters" in finding["value"]
        assert len(finding["message"]) <= MESSAGE_CHARS + 40
