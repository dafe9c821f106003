"""Turn a suite's outcomes into findings about rows of its resource.

A failing row of a frame is the resource's row of the same ROW number; the finding points at
the declared field and quotes its cell. At most `limit` findings per rule and resource are
kept; how many more there were is counted (Omitted), so memory is bounded by the limit.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

import polars as pl

from kzdata.pipelines.expectation_runner import Outcome
from kzdata.pipelines.finding import Finding, LayerItem, Omitted
from kzdata.pipelines.typed_table import ROW
from kzdata.schemas.expectation_suites import Expect, Suite

LAYER = "great_expectations"


def findings(
    suite: Suite, frame: pl.DataFrame, outcomes: list[Outcome], path: str | None, limit: int
) -> list[LayerItem]:
    """Findings of the failed expectations, at most `limit` per rule (the rest Omitted)."""
    items: list[LayerItem] = []
    kept: dict[str, int] = {}
    omitted: dict[str, int] = {}
    for outcome in outcomes:
        if outcome.success:
            continue
        expect = suite.expectations[outcome.index]
        where = {"resource": suite.resource, "field": expect.field, "path": path}
        if outcome.rows is None:  # the whole table
            cells = {"observed_value": outcome.observed}
            items.append(
                Finding(
                    LAYER,
                    expect.rule,
                    render(expect.message, cells),
                    value=_text(outcome.observed),
                    **where,
                )
            )
            continue
        room = max(limit - kept.get(expect.rule, 0), 0)
        shown, rest = outcome.rows[:room], len(outcome.rows) - min(room, len(outcome.rows))
        kept[expect.rule] = kept.get(expect.rule, 0) + len(shown)
        omitted[expect.rule] = omitted.get(expect.rule, 0) + rest
        items += [_finding(expect, cells, where) for cells in _rows(frame, shown, _columns(expect))]
    items += [Omitted(LAYER, rule, suite.resource, n) for rule, n in omitted.items() if n]
    return items


def _columns(expect: Expect) -> list[str]:
    named = [name for _, name, _, _ in string.Formatter().parse(expect.message) if name]
    return list(dict.fromkeys([ROW, *([expect.field] if expect.field else []), *named]))


def _rows(frame: pl.DataFrame, rows: list[int], columns: list[str]) -> list[dict[str, Any]]:
    if not rows:
        return []
    wanted = pl.DataFrame({ROW: rows}, schema={ROW: frame.schema[ROW]})
    return wanted.join(frame.select(columns), on=ROW, how="left").sort(ROW).to_dicts()


def _finding(expect: Expect, cells: Mapping[str, Any], where: Mapping[str, Any]) -> Finding:
    value = _text(cells[expect.field]) if expect.field else None
    return Finding(
        LAYER, expect.rule, render(expect.message, cells), row=cells[ROW], value=value, **where
    )


def render(template: str, cells: Mapping[str, Any]) -> str:
    """The message with the row's cells in it; an empty cell reads "empty"."""
    return template.format_map({name: _text(v) or "empty" for name, v in cells.items()})


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
