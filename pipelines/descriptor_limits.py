"""Read a descriptor file within limits: the datapackage.json, or a schema or dialect file it
names. A file too large or nested too deep is refused before it can exhaust memory or crash a
recursive reader (Python's JSON parser, jsonschema, frictionless all recurse).

Every limit on descriptors is named here, once; the README documents them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Largest descriptor file read, in bytes. At most one byte more is read to tell that a file is
# larger, so a huge file costs no more than this. The shipped datapackage.json is about 40 KiB.
MAX_DESCRIPTOR_BYTES = 16 * 1024 * 1024
# Deepest nesting of objects and arrays in a descriptor file (the top-level object is level 1).
# The shipped descriptor is 8 levels deep; the Data Package profiles need fewer than 10.
MAX_DESCRIPTOR_DEPTH = 64
# Most findings one check of the descriptor lists (the profile check, the references check);
# a last finding says that more were left out. One bad node is one finding, not one per rule
# of the profile it breaks, so this is reached only by a descriptor broken in many places.
MAX_DESCRIPTOR_FINDINGS = 100

TOO_LARGE = "descriptor-too-large"
TOO_DEEP = "descriptor-too-deep"
MALFORMED = "descriptor-error"


@dataclass(frozen=True)
class Limits:
    """The limits a descriptor file is read within (`kzdata validate --max-descriptor-...`)."""

    max_bytes: int = MAX_DESCRIPTOR_BYTES
    max_depth: int = MAX_DESCRIPTOR_DEPTH
    max_findings: int = MAX_DESCRIPTOR_FINDINGS  # of the profile check


DEFAULT_LIMITS = Limits()


class DescriptorRefused(ValueError):
    """A descriptor file that was not read into a value: too large, too deep, not UTF-8, not
    JSON. `rule` names the finding it becomes; `line` is set for a JSON syntax error."""

    def __init__(self, rule: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line


def read_descriptor(path: Path, limits: Limits = DEFAULT_LIMITS) -> Any:
    """The value in the descriptor file at `path`: YAML by its suffix (.yaml, .yml), else JSON;
    read within `limits`. Raises DescriptorRefused (or OSError when it cannot be opened)."""
    if path.suffix.lower() in YAML_SUFFIXES:
        from kzdata.pipelines.descriptor_yaml import parse_yaml

        value = parse_yaml(read_text(path, limits), limits)
    else:
        value = parse_json(read_text(path, limits), limits)
    if depth_exceeds(value, limits.max_depth):
        raise DescriptorRefused(TOO_DEEP, too_deep(limits))
    return value


YAML_SUFFIXES = (".yaml", ".yml")


def read_json(path: Path, limits: Limits = DEFAULT_LIMITS) -> Any:
    """The JSON value in the file at `path`, read within `limits`. Raises DescriptorRefused
    (or OSError when the file cannot be opened)."""
    value = parse_json(read_text(path, limits), limits)
    if depth_exceeds(value, limits.max_depth):
        raise DescriptorRefused(TOO_DEEP, too_deep(limits))
    return value


def read_text(path: Path, limits: Limits) -> str:
    """The UTF-8 text of the file at `path`, refused when larger than the limit."""
    # A named pipe or a device would block or never end: only regular files are read.
    if not path.is_file():
        raise DescriptorRefused(MALFORMED, "is not a regular file")
    with path.open("rb") as file:
        data = file.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise DescriptorRefused(
            TOO_LARGE,
            f"is larger than {limits.max_bytes} bytes, the limit for a descriptor; not parsed",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DescriptorRefused(MALFORMED, f"is not UTF-8 (byte {exc.start})") from None


def parse_json(text: str, limits: Limits) -> Any:
    """The JSON value of `text`: standard JSON only. A key repeated in one object (Python's
    parser keeps the last, others the first), NaN, Infinity or a number too large for a float
    is refused, as readers would disagree on what the descriptor says."""
    try:
        value = json.loads(
            text, object_pairs_hook=_unique_keys, parse_constant=_no_constant, parse_float=_float
        )
    except _NotStandard as exc:
        raise DescriptorRefused(MALFORMED, f"is not standard JSON: {exc}") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise DescriptorRefused(
            MALFORMED, f"is malformed JSON at {where}: {exc.msg}", line=exc.lineno
        ) from None
    except RecursionError:
        # Python's parser recurses once per level and gives up long before memory does.
        raise DescriptorRefused(TOO_DEEP, too_deep(limits)) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise DescriptorRefused(MALFORMED, f"is not a usable JSON value: {exc}") from None
    return value


class _NotStandard(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _NotStandard(f"the key {key!r} appears twice in one object")
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise _NotStandard(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NotStandard(f"the number {text[:40]} is too large for a float")
    return value


def depth_exceeds(value: Any, limit: int) -> bool:
    """Whether objects and arrays in `value` nest deeper than `limit` levels. Walks with its own
    stack, so no depth can make it recurse."""
    if not isinstance(value, dict | list):
        return False
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def too_deep(limits: Limits) -> str:
    return (
        f"nests objects and arrays deeper than {limits.max_depth} levels, the limit for a "
        "descriptor; not checked"
    )
