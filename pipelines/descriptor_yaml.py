"""Read a YAML descriptor (datapackage.yaml, or a schema or dialect file in YAML) as the JSON
value it stands for, refusing what JSON cannot say or what would make readers disagree.

PyYAML's safe loader constructs no objects of its own (`!!python/object` is refused), but it
still reads timestamps as dates, keeps the last of repeated keys, and shares one node among
every alias of an anchor, so that a "billion laughs" document of a few hundred bytes expands
without end as soon as anything walks it. Here dates stay text, a repeated key or any alias is
refused, and every value must be one JSON has: the result is what the same descriptor in JSON
would give.
"""

from __future__ import annotations

from typing import Any

import yaml

from kzdata.pipelines.descriptor_limits import (
    MALFORMED,
    TOO_DEEP,
    DescriptorRefused,
    Limits,
    too_deep,
)


class _JsonLoader(yaml.SafeLoader):
    """The safe loader, with JSON's values only."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused("uses an alias (*name) of an anchor; aliases are refused", event)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise _Refused(f"has a key that is not text ({key!r})", key_node)
            if key in seen:
                raise _Refused(f"repeats the key {key!r} in one mapping", key_node)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# Timestamps stay text, as in JSON; no other implicit type JSON lacks is resolved.
_JsonLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Explicit tags of values JSON lacks have no constructor: the loader refuses them, naming them.
_JsonLoader.yaml_constructors = {
    tag: construct
    for tag, construct in yaml.SafeLoader.yaml_constructors.items()
    if tag is None
    or tag.removeprefix("tag:yaml.org,2002:") not in ("timestamp", "binary", "set", "omap", "pairs")
}


class _Refused(Exception):
    def __init__(self, message: str, where: Any) -> None:
        super().__init__(message)
        mark = getattr(where, "start_mark", None)
        self.line = mark.line + 1 if mark is not None else None


def parse_yaml(text: str, limits: Limits) -> Any:
    """The JSON value of the YAML document `text`. Raises DescriptorRefused naming the line."""
    try:
        loader = _JsonLoader(text)
        try:
            value = loader.get_single_data()
        finally:
            loader.dispose()
    except _Refused as exc:
        raise DescriptorRefused(
            MALFORMED, _at(f"is refused: it {exc}", exc.line), exc.line
        ) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        problem = exc.problem or exc.context or "not YAML"
        raise DescriptorRefused(
            MALFORMED, _at(f"is malformed YAML: {problem}", line), line
        ) from None
    except yaml.YAMLError as exc:
        raise DescriptorRefused(MALFORMED, f"is malformed YAML: {exc}") from None
    except RecursionError:
        # PyYAML's composer recurses once per level and gives up long before memory does.
        raise DescriptorRefused(TOO_DEEP, too_deep(limits)) from None
    if bad := _not_json(value):
        raise DescriptorRefused(
            MALFORMED, f"is refused: it holds {bad}, which JSON has no value for"
        )
    return value


def _at(message: str, line: int | None) -> str:
    return f"{message} (line {line})" if line is not None else message


def _not_json(value: Any) -> str | None:
    """A value JSON cannot hold (a float NaN or infinity), found with a stack."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, float) and (node != node or abs(node) == float("inf")):
            return f"the number {node}"
        if isinstance(node, dict | list):
            stack.extend(node.values() if isinstance(node, dict) else node)
    return None
