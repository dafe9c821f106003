"""Descriptor values that frictionless would turn into a file read or a network request.

kzdata validates a local package: no value in its descriptor may make frictionless read a file
outside the package folder or send a request anywhere. Each such value is refused here, as an
`unsafe-path` finding naming its JSON path, before frictionless sees the descriptor. The walk
runs on the descriptor with its schema and dialect files read in (target.py), so what those
files say is checked too, and refused values are never read or fetched.

What frictionless 5.21 resolves, and which code does it:

1. A sub-descriptor given as a string. `Metadata.metadata_import` (metadata/metadata.py) builds
   every property that has a metadata class (`metadata_select_property_class`) from its value;
   a string item of a list there is loaded with `Class.from_descriptor(item)`, that is
   `Metadata.metadata_retrieve`: a file (joined to the basepath, or to the working directory
   inside a schema file) or an HTTP(S) GET. `Resource.schema` and `Resource.dialect`
   (resource/resource.py) load a string value the same way. Those positions are not listed
   here but asked of frictionless's own metadata model (`_sub_descriptors`), from the package
   down: today `resources[]`, a resource's `schema` and `dialect`, and a schema's `fields[]`.
   kzdata accepts a string in only two of them, a resource's `schema` and `dialect`, and only
   as a file inside the package (target.py reads it within the descriptor limits, and it is
   walked here in turn). Any other string where an object is expected is refused.
2. Profiles. `Package.metadata_validate` and `Resource.metadata_validate` fetch `profile` as a
   JSON Schema unless it is one of the standard's names ("fiscal-data-package" becomes a URL,
   and a name of the other level is opened as a file); `metadata_transform` turns `profiles[0]`
   into `profile`. Only the names are accepted.
3. Data. A resource's `path` (a string or a list), `extrapaths`, and `url` (the v0 name of
   `path`, moved there by `Resource.metadata_transform`) are opened by frictionless's loaders:
   local files, or HTTP(S) and other schemes. Each must be a file inside the package
   (path_safety.unsafe_reason: no scheme, not absolute, no `..`, no symbolic link leading out).
4. Descriptors as data. A resource without a `type` is given its class from its content
   (resource/factory.py "Routing", the json, yaml and inline plugins' `detect_resource`,
   `Detector.detect_metadata_type`): inline `data` that is an object, or a JSON or YAML file,
   may be read as a package, resource, schema, dialect, checklist, pipeline, catalog or
   inquiry descriptor of its own (resources/json.py, `MetadataResource.read_metadata`), whose
   strings are resolved as in 1 to 3 with no safety check. kzdata refuses such a resource;
   a `type` ("table") says what it is.

Not resolved by frictionless, so left alone: `$schema` (it only selects the standard's
version; kzdata refuses one it does not know as `unknown-profile`, since it cannot check the
descriptor against it), a foreign key's `reference.resource` (a name looked up among the
package's resources), the `path` of `sources`, `licenses` and `contributors`, `homepage`,
`image`, and a dialect's options (a CSV dialect names no file).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from kzdata.pipelines.descriptor_once import once_per_field
from kzdata.pipelines.descriptor_places import Parts, Places
from kzdata.pipelines.finding import Finding
from kzdata.pipelines.path_safety import unsafe_reason

RULE = "unsafe-path"
UNKNOWN_PROFILE = "unknown-profile"

# `$schema` values kzdata knows, by level: anything else is a custom profile it cannot check.
KNOWN_SCHEMAS = {
    "package": {
        "https://datapackage.org/profiles/2.0/datapackage.json",
        "https://datapackage.org/profiles/1.0/datapackage.json",
        "data-package",
        "tabular-data-package",
    },
    "resource": {
        "https://datapackage.org/profiles/2.0/dataresource.json",
        "https://datapackage.org/profiles/1.0/dataresource.json",
        "data-resource",
        "tabular-data-resource",
    },
}
# `profile` values frictionless resolves without a file or a request (2. above), by level.
PROFILE_NAMES = {
    "package": {"data-package", "tabular-data-package"},
    "resource": {"data-resource", "tabular-data-resource"},
}
# Formats frictionless may read as a descriptor of their own (4. above); "yml" for safety.
DESCRIPTOR_FORMATS = {"json", "yaml", "yml"}
# A resource's properties whose strings frictionless opens as data (3. above).
DATA_PATHS = ("path", "extrapaths", "url")
# The only sub-descriptors kzdata reads from a file: a resource's schema and dialect.
PART_FILES = ("schema", "dialect")


def unsafe_references(places: Places, base: Path) -> list[Finding]:
    """Every value of `places.descriptor` (schema and dialect files read in) that frictionless
    would read from outside the package, fetch, or load as a descriptor kzdata has not
    checked. `base` is the package folder."""
    from frictionless import Package

    with once_per_field():  # a field type's class is looked up once, not once a field
        return list(_walk(places.descriptor, Package, [], _Walk(places, base)))


class _Walk:
    def __init__(self, places: Places, base: Path) -> None:
        self.places = places
        self.base = base

    def refuse(self, parts: Parts, value: Any, reason: str) -> Finding:
        """An unsafe-path finding; `value` (a string) is quoted, as it is never read."""
        subject = f"{value!r} " if isinstance(value, str) else ""
        return self.places.finding(RULE, parts, f"{subject}{reason}; refused, not read", value)


def _walk(
    node: Mapping[str, Any], cls: type, parts: list[str | int], walk: _Walk
) -> Iterator[Finding]:
    """Findings in `node`, a descriptor of frictionless's class `cls` at `parts`."""
    level = cls.metadata_type
    if level in PROFILE_NAMES:
        yield from _profiles(node, level, parts, walk)
    if level == "resource":
        yield from _data(node, parts, walk)
    for key, sub in _sub_descriptors(cls).items():
        if key not in node:
            continue
        value = node[key]
        here = [*parts, key]
        if isinstance(value, str):
            yield from _string_part(level, key, sub, value, here, walk)
        elif isinstance(value, dict):
            yield from _walk(value, _typed(sub, value), here, walk)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):
                    yield walk.refuse([*here, index], item, _expected(sub))
                elif isinstance(item, dict):
                    yield from _walk(item, _typed(sub, item), [*here, index], walk)


def _string_part(
    level: str, key: str, sub: type, value: str, parts: Parts, walk: _Walk
) -> Iterator[Finding]:
    if level != "resource" or key not in PART_FILES:
        yield walk.refuse(parts, value, _expected(sub))
    elif reason := unsafe_reason(value, walk.base):
        yield walk.refuse(parts, value, reason)
    # Else a file inside the package that target.py could not read: reported there.


def _profiles(node: Mapping[str, Any], level: str, parts: Parts, walk: _Walk) -> Iterator[Finding]:
    schema = node.get("$schema")
    if "$schema" in node and (not isinstance(schema, str) or schema not in KNOWN_SCHEMAS[level]):
        yield walk.places.finding(
            UNKNOWN_PROFILE,
            [*parts, "$schema"],
            f"{schema!r} is not a Data Package profile kzdata knows; custom profiles are "
            "not fetched",
            schema,
        )
    profiles = node.get("profiles")
    named = [("profile", node["profile"])] if "profile" in node else []
    named += [(index, p) for index, p in enumerate(profiles)] if isinstance(profiles, list) else []
    for key, value in named:
        where = [*parts, "profile"] if key == "profile" else [*parts, "profiles", key]
        if isinstance(value, str) and value not in PROFILE_NAMES[level]:
            names = " or ".join(sorted(PROFILE_NAMES[level]))
            yield walk.refuse(
                where,
                value,
                f"is a profile frictionless would fetch or open as a file (only {names} are "
                "resolved locally); declare the standard's version with $schema",
            )


def _data(resource: Mapping[str, Any], parts: Parts, walk: _Walk) -> Iterator[Finding]:
    for key in DATA_PATHS:
        value = resource.get(key)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            if not isinstance(item, str):
                continue  # a missing or non-string path is the profile check's to report
            if reason := unsafe_reason(item, walk.base):
                where = [*parts, key] if index is None else [*parts, key, index]
                yield walk.refuse(where, item, reason)
    if routed := _read_as_descriptor(resource):
        yield walk.refuse(
            [*parts, routed],
            resource[routed] if routed == "path" else None,
            ("an object as inline data " if routed == "data" else "")
            + "would be read by frictionless as a descriptor of its own (a package, schema, "
            "checklist, pipeline ...) whose paths and URLs nobody checks, as the resource has "
            "no 'type'; give it one, such as 'table'",
        )


def _read_as_descriptor(resource: Mapping[str, Any]) -> str | None:
    """The key ("data" or "path") that makes frictionless read a resource as a descriptor of
    its own, or None (4. above)."""
    if resource.get("type") or resource.get("profile") == "tabular-data-resource":
        return None  # a typed resource keeps its class (v1's tabular profile means "table")
    if isinstance(resource.get("data"), dict):
        return "data"
    formats = set()
    if isinstance(resource.get("format"), str):
        formats.add(resource["format"].lower())
    paths = resource.get("path")
    for path in [*(paths if isinstance(paths, list) else [paths]), resource.get("innerpath")]:
        if isinstance(path, str):
            # Every suffix: "x.json.zip" is a JSON file once unzipped.
            formats.update(s.lstrip(".").lower() for s in PurePosixPath(path).suffixes)
    return "path" if formats & DESCRIPTOR_FORMATS and "path" in resource else None


def _expected(sub: type) -> str:
    return (
        f"is a string where frictionless expects a {sub.metadata_type} object: it would read "
        "it as a file or fetch it as a URL"
    )


@cache
def _sub_descriptors(cls: type) -> dict[str, type]:
    """The properties of `cls` that frictionless builds as metadata objects of their own, and
    loads from a file or URL when given a string (1. above), asked of frictionless's model."""
    profile = cls.metadata_ensure_profile()
    return {
        name: sub
        for name in profile.get("properties", {})
        if (sub := cls.metadata_select_property_class(name)) is not None
    }


def _typed(cls: type, node: Mapping[str, Any]) -> type:
    """The class frictionless picks for `node` by its `type` (a table resource, an integer
    field), or `cls` when the type is unknown (frictionless then refuses the descriptor)."""
    from frictionless import FrictionlessException

    kind = node.get("type")
    if not isinstance(kind, str) or not kind:
        return cls
    try:
        return cls.metadata_select_class(kind)
    except FrictionlessException:
        return cls
