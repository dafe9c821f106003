"""kzdata validate, frictionless layer: the shipped package passes; real broken copies fail
with exit 1 and a finding that names the place."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import kzdata
from kzdata.cli.main import app


def findings(runner, target: Path, *layers: str) -> tuple[int, list[dict]]:
    selected = [arg for layer in layers for arg in ("--layer", layer)]
    result = runner.invoke(app, ["validate", str(target), "--format", "json", *selected])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)["findings"]


def test_shipped_package_is_valid(runner, tools):
    result = runner.invoke(app, ["validate", str(tools.repo / "datapackage")])
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout


def test_python_api_returns_the_report_the_cli_prints(runner, tools):
    report = kzdata.validate(tools.repo / "datapackage" / "datapackage.json")
    assert report.valid and report.exit_code() == 0
    assert "frictionless" in report.layers
    result = runner.invoke(app, ["validate", str(tools.repo / "datapackage"), "-f", "json"])
    printed = json.loads(result.stdout)
    assert printed["findings"] == [f.to_dict() for f in report.findings]
    assert printed["layers"] == report.layers


def test_wrong_type(runner, package, tools):
    package.edit("observations", ",709,709,709,", ",7o9,709,709,")
    code, found = findings(runner, package)
    assert code == 1
    hit = [f for f in found if f["rule"] == "type-error"]
    assert hit and hit[0]["resource"] == "observations"
    assert hit[0]["field"] == "value" and hit[0]["value"] == "7o9"
    assert hit[0]["row"] == 4  # header is row 1; the 709 observation is the third data row


def test_duplicate_primary_key(runner, package, tools):
    package.edit("citations", "doc000_cases_709,", "doc000_cases_28,")
    code, found = findings(runner, package)
    assert code == 1
    assert any(
        f["rule"] == "primary-key" and f["resource"] == "citations" and f["row"] == 3 for f in found
    )


def test_dangling_foreign_key(runner, package, tools):
    package.edit("observations", ",criminal_cases_opened_mercenarism,", ",no_such_indicator,")
    code, found = findings(runner, package)
    assert code == 1
    fk = [f for f in found if f["rule"] == "foreign-key"]
    assert fk and fk[0]["resource"] == "observations" and fk[0]["field"] == "indicator_id"
    assert fk[0]["value"] == "no_such_indicator"


def test_hash_mismatch(runner, package, tools):
    package.edit("events", "2025-04,month", "2025-05,month", keep_hash=False)
    code, found = findings(runner, package)
    assert code == 1
    assert any(f["rule"] == "hash-count" and f["resource"] == "events" for f in found)


def test_missing_resource_file(runner, package):
    (package / "data" / "events.csv").unlink()
    code, found = findings(runner, package)
    assert code == 1
    assert any(f["resource"] == "events" and "events.csv" in f["message"] for f in found)


def test_malformed_descriptor_json(runner, package):
    text = (package / "datapackage.json").read_text(encoding="utf-8")
    (package / "datapackage.json").write_text(text[:200], encoding="utf-8")
    code, found = findings(runner, package)
    assert code == 1
    assert found[0]["rule"] == "descriptor-error"
    assert found[0]["path"] == "datapackage.json" and "line" in found[0]["message"]


def test_descriptor_without_resources(runner, package):
    (package / "datapackage.json").write_text('{"name": "x"}', encoding="utf-8")
    code, found = findings(runner, package)
    assert code == 1 and found[0]["rule"] == "descriptor-error"


SECRET = "secret-content-that-must-not-be-echoed"


@pytest.mark.parametrize(
    "path",
    [
        "/etc/passwd",
        "../outside.csv",
        "data/../../outside.csv",
        "~/events.csv",
        "$HOME/events.csv",
        "file:///etc/passwd",
        "http://example.org/events.csv",
        "https://example.org/events.csv",
        "C:/events.csv",
        "data\\events.csv",
    ],
)
def test_unsafe_paths_are_refused(runner, package, tools, tmp_path, path):
    (tmp_path / "outside.csv").write_text(SECRET, encoding="utf-8")
    descriptor = package.read_descriptor()
    tools.resource_entry(descriptor, "events")["path"] = path
    package.write_descriptor(descriptor)
    result = runner.invoke(app, ["validate", str(package)])
    assert result.exit_code == 1
    assert "unsafe-path" in result.stdout and "events" in result.stdout
    assert SECRET not in result.output


def test_symlink_leading_outside_is_refused(runner, package, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text(f"event_id\n{SECRET}\n", encoding="utf-8")
    (package / "data" / "events.csv").unlink()
    os.symlink(outside, package / "data" / "events.csv")
    code, found = findings(runner, package)
    assert code == 1
    assert found[0]["rule"] == "unsafe-path" and found[0]["resource"] == "events"
    assert "symbolic link" in found[0]["message"]
    assert all(SECRET not in json.dumps(f) for f in found)


def test_symlink_inside_the_package_is_read(runner, package):
    (package / "data" / "events.csv").rename(package / "events-real.csv")
    os.symlink(package / "events-real.csv", package / "data" / "events.csv")
    assert findings(runner, package) == (0, [])


def test_schema_given_as_remote_path_is_refused(runner, package, tools):
    descriptor = package.read_descriptor()
    tools.resource_entry(descriptor, "events")["schema"] = "https://example.org/schema.json"
    package.write_descriptor(descriptor)
    code, found = findings(runner, package)
    assert code == 1
    assert found[0]["rule"] == "unsafe-path" and found[0]["field"] == "schema"


def test_custom_profile_is_refused(runner, package, tools):
    descriptor = package.read_descriptor()
    descriptor["$schema"] = "https://example.org/my-profile.json"
    package.write_descriptor(descriptor)
    code, found = findings(runner, package)
    assert code == 1 and found[0]["rule"] == "unknown-profile"


def test_target_given_as_descriptor_file(runner, package):
    assert findings(runner, package / "datapackage.json") == (0, [])


def test_missing_target_could_not_run(runner, tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "no such data package" in result.stderr
    assert "Traceback" not in result.output


def test_url_target_could_not_run_yet(runner):
    result = runner.invoke(app, ["validate", "https://example.org/datapackage.json"])
    assert result.exit_code == 2


def test_crashing_layer_is_an_internal_error(runner, package, monkeypatch):
    from kzdata.pipelines import validate as pipeline

    def broken(target, limit):
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(pipeline.LAYERS, "frictionless", broken)
    code, found = findings(runner, package)
    assert code == 3
    assert found[0]["rule"] == "internal-error" and "ZeroDivisionError" in found[0]["message"]


def test_bug_outside_layers_exits_3_without_traceback(runner, package, monkeypatch):
    from kzdata.pipelines import validate as pipeline

    def broken(target, limit):
        raise KeyError("oops")

    monkeypatch.setattr(pipeline, "open_target", broken)
    result = runner.invoke(app, ["validate", str(package)])
    assert result.exit_code == 3
    assert "internal error" in result.stderr and "Traceback" not in result.output


def test_empty_resources_list(runner, package):
    (package / "datapackage.json").write_text('{"resources": []}', encoding="utf-8")
    code, found = findings(runner, package)
    assert code == 1 and found[0]["rule"] == "descriptor-error"


def test_invalid_descriptor_says_why(runner, package, tools):
    descriptor = package.read_descriptor()
    del tools.resource_entry(descriptor, "events")["name"]
    package.write_descriptor(descriptor)
    code, found = findings(runner, package)
    assert code == 1
    assert any("'name' is a required property" in f["message"] for f in found)


def test_undecodable_resource(runner, package, tools):
    path = package / "data" / "events.csv"
    path.write_bytes(path.read_bytes().replace(b"Reports", b"R\xe9ports"))
    package.rehash("events")
    rows = path.read_bytes().split(b"\n")
    row = next(i for i, line in enumerate(rows, start=1) if b"R\xe9ports" in line)
    code, found = findings(runner, package)
    assert code == 1
    # Named at its row and byte, before frictionless could guess another encoding.
    (bad,) = [f for f in found if f["resource"] == "events"]
    assert bad["rule"] == "invalid-utf8" and bad["row"] == row and "(e9)" in bad["message"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("minimum", None),
        ("minimum", "2025-01-01"),
        ("maximum", [1]),
        ("maxLength", "5"),
        ("enum", "x"),
        ("pattern", "["),
    ],
)
def test_unusable_constraint_is_a_finding_not_a_crash(runner, package, key, value):
    descriptor = package.read_descriptor()
    resource = next(r for r in descriptor["resources"] if r["name"] == "observations")
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "value")
    field["constraints"][key] = value
    package.write_descriptor(descriptor)
    code, found = findings(runner, package, "frictionless")
    assert code == 1
    assert found and found[0]["rule"] == "schema-error"
    assert (found[0]["resource"], found[0]["field"]) == ("observations", "value")


def test_unusable_constraint_in_a_schema_file_is_a_finding_not_a_crash(runner, package):
    descriptor = package.read_descriptor()
    resource = next(r for r in descriptor["resources"] if r["name"] == "events")
    resource["schema"]["fields"][0]["constraints"]["pattern"] = "(a|b"
    (package / "events.schema.json").write_text(json.dumps(resource["schema"]), encoding="utf-8")
    resource["schema"] = "events.schema.json"
    package.write_descriptor(descriptor)
    code, found = findings(runner, package, "frictionless")
    assert code == 1
    assert found and found[0]["rule"] == "schema-error" and found[0]["resource"] == "events"
