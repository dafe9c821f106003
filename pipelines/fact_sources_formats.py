"""What `kzdata sources` prints: per fact, every statement of it and who it comes from, as
text for a reader or JSON for a program (kzdata.pipelines.fact_sources makes the listing)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict

from kzdata.pipelines.fact_sources import Fact, Listing, Statement

JSON_VERSION = 1


def render_text(listing: Listing) -> str:
    """A block per fact: its figure and status, then one line per statement."""
    disputed = sum(f.disputed for f in listing.facts)
    statements = sum(len(f.statements) for f in listing.facts)
    lines = [
        f"{listing.package}: {len(listing.facts)} facts, {statements} statements from "
        f"{len(listing.sources)} sources; {disputed} disputed",
    ]
    for fact in listing.facts:
        lines += ["", *_fact_lines(fact)]
    return "\n".join(lines) + "\n"


def _fact_lines(fact: Fact) -> list[str]:
    obs = fact.observation
    status = obs["status"] or "current"
    head = f"{obs['observation_id']} ({status.upper() if fact.disputed else status})"
    lines = [head, f"  {fact.label or obs['indicator_id']}"]
    lines.append(f"  {obs['geography']}, {_period(obs)}as of {obs['as_of']}: {_figure(obs)}")
    if obs["status_reason"]:
        lines.append(f"  {status}: {obs['status_reason']}")
    for d in fact.disagreements:
        note = f": {d.notes}" if d.notes else ""
        lines.append(f"  disagrees with {d.other_observation_id} ({d.reason}){note}")
    count = len(fact.origins)
    confirmed = "origin" if count == 1 else "origins"
    lines.append(f"  {count} independent {confirmed}: {', '.join(fact.origins) or 'none'}")
    lines += [f"  - {_statement(s, fact)}" for s in fact.statements]
    return lines


def _period(obs: dict[str, str | None]) -> str:
    start, end = obs["period_start"], obs["period_end"]
    if start is None and end is None:
        return ""
    if start == end:
        return f"{start}, "
    return f"{start or ''} to {end or ''}, ".lstrip()


def _figure(obs: dict[str, str | None]) -> str:
    value, low, high, precision = (
        obs["value"],
        obs["lower_bound"],
        obs["upper_bound"],
        obs["precision"],
    )
    if precision == "exact":
        return f"{value} (exact)"
    bounds = f"{low or 'unbounded'} to {high or 'unbounded'}"
    return f"{value} ({bounds}, {precision})" if value else f"{bounds} ({precision})"


def _statement(s: Statement, fact: Fact) -> str:
    said = s.stated_value
    if s.qualifier and s.qualifier != s.stated_value.lower():
        said = f"{s.qualifier} {said}"
    role = f"relay of {s.relays}" if s.role == "relay" else "original"
    if s.origin:
        role += f", reporting {s.origin}"
    if s.citation_id in fact.relay_cycles:
        role += f" (relays go round in a circle: {' -> '.join(fact.relay_cycles[s.citation_id])})"
    parts = [f"{s.source_id}: {said!s}, {role}"]
    if s.primary:
        parts.append("sets the figure")
    if s.quote:
        parts.append(f'"{s.quote}"')
    return "; ".join(parts)


def render_json(listing: Listing) -> str:
    """The listing as one JSON document (version 1; fields are only added)."""
    document = {
        "version": JSON_VERSION,
        "package": listing.package,
        "facts": [
            {
                **fact.observation,
                "label": fact.label,
                "independent_origins": fact.origins,
                "disagreements": [asdict(d) for d in fact.disagreements],
                "statements": [
                    asdict(s) | {"relay_cycle": fact.relay_cycles.get(s.citation_id)}
                    for s in fact.statements
                ],
            }
            for fact in listing.facts
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[Listing], str]] = {"text": render_text, "json": render_json}
