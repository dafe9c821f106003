"""Where a figure comes from: each statement of a fact followed along its relays to the
source (or the outside origin) that first gave it, so that a relay never counts as a
confirmation of its own.

Works on the statements of one fact (the citations of one observation). A statement that
relays source B counts as whatever B's own statements of the fact count as, or as B itself
when B states the fact nowhere in the package. A statement that names an outside origin (an
official's inquiry, a project) counts as that origin. Everything else counts as its source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    """One citation of a fact: its source, the source it relays, the outside origin it names."""

    citation_id: str
    source_id: str
    relays: str | None = None
    origin: str | None = None


@dataclass(frozen=True, order=True)
class Origin:
    """Who first gave a figure: a source of the package, or an origin outside it."""

    name: str
    outside: bool = False

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Trace:
    """What each statement counts as (empty when its relays lead into a circle), and for each
    statement whose relays come back to its own source, the circle: the sources in the order
    they relay each other."""

    origins: dict[str, frozenset[Origin]]
    cycles: dict[str, list[str]]

    def independent(self) -> list[Origin]:
        """The distinct origins of the fact, in order: how many times it is confirmed."""
        return sorted(set().union(*self.origins.values()))


class _Cycle(Exception):
    def __init__(self, chain: list[str]) -> None:
        self.chain = chain


def trace(statements: Iterable[Statement]) -> Trace:
    """Follow every statement of one fact to its origins."""
    listed = list(statements)
    by_source: dict[str, list[Statement]] = defaultdict(list)
    for s in listed:
        by_source[s.source_id].append(s)

    def follow(s: Statement, chain: list[str]) -> frozenset[Origin]:
        if s.relays is None:
            return frozenset({Origin(s.origin, True) if s.origin else Origin(s.source_id)})
        chain = [*chain, s.source_id]
        if s.relays == chain[0]:
            raise _Cycle([*chain, s.relays])
        if s.relays in chain:
            return frozenset()  # a circle that others close: this branch gives no origin
        relayed = by_source.get(s.relays)
        if not relayed:
            return frozenset({Origin(s.relays)})
        return frozenset().union(*(follow(r, chain) for r in relayed))

    origins: dict[str, frozenset[Origin]] = {}
    cycles: dict[str, list[str]] = {}
    for s in listed:
        try:
            origins[s.citation_id] = follow(s, [])
        except _Cycle as cycle:
            origins[s.citation_id] = frozenset()
            cycles[s.citation_id] = cycle.chain
    return Trace(origins, cycles)
