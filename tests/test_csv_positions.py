"""The line and column of a CSV row and cell, which a quoted line break sets apart from the
row number. Expected positions are found by searching the file's text, not by parsing CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzdata.pipelines.csv_positions import Position, cell_positions

HEADER = "id,name,count"


def where(text: str, marker: str) -> Position:
    """Line and column of `marker` in `text`, counting \\r\\n, \\r and \\n as line breaks."""
    before = text[: text.index(marker)].replace("\r\n", "\n").replace("\r", "\n")
    return Position(before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_quoted_line_break_moves_later_rows_down(tmp_path: Path, newline: str) -> None:
    text = newline.join(
        [HEADER, 'r2,"two' + newline + 'lines, one cell",TWO', "r3,plain,THREE", ""]
    )
    path = write(tmp_path, text)
    found = cell_positions(path, [(3, "count"), (3, None), (2, "count"), (2, "name")])
    assert found[(3, "count")] == where(text, "THREE")
    assert found[(3, None)] == Position(where(text, "r3").line)
    assert found[(3, None)].line == 4  # row 3 is on line 4: not the row number
    # A cell after the line break inside its own row is on the row's second line.
    assert found[(2, "count")] == where(text, "TWO")
    assert found[(2, "name")] == where(text, '"two')


def test_doubled_quotes_and_delimiters_inside_quotes(tmp_path: Path) -> None:
    text = f'{HEADER}\nr2,"say ""a, b"", then",COUNT2\n'
    found = cell_positions(write(tmp_path, text), [(2, "count")])
    assert found[(2, "count")] == where(text, "COUNT2")


def test_a_blank_line_is_a_row(tmp_path: Path) -> None:
    # frictionless counts a blank line as a row (a blank-row error), so it is one here too.
    text = f"{HEADER}\nr2,a,1\n\nr4,b,FOUR\n"
    found = cell_positions(write(tmp_path, text), [(4, "count")])
    assert found[(4, "count")] == where(text, "FOUR")


def test_header_cells_and_a_byte_order_mark(tmp_path: Path) -> None:
    text = f"\ufeff{HEADER}\nr2,a,1\n"
    found = cell_positions(write(tmp_path, text), [(1, "id"), (1, "count")])
    assert found[(1, "id")] == Position(1, 1)  # the mark takes no column
    assert found[(1, "count")] == Position(1, where(text, "count").column - 1)


def test_other_delimiter_and_quote(tmp_path: Path) -> None:
    text = "id;name;count\nr2;'a;\nb';SEMI\n"
    found = cell_positions(write(tmp_path, text), [(2, "count")], delimiter=";", quote_char="'")
    assert found[(2, "count")] == where(text, "SEMI")


def test_columns_count_code_points(tmp_path: Path) -> None:
    text = f"{HEADER}\nr2,Қазақстан 🇰🇿,NONASCII\n"
    found = cell_positions(write(tmp_path, text), [(2, "count")])
    assert found[(2, "count")] == where(text, "NONASCII")


def test_cells_not_in_the_file_are_left_out(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\nr2,a,1\n")
    found = cell_positions(path, [(9, None), (2, "no_such_field"), (2, "count")])
    assert set(found) == {(2, "count")}


def test_a_foreign_key_cell_is_located_at_its_first_field(tmp_path: Path) -> None:
    text = f"{HEADER}\nr2,NAME,1\n"
    found = cell_positions(write(tmp_path, text), [(2, "name,count")])
    assert found[(2, "name")] == where(text, "NAME")


@pytest.mark.parametrize("content", [b"\xff\xfe not utf-8", None])
def test_an_unreadable_file_gives_no_positions(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "t.csv"
    if content is not None:
        path.write_bytes(HEADER.encode() + b"\n" + content + b"\n")
    assert cell_positions(path, [(2, None), (2, "id")]) == {}
