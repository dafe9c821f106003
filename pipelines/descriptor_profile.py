"""The descriptor against the whole Data Package v2 profile: the four official JSON Schemas
kept in schemas/profiles/2.0 (package, resource, Table Schema, Table Dialect), checked with
jsonschema. frictionless checks only part of the profile.

A descriptor that declares the v2 profile as its `$schema` must conform: each violation is a
`profile-error`. The standard reads a descriptor without it as v1, which the v2 profile mostly
but not wholly accepts: its violations are `profile-warning`s (schemas/severities.yaml).

One finding per offending place, however many rules of the profile it breaks, each message
starting with the JSON path of the place (`resources[2].schema.fields[3].type`); at most
MAX_DESCRIPTOR_FINDINGS of them.
"""

from __future__ import annotations

import copy
import json
import reprlib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from kzdata.pipelines.descriptor_limits import MAX_DESCRIPTOR_FINDINGS
from kzdata.pipelines.descriptor_places import Places
from kzdata.pipelines.finding import Finding

if TYPE_CHECKING:
    from jsonschema import Draft7Validator
    from jsonschema.exceptions import ValidationError

V2 = "https://datapackage.org/profiles/2.0/"
PACKAGE_V2 = V2 + "datapackage.json"
# The vendored profile files, under the addresses they are published at.
PROFILE_FILES = ("datapackage.json", "dataresource.json", "tableschema.json", "tabledialect.json")
ERROR = "profile-error"
WARNING = "profile-warning"
# Keywords whose failures at one place, one per alternative of an anyOf or oneOf, read best
# as one list of what was expected ("is not one of ['string', 'number', ...]").
_MERGED = {"type", "enum", "const"}
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlist = _SHORT.maxdict = 4
_SHORT.maxlevel = 2
# What was expected is listed whole: the field types are the longest such list (15).
_EXPECTED = reprlib.Repr()
_EXPECTED.maxlist = 20


def rule_for(descriptor: Mapping[str, Any]) -> str:
    """profile-error for a descriptor that declares the v2 profile, else profile-warning (the
    standard reads a descriptor without `$schema` as v1)."""
    return ERROR if descriptor.get("$schema") == PACKAGE_V2 else WARNING


def check(places: Places, limit: int = MAX_DESCRIPTOR_FINDINGS) -> list[Finding]:
    """The profile findings of `places.descriptor` (its schema and dialect files read in, so
    that they are checked against the Table Schema and Table Dialect profiles too)."""
    rule = rule_for(places.descriptor)
    by_place: dict[tuple[str | int, ...], list[ValidationError]] = {}
    more = False
    for error in validator().iter_errors(places.descriptor):
        where = tuple(error.absolute_path)
        if where not in by_place and len(by_place) == limit:
            more = True  # the check stops here: a broken descriptor can have no end of errors
            break
        by_place.setdefault(where, []).append(error)
    findings = [places.finding(rule, *_explain(errors)) for errors in by_place.values()]
    if more:
        findings.append(
            Finding(
                layer="frictionless",
                rule=rule,
                message=f"more places break the Data Package v2 profile; the first {limit} "
                "are listed",
                path=places.descriptor_file,
            )
        )
    return findings


@cache
def validator() -> Draft7Validator:
    """A draft-07 validator, with format checking, of the package profile, whose resources are
    checked against the resource profile and their schema and dialect against the Table
    Schema and Table Dialect profiles. The package and resource profiles carry copies of the
    profiles below them; each copy is replaced by a reference to its own file, so that each
    file is the authority for its part (a test checks that the copies are the same)."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    folder = files("kzdata.schemas") / "profiles" / "2.0"
    profiles = {name: json.loads((folder / name).read_text("utf-8")) for name in PROFILE_FILES}
    package = copy.deepcopy(profiles["datapackage.json"])
    resource = copy.deepcopy(profiles["dataresource.json"])
    package["properties"]["resources"]["items"] = {"$ref": V2 + "dataresource.json"}
    resource["properties"]["schema"] = {"$ref": V2 + "tableschema.json"}
    resource["properties"]["dialect"] = {"$ref": V2 + "tabledialect.json"}
    parts = {**profiles, "dataresource.json": resource}
    # Without their `$schema`, jsonschema checks every part with the validator below (its
    # linear `pattern`) instead of picking the stock draft-07 validator for each.
    parts = {
        name: {k: v for k, v in part.items() if k != "$schema"} for name, part in parts.items()
    }
    registry = Registry().with_resources(
        (V2 + name, Resource.from_contents(parts[name], default_specification=DRAFT7))
        for name in PROFILE_FILES[1:]
    )
    linear = jsonschema.validators.extend(
        jsonschema.Draft7Validator, {"pattern": _pattern, "items": _items}
    )
    return linear(package, registry=registry, format_checker=linear.FORMAT_CHECKER)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterable[Any]:
    """jsonschema's `pattern`, searched with polars where it can run the profile's pattern:
    Python's `re` takes quadratic time on the media type's `^(.+)/(.+)$` given a long value
    with a newline, and the value is the package's. The profile's patterns with look-ahead
    (paths) run on `re`, in linear time."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _items(validator: Any, items: Any, instance: Any, schema: Any) -> Iterable[Any]:
    """Draft-07 `items`, with each shape of item checked once: items that differ only in the
    words of properties the item schema allows any string in (a Table Schema field's name,
    title, description, example) pass or fail alike, and a table of 10,000 fields has a few
    shapes. An item that fails is checked in full, so its findings are as they were."""
    free = _free_text(items) if validator.is_type(instance, "array") else ()
    if not free:
        yield from _plain_items(validator, items, instance, schema)
        return
    passed: set[str] = set()
    for index, item in enumerate(instance):
        key = shape(item, free)
        if key is not None and key in passed:
            continue
        errors = list(validator.descend(item, items, path=index))
        if not errors and key is not None:
            passed.add(key)
        yield from errors


def _plain_items(validator: Any, items: Any, instance: Any, schema: Any) -> Iterable[Any]:
    from jsonschema import Draft7Validator

    return Draft7Validator.VALIDATORS["items"](validator, items, instance, schema)


# Keywords that say nothing about validity.
_ANNOTATIONS = {"title", "description", "examples", "default", "context", "$comment"}


def _free_text(items: Any) -> tuple[str, ...]:
    """The properties an object item schema lets be any string, in itself and in each of its
    oneOf/anyOf alternatives alike, and that no other keyword reads: none when the schema
    says anything else about its items (a reference, a pattern on a name, ...)."""
    if not isinstance(items, dict):
        return ()
    # One list of alternatives (oneOf or anyOf), and nothing else but annotations and a type.
    rest = set(items) - _ANNOTATIONS - {"type"}
    if len(rest) != 1 or not rest <= {"oneOf", "anyOf"}:
        return ()
    alternatives = items[rest.pop()]
    if not isinstance(alternatives, list):
        return ()
    return free_text(alternatives)


def free_text(alternatives: list[Any]) -> tuple[str, ...]:
    """The properties that each of these object schemas lets be any string and that no other
    of their keywords reads (only `type`, `required` and `properties` are allowed): none
    when a schema says anything else."""
    names = None
    for alternative in alternatives:
        if not isinstance(alternative, dict) or set(alternative) - _ANNOTATIONS - {
            "type",
            "required",
            "properties",
        }:
            return ()
        strings = {
            name
            for name, rule in alternative.get("properties", {}).items()
            if isinstance(rule, dict)
            and set(rule) - _ANNOTATIONS == {"type"}
            and rule["type"] == "string"
        }
        names = strings if names is None else names & strings
    return tuple(sorted(names or ()))


def shape(item: Any, free: Iterable[str]) -> str | None:
    """The item with its free text blanked (a string stays a string), as a key; None when it
    is not plain JSON (a key that is not a string included: JSON would write 1 as "1")."""
    if not isinstance(item, dict) or not _string_keys(item):
        return None
    blanked = {k: "" if k in free and isinstance(v, str) else v for k, v in item.items()}
    try:
        return json.dumps(blanked, sort_keys=True, allow_nan=True)
    except (TypeError, ValueError):
        return None


def _string_keys(value: dict[Any, Any] | list[Any]) -> bool:
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return False
        value = list(value.values())
    return all(_string_keys(v) for v in value if isinstance(v, dict | list))


def _search(pattern: str, text: str) -> bool:
    import re

    import polars as pl

    if not _runs_on_polars(pattern):
        return re.search(pattern, text) is not None
    # As `re.search`: `$` also matches before a final newline.
    return bool(pl.Series([text, text.removesuffix("\n")]).str.contains(pattern).any())


@cache
def _runs_on_polars(pattern: str) -> bool:
    import polars as pl

    try:
        pl.select(pl.lit("").str.contains(pattern))
    except pl.exceptions.PolarsError:
        return False
    return True


def _explain(errors: list[ValidationError]) -> tuple[list[str | int], str, Any]:
    """Where exactly, and what, is wrong at one place, and the offending value when it is a
    single value.

    As jsonschema's best_match, the most relevant error is picked (its `relevance`); but where
    it descends into an anyOf or oneOf by the relevance of single errors, here the alternatives
    that came closest (fewest errors) say what is wrong: a foreign key whose `reference` is a
    string fails the array alternative there only, and the string alternative at `fields`
    too. Their leaf errors at the deepest place they reach are merged into one message."""
    from jsonschema.exceptions import relevance

    leaves = _closest(max(errors, key=relevance))
    deepest = max(len(leaf.absolute_path) for leaf in leaves)
    leaves = [leaf for leaf in leaves if len(leaf.absolute_path) == deepest]
    where = list(leaves[0].absolute_path)
    leaves = [leaf for leaf in leaves if list(leaf.absolute_path) == where]
    instance = leaves[0].instance
    return where, _message(leaves), None if isinstance(instance, dict | list) else instance


def _closest(error: ValidationError) -> list[ValidationError]:
    """The leaf errors that best say why `error` failed: for an anyOf or oneOf, those of the
    alternatives with the fewest errors (when one alternative is closest, its best error)."""
    from jsonschema.exceptions import relevance

    if not error.context:
        return [error]
    alternatives: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        alternatives.setdefault(sub.relative_schema_path[0], []).append(sub)
    fewest = min(len(subs) for subs in alternatives.values())
    closest = [subs for subs in alternatives.values() if len(subs) == fewest]
    if len(closest) == 1:
        return _closest(max(closest[0], key=relevance))
    return [leaf for subs in closest for sub in subs for leaf in _closest(sub)]


def _message(leaves: list[ValidationError]) -> str:
    """One message for errors at one place: merged when they are alternatives of one kind."""
    kinds = {leaf.validator for leaf in leaves}
    instance = leaves[0].instance
    if len(leaves) > 1 and len(kinds) == 1 and kinds <= _MERGED:
        expected = _unique(
            value
            for leaf in leaves
            for value in (
                leaf.validator_value if leaf.validator == "enum" else [leaf.validator_value]
            )
        )
        if kinds == {"type"}:
            return f"{_SHORT.repr(instance)} is not of type {', '.join(map(repr, expected))}"
        return f"{_SHORT.repr(instance)} is not one of {_EXPECTED.repr(expected)}"
    messages = _unique(_short_message(leaf) for leaf in leaves)
    return " or ".join(messages[:3]) + (
        f" (or {len(messages) - 3} more)" if len(messages) > 3 else ""
    )


def _short_message(error: ValidationError) -> str:
    """jsonschema's message, with the offending value shortened: a whole object must not
    become the message."""
    full = repr(error.instance)
    short = _SHORT.repr(error.instance)
    return error.message.replace(full, short, 1) if full != short else error.message


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen
