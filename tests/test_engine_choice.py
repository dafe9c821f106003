"""`--engine auto`: which tables the vectorized engine checks; and patterns, which both engines
run on polars (the frictionless engine with cells matched ahead)."""

from __future__ import annotations

import pytest

from kzdata.pipelines.table_engine.choice import FAST_ENGINE_MIN_BYTES, wants_fast


def test_a_small_table_pointing_at_a_large_one_goes_to_the_fast_engine(tmp_path) -> None:
    # frictionless would read the large table whole for the small one's foreign key.
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_text("id\n1\n", encoding="utf-8")
    large.write_bytes(b"id\n" + b"1\n" * FAST_ENGINE_MIN_BYTES)
    assert not wants_fast("auto", small)
    assert wants_fast("auto", small, referenced=[large])
    assert wants_fast("auto", large)


def test_a_missing_referenced_file_counts_nothing(tmp_path) -> None:
    small = tmp_path / "small.csv"
    small.write_text("id\n1\n", encoding="utf-8")
    assert not wants_fast("auto", small, referenced=[tmp_path / "absent.csv"])
    assert not wants_fast("auto", tmp_path / "absent.csv")


def test_explicit_engines_ignore_sizes(tmp_path) -> None:
    small = tmp_path / "small.csv"
    small.write_text("id\n1\n", encoding="utf-8")
    assert wants_fast("fast", small)
    assert not wants_fast("frictionless", small, referenced=[small])


def test_cells_matched_ahead_match_as_cells_matched_one_by_one() -> None:
    import polars as pl

    from kzdata.pipelines.table_engine.patterns import cell_matcher, primed

    pattern = "^[a-z]+(_[a-z]+)*$"
    cells = ["abc", "ab_c", "abc\n", "Abc", "", "a__b", "x_y\n\n"]
    one_by_one = [cell_matcher(pattern)(cell) for cell in cells]
    assert one_by_one == [True, True, True, False, False, False, False]
    with primed({pattern: pl.Series(cells)}):
        assert [cell_matcher(pattern)(cell) for cell in cells] == one_by_one


def _patterned_package(tmp_path):
    from frictionless import Package

    (tmp_path / "a.csv").write_text("id,code,b_id\nx1,AA,y1\nx2,BB,y2\n", encoding="utf-8")
    # b's file lacks its last field's column: its cells are read as far as the file goes.
    (tmp_path / "b.csv").write_text("id,tag\ny1,k\ny2,m\n", encoding="utf-8")
    pattern = {"pattern": "^[a-z0-9]+$"}
    return Package(
        {
            "resources": [
                {
                    "name": "a",
                    "path": "a.csv",
                    "schema": {
                        "fields": [
                            {"name": "id", "type": "string", "constraints": pattern},
                            {
                                "name": "code",
                                "type": "string",
                                "constraints": {"pattern": "^[A-Z]+$"},
                            },
                            {"name": "b_id", "type": "string"},
                        ],
                        "foreignKeys": [
                            {"fields": ["b_id"], "reference": {"resource": "b", "fields": ["id"]}}
                        ],
                    },
                },
                {
                    "name": "b",
                    "path": "b.csv",
                    "schema": {
                        "fields": [
                            {"name": "id", "type": "string", "constraints": pattern},
                            {"name": "tag", "type": "string", "constraints": pattern},
                            {"name": "note", "type": "string", "constraints": pattern},
                        ]
                    },
                },
            ]
        },
        basepath=str(tmp_path),
    )


def test_cells_matched_ahead_are_those_frictionless_reads(tmp_path) -> None:
    from kzdata.pipelines.table_engine.layer_tables import _looked_up, _pattern_cells

    package = _patterned_package(tmp_path)
    a, b = package.get_resource("a"), package.get_resource("b")
    # Of b, frictionless reads only the field a's key points at (b has no key of its own).
    assert _looked_up(a, b) == {"id"}
    cells = _pattern_cells([(a, None), (b, _looked_up(a, b))], tmp_path)
    assert {p: s.to_list() for p, s in cells.items()} == {
        "^[a-z0-9]+$": ["id", "x1", "x2", "id", "y1", "y2"],
        "^[A-Z]+$": ["code", "AA", "BB"],
    }
    # Every field read: b's missing column gives no cells, its others all theirs.
    cells = _pattern_cells([(b, None)], tmp_path)
    assert cells["^[a-z0-9]+$"].to_list() == ["id", "y1", "y2", "tag", "k", "m"]


def test_a_primary_key_is_read_of_a_table_looked_up(tmp_path) -> None:
    from kzdata.pipelines.table_engine.layer_tables import _looked_up

    package = _patterned_package(tmp_path)
    a, b = package.get_resource("a"), package.get_resource("b")
    b.schema.primary_key = ["tag"]
    b.schema.get_field("note").constraints["unique"] = True
    assert _looked_up(a, b) == {"id", "tag", "note"}


def test_cells_matched_ahead_are_let_go() -> None:
    import polars as pl

    from kzdata.pipelines.table_engine.patterns import cell_matcher, primed

    given = {"^[a-z]+$": pl.Series(["ab", "A"])}
    with primed(given):
        assert given == {}
        assert cell_matcher("^[a-z]+$")("ab") and not cell_matcher("^[a-z]+$")("A")


@pytest.mark.parametrize(
    "pattern",
    [
        *("[a-z]+", "a|b", "ab?", "[a-z]+\\n?", "a$|b", "a$\\n?", "[$]x", "(?:a|b$)c?"),
        # Ending in `$`: an anchor (also after an escaped backslash), or an escaped `$`.
        *("^[a-z]+$", "^a|b$$", "a\\\\$", "a\\$", "a\\\\\\$", "[a-z$]+$"),
    ],
)
def test_patterns_match_final_line_breaks_as_python_does(pattern) -> None:
    import re

    import polars as pl

    from kzdata.pipelines.table_engine.patterns import cell_matcher, pattern_matches

    cells = ["a", "b", "ab", "abc", "a\n", "b\n", "a\n\n", "\n", "", "$x", "$x\n", "bc\n", "ac"]
    cells += ["a\\", "a\\\n", "a$", "a$\n", "a\\$", "a\\$\n", "ab$\n"]
    python = [re.match(f"^{pattern}$", cell) is not None for cell in cells]
    column = pl.DataFrame({"c": cells}).select(pattern_matches(pl.col("c"), pattern))
    assert column.to_series().to_list() == python
    assert [cell_matcher(pattern)(cell) for cell in cells] == python


def test_a_resource_looked_up_without_a_schema_has_only_its_keys_read(tmp_path) -> None:
    from types import SimpleNamespace

    from kzdata.pipelines.table_engine.layer_tables import _looked_up

    package = _patterned_package(tmp_path)
    for schema in (None, SimpleNamespace(primary_key=None, fields=None)):
        other = SimpleNamespace(name="b", schema=schema)
        assert _looked_up(package.get_resource("a"), other) == {"id"}
