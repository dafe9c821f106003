"""kzdata extract on a short document written for these tests: every kind of number, no
ordinal, right offsets; as a table and as a seed skeleton; and bad input."""

from __future__ import annotations

import pytest
import yaml

from kzdata.cli.main import app

# A harbour report invented for these tests: every kind of number, and three ordinals.
DOCUMENT = (
    "Harbour report\n"
    "\n"
    "By 14 March 2031 the port had logged around 1,250 arrivals, up from 980 in 2029.\n"
    "Nearly forty-one ferries and two thousand boats called; a few dozen were sent away.\n"
    "Hundreds of crew waited, and several hundred more came in May and August 2031.\n"
    "It was the second busiest year, the 21st season since the twenty-first berth opened.\n"
)
EXPECTED = [  # token, kind, qualifier, noun
    ("14 March 2031", "date", "", "port"),
    ("1,250", "digits", "around", "arrivals"),
    ("980", "digits", "", "in"),
    ("2029", "year", "", ""),
    ("forty-one", "words", "nearly", "ferries"),
    ("two thousand", "words", "", "boats"),
    ("a few dozen", "vague", "a few dozen", "were"),
    ("Hundreds", "vague", "hundreds", "crew"),
    ("several hundred", "vague", "", "more"),
    ("May and August 2031", "date", "", ""),
]


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "harbour.txt"
    path.write_bytes(DOCUMENT.encode("utf-8"))
    return path


def table(output: str) -> list[dict[str, str]]:
    """The rows of the table, cut at the columns its header lines up."""
    header, *lines = output.splitlines()
    names = header.split()
    starts = [header.index(name) for name in names]
    ends = [*starts[1:], None]
    return [
        {n: line[s:e].strip() for n, s, e in zip(names, starts, ends, strict=True)}
        for line in lines
    ]


def test_every_kind_of_number_and_no_ordinal(runner, document) -> None:
    result = runner.invoke(app, ["extract", str(document)])
    assert result.exit_code == 0, result.output
    rows = table(result.stdout)
    found = [(r["token"], r["kind"], r["qualifier"], r["noun"]) for r in rows]
    assert found == EXPECTED
    for row in rows:
        assert DOCUMENT[int(row["start"]) : int(row["end"])] == row["token"]
    assert not {"second", "21st", "twenty", "twenty-first"} & {r["token"] for r in rows}


def test_the_yaml_skeleton_prefills_quotes_and_locators(runner, document) -> None:
    result = runner.invoke(app, ["extract", str(document), "--format", "yaml"])
    assert result.exit_code == 0, result.output
    skeleton = yaml.safe_load(result.stdout)
    entries = skeleton["citations"] + skeleton["non_figures"]
    assert len(entries) == len(EXPECTED)
    for entry in entries:
        start, end = entry["locator"]
        assert DOCUMENT[start:end] == entry["quote"] and len(entry["quote"]) <= 60
    assert [c["stated_value"] for c in skeleton["citations"]][:2] == ["1,250", "980"]
    assert skeleton["citations"][0]["qualifier"] == "around"
    assert skeleton["citations"][0]["quote"] == "around 1,250 arrivals"
    # Years and dates are listed as marks, to be given a reason (or moved to events).
    marks = [n["quote"] for n in skeleton["non_figures"]]
    assert marks == ["14 March 2031 the port", "2029", "May and August 2031"]
    assert {n["reason"] for n in skeleton["non_figures"]} == {None}
    assert {c["id"] for c in skeleton["citations"]} == {None}


def test_offsets_count_every_code_point(runner, tmp_path) -> None:
    path = tmp_path / "crlf.txt"
    text = "Caf\u00e9 \u00e0 \u00e9t\u00e9\r\nIt held 75 seats.\r\n"
    path.write_bytes(text.encode("utf-8"))
    (row,) = table(runner.invoke(app, ["extract", str(path)]).stdout)
    assert text[int(row["start"]) : int(row["end"])] == "75" and row["start"] == "20"


def test_a_missing_document_could_not_run(runner, tmp_path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "nope.txt: no such file" in result.stderr and "Traceback" not in result.output


def test_a_document_that_is_not_utf8_names_the_byte(runner, tmp_path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\u00e9 for 12".encode("latin-1"))
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 1
    assert "not UTF-8" in result.stderr and "byte 3" in result.stderr
    assert "Traceback" not in result.output
