"""Layer 1, frictionless: the descriptor against the whole Data Package v2 profile, then
structure, types, constraints, primary and foreign keys, bytes, hashes: each table on
frictionless itself or on the vectorized engine (kzdata.pipelines.table_engine), which
reports the same findings."""

from __future__ import annotations

import re
from typing import Any

from kzdata.pipelines import descriptor_profile
from kzdata.pipelines.descriptor_once import once_per_field
from kzdata.pipelines.linear_patterns import linear_patterns
from kzdata.pipelines.report import Finding, LayerItem
from kzdata.pipelines.table_engine.layer_tables import Tables
from kzdata.pipelines.target import Target, UnreadablePart, descriptor_part

LAYER = "frictionless"


def check(target: Target, limit: int) -> list[LayerItem]:
    from frictionless import FrictionlessException, Package, system

    # frictionless crashes on some malformed constraints: they are the descriptor's fault, so
    # they are reported as findings, and frictionless does not run on such a package.
    unusable = _invalid_constraints(target)
    profile = descriptor_profile.check(target.places, target.limits.max_findings)
    # Nor on a descriptor that declares the v2 profile and breaks it: frictionless would
    # repeat part of it in its own words, or crash on a value of the wrong kind. A descriptor
    # read as v1 (profile warnings) is still checked.
    if unusable or (
        profile and descriptor_profile.rule_for(target.checked) == descriptor_profile.ERROR
    ):
        return unusable + profile
    try:
        # Not trusted: frictionless keeps refusing unsafe paths itself, as a second line. It
        # is given the descriptor with its schema and dialect files read in, as they were
        # checked: it reads no descriptor file itself. Its patterns run on a linear-time
        # engine, never on Python's backtracking `re`. Each shape of field is checked once.
        with system.use_context(trusted=False), linear_patterns(), once_per_field():
            package = _read(Package, target, profile)
            if isinstance(package, Finding):
                return [*profile, package]
            # The descriptor is frictionless's to check, whichever engine checks the tables.
            try:
                package.to_descriptor(validate=True)
            except FrictionlessException as exc:
                return profile + [
                    _finding(e, path=target.descriptor_path.name) for e in exc.to_errors()
                ]
            tables = Tables(
                package, target.basepath, target.engine, limit, target.withheld, target.tables
            )
            findings: list[LayerItem] = list(profile)
            for resource in package.resources:
                findings += tables.check(resource, _finding)
    except FrictionlessException as exc:
        # The top error is often just "descriptor is not valid"; its reasons say why.
        errors = exc.reasons or [exc.error]
        return profile + [_finding(e, path=target.descriptor_path.name) for e in errors]
    return findings


def _read(package_class: Any, target: Target, profile: list[Finding]) -> Any:
    """frictionless's Package of the descriptor, or a finding when frictionless fails on it.

    frictionless fails on some values the profile allows or only warns about, rather than
    report them: a v4 `layout` that is not an object, a v1 foreign key whose `reference` is a
    string. Its code is then reading nothing but the descriptor, so the descriptor is at
    fault, not kzdata; the data is never read."""
    from frictionless import FrictionlessException

    try:
        return package_class.from_descriptor(target.checked, basepath=str(target.basepath))
    except FrictionlessException:
        raise
    except Exception as exc:
        hint = "; the profile warnings say where it departs from the standard" if profile else ""
        return Finding(
            layer=LAYER,
            rule="descriptor-error",
            message=f"frictionless cannot read this descriptor ({type(exc).__name__}: {exc})"
            + hint,
            path=target.descriptor_path.name,
        )


_LIMITS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_LENGTHS = ("minLength", "maxLength")


def _invalid_constraints(target: Target) -> list[Finding]:
    """Constraints frictionless would crash on rather than report: a pattern that is not a
    regular expression, a limit that is null or not a single value, a length that is not a
    whole number, an enum that is not a list."""
    findings = []
    for resource in target.checked["resources"]:
        try:
            schema = descriptor_part(resource.get("schema", {}), target.basepath, "schema")
        except UnreadablePart:
            continue  # frictionless reports an unreadable schema itself
        fields = schema.get("fields")
        for field in fields if isinstance(fields, list) else []:
            constraints = field.get("constraints") if isinstance(field, dict) else None
            for key, value in (constraints or {}).items() if isinstance(constraints, dict) else ():
                if problem := _constraint_problem(key, value, field.get("type", "string")):
                    findings.append(
                        Finding(
                            layer=LAYER,
                            rule="schema-error",
                            message=f"field {field.get('name')!r}: {key} {problem}; the "
                            "package cannot be checked by frictionless",
                            resource=resource.get("name"),
                            field=field.get("name"),
                            value=str(value),
                            path=target.descriptor_path.name,
                        )
                    )
    return findings


def _constraint_problem(key: str, value: Any, field_type: Any) -> str | None:
    if key == "pattern":
        try:
            # Compiling is linear in the pattern's size; only matching can backtrack, and
            # frictionless's matching is replaced (kzdata.pipelines.linear_patterns).
            re.compile(value)
        except (re.error, TypeError, OverflowError, RecursionError) as exc:
            return f"is not a valid regular expression ({exc})"
    elif key in _LIMITS and not _is_limit_of(field_type, value):
        return f"is not a value of the field's type ({field_type})"
    elif key in _LENGTHS and (not isinstance(value, int) or isinstance(value, bool)):
        return "is not a whole number"
    elif key == "enum" and not isinstance(value, list):
        return "is not a list"
    return None


def _is_limit_of(field_type: Any, value: Any) -> bool:
    """Whether a minimum or maximum is a value frictionless can compare cells of this type to
    (it reads the limit as a cell, and compares with None when it cannot)."""
    if value is None or isinstance(value, bool | list | dict):
        return False
    if field_type in ("integer", "year"):
        return isinstance(value, int) or bool(re.fullmatch(r"[+-]?[0-9]+", str(value)))
    if field_type == "number":
        try:
            float(value)
        except ValueError:
            return False
        return True
    # date, time, datetime, yearmonth and the rest are written as text.
    return isinstance(value, str)


def _finding(error: Any, **where: Any) -> Finding:
    names = getattr(error, "field_names", None)  # foreign-key errors name several fields
    values = getattr(error, "field_cells", None)
    field = getattr(error, "field_name", None) or (",".join(names) if names else None)
    value = getattr(error, "cell", None)
    if value is None and values:
        value = ",".join("" if v is None else str(v) for v in values)
    # Label errors carry the header's row in `row_numbers` (the header is row 1).
    rows = getattr(error, "row_numbers", None)
    return Finding(
        layer=LAYER,
        rule=error.type,
        message=error.message,
        row=getattr(error, "row_number", None) or (rows[0] if rows else None),
        field=field,
        value=value,
        **where,
    )
