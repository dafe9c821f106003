"""Layer 3, great_expectations: the rules across rows and tables, as Great Expectations suites.

The suites are declared in kzdata.schemas.expectation_suites; their frames (joins, aggregates)
are computed by kzdata.pipelines.expectation_frames and run through checkpoints of an
ephemeral context (kzdata.pipelines.expectation_runner). A suite whose resources or columns
the package does not have, or cannot read, is not checked, and the report says so. Great
Expectations is imported only when a suite has something to check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kzdata.pipelines.report import LayerItem, NotChecked
from kzdata.pipelines.target import Target

if TYPE_CHECKING:
    from kzdata.pipelines.expectation_frames import FrameSpec
    from kzdata.pipelines.expectation_runner import ExpectationRunner
    from kzdata.schemas.expectation_suites import Suite

LAYER = "great_expectations"


def reads(target: Target) -> dict[str, set[str]]:
    """The columns the suites' frames read of each table (a table whose rows are counted and
    no more: none)."""
    from kzdata.pipelines.expectation_frames import FRAMES, rows_frame
    from kzdata.schemas.expectation_suites import row_counts

    return _read_by([*FRAMES.values(), *(rows_frame(name) for name in row_counts())])


def _read_by(specs: Iterable[FrameSpec]) -> dict[str, set[str]]:
    """The columns the frames of `specs` read of each table."""
    found: dict[str, set[str]] = {}
    for spec in specs:
        for name, columns in [*spec.needs.items(), *spec.optional.items()]:
            found.setdefault(name, set()).update(columns)
    return found


def check(target: Target, limit: int) -> list[LayerItem]:
    """Findings of every suite that applies to the package, at most `limit` per rule and
    resource (the rest counted); a NotChecked for every suite that does not apply."""
    # Imported here: the CLI must not pay for polars (or Great Expectations) unless this runs.
    from kzdata.pipelines.expectation_findings import findings
    from kzdata.pipelines.expectation_frames import FRAMES, KINDS, rows_frame
    from kzdata.pipelines.package_tables import loaded
    from kzdata.schemas.expectation_suites import (
        ROW_COUNT_RULE,
        SUITES,
        row_count_suite,
        row_counts,
    )

    tables = loaded(target)
    items: list[LayerItem] = []
    plans: list[tuple[Suite, FrameSpec]] = [(suite, FRAMES[suite.frame]) for suite in SUITES]
    for name in tables.names():
        if (suite := row_count_suite(name)) is not None:
            plans.append((suite, rows_frame(name)))
        else:
            reason = f"{ROW_COUNT_RULE}: schemas/row_counts.yaml declares no bounds for it"
            items.append(NotChecked(LAYER, reason, resource=name))
    for name in row_counts():
        if name not in tables.names():
            reason = f"{ROW_COUNT_RULE}: the package has no resource {name}"
            items.append(NotChecked(LAYER, reason, resource=name))
    runner: ExpectationRunner | None = None
    try:
        for done, (suite, spec) in enumerate(plans, 1):
            got = tables.resolve(spec.needs, spec.optional, KINDS)
            # The tables keep only what the suites still to run read (and the later layers).
            tables.still_read(_read_by(s for _, s in plans[done:]))
            if isinstance(got, str):
                items.append(NotChecked(LAYER, f"{', '.join(suite.rules)}: {got}", suite.resource))
                continue
            frame = spec.build(got)
            del got
            if runner is None:
                from kzdata.pipelines.expectation_runner import ExpectationRunner

                runner = ExpectationRunner()
            outcomes = runner.run(suite, frame)
            items += findings(suite, frame, outcomes, tables.path(suite.resource), limit)
            # Let go before the next frame is built: two million-row frames at once are the
            # layer's peak otherwise.
            del frame
    finally:
        if runner is not None:
            runner.close()
    return items
