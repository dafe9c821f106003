"""The provenance layer on copies of the shipped package: with its documents beside it (as in
the repository), with them elsewhere (--documents), and without them (a release)."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from kzdata.cli.main import app
from kzdata.pipelines.layers import provenance_layer
from kzdata.pipelines.report import NotChecked, Omitted
from kzdata.pipelines.target import open_target
from kzdata.pipelines.validate import LAYERS, validate

DOCUMENT = "000_bd354b88e04706eb.txt"
SOURCES_ROW = 2  # doc000, the only source


def row_of(package, resource: str, field: str, value: str) -> int:
    """The frictionless row number (header = 1) of the row whose `field` is `value`."""
    rows = package.rows(resource)
    column = rows[0].index(field)
    (index,) = [i for i, row in enumerate(rows) if row[column] == value]
    return index + 1


def provenance(package, documents=None) -> list[tuple[str, str, int, str]]:
    """(rule, resource, row, field) of every provenance finding."""
    target = open_target(package.folder)
    target.documents = documents
    items = provenance_layer.check(target, 1000)
    return [(f.rule, f.resource, f.row, f.field) for f in items if hasattr(f, "rule")]


def messages(package) -> list[str]:
    return [f.message for f in validate(package.folder, ["provenance"]).findings]


def set_document(package, content: bytes, record: bool = True) -> None:
    """Replace the document beside the package; with `record`, its new SHA-256 is recorded."""
    (package.documents / DOCUMENT).write_bytes(content)
    if record:
        digest = hashlib.sha256(content).hexdigest()
        package.set_cell("sources", SOURCES_ROW, "document_sha256", digest)


def test_provenance_runs_after_the_other_layers_it_relies_on() -> None:
    assert "provenance" in LAYERS
    assert list(LAYERS).index("provenance") > list(LAYERS).index("frictionless")


def test_the_shipped_package_and_its_documents_pass(tools) -> None:
    assert provenance_layer.check(open_target(tools.repo / "datapackage"), 1000) == []


def test_a_quote_that_no_longer_carries_its_value_fails_provenance_only(release) -> None:
    row = row_of(release, "citations", "citation_id", "doc000_cases_709")
    quote = release.cell("citations", row, "quote")
    release.set_cell("citations", row, "quote", quote.replace("709", "708"))
    report = validate(release.folder)
    assert report.layers == list(LAYERS)
    assert [f for f in report.errors if f.layer != "provenance"] == []
    found = [(f.rule, f.resource, f.row, f.field) for f in report.errors]
    assert found == [("quote-value", "citations", row, "stated_value")]


def test_a_stated_value_its_quote_does_not_carry(package) -> None:
    row = row_of(package, "citations", "citation_id", "doc000_cases_709")
    package.set_cell("citations", row, "stated_value", "809")
    assert provenance(package) == [("quote-value", "citations", row, "stated_value")]
    assert any("'809'" in m for m in messages(package))


@pytest.mark.parametrize(
    ("resource", "key", "id_", "field", "value"),
    [
        ("provision_citations", "stated_value", "nine", "stated_value", "ten"),
        ("events", "event_id", "doc000_cases_reported_2025_12_25", "date", "2025-12-24"),
    ],
)  # fmt: skip
def test_a_penalty_or_a_date_its_quote_does_not_carry(package, resource, key, id_, field, value):
    row = row_of(package, resource, key, id_)
    package.set_cell(resource, row, field, value)
    assert provenance(package) == [("quote-value", resource, row, field)]


def test_a_locator_outside_the_document(package) -> None:
    row = row_of(package, "citations", "citation_id", "doc000_cases_28")
    length = len(package.cell("citations", row, "quote"))
    package.set_cell("citations", row, "locator_start", "9000")
    package.set_cell("citations", row, "locator_end", str(9000 + length))
    found = provenance(package)
    assert ("locator-range", "citations", row, "locator_end") in found
    assert any("outside the document" in m for m in messages(package))


def test_a_locator_that_reads_other_words(package) -> None:
    row = row_of(package, "citations", "citation_id", "doc000_cases_28")
    start = int(package.cell("citations", row, "locator_start"))
    end = int(package.cell("citations", row, "locator_end"))
    package.set_cell("citations", row, "locator_start", str(start - 1))
    package.set_cell("citations", row, "locator_end", str(end - 1))
    assert provenance(package) == [("quote-mismatch", "citations", row, "quote")]


def test_a_changed_byte_of_a_document(package) -> None:
    content = (package.documents / DOCUMENT).read_bytes()
    set_document(package, content.replace(b"K", b"k", 1), record=False)
    found = provenance(package)
    assert found == [("document-sha256", "sources", SOURCES_ROW, "document_sha256")]


def test_a_number_added_to_a_document_is_unmapped(package) -> None:
    content = (package.documents / DOCUMENT).read_bytes()
    offset = len(content.decode("utf-8"))
    set_document(package, content + b"\nThe ferry carried 42 crates.")
    start = offset + len("\nThe ferry carried ")
    found = provenance(package)
    assert found == [("unmapped-number", "sources", SOURCES_ROW, "document_path")]
    (message,) = messages(package)
    assert f"'42' at [{start}, {start + 2})" in message and "ferry carried 42 crates" in message


def test_findings_beyond_the_limit_are_counted(package) -> None:
    content = (package.documents / DOCUMENT).read_bytes()
    set_document(package, content + b"\nThe ferry carried 42 crates and 7 cars for 3 days.")
    items = provenance_layer.check(open_target(package.folder), 1)
    assert [type(i).__name__ for i in items] == ["Finding", "Omitted"]
    assert items[1] == Omitted("provenance", "unmapped-number", "sources", 2)


def test_deleting_a_non_figure_fails_validate(package) -> None:
    package.delete_row("non_figures", row_of(package, "non_figures", "locator_start", "1818"))
    assert provenance(package) == [("unmapped-number", "sources", SOURCES_ROW, "document_path")]
    assert "'2025' at [1821, 1825)" in messages(package)[0]


def test_a_non_figure_that_marks_no_number(package) -> None:
    row = row_of(package, "non_figures", "locator_start", "3211")
    package.set_cell("non_figures", row, "locator_end", "3220")
    package.set_cell("non_figures", row, "quote", "escape UK")
    found = provenance(package)
    assert ("non-figure-empty", "non_figures", row, "quote") in found
    assert ("unmapped-number", "sources", SOURCES_ROW, "document_path") in found


def test_a_document_that_is_not_utf8(package) -> None:
    set_document(package, b"Some 12 boats \xff sank")
    found = provenance(package)
    assert ("document-encoding", "sources", SOURCES_ROW, "document_path") in found
    assert any("byte 14" in m for m in messages(package))


def test_a_missing_document(package) -> None:
    (package.documents / DOCUMENT).unlink()
    assert provenance(package) == [("document-missing", "sources", SOURCES_ROW, "document_path")]


def test_a_document_path_leading_outside_the_folder_is_refused(package, tmp_path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes((package.documents / DOCUMENT).read_bytes())
    (package.documents / DOCUMENT).unlink()
    os.symlink(outside, package.documents / DOCUMENT)
    assert provenance(package) == [("document-path", "sources", SOURCES_ROW, "document_path")]


@pytest.mark.parametrize("path", ["seeds/documents/../../outside.txt", "/etc/hostname", "x.txt"])
def test_a_document_path_not_in_seeds_documents_is_refused(package, path) -> None:
    package.set_cell("sources", SOURCES_ROW, "document_path", path)
    assert ("document-path", "sources", SOURCES_ROW, "document_path") in provenance(package)


def test_without_documents_the_document_checks_are_not_checked(release, runner) -> None:
    target = open_target(release.folder)
    items = provenance_layer.check(target, 1000)
    assert items == [NotChecked("provenance", provenance_layer.NO_DOCUMENTS, "sources")]
    result = runner.invoke(app, ["validate", str(release.folder)])
    assert result.exit_code == 0
    assert "not checked by provenance" in result.stdout and "--documents DIR" in result.stdout


def test_without_documents_quotes_and_hashes_are_still_checked(release) -> None:
    row = row_of(release, "citations", "citation_id", "doc000_cases_28")
    end = int(release.cell("citations", row, "locator_end"))
    release.set_cell("citations", row, "locator_end", str(end + 1))
    release.set_cell("sources", SOURCES_ROW, "document_sha256", "")
    assert provenance(release) == [
        ("document-sha256-missing", "sources", SOURCES_ROW, "document_sha256"),
        ("locator-length", "citations", row, "locator_end"),
    ]


def test_a_statement_of_a_document_needs_its_quote(release) -> None:
    row = row_of(release, "citations", "citation_id", "doc000_cases_28")
    release.set_cell("citations", row, "quote", "")
    assert provenance(release) == [("locator-missing", "citations", row, "quote")]


def test_locators_need_a_document(release) -> None:
    release.set_cell("sources", SOURCES_ROW, "document_path", "")
    release.set_cell("sources", SOURCES_ROW, "document_sha256", "")
    found = provenance(release)
    located = sum(
        1
        for name in provenance_layer.CARRIED
        for row in release.rows(name)[1:]
        if row[release.rows(name)[0].index("locator_start")]
    )
    assert len(found) == located
    assert {(rule, field) for rule, _, _, field in found} == {
        ("locator-without-document", "locator_start")
    }


def test_documents_elsewhere_are_found_with_the_option(release, tools, runner) -> None:
    documents = tools.repo / "seeds" / "documents"
    result = runner.invoke(
        app, ["validate", str(release.folder), "--documents", str(documents), "-f", "json"]
    )
    assert result.exit_code == 0, result.stdout
    notes = json.loads(result.stdout)["not_checked"]
    assert [n for n in notes if n["layer"] == "provenance"] == []


def test_a_missing_documents_folder_could_not_run(release, runner, tmp_path) -> None:
    result = runner.invoke(
        app, ["validate", str(release.folder), "--documents", str(tmp_path / "nope")]
    )
    assert result.exit_code == 2 and "no such documents folder" in result.stderr


def test_a_package_without_the_non_figures_table_says_coverage_was_not_checked(package):
    descriptor = package.read_descriptor()
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "non_figures"]
    package.write_descriptor(descriptor)
    items = provenance_layer.check(open_target(package.folder), 1000)
    assert [i.resource for i in items if isinstance(i, NotChecked)] == ["non_figures"]
    assert not [i for i in items if not isinstance(i, NotChecked)]
