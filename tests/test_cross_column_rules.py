"""The cross-column rules on small tables: what each accepts and refuses, and how partial dates
compare (a start by its earliest possible day, an end or as-of date by its latest)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from pandera.errors import SchemaErrors

from kzdata.pipelines.pandera_compiler import compile_schema, frame_of
from kzdata.pipelines.partial_dates import earliest_day, latest_day
from kzdata.pipelines.row_rules import rules_for
from kzdata.pipelines.typed_table import text_table

BOUNDS_FIELDS = [
    {"name": "value", "type": "integer"},
    {"name": "lower_bound", "type": "integer"},
    {"name": "upper_bound", "type": "integer"},
    {"name": "precision", "type": "string"},
]
PERIOD_FIELDS = [{"name": n} for n in ("period_start", "period_end", "as_of")]


def rule_failures(fields: list[dict], rows: list[tuple]) -> set[tuple[str, str, int]]:
    """(rule, field, 0-based row) of every failure of a cross-column rule."""
    names = [f["name"] for f in fields]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String), orient="row")
    rules = {rule.name for rule in rules_for({f["name"]: f.get("type", "string") for f in fields})}
    table = text_table({"fields": fields}, frame)
    try:
        compile_schema({"fields": fields}).validate(frame_of(table, names), lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases.select("check", "column", "index").iter_rows()
        return {case for case in cases if case[0] in rules}
    return set()


def test_partial_dates_stand_for_their_first_and_last_days() -> None:
    dates = pl.Series(["2025", "2024-02", "2025-12-25", "2025-02-30", "2025-13", "25", None])
    frame = pl.DataFrame({"d": dates}).select(
        earliest=earliest_day(pl.col("d")), latest=latest_day(pl.col("d"))
    )
    d = dt.date
    assert (
        frame["earliest"].to_list() == [d(2025, 1, 1), d(2024, 2, 1), d(2025, 12, 25)] + [None] * 4
    )
    assert (
        frame["latest"].to_list() == [d(2025, 12, 31), d(2024, 2, 29), d(2025, 12, 25)] + [None] * 4
    )


@pytest.mark.parametrize(
    ("row", "broken"),
    [
        (("700", "630", "770", "approximate"), set()),
        (("630", "630", "770", "approximate"), set()),
        (("800", "630", "770", "approximate"), {"value-within-bounds", "precision-bounds"}),
        (("700", "700", "700", "approximate"), {"precision-bounds"}),
        ((None, "630", "770", "approximate"), {"precision-bounds"}),
        (("700", "630", None, "approximate"), {"precision-bounds"}),
        (("28", "28", "28", "exact"), set()),
        (("28", "28", "30", "exact"), {"precision-bounds"}),
        (("28", None, None, "exact"), {"precision-bounds"}),
        (("5", "5", None, "at_least"), set()),
        ((None, "5", None, "at_least"), set()),
        (("5", "5", "9", "at_least"), {"precision-bounds"}),
        (("5", None, "5", "at_most"), set()),
        (("5", "1", "5", "at_most"), {"precision-bounds"}),
        ((None, "24", "60", "vague"), set()),
        ((None, "24", "24", "vague"), set()),
        (("30", "24", "60", "vague"), {"precision-bounds"}),
        ((None, "24", None, "vague"), {"precision-bounds"}),
        ((None, "60", "24", "vague"), {"precision-bounds", "bounds-ordered"}),
        (
            ("10", "60", "24", "approximate"),
            {"precision-bounds", "bounds-ordered", "value-within-bounds"},
        ),
        (("10", "x", "24", "exact"), set()),  # the type check reports "x"; no rule guesses
        (("10", "1", "24", None), set()),  # no precision: the required check's business
    ],
)
def test_bounds_and_precision(row: tuple, broken: set[str]) -> None:
    found = rule_failures(BOUNDS_FIELDS, [row])
    assert {rule for rule, _, _ in found} == broken
    fields = {"value-within-bounds": "value", "bounds-ordered": "upper_bound"}
    fields["precision-bounds"] = "precision"
    assert all(field == fields[rule] and index == 0 for rule, field, index in found)


@pytest.mark.parametrize(
    ("row", "broken"),
    [
        (("2025", "2025", "2025-12-25"), set()),
        (("2025-12", "2025", "2025-12"), set()),  # December lies within the year
        (("2025-12-25", "2025-12", "2025-12"), set()),  # as of some day in December
        ((None, "2024", "2025-12"), set()),
        (("2026", "2025-12", "2026"), {"period-order"}),
        (("2025-12-26", "2025-12-25", "2025-12-26"), {"period-order"}),
        (("2025", "2025", "2024-12-31"), {"as-of-after-period-start"}),
        (("2025-12-25", "2025-12-31", "2025-11"), {"as-of-after-period-start"}),
    ],
)
def test_periods_and_as_of(row: tuple, broken: set[str]) -> None:
    found = rule_failures(PERIOD_FIELDS, [row])
    assert {rule for rule, _, _ in found} == broken
    fields = {"period-order": "period_end", "as-of-after-period-start": "as_of"}
    assert all(field == fields[rule] for rule, field, _ in found)


@pytest.mark.parametrize(
    ("date", "precision", "broken"),
    [
        ("2025", "year", set()),
        ("2025-04", "month", set()),
        ("2025-12-25", "day", set()),
        (None, None, set()),
        ("2025", "month", {("partial-date-precision", "date_precision")}),
        ("2025-04", "day", {("partial-date-precision", "date_precision")}),
        ("2025-04", None, {("partial-date-precision", "date_precision")}),
        (None, "year", {("partial-date-precision", "date_precision")}),
        ("2025-02-30", "day", {("partial-date", "date")}),
        ("2025-13", "month", {("partial-date", "date")}),
        ("25 Dec", "day", {("partial-date", "date")}),
    ],
)
def test_a_partial_date_is_real_and_agrees_with_its_precision(date, precision, broken) -> None:
    found = rule_failures([{"name": "date"}, {"name": "date_precision"}], [(date, precision)])
    assert {(rule, field) for rule, field, _ in found} == broken


def test_rules_apply_only_to_tables_that_have_their_columns() -> None:
    assert rules_for({"value": "integer", "lower_bound": "integer", "notes": "string"}) == []
    bounds = {"lower_bound": "integer", "upper_bound": "number"}
    assert {r.name for r in rules_for(bounds)} == {"bounds-ordered"}
    dates = {"published": "string", "published_precision": "string"}
    assert {(r.name, r.field) for r in rules_for(dates)} == {
        ("partial-date", "published"),
        ("partial-date-precision", "published_precision"),
    }


def test_rules_apply_only_to_columns_of_the_types_they_read() -> None:
    assert rules_for({"lower_bound": "string", "upper_bound": "integer"}) == []
    assert rules_for({"as_of": "boolean", "as_of_precision": "string"}) == []
    assert rules_for({"period_start": "date", "period_end": "string"}) == []


def test_every_failing_row_is_reported() -> None:
    rows = [("700", "630", "770", "approximate")] * 3 + [("800", "630", "770", "approximate")] * 2
    found = rule_failures(BOUNDS_FIELDS, rows)
    assert {(rule, index) for rule, _, index in found if rule == "value-within-bounds"} == {
        ("value-within-bounds", 3),
        ("value-within-bounds", 4),
    }


@pytest.mark.parametrize(
    ("parent", "relation", "broken"),
    [
        (None, None, set()),
        ("total", "inferred", set()),
        ("total", None, {("parent-relation", "parent_relation")}),
        (None, "stated", {("parent-relation", "parent_relation")}),
    ],
)
def test_a_component_says_how_its_relation_is_known(parent, relation, broken) -> None:
    fields = [{"name": "parent_indicator_id"}, {"name": "parent_relation"}]
    found = rule_failures(fields, [(parent, relation)])
    assert {(rule, field) for rule, field, _ in found} == broken
