"""A cell that fails its Table Schema check is reported once, as the frictionless layer's type
error, and left out of every later rule that reads it (pandera, great_expectations,
provenance): no "value outside its bounds" for a value that is not a number."""

from __future__ import annotations

import pytest

from kzdata.pipelines.validate import validate

PARTICIPATION_709 = 4  # observations row (the header is row 1): 709, exact
CITATION_709 = 3  # citations row of its primary citation, located in the first document


@pytest.mark.parametrize(
    ("resource", "row", "field", "bad", "rule"),
    [
        ("observations", PARTICIPATION_709, "value", "7O9", "type-error"),
        ("observations", PARTICIPATION_709, "lower_bound", "seven hundred", "type-error"),
        ("observations", PARTICIPATION_709, "upper_bound", "709.5", "type-error"),
        ("citations", CITATION_709, "locator_start", "18x5", "type-error"),
        ("citations", CITATION_709, "locator_end", "-1902", "constraint-error"),
    ],
)
def test_a_bad_cell_is_one_finding(package, resource, row, field, bad, rule) -> None:
    package.set_cell(resource, row, field, bad)
    report = validate(package)
    assert [(f.layer, f.rule, f.resource, f.row, f.field) for f in report.findings] == [
        ("frictionless", rule, resource, row, field)
    ]


def test_a_bad_locator_leaves_its_documents_numbers_unchecked_and_says_so(package) -> None:
    package.set_cell("citations", CITATION_709, "locator_start", "18x5")
    report = validate(package, layers=["provenance"])
    assert report.findings == ()
    assert any(
        "citations row 3 is not a pair of offsets" in note.reason for note in report.not_checked
    )
