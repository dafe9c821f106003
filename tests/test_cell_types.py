"""Reading cells by their Table Schema types (what the row rules and the great_expectations
layer read through), type by type: cells that are of the type and cells that are not, in small
hand-written columns of raw text; and the pandera schema of the row rules."""

from __future__ import annotations

import polars as pl
import pytest

from kzdata.pipelines.cell_types import SchemaCompileError, cell_type, missing_to_null
from kzdata.pipelines.pandera_compiler import compile_schema


def not_of_type(field: dict, cells: list[str | None]) -> list[str | None]:
    """The filled cells that the field's type does not read."""
    column = pl.Series("f", cells, dtype=pl.String)
    typed = pl.select(cell_type({"name": "f", **field}).parse(pl.lit(column))).to_series()
    return [
        cell for cell, value in zip(cells, typed, strict=True) if cell is not None and value is None
    ]


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
    assert not_of_type(field, good + bad) == bad


@pytest.mark.parametrize("kind", ["string", "any"])
def test_text_and_any_take_every_cell(kind: str) -> None:
    assert not_of_type({"type": kind}, ["x", " 1", "", "2025-02-30", None]) == []


def test_a_field_without_a_type_is_a_string() -> None:
    assert cell_type({"name": "f"}).name == "string"


def test_missing_values_become_null() -> None:
    table_schema = {
        "fields": [
            {"name": "n", "type": "integer"},
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


def test_the_default_missing_value_is_the_empty_string() -> None:
    table_schema = {"fields": [{"name": "n", "type": "integer"}]}
    raw = pl.DataFrame({"n": ["", "NA"]})
    assert raw.with_columns(missing_to_null(table_schema, ["n"]))["n"].to_list() == [None, "NA"]


@pytest.mark.parametrize(
    "table_schema",
    [
        {"fields": [{"name": "f", "type": "decimal"}]},
        {"fields": [{"name": "f", "type": ["integer", "string"]}]},
        {"fields": [{"name": "f", "type": {"name": "integer"}}]},
        {"fields": [{"name": "f", "type": "boolean", "trueValues": "yes"}]},
        {"fields": [{"name": "f", "format": 5}]},
        {"fields": "f"},
        {"fields": [{"type": "string"}]},
    ],
)
def test_a_malformed_table_schema_is_a_compile_error(table_schema: dict) -> None:
    with pytest.raises(SchemaCompileError):
        compile_schema(table_schema)


def test_the_schema_holds_only_the_row_rules() -> None:
    from kzdata.pipelines.row_rules import rules_for
    from kzdata.schemas import table_schema

    schema = compile_schema(table_schema("observations"))
    checks = {check.name for column in schema.columns.values() for check in column.checks}
    types = {f["name"]: f["type"] for f in table_schema("observations")["fields"]}
    assert checks == {rule.name for rule in rules_for(types)}
    assert "value-within-bounds" in checks and not checks & {"type", "required", "pattern"}
