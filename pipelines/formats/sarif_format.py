"""SARIF 2.1.0: one rule descriptor per rule, described by the catalogue (schemas/rules.yaml),
and one result per finding at the CSV file, line and column the report found (Report.locate).
Built as plain JSON: the object model packages add nothing we need."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from kzdata.pipelines.finding_policy import severity_of
from kzdata.pipelines.finding_positions import Location
from kzdata.pipelines.report import Finding, Report
from kzdata.pipelines.version import VERSION

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
# A relative URI is relative to the directory kzdata ran in: in CI, the repository root.
SOURCE_ROOT = "%SRCROOT%"


def render(report: Report) -> str:
    rules: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for finding in report.findings:
        rule_id = f"{finding.layer}/{finding.rule}"
        if rule_id not in rules:
            rules[rule_id] = len(descriptors)
            descriptors.append(_descriptor(rule_id, finding, report))
        results.append(_result(finding, rule_id, rules[rule_id], report.locate(finding)))
    run = {
        "tool": {"driver": {"name": "kzdata", "version": VERSION, "rules": descriptors}},
        "invocations": [{"executionSuccessful": not report.internal}],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if notes := _notifications(report):
        run["invocations"][0]["toolExecutionNotifications"] = notes
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _notifications(report: Report) -> list[dict[str, Any]]:
    """What the results do not show, as notes: rules cut short, and what a layer did not
    check."""
    notes = [
        {"level": "note", "message": {"text": cut.describe(report.limit)}}
        for cut in report.truncated
    ]
    notes += [
        {
            "level": "note",
            "message": {"text": f"not checked by {n.layer}: {n.reason}"},
            "properties": {"layer": n.layer, "resource": n.resource},
        }
        for n in report.not_checked
    ]
    return notes


def _descriptor(rule_id: str, finding: Finding, report: Report) -> dict[str, Any]:
    severities = report.severities
    level = severity_of(finding.layer, finding.rule, severities)
    declared = severities.rules.get(finding.layer, finding.rule)
    described = (
        {"shortDescription": {"text": declared.description}, "help": {"text": declared.help}}
        if declared is not None
        else {"shortDescription": {"text": f"kzdata {finding.layer} layer: {finding.rule}"}}
    )
    return {
        "id": rule_id,
        "name": finding.rule,
        **described,
        "defaultConfiguration": {"level": level},
        "properties": {
            "layer": finding.layer,
            "privacy": severities.is_privacy(finding.layer, finding.rule),
        },
    }


def _result(finding: Finding, rule_id: str, index: int, where: Location) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": index,
        "level": finding.severity,
        "message": {"text": finding.message},
        "locations": [],
    }
    if where.file is not None:
        physical: dict[str, Any] = {"artifactLocation": _artifact(where.file)}
        if where.line is not None:
            physical["region"] = {"startLine": where.line}
            if where.column is not None:
                physical["region"]["startColumn"] = where.column
        result["locations"].append({"physicalLocation": physical})
    where_in_data = {
        "resource": finding.resource,
        "row": finding.row,
        "field": finding.field,
        "value": finding.value,
    }
    result["properties"] = {k: v for k, v in where_in_data.items() if v is not None}
    return result


def _artifact(file: str) -> dict[str, str]:
    if "://" in file:  # a package validated from its URL: its files have their own
        return {"uri": file}
    path = PurePosixPath(file)
    if path.is_absolute():
        return {"uri": "file://" + quote(str(path))}
    return {"uri": quote(str(path)), "uriBaseId": SOURCE_ROOT}
