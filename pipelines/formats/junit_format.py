"""JUnit XML: a test suite per layer and a test case per (rule, resource); a case fails with
its error findings, a crash is an <error>, and a layer that found nothing is a passing case."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kzdata.pipelines.report import INTERNAL_RULE, Finding, Report

# Characters XML 1.0 cannot hold at all, not even escaped; data may contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report) -> str:
    suites = ET.Element("testsuites", name="kzdata validate")
    layers = dict.fromkeys([*report.layers, *(f.layer for f in report.findings)])
    for layer in layers:
        _suite(suites, layer, [f for f in report.findings if f.layer == layer])
    _count(suites, list(suites.iter("testcase")))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _suite(parent: ET.Element, layer: str, findings: list[Finding]) -> None:
    suite = ET.SubElement(parent, "testsuite", name=_text(layer))
    cases: dict[tuple[str, str | None], list[Finding]] = {}
    for finding in findings:
        cases.setdefault((finding.rule, finding.resource), []).append(finding)
    if not cases:
        ET.SubElement(suite, "testcase", classname=_text(f"kzdata.{layer}"), name=_text(layer))
    for (rule, resource), found in cases.items():
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_text(f"kzdata.{layer}.{resource or 'package'}"),
            name=_text(rule),
        )
        errors = [f for f in found if f.severity == "error"]
        warnings = [f for f in found if f.severity != "error"]
        if errors:
            # A crash is JUnit's <error> (the test could not run), invalid data a <failure>.
            tag = "error" if rule == INTERNAL_RULE else "failure"
            element = ET.SubElement(case, tag, type=_text(rule), message=_text(_summary(errors)))
            element.text = _text("\n".join(_line(f) for f in errors))
        if warnings:
            # JUnit has no warnings: they are reported without failing the case.
            ET.SubElement(case, "system-out").text = _text(
                "\n".join(f"warning: {_line(f)}" for f in warnings)
            )
    _count(suite, list(suite.iter("testcase")))


def _count(element: ET.Element, cases: list[ET.Element]) -> None:
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(c.find("failure") is not None for c in cases)))
    element.set("errors", str(sum(c.find("error") is not None for c in cases)))
    element.set("skipped", "0")


def _summary(errors: list[Finding]) -> str:
    first = errors[0]
    where = first.path or first.resource or "the package"
    return f"{len(errors)} error(s) of rule {first.rule} in {where}"


def _line(finding: Finding) -> str:
    where = [finding.path or finding.resource or "package"]
    if finding.row is not None:
        where.append(f"row {finding.row}")
    if finding.field:
        where.append(f"field {finding.field}")
    return f"{', '.join(where)}: {finding.message}"


def _text(value: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
