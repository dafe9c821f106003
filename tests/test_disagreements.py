"""Figures of one fact that disagree: on copies of the shipped package, two observations of one
indicator, geography and period whose bounds do not overlap fail `observations-agree` unless a
declaration in `disagreements` covers them, and a declaration's reason must hold. Declared
disputes are the one exception to `one-observation-per-fact`."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kzdata.cli.main import app
from kzdata.pipelines.finding import Finding
from kzdata.pipelines.layers import great_expectations_layer
from kzdata.pipelines.target import open_target
from kzdata.pipelines.validate import LAYERS, validate

LAYER = "great_expectations"
COURT_709 = "kz_cases_opened_participation_2025"  # 709, per court statistics, as of 2025-12
REGISTERED_141 = "kz_cases_registered_participation_2025"  # 141 registered, as of 2026-03
HEADER = "observation_id,other_observation_id,reason,notes\n"


def findings(package) -> list[Finding]:
    items = great_expectations_layer.check(open_target(package.folder), 1000)
    return [i for i in items if isinstance(i, Finding)]


def hits(package, rule: str) -> set[tuple[str, str | None, int | None, str | None]]:
    return {(f.resource, f.field, f.row, f.value) for f in findings(package) if f.rule == rule}


def rules(package) -> set[str]:
    return {f.rule for f in findings(package)}


def other_layers_accept(package) -> bool:
    report = validate(package.folder, layers=[n for n in LAYERS if n != LAYER])
    assert report.errors == [], [f.to_dict() for f in report.errors]
    return True


def row_of(package, resource: str, key: str) -> int:
    """The frictionless row (header = 1) whose first cell is `key`."""
    return next(i for i, row in enumerate(package.rows(resource)) if row[0] == key) + 1


def set_field(package, resource: str, key: str, field: str, value: str) -> None:
    package.set_cell(resource, row_of(package, resource, key), field, value)


def declare(package, *lines: str) -> None:
    package.write_bytes("disagreements", (HEADER + "".join(f"{x}\n" for x in lines)).encode())


def one_indicator(package) -> None:
    """The deputy's 141 registered cases filed under the indicator of the 709 found in court
    statistics: same article, same year, as if the two counted the same thing."""
    set_field(
        package,
        "observations",
        REGISTERED_141,
        "indicator_id",
        "criminal_cases_opened_participation",
    )


def dispute(package, observation_id: str, reason: str = "Sources disagree.") -> None:
    set_field(package, "observations", observation_id, "status", "disputed")
    set_field(package, "observations", observation_id, "status_reason", reason)


def test_the_shipped_package_declares_no_disagreement_and_needs_none(package) -> None:
    assert package.rows("disagreements") == [HEADER.strip().split(",")]
    assert rules(package) == set()


def test_709_and_141_under_one_indicator_undeclared_fail_naming_both_sources(package, runner):
    one_indicator(package)
    assert other_layers_accept(package)
    later = max(row_of(package, "observations", o) for o in (COURT_709, REGISTERED_141))
    assert hits(package, "observations-agree") == {
        ("observations", "observation_id", later, REGISTERED_141)
    }
    (finding,) = [f for f in findings(package) if f.rule == "observations-agree"]
    for name in (COURT_709, "709", "141", "informburo_centrasia_2026_03_04", "doc000"):
        assert name in finding.message
    assert "relaying mediazona_2025_12_30" in finding.message
    result = runner.invoke(app, ["validate", str(package), "--format", "json"])
    assert result.exit_code == 1
    found = {(f["layer"], f["rule"]) for f in json.loads(result.stdout)["findings"]}
    assert found == {(LAYER, "observations-agree")}


def test_figures_whose_bounds_overlap_agree(package) -> None:
    one_indicator(package)
    for field in ("value", "lower_bound", "upper_bound"):
        set_field(package, "observations", REGISTERED_141, field, "709")
    set_field(
        package,
        "citations",
        "informburo_centrasia_2026_03_04_registered_141",
        "stated_value",
        "709",
    )
    set_field(package, "citations", "ulysmedia_2026_03_registered_141", "stated_value", "709")
    assert rules(package) == set()


def test_a_withdrawn_figure_disagrees_with_nothing(package) -> None:
    one_indicator(package)
    set_field(package, "observations", REGISTERED_141, "status", "withdrawn")
    set_field(
        package, "observations", REGISTERED_141, "status_reason", "Filed under the wrong indicator."
    )
    assert rules(package) == set()


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        # 2026-03 cannot be the same day as 2025-12: the reason holds.
        (f"{REGISTERED_141},{COURT_709},different_as_of,Counts as of December and March.", None),
        (f"{COURT_709},{REGISTERED_141},superseded,The later count replaces the earlier.", None),
        # The 709 (December 2025) is not later than the 141 (March 2026).
        (f"{REGISTERED_141},{COURT_709},superseded,", "is not as of a later day"),
        (f"{COURT_709},{REGISTERED_141},disputed,", "the status of"),
    ],
)
def test_a_declaration_covers_the_pair_and_its_reason_must_hold(package, line, problem) -> None:
    one_indicator(package)
    declare(package, line)
    assert other_layers_accept(package)
    assert hits(package, "observations-agree") == set()
    reasons = [f for f in findings(package) if f.rule == "disagreement-reason-holds"]
    if problem is None:
        assert reasons == []
    else:
        (finding,) = reasons
        assert (finding.resource, finding.row, finding.field) == ("disagreements", 2, "reason")
        assert problem in finding.message


def test_different_as_of_needs_dates_that_cannot_be_the_same_day(package) -> None:
    one_indicator(package)
    set_field(package, "observations", REGISTERED_141, "as_of", "2025-12-30")
    declare(package, f"{REGISTERED_141},{COURT_709},different_as_of,")
    (finding,) = findings(package)
    assert finding.rule == "disagreement-reason-holds"
    assert "2025-12-30 and 2025-12 may stand for the same day" in finding.message


def test_disputed_needs_both_observations_disputed_with_a_reason(package) -> None:
    one_indicator(package)
    declare(package, f"{COURT_709},{REGISTERED_141},disputed,Neither source explains the gap.")
    dispute(package, COURT_709)
    assert "disagreement-reason-holds" in rules(package)
    dispute(package, REGISTERED_141)
    assert other_layers_accept(package)
    assert rules(package) == set()
    set_field(package, "observations", REGISTERED_141, "status_reason", "")
    assert hits(package, "disputed-has-reason") == {
        ("observations", "status", row_of(package, "observations", REGISTERED_141), "disputed")
    }


def test_a_declaration_of_two_different_facts_fails(package) -> None:
    declare(package, f"{COURT_709},kz_cases_opened_mercenarism_2025,different_as_of,")
    (finding,) = findings(package)
    assert finding.rule == "disagreement-reason-holds"
    assert "are not figures of one fact" in finding.message


# --- Declared disputes are the one exception to one observation per fact ---------------------


def rival(package, figure: str) -> str:
    """A second observation of the 709's fact (same as-of date), with a citation of its own."""
    rows = package.rows("observations")
    header, original = rows[0], rows[row_of(package, "observations", COURT_709) - 1]
    cells = dict(zip(header, original, strict=True))
    cells |= {
        "observation_id": "kz_rival_2025",
        "primary_citation_id": "rival_citation",
        "value": figure,
        "lower_bound": figure,
        "upper_bound": figure,
        "notes": "",
    }
    append(package, "observations", cells)
    citation = {"citation_id": "rival_citation", "observation_id": "kz_rival_2025"}
    append(
        package,
        "citations",
        citation | {"source_id": "kyiv_post_2023_04_18", "stated_value": figure},
    )
    return "kz_rival_2025"


def append(package, name: str, cells: dict[str, str]) -> None:
    header = package.rows(name)[0]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([cells.get(f, "") for f in header])
    package.write_bytes(name, package.csv_path(name).read_bytes() + out.getvalue().encode())


def test_a_rival_figure_for_the_same_fact_fails_both_rules_until_declared_disputed(package):
    other = rival(package, "650")
    assert other_layers_accept(package)
    assert {"one-observation-per-fact", "observations-agree"} <= rules(package)
    declare(package, f"{COURT_709},{other},disputed,Two counts for one year and article.")
    dispute(package, COURT_709)
    dispute(package, other)
    assert other_layers_accept(package)
    assert rules(package) == set()


def test_a_declared_dispute_does_not_excuse_a_third_observation_of_the_fact(package) -> None:
    other = rival(package, "650")
    declare(package, f"{COURT_709},{other},disputed,")
    dispute(package, COURT_709)
    dispute(package, other)
    rows = package.rows("observations")
    third = dict(zip(rows[0], rows[-1], strict=True)) | {"observation_id": "kz_third_2025"}
    append(package, "observations", third)
    assert "one-observation-per-fact" in rules(package)


def test_only_a_dispute_excuses_two_observations_of_one_fact(package) -> None:
    other = rival(package, "650")
    declare(package, f"{COURT_709},{other},superseded,")
    assert "one-observation-per-fact" in rules(package)
