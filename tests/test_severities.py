"""Severities are declared once, in schemas/severities.yaml, and decide the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kzdata.cli.main import app
from kzdata.pipelines import severities
from kzdata.pipelines.report import Finding, Report
from kzdata.pipelines.validate import validate

LAYER_NAMES = [
    "frictionless",
    "pandera",
    "great_expectations",
    "provenance",
    "privacy",
    "integrity",
]


def declaration(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "severities.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def shipped_data() -> dict:
    return yaml.safe_load(severities.SEVERITIES_YAML.read_text(encoding="utf-8"))


def test_every_layer_has_its_rules_in_the_catalogue_and_privacy_is_declared() -> None:
    from kzdata.pipelines.rule_catalogue import catalogue
    from kzdata.pipelines.validate import LAYERS

    assert catalogue().layers == list(LAYERS)
    assert set(LAYERS) | {"privacy"} == set(LAYER_NAMES)
    assert severities.declared().layers["privacy"].privacy


def test_a_severity_comes_from_the_catalogue_unless_the_declaration_changes_it() -> None:
    declared = severities.declared()
    assert declared.severity("frictionless", "profile-warning") == "warning"
    assert declared.severity("great_expectations", "source-is-cited") == "warning"
    assert declared.severity("great_expectations", "observations-agree") == "error"


@pytest.mark.parametrize(
    ("layers", "named"),
    [
        ({"pandera": {"rules": {"value-in-bounds": "warning"}}}, "pandera.rules.value-in-bounds"),
        ({"integrity": {"rules": {"type-error": "warning"}}}, "integrity.rules.type-error"),
        ({"great-expectations": {"default": "warning"}}, "great-expectations"),
    ],
)
def test_a_severity_naming_an_unknown_rule_or_layer_is_refused(
    tmp_path: Path, layers: dict, named: str
) -> None:
    path = declaration(tmp_path, {"default": "error", "layers": layers})
    with pytest.raises(severities.SeverityDeclarationError, match=f"{path}: layers.{named}"):
        severities.load(path)


def test_privacy_findings_and_integrity_mismatches_are_errors_and_unsigned_is_a_warning() -> None:
    declared = severities.declared()
    for rule in ("name", "iin", "phone", "birth-date", "small-cell", "anything-new"):
        assert declared.severity("privacy", rule) == "error"
        assert declared.is_privacy("privacy", rule)
    for rule in ("hash-mismatch", "signature-mismatch", "missing-file"):
        assert declared.severity("integrity", rule) == "error"
    assert declared.severity("integrity", "unsigned") == "warning"
    assert not declared.is_privacy("frictionless", "type-error")


def test_a_privacy_rule_cannot_be_declared_a_warning(tmp_path: Path) -> None:
    data = shipped_data()
    data["layers"]["privacy"]["rules"] = {"iin": "warning"}
    with pytest.raises(severities.SeverityDeclarationError, match="always errors"):
        severities.load(declaration(tmp_path, data))


@pytest.mark.parametrize(
    "data",
    [
        {"default": "fatal", "layers": {}},
        {"default": "error", "layers": {"pandera": {"default": "error", "rules": {"x": "info"}}}},
        {"default": "error", "layers": {"pandera": {"severity": "error"}}},
        {"default": "error", "layers": ["pandera"]},
        "error",
    ],
)
def test_a_malformed_declaration_is_refused_naming_the_file(tmp_path: Path, data: object) -> None:
    path = tmp_path / "severities.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(severities.SeverityDeclarationError, match=str(path)):
        severities.load(path)


def test_findings_get_their_severity_from_the_declaration_not_the_layer() -> None:
    # The layer says "warning"; the declaration makes every frictionless rule an error.
    report = Report("x", findings=[Finding("frictionless", "type-error", "m", severity="warning")])
    assert [f.severity for f in report.findings] == ["error"]
    unsigned = Report("x", findings=[Finding("integrity", "unsigned", "no signature")])
    assert [f.severity for f in unsigned.findings] == ["warning"]


def test_a_crash_is_an_error_whatever_the_declaration(tmp_path: Path) -> None:
    lenient = severities.load(
        declaration(tmp_path, {"default": "warning", "layers": {"pandera": {"default": "warning"}}})
    )
    report = Report(
        "x", findings=[Finding("pandera", "internal-error", "boom")], severities=lenient
    )
    assert report.findings[0].severity == "error"
    assert report.exit_code("error") == 3


def test_a_changed_declaration_changes_the_outcome(broken, tmp_path: Path) -> None:
    # One layer: the pandera layer also reports the broken cells, under its own declaration.
    strict = validate(broken.folder, layers=["frictionless"])
    assert strict.findings and {f.severity for f in strict.findings} == {"error"}
    assert strict.exit_code("error") == 1

    data = shipped_data()
    data["layers"]["frictionless"] = {"default": "warning"}
    lenient = validate(
        broken.folder, ["frictionless"], severities.load(declaration(tmp_path, data))
    )
    assert len(lenient.findings) == len(strict.findings)
    assert {f.severity for f in lenient.findings} == {"warning"}
    assert lenient.exit_code("error") == 0
    assert lenient.exit_code("warning") == 1


def test_the_cli_uses_the_declaration(broken, tmp_path: Path, monkeypatch) -> None:
    data = shipped_data()
    data["layers"]["frictionless"] = {"default": "error", "rules": {"type-error": "warning"}}
    monkeypatch.setattr(severities, "SEVERITIES_YAML", declaration(tmp_path, data))
    severities.declared.cache_clear()
    try:
        result = CliRunner().invoke(app, ["validate", str(broken.folder), "--format", "json"])
    finally:
        severities.declared.cache_clear()
    assert result.exit_code == 1
    graded = {f["rule"]: f["severity"] for f in json.loads(result.stdout)["findings"]}
    assert graded["type-error"] == "warning"
    assert graded["primary-key"] == "error"
