"""Validate: open a target, run the selected layers on it, gather one report."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from kzdata.pipelines.errors import CannotRun
from kzdata.pipelines.layers import frictionless_layer, great_expectations_layer, pandera_layer
from kzdata.pipelines.report import DEFAULT_LIMIT, INTERNAL_RULE, Finding, LayerItem, Report
from kzdata.pipelines.target import Target, open_target
from kzdata.schemas.severities import Severities

# A layer reads the opened target and keeps at most `limit` findings per rule and resource,
# counting the rest as Omitted, so that its memory is bounded by the limit, not by the data.
Layer = Callable[[Target, int], list[LayerItem]]
LAYERS: dict[str, Layer] = {
    "frictionless": frictionless_layer.check,
    "pandera": pandera_layer.check,
    "great_expectations": great_expectations_layer.check,
}


def validate(
    target: str | Path,
    layers: Iterable[str] | None = None,
    severities: Severities | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Report:
    """Validate the package at `target` (a folder or a datapackage.json) with the named layers
    (all of them by default), grading findings by `severities` (schemas/severities.yaml) and
    keeping at most `limit` findings per layer, rule and resource (the rest are counted).

    Raises CannotRun when a layer name is unknown or there is no package to read. A descriptor
    that is malformed or points outside its package is refused whatever the layers: its
    findings are reported and no layer reads the data.
    """
    selected = select_layers(layers)
    opened = open_target(target)
    report = Report(
        str(target), descriptor=str(opened.descriptor_path), severities=severities, limit=limit
    )
    report.add(opened.findings)
    if opened.descriptor is None or opened.findings:
        # Only the opening checks ran; they are the frictionless layer's.
        report.layers = list(dict.fromkeys(f.layer for f in opened.findings))
        return report
    for name in selected:
        report.layers.append(name)
        report.add(_run(name, LAYERS[name], opened, report.limit))
    return report


def select_layers(names: Iterable[str] | None) -> list[str]:
    """The layers to run, in LAYERS order: all of them when `names` is None or empty."""
    wanted = list(dict.fromkeys(names or ()))
    if unknown := [n for n in wanted if n not in LAYERS]:
        known = ", ".join(LAYERS)
        raise CannotRun(f"unknown layer {', '.join(map(repr, unknown))} (layers: {known})")
    return [n for n in LAYERS if not wanted or n in wanted]


def _run(name: str, layer: Layer, target: Target, limit: int) -> list[LayerItem]:
    """A crashing layer becomes an internal finding (exit 3); the other layers still run."""
    try:
        return layer(target, limit)
    except Exception as exc:  # a bug in the layer, reported as one, never as invalid data
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return [
            Finding(
                layer=name,
                rule=INTERNAL_RULE,
                message=f"the {name} layer crashed (a bug in kzdata): {type(exc).__name__}: "
                f"{exc} at {Path(where.filename).name}:{where.lineno}",
                # The exception text may quote data: as the value, it is masked with the rest
                # when the layer's findings are privacy findings.
                value=str(exc) or None,
            )
        ]
