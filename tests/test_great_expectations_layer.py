"""The great_expectations layer on the real package: the shipped package passes; for each rule a
broken copy that every other layer accepts and this one rejects, at the right resource, row and
field; packages it cannot check are said to be unchecked, never failed or crashed."""

from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import polars as pl
import pytest

from kzdata.cli.main import app
from kzdata.pipelines import typed_table
from kzdata.pipelines.finding import Finding, NotChecked, Omitted
from kzdata.pipelines.layers import great_expectations_layer
from kzdata.pipelines.target import open_target
from kzdata.pipelines.validate import LAYERS, validate
from kzdata.schemas import expectation_suites

LAYER = "great_expectations"
# Rows of the shipped tables, numbered as frictionless does (header = row 1).
TOTAL_700 = 2  # observations: kz_cases_opened_2025, about 700 (630..770), the total
MERCENARISM_28 = 3  # observations: 28 exact, a component of the total
PARTICIPATION_709 = 4  # observations: 709 exact, the other component
A_FEW_DOZEN = 5  # observations: vague, 24..60, no period start
CITATION_28 = 2  # citations: doc000_cases_28 (primary of MERCENARISM_28)
CITATION_709 = 3  # citations: doc000_cases_709 (primary of PARTICIPATION_709)
CITATION_HUNDREDS = 6  # citations: doc000_cases_hundreds, of the total
TOTAL_INDICATOR = 2  # indicators: criminal_cases_opened, components exhaustive
REPORTED_DEC_25 = 2  # events: 2025-12-25
LIST_JULY = 4  # events: 2025-07
# What CITATION_HUNDREDS under "dozens" (24..199) is found as: the total is 630..770.
DOZENS_MISS = (
    "citation-within-observation-bounds",
    "citations",
    "stated_value",
    CITATION_HUNDREDS,
    "hundreds",
)


def items(package, limit: int = 1000) -> list:
    return great_expectations_layer.check(open_target(package.folder), limit)


def found(package) -> set[tuple[str, str, str | None, int | None, str | None]]:
    """(rule, resource, field, row, value) of every great_expectations finding."""
    return {
        (f.rule, f.resource, f.field, f.row, f.value)
        for f in items(package)
        if isinstance(f, Finding)
    }


def hits(package, rule: str) -> set[tuple[str, str | None, int | None, str | None]]:
    return {(res, field, row, value) for r, res, field, row, value in found(package) if r == rule}


def other_layers_accept(package) -> bool:
    """No error from any layer but this one: what only great_expectations can catch."""
    others = [name for name in LAYERS if name != LAYER]
    report = validate(package.folder, layers=others)
    assert report.errors == [], [f.to_dict() for f in report.errors]
    return True


def append_row(package, name: str, cells: dict[str, str]) -> None:
    """Append a row to a resource (bytes and hash kept true); unnamed cells are empty."""
    header = package.rows(name)[0]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([cells.get(f, "") for f in header])
    content = package.csv_path(name).read_bytes() + out.getvalue().encode("utf-8")
    package.write_bytes(name, content)


def row_cells(package, name: str, row: int) -> dict[str, str]:
    rows = package.rows(name)
    return dict(zip(rows[0], rows[row - 1], strict=True))


def test_the_layer_runs_after_pandera() -> None:
    assert list(LAYERS)[:3] == ["frictionless", "pandera", LAYER]


def test_the_shipped_package_passes(tools, runner) -> None:
    result = great_expectations_layer.check(open_target(tools.repo / "datapackage"), 1000)
    assert [i for i in result if not isinstance(i, NotChecked)] == []
    assert [i for i in result if isinstance(i, NotChecked)] == []  # every rule had its data
    cli = runner.invoke(app, ["validate", str(tools.repo / "datapackage")])
    assert cli.exit_code == 0, cli.output


def test_the_shipped_package_has_the_rows_these_tests_break(package) -> None:
    assert package.cell("observations", TOTAL_700, "upper_bound") == "770"
    assert package.cell("observations", MERCENARISM_28, "value") == "28"
    assert package.cell("observations", PARTICIPATION_709, "value") == "709"
    assert package.cell("observations", A_FEW_DOZEN, "period_start") == ""
    assert package.cell("citations", CITATION_28, "citation_id") == "doc000_cases_28"
    assert package.cell("citations", CITATION_709, "stated_value") == "709"
    assert package.cell("citations", CITATION_HUNDREDS, "qualifier") == "hundreds"
    assert package.cell("indicators", TOTAL_INDICATOR, "components_exhaustive") == "true"
    assert package.cell("events", REPORTED_DEC_25, "date") == "2025-12-25"
    assert package.cell("events", LIST_JULY, "date") == "2025-07"


# --- The figure and its statements ------------------------------------------------------------


def set_figure(package, row: int, figure: str) -> None:
    for field in ("value", "lower_bound", "upper_bound"):
        package.set_cell("observations", row, field, figure)


def test_28_mercenarism_cases_made_128_fail(package, runner) -> None:
    set_figure(package, MERCENARISM_28, "128")
    assert other_layers_accept(package)
    assert hits(package, "observation-matches-primary-citation") == {
        ("observations", field, MERCENARISM_28, "128")
        for field in ("value", "lower_bound", "upper_bound")
    }
    # 709 + 128 = 837 is far above "around 700" (630..770).
    assert hits(package, "components-sum-within-total") == {
        ("observations", "upper_bound", TOTAL_700, "770")
    }
    result = runner.invoke(app, ["validate", str(package), "--format", "json"])
    assert result.exit_code == 1
    rules = {(f["layer"], f["rule"]) for f in json.loads(result.stdout)["findings"]}
    assert (LAYER, "components-sum-within-total") in rules


def test_a_citation_stating_809_instead_of_709_fails(package) -> None:
    # Its quote says 809 too: a quote that did not carry the value would be the provenance
    # layer's finding alone (tests/test_one_cause.py).
    quote = package.cell("citations", CITATION_709, "quote")
    package.set_cell("citations", CITATION_709, "quote", quote.replace("709", "809"))
    package.set_cell("citations", CITATION_709, "stated_value", "809")
    assert hits(package, "observation-matches-primary-citation") == {
        ("observations", field, PARTICIPATION_709, "709")
        for field in ("value", "lower_bound", "upper_bound")
    }
    assert hits(package, "citation-within-observation-bounds") == {
        ("citations", "stated_value", CITATION_709, "809")
    }


def test_citations_without_a_quote_column_still_have_their_statements_read(package) -> None:
    # The quote is an optional column of the statement frames: without it, a statement is
    # read from its value and qualifier alone, as frictionless still reads the table.
    rows = package.rows("citations")
    at = rows[0].index("quote")
    package.write_rows("citations", [row[:at] + row[at + 1 :] for row in rows])
    descriptor = package.read_descriptor()
    schema = next(r for r in descriptor["resources"] if r["name"] == "citations")["schema"]
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "quote"]
    package.write_descriptor(descriptor)
    package.set_cell("citations", CITATION_709, "stated_value", "809")
    result = items(package)
    assert [i for i in result if isinstance(i, Finding) and i.rule == "internal-error"] == []
    assert hits(package, "citation-within-observation-bounds") == {
        ("citations", "stated_value", CITATION_709, "809")
    }


def test_statements_whose_hashes_meet_are_still_told_apart(package, monkeypatch) -> None:
    # Every statement hashes alike: each citation still reads as its own statement.
    monkeypatch.setattr(
        typed_table, "keys_hash", lambda keys: pl.repeat(0, pl.len(), dtype=pl.UInt64)
    )
    assert found(package) == set()
    package.set_cell("citations", CITATION_HUNDREDS, "qualifier", "dozens")
    quote = package.cell("citations", CITATION_28, "quote")
    package.set_cell("citations", CITATION_28, "quote", quote.replace("28", "29"))
    package.set_cell("citations", CITATION_28, "stated_value", "29")
    assert found(package) == {
        DOZENS_MISS,
        ("citation-within-observation-bounds", "citations", "stated_value", CITATION_28, "29"),
        *(
            ("observation-matches-primary-citation", "observations", field, MERCENARISM_28, "28")
            for field in ("value", "lower_bound", "upper_bound")
        ),
    }


def test_a_precision_other_than_the_qualifier_gives_fails(package) -> None:
    # 630 < 700 < 770 is a sound approximate figure, but its citation says "around", which
    # the qualifiers table reads as 630..770: 600..800 is not what it gives.
    package.set_cell("observations", TOTAL_700, "lower_bound", "600")
    package.set_cell("observations", TOTAL_700, "upper_bound", "800")
    assert other_layers_accept(package)
    assert hits(package, "observation-matches-primary-citation") == {
        ("observations", "lower_bound", TOTAL_700, "600"),
        ("observations", "upper_bound", TOTAL_700, "800"),
    }


def test_the_qualifier_table_of_the_package_is_the_one_applied(package) -> None:
    # "around" read as 20% either side: the observation (630..770) no longer matches it.
    package.edit("qualifiers", "around,approximate,0.9,1.1", "around,approximate,0.8,1.2")
    assert other_layers_accept(package)
    assert hits(package, "observation-matches-primary-citation") == {
        ("observations", "lower_bound", TOTAL_700, "630"),
        ("observations", "upper_bound", TOTAL_700, "770"),
    }


def test_a_primary_citation_of_another_observation_fails(package) -> None:
    package.set_cell("citations", CITATION_28, "observation_id", "kz_cases_opened_2025")
    assert other_layers_accept(package)
    assert hits(package, "primary-citation-cites-observation") == {
        ("observations", "primary_citation_id", MERCENARISM_28, "doc000_cases_28")
    }


def test_a_number_under_a_vague_qualifier_fails(package) -> None:
    package.set_cell("citations", CITATION_28, "qualifier", "hundreds")
    assert other_layers_accept(package)
    assert found(package) == {
        ("stated-value-reads-under-qualifier", "citations", "stated_value", CITATION_28, "28")
    }


def test_a_vague_statement_whose_range_misses_the_bounds_fails(package) -> None:
    # "dozens" (24..199) cannot be the 630..770 cases; "hundreds" (200..999) can.
    package.set_cell("citations", CITATION_HUNDREDS, "qualifier", "dozens")
    assert other_layers_accept(package)
    assert found(package) == {DOZENS_MISS}


# --- One fact, one observation ----------------------------------------------------------------


def duplicate_fact(package, row: int, suffix: str = "_again") -> None:
    """The observation at `row` again under a new id, with a citation of its own."""
    observation = row_cells(package, "observations", row)
    citations = package.rows("citations")
    primary = next(
        dict(zip(citations[0], c, strict=True))
        for c in citations[1:]
        if c[0] == observation["primary_citation_id"]
    )
    observation["observation_id"] += suffix
    observation["primary_citation_id"] = primary["citation_id"] = primary["citation_id"] + suffix
    primary["observation_id"] = observation["observation_id"]
    append_row(package, "observations", observation)
    append_row(package, "citations", primary)


@pytest.mark.parametrize("row", [MERCENARISM_28, A_FEW_DOZEN])
def test_a_duplicated_fact_under_a_new_id_fails(package, row) -> None:
    duplicate_fact(package, row)
    appended = len(package.rows("observations"))
    assert other_layers_accept(package)
    indicator = package.cell("observations", row, "indicator_id")
    assert found(package) == {
        ("one-observation-per-fact", "observations", "indicator_id", r, indicator)
        for r in (row, appended)
    }
    message = next(f.message for f in items(package) if f.row == appended)
    assert f"repeats the fact of row {row}" in message


def test_at_most_limit_findings_per_rule_the_rest_counted(package) -> None:
    for n in range(5):
        duplicate_fact(package, MERCENARISM_28, suffix=f"_again{n}")
    result = items(package, limit=2)
    kept = [i for i in result if isinstance(i, Finding)]
    assert [(f.rule, f.row) for f in kept] == [
        ("one-observation-per-fact", MERCENARISM_28),
        ("one-observation-per-fact", 13),  # the first of the five copies
    ]
    assert [i for i in result if isinstance(i, Omitted)] == [
        Omitted(LAYER, "one-observation-per-fact", "observations", 4)
    ]


# --- Coverage: every indicator measured, every source cited ----------------------------------


def test_an_indicator_without_observations_is_a_warning(package) -> None:
    cells = {"indicator_id": "criminal_cases_closed", "label": "Criminal cases closed"}
    append_row(package, "indicators", cells | {"definition": "Closed.", "unit": "cases"})
    package.edit("indicators", "Closed.,cases,", "Closed.,cases,flow")
    assert other_layers_accept(package)
    row = len(package.rows("indicators"))
    assert found(package) == {
        ("indicator-has-observation", "indicators", "indicator_id", row, "criminal_cases_closed")
    }
    report = validate(package.folder, layers=[LAYER])
    assert report.valid and [f.severity for f in report.warnings] == ["warning"]


def test_a_source_nobody_cites_is_a_warning(package) -> None:
    append_row(
        package, "sources", {"source_id": "cit001", "title": "An uncited report", "language": "en"}
    )
    assert other_layers_accept(package)
    row = len(package.rows("sources"))
    assert found(package) == {("source-is-cited", "sources", "source_id", row, "cit001")}
    assert validate(package.folder, layers=[LAYER]).warnings


def test_a_source_is_cited_by_an_event_alone(package) -> None:
    append_row(
        package, "sources", {"source_id": "cit001", "title": "A dated report", "language": "en"}
    )
    event = row_cells(package, "events", LIST_JULY) | {"event_id": "cit001_list", "quote": ""}
    append_row(package, "events", event | {"source_id": "cit001", "locator_start": ""})
    package.edit("events", "cit001,,,2973", "cit001,,,")
    assert found(package) == set()


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "precision", "late"),
    [
        ("2025-12-25", "day", set()),
        ("2025-12", "month", set()),  # may be the 31st: the 25th is not after it
        ("2025-12-24", "day", {(REPORTED_DEC_25, "2025-12-25")}),
        ("2025-06", "month", {(REPORTED_DEC_25, "2025-12-25"), (LIST_JULY, "2025-07")}),
    ],
)
def test_an_event_after_its_source_was_published_fails(package, published, precision, late):
    package.set_cell("sources", 2, "published", published)
    package.set_cell("sources", 2, "published_precision", precision)
    assert other_layers_accept(package)
    assert hits(package, "event-within-source-dates") == {
        ("events", "date", row, date) for row, date in late
    }


# --- Components against their total -----------------------------------------------------------


def test_exhaustive_components_below_the_total_fail(package) -> None:
    set_figure(package, PARTICIPATION_709, "509")  # 509 + 28 = 537 < 630
    assert other_layers_accept(package)
    assert hits(package, "components-sum-within-total") == {
        ("observations", "lower_bound", TOTAL_700, "630")
    }
    package.set_cell("indicators", TOTAL_INDICATOR, "components_exhaustive", "false")
    assert hits(package, "components-sum-within-total") == set()


def test_components_that_are_not_exhaustive_still_never_exceed_the_total(package) -> None:
    package.set_cell("indicators", TOTAL_INDICATOR, "components_exhaustive", "false")
    set_figure(package, MERCENARISM_28, "128")
    assert hits(package, "components-sum-within-total") == {
        ("observations", "upper_bound", TOTAL_700, "770")
    }


def test_a_component_with_no_upper_bound_leaves_the_sum_unbounded(package) -> None:
    package.set_cell("observations", MERCENARISM_28, "upper_bound", "")
    package.set_cell("observations", MERCENARISM_28, "value", "")
    package.set_cell("observations", MERCENARISM_28, "precision", "at_least")
    package.set_cell("observations", PARTICIPATION_709, "upper_bound", "509")
    package.set_cell("observations", PARTICIPATION_709, "lower_bound", "509")
    package.set_cell("observations", PARTICIPATION_709, "value", "509")
    # At least 28 plus 509 may reach 630: only its lower side (537 <= 770) is checked.
    assert hits(package, "components-sum-within-total") == set()


def test_components_of_another_period_are_not_summed(package) -> None:
    set_figure(package, MERCENARISM_28, "128")
    for field, value in [("period_start", "2024"), ("period_end", "2024"), ("as_of", "2024-12")]:
        package.set_cell("observations", MERCENARISM_28, field, value)
    assert hits(package, "components-sum-within-total") == set()


SEEDS = {
    "package.yaml": """
name: arrests
title: Arrests
description: A test package.
version: 0.1.0
created: "2026-01-01T00:00:00Z"
licenses: [{name: CC-BY-4.0}]
contributors: [{title: Tests}]
""",
    "codebook.yaml": """
legal_provisions: []
indicators:
  - {id: arrests, label: Arrests, definition: All arrests., unit: persons, measure: flow,
     components_exhaustive: false}
  - {id: arrests_north, label: Arrests in the north, definition: North., unit: persons,
     measure: flow, parent: arrests, parent_relation: stated}
  - {id: arrests_south, label: Arrests in the south, definition: South., unit: persons,
     measure: flow, parent: arrests, parent_relation: stated}
observations:
  - {id: all_2024, indicator: arrests, geography: XX, period_start: "2024", period_end: "2024",
     as_of: "2024-12-31", primary_citation: r_all}
  - {id: north_2024, indicator: arrests_north, geography: XX, period_start: "2024",
     period_end: "2024", as_of: "2024-12", primary_citation: r_north}
  - {id: south_2024, indicator: arrests_south, geography: XX, period_start: "2024",
     period_end: "2024", as_of: "2024", primary_citation: r_south}
""",
    "sources/report.yaml": """
id: report
title: A report
language: en
citations:
  - {id: r_all, observation: all_2024, stated_value: "100", qualifier: about}
  - {id: r_north, observation: north_2024, stated_value: "60"}
  - {id: r_south, observation: south_2024, stated_value: "SOUTH"}
""",
}


@pytest.mark.parametrize(
    ("south", "exhaustive", "broken"),
    [
        ("45", "false", set()),  # 105 <= 110
        ("20", "false", set()),  # 80: only part of the total
        ("20", "true", {("observations", "lower_bound", 2, "90")}),  # 80 < 90
        ("70", "false", {("observations", "upper_bound", 2, "110")}),  # 130 > 110
    ],
)
def test_any_declared_relation_is_checked(tmp_path, south, exhaustive, broken) -> None:
    import kzdata

    seeds = tmp_path / "seeds"
    (seeds / "sources").mkdir(parents=True)
    for name, text in SEEDS.items():
        text = text.replace("SOUTH", south)
        text = text.replace("exhaustive: false", f"exhaustive: {exhaustive}")
        (seeds / name).write_text(text, encoding="utf-8")
    kzdata.build(seeds, tmp_path / "out")
    built = SimpleNamespace(folder=tmp_path / "out")
    assert other_layers_accept(built)
    assert hits(built, "components-sum-within-total") == broken


# --- Row counts -------------------------------------------------------------------------------


def test_every_resource_declares_its_row_counts_and_the_shipped_ones_keep_them(tools) -> None:
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    names = [r["name"] for r in descriptor["resources"]]
    assert sorted(expectation_suites.row_counts()) == sorted(names)


def test_a_qualifier_table_grown_past_its_declared_rows_fails(package) -> None:
    high = expectation_suites.row_counts()["qualifiers"][1]
    shipped = len(package.rows("qualifiers")) - 1
    words = [
        f"extra {a}{b}" for a in "abcdefghijklmnopqrstuvwxyz" for b in "abcdefghijklmnopqrstuvwxyz"
    ]
    rows = [f"{word},approximate,0.9,1.1,,,Test.\n" for word in words[: high - shipped + 1]]
    package.write_bytes(
        "qualifiers", package.csv_path("qualifiers").read_bytes() + "".join(rows).encode()
    )
    assert other_layers_accept(package)
    assert found(package) == {("row-count-within-bounds", "qualifiers", None, None, str(high + 1))}


def test_a_resource_outside_its_declared_row_counts_fails(package, monkeypatch) -> None:
    declared = expectation_suites.row_counts() | {"observations": (1, 5)}
    monkeypatch.setattr(expectation_suites, "row_counts", lambda: declared)
    rows = str(len(package.rows("observations")) - 1)
    assert found(package) == {("row-count-within-bounds", "observations", None, None, rows)}
    finding = next(i for i in items(package) if isinstance(i, Finding))
    assert finding.path == "data/observations.csv" and "allows 1 to 5" in finding.message


# --- What the layer cannot check, and cells it cannot read -------------------------------------


def test_a_bad_cell_is_left_to_the_other_layers(package) -> None:
    package.set_cell("observations", MERCENARISM_28, "value", "2B")
    package.set_cell("observations", PARTICIPATION_709, "lower_bound", "x")
    package.set_cell("events", LIST_JULY, "date", "2025-02-30")
    package.edit("qualifiers", "around,approximate,0.9,", "around,approximate,NaN,")
    assert found(package) == set()


def test_a_package_kzdata_did_not_build_is_not_checked(tmp_path) -> None:
    (tmp_path / "t.csv").write_text("id,n\na,1\n", encoding="utf-8")
    schema = {"fields": [{"name": "id"}, {"name": "n", "type": "integer"}]}
    descriptor = {"name": "t", "resources": [{"name": "t", "path": "t.csv", "schema": schema}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = great_expectations_layer.check(open_target(tmp_path), 1000)
    assert all(isinstance(i, NotChecked) for i in result)
    reasons = " ".join(i.reason for i in result)
    for suite in expectation_suites.SUITES:
        for rule in suite.rules:
            assert rule in reasons
    assert "row-count-within-bounds: schemas/row_counts.yaml declares no bounds" in reasons
    assert validate(tmp_path, layers=[LAYER]).exit_code() == 0


def test_a_missing_or_unreadable_resource_leaves_its_rules_unchecked(package) -> None:
    descriptor = package.read_descriptor()
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "events"]
    package.write_descriptor(descriptor)
    ragged = b"a,b,c,d,e,f,g,h,i,j,k,l\n"  # more cells than the header has
    package.write_bytes("citations", package.csv_path("citations").read_bytes() + ragged)
    result = items(package)
    assert [i for i in result if isinstance(i, Finding)] == []
    unchecked = {(i.resource, i.reason.split(":")[0]) for i in result}
    assert ("events", "event-within-source-dates") in unchecked
    assert ("events", "row-count-within-bounds") in unchecked
    citation_rules = "stated-value-reads-under-qualifier, citation-within-observation-bounds"
    assert ("citations", citation_rules) in unchecked
    assert ("sources", "source-is-cited") in unchecked
    assert ("observations", "one-observation-per-fact") not in unchecked  # needs no citation
    reason = next(i.reason for i in result if i.resource == "citations")
    assert "resource citations cannot be read" in reason


def test_a_crash_in_an_expectation_is_a_bug(package, runner, monkeypatch) -> None:
    # A date against a text: Great Expectations catches the error and reports a failure.
    kwargs = {"column_A": "event_first_day", "column_B": "event_id", "ignore_row_if": "neither"}
    broken = expectation_suites.Suite(
        "event_dates",
        "events",
        (
            expectation_suites.Expect(
                "event-within-source-dates",
                "date",
                "ExpectColumnPairValuesAToBeGreaterThanB",
                kwargs,
                "never",
            ),
        ),
    )
    monkeypatch.setattr(expectation_suites, "SUITES", (broken,))
    result = runner.invoke(app, ["validate", str(package), "--layer", LAYER, "-f", "json"])
    assert result.exit_code == 3, result.output
    finding = json.loads(result.stdout)["findings"][0]
    assert (finding["layer"], finding["rule"]) == (LAYER, "internal-error")
    assert "ExpectColumnPairValuesAToBeGreaterThanB" in finding["message"]


def declared_rules() -> set[str]:
    rules = {rule for suite in expectation_suites.SUITES for rule in suite.rules}
    return rules | {expectation_suites.ROW_COUNT_RULE}


def test_the_readme_and_the_catalogue_list_exactly_the_suites_rules(tools) -> None:
    from kzdata.pipelines.rule_catalogue import catalogue

    readme = (tools.repo / "README.md").read_text(encoding="utf-8")
    assert {rule for rule in declared_rules() if f"`{rule}`" not in readme} == set()
    assert {r.code for r in catalogue().rules if r.layer == LAYER} == declared_rules()
