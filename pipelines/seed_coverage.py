"""Seeds check: every number in a source's document is a figure's or marked as not data.

The same coverage check as the provenance layer's (kzdata.pipelines.coverage), run on the
seeds, so that a number left unmapped, or a non_figures entry deleted, stops `kzdata build`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kzdata.pipelines import coverage
from kzdata.pipelines.errors import SeedProblem

if TYPE_CHECKING:
    from kzdata.pipelines.seeds import Seeds


def check_coverage(seeds: Seeds) -> list[SeedProblem]:
    """A problem for each number of a document no locator covers, and for each non_figures
    entry that covers no number. Locators that lie outside the document are left to the
    locator check, which names them."""
    problems = []
    for source in seeds.sources:
        text = source.text
        if text is None:
            continue
        statements = [
            *source.data.get("citations", []),
            *source.data.get("events", []),
            *source.data.get("provision_citations", []),
        ]
        marks = source.data.get("non_figures", [])
        spans = [_span(item, text) for item in (*statements, *marks)]
        found = coverage.tokens(text)
        where = f"document {source.data['document']}"
        for token in coverage.unmapped(found, [s for s in spans if s is not None]):
            problems.append(SeedProblem(source.file, where, coverage.unmapped_message(text, token)))
        for i, mark in enumerate(marks):
            span = _span(mark, text)
            if span is not None and not coverage.holds_a_number(found, *span):
                problems.append(
                    SeedProblem(
                        source.file,
                        f"non_figures[{i}]",
                        f"[{span[0]}, {span[1]}) holds no number: remove the entry or fix its "
                        "locator",
                    )
                )
    return problems


def _span(item: dict[str, Any], text: str) -> tuple[int, int] | None:
    """The item's locator when it lies inside the document."""
    locator = item.get("locator")
    if locator is None or not 0 <= locator[0] < locator[1] <= len(text):
        return None
    return locator[0], locator[1]
