"""The Table Schema -> pandera compiler, type by type and constraint by constraint: for each,
cells that must pass and cells that must fail, in small hand-written tables of raw text."""

from __future__ import annotations

import polars as pl
import pytest
from pandera.errors import SchemaErrors

from kzdata.schemas.pandera_compiler import SchemaCompileError, compile_schema, missing_to_null


def failures(table_schema: dict, columns: dict[str, list[str | None]]) -> set[tuple[str, str, int]]:
    """(check, column, 0-based row) of every failing cell; None in `columns` is a null cell."""
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    try:
        compile_schema(table_schema).validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases.select("check", "column", "index")
        return {tuple(row) for row in cases.iter_rows()}
    return set()


def one_field(field: dict, cells: list[str | None]) -> set[tuple[str, str, int]]:
    return failures({"fields": [{"name": "f", **field}]}, {"f": cells})


def failing_cells(field: dict, cells: list[str | None], check: str) -> list[str | None]:
    found = one_field(field, cells)
    return [cell for i, cell in enumerate(cells) if (check, "f", i) in found]


# field, cells that are of the type, cells that are not. None (a missing value) always passes.
TYPES = [
    pytest.param(
        {"type": "integer"},
        ["12", "0", "-3", "+4", "007", None],
        ["1.5", "x", " 1", "1_000", "1e3", "١٢", "99999999999999999999"],
        id="integer",
    ),
    pytest.param({"type": "integer", "groupChar": ","}, ["1,200"], ["1.200"], id="integer-group"),
    pytest.param({"type": "integer", "bareNumber": False}, ["€95", "95%"], ["ninety"], id="bare"),
    pytest.param(
        {"type": "number"},
        ["1.5", "-2", "+.5", "5.", "1e3", "2E-2", "NaN", "INF", "-INF", None],
        ["x", "1,5", "inf", "nan", "1.5.2", "", " 1"],
        id="number",
    ),
    pytest.param(
        {"type": "number", "decimalChar": ",", "groupChar": "."},
        ["1.234,5", "0,5"],
        ["1,2,3"],
        id="number-decimal-comma",
    ),
    pytest.param(
        {"type": "boolean"},
        ["true", "false", "True", "FALSE", "1", "0", None],
        ["yes", "no", "t", "tRue", "2"],
        id="boolean",
    ),
    pytest.param(
        {"type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]},
        ["yes", "no"],
        ["true", "false", "1"],
        id="boolean-own-values",
    ),
    pytest.param(
        {"type": "date"},
        ["2025-02-28", "2024-02-29", None],
        ["2025-02-30", "2023-02-29", "2025-13-01", "2025-2-5", " 2025-01-01", "2025", "25.12.2025"],
        id="date",
    ),
    pytest.param(
        {"type": "date", "format": "%d/%m/%Y"},
        ["31/12/2025"],
        ["2025-12-31", "31/13/2025"],
        id="date-format",
    ),
    pytest.param({"type": "year"}, ["2025", "0999"], ["25", "2025-01", "year", "20250"], id="year"),
    pytest.param(
        {"type": "yearmonth"},
        ["2025-12", "2025-01"],
        ["2025-13", "2025-00", "2025-1", "2025", "2025-12-01"],
        id="yearmonth",
    ),
    pytest.param(
        {"type": "datetime"},
        ["2025-01-01T10:00:00Z", "2025-01-01T10:00:00+02:00", "2025-01-01T10:00:00.5Z"],
        ["2025-01-01 10:00:00", "2025-01-01T25:00:00Z", "2025-01-01", "now"],
        id="datetime",
    ),
    pytest.param({"type": "time"}, ["23:59:59", "00:00:00"], ["24:00:00", "9:00", "x"], id="time"),
    pytest.param(
        {"type": "string", "format": "uri"},
        ["https://example.org/a?b=c", "urn:isbn:0451450523"],
        ["example.org", "not a uri", "http://a b"],
        id="uri",
    ),
    pytest.param({"type": "string", "format": "email"}, ["a@b.org"], ["a@", "ab.org"], id="email"),
]


@pytest.mark.parametrize(("field", "good", "bad"), TYPES)
def test_type(field: dict, good: list, bad: list) -> None:
    assert failing_cells(field, good + bad, "type") == bad


@pytest.mark.parametrize("kind", ["string", "any"])
def test_text_and_any_take_every_cell(kind: str) -> None:
    assert one_field({"type": kind}, ["x", " 1", "", "2025-02-30", None]) == set()


def test_a_field_without_a_type_is_a_string() -> None:
    assert one_field({"constraints": {"maxLength": 1}}, ["x", "12"]) == {("maxLength", "f", 1)}


def test_required() -> None:
    cells = ["a", None, "b", None]
    assert one_field({"constraints": {"required": True}}, cells) == {
        ("required", "f", 1),
        ("required", "f", 3),
    }
    assert one_field({"constraints": {"required": False}}, cells) == set()
    assert one_field({"type": "integer"}, [None, None]) == set()


def test_missing_values_become_null_before_the_checks() -> None:
    table_schema = {
        "fields": [
            {"name": "n", "type": "integer", "constraints": {"required": True}},
            {"name": "m", "type": "integer", "missingValues": ["-"]},
        ],
        "missingValues": ["", "NA"],
    }
    raw = pl.DataFrame({"n": ["1", "NA", "", "x"], "m": ["-", "NA", "2", ""]})
    frame = raw.with_columns(missing_to_null(table_schema, raw.columns))
    assert frame.to_dict(as_series=False) == {
        "n": ["1", None, None, "x"],
        "m": [None, "NA", "2", ""],  # the field's own missingValues replace the table's
    }
    assert failures(table_schema, frame.to_dict(as_series=False)) == {
        ("required", "n", 1),
        ("required", "n", 2),
        ("type", "n", 3),
        ("type", "m", 1),
        ("type", "m", 3),
    }


def test_the_default_missing_value_is_the_empty_string() -> None:
    table_schema = {"fields": [{"name": "n", "type": "integer"}]}
    raw = pl.DataFrame({"n": ["", "NA"]})
    assert raw.with_columns(missing_to_null(table_schema, ["n"]))["n"].to_list() == [None, "NA"]


def test_unique_reports_every_duplicate_and_compares_typed_values() -> None:
    assert one_field({"constraints": {"unique": True}}, ["a", "b", "a", None, None]) == {
        ("unique", "f", 0),
        ("unique", "f", 2),
    }
    field = {"type": "integer", "constraints": {"unique": True}}
    assert failing_cells(field, ["1", "+1", "01", "2", "x", "x"], "unique") == ["1", "+1", "01"]


def test_enum() -> None:
    assert failing_cells({"constraints": {"enum": ["a", "b"]}}, ["a", "b", "c", "A"], "enum") == [
        "c",
        "A",
    ]
    field = {"type": "integer", "constraints": {"enum": [1, 2]}}
    assert failing_cells(field, ["1", "02", "3", None], "enum") == ["3"]
    field = {"type": "boolean", "constraints": {"enum": [True]}}
    assert failing_cells(field, ["true", "1", "false"], "enum") == ["false"]


def test_pattern_matches_the_whole_value() -> None:
    field = {"constraints": {"pattern": "[a-z]+"}}
    assert failing_cells(field, ["abc", "abc1", "1abc", "ABC", None], "pattern") == [
        "abc1",
        "1abc",
        "ABC",
    ]
    field = {"constraints": {"pattern": "a|b"}}  # alternatives are anchored as a group
    assert failing_cells(field, ["a", "b", "ab", "xb"], "pattern") == ["ab", "xb"]


def test_a_pattern_polars_cannot_run_falls_back_to_python_re() -> None:
    field = {"constraints": {"pattern": r"(?=\d{3}$)\d+|(x)\1"}}  # look-ahead, back-reference
    assert failing_cells(field, ["123", "xx", "1234", "x", None], "pattern") == ["1234", "x"]


@pytest.mark.parametrize(
    ("field", "cells", "failing"),
    [
        ({"type": "integer", "constraints": {"minimum": 0}}, ["0", "5", "-1"], {"minimum": ["-1"]}),
        ({"type": "integer", "constraints": {"maximum": 10}}, ["10", "11"], {"maximum": ["11"]}),
        (
            {"type": "number", "constraints": {"maximum": 2.5}},
            ["2.5", "2.51"],
            {"maximum": ["2.51"]},
        ),
        (
            {"type": "number", "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 1}},
            ["0", "0.5", "1"],
            {"exclusiveMinimum": ["0"], "exclusiveMaximum": ["1"]},
        ),
        (
            {"type": "date", "constraints": {"minimum": "2020-01-01"}},
            ["2020-01-01", "2019-12-31"],
            {"minimum": ["2019-12-31"]},
        ),
        (
            {"type": "yearmonth", "constraints": {"maximum": "2025-06"}},
            ["2025-06", "2025-07"],
            {"maximum": ["2025-07"]},
        ),
        (
            {"type": "year", "constraints": {"minimum": 2000}},
            ["2000", "1999"],
            {"minimum": ["1999"]},
        ),
    ],
)
def test_minimum_and_maximum_compare_typed_values(field, cells, failing) -> None:
    found = one_field(field, cells)
    for check in {name for name, _, _ in found} | set(failing):
        assert failing_cells(field, cells, check) == failing.get(check, [])


def test_a_bad_cell_is_reported_by_its_type_only() -> None:
    field = {"type": "integer", "constraints": {"minimum": 0, "enum": [1], "unique": True}}
    assert one_field(field, ["x", "x"]) == {("type", "f", 0), ("type", "f", 1)}


def test_min_and_max_length_count_characters() -> None:
    field = {"constraints": {"minLength": 2, "maxLength": 3}}
    cells = ["ab", "abc", "a", "abcd", "éé", "ééé🙂", None]
    assert failing_cells(field, cells, "minLength") == ["a"]
    assert failing_cells(field, cells, "maxLength") == ["abcd", "ééé🙂"]


def test_a_composite_primary_key_is_unique_as_a_whole_and_required() -> None:
    table_schema = {"fields": [{"name": "a"}, {"name": "b"}], "primaryKey": ["a", "b"]}
    found = failures(table_schema, {"a": ["1", "1", "1", None], "b": ["x", "y", "x", "z"]})
    assert found == {("primaryKey", "a", 0), ("primaryKey", "a", 2), ("required", "a", 3)}


def test_a_single_field_primary_key_is_unique_and_required() -> None:
    table_schema = {"fields": [{"name": "id"}], "primaryKey": "id"}
    found = failures(table_schema, {"id": ["a", "a", None]})
    assert found == {("unique", "id", 0), ("unique", "id", 1), ("required", "id", 2)}


def header_failures(table_schema: dict, columns: list[str]) -> set[tuple[str, str]]:
    frame = pl.DataFrame({c: ["1"] for c in columns})
    try:
        compile_schema(table_schema).validate(frame, lazy=True)
    except SchemaErrors as exc:
        return set(exc.failure_cases.select("check", "failure_case").iter_rows())
    return set()


def test_the_header_must_match_the_fields_exactly_by_default() -> None:
    table_schema = {"fields": [{"name": "a"}, {"name": "b"}]}
    assert header_failures(table_schema, ["a", "b"]) == set()
    assert header_failures(table_schema, ["a"]) == {("column_in_dataframe", "b")}
    assert header_failures(table_schema, ["a", "b", "c"]) == {("column_in_schema", "c")}
    assert header_failures(table_schema, ["b", "a"]) == {("column_ordered", "b")}


def test_fields_match_relaxes_the_header() -> None:
    fields = [{"name": "a"}, {"name": "b"}]
    assert header_failures({"fields": fields, "fieldsMatch": "equal"}, ["b", "a"]) == set()
    assert header_failures({"fields": fields, "fieldsMatch": "subset"}, ["a", "b", "c"]) == set()
    assert header_failures({"fields": fields, "fieldsMatch": "superset"}, ["a"]) == set()
    assert header_failures({"fields": fields, "fieldsMatch": "superset"}, ["a", "c"]) == {
        ("column_in_schema", "c")
    }


@pytest.mark.parametrize(
    "table_schema",
    [
        {"fields": [{"name": "f", "type": "decimal"}]},
        {"fields": [{"name": "f", "type": ["integer", "string"]}]},
        {"fields": [{"name": "f", "type": {"name": "integer"}}]},
        {"fields": [{"name": "f", "constraints": {"pattern": "("}}]},
        {"fields": [{"name": "f", "type": "integer", "constraints": {"enum": ["one"]}}]},
        {"fields": [{"name": "f", "type": "date", "constraints": {"minimum": "yesterday"}}]},
        {"fields": [{"name": "f", "constraints": {"maxLength": "5"}}]},
        {"fields": [{"name": "f", "type": "boolean", "trueValues": "yes"}]},
        {"fields": [{"name": "f", "format": 5}]},
        {"fields": [{"name": "f"}], "primaryKey": ["g"]},
        {"fields": [{"name": "f"}], "fieldsMatch": "some"},
        {"fields": "f"},
        {"fields": [{"type": "string"}]},
        {"fields": [{"name": "f", "type": "integer", "constraints": {"minimum": None}}]},
        {"fields": [{"name": "f", "constraints": {"enum": [None]}}]},
    ],
)
def test_a_malformed_table_schema_is_a_compile_error(table_schema: dict) -> None:
    with pytest.raises(SchemaCompileError):
        compile_schema(table_schema)


def test_every_shipped_table_schema_compiles_its_rules() -> None:
    from kzdata.schemas import resource_names, table_schema

    for name in resource_names():
        schema = compile_schema(table_schema(name))
        for field in table_schema(name)["fields"]:
            checks = {check.name for check in schema.columns[field["name"]].checks}
            assert set(field.get("constraints", {})) - {"required", "unique"} <= checks, field
            if field.get("constraints", {}).get("required"):
                assert "required" in checks
