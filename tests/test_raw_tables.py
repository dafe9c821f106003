"""A table's raw bytes are checked before its cells are read: each case on both engines, by
`kzdata validate`, naming the rule, file, row and field; the target's files are left as they
were."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kzdata.cli.main import app
from kzdata.pipelines import raw_table
from kzdata.pipelines.table_limits import RawLimits

ENGINES = ("fast", "frictionless")
PATH = "data/t.csv"
FIELDS = ("id", "name", "note")


def write_package(folder: Path, body: bytes, **extra) -> Path:
    """A package of one table `t` (fields id, name, note; primary key id) holding `body`."""
    (folder / "data").mkdir(parents=True)
    (folder / PATH).write_bytes(body)
    resource = {
        "name": "t",
        "path": PATH,
        "format": "csv",
        "schema": {"fields": [{"name": f, "type": "string"} for f in FIELDS], "primaryKey": ["id"]},
        **extra,
    }
    (folder / "datapackage.json").write_text(json.dumps({"name": "p", "resources": [resource]}))
    return folder


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def validate(folder: Path, *options: str) -> tuple[int, dict]:
    """Exit code and JSON report of `kzdata validate`, checking that nothing was written."""
    before = tree(folder)
    result = CliRunner().invoke(app, ["validate", str(folder), "--format", "json", *options])
    assert tree(folder) == before
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def found(report: dict, rule: str) -> list[tuple]:
    return [
        (f["row"], f["field"], f["path"], f["severity"])
        for f in report["findings"]
        if f["rule"] == rule
    ]


def check(tmp_path: Path, body: bytes, engine: str, *options: str, **extra) -> tuple[int, dict]:
    folder = write_package(tmp_path / "p", body, **extra)
    return validate(folder, "--layer", "frictionless", "--engine", engine, *options)


@pytest.mark.parametrize("engine", ENGINES)
def test_invalid_utf8_names_row_field_and_byte(tmp_path, engine):
    body = b"id,name,note\n1,a,b\n2,c\xff\xfed,x\n"
    code, report = check(tmp_path, body, engine)
    assert code == 1
    assert found(report, "invalid-utf8") == [(3, "name", PATH, "error")]
    message = next(f["message"] for f in report["findings"] if f["rule"] == "invalid-utf8")
    offset = body.index(b"\xff")
    assert f"byte {offset}" in message and "ff fe" in message
    # Its cells are read by no layer (frictionless would guess another encoding), and it says so.
    assert any(n["resource"] == "t" for n in report["not_checked"])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_byte_order_mark_is_a_warning(tmp_path, engine):
    body = b"\xef\xbb\xbfid,name,note\n1,a,b\n"
    code, report = check(tmp_path, body, engine)
    assert code == 0
    assert found(report, "byte-order-mark") == [(1, None, PATH, "warning")]
    folder = tmp_path / "p"
    assert validate(folder, "--layer", "frictionless", "--fail-on", "warning")[0] == 1


def test_a_declared_utf8_sig_encoding_expects_its_mark(tmp_path):
    body = b"\xef\xbb\xbfid,name,note\n1,a,b\n"
    code, report = check(tmp_path, body, "frictionless", encoding="utf-8-sig")
    assert code == 0 and not found(report, "byte-order-mark")


@pytest.mark.parametrize("engine", ENGINES)
def test_nul_bytes(tmp_path, engine):
    code, report = check(tmp_path, b"id,name,note\n1,a,b\n2,c,x\x00y\n", engine)
    assert code == 1
    assert found(report, "nul-byte") == [(3, "note", PATH, "error")]


@pytest.mark.parametrize("engine", ENGINES)
def test_mixed_line_endings(tmp_path, engine):
    code, report = check(tmp_path, b"id,name,note\r\n1,a,b\r\n2,c,d\n3,e,f\r\n", engine)
    assert code == 1
    assert found(report, "mixed-line-endings") == [(3, None, PATH, "error")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_line_break_inside_quotes_is_not_a_line_ending(tmp_path, engine):
    code, report = check(tmp_path, b'id,name,note\r\n1,"a\nb",c\r\n2,d,e\r\n', engine)
    assert code == 0, report["findings"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_lone_carriage_return(tmp_path, engine):
    code, report = check(tmp_path, b"id,name,note\n1,a,b\r2,c,d\n", engine)
    assert code == 1
    assert found(report, "lone-carriage-return") == [(2, None, PATH, "error")]


@pytest.mark.parametrize("engine", ENGINES)
def test_bidi_control_and_invisible_characters(tmp_path, engine):
    body = 'id,name,note\n1,a\u202eb,c\n2,"x,\u200by",d\n3,e,f\x1b[0m\n'.encode()
    code, report = check(tmp_path, body, engine)
    assert code == 1
    assert found(report, "bidi-control") == [(2, "name", PATH, "error")]
    # After a delimiter inside quotes: still the name field.
    assert found(report, "invisible-character") == [(3, "name", PATH, "warning")]
    assert found(report, "control-character") == [(4, "note", PATH, "error")]
    values = {f["rule"]: f["value"] for f in report["findings"]}
    assert values["bidi-control"] == "U+202E"  # named, never echoed
    assert "\x1b" not in json.dumps(report, ensure_ascii=False)


@pytest.mark.parametrize("engine", ENGINES)
def test_text_that_nfc_changes_in_a_key_field(tmp_path, engine):
    decomposed = "e\u0301"  # looks like U+00E9
    body = f"id,name,note\n{decomposed},a,{decomposed}\n\u00e9,b,c\n".encode()
    code, report = check(tmp_path, body, engine)
    assert code == 1
    # The same text in a field that is no key is not reported.
    assert found(report, "key-not-nfc") == [(2, "id", PATH, "error")]


@pytest.mark.parametrize("engine", ENGINES)
def test_ragged_rows(tmp_path, engine):
    code, report = check(tmp_path, b"id,name,note\n1,a,b,extra\n2,c\n", engine)
    assert code == 1
    assert found(report, "extra-cell") == [(2, None, PATH, "error")]
    assert found(report, "missing-cell") == [(3, "note", PATH, "error")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_header_that_does_not_match_the_schema(tmp_path, engine):
    code, report = check(tmp_path, b"id,nom,note\n1,a,b\n", engine)
    assert code == 1
    assert found(report, "incorrect-label") == [(1, "name", PATH, "error")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_cell_beyond_the_limit(tmp_path, engine):
    body = b"id,name,note\n1,a,b\n2," + b"x" * 300 + b",c\n"
    code, report = check(tmp_path, body, engine, "--max-cell-bytes", "100")
    assert code == 1
    assert found(report, "cell-too-large") == [(3, "name", PATH, "error")]
    assert [n["resource"] for n in report["not_checked"]] == ["t"]
    # The flag moves the limit.
    assert validate(tmp_path / "p", "--layer", "frictionless", "--engine", engine)[0] == 0


@pytest.mark.parametrize("size", [7, 10, 16, 1000])
def test_a_large_cell_is_placed_where_it_starts_whatever_the_chunks(tmp_path, monkeypatch, size):
    # The cell starts in one chunk and ends chunks later: its row and field are those of its
    # start, in a chunk read by the full pass (CRLF), wherever that chunk begins.
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,name,note\r\n1,a,b\r\n2," + b"x" * 300 + b",c\r\n")
    resource = {"name": "t", "path": "t.csv", "schema": {"fields": [{"name": f} for f in FIELDS]}}
    monkeypatch.setattr(raw_table, "CHUNK", size)
    result = raw_table.check_table(path, resource, RawLimits(max_cell_bytes=100), 100)
    assert [(f.rule, f.row, f.field) for f in result.items] == [("cell-too-large", 3, "name")]


def test_a_cell_beyond_the_limit_after_a_stray_quote(tmp_path):
    # A quote inside a cell opens nothing for Python's csv module: the cells are measured as
    # it reads them, so the long cell is still found, on its line.
    body = b'id,name,note\n1,a"b,c\n2,' + b"x" * 300 + b",c\n"
    code, report = check(tmp_path, body, "frictionless", "--max-cell-bytes", "100")
    assert code == 1
    assert found(report, "cell-too-large") == [(3, None, PATH, "error")]


def test_a_long_quoted_cell_with_delimiters_is_one_cell(tmp_path):
    body = b'id,name,note\n1,"' + b"a," * 100 + b'",c\n'
    code, report = check(tmp_path, body, "fast", "--max-cell-bytes", "150")
    assert found(report, "cell-too-large") == [(2, "name", PATH, "error")]
    assert code == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_a_file_far_larger_than_its_recorded_bytes_is_not_read(tmp_path, engine):
    body = b"id,name,note\n" + b"".join(b"%d,a,b\n" % i for i in range(100))
    code, report = check(tmp_path, body, engine, "--bytes-margin", "10", bytes=50)
    assert code == 1
    assert found(report, "file-too-large") == [(None, None, PATH, "error")]
    rules = {f["rule"] for f in report["findings"]}
    assert rules == {"file-too-large"}  # no byte-count, no hash: the file was not read
    assert [n["resource"] for n in report["not_checked"]] == ["t"]
    # Within the margin, it is read: the usual byte-count finding.
    code, report = validate(tmp_path / "p", "--layer", "frictionless", "--engine", engine)
    assert {f["rule"] for f in report["findings"]} == {"byte-count"}


def test_a_withheld_table_is_named_by_every_layer_and_its_foreign_keys_are_not_checked(tmp_path):
    folder = write_package(tmp_path / "p", b"id,name,note\n1,a\xff,b\n")
    (folder / "data/r.csv").write_bytes(b"id,t_id\n1,1\n2,9\n")
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"].append(
        {
            "name": "r",
            "path": "data/r.csv",
            "format": "csv",
            "schema": {
                "fields": [{"name": "id", "type": "string"}, {"name": "t_id", "type": "string"}],
                "foreignKeys": [
                    {"fields": ["t_id"], "reference": {"resource": "t", "fields": ["id"]}}
                ],
            },
        }
    )
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    code, report = validate(folder, "--layer", "frictionless", "--layer", "pandera")
    assert code == 1
    assert {f["rule"] for f in report["findings"]} == {"invalid-utf8"}
    notes = {(n["layer"], n["resource"]) for n in report["not_checked"]}
    assert {("frictionless", "t"), ("pandera", "t"), ("frictionless", "r")} <= notes


def test_why_a_table_is_withheld_is_said_whatever_the_layers(tmp_path):
    folder = write_package(tmp_path / "p", b"id,name,note\n1,a\xff,\x00b\n")
    code, report = validate(folder, "--layer", "pandera")
    assert code == 1
    # The reason it was not read; the other raw findings are the frictionless layer's to show.
    assert [(f["rule"], f["row"]) for f in report["findings"]] == [("invalid-utf8", 2)]
    assert [(n["layer"], n["resource"]) for n in report["not_checked"]] == [("pandera", "t")]


# After a letter, the piece ends before the lead byte and carries the run on: a carry longer
# than the buffer's spare room.
@pytest.mark.parametrize("letter", [b"", b"a"])
def test_bytes_that_are_no_characters_are_read_in_bounded_pieces(tmp_path, monkeypatch, letter):
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,name,note\n1," + letter + b"\xe2" + b"\x80" * 500 + b",x\n")
    monkeypatch.setattr(raw_table, "CHUNK", 7)
    resource = {"name": "t", "path": "t.csv", "schema": {"fields": [{"name": f} for f in FIELDS]}}
    result = raw_table.check_table(path, resource, RawLimits(), 1000)
    assert result.withheld is not None
    assert {(f.rule, f.row, f.field) for f in result.items} == {("invalid-utf8", 2, "name")}


BODIES = [
    b'\xef\xbb\xbfid,name,note\r\n1,"a\r\nb",c\r\n2,d\xff,\x00e\n3,\xe2\x80\xae,f\r4,g,h\r\n',
    'id,name,note\n"e\u0301",\u200b\u200b,"x,""y"""\n\u00e9,'.encode() + b"z" * 40 + b",w\n",
]


@pytest.mark.parametrize("body", BODIES)
def test_findings_do_not_depend_on_where_chunks_end(tmp_path, monkeypatch, body):
    path = tmp_path / "t.csv"
    path.write_bytes(body)
    resource = {
        "name": "t",
        "path": "t.csv",
        "schema": {"fields": [{"name": f} for f in FIELDS], "primaryKey": ["id"]},
    }
    limits = RawLimits(max_cell_bytes=30)
    whole = raw_table.check_table(path, resource, limits, 100)
    assert whole.items
    for size in (1, 2, 3, 5, 7, 13):
        monkeypatch.setattr(raw_table, "CHUNK", size)
        assert raw_table.check_table(path, resource, limits, 100) == whole, size


PIECES = [b"a", b"1", b",", b'"', b"\n", b"\r\n", b"\r", b"\x00", b"\x1b", b"\xff"]
PIECES += [c.encode() for c in ("\u00e9", "e\u0301", "\u202e", "\u200b", "\ufeff", "\u0416")]
PIECES += [b'"a,\nb"', b'a"b', b'""']  # quoted cells with separators, mid-cell and doubled quotes


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.integers(1, 17), st.integers(1, 5))
def test_findings_never_depend_on_chunks(tmp_path_factory, pieces, size, block):
    path = tmp_path_factory.mktemp("raw") / "t.csv"
    path.write_bytes(b"id,name,note\n" + b"".join(pieces))
    resource = {
        "name": "t",
        "path": "t.csv",
        "dialect": {"delimiter": ","},
        "schema": {"fields": [{"name": f} for f in FIELDS], "primaryKey": ["id"]},
    }
    limits = RawLimits(max_cell_bytes=20)
    whole = raw_table.check_table(path, resource, limits, 1000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(raw_table, "CHUNK", size)
        patch.setattr(raw_table, "_BLOCK", block)
        pieces_result = raw_table.check_table(path, resource, limits, 1000)
    # A run of suspect characters longer than a piece may be split in two: compare places.
    assert {(f.rule, f.row, f.field) for f in pieces_result.items} == {
        (f.rule, f.row, f.field) for f in whole.items
    }
    assert pieces_result.withheld == whole.withheld


# Printable ASCII: quoted cells holding delimiters and line feeds, doubled quotes, a quote
# inside a cell, cells long enough to straddle chunk ends.
PLAIN_PIECES = [b"a", b"1", b",", b";", b"\t", b'"', b'""', b"\n", b"a" * 25]
PLAIN_PIECES += [b'"a,b;c\td"', b'"x\ny"', b'"p""q"', b'a"b', b'"' + b"a" * 30 + b'"']
# What follows the plain chunks: nothing, or a finding to locate from their rows and fields.
LATER = [b"", b"\r\n", b"\r", b"\x1b", b"\x7f", "\u202e".encode(), b"\xff"]
# The state a chunk hands to the next.
CARRIED = ("rows", "columns", "quoted", "cell_start", "endings", "malformed", "large")
CARRIED += ("large_row", "large_column", "total", "last_byte", "findings", "counts", "omitted")


def scan_states(path: Path, resource: dict, limits: RawLimits) -> tuple[object, list[dict]]:
    """check_table's result, and the scan's carried state after each chunk."""
    states: list[dict] = []
    feed = raw_table._Scan.feed

    def recorded(scan, base, piece):
        feed(scan, base, piece)
        states.append({name: copy.deepcopy(getattr(scan, name)) for name in CARRIED})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(raw_table._Scan, "feed", recorded)
        return raw_table.check_table(path, resource, limits, 1000), states


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    st.lists(st.sampled_from(PLAIN_PIECES), max_size=80),
    st.sampled_from(LATER),
    st.lists(st.sampled_from(PLAIN_PIECES), max_size=10),
    st.integers(1, 17),
    st.integers(1, 9),
    st.sampled_from([",", ";", "\t"]),
    # "~" is found by another comparison than "'" and '"'; a control quote is no plain byte.
    st.sampled_from(['"', "'", "~", "\x00"]),
    st.sampled_from([5, 20, 1000]),
)
# A quoted cell, then a cell beyond the limit: a quote taken for an opening one would send the
# cells to Python's csv module, which words the finding otherwise.
@example([b'"', b"a", b'"', b",", b"a" * 25, b"\n"], b"", [], 5, 3, ",", '"', 20)
# Rows carried through quick chunks locate a control character in a late one.
@example([b'"x\ny"', b",", b"\n", b"1", b"\n", b"a" * 25], b"\x1b", [b"\n"], 4, 2, ",", '"', 1000)
def test_plain_chunks_read_quickly_carry_the_state_of_the_full_pass(
    tmp_path_factory, pieces, later, after, size, block, sep, quote, max_cell
):
    """Chunks of printable ASCII are carried by the positions of their quotes and control
    characters alone (_Scan._quick): each hands the next the state that the full pass over
    every separator hands it, so a finding in a later chunk is placed alike."""
    path = tmp_path_factory.mktemp("raw") / "t.csv"
    body = b"id,name,note\n" + b"".join(pieces) + later + b"".join(after)
    path.write_bytes(body.replace(b'"', quote.encode()))
    resource = {
        "name": "t",
        "path": "t.csv",
        "dialect": {"delimiter": sep, "quoteChar": quote},
        "schema": {"fields": [{"name": f} for f in FIELDS], "primaryKey": ["id"]},
    }
    limits = RawLimits(max_cell_bytes=max_cell)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(raw_table, "CHUNK", size)
        patch.setattr(raw_table, "_BLOCK", block)
        quick = scan_states(path, resource, limits)
        patch.setattr(raw_table._Scan, "_quick", lambda *_: False)
        full = scan_states(path, resource, limits)
    assert quick == full


def test_plain_quoted_chunks_are_read_quickly(tmp_path, monkeypatch):
    """The equality above is no accident of _quick declining: on plain chunks it reads."""
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,name,note\n" + b'1,"a,\nb","x""y"\n' * 50)
    resource = {"name": "t", "path": "t.csv", "schema": {"fields": [{"name": f} for f in FIELDS]}}
    taken = []
    quick = raw_table._Scan._quick
    monkeypatch.setattr(raw_table, "CHUNK", 64)
    monkeypatch.setattr(raw_table, "_BLOCK", 16)
    monkeypatch.setattr(
        raw_table._Scan, "_quick", lambda *args: taken.append(quick(*args)) or taken[-1]
    )
    assert raw_table.check_table(path, resource, RawLimits(max_cell_bytes=100), 1000).items == []
    assert len(taken) > 10 and all(taken)
