"""--format sarif: SARIF 2.1.0 with results at the CSV file, line and column.

No installable package ships the SARIF 2.1.0 JSON Schema (sarif-om, sarif-tools,
sarif-pydantic and pydantic-sarif were checked), so the required structure is checked here.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import yaml
from typer.testing import CliRunner

from kzdata.cli.main import app
from kzdata.pipelines import validate as validate_module
from kzdata.pipelines.report import Finding

REPO = Path(__file__).resolve().parent.parent


def run_sarif(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["validate", *args, "--format", "sarif"])
    return result.exit_code, json.loads(result.stdout)


def check_structure(log: dict) -> dict:
    """The parts of SARIF 2.1.0 its schema requires, and the ones code scanning needs."""
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kzdata"
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids)), "one descriptor per rule"
    for result in run["results"]:
        assert result["ruleId"] == ids[result["ruleIndex"]]
        assert result["level"] in {"error", "warning"}
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        assert result["locations"], "code scanning needs a location per result"
        for location in result["locations"]:
            physical = location["physicalLocation"]
            assert physical["artifactLocation"]["uri"]
            region = physical.get("region", {})
            assert all(isinstance(v, int) and v >= 1 for v in region.values())
    return run


def test_results_are_located_at_file_line_and_column(broken, monkeypatch) -> None:
    monkeypatch.chdir(broken.folder.parent)
    code, log = run_sarif(broken.folder.name)
    assert code == 1
    run = check_structure(log)
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"][0]["executionSuccessful"] is True

    bad = next(r for r in run["results"] if r["ruleId"] == "frictionless/type-error")
    physical = bad["locations"][0]["physicalLocation"]
    assert (
        unquote(physical["artifactLocation"]["uri"])
        == f"{broken.folder.name}/data/observations.csv"
    )
    line, column = broken.line_and_column("observations", "NOT_AN_INTEGER")
    assert physical["region"] == {"startLine": line, "startColumn": column}
    assert bad["properties"] == {
        "resource": "observations",
        "row": 4,
        "field": "value",
        "value": "NOT_AN_INTEGER",
    }
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {r["ruleId"] for r in run["results"]}
    assert rules["frictionless/type-error"]["defaultConfiguration"]["level"] == "error"
    # Described by the catalogue of rules, not by filler.
    declared = yaml.safe_load((REPO / "schemas" / "rules.yaml").read_text(encoding="utf-8"))
    entry = declared["frictionless"]["type-error"]
    assert rules["frictionless/type-error"]["shortDescription"]["text"] == entry["description"]
    assert rules["frictionless/type-error"]["help"]["text"] == entry["help"]


def test_levels_follow_the_declared_severity(package, monkeypatch) -> None:
    monkeypatch.setitem(
        validate_module.LAYERS,
        "integrity",
        lambda target, limit: [Finding("integrity", "unsigned", "no signature")],
    )
    code, log = run_sarif(str(package.folder))
    run = check_structure(log)
    assert code == 0
    assert [r["level"] for r in run["results"]] == ["warning"]
    (rule,) = run["tool"]["driver"]["rules"]
    assert rule["defaultConfiguration"]["level"] == "warning"
    # Without a file of its own, a package-level finding is located at the descriptor.
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("datapackage.json")


def test_a_crash_marks_the_run_unsuccessful(package, monkeypatch) -> None:
    def crash(target, limit):
        raise RuntimeError("boom")

    monkeypatch.setitem(validate_module.LAYERS, "pandera", crash)
    code, log = run_sarif(str(package.folder))
    run = check_structure(log)
    assert code == 3
    assert run["invocations"][0]["executionSuccessful"] is False


def test_a_valid_package_has_no_results(package) -> None:
    code, log = run_sarif(str(package.folder))
    assert code == 0
    assert check_structure(log)["results"] == []
