"""The descriptor against the official Data Package v2 profile (frictionless checks only part)."""

from __future__ import annotations

import json

import jsonschema
import pytest


@pytest.fixture
def profile(tools) -> jsonschema.Draft7Validator:
    path = tools.repo / "schemas" / "profiles" / "2.0" / "datapackage.json"
    return jsonschema.Draft7Validator(
        json.loads(path.read_text(encoding="utf-8")),
        format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
    )


def test_descriptor_conforms_to_the_v2_profile(tools, profile):
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    assert [f"{list(e.path)}: {e.message}" for e in profile.iter_errors(descriptor)] == []
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"


def test_profile_check_catches_a_broken_descriptor(tools, profile):
    # The check above can fail: a hash that is not hex is outside the profile.
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    descriptor["resources"][0]["hash"] = "not a hash"
    assert list(profile.iter_errors(descriptor))


def test_descriptor_carries_what_a_citable_package_needs(tools):
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    keys = ("name", "title", "description", "version", "created", "licenses", "sources")
    for key in (*keys, "contributors", "keywords"):
        assert descriptor.get(key), key
    for entry in descriptor["resources"]:
        assert entry["hash"].startswith("sha256:") and len(entry["hash"]) == 7 + 64
        assert isinstance(entry["bytes"], int)
        assert entry["schema"]["primaryKey"]
