"""Layer 4, provenance: every figure can be traced to the words that state it.

Always (a release ships no documents): each quote carries the value stated beside it, each
locator spans as many characters as its quote, and each document-backed source records its
document's SHA-256. With the documents (`--documents DIR`, or `seeds/documents/` beside the
package): kzdata.pipelines.layers.provenance_documents checks the documents themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from kzdata.pipelines import documents, quote_values
from kzdata.pipelines.finding import Finding, LayerItem, NotChecked
from kzdata.pipelines.layers.capped import CappedFindings
from kzdata.pipelines.target import Target
from kzdata.pipelines.text_tables import Row, Table, read_tables

LAYER = "provenance"
LOCATOR = ("source_id", "quote", "locator_start", "locator_end")
# The resources whose rows point into a document, and the field each row's quote must carry.
CARRIED: dict[str, tuple[str | None, Callable[[str, str, str], str | None] | None]] = {
    "citations": ("stated_value", quote_values.value_problem),
    "provision_citations": ("stated_value", quote_values.value_problem),
    "events": ("date", quote_values.date_problem),
    "non_figures": (None, None),
}
NEEDED = {
    "sources": ("source_id", "document_path", "document_sha256"),
    **{name: LOCATOR + ((field,) if field else ()) for name, (field, _) in CARRIED.items()},
}
NO_DOCUMENTS = (
    "the source documents are not here (a release ships none), so the locators, the documents' "
    "SHA-256 and whether every number of a document is mapped were not checked; to check them, "
    "run kzdata validate --documents DIR, DIR holding the files named in sources.document_path"
)

NO_MARKS = ", so whether every number of a document is mapped or marked was not checked"


@dataclass(frozen=True)
class Statement:
    """A row that points into its source's document: a citation, event, provision citation or
    non-figure. `start` and `end` are None when the locator is empty or not an integer."""

    table: Table
    row: Row
    quote: str | None
    start: int | None
    end: int | None

    @property
    def source_id(self) -> str | None:
        return self.row["source_id"]

    def finding(self, rule: str, message: str, field: str, value: str | None) -> Finding:
        return Finding(
            LAYER,
            rule,
            message,
            resource=self.table.name,
            row=self.row.number,
            field=field,
            value=value,
            path=self.table.path,
        )


def check(target: Target, limit: int) -> list[LayerItem]:
    """Provenance findings, at most `limit` per rule and resource (the rest counted)."""
    from kzdata.pipelines.layers import provenance_documents

    tables, notes = read_tables(target, NEEDED, LAYER)
    items: list[LayerItem] = [
        replace(n, reason=f"{n.reason}{NO_MARKS}") if n.resource == "non_figures" else n
        for n in notes
    ]
    sources = tables.get("sources")
    if sources is None:
        return items
    statements = [
        Statement(
            table, row, row["quote"], _offset(row["locator_start"]), _offset(row["locator_end"])
        )
        for name in CARRIED
        if (table := tables.get(name)) is not None
        for row in table.rows
    ]
    found = CappedFindings(LAYER, limit)
    _check_sources(sources, statements, found)
    _check_quotes(statements, found)
    folder = target.documents or documents.default_folder(target.basepath)
    if folder is None:
        items.append(NotChecked(LAYER, NO_DOCUMENTS, "sources"))
    else:
        marks = "non_figures" in tables
        provenance_documents.check(folder, sources, statements, marks, found)
    return items + found.items()


def _offset(cell: str | None) -> int | None:
    # A cell that is not an integer is the type check's finding (frictionless, pandera).
    return int(cell) if cell is not None and re.fullmatch("[0-9]+", cell) else None


def _check_sources(sources: Table, statements: list[Statement], found: CappedFindings) -> None:
    """A document path needs its SHA-256; a statement with a locator needs a document, and a
    statement of a document-backed source needs its quote and locator."""
    backed = {r["source_id"] for r in sources.rows if r["document_path"]}
    known = {r["source_id"] for r in sources.rows}
    for row in sources.rows:
        if row["document_path"] and not row["document_sha256"]:
            found.add(
                Finding(
                    LAYER,
                    "document-sha256-missing",
                    f"source {row['source_id']!r} names the document {row['document_path']!r} "
                    "but records no SHA-256, so nobody can tell whether a copy is that document",
                    resource="sources",
                    row=row.number,
                    field="document_sha256",
                    path=sources.path,
                )
            )
    # A statement of an unknown source is the foreign key check's finding (frictionless).
    for s in (s for s in statements if s.source_id in known):
        located = s.row["locator_start"] is not None or s.row["locator_end"] is not None
        if s.source_id not in backed and located:
            message = f"a locator into source {s.source_id!r}, which records no document"
            cell = s.row["locator_start"]
            found.add(s.finding("locator-without-document", message, "locator_start", cell))
        elif s.source_id in backed and (s.quote is None or not located):
            missing = "quote" if s.quote is None else "locator_start"
            message = (
                f"a statement of the document-backed source {s.source_id!r} needs its {missing}"
            )
            found.add(s.finding("locator-missing", message, missing, None))


def _check_quotes(statements: list[Statement], found: CappedFindings) -> None:
    """Each quote carries its value, and its locator spans as many characters as it has."""
    for s in statements:
        if s.quote is None:
            continue
        field, problem = CARRIED[s.table.name]
        value = s.row[field] if field else None
        if (
            problem is not None
            and value is not None
            and (message := problem(s.quote, field, value))
        ):
            found.add(s.finding("quote-value", message, field, value))
        if s.start is not None and s.end is not None and s.end - s.start != len(s.quote):
            message = (
                f"the locator [{s.start}, {s.end}) spans {s.end - s.start} characters but the "
                f"quote has {len(s.quote)}: it cannot read the quote"
            )
            found.add(s.finding("locator-length", message, "locator_end", s.row["locator_end"]))
