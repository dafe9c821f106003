"""Wide tables: a table of thousands of columns is checked cell for cell and field for field,
its findings at the right row and field (fields of one shape are checked once, by kind; a
finding must not be lost or moved by that). Generated here; no timing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kzdata.cli.main import app
from kzdata.pipelines import descriptor_profile
from kzdata.pipelines.descriptor_places import Places

COLUMNS = 2000
ROWS = 5
# A field of each kind in turn, with a valid cell of it for row r.
KINDS = [
    ({"type": "integer", "constraints": {"minimum": 0}}, lambda r: str(r * 7)),
    ({"type": "number", "constraints": {"maximum": 1e6}}, lambda r: f"{r / 8}"),
    ({"type": "string", "constraints": {"pattern": "[a-z]{2}[0-9]+"}}, lambda r: f"ab{r}"),
    ({"type": "date"}, lambda r: f"2020-01-{r + 1:02d}"),
]


def fields() -> list[dict]:
    return [{"name": f"f{n}", **KINDS[n % len(KINDS)][0]} for n in range(COLUMNS)]


def descriptor(schema_fields: list[dict]) -> dict:
    return {
        "name": "wide",
        "resources": [
            {
                "name": "wide",
                "path": "data/wide.csv",
                "schema": {"fields": schema_fields, "missingValues": [""]},
            }
        ],
    }


def write_wide(folder: Path, bad: tuple[int, int, str] | None = None) -> None:
    """A wide package; `bad` is (data row index, column, cell) planted in it."""
    rows = [[KINDS[n % len(KINDS)][1](r) for n in range(COLUMNS)] for r in range(ROWS)]
    if bad:
        row, column, cell = bad
        rows[row][column] = cell
    lines = [",".join(f"f{n}" for n in range(COLUMNS))] + [",".join(row) for row in rows]
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "wide.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = json.dumps(descriptor(fields()))
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


def findings(runner, folder: Path, *options: str) -> tuple[int, list[tuple]]:
    result = runner.invoke(app, ["validate", str(folder), "-f", "json", *options])
    assert "Traceback" not in result.output
    found = json.loads(result.stdout)["findings"]
    return result.exit_code, [(f["layer"], f["rule"], f["row"], f["field"]) for f in found]


def test_a_wide_table_of_valid_cells_is_valid(runner, tmp_path) -> None:
    write_wide(tmp_path / "pkg")
    assert findings(runner, tmp_path / "pkg", "--layer", "frictionless") == (0, [])


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_a_bad_cell_in_the_last_column_is_found_at_its_row_and_field(
    runner, tmp_path, engine
) -> None:
    last = COLUMNS - 1  # a date field
    # Data row index 2 is row 4: the header is row 1.
    write_wide(tmp_path / "pkg", bad=(2, last, "not a date"))
    exit_code, found = findings(
        runner, tmp_path / "pkg", "--layer", "frictionless", "--engine", engine
    )
    assert exit_code == 1
    assert found == [("frictionless", "type-error", 4, f"f{last}")]


def test_every_layer_reports_the_bad_cell_of_a_wide_table_once(runner, tmp_path) -> None:
    write_wide(tmp_path / "pkg", bad=(4, COLUMNS - 2, "x1"))  # breaks the string's pattern
    exit_code, found = findings(runner, tmp_path / "pkg")
    assert exit_code == 1
    assert [f for f in found if f[1] != "not-checked"] == [
        ("frictionless", "constraint-error", 6, f"f{COLUMNS - 2}")
    ]


def profile_places(schema_fields: list[dict]) -> list[str]:
    """Where the profile check finds the descriptor of these fields wrong."""
    found = descriptor_profile.check(Places(descriptor(schema_fields), "datapackage.json"))
    return [f.message.split(":")[0] for f in found]


def test_the_profile_finds_each_bad_field_among_thousands_alike() -> None:
    many = fields()
    many[1500]["name"] = 7  # alike but for its name, which is not text
    many[1998]["title"] = ["not", "text"]
    many[COLUMNS - 1]["type"] = "no such type"
    assert profile_places(many) == [
        "resources[0].schema.fields[1500].name",
        "resources[0].schema.fields[1998].title",
        f"resources[0].schema.fields[{COLUMNS - 1}].type",
    ]


def test_fields_alike_but_for_their_words_are_checked_alike() -> None:
    # Words outside a field's free text are part of its shape: a constraint given as text
    # where the profile wants a boolean is found, among fields that differ only there.
    many = fields()
    for field in many[:-4:4]:  # integer fields
        field["constraints"] = {"minimum": 0, "required": True}
    many[-4]["constraints"] = {"minimum": 0, "required": "true"}
    assert profile_places(many) == [
        f"resources[0].schema.fields[{COLUMNS - 4}].constraints.required"
    ]


def test_only_free_text_in_every_field_type_is_left_out_of_a_field_shape() -> None:
    # A Table Schema field's name, title and description are any string in every field type
    # of the profile; a resource's name has a pattern, so resources are each checked whole.
    validator = descriptor_profile.validator()
    field_items = validator.schema["properties"]["resources"]["items"]
    assert descriptor_profile._free_text(field_items) == ()
    table_schema = json.loads(
        (Path(descriptor_profile.__file__).parents[1] / "schemas" / "profiles" / "2.0")
        .joinpath("tableschema.json")
        .read_text(encoding="utf-8")
    )
    free = descriptor_profile._free_text(table_schema["properties"]["fields"]["items"])
    assert {"name", "title", "description"} <= set(free)
    assert "type" not in free and "constraints" not in free
