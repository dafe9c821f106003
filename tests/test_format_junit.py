"""--format junit: well-formed JUnit XML, a test case per (rule, resource)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from typer.testing import CliRunner

from kzdata.cli.main import app
from kzdata.pipelines import validate as validate_module
from kzdata.pipelines.formats.junit_format import render
from kzdata.pipelines.report import Finding, Report


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", *args])
    return result.exit_code, result.stdout


def test_one_failing_case_per_rule_and_resource(broken, monkeypatch) -> None:
    monkeypatch.setitem(validate_module.LAYERS, "pandera", lambda target, limit: [])
    layers = ["--layer", "frictionless", "--layer", "pandera"]
    code, xml = run(str(broken.folder), "--format", "junit", *layers)
    assert code == 1
    root = ET.fromstring(xml)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"frictionless", "pandera"}

    _, as_json = run(str(broken.folder), "--format", "json", *layers)
    findings = json.loads(as_json)["findings"]
    expected = {(f["rule"], f["resource"]) for f in findings}
    cases = suites["frictionless"].findall("testcase")
    assert len(cases) == len(expected)
    assert {(c.get("name"), c.get("classname").rsplit(".", 1)[1]) for c in cases} == expected

    type_error = next(c for c in cases if c.get("name") == "type-error")
    failure = type_error.find("failure")
    assert failure is not None and "NOT_AN_INTEGER" in failure.text
    assert "row 4" in failure.text
    for case in cases:  # every case carries its findings
        rule = case.get("name")
        count = sum(f["rule"] == rule for f in findings if f["layer"] == "frictionless")
        assert len(case.find("failure").text.splitlines()) == count

    # A layer that ran and found nothing is a passing case.
    (passing,) = suites["pandera"].findall("testcase")
    assert list(passing) == []
    assert suites["pandera"].get("failures") == "0"
    assert root.get("tests") == str(len(cases) + len(suites) - 1)
    assert root.get("failures") == str(len(cases))


def test_a_valid_package_is_all_passing(package) -> None:
    code, xml = run(str(package.folder), "--format", "junit")
    root = ET.fromstring(xml)
    assert code == 0
    assert root.get("failures") == "0" and int(root.get("tests")) >= 1
    # Passing, or skipped by a layer that had nothing to check (never a failure).
    assert all(c.tag == "skipped" for case in root.iter("testcase") for c in case)


def test_a_crash_is_a_junit_error(package, monkeypatch) -> None:
    def crash(target, limit):
        raise RuntimeError("boom")

    monkeypatch.setitem(validate_module.LAYERS, "pandera", crash)
    code, xml = run(str(package.folder), "--format", "junit")
    root = ET.fromstring(xml)
    assert code == 3
    (case,) = root.find("testsuite[@name='pandera']").findall("testcase")
    assert case.find("error") is not None and "boom" in case.find("error").text
    assert root.get("errors") == "1"


def test_warnings_do_not_fail_their_case() -> None:
    report = Report("x", findings=[Finding("integrity", "unsigned", "no signature")])
    case = ET.fromstring(render(report)).find(".//testcase")
    assert case.find("failure") is None
    assert "no signature" in case.find("system-out").text


def test_characters_xml_cannot_hold_still_give_well_formed_xml() -> None:
    value = "bell\x07 nul\x00 esc\x1b"
    report = Report(
        "x",
        layers=["frictionless"],
        findings=[Finding("frictionless", "type-error", f"cell {value}", value=value, row=2)],
    )
    failure = ET.fromstring(render(report)).find(".//failure")
    assert "bell" in failure.text and "esc" in failure.text
