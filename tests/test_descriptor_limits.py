"""Descriptor files too large or nested too deep are refused before they are parsed or walked,
and no layer reads the data."""

from __future__ import annotations

import json

import pytest

from kzdata.cli.main import app
from kzdata.pipelines import validate as validate_module
from kzdata.pipelines.descriptor_limits import (
    MAX_DESCRIPTOR_BYTES,
    MAX_DESCRIPTOR_DEPTH,
    DescriptorRefused,
    Limits,
    read_json,
)

FORMATS = ("text", "json", "github", "junit", "sarif")


def nested(levels: int) -> str:
    """A descriptor whose deepest value is `levels` objects and arrays down."""
    return '{"resources": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"


@pytest.fixture
def layers_that_record(monkeypatch) -> list[str]:
    """Replace the layers by ones that record that they ran."""
    ran: list[str] = []
    for name in list(validate_module.LAYERS):
        monkeypatch.setitem(
            validate_module.LAYERS, name, lambda target, n=name: ran.append(n) or []
        )
    return ran


def report(runner, target, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["validate", str(target), "-f", "json", *args])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def test_a_descriptor_larger_than_the_limit_is_refused_unread(runner, package, layers_that_record):
    # A sparse file of 4 GiB: reading it whole would take seconds and gigabytes.
    with package.descriptor.open("r+b") as file:
        file.truncate(4 * 1024**3)
    code, found = report(runner, package)
    assert code == 1 and layers_that_record == []
    assert [f["rule"] for f in found["findings"]] == ["descriptor-too-large"]
    assert str(MAX_DESCRIPTOR_BYTES) in found["findings"][0]["message"]


def test_the_size_limit_is_inclusive(tmp_path):
    path = tmp_path / "datapackage.json"
    path.write_text('{"resources": [1]}' + " " * 100, encoding="utf-8")
    size = path.stat().st_size
    assert read_json(path, Limits(max_bytes=size)) == {"resources": [1]}
    with pytest.raises(DescriptorRefused) as refused:
        read_json(path, Limits(max_bytes=size - 1))
    assert refused.value.rule == "descriptor-too-large"


def test_the_depth_limit_is_inclusive(tmp_path):
    path = tmp_path / "datapackage.json"
    path.write_text(nested(MAX_DESCRIPTOR_DEPTH), encoding="utf-8")
    assert read_json(path)["resources"]
    path.write_text(nested(MAX_DESCRIPTOR_DEPTH + 1), encoding="utf-8")
    with pytest.raises(DescriptorRefused) as refused:
        read_json(path)
    assert refused.value.rule == "descriptor-too-deep"


@pytest.mark.parametrize("levels", [MAX_DESCRIPTOR_DEPTH + 1, 200_000])
def test_a_descriptor_nested_too_deep_is_refused_in_every_format(
    runner, package, layers_that_record, levels
):
    # 200,000 levels is far past what Python's JSON parser can recurse through.
    package.descriptor.write_text(nested(levels), encoding="utf-8")
    for output_format in FORMATS:
        result = runner.invoke(app, ["validate", str(package), "-f", output_format])
        assert result.exit_code == 1, (output_format, result.output)
        assert "descriptor-too-deep" in result.stdout
        assert "Traceback" not in result.output and "RecursionError" not in result.output
    assert layers_that_record == []


def test_an_integer_python_will_not_convert_is_a_finding(runner, package):
    package.descriptor.write_text('{"resources": [{"bytes": ' + "9" * 5000 + "}]}")
    code, found = report(runner, package)
    assert code == 1
    assert [f["rule"] for f in found["findings"]] == ["descriptor-error"]


def test_the_limits_can_be_set_on_the_command_line(runner, tools, layers_that_record):
    shipped = tools.repo / "datapackage"
    code, found = report(runner, shipped, "--max-descriptor-bytes", "1000")
    assert code == 1 and [f["rule"] for f in found["findings"]] == ["descriptor-too-large"]
    code, found = report(runner, shipped, "--max-descriptor-depth", "3")
    assert code == 1 and [f["rule"] for f in found["findings"]] == ["descriptor-too-deep"]
    assert layers_that_record == []
    assert report(runner, shipped, "--max-descriptor-depth", "8")[0] == 0


def test_the_limits_apply_to_a_schema_file(runner, package, layers_that_record):
    descriptor = package.read_descriptor()
    entry = next(r for r in descriptor["resources"] if r["name"] == "events")
    schema = json.dumps(entry["schema"])
    entry["schema"] = "events.schema.json"
    package.write_descriptor(descriptor)
    limit = package.descriptor.stat().st_size
    # The descriptor fits the limit; its schema file, padded with spaces, does not.
    (package / "events.schema.json").write_text(schema + " " * limit, encoding="utf-8")
    code, found = report(runner, package, "--max-descriptor-bytes", str(limit))
    assert code == 1 and layers_that_record == []
    [finding] = found["findings"]
    assert (finding["rule"], finding["path"]) == ("descriptor-too-large", "events.schema.json")
    assert finding["resource"] == "events"
