"""The Great Expectations suites: the rules across rows and tables that a Table Schema cannot say.

Declarations only. Field rules (types, enums, patterns, required, unique keys) are the Table
Schemas' and are never repeated here. Each suite runs on one frame that kzdata.pipelines.
expectation_frames computes from the package (a join or an aggregate, since Great Expectations
has no expectation across tables on pandas), one row per row of the resource its findings are
about. An expectation names a Great Expectations 1.x expectation class and its arguments, the
rule it stands for, the field of that resource its findings point at, and the message, written
with the columns of the frame's failing row ({column}; an empty cell reads "empty").

Also one suite per resource: its row count within the bounds declared in row_counts.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kzdata.schemas import HERE, read_yaml

ROW_COUNTS = HERE / "row_counts.yaml"
ROW_COUNT_RULE = "row-count-within-bounds"


@dataclass(frozen=True)
class Expect:
    """One expectation: `expectation` is a class in great_expectations.expectations."""

    rule: str
    field: str | None
    expectation: str
    kwargs: Mapping[str, Any]
    message: str


@dataclass(frozen=True)
class Suite:
    """The expectations on one frame; findings are about rows of `resource`."""

    frame: str
    resource: str
    expectations: tuple[Expect, ...]
    description: str = field(default="", compare=False)

    @property
    def rules(self) -> list[str]:
        return list(dict.fromkeys(e.rule for e in self.expectations))


def _pair_equal(column: str, expected: str) -> dict[str, Any]:
    # Both empty is equal; one empty is not.
    return {"column_A": column, "column_B": expected, "ignore_row_if": "both_values_are_missing"}


def _at_least(column: str, other: str) -> dict[str, Any]:
    """column >= other; an empty side is unbounded, so the row keeps the rule."""
    return {
        "column_A": column,
        "column_B": other,
        "or_equal": True,
        "ignore_row_if": "either_value_is_missing",
    }


# Only where the primary citation's statement can be read (the other rules say why not).
_STATEMENT_READ = {
    "type": "nullity",
    "column": {"name": "expected_precision"},
    "is_null": False,
}
_DERIVED = (
    "is not what its primary citation {primary_citation_id} gives: '{stated_value}' "
    "(qualifier: {qualifier}) reads, by the qualifiers table, as value {expected_value}, "
    "bounds {expected_lower_bound} to {expected_upper_bound}, {expected_precision}"
)


def _matches_primary_citation(column: str) -> Expect:
    return Expect(
        "observation-matches-primary-citation",
        column,
        "ExpectColumnPairValuesToBeEqual",
        _pair_equal(column, f"expected_{column}") | {"row_condition": _STATEMENT_READ},
        f"{column} {{{column}}} {_DERIVED}",
    )


SUITES: tuple[Suite, ...] = (
    Suite(
        "observation_statements",
        "observations",
        (
            *(
                _matches_primary_citation(column)
                for column in ("value", "lower_bound", "upper_bound", "precision")
            ),
            Expect(
                "primary-citation-cites-observation",
                "primary_citation_id",
                "ExpectColumnPairValuesToBeEqual",
                _pair_equal("observation_id", "cited_observation_id")
                | {"ignore_row_if": "either_value_is_missing"},
                "primary citation {primary_citation_id} states observation "
                "{cited_observation_id}, not this one ({observation_id})",
            ),
        ),
        "Each observation against its primary citation's statement.",
    ),
    Suite(
        "observation_facts",
        "observations",
        (
            Expect(
                "one-observation-per-fact",
                "indicator_id",
                "ExpectCompoundColumnsToBeUnique",
                {
                    "column_list": [
                        "indicator_id",
                        "geography",
                        "period_start",
                        "period_end",
                        "as_of",
                        # Set only on observations whose every pair is declared disputed.
                        "dispute_key",
                    ]
                },
                "observation {observation_id} repeats the fact of row {same_fact_row}: indicator "
                "{indicator_id}, geography {geography}, period {period_start} to {period_end}, as "
                "of {as_of}. One fact is one observation: add a citation of it instead (or, if "
                "the sources disagree on it, declare each pair disputed in disagreements)",
            ),
        ),
        "No two observations state the same fact, except pairs declared disputed.",
    ),
    Suite(
        "observation_agreements",
        "observations",
        (
            Expect(
                "observations-agree",
                "observation_id",
                "ExpectColumnValuesToBeNull",
                {"column": "disagrees_with"},
                "observation {observation_id} ({reading}, from {sources}) disagrees with "
                "{disagrees_with}: figures of one indicator, geography and period whose bounds "
                "do not overlap. Correct the figure, or declare the pair in disagreements with "
                "its reason (different_as_of, superseded or disputed)",
            ),
            Expect(
                "disputed-has-reason",
                "status",
                "ExpectColumnValuesToBeNull",
                {"column": "reasonless_dispute"},
                "observation {observation_id} is disputed and has no status_reason: say why",
            ),
        ),
        "Figures of one fact from any sources agree within their bounds, or their disagreement "
        "is declared; a disputed figure says why.",
    ),
    Suite(
        "disagreement_reasons",
        "disagreements",
        (
            Expect(
                "disagreement-reason-holds",
                "reason",
                "ExpectColumnValuesToBeNull",
                {"column": "problem"},
                "the declaration of {observation_id} against {other_observation_id}: {problem}",
            ),
        ),
        "Each declared disagreement is between figures of one fact, for a reason that holds.",
    ),
    Suite(
        "relay_chains",
        "citations",
        (
            Expect(
                "relay-chain-acyclic",
                "relays_source_id",
                "ExpectColumnValuesToBeNull",
                {"column": "relay_cycle"},
                "citation {citation_id} of {source_id} relays {relays_source_id}, and the relays "
                "of this fact come back to {source_id} ({relay_cycle}): a relay chain must end "
                "at a source that gives the figure",
            ),
        ),
        "Relays of a fact lead to a source that gives it, never round in a circle.",
    ),
    Suite(
        "provision_statements",
        "provision_citations",
        (
            Expect(
                "provision-matches-citations",
                "stated_value",
                "ExpectColumnValuesToBeNull",
                {"column": "problem"},
                "{source_id} {problem} (provision {provision_id})",
            ),
        ),
        "Each source's statement of a part of a legal provision is what the provision records.",
    ),
    Suite(
        "provision_credits",
        "legal_provisions",
        (
            Expect(
                "provision-part-cited",
                "provision_id",
                "ExpectColumnValuesToBeNull",
                {"column": "uncited"},
                "provision {provision_id} records {uncited}, which no source states: add the "
                "provision citation of the source that gives it",
            ),
        ),
        "Each recorded part of a legal provision is credited to a source that states it.",
    ),
    Suite(
        "citation_statements",
        "citations",
        (
            Expect(
                "stated-value-reads-under-qualifier",
                "stated_value",
                "ExpectColumnValuesToBeNull",
                {"column": "stated_value_problem"},
                "{stated_value_problem}",
            ),
            *(
                Expect(
                    "citation-within-observation-bounds",
                    "stated_value",
                    "ExpectColumnPairValuesAToBeGreaterThanB",
                    kwargs,
                    "stated value '{stated_value}' (qualifier: {qualifier}; read as "
                    "{stated_reading}) lies outside the bounds {observation_lower_bound} to "
                    "{observation_upper_bound} of observation {observation_id}",
                )
                for kwargs in (
                    _at_least("claim_high", "observation_lower_bound"),
                    _at_least("observation_upper_bound", "claim_low"),
                )
            ),
        ),
        "Each citation's stated value against its qualifier and its observation's bounds.",
    ),
    Suite(
        "indicator_coverage",
        "indicators",
        (
            Expect(
                "indicator-has-observation",
                "indicator_id",
                "ExpectColumnValuesToBeBetween",
                {"column": "observation_count", "min_value": 1},
                "indicator {indicator_id} has no observation",
            ),
        ),
        "Every indicator of the codebook has a figure.",
    ),
    Suite(
        "source_references",
        "sources",
        (
            Expect(
                "source-is-cited",
                "source_id",
                "ExpectColumnValuesToBeBetween",
                {"column": "reference_count", "min_value": 1},
                "source {source_id} is cited by no citation (nor relayed by one), event or "
                "provision citation",
            ),
        ),
        "Every source is cited.",
    ),
    Suite(
        "event_dates",
        "events",
        (
            Expect(
                "event-within-source-dates",
                "date",
                "ExpectColumnPairValuesAToBeGreaterThanB",
                _at_least("source_last_day", "event_first_day"),
                "event {event_id} on {date} is after its source {source_id} was published "
                "({source_published}): partial dates compare by the days they may stand for",
            ),
        ),
        "No event is reported by a source published before it.",
    ),
    Suite(
        "component_sums",
        "observations",
        (
            Expect(
                "components-sum-within-total",
                "upper_bound",
                "ExpectColumnPairValuesAToBeGreaterThanB",
                _at_least("upper_bound", "components_lower"),
                "the components of observation {observation_id} ({components}) sum to at least "
                "{components_lower}, above its upper bound {upper_bound}",
            ),
            Expect(
                "components-sum-within-total",
                "lower_bound",
                "ExpectColumnPairValuesAToBeGreaterThanB",
                _at_least("components_upper", "lower_bound")
                | {
                    "row_condition": {
                        "type": "comparison",
                        "column": {"name": "components_exhaustive"},
                        "operator": "==",
                        "parameter": True,
                    }
                },
                "the components of observation {observation_id} ({components}), declared "
                "exhaustive, sum to at most {components_upper}, below its lower bound "
                "{lower_bound}",
            ),
        ),
        "Components (indicators.parent_indicator_id) against their total, for observations of "
        "the same geography and period whose as-of dates may be the same day.",
    ),
)


@cache
def row_counts() -> dict[str, tuple[int, int]]:
    """The declared (min, max) rows per resource (row_counts.yaml)."""
    declared = read_yaml(ROW_COUNTS)
    return {name: (bounds["min"], bounds["max"]) for name, bounds in declared.items()}


def row_count_suite(resource: str) -> Suite | None:
    """The suite counting the rows of `resource`; None when no bounds are declared for it."""
    if resource not in row_counts():
        return None
    low, high = row_counts()[resource]
    expect = Expect(
        ROW_COUNT_RULE,
        None,
        "ExpectTableRowCountToBeBetween",
        {"min_value": low, "max_value": high},
        f"{resource} has {{observed_value}} rows; schemas/row_counts.yaml allows {low} to {high}",
    )
    return Suite("rows", resource, (expect,), "Rows of one resource.")
