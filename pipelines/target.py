"""Open what the user asked to validate: a package folder or its datapackage.json.

Reading the descriptor and refusing unsafe paths happens here, before any layer reads data,
so a refused file is never opened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzdata.pipelines.errors import CannotRun
from kzdata.pipelines.path_safety import unsafe_reason
from kzdata.pipelines.report import Finding

LAYER = "frictionless"
DESCRIPTOR = "datapackage.json"
# Profiles frictionless knows; any other may be fetched from the network, so it is refused.
KNOWN_PROFILES = {
    "https://datapackage.org/profiles/2.0/datapackage.json",
    "https://datapackage.org/profiles/2.0/dataresource.json",
    "https://datapackage.org/profiles/1.0/datapackage.json",
    "https://datapackage.org/profiles/1.0/dataresource.json",
    "data-package",
    "tabular-data-package",
    "data-resource",
    "tabular-data-resource",
}


@dataclass
class Target:
    label: str
    descriptor_path: Path
    descriptor: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def basepath(self) -> Path:
        return self.descriptor_path.parent


def open_target(target: str | Path) -> Target:
    """Read the descriptor of a local package. Raises CannotRun when there is nothing to read;
    a descriptor that was read but is malformed or unsafe yields findings instead."""
    text = str(target)
    if "://" in text:
        raise CannotRun(f"{text}: only a local folder or datapackage.json can be validated yet")
    path = Path(target)
    if path.is_dir():
        path = path / DESCRIPTOR
    if not path.is_file():
        raise CannotRun(f"{path}: no such data package (expected a folder or a {DESCRIPTOR})")
    result = Target(label=text, descriptor_path=path)
    try:
        descriptor = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        result.findings.append(_finding("descriptor-error", f"not UTF-8 (byte {exc.start})", path))
        return result
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        result.findings.append(
            _finding(
                "descriptor-error", f"malformed JSON at {where}: {exc.msg}", path, row=exc.lineno
            )
        )
        return result
    if (
        not isinstance(descriptor, dict)
        or not descriptor.get("resources")
        or not isinstance(descriptor["resources"], list)
    ):
        result.findings.append(
            _finding(
                "descriptor-error",
                "a data package descriptor is a JSON object with a non-empty 'resources' list",
                path,
            )
        )
        return result
    result.descriptor = descriptor
    result.findings += _unsafe_paths(descriptor, result.basepath, path)
    return result


def _unsafe_paths(descriptor: dict[str, Any], base: Path, path: Path) -> list[Finding]:
    findings = []
    for key in ("$schema", "profile"):
        if key in descriptor and descriptor[key] not in KNOWN_PROFILES:
            findings.append(
                _finding(
                    "unknown-profile",
                    f"{key} {descriptor[key]!r} is not a Data Package profile "
                    "kzdata knows; custom profiles are not fetched",
                    path,
                )
            )
    for i, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict):
            findings.append(_finding("descriptor-error", f"resources[{i}] is not an object", path))
            continue
        name = resource.get("name") if isinstance(resource.get("name"), str) else f"resources[{i}]"
        paths = resource.get("path", [])
        for key, value in [("path", p) for p in (paths if isinstance(paths, list) else [paths])] + [
            (key, resource[key])
            for key in ("schema", "dialect")
            if isinstance(resource.get(key), str)
        ]:
            if reason := unsafe_reason(value, base):
                findings.append(
                    _finding(
                        "unsafe-path",
                        f"{key} {value!r} {reason}; refused, not read",
                        path,
                        resource=name,
                        field=key,
                    )
                )
        for key in ("$schema", "profile"):
            if key in resource and resource[key] not in KNOWN_PROFILES:
                findings.append(
                    _finding(
                        "unknown-profile",
                        f"{key} {resource[key]!r} is not a "
                        "profile kzdata knows; custom profiles are not fetched",
                        path,
                        resource=name,
                        field=key,
                    )
                )
    return findings


def is_local_csv_table(resource: Any) -> bool:
    """A resource a layer can read here: one local CSV file with a Table Schema."""
    if not isinstance(resource, dict) or "schema" not in resource:
        return False
    path = resource.get("path")
    if not isinstance(path, str) or "://" in path:
        return False
    fmt = resource.get("format") or Path(path).suffix.lstrip(".")
    return str(fmt).lower() == "csv"


class UnreadablePart(ValueError):
    """A resource's schema or dialect, given as a file, cannot be read as a JSON object."""


def descriptor_part(value: Any, base: Path, key: str) -> dict[str, Any]:
    """A resource's `schema` or `dialect`: inline, or read from its file in the package (its
    path was checked safe when the target was opened)."""
    if isinstance(value, dict):
        return value
    try:
        loaded = (
            json.loads((base / value).read_text(encoding="utf-8"))
            if isinstance(value, str)
            else None
        )
    except (OSError, ValueError) as exc:
        raise UnreadablePart(f"cannot read the {key} at {value!r}: {exc}") from exc
    if not isinstance(loaded, dict):
        raise UnreadablePart(f"the {key} is not a JSON object")
    return loaded


def _finding(rule: str, message: str, path: Path, **where: Any) -> Finding:
    return Finding(layer=LAYER, rule=rule, message=message, path=path.name, **where)
