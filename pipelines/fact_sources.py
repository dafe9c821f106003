"""Who says what: per fact of a built package, every statement of it (original or relay, of
whom), the independent origins that confirm it, and its status and declared disagreements.
The engine of `kzdata sources`; kzdata.pipelines.fact_sources_formats prints it.

Reads the package as text (kzdata.pipelines.package_reader), as it is, without validating it:
a package whose resources or columns are missing is refused, naming what is missing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kzdata.pipelines import origins
from kzdata.pipelines.errors import InvalidPackage
from kzdata.pipelines.package_reader import Package, open_package, read_table

Row = dict[str, str | None]

# What the listing reads: resource -> the columns it needs. `disagreements` may be missing
# (a package built before it existed): then no disagreement is declared.
NEEDED = {
    "observations": (
        "observation_id", "indicator_id", "geography", "period_start", "period_end", "as_of",
        "value", "lower_bound", "upper_bound", "precision", "primary_citation_id", "status",
        "status_reason",
    ),
    "citations": (
        "citation_id", "observation_id", "source_id", "stated_value", "qualifier", "quote",
        "relays_source_id", "notes",
    ),
    "sources": ("source_id", "title", "publisher"),
    "indicators": ("indicator_id", "label"),
    "disagreements": ("observation_id", "other_observation_id", "reason", "notes"),
}  # fmt: skip
# Read when the package has them (one built before they existed has not).
OPTIONAL_RESOURCES = ("disagreements",)
OPTIONAL_COLUMNS = {"citations": ("origin",)}


@dataclass(frozen=True)
class Statement:
    """One citation of a fact. `role` is original or relay; `relays` the source it relays;
    `origin` the outside origin it reports; `counts_as` the origins it confirms."""

    citation_id: str
    source_id: str
    publisher: str | None
    stated_value: str
    qualifier: str | None
    quote: str | None
    role: str
    relays: str | None
    origin: str | None
    counts_as: list[str]
    primary: bool
    notes: str | None


@dataclass(frozen=True)
class Disagreement:
    """A declared disagreement of this fact with another observation of the same fact."""

    other_observation_id: str
    reason: str
    notes: str | None


@dataclass(frozen=True)
class Fact:
    """One observation with its statements; `origins` are the independent origins confirming
    it (a relay counts as the source it relays); `relay_cycles` the citations whose relays
    go round in a circle."""

    observation: Row
    label: str | None
    statements: list[Statement]
    origins: list[str]
    disagreements: list[Disagreement] = field(default_factory=list)
    relay_cycles: dict[str, list[str]] = field(default_factory=dict)

    @property
    def disputed(self) -> bool:
        return self.observation["status"] == "disputed"


@dataclass(frozen=True)
class Listing:
    """Every fact of the package, in the order of its observations table."""

    package: str
    facts: list[Fact]

    @property
    def sources(self) -> set[str]:
        return {s.source_id for f in self.facts for s in f.statements}


def fact_sources(target: str | Path) -> Listing:
    """The listing of the package at `target` (a folder or its datapackage.json)."""
    # Load inputs
    package = open_package(target)
    tables = {name: _rows(package, name, columns) for name, columns in NEEDED.items()}
    # Process data
    sources = {r["source_id"]: r for r in tables["sources"]}
    labels = {r["indicator_id"]: r["label"] for r in tables["indicators"]}
    cited: dict[str | None, list[Row]] = defaultdict(list)
    for row in tables["citations"]:
        cited[row["observation_id"]].append(row)
    declared: dict[str | None, list[Disagreement]] = defaultdict(list)
    for d in tables["disagreements"]:
        pair = (d["observation_id"], d["other_observation_id"])
        for this, other in (pair, pair[::-1]):
            declared[this].append(Disagreement(other or "", d["reason"] or "", d["notes"]))
    facts = [
        _fact(obs, labels, sources, cited[obs["observation_id"]], declared)
        for obs in tables["observations"]
    ]
    return Listing(str(target), facts)


def _fact(
    obs: Row,
    labels: dict[str | None, str | None],
    sources: dict[str | None, Row],
    citations: list[Row],
    declared: dict[str | None, list[Disagreement]],
) -> Fact:
    traced = origins.trace(
        origins.Statement(
            c["citation_id"] or "", c["source_id"] or "", c["relays_source_id"], c["origin"]
        )
        for c in citations
    )
    statements = [
        Statement(
            citation_id=c["citation_id"] or "",
            source_id=c["source_id"] or "",
            publisher=(sources.get(c["source_id"]) or {}).get("publisher"),
            stated_value=c["stated_value"] or "",
            qualifier=c["qualifier"],
            quote=c["quote"],
            role="relay" if c["relays_source_id"] else "original",
            relays=c["relays_source_id"],
            origin=c["origin"],
            counts_as=sorted(str(o) for o in traced.origins.get(c["citation_id"] or "", ())),
            primary=c["citation_id"] == obs["primary_citation_id"],
            notes=c["notes"],
        )
        for c in citations
    ]
    # The citation that sets the figure first, then the originals, then the relays.
    statements.sort(key=lambda s: (not s.primary, s.role != "original", s.citation_id))
    return Fact(
        observation=obs,
        label=labels.get(obs["indicator_id"]),
        statements=statements,
        origins=[str(o) for o in traced.independent()],
        disagreements=declared.get(obs["observation_id"], []),
        relay_cycles=traced.cycles,
    )


def _rows(package: Package, name: str, columns: tuple[str, ...]) -> list[Row]:
    """The rows of resource `name` with `columns` and the optional ones it has (an empty or
    absent cell is None). A missing resource or column refuses the package, unless optional."""
    if name not in package.resources:
        if name in OPTIONAL_RESOURCES:
            return []
        raise InvalidPackage(
            f"{package.label}: no resource {name}: kzdata sources reads a package that kzdata built"
        )
    table = read_table(package, name)
    if missing := [c for c in columns if c not in table.header]:
        raise InvalidPackage(f"{package.label}: resource {name} has no {', '.join(missing)}")
    present = [c for c in OPTIONAL_COLUMNS.get(name, ()) if c in table.header]
    at = {c: table.header.index(c) for c in (*columns, *present)}
    absent = {c: None for c in OPTIONAL_COLUMNS.get(name, ()) if c not in present}
    return [
        {c: (row[i] if i < len(row) and row[i] != "" else None) for c, i in at.items()} | absent
        for row in table.rows
        if row  # a blank line is no row
    ]
