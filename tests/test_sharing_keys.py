"""Rows whose keys another row has too (typed_table.sharing_keys), found by a hash of the keys
and told apart exactly: the same rows as the keys compared whole, with empty equal to empty,
however often two rows' hashes meet."""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzdata.pipelines import typed_table
from kzdata.pipelines.typed_table import ROW, sharing_keys

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


@given(st.lists(st.tuples(*[st.sampled_from(["p", "q", "", None])] * len(KEYS)), max_size=40))
def test_as_the_keys_compared_whole(rows) -> None:
    assert found(rows) == sharing_by_hand(rows)


@pytest.mark.parametrize("keys", [["a"], ["a", "b"]])
def test_keys_of_one_column_or_more(keys) -> None:
    frame = pl.DataFrame({"a": ["1", "1", "2", None], "b": ["1", "2", "2", None]})
    shared = sharing_keys(frame.with_row_index(ROW), keys)[ROW].to_list()
    assert shared == ([0, 1] if keys == ["a"] else [])
