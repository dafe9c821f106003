"""The published tables hold the figures of the first source as the brief lists them, and
every quote stands at its locator in the seed document."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

DOC = "seeds/documents/000_bd354b88e04706eb.txt"


def rows(repo: Path, name: str) -> list[dict[str, str]]:
    with (repo / "datapackage" / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def observation(repo: Path, indicator: str) -> dict[str, str]:
    found = [r for r in rows(repo, "observations") if r["indicator_id"] == indicator]
    assert len(found) == 1, indicator
    return found[0]


@pytest.mark.parametrize(
    ("indicator", "value", "lower", "upper", "precision", "period_end"),
    [
        # ~700 cases in 2025: "around" -> within 10% either side.
        ("criminal_cases_opened", "700", "630", "770", "approximate", "2025"),
        ("criminal_cases_opened_participation", "709", "709", "709", "exact", "2025"),
        ("criminal_cases_opened_mercenarism", "28", "28", "28", "exact", "2025"),
        ("nationals_listed_as_fighters", "1200", "1200", "1200", "exact", "2025-07"),
        # ~200 killed: "about" -> within 10% either side.
        ("deaths_estimated", "200", "180", "220", "approximate", "2025-12"),
    ],
)
def test_figures_of_the_first_source(tools, indicator, value, lower, upper, precision, period_end):
    obs = observation(tools.repo, indicator)
    assert (obs["value"], obs["lower_bound"], obs["upper_bound"]) == (value, lower, upper)
    assert obs["precision"] == precision and obs["period_end"] == period_end
    assert obs["geography"] == "KZ"


def test_a_few_dozen_a_year_before_2025_is_vague_with_bounds_and_no_start(tools):
    obs = observation(tools.repo, "criminal_cases_opened_per_year")
    assert obs["precision"] == "vague" and obs["value"] == ""
    low, high = int(obs["lower_bound"]), int(obs["upper_bound"])
    assert 12 < low < high < 100  # "a few dozen": more than one dozen, well under a hundred
    assert obs["period_start"] == "" and obs["period_start_precision"] == ""
    assert obs["period_end"] == "2024" and obs["period_end_precision"] == "year"


def test_events_keep_partial_dates(tools):
    events = {(r["date"], r["date_precision"], r["event_type"]) for r in rows(tools.repo, "events")}
    assert ("2025-04", "month", "list_published") in events
    assert ("2025-07", "month", "list_published") in events
    assert ("2025-12-25", "day", "report_published") in events


def test_no_article_number_or_url_is_invented(tools):
    # The first source gives neither article numbers nor a URL of its own.
    assert all(r["article"] == "" for r in rows(tools.repo, "legal_provisions"))
    assert all(r["url"] == "" for r in rows(tools.repo, "sources"))


def test_penalties_as_the_source_describes_them(tools):
    provisions = {r["provision_id"]: r for r in rows(tools.repo, "legal_provisions")}
    participation = provisions["kz_cc_participation_foreign_conflict"]
    mercenarism = provisions["kz_cc_mercenarism"]
    assert participation["max_imprisonment_years"] == "9"
    assert mercenarism["life_imprisonment"] == "true" and mercenarism["confiscation"] == "true"


@pytest.mark.parametrize("resource", ["citations", "events", "legal_provisions"])
def test_every_quote_stands_at_its_locator(tools, resource):
    text = (tools.repo / DOC).read_bytes().decode("utf-8")
    sources = {r["source_id"]: r for r in rows(tools.repo, "sources")}
    checked = 0
    for row in rows(tools.repo, resource):
        assert sources[row["source_id"]]["document_path"] == DOC
        start, end = int(row["locator_start"]), int(row["locator_end"])
        assert text[start:end] == row["quote"]
        assert len(row["quote"]) <= 60
        checked += 1
    assert checked


def test_every_citation_quote_carries_its_stated_value(tools):
    for row in rows(tools.repo, "citations"):
        assert row["stated_value"] in row["quote"]


def test_recorded_sha256_is_the_documents(tools):
    import hashlib

    (source,) = rows(tools.repo, "sources")
    digest = hashlib.sha256((tools.repo / source["document_path"]).read_bytes()).hexdigest()
    assert source["document_sha256"] == digest
