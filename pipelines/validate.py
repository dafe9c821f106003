"""Validate: open a target, run the selected layers on it, gather one report."""

from __future__ import annotations

import gc
import re
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kzdata.pipelines import remote, safe_zip, table_gate
from kzdata.pipelines.descriptor_limits import DEFAULT_LIMITS, Limits
from kzdata.pipelines.errors import CannotRun
from kzdata.pipelines.finding_policy import MESSAGE_CHARS, VALUE_CHARS
from kzdata.pipelines.layers import (
    frictionless_layer,
    great_expectations_layer,
    integrity_layer,
    pandera_layer,
    provenance_layer,
)
from kzdata.pipelines.local_package import local_package
from kzdata.pipelines.report import DEFAULT_LIMIT, INTERNAL_RULE, Finding, LayerItem, Report
from kzdata.pipelines.same_cause import fold
from kzdata.pipelines.severities import Severities
from kzdata.pipelines.table_engine.choice import ENGINES
from kzdata.pipelines.table_limits import RawLimits
from kzdata.pipelines.target import Target, open_target

# A layer reads the opened target and keeps at most `limit` findings per rule and resource,
# counting the rest as Omitted, so that its memory is bounded by the limit, not by the data.
Layer = Callable[[Target, int], list[LayerItem]]
LAYERS: dict[str, Layer] = {
    "frictionless": frictionless_layer.check,
    "pandera": pandera_layer.check,
    "great_expectations": great_expectations_layer.check,
    "provenance": provenance_layer.check,
    "integrity": integrity_layer.check,
}
# What the layers that read the tables' cells read of them (resource -> columns), so that the
# tables are read with those columns only and let go when no later layer reads them.
Reads = Callable[[Target], dict[str, Any]]
READS: dict[str, Reads] = {
    "pandera": pandera_layer.reads,
    "great_expectations": great_expectations_layer.reads,
    "provenance": provenance_layer.reads,
}
# Which form of those columns each reads (package_tables.TEXT, TYPED): the cells as written
# (the pandera findings quote them, the provenance layer reads quotes), the typed values (the
# rules compare them), so that neither is kept for a layer that reads only the other.
FORMS: dict[str, frozenset[str]] = {
    "pandera": frozenset({"text", "typed"}),
    "great_expectations": frozenset({"typed"}),
    "provenance": frozenset({"text"}),
}


def validate(
    target: str | Path,
    layers: Iterable[str] | None = None,
    severities: Severities | None = None,
    limit: int = DEFAULT_LIMIT,
    limits: Limits = DEFAULT_LIMITS,
    documents: str | Path | None = None,
    fetch: remote.FetchOptions | None = None,
    zip_limits: safe_zip.ZipLimits | None = None,
    public_key: str | Path | None = None,
    expect_sha256: str | None = None,
    engine: str = "auto",
    raw_limits: RawLimits | None = None,
    value_chars: int = VALUE_CHARS,
    message_chars: int = MESSAGE_CHARS,
) -> Report:
    """Validate the package at `target` (a folder, a datapackage.json, a zip archive or an
    http(s) URL) with the named layers (all of them by default), grading findings by
    `severities` (schemas/severities.yaml) and keeping at most `limit` findings per layer,
    rule and resource (the rest are counted). Descriptor files larger or deeper than `limits`
    are refused; zips are unpacked within `zip_limits` and URLs fetched within `fetch`.
    `documents` is the folder holding the source documents (default: `seeds/documents/`
    beside the package, when it exists; see kzdata.pipelines.documents). `public_key` checks
    a release's signature; `expect_sha256` pins what was downloaded (the zip, or SHA256SUMS).
    `engine` checks the tables against their Table Schemas: "frictionless", "fast"
    (vectorized) or "auto" (by size; kzdata.pipelines.table_engine.choice). `raw_limits`
    bound how far a table's bytes are read (kzdata.pipelines.raw_table); a finding quotes at
    most `value_chars` of a value and `message_chars` of a message.

    Raises CannotRun when a layer name is unknown or there is no package to read. A descriptor
    that is malformed or points outside its package, and an archive or download that is
    refused, are reported whatever the layers, and then no layer reads the data.
    """
    selected = select_layers(layers)
    if documents is not None and not Path(documents).is_dir():
        raise CannotRun(f"{documents}: no such documents folder")
    if public_key is not None and not Path(public_key).is_file():
        raise CannotRun(f"{public_key}: no such public key file")
    if expect_sha256 is not None:
        # As releases/index.json writes it ("sha256:<hex>") or bare.
        digest = expect_sha256.lower().removeprefix("sha256:")
        if not _SHA256.fullmatch(digest):
            raise CannotRun(f"--expect-sha256 {expect_sha256!r} is not a sha256 (64 hex digits)")
        expect_sha256 = digest
    if engine not in ENGINES:
        raise CannotRun(f"unknown engine {engine!r} (engines: {', '.join(ENGINES)})")
    try:
        with local_package(target, fetch, zip_limits) as local:
            opened = open_target(local.path, limits)
            opened.documents = Path(documents) if documents is not None else None
            opened.downloaded = local.downloaded
            opened.public_key = Path(public_key) if public_key is not None else None
            opened.expect_sha256 = expect_sha256
            opened.engine = engine
            report = Report(
                str(target),
                descriptor=str(opened.descriptor_path),
                severities=severities,
                limit=limit,
                value_chars=value_chars,
                message_chars=message_chars,
            )
            _run_layers(report, opened, selected, raw_limits or RawLimits())
            if local.display_root is not None:
                # Name files by the zip or URL, and find their lines while they still exist.
                from kzdata.pipelines.finding_positions import Locator

                report.display_root = local.display_root
                report.locator = Locator(report)
            return report
    except (safe_zip.UnsafeArchive, remote.UnsafeRemote) as exc:
        report = Report(
            str(target),
            severities=severities,
            limit=limit,
            value_chars=value_chars,
            message_chars=message_chars,
        )
        report.add([_refused(exc)])
        report.layers = [REFUSAL_LAYER]
        return report


def _run_layers(report: Report, opened: Target, selected: list[str], raw: RawLimits) -> None:
    report.add(opened.findings)
    if opened.descriptor is None or opened.findings:
        # Only the opening checks ran; they are the frictionless layer's.
        report.layers = list(dict.fromkeys(f.layer for f in opened.findings))
        return
    # Every table's raw bytes, before any layer reads its cells: a table no reader should
    # parse is withheld from every layer (whichever run), and each says so.
    gate = _run_gate(opened, raw, report.limit)
    opened.withheld, opened.withheld_paths = gate.withheld, gate.paths
    narrowed = table_gate.without(opened, gate.withheld)
    # Run in RUN_ORDER (reported in LAYERS order): a layer that reads the tables' text only
    # runs before Great Expectations, whose import and frames are the peak, so that the text
    # is let go first.
    running = sorted(selected, key=_run_position)
    items: list[LayerItem] = _plan(narrowed, [name for name in running if name in READS])
    # The frictionless layer hands the tables its engine read to the layers after it.
    opened.tables = narrowed.tables
    if FRICTIONLESS not in selected:
        # Why a table was read by no layer is said whatever --layer says, as a refused
        # descriptor is: a table withheld from the selected layers must not pass unseen.
        items += gate.withholding()
    by_layer: dict[str, list[LayerItem]] = {}
    for name in running:
        found = by_layer[name] = []
        # The frictionless layer sees the whole descriptor (its profile is checked whole) and
        # skips the withheld tables itself; the other layers see the package without them.
        if name == FRICTIONLESS:
            found += gate.items
        seen = opened if name == FRICTIONLESS else narrowed
        found += _run(name, LAYERS[name], seen, report.limit)
        if name in READS and narrowed.tables is not None:
            narrowed.tables.done()
        found += gate.not_checked(name)
        # What the layer built in reference cycles (frictionless's objects, Great
        # Expectations' context) goes before the next layer builds its own.
        gc.collect()
    report.layers += selected
    items += [item for name in selected for item in by_layer[name]]
    # Gathered first, so that two layers' findings of one cause are said once.
    report.add(fold(items))


FRICTIONLESS = "frictionless"
RUN_ORDER = ["frictionless", "pandera", "provenance", "great_expectations", "integrity"]


def _run_position(name: str) -> int:
    """Where layer `name` runs: by RUN_ORDER, a layer it does not name after them."""
    return RUN_ORDER.index(name) if name in RUN_ORDER else len(RUN_ORDER) + list(LAYERS).index(name)


def _plan(target: Target, readers: list[str]) -> list[LayerItem]:
    """Tell the shared tables what the layers `readers` will read; a crash in saying so is
    that layer's internal error (exit 3), and the tables are then read whole."""
    if not readers:
        return []
    reads = []
    for name in readers:
        try:
            reads.append(READS[name](target))
        except Exception as exc:  # a bug in kzdata, reported as one
            return [_crashed(name, exc)]
    from kzdata.pipelines.package_tables import plan

    plan(target, reads, [FORMS[name] for name in readers])
    return []


def _run_gate(opened: Target, raw: RawLimits, limit: int) -> table_gate.Gate:
    """The raw checks; a crash in them is the frictionless layer's internal error (exit 3)."""
    try:
        return table_gate.check(opened, raw, limit)
    except Exception as exc:  # a bug in kzdata, reported as one
        return table_gate.Gate(items=[_crashed(FRICTIONLESS, exc)])


_SHA256 = re.compile(r"[0-9a-f]{64}")

# Refused archives and downloads: what the user received is not what a package may be.
REFUSAL_LAYER = "integrity"


def _refused(exc: safe_zip.UnsafeArchive | remote.UnsafeRemote) -> Finding:
    if isinstance(exc, safe_zip.UnsafeArchive):
        return Finding(REFUSAL_LAYER, "unsafe-archive", str(exc), path=exc.member, value=exc.member)
    return Finding(REFUSAL_LAYER, "unsafe-download", str(exc), value=exc.url)


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
        return [_crashed(name, exc)]


def _crashed(name: str, exc: Exception) -> Finding:
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return Finding(
        layer=name,
        rule=INTERNAL_RULE,
        message=f"the {name} layer crashed (a bug in kzdata): {type(exc).__name__}: "
        f"{exc} at {Path(where.filename).name}:{where.lineno}",
        # The exception text may quote data: as the value, it is masked with the rest when
        # the layer's findings are privacy findings.
        value=str(exc) or None,
    )
