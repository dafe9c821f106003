"""The rule severities: each rule's default from the catalogue (schemas/rules.yaml), what
severities.yaml changes of it, and which rules are privacy rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kzdata.pipelines.rule_catalogue import LEVELS, Catalogue, catalogue
from kzdata.schemas import HERE, read_yaml

SEVERITIES_YAML = HERE / "severities.yaml"


class SeverityDeclarationError(ValueError):
    """severities.yaml is malformed or breaks a rule the brief fixes (privacy is an error)."""


@dataclass(frozen=True)
class LayerSeverities:
    """What severities.yaml declares for one layer; `default` None keeps the catalogue's."""

    default: str | None = None
    rules: Mapping[str, str] = field(default_factory=dict)
    privacy: bool = False


@dataclass(frozen=True)
class Severities:
    """The declaration: a severity for every (layer, rule), and which rules are privacy rules.
    `default` is for a rule the catalogue does not know (a test keeps there being none)."""

    default: str
    layers: Mapping[str, LayerSeverities]
    rules: Catalogue = field(default_factory=catalogue, compare=False)

    def severity(self, layer: str, rule: str) -> str:
        """'error' or 'warning' for a finding of `rule` in `layer`: severities.yaml's rule,
        else its layer default, else the catalogue's severity."""
        declared = self.layers.get(layer, LayerSeverities())
        if rule in declared.rules:
            return declared.rules[rule]
        if declared.default is not None:
            return declared.default
        known = self.rules.get(layer, rule)
        return known.severity if known is not None else self.default

    def is_privacy(self, layer: str, rule: str) -> bool:
        """Whether findings of `rule` in `layer` may carry personal data (their values are
        masked). Every rule of a privacy layer is one, its crash reports included."""
        declared = self.layers.get(layer)
        return declared is not None and declared.privacy


@cache
def declared() -> Severities:
    """The severities shipped with kzdata (schemas/severities.yaml)."""
    return load(SEVERITIES_YAML)


def load(path: str | Path) -> Severities:
    """Read and check a severity declaration. Raises SeverityDeclarationError naming the file."""
    path = Path(path)
    try:
        data = read_yaml(path)
        return _parse(data)
    except (OSError, yaml.YAMLError) as exc:
        raise SeverityDeclarationError(f"{path}: cannot be read: {exc}") from None
    except SeverityDeclarationError as exc:
        raise SeverityDeclarationError(f"{path}: {exc}") from None


def _parse(data: Any) -> Severities:
    if not isinstance(data, dict) or set(data) - {"default", "layers"}:
        raise SeverityDeclarationError("expected a mapping with 'default' and 'layers'")
    layers = data.get("layers") or {}
    if not isinstance(layers, dict):
        raise SeverityDeclarationError("'layers' is a mapping of layer name to its severities")
    declared = {str(name): _layer(str(name), spec) for name, spec in layers.items()}
    rules = catalogue()
    for name, layer in declared.items():
        # A name the catalogue does not know is a typo that would silently change nothing.
        if not layer.privacy and name not in rules.layers:
            known = ", ".join(rules.layers)
            raise SeverityDeclarationError(f"layers.{name}: no such layer (the layers: {known})")
        for rule in layer.rules:
            if not rules.knows(name, rule):
                raise SeverityDeclarationError(
                    f"layers.{name}.rules.{rule}: no such rule of layer {name} in "
                    "schemas/rules.yaml"
                )
    return Severities(default=_level(data.get("default"), "default"), layers=declared)


def _layer(name: str, spec: Any) -> LayerSeverities:
    where = f"layers.{name}"
    if not isinstance(spec, dict) or set(spec) - {"default", "rules", "privacy"}:
        raise SeverityDeclarationError(f"{where}: expected 'default', 'rules' and 'privacy' only")
    rules = spec.get("rules") or {}
    if not isinstance(rules, dict):
        raise SeverityDeclarationError(f"{where}.rules: a mapping of rule name to severity")
    privacy = spec.get("privacy", False)
    if not isinstance(privacy, bool):
        raise SeverityDeclarationError(f"{where}.privacy: true or false")
    layer = LayerSeverities(
        default=None
        if spec.get("default") is None
        else _level(spec["default"], f"{where}.default"),
        rules={str(rule): _level(level, f"{where}.rules.{rule}") for rule, level in rules.items()},
        privacy=privacy,
    )
    # Personal data in a published resource is never acceptable, so it can never be a warning.
    if privacy and "warning" in (layer.default, *layer.rules.values()):
        raise SeverityDeclarationError(f"{where}: privacy findings are always errors")
    return layer


def _level(value: Any, where: str) -> str:
    if value not in LEVELS:
        raise SeverityDeclarationError(f"{where}: {value!r} is not one of {', '.join(LEVELS)}")
    return value
