"""Keys found by their hashes and told apart exactly (kzdata.pipelines.typed_table): the rows
whose keys another row has too (`sharing_keys`), and a frame beside the rows of another that its
keys name (`beside`), the same as the keys compared whole, however often two hashes meet."""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kzdata.pipelines import typed_table
from kzdata.pipelines.typed_table import ROW, beside, sharing_keys

KEYS = ["a", "b", "c"]


def sharing_by_hand(rows: list[tuple[str | None, ...]]) -> list[int]:
    counts = Counter(rows)
    return [n for n, row in enumerate(rows) if counts[row] > 1]


def found(rows: list[tuple[str | None, ...]]) -> list[int]:
    frame = pl.DataFrame(rows, schema=dict.fromkeys(KEYS, pl.String), orient="row")
    return sharing_keys(frame.with_row_index(ROW), KEYS)[ROW].sort().to_list()


ROWS = [
    ("x", "y", None),
    ("x", "y", None),  # empty equal to empty
    ("x", "y", "z"),
    ("y", "x", None),  # the same texts in other columns
    (None, None, None),
    (None, None, None),
    ("x", None, "y"),
    ("x", "y", ""),  # empty text is not an empty cell
]


def test_rows_sharing_their_keys_are_found() -> None:
    assert found(ROWS) == sharing_by_hand(ROWS) == [0, 1, 4, 5]


def test_rows_whose_hashes_meet_by_chance_are_told_apart(monkeypatch) -> None:
    # Every row's keys hash alike: only the exact comparison tells them apart.
    monkeypatch.setattr(
        typed_table, "keys_hash", lambda keys: pl.repeat(0, pl.len(), dtype=pl.UInt64)
    )
    assert found(ROWS) == [0, 1, 4, 5]


def test_only_the_rows_chosen_are_compared() -> None:
    frame = pl.DataFrame({"a": ["x", "x", "y", "y", "z"], "b": ["1", "1", "1", "1", "1"]})
    chosen = pl.Series([True, False, True, True, True])
    shared = sharing_keys(frame.with_row_index(ROW), ["a", "b"], among=pl.lit(chosen))
    assert shared[ROW].to_list() == [2, 3]


@given(st.lists(st.tuples(*[st.sampled_from(["p", "q", "", None])] * len(KEYS)), max_size=40))
def test_as_the_keys_compared_whole(rows) -> None:
    assert found(rows) == sharing_by_hand(rows)


@pytest.mark.parametrize("keys", [["a"], ["a", "b"]])
def test_keys_of_one_column_or_more(keys) -> None:
    frame = pl.DataFrame({"a": ["1", "1", "2", None], "b": ["1", "2", "2", None]})
    shared = sharing_keys(frame.with_row_index(ROW), keys)[ROW].to_list()
    assert shared == ([0, 1] if keys == ["a"] else [])


# --- A frame beside the rows of another that its keys name (typed_table.beside) ---------------

LEFT = pl.DataFrame({ROW: [2, 3, 4, 5, 6], "id": ["a", "b", None, "zz", "a"], "n": [1, 2, 3, 4, 5]})
RIGHT = pl.DataFrame({"id": ["a", "zz", "c", None], "x": [10, None, 30, 40]})


@pytest.mark.parametrize("how", ["left", "inner"])
def test_beside_is_the_join_in_the_frames_order(how) -> None:
    expected = LEFT.join(RIGHT, on="id", how=how, maintain_order="left")
    assert_frame_equal(beside(LEFT, RIGHT, "id", how), expected)


@pytest.mark.parametrize("how", ["left", "inner"])
def test_beside_on_keys_with_empty_equal_to_empty(how) -> None:
    left = LEFT.with_columns(k=pl.Series([1, 1, None, 2, None]))
    right = RIGHT.with_columns(k=pl.Series([1, 2, 3, None]))
    for nulls_equal in (False, True):
        expected = left.join(
            right, on=["id", "k"], how=how, nulls_equal=nulls_equal, maintain_order="left"
        )
        got = beside(left, right, ["id", "k"], how, nulls_equal=nulls_equal)
        assert_frame_equal(got, expected)


MEETING = [
    lambda keys: pl.repeat(0, pl.len(), dtype=pl.UInt64),  # the other's keys hash alike
    lambda keys: pl.col(keys[0]).str.len_bytes().cast(pl.UInt64),  # "b" meets "a"'s
]


@pytest.mark.parametrize("meeting", MEETING)
@pytest.mark.parametrize("how", ["left", "inner"])
def test_texts_whose_hashes_meet_are_joined_by_the_texts(monkeypatch, meeting, how) -> None:
    right = RIGHT.filter(pl.col("id") != "c")
    expected = LEFT.join(right, on="id", how=how, maintain_order="left")
    monkeypatch.setattr(typed_table, "keys_hash", meeting)
    assert_frame_equal(beside(LEFT, right, "id", how), expected)


@pytest.mark.parametrize("meeting", MEETING)
@pytest.mark.parametrize("nulls_equal", [False, True])
def test_keys_of_texts_whose_hashes_meet_are_joined_by_the_keys(
    monkeypatch, meeting, nulls_equal
) -> None:
    left = LEFT.with_columns(k=pl.Series(["1", "1", None, "2", None]))
    # "b" meets "a"'s hash, and so does "a" with an empty "k": the keys tell them apart.
    right = pl.DataFrame({"id": ["a", "zz", None], "k": ["1", "2", None], "x": [10, None, 40]})
    on = ["id", "k"]
    expected = left.join(right, on=on, how="left", nulls_equal=nulls_equal, maintain_order="left")
    monkeypatch.setattr(typed_table, "keys_hash", meeting)
    assert_frame_equal(beside(left, right, on, nulls_equal=nulls_equal), expected)


def test_beside_refuses_a_key_the_other_repeats() -> None:
    with pytest.raises(pl.exceptions.ShapeError):
        beside(LEFT, pl.concat([RIGHT, RIGHT]), "id")
