"""One cause, said once: where two rules (of one layer or two) see the same wrong figure, the
report says it once, at the rule that names the cause.

The figure is 709 cases under the participation article: observation row 4, set by its primary
citation in citations row 3, whose quote in the first source's document reads "opened 709 cases".
"""

from __future__ import annotations

import pytest

from kzdata.pipelines.validate import validate

OBSERVATION, CITATION = 4, 3  # frictionless rows (the header is row 1)
LAYERS = ["pandera", "great_expectations", "provenance"]


def hits(package) -> list[tuple[str, str, str, int]]:
    report = validate(package, layers=LAYERS)
    return [(f.layer, f.rule, f.resource, f.row) for f in report.findings]


def test_the_figure_is_709_in_all_three_places(package) -> None:
    assert package.cell("observations", OBSERVATION, "value") == "709"
    assert package.cell("observations", OBSERVATION, "primary_citation_id") == package.cell(
        "citations", CITATION, "citation_id"
    )
    assert package.cell("citations", CITATION, "stated_value") == "709"
    assert "709" in package.cell("citations", CITATION, "quote")
    assert hits(package) == []


def test_a_changed_observation_value_is_the_derivation_rule_naming_the_row_rules(package) -> None:
    package.set_cell("observations", OBSERVATION, "value", "809")
    report = validate(package, layers=LAYERS)
    assert [(f.layer, f.rule, f.row, f.field) for f in report.findings] == [
        ("great_expectations", "observation-matches-primary-citation", OBSERVATION, "value")
    ]
    message = report.findings[0].message
    assert "pandera/value-within-bounds" in message and "pandera/precision-bounds" in message


def test_without_the_derivation_rule_the_row_rules_stand(package) -> None:
    package.set_cell("observations", OBSERVATION, "value", "809")
    report = validate(package, layers=["pandera"])
    assert {f.rule for f in report.findings} == {"value-within-bounds", "precision-bounds"}


def test_a_changed_citation_value_is_the_quote_that_does_not_carry_it(package) -> None:
    package.set_cell("citations", CITATION, "stated_value", "809")
    assert hits(package) == [("provenance", "quote-value", "citations", CITATION)]


def test_a_changed_quote_is_the_document_that_reads_otherwise(package) -> None:
    quote = package.cell("citations", CITATION, "quote")
    package.set_cell("citations", CITATION, "quote", quote.replace("709", "809"))
    assert hits(package) == [("provenance", "quote-mismatch", "citations", CITATION)]


def test_without_the_document_a_changed_quote_is_the_value_it_does_not_carry(release) -> None:
    quote = release.cell("citations", CITATION, "quote")
    release.set_cell("citations", CITATION, "quote", quote.replace("709", "809"))
    assert hits(release) == [("provenance", "quote-value", "citations", CITATION)]


def test_a_quote_changed_off_its_value_is_two_causes(package) -> None:
    # The quote no longer reads the document, and no longer carries the value either.
    quote = package.cell("citations", CITATION, "quote")
    package.set_cell("citations", CITATION, "quote", quote.replace("709", "800"))
    package.set_cell("citations", CITATION, "stated_value", "809")
    assert sorted(hits(package)) == [
        ("provenance", "quote-mismatch", "citations", CITATION),
        ("provenance", "quote-value", "citations", CITATION),
    ]


def test_a_citation_changed_whole_is_named_at_the_citation_once(package) -> None:
    # Quote and value both say 809: the document does not. At the citation that is one
    # finding; the observation it sets (709) is still reported as not matching it.
    quote = package.cell("citations", CITATION, "quote")
    package.set_cell("citations", CITATION, "quote", quote.replace("709", "809"))
    package.set_cell("citations", CITATION, "stated_value", "809")
    report = validate(package, layers=LAYERS)
    at_citation = [f for f in report.findings if f.resource == "citations"]
    assert [(f.layer, f.rule) for f in at_citation] == [("provenance", "quote-mismatch")]
    assert "great_expectations/citation-within-observation-bounds" in at_citation[0].message


@pytest.mark.parametrize("layers", [["great_expectations"], LAYERS])
def test_a_citation_value_its_quote_carries_is_the_observations_to_match(package, layers) -> None:
    # Both the quote and the value say 809: the observation (709) no longer matches its source.
    quote = package.cell("citations", CITATION, "quote")
    package.set_cell("citations", CITATION, "quote", quote.replace("709", "809"))
    package.set_cell("citations", CITATION, "stated_value", "809")
    report = validate(package, layers=layers)
    rules = {(f.rule, f.resource) for f in report.findings if f.layer == "great_expectations"}
    assert ("observation-matches-primary-citation", "observations") in rules
