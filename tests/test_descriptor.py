"""The descriptor against the official Data Package v2 profile (frictionless checks only part)."""

from __future__ import annotations

import json

import jsonschema
import pytest


def test_descriptor_conforms_to_the_v2_profile(tools):
    profile_path = tools.repo.parent / "shared" / "profiles" / "2.0" / "datapackage.json"
    if not profile_path.exists():
        pytest.fail(f"the official v2 profile is expected at {profile_path} (../shared)")
    profile = json.loads(profile_path.read_text(encoding="utf-8"))
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    validator = jsonschema.Draft7Validator(
        profile, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(descriptor)]
    assert errors == []
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"


def test_descriptor_carries_what_a_citable_package_needs(tools):
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    for key in (
        "name",
        "title",
        "description",
        "version",
        "created",
        "licenses",
        "sources",
        "contributors",
        "keywords",
    ):
        assert descriptor.get(key), key
    for entry in descriptor["resources"]:
        assert entry["hash"].startswith("sha256:") and len(entry["hash"]) == 7 + 64
        assert isinstance(entry["bytes"], int)
        assert entry["schema"]["primaryKey"]


def test_profile_check_catches_a_broken_descriptor(tools):
    # The check above can fail: a bare-hex hash of the wrong length is outside the profile.
    profile_path = tools.repo.parent / "shared" / "profiles" / "2.0" / "datapackage.json"
    if not profile_path.exists():
        pytest.fail(f"the official v2 profile is expected at {profile_path} (../shared)")
    profile = json.loads(profile_path.read_text(encoding="utf-8"))
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    descriptor["resources"][0]["hash"] = "not a hash"
    assert list(jsonschema.Draft7Validator(profile).iter_errors(descriptor))
