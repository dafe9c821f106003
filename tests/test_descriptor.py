"""The descriptor against the official Data Package v2 profile (frictionless checks only part):
kzdata validate checks all of it, with findings that name the JSON path of what is wrong."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from kzdata.cli.main import app
from kzdata.pipelines import descriptor_profile
from kzdata.pipelines.descriptor_places import Places
from kzdata.pipelines.severities import declared

V2 = "https://datapackage.org/profiles/2.0/datapackage.json"


@pytest.fixture
def profile(tools) -> jsonschema.Draft7Validator:
    path = tools.repo / "schemas" / "profiles" / "2.0" / "datapackage.json"
    return jsonschema.Draft7Validator(
        json.loads(path.read_text(encoding="utf-8")),
        format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
    )


def profile_findings(descriptor: dict) -> list:
    return descriptor_profile.check(Places(descriptor, "datapackage.json"))


def test_descriptor_conforms_to_the_v2_profile(tools, profile):
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    assert descriptor["$schema"] == V2
    # Both the official package profile alone and kzdata's check of the four profiles.
    assert [f"{list(e.path)}: {e.message}" for e in profile.iter_errors(descriptor)] == []
    assert profile_findings(descriptor) == []


def test_profile_check_catches_a_broken_descriptor(tools, profile):
    # The checks above can fail: a hash that is not hex is outside the profile.
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    descriptor["resources"][0]["hash"] = "not a hash"
    assert list(profile.iter_errors(descriptor))
    [finding] = profile_findings(descriptor)
    assert finding.rule == "profile-error" and finding.value == "not a hash"
    assert finding.message.startswith("resources[0].hash: ")


def test_each_profile_file_is_the_one_its_parent_carries_a_copy_of(tools):
    # kzdata checks resources against dataresource.json and their schema and dialect against
    # tableschema.json and tabledialect.json, where the package profile has copies: the same
    # rules, whichever is used.
    folder = tools.repo / "schemas" / "profiles" / "2.0"
    load = {n: json.loads((folder / n).read_text(encoding="utf-8")) for n in folder.iterdir()}
    load = {path.name: value for path, value in load.items()}

    def same(copy_in_parent: dict, own: dict) -> bool:
        strip = ("$schema", "propertyOrder")
        return {k: v for k, v in copy_in_parent.items() if k not in strip} == {
            k: v for k, v in own.items() if k not in strip
        }

    resource = load["dataresource.json"]
    assert same(load["datapackage.json"]["properties"]["resources"]["items"], resource)
    assert same(resource["properties"]["schema"], load["tableschema.json"])
    assert same(resource["properties"]["dialect"], load["tabledialect.json"])


def test_descriptor_carries_what_a_citable_package_needs(tools):
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    keys = ("name", "title", "description", "version", "created", "licenses", "sources")
    for key in (*keys, "contributors", "keywords"):
        assert descriptor.get(key), key
    for entry in descriptor["resources"]:
        assert entry["hash"].startswith("sha256:") and len(entry["hash"]) == 7 + 64
        assert isinstance(entry["bytes"], int)
        assert entry["schema"]["primaryKey"]


def resource(descriptor: dict, name: str) -> tuple[int, dict]:
    return next((i, r) for i, r in enumerate(descriptor["resources"]) if r["name"] == name)


def field_index(entry: dict, name: str) -> int:
    return next(i for i, f in enumerate(entry["schema"]["fields"]) if f["name"] == name)


def field_type(d: dict) -> tuple[str, str | None, str | None]:
    i, entry = resource(d, "events")
    j = field_index(entry, "event_type")
    entry["schema"]["fields"][j]["type"] = "text"
    return f"resources[{i}].schema.fields[{j}].type", "events", "event_type"


def hash_(d: dict) -> tuple[str, str | None, str | None]:
    i, entry = resource(d, "sources")
    entry["hash"] = "sha256:not-hex"
    return f"resources[{i}].hash", "sources", "hash"


def delimiter(d: dict) -> tuple[str, str | None, str | None]:
    i, entry = resource(d, "events")
    entry["dialect"]["delimiter"] = 5
    return f"resources[{i}].dialect.delimiter", "events", "dialect"


def reference(d: dict) -> tuple[str, str | None, str | None]:
    i, entry = resource(d, "events")
    entry["schema"]["foreignKeys"][0]["reference"] = "sources"
    return f"resources[{i}].schema.foreignKeys[0].reference", "events", "schema"


def no_name(d: dict) -> tuple[str, str | None, str | None]:
    i, entry = resource(d, "events")
    del entry["name"]
    return f"resources[{i}]", None, None


def email(d: dict) -> tuple[str, str | None, str | None]:
    d["contributors"][0]["email"] = "not an address"
    return "contributors[0].email", None, None


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (field_type, "'text' is not one of ['string', 'number', 'integer'"),
        (hash_, "does not match"),
        (delimiter, "5 is not of type 'string'"),
        (reference, "'sources' is not of type 'object'"),
        (no_name, "'name' is a required property"),
        (email, "is not a 'email'"),
    ],
    ids=["field-type", "hash", "dialect", "foreign-key-reference", "resource-name", "email"],
)
def test_a_v2_violation_is_one_error_naming_its_place(runner, package, change, says):
    descriptor = package.read_descriptor()
    where, resource_name, field = change(descriptor)
    package.write_descriptor(descriptor)
    result = runner.invoke(app, ["validate", str(package), "-f", "json", "-l", "frictionless"])
    assert result.exit_code == 1, result.output
    # One finding for one bad value, however many rules of the profile it breaks.
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "profile-error" and finding["severity"] == "error"
    assert finding["message"].startswith(f"{where}: ") and says in finding["message"]
    assert (finding["resource"], finding["field"]) == (resource_name, field)
    assert finding["path"] == "datapackage.json"


@pytest.mark.parametrize("key", ["schema", "dialect"])
def test_schema_and_dialect_files_are_checked_against_their_profiles(runner, package, key):
    descriptor = package.read_descriptor()
    i, entry = resource(descriptor, "events")
    part = copy.deepcopy(entry[key])
    if key == "schema":
        j = field_index(entry, "date")
        part["fields"][j]["type"] = "datum"
        where = f"resources[{i}].schema.fields[{j}].type"
    else:
        part["header"] = "yes"
        where = f"resources[{i}].dialect.header"
    (package / f"events.{key}.json").write_text(json.dumps(part), encoding="utf-8")
    entry[key] = f"events.{key}.json"
    package.write_descriptor(descriptor)
    result = runner.invoke(app, ["validate", str(package), "-f", "json", "-l", "frictionless"])
    [finding] = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1 and finding["rule"] == "profile-error"
    assert finding["message"].startswith(f"{where}: ")
    assert (finding["path"], finding["resource"]) == (f"events.{key}.json", "events")


def test_a_descriptor_broken_in_many_places_gets_a_bounded_list(tools):
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    fields = descriptor["resources"][0]["schema"]["fields"]
    fields += [{"name": f"f{n}", "type": "no-such-type"} for n in range(300)]
    findings = profile_findings(descriptor)
    assert len(findings) == descriptor_profile.MAX_DESCRIPTOR_FINDINGS + 1
    assert "more places break" in findings[-1].message


def mediatype(d: dict) -> None:
    d["resources"][0]["mediatype"] = "csv"  # the v2 profile asks for type/subtype


def test_without_a_v2_schema_violations_are_warnings(runner, package):
    descriptor = package.read_descriptor()
    del descriptor["$schema"]  # read as v1, as the standard says
    mediatype(descriptor)
    package.write_descriptor(descriptor)
    result = runner.invoke(app, ["validate", str(package), "-f", "json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [
        ("profile-warning", "warning")
    ]
    assert report["findings"][0]["message"].startswith("resources[0].mediatype: ")
    assert runner.invoke(app, ["validate", str(package), "--fail-on", "warning"]).exit_code == 1
    # With the v2 profile declared, the same departure is an error.
    descriptor["$schema"] = V2
    package.write_descriptor(descriptor)
    assert runner.invoke(app, ["validate", str(package)]).exit_code == 1


def test_the_warning_is_declared_not_set_by_the_layer():
    assert declared().severity("frictionless", "profile-warning") == "warning"
    assert declared().severity("frictionless", "profile-error") == "error"


def test_frictionless_does_not_run_on_a_descriptor_that_breaks_v2(runner, broken):
    broken.set_cell("observations", 3, "value", "29")  # outside its bounds: a row rule
    descriptor = broken.read_descriptor()
    hash_(descriptor)
    broken.write_descriptor(descriptor)
    result = runner.invoke(app, ["validate", str(broken), "-f", "json"])
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1
    assert {f["rule"] for f in findings if f["layer"] == "frictionless"} == {"profile-error"}
    # The row rules still read the data (named in the derivation's finding on that row, which
    # is the same cause: tests/test_one_cause.py).
    assert any(
        f["row"] == 3 and (f["layer"] == "pandera" or "pandera/value-within-bounds" in f["message"])
        for f in findings
    )


def test_a_v1_descriptor_frictionless_cannot_read_is_a_finding_not_a_crash(runner, package):
    descriptor = package.read_descriptor()
    del descriptor["$schema"]
    reference(descriptor)  # frictionless fails on a string reference with AttributeError
    package.write_descriptor(descriptor)
    result = runner.invoke(app, ["validate", str(package), "-f", "json", "-l", "frictionless"])
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"]]
    assert result.exit_code == 1, result.output
    assert rules == ["profile-warning", "descriptor-error"]


def test_a_legacy_property_frictionless_fails_on_is_a_finding_not_a_crash(runner, package):
    # The v2 profile allows any other property; frictionless merges a v4 `layout` into the
    # dialect and fails when it is not an object.
    descriptor = package.read_descriptor()
    descriptor["resources"][0]["layout"] = "table"
    package.write_descriptor(descriptor)
    result = runner.invoke(app, ["validate", str(package), "-f", "json", "-l", "frictionless"])
    [finding] = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1, result.output
    assert finding["rule"] == "descriptor-error" and "cannot read" in finding["message"]
