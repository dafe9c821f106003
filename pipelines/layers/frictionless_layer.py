"""Layer 1, frictionless: structure, types, constraints, primary and foreign keys, bytes, hashes."""

from __future__ import annotations

from typing import Any

from kzdata.pipelines.report import Finding
from kzdata.pipelines.target import Target

LAYER = "frictionless"


def check(target: Target) -> list[Finding]:
    from frictionless import FrictionlessException, Package, system

    assert target.descriptor is not None
    try:
        # Not trusted: frictionless keeps refusing unsafe paths itself, as a second line.
        with system.use_context(trusted=False):
            package = Package.from_descriptor(target.descriptor, basepath=str(target.basepath))
            report = package.validate()
    except FrictionlessException as exc:
        # The top error is often just "descriptor is not valid"; its reasons say why.
        return [_finding(e, path=target.descriptor_path.name) for e in exc.reasons or [exc.error]]
    findings = [_finding(e, path=target.descriptor_path.name) for e in report.errors]
    for task in report.tasks:
        findings += [_finding(e, resource=task.name, path=task.place) for e in task.errors]
    return findings


def _finding(error: Any, **where: Any) -> Finding:
    names = getattr(error, "field_names", None)  # foreign-key errors name several fields
    values = getattr(error, "field_cells", None)
    field = getattr(error, "field_name", None) or (",".join(names) if names else None)
    value = getattr(error, "cell", None)
    if value is None and values:
        value = ",".join("" if v is None else str(v) for v in values)
    return Finding(
        layer=LAYER,
        rule=error.type,
        message=error.message,
        row=getattr(error, "row_number", None),
        field=field,
        value=value,
        **where,
    )
