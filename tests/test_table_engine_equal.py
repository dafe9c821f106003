"""The vectorized engine reports what frictionless reports: the same findings (code, row,
field, value and message) on generated tables within the types and constraints our schemas use,
with cells frictionless reads leniently and structural faults."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzdata.pipelines.layers import frictionless_layer
from kzdata.pipelines.table_engine import cells as cells_module
from kzdata.pipelines.table_engine import tokens
from kzdata.pipelines.table_engine.layer_tables import Tables
from kzdata.pipelines.target import open_target

FIELDS = [
    {"name": "id", "type": "string", "constraints": {"pattern": "[a-z][a-z0-9_]*"}},
    {"name": "parent", "type": "string"},
    {"name": "n", "type": "integer", "constraints": {"minimum": 0, "maximum": 1000}},
    {"name": "x", "type": "number", "constraints": {"minimum": 0.5}},
    {"name": "flag", "type": "boolean"},
    {
        "name": "kind",
        "type": "string",
        "constraints": {"required": True, "enum": ["exact", "vague"], "maxLength": 5},
    },
    {"name": "code", "type": "string", "constraints": {"unique": True, "minLength": 2}},
    {"name": "day", "type": "date"},
]
PARENT = {"fields": [{"name": "pid", "type": "string"}], "primaryKey": ["pid"]}
SCHEMA = {
    "fields": FIELDS,
    "primaryKey": ["id"],
    "foreignKeys": [{"fields": ["parent"], "reference": {"resource": "parent", "fields": ["pid"]}}],
}
# Cells frictionless reads leniently or that break a rule: " 1", "+1" and "1_000" are integers
# there, "2025-1-5" a date; "1e3", ".5", "NaN" numbers.
TRICKY = [
    "",
    " ",
    "1",
    " 1",
    "+1",
    "-1",
    "1_000",
    "007",
    "1001",
    "99999999999999999999",
    "1.0",
    "0.5",
    "0.50",
    ".5",
    "5.",
    "1e3",
    "NaN",
    "inf",
    "-0",
    "x",
    "a1",
    "A1",
    "a b",
    "exact",
    "vague",
    "exactly",
    "true",
    "FALSE",
    "0",
    "yes",
    "2025-01-05",
    "2025-1-5",
    "2025-02-30",
    "0000-01-01",
    "p1",
    "p2",
    "p3",
    "ab",
    "a,b",
    "a\nb",
    'say "hi"',
    "é",
    "a\n",
]
cells = st.sampled_from(TRICKY)
row = st.lists(cells, min_size=len(FIELDS), max_size=len(FIELDS))
ragged = st.lists(cells, min_size=0, max_size=len(FIELDS) + 2)
rows = st.lists(st.one_of(row, row, row, ragged), min_size=0, max_size=25)
labels = st.one_of(
    st.just([f["name"] for f in FIELDS]),
    st.lists(st.sampled_from(["id", "n", "x", "", "kind", "other"]), min_size=8, max_size=8),
)


def write_package(
    folder: Path, header: list[str], body: list[list[str]], hash_ok: bool, schema: dict = SCHEMA
) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    content = out.getvalue().encode("utf-8")
    (folder / "t.csv").write_bytes(content)
    (folder / "parent.csv").write_bytes(b"pid\np1\np2\n")
    digest = hashlib.sha256(content if hash_ok else b"other").hexdigest()
    descriptor = {
        "name": "generated",
        "resources": [
            {"name": "parent", "path": "parent.csv", "schema": PARENT},
            {
                "name": "t",
                "path": "t.csv",
                "schema": schema,
                "hash": f"sha256:{digest}",
                "bytes": len(content),
            },
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def findings(folder: Path, engine: str, limit: int = 1000) -> list[dict]:
    target = open_target(folder)
    target.engine = engine
    return [
        item.to_dict() if hasattr(item, "to_dict") else vars(item)
        for item in frictionless_layer.check(target, limit)
    ]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=labels, body=rows, hash_ok=st.booleans())
def test_both_engines_report_the_same(tmp_path_factory, header, body, hash_ok) -> None:
    folder = tmp_path_factory.mktemp("pkg")
    write_package(folder, header, body, hash_ok)
    handed_over: list[str] = []
    original = Tables._frictionless

    def recording(self, resource, to_finding):
        handed_over.append(resource.name)
        return original(self, resource, to_finding)

    with mock.patch.object(Tables, "_frictionless", recording):
        fast = findings(folder, "fast")
    assert fast == findings(folder, "frictionless")
    # Not a comparison of frictionless with itself: the fast engine read the table, unless
    # frictionless would guess a header row other than the first (it then checks the table).
    assert "t" not in handed_over or guessed_header_row([header, *body]) != 1


# Fields of a kind in twos, their limits apart: a short table reads each two stacked, as one
# column, each field's limits and lenient readings its own.
ALIKE = [
    {"name": "a", "type": "integer", "constraints": {"minimum": 0, "maximum": 10}},
    {"name": "b", "type": "integer", "constraints": {"minimum": 5, "maximum": 1000}},
    {"name": "c", "type": "number", "constraints": {"minimum": 0.5}},
    {"name": "d", "type": "number", "constraints": {"minimum": 1}},
    {"name": "e", "type": "date", "constraints": {"minimum": "2025-01-05"}},
    {"name": "f", "type": "date", "constraints": {"minimum": "2025-02-01"}},
    {"name": "g", "type": "boolean"},
    {"name": "h", "type": "boolean"},
    {"name": "i", "type": "string", "constraints": {"enum": ["exact", "a1"], "maxLength": 5}},
    {"name": "j", "type": "string", "constraints": {"enum": ["exact", "a1"], "maxLength": 5}},
    {"name": "k", "type": "integer", "constraints": {"enum": [1, 7], "required": True}},
    {"name": "l", "type": "integer", "constraints": {"enum": [1, 7], "required": True}},
]
alike_rows = st.lists(
    st.one_of(*[st.lists(cells, min_size=len(ALIKE), max_size=len(ALIKE))] * 3, ragged),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=alike_rows)
def test_fields_read_stacked_report_what_frictionless_reports(tmp_path_factory, body) -> None:
    folder = tmp_path_factory.mktemp("pkg")
    write_package(folder, [f["name"] for f in ALIKE], body, True, {"fields": ALIKE})
    stacked: list[int] = []
    original = cells_module._stacked

    def recording(frame, group):
        stacked.append(len(group))
        return original(frame, group)

    with mock.patch.object(cells_module, "_stacked", recording):
        fast = findings(folder, "fast")
    assert fast == findings(folder, "frictionless")
    header = [f["name"] for f in ALIKE]
    # The last reading is the one reported (a file polars cannot be proved to read alike is
    # read again by Python's csv module).
    pairs = len(ALIKE) // 2
    assert stacked[-pairs:] == [2] * pairs or guessed_header_row([header, *body]) != 1


def guessed_header_row(records: list[list[str]]) -> int:
    """frictionless's guess for a dialect that does not say: the first row about as wide as
    the first 100 on average."""
    widths = [len(r) for r in records[:100]]
    width = round(sum(widths) / len(widths))
    drift = max(round(width * 0.1), 1)
    return next((n for n, w in enumerate(widths, 1) if abs(w - width) <= drift), 1)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"id,parent\na,p1\n\nb,p2\n", [("blank-row", 3), ("primary-key", 3)]),
        (b"id,parent\na,p1,x\nb\n", [("extra-cell", 2), ("missing-cell", 3)]),
        (b"id,parent\r\na,p1\r\na,p2\r\n", [("primary-key", 3)]),
        # Read by polars, then not proved (needless quotes, a stray quote): read again.
        (b'id,parent\n"a",p1\na,p2\n', [("primary-key", 3)]),
        (b'id,parent\na"b,p1\na"b,p2\n', [("primary-key", 3)]),
    ],
)
def test_structural_faults_are_found_by_both(tmp_path, content, expected) -> None:
    (tmp_path / "t.csv").write_bytes(content)
    schema = {
        "fields": [{"name": "id"}, {"name": "parent"}],
        "primaryKey": ["id"],
    }
    descriptor = {"name": "p", "resources": [{"name": "t", "path": "t.csv", "schema": schema}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    fast = findings(tmp_path, "fast")
    assert [(f["rule"], f["row"]) for f in fast] == expected
    assert fast == findings(tmp_path, "frictionless")


def test_a_field_both_unique_and_the_primary_key_is_checked_as_each(tmp_path) -> None:
    # Its values are counted once for both checks: a null repeats for the primary key only.
    (tmp_path / "t.csv").write_bytes(b"id,parent\na,p1\n,p2\na,p3\n,p4\nb,p5\nb,p6\n")
    schema = {
        "fields": [{"name": "id", "constraints": {"unique": True}}, {"name": "parent"}],
        "primaryKey": ["id"],
    }
    descriptor = {"name": "p", "resources": [{"name": "t", "path": "t.csv", "schema": schema}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    fast = findings(tmp_path, "fast")
    assert {f["rule"] for f in fast} == {"unique-error", "primary-key"}
    assert fast == findings(tmp_path, "frictionless")


def one_column_package(folder: Path, pattern: str, cells: list[str]) -> None:
    (folder / "t.csv").write_text("\n".join(["id", *cells]) + "\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "constraints": {"pattern": pattern}}]}
    descriptor = {"name": "p", "resources": [{"name": "t", "path": "t.csv", "schema": schema}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def test_a_pattern_polars_cannot_run_is_a_declared_warning_on_both_engines(tmp_path) -> None:
    # Look-ahead: Python's re has it, polars' regex does not; neither engine falls back to re.
    one_column_package(tmp_path, "(?=b)[a-z]+", ["abc", "bcd"])
    for engine in ("fast", "frictionless"):
        assert [(f["rule"], f["field"], f["value"]) for f in findings(tmp_path, engine)] == [
            ("pattern-not-checked", "id", "(?=b)[a-z]+")
        ]


def test_a_pattern_is_matched_without_backtracking(tmp_path) -> None:
    # Python's re would take forever here; polars' regex runs in linear time.
    one_column_package(tmp_path, "(a+)+", ["a" * 40 + "!", "aaa"])
    assert [(f["rule"], f["row"]) for f in findings(tmp_path, "fast")] == [("constraint-error", 2)]


@pytest.mark.parametrize(
    ("pattern", "cells", "failing_rows"),
    [
        ("a|b", ["ab", "b", "xb"], [4]),  # frictionless anchors "^a|b$": "ab" passes
        ("[0-9]+", ["12", "12\n"], []),  # "$" also matches before a final newline
    ],
)
def test_patterns_read_as_frictionless_reads_them(tmp_path, pattern, cells, failing_rows) -> None:
    (tmp_path / "t.csv").write_text("id\n" + "".join(f'"{c}"\n' for c in cells), encoding="utf-8")
    schema = {"fields": [{"name": "id", "constraints": {"pattern": pattern}}]}
    descriptor = {"name": "p", "resources": [{"name": "t", "path": "t.csv", "schema": schema}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    fast = findings(tmp_path, "fast")
    assert [f["row"] for f in fast] == failing_rows
    assert fast == findings(tmp_path, "frictionless")


def test_the_cli_offers_the_engines_and_both_agree_on_a_broken_package(runner, broken) -> None:
    from kzdata.cli.main import app
    from kzdata.cli.validate import Engine
    from kzdata.pipelines.table_engine.choice import ENGINES

    assert {e.value for e in Engine} == set(ENGINES)
    reports = {}
    for engine in ENGINES:
        args = ["validate", str(broken), "-l", "frictionless", "-f", "json", "--engine", engine]
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        reports[engine] = json.loads(result.stdout)["findings"]
    assert reports["fast"] == reports["frictionless"] == reports["auto"]
    assert {f["rule"] for f in reports["fast"]} >= {"type-error", "primary-key"}


def test_an_unknown_engine_could_not_run(runner, package) -> None:
    from kzdata.cli.main import app

    result = runner.invoke(app, ["validate", str(package), "--engine", "turbo"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_auto_checks_a_table_with_a_pattern_on_the_linear_engine(tmp_path) -> None:
    # A small table goes to frictionless, but not with a pattern: Python's re would never end.
    one_column_package(tmp_path, "(a+)+", ["a" * 40 + "!", "aaa"])
    assert [(f["rule"], f["row"]) for f in findings(tmp_path, "auto")] == [("constraint-error", 2)]


@pytest.mark.parametrize("name", ["observations", "citations", "qualifiers", "events"])
def test_the_typed_frame_holds_frictionless_values(name) -> None:
    from frictionless import Package

    from kzdata.pipelines.table_engine.engine import typed_frame

    root = Path(__file__).resolve().parents[1] / "datapackage"
    resource = Package(str(root / "datapackage.json")).get_resource(name)
    frame = typed_frame(resource, root / resource.path)
    with resource:
        # Numbers are floats in the frame, Decimals in frictionless.
        expected = [
            {k: float(v) if isinstance(v, Decimal) else v for k, v in row.to_dict().items()}
            for row in resource.row_stream
        ]
    assert frame.columns == [f.name for f in resource.schema.fields]
    assert frame.to_dicts() == expected


# Lines written otherwise than Python's csv writer writes them: polars cannot be proved to read
# a block holding one, which Python's csv module then reads.
ODD_LINES = ["", '"needless",quotes', "ragged", "a,b,c,d,e,f,g,h,i,j", '"a""b",c', 'x"y,z']


@settings(max_examples=60, deadline=None)
@given(
    body=st.lists(st.one_of(row, ragged), min_size=1, max_size=40),
    odd=st.lists(st.tuples(st.integers(0, 40), st.sampled_from(ODD_LINES)), max_size=4),
    block=st.sampled_from([16, 64, 256]),
)
def test_a_file_read_in_blocks_holds_the_cells_pythons_csv_module_reads(body, odd, block) -> None:
    from kzdata.pipelines.table_engine import tokens

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[f["name"] for f in FIELDS], *body])
    lines = out.getvalue().split("\n")
    for at, line in sorted(odd, reverse=True):
        lines.insert(min(at + 1, len(lines) - 1), line)  # after the header
    text = "\n".join(lines)
    width = len(FIELDS)
    with (
        mock.patch.object(tokens, "_BLOCK_BYTES", block),
        mock.patch.object(tokens, "_SMALLEST_BLOCK_BYTES", 8),
    ):
        blocks = tokens._in_blocks(text.encode("utf-8"), csv.excel(), width)
    python = tokens._python(text, csv.excel(), width)
    assert blocks is not None
    assert blocks.labels == python.labels
    assert blocks.frame.to_dicts() == python.frame.to_dicts()
    assert blocks.extra == python.extra


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=labels, body=rows)
def test_both_engines_report_the_same_on_a_file_read_in_blocks(
    tmp_path_factory, header, body
) -> None:
    from kzdata.pipelines.table_engine import tokens

    folder = tmp_path_factory.mktemp("pkg")
    write_package(folder, header, body, hash_ok=True)
    with (
        mock.patch.object(tokens, "_BLOCK_BYTES", 64),
        mock.patch.object(tokens, "_SMALLEST_BLOCK_BYTES", 16),
    ):
        fast = findings(folder, "fast")
    assert fast == findings(folder, "frictionless")


@pytest.mark.parametrize(
    "body",
    [b"a,b\n1\n2,3,4", b"a,b\n\n2,3,4", b"a,b\n1,2\r\n\r\n,,"],
)
def test_an_unterminated_wide_last_row_is_not_taken_from_polars(body) -> None:
    # polars cuts an unterminated last row to the header's width; the cells it keeps must be
    # those Python's csv module reads, or it must not be taken at all.
    frame = tokens._proved(body, ",")
    records = list(csv.reader(io.StringIO(body.decode(), newline="")))
    assert frame is None or [list(r) for r in frame.rows()] == records


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.lists(row, min_size=1, max_size=30),
    odd=st.lists(st.tuples(st.integers(0, 30), st.sampled_from([*ODD_LINES, "a\rb"])), max_size=2),
    terminator=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    unterminated=st.booleans(),
    piece=st.sampled_from([1, 2, 7, 64]),
)
def test_a_file_polars_reads_from_disk_holds_the_cells_pythons_csv_module_reads(
    tmp_path_factory, body, odd, terminator, bom, unterminated, piece
) -> None:
    # The proof reads the file in pieces (here a few bytes, so that line endings and quotes
    # fall across them); whatever it accepts must be what Python's csv module reads.
    out = io.StringIO()
    csv.writer(out, lineterminator=terminator).writerows([[f["name"] for f in FIELDS], *body])
    lines = out.getvalue().split(terminator)
    for at, line in sorted(odd, reverse=True):
        lines.insert(min(at + 1, len(lines) - 1), line)
    text = terminator.join(lines)
    if unterminated:
        text = text.removesuffix(terminator)
    path = tmp_path_factory.mktemp("file") / "t.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    with mock.patch.object(tokens, "_READ_BYTES", piece):
        read = tokens._polars(path, csv.excel(), len(FIELDS), None)
    python = tokens._python(text, csv.excel(), len(FIELDS))
    if read is None:
        # Only a file written otherwise than Python's csv writer writes it is refused.
        assert odd or unterminated
        return
    assert read.labels == python.labels
    assert read.frame.to_dicts() == python.frame.to_dicts()
    assert read.extra == python.extra


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.text(alphabet=",;\t| a1\n\r\"'", max_size=80),
    st.sampled_from([None, ",\t;|", ",", ";"]),
)
def test_the_dialect_is_sniffed_as_pythons_csv_module_sniffs_it(sample, delimiters) -> None:
    def sniffed(sniffer: csv.Sniffer) -> tuple:
        try:
            d = sniffer.sniff(sample, delimiters)
        except csv.Error as exc:
            return ("error", str(exc))
        return (d.delimiter, d.quotechar, d.doublequote, d.skipinitialspace, d.lineterminator)

    assert sniffed(tokens.Sniffer()) == sniffed(csv.Sniffer())


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(
        st.lists(st.text(alphabet="a1 é\t;\x00", max_size=3), min_size=1, max_size=4),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.sampled_from([",", ";", "\t"]),
    st.integers(2, 5),
)
def test_a_file_without_quotes_is_split_as_pythons_csv_module_reads_it(
    records, terminator, last_break, delimiter, width
) -> None:
    text = terminator.join(delimiter.join(cells) for cells in records)
    text += terminator if last_break else ""
    read = tokens._split(text.encode("utf-8"), delimiter, width)
    if read is None:
        return  # read otherwise: a ragged row, a blank line, or one column
    dialect = {"delimiter": delimiter, "quotechar": '"', "doublequote": True}
    python = tokens._python(text, type("D", (csv.excel,), dialect)(), width)
    assert read.labels == python.labels
    assert read.frame.to_dicts() == python.frame.to_dicts()
    assert read.extra == python.extra


def test_a_wide_file_without_quotes_is_split_and_one_with_them_is_not(tmp_path) -> None:
    header = ",".join(f"f{n}" for n in range(tokens.SPLIT_MIN_FIELDS))
    row = ",".join("1" for _ in range(tokens.SPLIT_MIN_FIELDS))
    width = tokens.SPLIT_MIN_FIELDS
    path = tmp_path / "t.csv"
    path.write_bytes(f"{header}\n{row}\n".encode())
    with mock.patch.object(tokens, "_frame", side_effect=AssertionError("not split")):
        split = tokens._polars(path, csv.excel(), width, None)
    assert split is not None and split.frame.height == 1
    path.write_bytes(f'{header}\n"a""b"{row[1:]}\n'.encode())
    with mock.patch.object(tokens, "_split", side_effect=AssertionError("split")):
        assert tokens._polars(path, csv.excel(), width, None) is not None
