"""--format json: the documented shape, checked against schemas/report.schema.json."""

from __future__ import annotations

import json

import jsonschema
import pytest
from typer.testing import CliRunner

from kzdata.cli.main import app
from kzdata.schemas import HERE

SCHEMA = json.loads((HERE / "report.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def run_json(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["validate", *args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_a_report_with_findings_matches_the_schema(broken) -> None:
    code, report = run_json(str(broken.folder))
    VALIDATOR.validate(report)
    assert code == 1 and report["valid"] is False
    cells = {(f["rule"], f["resource"], f["row"], f["field"]) for f in report["findings"]}
    assert ("type-error", "observations", 4, "value") in cells
    assert ("primary-key", "citations", 3, None) in cells
    assert report["counts"]["error"] == len(report["findings"])


def test_a_valid_report_matches_the_schema(package) -> None:
    code, report = run_json(str(package.folder))
    VALIDATOR.validate(report)
    assert (code, report["valid"], report["findings"]) == (0, True, [])


def test_a_refused_descriptor_matches_the_schema(package) -> None:
    package.descriptor.write_text("{not json", encoding="utf-8")
    code, report = run_json(str(package.folder))
    VALIDATOR.validate(report)
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["descriptor-error"]


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.pop("counts"),
        lambda r: r["findings"][0].update(severity="fatal"),
        lambda r: r["findings"][0].update(row=0),
        lambda r: r["findings"][0].pop("value"),
        lambda r: r.update(extra=1),
    ],
)
def test_the_schema_rejects_other_shapes(broken, change) -> None:
    _, report = run_json(str(broken.folder))
    change(report)
    assert not VALIDATOR.is_valid(report)
