"""Findings of two layers' rules that see one cause, said once.

An observation that is not what its primary citation gives (great_expectations'
`observation-matches-primary-citation`) usually also breaks the pandera row rules on its value,
bounds and precision, which hold by construction when an observation is derived from its
citation: the derivation is the cause, the row rules its echo. Likewise a citation whose quote
is not its document's text (provenance's `quote-mismatch`) was changed, and what its value then
breaks among the rules on that citation is the same change. On a row where the cause is found,
the echoes are folded into its finding, which names them; on a row where it is not (the cause
does not hold, or its layer did not run), they stand on their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from kzdata.pipelines.finding import Finding, LayerItem

# (layer, rule) of a cause -> the (layer, rules) it explains on the same row of its resource.
EXPLAINS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("great_expectations", "observation-matches-primary-citation"): (
        "pandera",
        frozenset({"value-within-bounds", "bounds-ordered", "precision-bounds"}),
    ),
    # A statement whose quote is not its document's text was changed: what its changed value
    # then breaks is the same change.
    ("provenance", "quote-mismatch"): (
        "great_expectations",
        frozenset({"citation-within-observation-bounds", "stated-value-reads-under-qualifier"}),
    ),
}


def fold(items: list[LayerItem]) -> list[LayerItem]:
    """`items` with each echo dropped and named in its cause's first finding on that row."""
    # (echo layer, resource, row) -> where its cause is in `items`, and the rules it explains.
    causes: dict[tuple[str, str | None, int], tuple[int, frozenset[str]]] = {}
    for index, item in enumerate(items):
        if isinstance(item, Finding) and item.row is not None:
            if explained := EXPLAINS.get((item.layer, item.rule)):
                causes.setdefault((explained[0], item.resource, item.row), (index, explained[1]))
    echoes: dict[int, list[str]] = defaultdict(list)
    kept: list[tuple[int, LayerItem]] = []
    for index, item in enumerate(items):
        if isinstance(item, Finding) and item.row is not None:
            cause = causes.get((item.layer, item.resource, item.row))
            if cause is not None and item.rule in cause[1]:
                echoes[cause[0]].append(f"{item.layer}/{item.rule}")
                continue
        kept.append((index, item))
    return [_naming(item, echoes[index]) if index in echoes else item for index, item in kept]


def _naming(finding: LayerItem, echoes: list[str]) -> LayerItem:
    assert isinstance(finding, Finding)
    names = ", ".join(dict.fromkeys(echoes))
    return replace(
        finding, message=f"{finding.message} (the same cause breaks {names} on this row)"
    )
