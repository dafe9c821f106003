"""kzdata sources: per fact, every statement (original, or relay of whom), the independent
origins confirming it, and disputes with their reasons; text and JSON; bad targets."""

from __future__ import annotations

import csv
import io
import json

from kzdata.cli.main import app

COURT_709 = "kz_cases_opened_participation_2025"


def run(runner, *args: str):
    result = runner.invoke(app, ["sources", *args])
    assert "Traceback" not in result.output
    return result


def facts(runner, target) -> dict[str, dict]:
    result = run(runner, str(target), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["version"] == 1
    return {f["observation_id"]: f for f in document["facts"]}


def test_every_fact_and_every_statement_is_listed(runner, tools) -> None:
    listed = facts(runner, tools.repo / "datapackage")
    with (tools.repo / "datapackage" / "data" / "citations.csv").open(encoding="utf-8") as f:
        citations = list(csv.DictReader(f))
    assert sum(len(f["statements"]) for f in listed.values()) == len(citations)
    assert {s["citation_id"] for f in listed.values() for s in f["statements"]} == {
        c["citation_id"] for c in citations
    }


def test_relays_say_whom_they_relay_and_do_not_count_as_confirmation(runner, tools) -> None:
    total = facts(runner, tools.repo / "datapackage")["kz_cases_opened_2025"]
    roles = {s["source_id"]: (s["role"], s["relays"]) for s in total["statements"]}
    assert roles["radio_svoboda_2025_12_25"] == ("relay", "mediazona_2025_12_30")
    assert roles["united24_2025_12"] == ("relay", "mediazona_2025_12_30")
    assert roles["mediazona_2025_12_30"] == ("original", None)
    # Four sources state it; two relay the third: two independent origins.
    assert total["independent_origins"] == ["doc000", "mediazona_2025_12_30"]
    assert total["statements"][0]["primary"] and total["statements"][0]["source_id"] == "doc000"


def test_two_reports_of_one_inquiry_confirm_it_once(runner, tools) -> None:
    registered = facts(runner, tools.repo / "datapackage")["kz_cases_registered_participation_2025"]
    assert len(registered["statements"]) == 2
    assert registered["independent_origins"] == ["a Mazhilis deputy's inquiry"]


def test_text_reads_fact_by_fact(runner, tools) -> None:
    result = run(runner, str(tools.repo / "datapackage"))
    assert result.exit_code == 0
    out = result.stdout
    assert "11 facts, 26 statements from 9 sources; 0 disputed" in out
    block = out.split(f"\n{COURT_709} (current)\n")[1].split("\n\n")[0]
    assert "KZ, 2025, as of 2025-12: 709 (exact)" in block
    assert "2 independent origins: doc000, mediazona_2025_12_30" in block
    assert "ukrainska_pravda_cccv_2025_12: 709, relay of mediazona_2025_12_30" in block
    assert "doc000: 709, original; sets the figure" in block


def test_the_default_target_is_the_datapackage_folder(runner, tools, monkeypatch) -> None:
    monkeypatch.chdir(tools.repo)
    assert run(runner).stdout == run(runner, "datapackage/datapackage.json").stdout.replace(
        "datapackage/datapackage.json:", "datapackage:", 1
    )


def append(package, name: str, cells: dict[str, str]) -> None:
    header = package.rows(name)[0]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([cells.get(f, "") for f in header])
    package.write_bytes(name, package.csv_path(name).read_bytes() + out.getvalue().encode())


def test_a_disputed_fact_shows_its_status_reason_and_declaration(runner, package) -> None:
    rows = package.rows("observations")
    header = rows[0]
    row = next(i for i, r in enumerate(rows) if r[0] == COURT_709) + 1
    package.set_cell("observations", row, "status", "disputed")
    package.set_cell("observations", row, "status_reason", "Two counts for one year.")
    rival = dict(zip(header, rows[row - 1], strict=True)) | {
        "observation_id": "kz_rival_2025",
        "value": "650",
        "lower_bound": "650",
        "upper_bound": "650",
        "primary_citation_id": "rival_citation",
        "status": "disputed",
        "status_reason": "Two counts for one year.",
    }
    append(package, "observations", rival)
    citation = {"citation_id": "rival_citation", "observation_id": "kz_rival_2025"}
    append(
        package,
        "citations",
        citation | {"source_id": "kyiv_post_2023_04_18", "stated_value": "650"},
    )
    package.write_bytes(
        "disagreements",
        b"observation_id,other_observation_id,reason,notes\n"
        + f"{COURT_709},kz_rival_2025,disputed,Neither source explains it.\n".encode(),
    )
    text = run(runner, str(package)).stdout
    assert "; 2 disputed" in text
    block = text.split(f"\n{COURT_709} (DISPUTED)\n")[1].split("\n\n")[0]
    assert "disputed: Two counts for one year." in block
    assert "disagrees with kz_rival_2025 (disputed): Neither source explains it." in block
    listed = facts(runner, package)
    assert listed[COURT_709]["status"] == "disputed"
    assert listed["kz_rival_2025"]["disagreements"] == [
        {
            "other_observation_id": COURT_709,
            "reason": "disputed",
            "notes": "Neither source explains it.",
        }
    ]


def test_a_missing_package_could_not_run(runner, tmp_path) -> None:
    result = run(runner, str(tmp_path / "nope"))
    assert result.exit_code == 2 and "no such data package" in result.stderr


def test_a_package_without_citations_is_refused_by_name(runner, package) -> None:
    descriptor = package.read_descriptor()
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "citations"]
    package.write_descriptor(descriptor)
    result = run(runner, str(package))
    assert result.exit_code == 1 and "no resource citations" in result.stderr


def test_a_package_without_disagreements_lists_none(runner, package) -> None:
    descriptor = package.read_descriptor()
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "disagreements"]
    package.write_descriptor(descriptor)
    assert all(f["disagreements"] == [] for f in facts(runner, package).values())
