"""kzdata validate's options, through the CLI: --layer, --fail-on, --format, exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kzdata.cli.main import app
from kzdata.cli.validate import FailOn, Format
from kzdata.pipelines import validate as validate_module
from kzdata.pipelines.formats import FORMATS
from kzdata.pipelines.report import Finding


class FakeLayer:
    """A layer that records that it ran and returns the findings it was given."""

    def __init__(self, *findings: Finding) -> None:
        self.findings = list(findings)
        self.ran = False

    def __call__(self, target, limit) -> list[Finding]:
        self.ran = True
        return self.findings


def run(*args: str):
    return CliRunner().invoke(app, ["validate", *args])


def report_of(result) -> dict:
    return json.loads(result.stdout)


@pytest.fixture
def pandera(monkeypatch) -> FakeLayer:
    layer = FakeLayer(Finding("pandera", "bounds", "value above its upper bound", row=2))
    monkeypatch.setitem(validate_module.LAYERS, "pandera", layer)
    return layer


def test_the_cli_offers_every_format() -> None:
    assert {f.value for f in Format} == set(FORMATS)
    assert {f.value for f in FailOn} == {"error", "warning"}


def test_all_layers_run_by_default(broken, pandera) -> None:
    result = run(str(broken.folder), "--format", "json")
    report = report_of(result)
    assert result.exit_code == 1 and pandera.ran
    assert report["layers"] == list(validate_module.LAYERS)
    assert {f["layer"] for f in report["findings"]} == {"frictionless", "pandera"}


def test_layer_selects_the_layers_that_run(broken, pandera) -> None:
    result = run(str(broken.folder), "--layer", "pandera", "--format", "json")
    report = report_of(result)
    assert result.exit_code == 1
    assert report["layers"] == ["pandera"]
    assert {f["layer"] for f in report["findings"]} == {"pandera"}


def test_layer_is_repeatable(package, pandera) -> None:
    result = run(str(package.folder), "-l", "frictionless", "--layer", "pandera", "-f", "json")
    assert report_of(result)["layers"] == ["frictionless", "pandera"]


def test_a_layer_that_was_not_selected_does_not_run(broken, pandera) -> None:
    result = run(str(broken.folder), "--layer", "frictionless", "--format", "json")
    assert not pandera.ran
    assert {f["layer"] for f in report_of(result)["findings"]} == {"frictionless"}


def test_an_unknown_layer_is_a_usage_error(package) -> None:
    result = run(str(package.folder), "--layer", "no_such_layer")
    assert result.exit_code == 2
    assert "no_such_layer" in result.output and "frictionless" in result.output
    assert "Traceback" not in result.output


def test_a_refused_descriptor_is_reported_whatever_the_layers(package, pandera) -> None:
    data = json.loads(package.descriptor.read_text(encoding="utf-8"))
    data["resources"][0]["path"] = "../outside.csv"
    package.descriptor.write_text(json.dumps(data), encoding="utf-8")
    result = run(str(package.folder), "--layer", "pandera", "--format", "json")
    assert result.exit_code == 1
    assert [f["rule"] for f in report_of(result)["findings"]] == ["unsafe-path"]
    assert not pandera.ran  # nothing reads a package that points outside itself


@pytest.fixture
def unsigned(monkeypatch) -> FakeLayer:
    layer = FakeLayer(Finding("integrity", "unsigned", "the release has no signature"))
    monkeypatch.setitem(validate_module.LAYERS, "integrity", layer)
    return layer


def test_fail_on_warning_fails_on_warnings(package, unsigned) -> None:
    assert run(str(package.folder)).exit_code == 0
    assert run(str(package.folder), "--fail-on", "error").exit_code == 0
    assert run(str(package.folder), "--fail-on", "warning").exit_code == 1


def test_fail_on_warning_passes_without_findings(package) -> None:
    assert run(str(package.folder), "--fail-on", "warning").exit_code == 0


def test_fail_on_errors_still_fails_on_errors(broken, unsigned) -> None:
    assert run(str(broken.folder), "--fail-on", "error").exit_code == 1


def test_fail_on_rejects_other_levels(package) -> None:
    assert run(str(package.folder), "--fail-on", "info").exit_code == 2


def test_a_crash_wins_over_findings_and_the_other_layers_still_run(broken, monkeypatch) -> None:
    def crash(target, limit):
        raise RuntimeError("boom")

    monkeypatch.setitem(validate_module.LAYERS, "pandera", crash)
    for fail_on in ("error", "warning"):
        result = run(str(broken.folder), "--format", "json", "--fail-on", fail_on)
        assert result.exit_code == 3
        rules = {(f["layer"], f["rule"]) for f in report_of(result)["findings"]}
        assert ("pandera", "internal-error") in rules
        assert ("frictionless", "type-error") in rules


def test_a_missing_target_cannot_run(tmp_path) -> None:
    result = run(str(tmp_path / "nothing here"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
