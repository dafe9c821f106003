"""A CSV resource as raw cells, tokenized as frictionless's reader tokenizes it.

frictionless reads with Python's csv module, in a dialect it completes by sniffing the first
lines. The same dialect is worked out here with frictionless's own code; polars then reads the
file when that dialect is plain CSV, and proves it read it as Python's csv module would by
writing the cells back and getting the file, byte for byte. Where the proof fails (ragged rows,
blank lines, odd quoting), Python's csv module reads the file as frictionless
does. Either way a missing cell is null, and an empty one is "".
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

ROW = "__row"  # the frictionless row number (the header is row 1)


class Unsupported(Exception):
    """This table uses something the vectorized engine does not read as frictionless does
    (a dialect option, an encoding, an empty file): frictionless checks it instead."""


@dataclass
class Tokens:
    """The header's labels, one string column per field position ("0", "1" ...) plus ROW,
    and the cells beyond the fields' count by row number."""

    labels: list[str]
    frame: pl.DataFrame
    extra: dict[int, list[str]] = field(default_factory=dict)
    # Whether Python's csv module reads the file into these cells: a proof that may still be
    # running beside the caller's work (see read_tokens), waited for when called.
    proved: Callable[[], bool] = lambda: True


# Dialect options the engine reads as frictionless does; any other one is Unsupported.
_PLAIN_DIALECT = {"header", "csv", "delimiter", "lineTerminator", "quoteChar", "doubleQuote"}
_UTF8 = {None, "utf-8", "utf8", "utf_8", "utf-8-sig"}


def read_tokens(
    resource: Any, path: Path, width: int, pool: Executor | None = None, polars: bool = True
) -> Tokens:
    """The cells of a frictionless TableResource whose file is at `path`, as `width` columns
    (the schema's field count). Given a `pool`, the proof that polars read the file as Python's
    csv module reads it runs there, beside the caller's work on the cells: the caller must
    check `proved()` before it trusts them, and read the file again with `polars=False` when
    it is false. Raises Unsupported."""
    dialect = resource.dialect.to_descriptor()
    if set(dialect) - _PLAIN_DIALECT or set(dialect.get("csv", {})) - _PLAIN_DIALECT:
        raise Unsupported(f"dialect options {sorted(dialect)}")
    if dialect.get("header", True) is not True or (resource.format or "csv") != "csv":
        raise Unsupported("a table without a header row, or not CSV")
    encoding = resource.encoding.lower() if isinstance(resource.encoding, str) else None
    if encoding not in _UTF8:
        raise Unsupported(f"encoding {resource.encoding}")
    config = _python_dialect(resource, _head(path))
    tokens = _polars(path, config, width, pool) if polars and _plain(config) else None
    if tokens is not None:
        return tokens
    # A file polars cannot be proved to read whole is held in memory, to be read in parts.
    content = path.read_bytes()
    if _plain(config) and len(content) > _BLOCK_BYTES and _no_lone_cr(content):
        tokens = _in_blocks(content, config, width)
    if tokens is None:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Unsupported("not UTF-8: frictionless reports the encoding error") from exc
        tokens = _python(text, config, width)
    if not tokens.labels and tokens.frame.height == 0:
        raise Unsupported("an empty file")
    return tokens


def _head(path: Path) -> bytes:
    """The file's first lines, as many as frictionless sniffs its dialect from: a prefix
    ending after SAMPLE_SIZE + 1 newlines holds them whole (a lone carriage return only adds
    lines); the whole file when it has fewer."""
    from frictionless.formats.csv.parser import SAMPLE_SIZE

    head = b""
    with path.open("rb") as handle:
        while (piece := handle.read(_HEAD_BYTES)) and head.count(b"\n") <= SAMPLE_SIZE:
            head += piece
    end = -1
    for _ in range(SAMPLE_SIZE + 1):
        end = head.find(b"\n", end + 1)
        if end == -1:
            return head
    return head[: end + 1]


_HEAD_BYTES = 64 * 1024


def _python_dialect(resource: Any, prefix: bytes) -> Any:
    """The csv dialect frictionless reads a file in (its CsvParser, step by step), from the
    file's first lines (`_head`)."""
    from frictionless.formats.csv.control import CsvControl
    from frictionless.formats.csv.parser import SAMPLE_SIZE

    control = CsvControl.from_dialect(resource.dialect)
    try:
        text = prefix.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unsupported("not UTF-8: frictionless reports the encoding error") from exc
    lines = io.StringIO(text, newline="")
    sample = [line for _, line in zip(range(SAMPLE_SIZE), lines, strict=False)]
    delimiter = control.get_defined("delimiter", default=",\t;|")
    try:
        config = Sniffer().sniff("".join(sample), delimiter)
    except csv.Error:
        config = csv.excel()
    if config.quotechar == "'":
        config.quotechar = '"'
    control.set_not_defined("delimiter", config.delimiter, distinct=True)
    control.set_not_defined("line_terminator", config.lineterminator, distinct=True)
    control.set_not_defined("escape_char", config.escapechar, distinct=True)
    control.set_not_defined("quote_char", config.quotechar, distinct=True)
    control.set_not_defined("skip_initial_space", config.skipinitialspace, distinct=True)
    return control.to_python()


class Sniffer(csv.Sniffer):
    """Python's csv.Sniffer, which frictionless sniffs with, without its search for quoted
    text in a sample that holds no quote character: each of the search's patterns needs one,
    so it finds nothing there, and it takes a second on the 100 lines of a wide table."""

    def _guess_quote_and_delimiter(self, data: str, delimiters: Any) -> Any:
        if '"' not in data and "'" not in data:
            return "", False, None, 0
        return super()._guess_quote_and_delimiter(data, delimiters)


def _plain(config: Any) -> bool:
    return (
        len(config.delimiter) == 1
        and config.delimiter not in '"\r\n'
        and config.quotechar == '"'
        and config.doublequote
        and not config.escapechar
        and not config.skipinitialspace
        and config.quoting == csv.QUOTE_MINIMAL
    )


# Rows written back at a time when the file is compared with polars's reading of it.
_SLICE_ROWS = 65_536


def _polars(path: Path, config: Any, width: int, pool: Executor | None) -> Tokens | None:
    """The file read by polars, or None when polars might have read it otherwise than
    Python's csv module (then the caller reads it with that module).

    The proof is a round trip: the cells polars read, written back as Python's csv writer
    writes them (quotes only where needed, empty cells bare), give the file byte for byte.
    Python's csv module reads such a file back into the same cells, so both read it alike.
    A file written otherwise (blank lines, ragged rows, needless quotes, stray quotes, a lone
    carriage return) is read by Python's csv module instead. polars reads the file itself and
    the proof reads it a piece at a time: the file's bytes are never held whole beside its
    cells (but for a file with no line feed at its end, read with one added, and a file of
    SPLIT_MIN_FIELDS fields or more, read whole to be split)."""
    if width < 2:
        return None
    source: bytes | Path = path
    if width >= SPLIT_MIN_FIELDS:
        body = _body(path.read_bytes())
        if b'"' not in body and _no_lone_cr(body):
            return _split(body, config.delimiter, width)
        source = _terminated(body)  # read already: not read a second time
    elif not _ends_in_line_feed(path):
        source = _terminated(_body(path.read_bytes()))
    frame = _frame(source, config.delimiter)
    if frame is None:
        return None
    proof = functools.partial(_alike, frame, source, config.delimiter)
    if pool is None and not proof():
        return None
    tokens = _tokens(list(frame.row(0)), [_columns(frame.slice(1), width, 2)])
    if pool is not None:
        tokens.proved = pool.submit(proof).result
    return tokens


# From this many fields a file without quotes is read by splitting its lines: polars's CSV
# reader costs per column and per block of rows, more than the cells of a wide, short table.
SPLIT_MIN_FIELDS = 1_000


def _split(body: bytes, delimiter: str, width: int) -> Tokens | None:
    """A file without quote characters (nor a lone carriage return) read as Python's csv module
    reads it: a record ends at each line break and its cells at each delimiter. None when a
    row has another number of cells than the header (a blank line, a ragged row), or the file
    is not UTF-8: the caller reads it otherwise."""
    try:
        text = body.decode("utf-8").replace("\r", "")  # each \r is a \r\n's: a line break
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the last line break ends the last record
    if not lines:
        return None
    labels = lines[0].split(delimiter)
    count = len(labels)
    names = [str(i) for i in range(count)]
    cells = pl.Series(lines[1:], dtype=pl.String).str.split(delimiter)
    if count < 2 or not (cells.list.len() == count).all():
        return None
    rows = cells.explode().reshape((-1, count)) if len(cells) else None
    data = (
        rows.arr.to_struct(fields=names).struct.unnest()
        if rows is not None
        else pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    )
    return _tokens(labels, [_columns(data, width, 2)])


def _no_lone_cr(content: bytes) -> bool:
    return b"\r" not in content or content.count(b"\r") == content.count(b"\r\n")


BOM = b"\xef\xbb\xbf"


def _body(content: bytes) -> bytes:
    return content[len(BOM) :] if content.startswith(BOM) else content


def _proved(body: bytes, delimiter: str) -> pl.DataFrame | None:
    """`body` (whole records) read by polars, or None unless Python's csv module is proved to
    read it alike."""
    body = _terminated(body)
    frame = _frame(body, delimiter)
    return frame if frame is not None and _alike(frame, body, delimiter) else None


def _terminated(body: bytes) -> bytes:
    # polars cuts an unterminated last row wider than the first to its width (it refuses any
    # other); Python's csv module reads the file alike with a line feed added.
    return body if body.endswith(b"\n") else body + b"\n"


def _frame(body: bytes | Path, delimiter: str) -> pl.DataFrame | None:
    """`body` (whole records ending in a line feed, or a file of them) read by polars, or None
    when polars refuses it or reads it so that it cannot be proved (`_alike`)."""
    try:
        frame = pl.read_csv(
            body,
            has_header=False,
            infer_schema=False,
            separator=delimiter,
            quote_char='"',
            empty_string_is_null=False,
            raise_if_empty=False,
            eol_char="\n",
        )
    except (pl.exceptions.PolarsError, ValueError, OSError):
        return None
    # One column cannot be proved: polars reads a blank line as one empty cell, Python's csv
    # module as none.
    if frame.height == 0 or frame.width < 2 or frame.null_count().sum_horizontal().item() != 0:
        return None
    return frame


def _alike(frame: pl.DataFrame, body: bytes | Path, delimiter: str) -> bool:
    """Whether Python's csv module reads `body` (as `_frame` read it) into the cells of
    `frame`."""
    with _opened(body) as stream:
        return _read_alike(frame, stream, delimiter)


def _ends_in_line_feed(path: Path) -> bool:
    with path.open("rb") as handle:
        if handle.seek(0, io.SEEK_END) == 0:
            return False
        handle.seek(-1, io.SEEK_END)
        return handle.read(1) == b"\n"


def _opened(body: bytes | Path) -> BinaryIO:
    """The bytes polars read, as a stream: a file is read past its byte-order mark, as polars
    reads it."""
    if isinstance(body, bytes):
        return io.BytesIO(body)
    stream = body.open("rb")
    if stream.read(len(BOM)) != BOM:
        stream.seek(0)
    return stream


def _columns(
    data: pl.DataFrame, width: int, number: int
) -> tuple[pl.DataFrame, dict[int, list[str]]]:
    """Rows read by polars as `width` columns named "0", "1" ..., and the cells beyond them by
    row number (the first row is row `number`)."""
    names = data.columns
    extra: dict[int, list[str]] = {}
    if data.width > width:  # every row has these cells: rare, so kept as Python lists
        for n, cells in enumerate(data.select(names[width:]).rows(), start=number):
            extra[n] = list(cells)
        data = data.drop(names[width:])
    # Renamed, not selected: an expression per column costs a wide table more than its cells.
    data = data.rename({name: str(i) for i, name in enumerate(data.columns)})
    missing = [pl.lit(None, pl.String).alias(str(i)) for i in range(data.width, width)]
    return (data.with_columns(missing) if missing else data), extra


def _tokens(labels: list[str], parts: list[tuple[pl.DataFrame, dict[int, list[str]]]]) -> Tokens:
    frames = [frame for frame, _ in parts]
    extra = {n: cells for _, found in parts for n, cells in found.items()}
    return Tokens(labels, _numbered(pl.concat(frames) if len(frames) > 1 else frames[0]), extra)


# A file polars cannot be proved to read whole is read in blocks of whole lines, each by
# polars when proved, else in smaller blocks, down to the smallest, which Python's csv module
# reads: only the rows around a fault pay for Python. After a block read alike, the next block
# starts a record (the write-back ended one there).
_BLOCK_BYTES = 4 * 1024 * 1024
_SMALLEST_BLOCK_BYTES = 64 * 1024


def _in_blocks(content: bytes, config: Any, width: int) -> Tokens | None:
    """The file read a block at a time (see _BLOCK_BYTES), or None if its header row is not
    read by polars."""
    body = _body(content)
    parts: list[tuple[pl.DataFrame, dict[int, list[str]]]] = []
    labels: list[str] | None = None
    at, size, number = 0, _BLOCK_BYTES, 1  # number: the row the next block starts at
    while at < len(body):
        newline = body.find(b"\n", at + size)
        end = len(body) if newline == -1 else newline + 1
        frame = _proved(body[at:end], config.delimiter)
        if frame is not None:
            size = min(size * 2, _BLOCK_BYTES)
        elif size > _SMALLEST_BLOCK_BYTES:
            size //= 2
            continue
        else:
            records, end = _python_records(body, at, end, config)
            if labels is None:
                labels, records, number = records[0], records[1:], 2
            extra = {number + i: r[width:] for i, r in enumerate(records) if len(r) > width}
            parts.append((_python_frame(records, width), extra))
            number += len(records)
            at = end
            continue
        if labels is None:
            if frame.width != width:
                return None  # a ragged header row: Python's csv module reads the file
            labels, frame, number = list(frame.row(0)), frame.slice(1), 2
        parts.append(_columns(frame, width, number))
        number += frame.height
        at = end
    if labels is None:
        return None
    return _tokens(labels, parts)


def _python_records(body: bytes, at: int, end: int, config: Any) -> tuple[list[list[str]], int]:
    """The records Python's csv module reads from byte `at` (a record's start) until the
    first record boundary at or after `end`, and that boundary."""
    position = [at]

    def lines():
        while position[0] < len(body):
            newline = body.find(b"\n", position[0])
            stop = len(body) if newline == -1 else newline + 1
            line = body[position[0] : stop]
            position[0] = stop
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise Unsupported("not UTF-8: frictionless reports the encoding error") from exc

    records = []
    try:
        for record in csv.reader(lines(), dialect=config):
            records.append(record)
            if position[0] >= end:
                break
    except csv.Error as exc:
        raise Unsupported(f"the csv module cannot read it: {exc}") from exc
    return records, position[0]


# Bytes read at a time where the proof reads a file's bytes in order.
_READ_BYTES = 8 * 1024 * 1024


def _read_alike(frame: pl.DataFrame, stream: BinaryIO, delimiter: str) -> bool:
    """Whether Python's csv module reads the rest of `stream` into the cells of `frame`
    (polars's reading of it)."""
    start = stream.tell()
    delimiters = newlines = carriage_returns = crlfs = 0
    quoted, last = False, b""
    while piece := stream.read(_READ_BYTES):
        if b"\r" in piece:
            carriage_returns += piece.count(b"\r")
            crlfs += piece.count(b"\r\n")
        crlfs += last == b"\r" and piece.startswith(b"\n")  # a CRLF across two pieces
        last = piece[-1:]
        quoted = quoted or b'"' in piece
        if not quoted:
            delimiters += piece.count(delimiter.encode("utf-8"))
            newlines += piece.count(b"\n")
    if carriage_returns != crlfs:
        # A lone carriage return ends a row for Python's csv module, not for polars.
        return False
    if quoted:
        stream.seek(start)
        return _writes_back(frame, stream, delimiter)
    # Without quotes every delimiter parts cells and every newline ends a row. polars refuses
    # a row wider than the first and reads a shorter (or blank) one with empty cells: with as
    # many delimiters and newlines as full rows have, every row is full.
    return delimiters == frame.height * (frame.width - 1) and newlines == frame.height


def _writes_back(frame: pl.DataFrame, stream: BinaryIO, delimiter: str) -> bool:
    """Whether `frame` written as Python's csv writer writes it is the rest of `stream`, byte
    for byte."""
    start = stream.tell()
    terminator = "\r\n" if stream.readline().endswith(b"\r\n") else "\n"
    stream.seek(start)
    for part in frame.iter_slices(_SLICE_ROWS):
        # polars quotes an empty string; Python's writer leaves it bare, as null is written.
        # (A slice at a time: the whole frame is not copied.)
        part = part.select(pl.all().replace("", None))
        out = io.BytesIO()
        part.write_csv(
            out,
            include_header=False,
            separator=delimiter,
            quote_char='"',
            quote_style="necessary",
            line_terminator=terminator,
        )
        written = out.getvalue()
        if stream.read(len(written)) != written:
            return False
    return stream.read(1) == b""


# Rows the csv module reads before they are handed to polars (Python's objects are large).
_CHUNK_ROWS = 100_000


def _python(text: str, config: Any, width: int) -> Tokens:
    """The file read by Python's csv module, as frictionless reads it, a chunk of rows at a
    time into polars columns."""
    # frictionless's csv parser module (imported for the dialect) raised the field size limit.
    reader = csv.reader(io.StringIO(text, newline=""), dialect=config)
    names = [str(i) for i in range(width)]
    try:
        labels = next(reader, None)
        if labels is None:
            raise Unsupported("an empty file")
        chunks, extra, number = [], {}, 2
        while chunk := list(itertools.islice(reader, _CHUNK_ROWS)):
            for n, r in enumerate(chunk, start=number):
                if len(r) > width:
                    extra[n] = r[width:]
            chunks.append(_python_frame(chunk, width))
            number += len(chunk)
    except csv.Error as exc:
        raise Unsupported(f"the csv module cannot read it: {exc}") from exc
    frame = pl.concat(chunks) if chunks else pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    return Tokens(labels, _numbered(frame), extra)


def _python_frame(records: list[list[str]], width: int) -> pl.DataFrame:
    """Records as `width` string columns: cells beyond them left out, missing ones null."""
    padding = [None] * width
    cells = [r if len(r) == width else (r + padding)[:width] for r in records]
    names = dict.fromkeys((str(i) for i in range(width)), pl.String)
    return pl.DataFrame(cells, schema=names, orient="row")


def _numbered(frame: pl.DataFrame) -> pl.DataFrame:
    # Numbered in the cells' own chunks: a column of one chunk beside columns of many (as
    # polars reads a file) would make polars copy every column whole at the next with_columns.
    return frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
