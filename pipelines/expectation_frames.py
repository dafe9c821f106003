"""The frames the Great Expectations suites run on (kzdata.schemas.expectation_suites), by name.

Great Expectations has no expectation across tables on pandas, so the joins and aggregates are
computed in polars (frame_statements, frame_facts, frame_references) and the suites check their
columns. Each frame has one row per row of the resource its suite is about, keyed by ROW (the
frictionless row number), and says what it reads: the resources, their columns and the kind of
value each must hold. A row whose cells a rule reads are not of their types is left out of that
rule (its type finding is the other layers'); an empty cell is unknown, never a number.
"""

from __future__ import annotations

from kzdata.pipelines.frame_disagreements import (
    FACT_KEY,
    disagreement_reasons,
    observation_agreements,
)
from kzdata.pipelines.frame_facts import FACT, component_sums, observation_facts
from kzdata.pipelines.frame_provisions import provision_credits, provision_statements
from kzdata.pipelines.frame_references import (
    SOURCE_REFERENCES,
    event_dates,
    indicator_coverage,
    source_references,
)
from kzdata.pipelines.frame_relays import relay_chains
from kzdata.pipelines.frame_spec import BOOLEAN, KINDS, NUMBER, TEXT, FrameSpec
from kzdata.pipelines.frame_statements import (
    QUALIFIER_COLUMNS,
    QUOTED,
    STATEMENT_COLUMNS,
    citation_statements,
    observation_statements,
)
from kzdata.pipelines.typed_table import ROW

__all__ = ["FRAMES", "KINDS", "FrameSpec", "rows_frame"]


def rows_frame(name: str) -> FrameSpec:
    """A resource's rows, to count them."""
    return FrameSpec({name: {}}, lambda t: t[name].select(ROW))


_STATEMENT = {
    "citations": {**STATEMENT_COLUMNS, "qualifier": TEXT},
    "qualifiers": QUALIFIER_COLUMNS,
}
_DECLARED = {"observation_id": TEXT, "other_observation_id": TEXT, "reason": TEXT}
_PROVISION = {
    "provision_id": TEXT,
    "article": TEXT,
    "min_imprisonment_years": NUMBER,
    "max_imprisonment_years": NUMBER,
    "life_imprisonment": BOOLEAN,
    "confiscation": BOOLEAN,
}
FRAMES: dict[str, FrameSpec] = {
    "observation_statements": FrameSpec(
        {
            "observations": {
                "observation_id": TEXT,
                "primary_citation_id": TEXT,
                "value": NUMBER,
                "lower_bound": NUMBER,
                "upper_bound": NUMBER,
                "precision": TEXT,
            },
            **_STATEMENT,
        },
        observation_statements,
        optional=QUOTED,
    ),
    "observation_facts": FrameSpec(
        {
            "observations": {
                "observation_id": TEXT,
                "indicator_id": TEXT,
                "geography": TEXT,
                "period_start": TEXT,
                "period_end": TEXT,
                "as_of": TEXT,
            }
        },
        observation_facts,
        optional={"disagreements": _DECLARED},
    ),
    "observation_agreements": FrameSpec(
        {
            "observations": {
                "observation_id": TEXT,
                **dict.fromkeys(FACT_KEY, TEXT),
                "lower_bound": NUMBER,
                "upper_bound": NUMBER,
                "status": TEXT,
                "status_reason": TEXT,
            }
        },
        observation_agreements,
        optional={
            "citations": {"observation_id": TEXT, "source_id": TEXT, "relays_source_id": TEXT},
            "disagreements": _DECLARED,
        },
    ),
    "disagreement_reasons": FrameSpec(
        {
            "disagreements": _DECLARED,
            "observations": {
                "observation_id": TEXT,
                **dict.fromkeys(FACT_KEY, TEXT),
                "as_of": TEXT,
                "status": TEXT,
            },
        },
        disagreement_reasons,
    ),
    "relay_chains": FrameSpec(
        {
            "citations": {
                "citation_id": TEXT,
                "observation_id": TEXT,
                "source_id": TEXT,
                "relays_source_id": TEXT,
            }
        },
        relay_chains,
    ),
    "provision_statements": FrameSpec(
        {
            "provision_citations": {
                "provision_id": TEXT,
                "element": TEXT,
                "source_id": TEXT,
                "stated_value": TEXT,
            },
            "legal_provisions": _PROVISION,
        },
        provision_statements,
    ),
    "provision_credits": FrameSpec(
        {
            "legal_provisions": _PROVISION,
            "provision_citations": {"provision_id": TEXT, "element": TEXT},
        },
        provision_credits,
    ),
    "citation_statements": FrameSpec(
        {
            **_STATEMENT,
            "observations": {"observation_id": TEXT, "lower_bound": NUMBER, "upper_bound": NUMBER},
        },
        citation_statements,
        optional=QUOTED,
    ),
    "indicator_coverage": FrameSpec(
        {"indicators": {"indicator_id": TEXT}, "observations": {"indicator_id": TEXT}},
        indicator_coverage,
    ),
    "source_references": FrameSpec(
        {"sources": {"source_id": TEXT}, "citations": {"source_id": TEXT}},
        source_references,
        optional={
            name: dict.fromkeys(columns, TEXT) for name, columns in SOURCE_REFERENCES.items()
        },
    ),
    "event_dates": FrameSpec(
        {
            "events": {"event_id": TEXT, "date": TEXT, "source_id": TEXT},
            "sources": {"source_id": TEXT, "published": TEXT},
        },
        event_dates,
    ),
    "component_sums": FrameSpec(
        {
            "indicators": {
                "indicator_id": TEXT,
                "parent_indicator_id": TEXT,
                "components_exhaustive": BOOLEAN,
            },
            "observations": {
                "observation_id": TEXT,
                "indicator_id": TEXT,
                **dict.fromkeys(FACT, TEXT),
                "as_of": TEXT,
                "lower_bound": NUMBER,
                "upper_bound": NUMBER,
            },
        },
        component_sums,
    ),
}
