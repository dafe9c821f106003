"""The rule severities declared in severities.yaml, and which rules are privacy rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kzdata.schemas import HERE

SEVERITIES_YAML = HERE / "severities.yaml"
LEVELS = ("error", "warning")


class SeverityDeclarationError(ValueError):
    """severities.yaml is malformed or breaks a rule the brief fixes (privacy is an error)."""


@dataclass(frozen=True)
class LayerSeverities:
    default: str
    rules: Mapping[str, str] = field(default_factory=dict)
    privacy: bool = False


@dataclass(frozen=True)
class Severities:
    """The declaration: a severity for every (layer, rule), and which rules are privacy rules."""

    default: str
    layers: Mapping[str, LayerSeverities]

    def severity(self, layer: str, rule: str) -> str:
        """'error' or 'warning' for a finding of `rule` in `layer`."""
        declared = self.layers.get(layer)
        if declared is None:
            return self.default
        return declared.rules.get(rule, declared.default)

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
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
    return Severities(
        default=_level(data.get("default"), "default"),
        layers={str(name): _layer(str(name), spec) for name, spec in layers.items()},
    )


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
        default=_level(spec.get("default"), f"{where}.default"),
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
