"""The tables the layers share are read with the columns the layers to run read, and let go
of what no later layer reads (kzdata.pipelines.package_tables.plan)."""

from __future__ import annotations

import polars as pl

from kzdata.pipelines.expectation_frames import KINDS
from kzdata.pipelines.layers import great_expectations_layer, pandera_layer, provenance_layer
from kzdata.pipelines.package_tables import BOTH, TEXT, TYPED, loaded, plan
from kzdata.pipelines.target import open_target
from kzdata.pipelines.typed_table import ROW, invalid_column
from kzdata.pipelines.validate import validate

LAYER = "great_expectations"


def test_a_planned_table_holds_only_the_columns_read_and_is_narrowed_layer_by_layer(package):
    target = open_target(package.folder)
    tables = plan(target, [{"observations": {"value", "notes"}}, {"observations": {"value"}}])
    observations = tables.get("observations")
    assert observations.text.columns == ["value", "notes"]
    assert observations.typed.columns == [ROW, "value", "notes", invalid_column("value")]
    tables.done()
    narrowed = tables.get("observations")
    assert narrowed.text.columns == ["value"]
    assert narrowed.typed.columns == [ROW, "value", invalid_column("value")]
    assert narrowed.typed[ROW].to_list() == observations.typed[ROW].to_list()


def test_a_table_keeps_each_column_in_the_forms_later_layers_read_it(package):
    target = open_target(package.folder)
    reads = [{"observations": {"value", "precision"}}, {"observations": {"precision"}}]
    tables = plan(target, [*reads, {"observations": {"value"}}], [BOTH, {TEXT}, {TYPED}])
    observations = tables.get("observations")
    typed = observations.typed
    tables.done()
    narrowed = tables.get("observations")
    assert narrowed.text.columns == ["precision"]
    assert narrowed.typed.columns == [ROW, "value", invalid_column("value")]
    assert narrowed.typed["value"].to_list() == typed["value"].to_list()
    assert narrowed.text["precision"].to_list() == observations.text["precision"].to_list()


def test_a_table_not_parsed_yet_keeps_the_text_its_typed_values_are_parsed_from(package):
    target = open_target(package.folder)
    tables = plan(target, [{}, {"observations": {"value"}}], [BOTH, {TYPED}])
    tables.get("observations")  # read, not parsed
    tables.done()
    assert tables.get("observations").typed.columns == [ROW, "value", invalid_column("value")]


def test_a_layer_that_reads_less_from_here_on_lets_go_of_the_rest(package):
    target = open_target(package.folder)
    reads = [{"observations": {"value", "precision"}, "sources": {"source_id"}}]
    tables = plan(target, [*reads, {"observations": {"precision"}}])
    sources = tables.get("sources")
    assert "value" in tables.get("observations").typed.columns  # parsed
    tables.still_read({"observations": {"value"}})
    assert tables.get("observations").text.columns == ["value", "precision"]
    assert tables.get("sources") is not sources  # let go: read again, as asked for
    tables.still_read({})
    assert tables.get("observations").typed.columns == [ROW, "precision"]


def test_a_table_no_later_layer_reads_is_let_go(package):
    target = open_target(package.folder)
    tables = plan(target, [{"sources": {"source_id"}}, {}])
    first = tables.get("sources")
    tables.done()
    assert tables.get("sources") is not first  # read again, as asked for


def test_a_table_whose_rows_only_are_counted_keeps_its_rows(package):
    target = open_target(package.folder)
    whole = loaded(open_target(package.folder)).get("events").text
    counted = plan(target, [{"events": ()}]).get("events").text
    assert counted.width == 1 and counted.height == whole.height


def test_each_layer_reads_the_columns_of_its_rules(package):
    target = open_target(package.folder)
    pandera = pandera_layer.reads(target)
    assert {"value", "lower_bound", "upper_bound", "precision"} <= pandera["observations"]
    assert "notes" not in pandera["observations"]
    expectations = great_expectations_layer.reads(target)
    assert {"observation_id", "primary_citation_id"} <= expectations["observations"]
    assert "notes" not in expectations["observations"] | expectations["citations"]
    assert "quote" in provenance_layer.reads(target)["citations"]


def test_a_crash_in_saying_what_a_layer_reads_is_that_layers_bug(package, monkeypatch):
    from kzdata.pipelines import validate as validate_module

    def crash(target):
        raise RuntimeError("boom")

    monkeypatch.setitem(validate_module.READS, "great_expectations", crash)
    report = validate_module.validate(package.folder)
    assert [(f.layer, f.rule) for f in report.findings] == [
        ("great_expectations", "internal-error")
    ]


def test_a_column_of_a_few_texts_read_typed_only_is_held_coded_and_read_back_as_text(package):
    # Once no layer reads a table's text, a column of a few texts each used often (a status)
    # is held as codes, one whose every text is its own (an id) as text; a frame reads both
    # as text, as written.
    target = open_target(package.folder)
    columns = {"observation_id", "status"}
    tables = plan(target, [{"observations": columns}] * 2, [BOTH, {TYPED}])
    typed = tables.get("observations").typed
    tables.done()
    held = tables.get("observations").typed
    assert isinstance(held.schema["status"], pl.Categorical)
    assert held.schema["observation_id"] == pl.String
    got = tables.resolve({"observations": dict.fromkeys(columns, "text")}, {}, KINDS)
    assert isinstance(got, dict)
    for column in columns:
        assert got["observations"][column].to_list() == typed[column].to_list()


def test_a_coded_column_is_quoted_as_written(package):
    package.set_cell("observations", 2, "status", "disputed")
    package.set_cell("observations", 2, "status_reason", "")
    report = validate(package.folder)
    assert [(f.rule, f.row, f.value) for f in report.findings if f.layer == LAYER] == [
        ("disputed-has-reason", 2, "disputed")
    ]
