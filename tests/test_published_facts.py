"""The published tables hold the figures of the sources as the project's notes list them: the
first source's, read from its document, and those of the citation-only sources, each credited
to whoever states it, relays marked, and every quote standing at its locator."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

DOC = "seeds/documents/000_bd354b88e04706eb.txt"
MEDIAZONA = "mediazona_2025_12_30"
INQUIRY = "a Mazhilis deputy's inquiry"


def rows(repo: Path, name: str) -> list[dict[str, str]]:
    with (repo / "datapackage" / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def observation(repo: Path, indicator: str, period_end: str | None = None) -> dict[str, str]:
    found = [
        r
        for r in rows(repo, "observations")
        if r["indicator_id"] == indicator and period_end in (None, r["period_end"])
    ]
    assert len(found) == 1, indicator
    return found[0]


def citations_of(repo: Path, observation_id: str) -> dict[str, dict[str, str]]:
    return {
        r["source_id"]: r for r in rows(repo, "citations") if r["observation_id"] == observation_id
    }


def backed(repo: Path) -> set[str]:
    return {r["source_id"] for r in rows(repo, "sources") if r["document_path"]}


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


@pytest.mark.parametrize(
    ("indicator", "period_end", "value", "as_of", "sources"),
    [
        ("criminal_cases_registered_participation", "2025", "141", "2026-03",
         {"informburo_centrasia_2026_03_04", "ulysmedia_2026_03"}),
        ("criminal_cases_registered_participation", "2023", "23", "2026-03",
         {"ulysmedia_2026_03"}),
        ("criminal_cases_under_investigation", "2023-04", "10", "2023-04",
         {"kyiv_post_2023_04_18"}),
        ("persons_convicted", "", "26", "2026-03", {"informburo_centrasia_2026_03_04"}),
        ("killed_or_missing_identified", "2025-10-15", "270", "2025-10-15",
         {"rbc_ukraine_2025_10_15"}),
    ],
)  # fmt: skip
def test_figures_of_the_further_sources(tools, indicator, period_end, value, as_of, sources):
    obs = observation(tools.repo, indicator, period_end)
    assert (obs["value"], obs["precision"], obs["as_of"]) == (value, "exact", as_of)
    cited = citations_of(tools.repo, obs["observation_id"])
    assert set(cited) == sources
    assert all(c["quote"] == c["locator_start"] == "" for c in cited.values())


def test_709_and_141_are_two_indicators_for_one_article(tools):
    court = observation(tools.repo, "criminal_cases_opened_participation")
    registered = observation(tools.repo, "criminal_cases_registered_participation", "2025")
    assert (court["value"], registered["value"]) == ("709", "141")
    assert court["period_end"] == registered["period_end"] == "2025"
    indicators = {r["indicator_id"]: r for r in rows(tools.repo, "indicators")}
    first, second = (indicators[o["indicator_id"]] for o in (court, registered))
    assert first["legal_provision_id"] == second["legal_provision_id"]
    assert "court statistics" in first["definition"] and "registered" in second["definition"]
    assert "under any article" not in indicators["criminal_cases_opened"]["definition"]


def test_relays_keep_their_own_words_and_name_what_they_relay(tools):
    relays = [r for r in rows(tools.repo, "citations") if r["relays_source_id"]]
    assert {r["source_id"] for r in relays} == {
        "ukrainska_pravda_cccv_2025_12",
        "radio_svoboda_2025_12_25",
        "united24_2025_12",
    }
    assert {r["relays_source_id"] for r in relays} == {MEDIAZONA}
    assert {r["qualifier"] for r in relays} == {"", "about", "around", "nearly"}
    assert all(r["quote"] == "" and r["locator_start"] == "" for r in relays)


def test_both_reports_of_the_inquiry_name_it_as_their_origin(tools):
    obs = observation(tools.repo, "criminal_cases_registered_participation", "2025")
    cited = citations_of(tools.repo, obs["observation_id"])
    assert {c["origin"] for c in cited.values()} == {INQUIRY}


def test_the_few_dozen_a_year_before_2025_is_vague_with_bounds_and_no_start(tools):
    obs = observation(tools.repo, "criminal_cases_opened_per_year")
    assert obs["precision"] == "vague" and obs["value"] == ""
    low, high = int(obs["lower_bound"]), int(obs["upper_bound"])
    assert 12 < low < high < 100  # "a few dozen": more than one dozen, well under a hundred
    assert obs["period_start"] == "" and obs["period_start_precision"] == ""
    assert obs["period_end"] == "2024" and obs["period_end_precision"] == "year"
    # Mediazona's "dozens" is a statement of the same fact, not a figure of its own.
    assert citations_of(tools.repo, obs["observation_id"])[MEDIAZONA]["stated_value"] == "dozens"


def test_year_to_date_counts_say_so(tools):
    for indicator in ("criminal_cases_opened", "criminal_cases_opened_participation"):
        assert "Year-to-date" in observation(tools.repo, indicator)["notes"]


def test_events_keep_partial_dates_and_say_which_are_inferred(tools):
    events = {(r["date"], r["date_precision"], r["event_type"]) for r in rows(tools.repo, "events")}
    assert ("2025-04", "month", "list_published") in events
    assert ("2025-07", "month", "list_published") in events
    assert ("2025-12-25", "day", "report_published") in events
    inferred = {
        r["event_id"]: r for r in rows(tools.repo, "events") if r["date_inferred"] == "true"
    }
    assert list(inferred) == ["doc000_cases_reported_2025_12_25"]
    assert "our reading" in inferred["doc000_cases_reported_2025_12_25"]["notes"]


def test_article_numbers_are_credited_to_the_sources_that_give_them(tools):
    provisions = {r["provision_id"]: r for r in rows(tools.repo, "legal_provisions")}
    assert provisions["kz_cc_participation_foreign_conflict"]["article"] == "172"
    assert provisions["kz_cc_mercenarism"]["article"] == "170"
    stated = rows(tools.repo, "provision_citations")
    articles = {(r["provision_id"], r["source_id"]) for r in stated if r["element"] == "article"}
    assert articles == {
        ("kz_cc_participation_foreign_conflict", MEDIAZONA),
        ("kz_cc_participation_foreign_conflict", "informburo_centrasia_2026_03_04"),
        ("kz_cc_participation_foreign_conflict", "ulysmedia_2026_03"),
        ("kz_cc_mercenarism", MEDIAZONA),
    }
    # The first source gives neither article numbers nor a URL of its own.
    assert not [r for r in stated if r["source_id"] == "doc000" and r["element"] == "article"]
    assert {r["url"] for r in rows(tools.repo, "sources") if r["source_id"] == "doc000"} == {""}


def test_penalties_as_the_sources_describe_them(tools):
    provisions = {r["provision_id"]: r for r in rows(tools.repo, "legal_provisions")}
    participation = provisions["kz_cc_participation_foreign_conflict"]
    mercenarism = provisions["kz_cc_mercenarism"]
    assert (participation["min_imprisonment_years"], participation["max_imprisonment_years"]) == (
        "5",
        "9",
    )
    assert mercenarism["life_imprisonment"] == "true" and mercenarism["confiscation"] == "true"
    stated = {
        (r["provision_id"], r["element"], r["source_id"]): r["stated_value"]
        for r in rows(tools.repo, "provision_citations")
    }
    participation_id = "kz_cc_participation_foreign_conflict"
    assert stated[(participation_id, "min_imprisonment_years", "kyiv_post_2023_04_18")] == "5"
    assert stated[(participation_id, "max_imprisonment_years", "doc000")] == "nine"
    assert ("kz_cc_mercenarism", "life_imprisonment", MEDIAZONA) in stated


@pytest.mark.parametrize("resource", ["citations", "events", "provision_citations"])
def test_every_quote_stands_at_its_locator(tools, resource):
    text = (tools.repo / DOC).read_bytes().decode("utf-8")
    sources = {r["source_id"]: r for r in rows(tools.repo, "sources")}
    checked = 0
    for row in rows(tools.repo, resource):
        if not sources[row["source_id"]]["document_path"]:
            assert row["quote"] == row["locator_start"] == row["locator_end"] == ""
            continue
        assert sources[row["source_id"]]["document_path"] == DOC
        start, end = int(row["locator_start"]), int(row["locator_end"])
        assert text[start:end] == row["quote"]
        assert len(row["quote"]) <= 60
        checked += 1
    assert checked


def test_every_citation_quote_carries_its_stated_value(tools):
    for row in rows(tools.repo, "citations"):
        if row["quote"]:
            assert row["stated_value"] in row["quote"]


def test_no_title_copies_its_document(tools):
    text = (tools.repo / DOC).read_bytes().decode("utf-8")
    for source in rows(tools.repo, "sources"):
        title = source["title"]
        assert title not in text and len(title) <= 100, title


def test_citation_only_sources_have_a_url_an_access_date_and_no_document(tools):
    for source in rows(tools.repo, "sources"):
        if source["source_id"] in backed(tools.repo):
            continue
        assert source["url"].startswith("https://") and source["publisher"]
        assert (source["accessed"], source["accessed_precision"]) == ("2026-11-25", "day")
        assert source["document_path"] == source["document_sha256"] == ""


def test_recorded_sha256_is_the_documents(tools):
    (source,) = [r for r in rows(tools.repo, "sources") if r["document_path"]]
    digest = hashlib.sha256((tools.repo / source["document_path"]).read_bytes()).hexdigest()
    assert source["document_sha256"] == digest
