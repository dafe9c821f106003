"""The provenance checks that need the source documents: each document is the one recorded
(SHA-256), each locator lies inside it and reads its quote, and every number in it is mapped
to a figure or marked as not data (kzdata.pipelines.coverage, the check `kzdata build` runs)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from kzdata.pipelines import coverage, documents
from kzdata.pipelines.errors import UnreadableInput
from kzdata.pipelines.finding import Finding, NotChecked
from kzdata.pipelines.layers.capped import CappedFindings
from kzdata.pipelines.text_tables import Row, Table

if TYPE_CHECKING:
    from kzdata.pipelines.layers.provenance_layer import Statement

LAYER = "provenance"


def check(
    folder: Path,
    sources: Table,
    statements: list[Statement],
    marks_published: bool,
    found: CappedFindings,
    skipped: list[NotChecked],
) -> list[tuple[Statement, str]]:
    """Check every document-backed source's document in `folder`, adding to `found`; return
    each statement whose quote is not the document's text at its locator, with that text.
    `marks_published`: the package has its non_figures table, without which no number can be
    shown to be marked (the caller says so). A document whose numbers cannot all be checked
    is added to `skipped`."""
    by_source: dict[str | None, list[Statement]] = defaultdict(list)
    for s in statements:
        by_source[s.source_id].append(s)
    mismatched: list[tuple[Statement, str]] = []
    for row in sources.rows:
        if not row["document_path"]:
            continue
        text = _document(folder, sources, row, found)
        if text is None:
            continue
        spans = _check_locators(text, by_source[row["source_id"]], found, mismatched)
        if marks_published:
            if unread := _unreadable_locator(by_source[row["source_id"]]):
                # Its span is unknown, so no number can be shown unmapped: the bad cell is the
                # Table Schema check's finding, and says it once.
                skipped.append(
                    NotChecked(
                        LAYER,
                        f"whether every number of {Path(row['document_path'] or '').name} is "
                        f"mapped: the locator of {unread.table.name} row {unread.row.number} is "
                        "not a pair of offsets (see the frictionless layer's finding)",
                        "sources",
                    )
                )
            else:
                _check_coverage(text, sources, row, spans, by_source[row["source_id"]], found)
    return mismatched


def _source_finding(sources: Table, row: Row, rule: str, message: str, field: str) -> Finding:
    return Finding(
        LAYER,
        rule,
        message,
        resource="sources",
        row=row.number,
        field=field,
        value=row[field],
        path=sources.path,
    )


def _document(folder: Path, sources: Table, row: Row, found: CappedFindings) -> str | None:
    """The document's text when it is there, inside `folder`, the recorded one, and UTF-8."""
    where = row["document_path"]
    assert where is not None
    try:
        path = documents.locate(folder, where)
    except documents.RefusedPath as exc:
        found.add(_source_finding(sources, row, "document-path", str(exc), "document_path"))
        return None
    if not path.is_file():
        message = f"the document {path.name} is not in {folder}"
        found.add(_source_finding(sources, row, "document-missing", message, "document_path"))
        return None
    raw = path.read_bytes()
    digest, recorded = hashlib.sha256(raw).hexdigest(), row["document_sha256"]
    if recorded and digest != recorded:
        message = (
            f"the document {path.name} in {folder} has SHA-256 {digest}, not the recorded "
            f"{recorded}: it is another document, or a changed copy; its locators and numbers "
            "were not checked"
        )
        found.add(_source_finding(sources, row, "document-sha256", message, "document_sha256"))
        return None
    try:
        return documents.decode(raw, path.name)
    except UnreadableInput as exc:
        found.add(_source_finding(sources, row, "document-encoding", str(exc), "document_path"))
        return None


def _check_locators(
    text: str,
    statements: list[Statement],
    found: CappedFindings,
    mismatched: list[tuple[Statement, str]],
) -> list[tuple[int, int]]:
    """Each locator lies inside the document and reads its quote; the spans that lie inside."""
    spans = []
    for s in statements:
        if s.start is None or s.end is None:
            continue
        if not s.start < s.end <= len(text):
            message = (
                f"the locator [{s.start}, {s.end}) lies outside the document, which has "
                f"{len(text)} characters (offsets are Unicode code points, end exclusive)"
            )
            found.add(s.finding("locator-range", message, "locator_end", s.row["locator_end"]))
            continue
        spans.append((s.start, s.end))
        if s.quote is not None and text[s.start : s.end] != s.quote:
            message = (
                f"the document reads {text[s.start : s.end]!r} at [{s.start}, {s.end}), not "
                f"the quote {s.quote!r}"
            )
            found.add(s.finding("quote-mismatch", message, "quote", s.quote))
            mismatched.append((s, text[s.start : s.end]))
    return spans


def _unreadable_locator(statements: list[Statement]) -> Statement | None:
    """The first statement whose locator is filled in but is not two offsets, if any."""
    return next(
        (s for s in statements if s.row["located"] and (s.start is None or s.end is None)), None
    )


def _check_coverage(
    text: str,
    sources: Table,
    row: Row,
    spans: list[tuple[int, int]],
    statements: list[Statement],
    found: CappedFindings,
) -> None:
    """Every number is covered by a locator; every non_figures entry covers a number."""
    tokens = coverage.tokens(text)
    name = Path(row["document_path"] or "").name
    for token in coverage.unmapped(tokens, spans):
        found.add(
            Finding(
                LAYER,
                "unmapped-number",
                f"{name}: {coverage.unmapped_message(text, token)}",
                resource="sources",
                row=row.number,
                field="document_path",
                value=token.text,
                path=sources.path,
            )
        )
    for s in statements:
        if s.table.name != "non_figures" or s.start is None or s.end is None:
            continue
        if s.start < s.end <= len(text) and not coverage.holds_a_number(tokens, s.start, s.end):
            message = f"[{s.start}, {s.end}) holds no number: the entry marks nothing"
            found.add(s.finding("non-figure-empty", message, "quote", s.quote))
