"""A Diff as text (for a terminal), JSON (for programs) or Markdown (a changelog entry)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from kzdata.pipelines.change import SECTIONS, Change
from kzdata.pipelines.diff import Diff
from kzdata.pipelines.semver import LEVELS

# Version of the JSON shape: fields are only added while it stays 1.
DIFF_JSON_VERSION = 1
ROW_VERBS = {
    "row-added": ("+", "added"),
    "row-removed": ("-", "removed"),
    "row-changed": ("~", "changed"),
    "row-withdrawn": ("~", "withdrawn"),
    "row-reinstated": ("~", "reinstated"),
}


def counts(d: Diff) -> dict[str, int]:
    """How many changes need each bump, strongest first."""
    return {b: len(d.needing(b)) for b in reversed(LEVELS[1:])}


def _bump_line(d: Diff) -> str:
    if not d.changes:
        return "no changes: no release needed"
    detail = ", ".join(f"{n} {b}" for b, n in counts(d).items() if n)
    return f"bump needed: {d.bump} ({detail})"


def text(d: Diff) -> str:
    """A terminal report: the two sides, the bump, then each section's changes."""
    lines = [
        f"old: {d.old.target} (version {d.old.version or 'not given'})",
        f"new: {d.new.target} (version {d.new.version or 'not given'})",
        _bump_line(d),
    ]
    for section in SECTIONS:
        items = [c for c in d.changes if c.section == section]
        lines.append("")
        lines.append(f"{section}: {'no changes' if not items else ''}".rstrip())
        if section == "rows":
            for resource, group in _by_resource(items):
                lines.append(f"  {resource}: {_row_summary(group)}")
                lines += [
                    f"    {ROW_VERBS[c.kind][0]} {c.key_text}{_fields(c, repr)} [{c.bump}]"
                    for c in group
                ]
        else:
            lines += [f"  [{c.bump}] {c.note}" for c in items]
    return "\n".join(lines) + "\n"


def to_json(d: Diff) -> str:
    """A stable JSON document: both sides, the bump, counts per bump, every change."""
    document: dict[str, Any] = {
        "version": DIFF_JSON_VERSION,
        "old": {"target": d.old.target, "version": d.old.version},
        "new": {"target": d.new.target, "version": d.new.version},
        "bump": d.bump,
        "counts": counts(d),
        "changes": [c.to_dict() for c in d.changes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def markdown(d: Diff, heading: str | None = None) -> str:
    """The changes as a Markdown changelog entry, under `heading` (a level-2 title) if given."""
    lines = [f"## {heading}", ""] if heading else []
    if not d.changes:
        return "\n".join([*lines, "No changes to the data.", ""])
    lines += [
        f"Needs a **{d.bump}** release: "
        + ", ".join(f"{n} {b}" for b, n in counts(d).items() if n)
        + ".",
    ]
    for section in SECTIONS:
        items = [c for c in d.changes if c.section == section]
        if not items:
            continue
        lines += ["", f"### {section.capitalize()}", ""]
        if section == "rows":
            for resource, group in _by_resource(items):
                lines += [f"#### `{resource}`: {_row_summary(group)}", ""]
                lines += [
                    f"- {ROW_VERBS[c.kind][1].capitalize()} {_code(c.key_text)}"
                    f"{_fields(c, _code)} ({c.bump})"
                    for c in group
                ]
                lines.append("")
            lines.pop()
        else:
            lines += [f"- {_escape(c.note)} ({c.bump})" for c in items]
    return "\n".join(lines) + "\n"


def _by_resource(items: list[Change]) -> list[tuple[str, list[Change]]]:
    """Changes grouped by resource, resources in the order the package lists them."""
    groups: dict[str, list[Change]] = {}
    for c in items:
        groups.setdefault(c.resource or "", []).append(c)
    return list(groups.items())


def _row_summary(group: list[Change]) -> str:
    verbs = [ROW_VERBS[c.kind][1] for c in group]
    return ", ".join(f"{verbs.count(v)} {v}" for _, v in ROW_VERBS.values() if v in verbs)


def _fields(c: Change, show: Callable[[str], str]) -> str:
    """': field old → new; ...' for a changed row; nothing for an added or removed one."""
    if c.kind in ("row-added", "row-removed"):
        return ""
    return ": " + "; ".join(
        f"{field} {show(c.old[field])} → {show(c.new[field])}" for field in c.new
    )


def _code(value: str) -> str:
    """An inline code span that holds any text (a value may hold backticks or line breaks)."""
    if value == "":
        return "(empty)"
    value = value.replace("\r", "\\r").replace("\n", "\\n")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _escape(text: str) -> str:
    """Plain text in Markdown: the characters that would start markup are escaped (an
    underscore inside a word starts nothing, so field names stay readable)."""
    return re.sub(r"([\\`*\[\]<>|])", r"\\\1", text.replace("\n", " "))


def markdown_entry(d: Diff) -> str:
    """The Markdown changelog entry of `kzdata diff`, titled by the two versions."""
    return markdown(d, f"{d.old.version or d.old.target} → {d.new.version or d.new.target}")


FORMATS: dict[str, Callable[[Diff], str]] = {
    "text": text,
    "json": to_json,
    "markdown": markdown_entry,
}
