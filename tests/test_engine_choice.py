"""`--engine auto`: which tables the vectorized engine checks."""

from __future__ import annotations

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
