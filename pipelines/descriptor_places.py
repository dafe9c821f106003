"""Places in a descriptor, named the same way by every check of it: the JSON path a finding's
message starts with (`resources[2].schema.fields[3].type`), the resource and field it is about,
and the file it is in (a schema or dialect file the descriptor names, or the descriptor)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kzdata.pipelines.finding import Finding

LAYER = "frictionless"
Parts = Sequence[str | int]
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def json_path(parts: Parts) -> str:
    """`parts` (keys and indexes from the top of the descriptor) as a JSON path without the
    leading `$`: `resources[2].schema.fields[3].type`. A key that is not a plain name is
    quoted as JSON, so that no key can forge a path or break a line."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _NAME.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text or "the descriptor"


@dataclass(frozen=True)
class Places:
    """Makes the findings of one descriptor. `descriptor` has its schema and dialect files
    read in (target.py); `files` maps (resource index, "schema" or "dialect") to the file, in
    the package, that part was read from; `descriptor_file` is the descriptor's file name."""

    descriptor: Mapping[str, Any]
    descriptor_file: str
    files: Mapping[tuple[int, str], str] = field(default_factory=dict)

    def finding(self, rule: str, parts: Parts, message: str, value: Any = None) -> Finding:
        """A finding about the value at `parts`, its message starting with its JSON path."""
        resource, field_name = self.locate(parts)
        return Finding(
            layer=LAYER,
            rule=rule,
            message=f"{json_path(parts)}: {message}",
            resource=resource,
            field=field_name,
            value=None if value is None else str(value),
            path=self.file_of(parts),
        )

    def locate(self, parts: Parts) -> tuple[str | None, str | None]:
        """The resource (its name) and the field a place is about, where known: the Table
        Schema field's name inside a field, else the resource's property (`path`, `schema`)."""
        if len(parts) < 2 or parts[0] != "resources" or not isinstance(parts[1], int):
            return None, None
        resource = _item(self.descriptor.get("resources"), parts[1])
        name = resource.get("name") if isinstance(resource, dict) else None
        name = name if isinstance(name, str) else None
        if len(parts) < 3 or not isinstance(parts[2], str):
            return name, None
        if tuple(parts[2:4]) == ("schema", "fields") and len(parts) >= 5:
            schema = resource.get("schema") if isinstance(resource, dict) else None
            fields = schema.get("fields") if isinstance(schema, dict) else None
            entry = _item(fields, parts[4])
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                return name, entry["name"]
        return name, parts[2]

    def file_of(self, parts: Parts) -> str:
        """The file the value at `parts` is in: a schema or dialect file, or the descriptor."""
        if len(parts) >= 3 and parts[0] == "resources":
            part_file = self.files.get((parts[1], parts[2]))  # type: ignore[arg-type]
            if part_file is not None:
                return part_file
        return self.descriptor_file


def _item(items: Any, index: Any) -> Any:
    if isinstance(items, list) and isinstance(index, int) and 0 <= index < len(items):
        return items[index]
    return None
