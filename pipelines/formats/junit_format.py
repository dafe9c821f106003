"""JUnit XML: a test suite per layer and a test case per (rule, resource); a case fails with
its error findings, a crash is an <error>, and a layer that found nothing is a passing case."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kzdata.pipelines.report import INTERNAL_RULE, Finding, NotChecked, Report

# Characters XML 1.0 cannot hold at all, not even escaped; data may contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report) -> str:
    suites = ET.Element("testsuites", name="kzdata validate")
    layers = dict.fromkeys([*report.layers, *(f.layer for f in report.findings)])
    layers |= dict.fromkeys(n.layer for n in report.not_checked)
    cuts = {(c.layer, c.rule, c.resource): c.describe(report.limit) for c in report.truncated}
    for layer in layers:
        found = [f for f in report.findings if f.layer == layer]
        skipped = [n for n in report.not_checked if n.layer == layer]
        _suite(suites, layer, found, skipped, cuts)
    _count(suites, list(suites.iter("testcase")))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _suite(
    parent: ET.Element,
    layer: str,
    findings: list[Finding],
    not_checked: list[NotChecked],
    cuts: dict[tuple[str, str | None, str | None], str],
) -> None:
    suite = ET.SubElement(parent, "testsuite", name=_text(layer))
    cases: dict[tuple[str, str | None], list[Finding]] = {}
    for finding in findings:
        cases.setdefault((finding.rule, finding.resource), []).append(finding)
    for note in not_checked:
        # JUnit's <skipped>: the layer had nothing to check here; it neither passes nor fails.
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_text(f"kzdata.{layer}.{note.resource or 'package'}"),
            name="not-checked",
        )
        ET.SubElement(case, "skipped", message=_text(note.reason))
    if not cases and not not_checked:
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
            lines = [_line(f) for f in errors]
            if cut := cuts.get((layer, rule, resource)):
                lines.append(cut)
            element.text = _text("\n".join(lines))
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
    element.set("skipped", str(sum(c.find("skipped") is not None for c in cases)))


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
