"""Validate: open a target, run each layer on it, gather one report."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from kzdata.pipelines.layers import frictionless_layer
from kzdata.pipelines.report import INTERNAL_RULE, Finding, Report
from kzdata.pipelines.target import Target, open_target

Layer = Callable[[Target], list[Finding]]
LAYERS: dict[str, Layer] = {"frictionless": frictionless_layer.check}


def validate(target: str | Path) -> Report:
    """Validate the package at `target` (a folder or a datapackage.json).

    Raises CannotRun when there is no package to read. A descriptor that is malformed or points
    outside its package is refused: the data layers do not run on it.
    """
    opened = open_target(target)
    report = Report(target=str(target), findings=list(opened.findings))
    if opened.descriptor is None or opened.findings:
        report.layers = ["frictionless"]
        return report
    for name, layer in LAYERS.items():
        report.layers.append(name)
        report.findings += _run(name, layer, opened)
    return report


def _run(name: str, layer: Layer, target: Target) -> list[Finding]:
    """A crashing layer becomes an internal finding (exit 3); the other layers still run."""
    try:
        return layer(target)
    except Exception as exc:  # a bug in the layer, reported as one, never as invalid data
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return [
            Finding(
                layer=name,
                rule=INTERNAL_RULE,
                message=f"the {name} layer crashed (a bug in kzdata): {type(exc).__name__}: "
                f"{exc} at {Path(where.filename).name}:{where.lineno}",
            )
        ]
