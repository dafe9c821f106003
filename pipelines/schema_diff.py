"""Changes in what a package declares (its metadata, its resources and their Table Schemas),
each with the version bump it needs. The rules are the README's "Bump rules":

- a resource or field removed, a field retyped, a constraint tightened, a changed primary
  key, field order, missing-value marker or way of reading a file (path, format, encoding,
  dialect ...): major, since a consumer's code or checks that worked can break;
- a resource or field added, a constraint loosened, a foreign key dropped: minor, since new
  kinds of values or rows may appear but nothing that was there goes;
- anything else (titles, descriptions, licences, sources, keywords ...): patch.

`version` and `created` are stamped by each release and are not changes; nor are a
resource's `bytes` and `hash`, which follow its rows (compared row by row).
"""

from __future__ import annotations

import json
from typing import Any

from kzdata.pipelines.change import Change

# Set by every release (kzdata.pipelines.release_marker): never a change of the data.
RELEASE_STAMPS = frozenset({"version", "created", "kzdata:release"})
FILE_STAMPS = frozenset({"bytes", "hash"})
# Resource properties that change how its file is found or parsed.
READING = frozenset(
    {"path", "data", "type", "format", "mediatype", "encoding", "dialect", "compression", "scheme"}
)
# Field properties that change how a cell is parsed: a change is a retype.
PARSING = frozenset(
    {"type", "missingValues", "trueValues", "falseValues", "decimalChar", "groupChar", "bareNumber"}
)
FLAGS = frozenset({"required", "unique"})
LOWER_LIMITS = frozenset({"minLength", "minimum", "exclusiveMinimum"})
UPPER_LIMITS = frozenset({"maxLength", "maximum", "exclusiveMaximum"})
_ABSENT = object()


def package_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Descriptor properties other than the resources and the release stamps: patches."""
    ignored = RELEASE_STAMPS | {"resources"}
    return [
        Change("metadata", kind, "patch", f"package {_phrase(key, a, b)}", field=key, old=a, new=b)
        for key, kind, a, b in _changed_keys(old, new, ignored)
    ]


def resource_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """A resource's own properties (not its schema, bytes or hash) and its Table Schema."""
    changes = []
    for key, kind, a, b in _changed_keys(old, new, FILE_STAMPS | {"name", "schema"}):
        reading = key in READING
        changes.append(
            Change(
                "schema" if reading else "metadata",
                "reading-changed" if reading else kind,
                "major" if reading else "patch",
                f"{name}: {_phrase(key, a, b)}"
                + (" (changes how the file is read)" if reading else ""),
                resource=name,
                field=key,
                old=a,
                new=b,
            )
        )
    return changes + schema_changes(name, old.get("schema") or {}, new.get("schema") or {})


def schema_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Fields added, removed, retyped, constrained differently; keys and missing values."""
    old_fields = {f.get("name"): f for f in old.get("fields", [])}
    new_fields = {f.get("name"): f for f in new.get("fields", [])}
    changes = []
    for field in [f for f in old_fields if f not in new_fields]:
        changes.append(_schema("field-removed", "major", name, field, f"field {field} removed"))
    for field in [f for f in new_fields if f not in old_fields]:
        changes.append(_schema("field-added", "minor", name, field, f"field {field} added"))
    for field in [f for f in old_fields if f in new_fields]:
        changes += field_changes(name, old_fields[field], new_fields[field])
    common = [f for f in old_fields if f in new_fields]
    if common != [f for f in new_fields if f in old_fields]:
        changes.append(
            _schema("fields-reordered", "major", name, None, "the order of the fields changed")
        )
    if _key(old.get("primaryKey")) != _key(new.get("primaryKey")):
        changes.append(
            _schema(
                "primary-key-changed",
                "major",
                name,
                None,
                f"primary key {_key(old.get('primaryKey'))} → {_key(new.get('primaryKey'))}",
            )
        )
    old_fks, new_fks = _foreign_keys(old), _foreign_keys(new)
    for fk in sorted(new_fks.keys() - old_fks.keys()):
        changes.append(
            _schema("foreign-key-added", "major", name, None, f"foreign key added: {fk}")
        )
    for fk in sorted(old_fks.keys() - new_fks.keys()):
        changes.append(
            _schema("foreign-key-removed", "minor", name, None, f"foreign key removed: {fk}")
        )
    if old.get("missingValues", [""]) != new.get("missingValues", [""]):
        changes.append(
            _schema(
                "missing-values-changed",
                "major",
                name,
                None,
                f"missingValues {_show(old.get('missingValues', ['']))} → "
                f"{_show(new.get('missingValues', ['']))}",
            )
        )
    ignored = {"fields", "primaryKey", "foreignKeys", "missingValues"}
    for key, kind, a, b in _changed_keys(old, new, ignored):
        changes.append(
            Change(
                "metadata",
                kind,
                "patch",
                f"{name}: schema {_phrase(key, a, b)}",
                resource=name,
                field=f"schema.{key}",
                old=a,
                new=b,
            )
        )
    return changes


def field_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """One field present in both schemas: its type, format, constraints and other properties."""
    field = old.get("name")
    changes = []
    for key in sorted(PARSING):
        default = "any" if key == "type" else None  # a field without a type is `any`
        a, b = old.get(key, default), new.get(key, default)
        if a != b:
            changes.append(
                Change(
                    "schema",
                    "field-retyped",
                    "major",
                    f"{name}.{field}: {key} {_show(a)} → {_show(b)}",
                    resource=name,
                    field=field,
                    old=a,
                    new=b,
                )
            )
    if old.get("format") != new.get("format"):
        loosened = new.get("format") in (None, "default")
        changes.append(
            Change(
                "schema",
                "constraint-loosened" if loosened else "field-retyped",
                "minor" if loosened else "major",
                f"{name}.{field}: format {_show(old.get('format'))} → {_show(new.get('format'))}",
                resource=name,
                field=field,
                old=old.get("format"),
                new=new.get("format"),
            )
        )
    old_c, new_c = old.get("constraints") or {}, new.get("constraints") or {}
    for key in sorted(old_c.keys() | new_c.keys()):
        a, b = old_c.get(key, _ABSENT), new_c.get(key, _ABSENT)
        direction = constraint_direction(key, a, b)
        if direction is None:
            continue
        bump = {"tightened": "major", "loosened": "minor"}.get(direction, "patch")
        changes.append(
            Change(
                "schema",
                f"constraint-{direction}",
                bump,
                f"{name}.{field}: {key} {_show(a)} → {_show(b)} ({direction})",
                resource=name,
                field=field,
                old={key: None if a is _ABSENT else a},
                new={key: None if b is _ABSENT else b},
            )
        )
    ignored = PARSING | {"name", "format", "constraints"}
    for key, kind, a, b in _changed_keys(old, new, ignored):
        changes.append(
            Change(
                "metadata",
                kind,
                "patch",
                f"{name}.{field}: {_phrase(key, a, b)}",
                resource=name,
                field=f"{field}.{key}",
                old=a,
                new=b,
            )
        )
    return changes


def constraint_direction(key: str, old: Any, new: Any) -> str | None:
    """ "tightened" when the new constraint may refuse a value the old one accepted,
    "loosened" when it accepts everything the old one did and more, "reordered" for an enum
    with the same values in another order, None when nothing changed. `_ABSENT` (module
    private) stands for a constraint that is not there.

    required / unique: turned on is tightened, off loosened. minLength, minimum,
    exclusiveMinimum: raised or added is tightened, lowered or dropped loosened; maxLength,
    maximum, exclusiveMaximum the other way round. enum: fewer values (or added) is tightened,
    more values (or dropped) loosened, some in and some out tightened. pattern, and any other
    constraint: added or changed is tightened (two regular expressions cannot be compared in
    general, so a changed pattern is taken to refuse something), dropped loosened.
    """
    if key in FLAGS:
        a, b = old is not _ABSENT and bool(old), new is not _ABSENT and bool(new)
        return None if a == b else ("tightened" if b else "loosened")
    if old == new:
        return None
    if old is _ABSENT:
        return "tightened"
    if new is _ABSENT:
        return "loosened"
    if key in LOWER_LIMITS | UPPER_LIMITS:
        try:
            raised = new > old
        except TypeError:  # limits of different types: cannot tell, so assume the worst
            return "tightened"
        return "tightened" if raised == (key in LOWER_LIMITS) else "loosened"
    if key == "enum" and isinstance(old, list) and isinstance(new, list):
        a, b = {_show(v) for v in old}, {_show(v) for v in new}
        if a == b:
            return "reordered"
        return "loosened" if a < b else "tightened"
    return "tightened"


def _changed_keys(
    old: dict[str, Any], new: dict[str, Any], ignored: set[str] | frozenset[str]
) -> list[tuple[str, str, Any, Any]]:
    """(key, kind, old, new) of each property added, removed or changed, in a stable order."""
    out = []
    for key in sorted((old.keys() | new.keys()) - ignored):
        a, b = old.get(key), new.get(key)
        if key not in old:
            out.append((key, "property-added", None, b))
        elif key not in new:
            out.append((key, "property-removed", a, None))
        elif a != b:
            out.append((key, "property-changed", a, b))
    return out


def _schema(kind: str, bump: str, resource: str, field: str | None, note: str) -> Change:
    return Change("schema", kind, bump, f"{resource}: {note}", resource=resource, field=field)


def _key(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _foreign_keys(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Foreign keys by a readable, comparable text: 'a, b -> resource(x, y)'."""
    out = {}
    for fk in schema.get("foreignKeys", []):
        ref = fk.get("reference", {})
        text = (
            f"{', '.join(map(str, _key(fk.get('fields'))))} → "
            f"{ref.get('resource') or '(itself)'}({', '.join(map(str, _key(ref.get('fields'))))})"
        )
        out[text] = fk
    return out


def _phrase(key: str, old: Any, new: Any) -> str:
    if old is None:
        return f"{key} added: {_show(new)}"
    if new is None:
        return f"{key} removed (was {_show(old)})"
    if isinstance(old, list) and isinstance(new, list):
        # A list (sources, keywords, licences) changes by items: say which, not two prefixes.
        before, after = [_show(v) for v in old], [_show(v) for v in new]
        parts = [f"added {v}" for v in after if v not in before]
        parts += [f"removed {v}" for v in before if v not in after]
        return f"{key}: {'; '.join(parts) or 'reordered'}"
    return f"{key} {_show(old)} → {_show(new)}"


def _show(value: Any, limit: int = 80) -> str:
    if value is _ABSENT:
        return "(none)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"
