"""Descriptors in JSON or YAML that readers would read differently, or that would exhaust a
reader, are refused with exit 1 and a message naming the file and the line; a well-formed YAML
descriptor is checked like its JSON twin."""

from __future__ import annotations

import json

import pytest
import yaml

from kzdata.cli.main import app


def validate(runner, target, *args: str):
    result = runner.invoke(app, ["validate", str(target), "-f", "json", *args])
    assert "Traceback" not in result.output
    return result


def as_yaml(package, name: str = "datapackage.yaml"):
    descriptor = package.read_descriptor()
    target = package / name
    target.write_text(yaml.safe_dump(descriptor, sort_keys=False), encoding="utf-8")
    package.descriptor.unlink()
    return target


@pytest.mark.parametrize("name", ["datapackage.yaml", "datapackage.yml"])
def test_a_yaml_descriptor_is_checked_like_json(runner, package, name) -> None:
    from_json = validate(runner, package, "-l", "frictionless")
    target = as_yaml(package, name)
    from_yaml = validate(runner, target, "-l", "frictionless")
    assert from_yaml.exit_code == from_json.exit_code == 0, from_yaml.output
    assert json.loads(from_yaml.stdout)["findings"] == json.loads(from_json.stdout)["findings"]


@pytest.mark.parametrize("name", ["datapackage.yaml", "datapackage.yml"])
def test_a_folder_with_a_yaml_descriptor_is_found(runner, package, name) -> None:
    package.set_cell("observations", 2, "value", "many")
    as_yaml(package, name)
    result = validate(runner, package, "-l", "frictionless")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["findings"][0]["path"] == "data/observations.csv"


def test_a_yaml_descriptor_with_a_broken_table_has_findings(runner, package) -> None:
    package.set_cell("observations", 2, "value", "many")
    target = as_yaml(package)
    result = validate(runner, target, "-l", "frictionless")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["row"], f["field"]) for f in findings] == [("type-error", 2, "value")]


def test_a_yaml_descriptor_pointing_outside_is_refused(runner, package) -> None:
    target = as_yaml(package)
    text = target.read_text(encoding="utf-8").replace("path: data/", "path: ../data/", 1)
    target.write_text(text, encoding="utf-8")
    result = validate(runner, target)
    assert result.exit_code == 1
    assert "unsafe-path" in {f["rule"] for f in json.loads(result.stdout)["findings"]}


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
)

YAML_CASES = {
    "syntax error": ("name: p\nresources: [\n", 3, "malformed YAML"),
    "tab indentation": ("name: p\nresources:\n\t- name: t\n", 3, "malformed YAML"),
    "python object": ("name: !!python/object/apply:os.system [echo hi]\n", 1, "tag"),
    "custom tag": ("name: p\nresources: !include other.yaml\n", 2, "tag"),
    "billion laughs": (LAUGHS, 2, "alias"),
    "duplicate key": ("name: p\nresources: []\nname: q\n", 3, "repeats the key 'name'"),
    "two documents": ("name: p\n---\nname: q\n", 2, "malformed YAML"),
    "not a mapping": ("- name: p\n", None, "object"),
    "NaN": ("name: p\nresources:\n- name: t\n  bytes: .nan\n", None, "nan"),
    "binary": ("name: !!binary aGk=\n", 1, "binary"),
}


@pytest.mark.parametrize("case", YAML_CASES)
def test_a_malformed_yaml_descriptor_is_refused_naming_its_line(runner, tmp_path, case) -> None:
    text, line, words = YAML_CASES[case]
    target = tmp_path / "datapackage.yaml"
    target.write_text(text, encoding="utf-8")
    result = validate(runner, target)
    assert result.exit_code == 1, result.output
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "descriptor-error" and finding["path"] == "datapackage.yaml"
    assert words in finding["message"] and "datapackage.yaml" in finding["message"]
    assert finding["row"] == line


def test_a_deep_yaml_descriptor_is_refused(runner, tmp_path) -> None:
    target = tmp_path / "datapackage.yaml"
    target.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = validate(runner, target)
    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["descriptor-too-deep"]


def test_a_large_yaml_descriptor_is_refused_unread(runner, tmp_path) -> None:
    target = tmp_path / "datapackage.yaml"
    target.write_text("name: p\n" + "#" * 2000 + "\n", encoding="utf-8")
    result = validate(runner, target, "--max-descriptor-bytes", "1000")
    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["descriptor-too-large"]


JSON_CASES = {
    "duplicate key": ('{"name": "p", "name": "q", "resources": []}', "appears twice"),
    "NaN": ('{"name": "p", "resources": [{"name": "t", "bytes": NaN}]}', "NaN"),
    "Infinity": ('{"name": "p", "resources": [{"name": "t", "bytes": -Infinity}]}', "Infinity"),
    "huge float": ('{"name": "p", "resources": [{"name": "t", "bytes": 1e999}]}', "1e999"),
    "huge integer": ('{"name": "p", "resources": [{"bytes": ' + "9" * 5000 + "}]}", "digits"),
}


@pytest.mark.parametrize("case", JSON_CASES)
def test_a_json_descriptor_readers_would_disagree_on_is_refused(runner, tmp_path, case) -> None:
    text, words = JSON_CASES[case]
    (tmp_path / "datapackage.json").write_text(text, encoding="utf-8")
    result = validate(runner, tmp_path)
    assert result.exit_code == 1, result.output
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "descriptor-error" and words in finding["message"]


def test_a_yaml_schema_file_is_read_like_a_json_one(runner, package) -> None:
    descriptor = package.read_descriptor()
    resource = next(r for r in descriptor["resources"] if r["name"] == "qualifiers")
    (package / "qualifiers.schema.yaml").write_text(
        yaml.safe_dump(resource["schema"]) + "fields: []\n", encoding="utf-8"
    )
    resource["schema"] = "qualifiers.schema.yaml"
    package.write_descriptor(descriptor)
    result = validate(runner, package, "-l", "frictionless")
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert (
        finding["rule"] == "descriptor-error" and "repeats the key 'fields'" in finding["message"]
    )
