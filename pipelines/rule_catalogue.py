"""The catalogue of rules (schemas/rules.yaml): every rule kzdata can report, with its layer,
default severity, description and help. Severities, the SARIF rule descriptors and the README's
rule list read it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from kzdata.schemas import RULES_YAML, read_yaml

LEVELS = ("error", "warning")
# The catalogue's name for rules any layer may report (a crash).
EVERY_LAYER = "every-layer"
_KEYS = {"severity", "description", "help"}


class CatalogueError(ValueError):
    """rules.yaml is malformed."""


@dataclass(frozen=True)
class Rule:
    """One rule: `layer` is EVERY_LAYER for a rule any layer may report."""

    layer: str
    code: str
    severity: str
    description: str
    help: str


@dataclass(frozen=True)
class Catalogue:
    rules: tuple[Rule, ...]

    def get(self, layer: str, code: str) -> Rule | None:
        """The rule `code` of `layer` (or of every layer); None when the catalogue lacks it."""
        return self._index.get((layer, code)) or self._index.get((EVERY_LAYER, code))

    def knows(self, layer: str, code: str) -> bool:
        return self.get(layer, code) is not None

    @property
    def layers(self) -> list[str]:
        """The validation layers that have rules, in catalogue order (EVERY_LAYER left out)."""
        return list(dict.fromkeys(r.layer for r in self.rules if r.layer != EVERY_LAYER))

    @cached_property
    def _index(self) -> dict[tuple[str, str], Rule]:
        return {(r.layer, r.code): r for r in self.rules}


@cache
def catalogue() -> Catalogue:
    """The catalogue shipped with kzdata (schemas/rules.yaml)."""
    return load(RULES_YAML)


def load(path: str | Path) -> Catalogue:
    """Read and check a catalogue. Raises CatalogueError naming the file and the entry."""
    path = Path(path)
    try:
        data = read_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: expected a mapping of layer to its rules")
    rules = []
    for layer, entries in data.items():
        if not isinstance(entries, dict):
            raise CatalogueError(f"{path}: {layer}: expected a mapping of rule code to entry")
        rules += [_rule(path, str(layer), str(code), entry) for code, entry in entries.items()]
    return Catalogue(tuple(rules))


def _rule(path: Path, layer: str, code: str, entry: Any) -> Rule:
    where = f"{path}: {layer}.{code}"
    if not isinstance(entry, dict) or set(entry) != _KEYS:
        raise CatalogueError(f"{where}: expected exactly {', '.join(sorted(_KEYS))}")
    if entry["severity"] not in LEVELS:
        raise CatalogueError(f"{where}: severity {entry['severity']!r} is not error or warning")
    for key in ("description", "help"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise CatalogueError(f"{where}: {key} is a line of text")
    return Rule(layer, code, entry["severity"], entry["description"], entry["help"])
