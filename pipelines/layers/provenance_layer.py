"""Layer 4, provenance: every figure can be traced to the words that state it.

Always (a release ships no documents): each quote carries the value stated beside it, each
locator spans as many characters as its quote, and each document-backed source records its
document's SHA-256. With the documents (`--documents DIR`, or `seeds/documents/` beside the
package): kzdata.pipelines.layers.provenance_documents checks the documents themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kzdata.pipelines import documents, quote_values
from kzdata.pipelines.finding import Finding, LayerItem, NotChecked
from kzdata.pipelines.layers.capped import CappedFindings
from kzdata.pipelines.target import Target
from kzdata.pipelines.text_tables import Row, Table

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


def reads(target: Target) -> dict[str, tuple[str, ...]]:
    """The columns this layer reads of each table."""
    return NEEDED


def check(target: Target, limit: int) -> list[LayerItem]:
    """Provenance findings, at most `limit` per rule and resource (the rest counted)."""
    from kzdata.pipelines.layers import provenance_documents
    from kzdata.pipelines.layers import provenance_statements as ps

    frames, items = ps.read(target, NEEDED, NO_MARKS)
    if "sources" not in frames:
        return items
    sources = ps.sources_table(frames)
    backed = [r["source_id"] for r in sources.rows if r["document_path"]]
    known = [r["source_id"] for r in sources.rows]
    found = CappedFindings(LAYER, limit)
    _check_sources(sources, found)
    folder = target.documents or documents.default_folder(target.basepath)
    explained: set[tuple[str, int]] = set()
    if folder is None:
        items.append(NotChecked(LAYER, NO_DOCUMENTS, "sources"))
    else:
        statements = ps.document_statements(frames, CARRIED, backed)
        marks = "non_figures" in frames
        skipped: list[NotChecked] = []
        mismatched = provenance_documents.check(folder, sources, statements, marks, found, skipped)
        items += skipped
        explained = {(s.table.name, s.row.number) for s, read in mismatched if _carries(s, read)}
    for name, (frame, path) in frames.items():
        if name in CARRIED:
            ps.check_statements(
                ps.statements(frame), name, path, CARRIED[name], known, backed, found, explained
            )
    return items + found.items()


def _carries(statement: Statement, read: str) -> bool:
    """Whether the document's text at a statement's locator carries its value: then a quote
    that does not is one cause (`quote-mismatch`), not two."""
    field, problem = CARRIED[statement.table.name]
    value = statement.row[field] if field else None
    return problem is None or value is None or problem(read, field or "", value) is None


def _check_sources(sources: Table, found: CappedFindings) -> None:
    """A document path needs its SHA-256."""
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
