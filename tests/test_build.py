"""kzdata build: deterministic, atomic, and stopped by bad seeds with a message naming the
file and entry."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
import yaml

import kzdata
from kzdata.cli.main import app


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_reproduces_the_committed_package(tmp_path, tools):
    kzdata.build(tools.repo / "seeds", tmp_path / "out")
    assert tree(tmp_path / "out") == tree(tools.repo / "datapackage")


def test_second_build_is_byte_identical(tmp_path, tools):
    kzdata.build(tools.repo / "seeds", tmp_path / "a")
    first = tree(tmp_path / "a")
    kzdata.build(tools.repo / "seeds", tmp_path / "a")
    assert tree(tmp_path / "a") == first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_build_output_is_valid(tmp_path, tools):
    kzdata.build(tools.repo / "seeds", tmp_path / "out")
    assert kzdata.validate(tmp_path / "out").exit_code() == 0


def test_csv_dialect_is_what_the_descriptor_declares(tools):
    descriptor = tools.read_descriptor(tools.repo / "datapackage")
    for entry in descriptor["resources"]:
        raw = (tools.repo / "datapackage" / entry["path"]).read_bytes()
        assert entry["dialect"]["lineTerminator"] == "\n" and b"\r" not in raw
        assert raw.endswith(b"\n") and entry["dialect"]["delimiter"] == ","
        assert entry["bytes"] == len(raw)
        assert entry["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest()


def test_created_comes_from_the_seeds(tools):
    import yaml

    metadata = yaml.safe_load((tools.repo / "seeds" / "package.yaml").read_text())
    assert tools.read_descriptor(tools.repo / "datapackage")["created"] == metadata["created"]


def test_failed_build_leaves_the_previous_package_untouched(tmp_path, seeds, monkeypatch, tools):
    out = tmp_path / "out"
    kzdata.build(seeds, out)
    before = tree(out)
    from kzdata.pipelines import build as step

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(step, "make_descriptor", crash)
    with pytest.raises(OSError):
        kzdata.build(seeds, out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "seeds"]


def test_refuses_to_replace_a_folder_that_is_not_a_package(tmp_path, runner, tools):
    out = tmp_path / "home"
    out.mkdir()
    (out / "precious.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(app, ["build", "--seeds", str(tools.repo / "seeds"), "--out", str(out)])
    assert result.exit_code == 2
    assert (out / "precious.txt").read_text(encoding="utf-8") == "keep me"


def run_build(runner, seeds: Path, out: Path) -> str:
    result = runner.invoke(app, ["build", "--seeds", str(seeds), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not out.exists()
    return result.stderr


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_document(runner, seeds, tmp_path):
    (seeds / "documents" / "000_bd354b88e04706eb.txt").unlink()
    err = run_build(runner, seeds, tmp_path / "out")
    assert "doc000.yaml" in err and "not found" in err


def test_document_whose_sha256_changed(runner, seeds, tmp_path):
    doc = seeds / "documents" / "000_bd354b88e04706eb.txt"
    doc.write_bytes(doc.read_bytes() + b"\n")
    err = run_build(runner, seeds, tmp_path / "out")
    assert "doc000.yaml" in err and "sha256" in err


def test_all_problems_are_reported_at_once(runner, seeds, tmp_path):
    replace(seeds / "sources" / "doc000.yaml", "locator: [1845, 1902]", "locator: [1845, 99999]")
    replace(seeds / "codebook.yaml", "indicator: deaths_estimated", "indicator: deaths_guessed")
    err = run_build(runner, seeds, tmp_path / "out")
    assert "doc000_cases_709" in err and "deaths_guessed" in err


def test_missing_seeds_folder_could_not_run(runner, tmp_path):
    result = runner.invoke(app, ["build", "--seeds", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "seeds folder not found" in result.stderr and "Traceback" not in result.output


def test_bad_seed_keeps_previous_package(runner, seeds, tmp_path):
    out = tmp_path / "out"
    kzdata.build(seeds, out)
    before = tree(out)
    replace(seeds / "codebook.yaml", "indicator: deaths_estimated", "indicator: deaths_guessed")
    result = runner.invoke(app, ["build", "--seeds", str(seeds), "--out", str(out)])
    assert result.exit_code == 1
    assert tree(out) == before


def test_a_withdrawn_fact_stays_with_its_status_and_reason(seeds, tmp_path, tools):
    replace(
        seeds / "codebook.yaml",
        "    primary_citation: doc000_cases_28\n",
        "    primary_citation: doc000_cases_28\n    status: withdrawn\n"
        "    status_reason: Counted twice in the source.\n",
    )
    kzdata.build(seeds, tmp_path / "out")
    rows = {
        row["observation_id"]: row
        for row in csv.DictReader(
            (tmp_path / "out" / "data" / "observations.csv").open(encoding="utf-8", newline="")
        )
    }
    assert len(rows) == 11  # a tombstone, not a deletion
    tombstone = rows.pop("kz_cases_opened_mercenarism_2025")
    assert tombstone["status"] == "withdrawn"
    assert tombstone["status_reason"] == "Counted twice in the source."
    assert {r["status"] for r in rows.values()} == {"current"}
    assert kzdata.validate(tmp_path / "out").exit_code() == 0


def test_seed_documents_match_their_recorded_sha256(tools):
    # The recorded digest is the provenance: a document changed by a byte no longer matches it.
    recorded = {}
    for path in (tools.repo / "seeds" / "sources").glob("*.yaml"):
        source = yaml.safe_load(path.read_text(encoding="utf-8"))
        if source.get("document"):
            recorded[source["document"]] = source["sha256"]
    assert recorded, "no document-backed source in seeds/sources"
    for document, digest in recorded.items():
        content = (tools.repo / "seeds" / document).read_bytes()
        assert hashlib.sha256(content).hexdigest() == digest, document


DOC000 = "sources/doc000.yaml"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            DOC000,
            "locator: [1845, 1902]",
            "locator: [1845, 99999]",
            ["doc000.yaml", "doc000_cases_709", "outside the document"],
        ),
        (
            DOC000,
            "locator: [1845, 1902]",
            "locator: [1846, 1903]",
            ["doc000_cases_709", "not the quote"],
        ),
        (
            "codebook.yaml",
            "indicator: deaths_estimated",
            "indicator: deaths_guessed",
            ["codebook.yaml", "kz_deaths_estimated_2025_12", "deaths_guessed"],
        ),
        (DOC000, "qualifier: about", "qualifier: roughly", ["doc000_killed_about_200", "roughly"]),
        (
            "codebook.yaml",
            "indicators:",
            "indicators: [",
            ["codebook.yaml", "malformed YAML", "line"],
        ),
        (
            "codebook.yaml",
            'as_of: "2025-07"',
            "as_of: 2025-07-01",
            ["observations[8] (kz_nationals_listed_2025_07).as_of"],
        ),
        (
            "codebook.yaml",
            'as_of: "2025-07"',
            'as_of: "2025-02-30"',
            ["kz_nationals_listed_2025_07", "not a real date"],
        ),
        (DOC000, "document: documents/", "document: ../documents/", ["not inside seeds"]),
        (DOC000, "id: doc000_cases_28", "id: doc000_cases_709", ["duplicate id"]),
        (
            "codebook.yaml",
            "    measure: stock\n",
            "    measure: stock\n    unti: x\n",
            ["indicators[5] (criminal_cases_under_investigation)", "unti"],
        ),
        (
            DOC000,
            'stated_value: "28"',
            'stated_value: "29"',
            ["doc000_cases_28", "does not carry the stated_value"],
        ),
        (
            "codebook.yaml",
            "    primary_citation: doc000_cases_28\n",
            "    primary_citation: doc000_cases_28\n    status: withdrawn\n",
            ["observations[2] (kz_cases_opened_mercenarism_2025)", "status_reason"],
        ),
        (
            "codebook.yaml",
            "    primary_citation: doc000_cases_28\n",
            "    primary_citation: doc000_cases_28\n    status: disputed\n",
            ["observations[2] (kz_cases_opened_mercenarism_2025)", "status_reason"],
        ),
        (
            DOC000,
            "    quote: around 700 criminal",  # the quote becomes a note: no quote left
            "    notes: around 700 criminal",
            ["doc000_cases_around_700", "needs its quote"],
        ),
        (
            DOC000,
            'date: "2025-12-25"',
            'date: "2025-12-24"',
            ["doc000_cases_reported_2025_12_25", "does not carry the date '2025-12-24'"],
        ),
        (
            "codebook.yaml",
            "max_imprisonment_years: 9",
            "max_imprisonment_years: 10",
            [
                "provision_citations[0] (kz_cc_participation_foreign_conflict."
                "max_imprisonment_years): states max_imprisonment_years 'nine', not the "
                "provision's 10"
            ],
        ),
        (
            DOC000,
            "    stated_value: nine\n",
            "    stated_value: ten\n",
            ["provision_citations[0]", "does not carry the stated_value 'ten'"],
        ),
        (
            "codebook.yaml",
            "    min_imprisonment_years: 5\n",
            "    min_imprisonment_years: 5\n    confiscation: true\n",
            [
                "legal_provisions[0] (kz_cc_participation_foreign_conflict).confiscation",
                "no source states it",
            ],
        ),
        (
            "sources/united24_2025_12.yaml",
            "    relays: mediazona_2025_12_30\n",
            "    relays: united24_2025_12\n",
            [
                "united24_2025_12.yaml",
                "citations[0] (united24_2025_12_cases_around_700)",
                "round in a circle (united24_2025_12 -> united24_2025_12)",
            ],
        ),
        (
            "codebook.yaml",
            "disagreements: []",
            "disagreements: [{observation: kz_cases_opened_2025, other: kz_nope, "
            "reason: disputed}]",
            ["disagreements[0] (kz_cases_opened_2025, kz_nope)", "unknown observation 'kz_nope'"],
        ),
        (
            "codebook.yaml",
            "disagreements: []",
            "disagreements: [{observation: kz_cases_opened_2025, other: kz_cases_opened_2025, "
            "reason: superseded}]",
            ["disagreements[0]", "cannot disagree with itself"],
        ),
        (
            "codebook.yaml",
            "disagreements: []",
            "disagreements: [{observation: kz_cases_opened_2025, other: kz_cases_opened_2025, "
            "reason: later}]",
            ["disagreements[0].reason", "'later' is not one of"],
        ),
        (
            DOC000,
            "    locator: [3211, 3241]",  # a non-figure that marks a stretch with no number
            "    locator: [3211, 3220]",
            ["non_figures[2]", "not the quote", "[3237, 3241)"],
        ),
    ],
)
def test_bad_seed_is_named_by_file_and_entry(runner, seeds, tmp_path, file, old, new, expected):
    replace(seeds / file, old, new)
    err = run_build(runner, seeds, tmp_path / "out")
    for text in expected:
        assert text in err


def edit_non_figures(seeds: Path, change) -> None:
    path = seeds / DOC000
    source = yaml.safe_load(path.read_text(encoding="utf-8"))
    source["non_figures"] = change(source["non_figures"])
    path.write_text(yaml.safe_dump(source, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_number_neither_mapped_nor_marked_stops_the_build(runner, seeds, tmp_path):
    # The year that only dates the 709 and 28 figures is marked as not data; unmarked, the
    # build names the file, the document and the number's offsets.
    edit_non_figures(seeds, lambda marks: [m for m in marks if m["locator"] != [1818, 1831]])
    err = run_build(runner, seeds, tmp_path / "out")
    assert "doc000.yaml" in err and "000_bd354b88e04706eb.txt" in err
    assert "'2025' at [1821, 1825)" in err and "non_figures" in err
    assert "have 1 problem(s)" in err  # only that number


def test_a_non_figure_that_marks_no_number_stops_the_build(runner, seeds, tmp_path):
    def add_empty(marks):
        return [*marks, {"quote": "Kazakhstan", "locator": [0, 10], "reason": "no number"}]

    edit_non_figures(seeds, add_empty)
    err = run_build(runner, seeds, tmp_path / "out")
    assert "non_figures[4]" in err and "[0, 10) holds no number" in err


def test_every_number_of_the_seed_documents_is_mapped_or_marked(tools, tmp_path):
    # The shipped seeds build: kzdata.build runs the coverage check and raises on a gap.
    kzdata.build(tools.repo / "seeds", tmp_path / "out")
    published = (tmp_path / "out" / "data" / "non_figures.csv").read_text(encoding="utf-8")
    assert published.startswith("source_id,quote,locator_start,locator_end,reason\n")
    assert published.count("\ndoc000,") == 4


RELATION = "    parent: criminal_cases_opened\n    parent_relation: inferred\n"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (RELATION, "    parent: criminal_cases_opened\n", ["parent_relation", "dependenc"]),
        (
            "    components_exhaustive: true\n",
            "",
            ["indicators[0] (criminal_cases_opened)", "components_exhaustive"],
        ),
        (
            "    measure: stock\n",
            "    measure: stock\n    components_exhaustive: false\n",
            ["indicators[5] (criminal_cases_under_investigation)", "no indicator is a component"],
        ),
    ],
)
def test_a_relation_between_indicators_is_complete(runner, seeds, tmp_path, old, new, expected):
    replace(seeds / "codebook.yaml", old, new)
    err = run_build(runner, seeds, tmp_path / "out")
    for text in expected:
        assert text in err
