"""The provenance rules on the statement tables themselves (no documents needed), vectorized:
rows are walked one by one only where a rule fails, and a quote's value is read once per
distinct (quote, value), so that a million citations cost what their distinct quotes do."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import polars as pl

from kzdata.pipelines.finding import Finding, LayerItem, NotChecked
from kzdata.pipelines.layers.capped import CappedFindings
from kzdata.pipelines.target import Target
from kzdata.pipelines.text_tables import Table, rows
from kzdata.pipelines.typed_table import ROW

LAYER = "provenance"

Frames = dict[str, tuple[pl.DataFrame, str]]


def read(
    target: Target, needed: dict[str, tuple[str, ...]], no_marks: str
) -> tuple[Frames, list[LayerItem]]:
    """The text of each resource in `needed` (shared with the other layers), with its rows'
    numbers in ROW, and its path; a NotChecked for each that the package lacks or that cannot
    be read (the frictionless layer reports why)."""
    from kzdata.pipelines.package_tables import loaded

    tables = loaded(target)
    frames: Frames = {}
    items: list[LayerItem] = []
    for name, fields in needed.items():
        got = tables.get(name)
        if isinstance(got, str):
            items.append(NotChecked(LAYER, got + (no_marks if name == "non_figures" else ""), name))
            continue
        if missing := [f for f in fields if f not in got.text.columns]:
            note = f"{name} lacks field(s) {', '.join(missing)}"
            items.append(
                NotChecked(LAYER, note + (no_marks if name == "non_figures" else ""), name)
            )
            continue
        # Text as written: a cell whose type is wrong is the frictionless layer's finding,
        # and reads here as no offset at all.
        frame = got.text.select(
            pl.int_range(got.first_row, pl.len() + got.first_row).alias(ROW),
            *(pl.col(f).cast(pl.String) for f in fields),
        )
        frames[name] = (frame, tables.path(name) or "")
    return frames, items


def statements(frame: pl.DataFrame) -> pl.DataFrame:
    """A statement table with its offsets read: `start` and `end` are null when the locator
    is empty or not an integer; `located` is True when either locator cell is filled."""

    def offset(column: str) -> pl.Expr:
        cell = pl.col(column)
        return pl.when(cell.str.contains("^[0-9]+$")).then(cell.cast(pl.Int64, strict=False))

    return frame.with_columns(
        start=offset("locator_start"),
        end=offset("locator_end"),
        located=pl.col("locator_start").is_not_null() | pl.col("locator_end").is_not_null(),
    )


def _finding(
    rule: str, name: str, path: str, row: int, message: str, field: str, value: Any
) -> Finding:
    return Finding(
        LAYER, rule, message, resource=name, row=row, field=field, value=value, path=path
    )


def check_statements(
    frame: pl.DataFrame,
    name: str,
    path: str,
    carried: tuple[str | None, Any],
    known: list[str | None],
    backed: list[str | None],
    found: CappedFindings,
    explained: Collection[tuple[str, int]] = (),
) -> None:
    """A statement with a locator needs a document, a statement of a document-backed source
    needs its quote and locator, each quote carries its value, and its locator spans as many
    characters as it has. Row by row only where a rule fails; a quote's value is read once
    per distinct (quote, value)."""
    # A statement of an unknown source is the foreign key check's finding (frictionless).
    source = pl.col("source_id")
    for row in _capped(
        frame.filter(source.is_in(known) & ~source.is_in(backed) & pl.col("located")),
        "locator-without-document",
        name,
        found,
    ):
        message = f"a locator into source {row['source_id']!r}, which records no document"
        found.add(
            _finding(
                "locator-without-document",
                name,
                path,
                row[ROW],
                message,
                "locator_start",
                row["locator_start"],
            )
        )
    unlocated = pl.col("quote").is_null() | ~pl.col("located")
    for row in _capped(
        frame.filter(source.is_in(backed) & unlocated), "locator-missing", name, found
    ):
        missing = "quote" if row["quote"] is None else "locator_start"
        message = (
            f"a statement of the document-backed source {row['source_id']!r} needs its {missing}"
        )
        found.add(_finding("locator-missing", name, path, row[ROW], message, missing, None))
    field, problem = carried
    if field is not None and problem is not None:
        pairs = frame.select("quote", field).drop_nulls().unique()
        problems = [
            (quote, value, message)
            for quote, value in pairs.iter_rows()
            if (message := problem(quote, field, value)) is not None
        ]
        if problems:
            bad = pl.DataFrame(problems, schema=["quote", field, "message"], orient="row")
            failing = frame.join(bad, on=["quote", field], how="inner").sort(ROW)
            # A quote that is not the document's text, where the document's text carries the
            # value, is the quote-mismatch finding's alone.
            rows = [row for table, row in explained if table == name]
            failing = failing.filter(~pl.col(ROW).is_in(rows))
            for row in _capped(failing, "quote-value", name, found):
                found.add(
                    _finding("quote-value", name, path, row[ROW], row["message"], field, row[field])
                )
    spans = pl.col("end") - pl.col("start")
    long = frame.filter(spans != pl.col("quote").str.len_chars())
    for row in _capped(long, "locator-length", name, found):
        length = row["end"] - row["start"]
        message = (
            f"the locator [{row['start']}, {row['end']}) spans {length} characters but the "
            f"quote has {len(row['quote'])}: it cannot read the quote"
        )
        found.add(
            _finding(
                "locator-length", name, path, row[ROW], message, "locator_end", row["locator_end"]
            )
        )


def _capped(
    failing: pl.DataFrame, rule: str, name: str, found: CappedFindings
) -> list[dict[str, Any]]:
    """The failing rows to make findings of: no more than the cap; the rest only counted."""
    kept = failing.head(found.limit)
    found.count(rule, name, failing.height - kept.height)
    return kept.to_dicts()


def sources_table(frames: Frames) -> Table:
    frame, path = frames["sources"]
    return Table("sources", path, rows(frame, ROW))


def document_statements(
    frames: Frames, carried: dict[str, Any], backed: list[str | None]
) -> list[Any]:
    """The statements of document-backed sources, one by one, for the document checks."""
    from kzdata.pipelines.layers.provenance_layer import Statement

    return [
        Statement(Table(name, path, []), row, row["quote"], row["start"], row["end"])
        for name, (frame, path) in frames.items()
        if name in carried
        for row in rows(statements(frame).filter(pl.col("source_id").is_in(backed)), ROW)
    ]
