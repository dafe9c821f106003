"""Checks on a CSV table's raw bytes, before any reader parses its cells: what a table's bytes
can hide from a reader that decodes or splits them leniently.

The file is read in chunks (memory is bounded by the chunk, not the file) and scanned with
C-speed operations only: `bytes.isascii`, `re` on bytes and text, numpy over the bytes. Each
finding names its byte offset, and the row (frictionless numbering: the header is row 1) and
field it falls in, from a vectorized count of the line breaks and delimiters outside quotes.
A chunk of printable ASCII (the common case) needs no such count: only its line breaks and
last separators, from the positions of its quotes and line feeds.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from kzdata.pipelines.finding import Finding, LayerItem, Omitted
from kzdata.pipelines.table_limits import RawLimits

LAYER = "frictionless"
# Bytes read and scanned at a time.
CHUNK = 8 * 1024 * 1024
_BLOCK = 256 * 1024  # bytes of a chunk that _Scan._marks passes over at a time

BOM = b"\xef\xbb\xbf"
_UTF8 = {"utf-8", "utf-8-sig"}  # codecs' names for the encodings scanned here

# The rules, by the kind of character or byte that breaks them.
INVALID_UTF8 = "invalid-utf8"
BYTE_ORDER_MARK = "byte-order-mark"
NUL_BYTE = "nul-byte"
MIXED_LINE_ENDINGS = "mixed-line-endings"
LONE_CARRIAGE_RETURN = "lone-carriage-return"
BIDI_CONTROL = "bidi-control"
CONTROL_CHARACTER = "control-character"
INVISIBLE_CHARACTER = "invisible-character"
KEY_NOT_NFC = "key-not-nfc"
CELL_TOO_LARGE = "cell-too-large"
FILE_TOO_LARGE = "file-too-large"
# The findings after which no layer reads a table's cells.
WITHHOLDING = (FILE_TOO_LARGE, CELL_TOO_LARGE, INVALID_UTF8)


@dataclass
class RawResult:
    """A table's raw findings, and why no layer should read its cells (None: they may)."""

    items: list[LayerItem] = field(default_factory=list)
    withheld: str | None = None


# Bidirectional embeddings, overrides and isolates: they reorder how text is displayed.
_BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
# Tab, line feed and carriage return are CSV's own; NUL has its rule.
_ALLOWED_CONTROLS = {0x00, 0x09, 0x0A, 0x0D}


@cache
def _suspects() -> re.Pattern[bytes]:
    """Runs of characters that can disguise a value, matched in UTF-8 bytes: controls (Cc),
    format characters (Cf: bidi controls, zero-width characters, soft hyphen, a byte-order
    mark inside text) and the line and paragraph separators (Zl, Zp)."""
    # Planes 0, 1 and 14 hold every character of these categories (the others hold letters
    # and private use): scanning only them keeps this to a few hundredths of a second.
    planes = (*range(0x20000), *range(0xE0000, 0xF0000))
    encoded = [
        re.escape(chr(c).encode("utf-8"))
        for c in planes
        if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp") and c not in _ALLOWED_CONTROLS
    ]
    # An alternation of byte strings: `re` skips every byte that cannot start one of them
    # (repeated, `(?:...)+`, it would try the alternation at every byte: 150 times slower).
    return re.compile(b"|".join(encoded))


_NUL = re.compile(rb"\x00+")
_PLAIN = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F)])
_NOT_UTF8 = re.compile("[\udc80-\udcff]+")  # what surrogateescape makes of bytes not UTF-8


def _runs(matches: Iterator[re.Match[bytes]]) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) of each run of adjacent matches."""
    start, end = -1, -1
    for match in matches:
        if match.start() != end:
            if start >= 0:
                yield start, match.string[start:end]
            start = match.start()
        end = match.end()
    if start >= 0:
        yield start, match.string[start:end]


def _kind(char: str) -> str:
    code = ord(char)
    if code in _BIDI:
        return BIDI_CONTROL
    if unicodedata.category(char) == "Cc":
        return CONTROL_CHARACTER
    return INVISIBLE_CHARACTER


def check_table(path: Path, resource: dict[str, Any], limits: RawLimits, limit: int) -> RawResult:
    """The raw findings of the CSV file at `path` of `resource` (a resolved descriptor: schema
    and dialect inline), at most `limit` per rule (the rest counted). A file far larger than
    its recorded `bytes` is not read; a table with a cell beyond `limits.max_cell_bytes`, or
    with bytes that are not UTF-8, is withheld from the layers that read cells."""
    where = {"resource": resource.get("name"), "path": resource.get("path")}
    size = path.stat().st_size
    recorded = resource.get("bytes")
    if isinstance(recorded, int) and not isinstance(recorded, bool):
        if size > recorded + limits.bytes_margin:
            message = (
                f"the file has {size} bytes, more than its recorded {recorded} plus a margin "
                f"of {limits.bytes_margin} (--bytes-margin): it was not read, hashed or checked"
            )
            finding = Finding(LAYER, FILE_TOO_LARGE, message, value=str(size), **where)
            return RawResult([finding], f"its file is far larger than its recorded bytes ({size})")
    encoding = _codec(resource.get("encoding"))
    if encoding not in _UTF8:
        return RawResult()  # another encoding: frictionless decodes and checks it
    scan = _Scan(resource, limits, limit, declared_bom=encoding == "utf-8-sig")
    with path.open("rb") as handle:
        for base, chunk in _chunks(handle):
            scan.feed(base, chunk)
    scan.finish(path)
    items: list[LayerItem] = [Finding(LAYER, **f, **where) for f in scan.findings]
    items += [Omitted(LAYER, rule, where["resource"], n) for rule, n in scan.omitted.items()]
    withheld = None
    if scan.counts.get(CELL_TOO_LARGE):
        withheld = f"a cell is larger than {limits.max_cell_bytes} bytes (--max-cell-bytes)"
    elif scan.counts.get(INVALID_UTF8):
        withheld = "its bytes are not UTF-8"
    return RawResult(items, withheld)


def _codec(encoding: Any) -> str:
    if encoding is None:
        return "utf-8"
    try:
        return codecs.lookup(str(encoding)).name
    except LookupError:
        return str(encoding)  # frictionless reports an unknown encoding


def _chunks(handle: Any) -> Iterator[tuple[int, memoryview]]:
    """(offset, bytes) pieces of a file, each a view of one buffer that the next piece reuses
    (read into, not copied). A piece ends after a line feed, a space or a common delimiter
    where one is near its end, so that no UTF-8 sequence, CRLF, run of suspect bytes or letter
    with its combining marks is split; else (rare: a run longer than that, which may then be
    reported in two parts) at the start of its last character."""
    buffer, base, kept = bytearray(CHUNK + _NEAR_END), 0, 0  # kept: carried at its start
    while True:
        if len(buffer) < kept + CHUNK:  # a long run of bytes that are no characters
            # A new buffer, not a resized one: the piece handed out last still views the old.
            grown = bytearray(kept + CHUNK)
            grown[:kept] = buffer[:kept]
            buffer = grown
        read = handle.readinto(memoryview(buffer)[kept : kept + CHUNK])
        size = kept + read
        if not read:
            if size:
                yield base, memoryview(buffer)[:size]
            return
        found = _PIECE_END.search(buffer, max(size - _NEAR_END, 0), size)
        if found is not None:
            end = found.end()
        elif size < _NEAR_END:
            end = 0
        else:
            starts = (i for i in range(size - 1, -1, -1) if buffer[i] & 0xC0 != 0x80)
            end = next(starts, 0)
            end -= 1 if end > 0 and buffer[end - 1] == 0x0D else 0
            end = end or size  # bytes that are no characters: never hold them all
        if end:
            yield base, memoryview(buffer)[:end]
            base += end
            buffer[: size - end] = buffer[end:size]
        kept = size - end


_NEAR_END = 64
_PIECE_END = re.compile(rb"[\n\t ,;|](?=[^\n\t ,;|]*\Z)")


class _Scan:
    """One pass over a file's chunks."""

    def __init__(
        self, resource: dict[str, Any], limits: RawLimits, limit: int, declared_bom: bool
    ) -> None:
        schema = resource.get("schema") if isinstance(resource.get("schema"), dict) else {}
        fields = schema.get("fields") if isinstance(schema.get("fields"), list) else []
        self.names = [f.get("name") if isinstance(f, dict) else None for f in fields]
        self.keys = _key_fields(schema)
        self.delimiter, self.quote = _dialect(resource)
        self.limits, self.limit, self.declared_bom = limits, limit, declared_bom
        self.findings: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}
        self.omitted: dict[str, int] = {}
        # Carried from chunk to chunk: rows before it, delimiters since the last line break,
        # inside quotes, where the last cell started, the line endings seen.
        self.rows = 0
        self.columns = 0
        self.quoted = False
        self.cell_start = 0
        self.endings: dict[str, tuple[int, int]] = {}  # "crlf" / "lf" -> first (offset, row)
        self.malformed = False  # a quote opens inside a cell: csv measures the cells
        self.large: tuple[int, int, int] | None = None  # (offset, row, field) of a large cell
        self.last_byte = 0x0A  # the byte before the chunk: a file starts as after a line break
        self.large_row, self.large_column = 1, 0  # where the cell going on into a chunk began
        self.total = 0  # bytes scanned
        self.mask, self.work = np.empty(_BLOCK, bool), np.empty(_BLOCK, np.uint8)  # _marks's

    def add(self, rule: str, message: str, offset: int | None, **where: Any) -> None:
        self.counts[rule] = self.counts.get(rule, 0) + 1
        if self.counts[rule] > self.limit:
            self.omitted[rule] = self.omitted.get(rule, 0) + 1
            return
        if offset is not None:
            message = f"{message} (at byte {offset})"
        self.findings.append({"rule": rule, "message": message, **where})

    def feed(self, base: int, piece: memoryview) -> None:
        start = 0
        if base == 0:
            start = self._head(bytes(piece[: len(BOM) + _SNIFFED]))
        if self._quick(base, piece):
            return
        chunk = bytes(piece)
        plain = chunk.isascii() and not chunk.translate(None, _PLAIN)
        hits = [] if plain else self._hits(base, chunk, start)
        structure = _Structure(self, base, chunk, start)
        for rule, offset, message, value in hits:
            row, column = structure.locate(offset)
            name = self.names[column] if column is not None and column < len(self.names) else None
            if rule == KEY_NOT_NFC and name not in self.keys:
                continue
            self.add(rule, message, offset, row=row, field=name, value=value)
        structure.report(self)

    def _head(self, head: bytes) -> int:
        """The byte-order mark and the delimiter to sniff, from a file's first bytes; where
        its text starts."""
        start = 0
        if head.startswith(BOM):
            start = len(BOM)
            if not self.declared_bom:
                self.add(
                    BYTE_ORDER_MARK,
                    "the file starts with a UTF-8 byte-order mark (frictionless accepts it; some "
                    "readers take it for part of the first label)",
                    0,
                    row=1,
                )
        if self.delimiter is None:
            self.delimiter = _sniff(head[start:])
        return start

    def _quick(self, base: int, piece: memoryview) -> bool:
        """Carry a chunk of printable ASCII without carriage returns, which no cell of can be
        too large, to the next: only its line breaks and its last separators outside quotes
        matter then, found from the positions of its quotes and control characters (found
        together, see _marks). False (nothing done): the chunk needs _Structure."""
        array = np.frombuffer(piece, dtype=np.uint8)
        end = base + len(array)
        if (
            self.delimiter in (None, _LF, self.quote)
            or not 0x20 <= self.quote < 0x7F  # a control quote would pass for plain
            or self.last_byte == _CR
            or (self.large is None and end - self.cell_start > self.limits.max_cell_bytes)
        ):
            return False
        found = self._marks(array)
        if found is None:
            return False
        marks, kinds = found
        quotes = kinds == self.quote
        lfs = kinds == _LF
        if not (quotes | lfs | (kinds == _TAB)).all():
            return False  # a carriage return or another control character
        # Inside quotes before each mark: every quote toggles (a doubled quote twice).
        inside = np.bitwise_xor.accumulate(quotes) ^ quotes ^ self.quoted
        self.note_openings(array, marks[quotes & ~inside])
        breaks = marks[lfs & ~inside]
        first, last = (int(breaks[0]), int(breaks[-1])) if len(breaks) else (-1, -1)
        # The delimiters after the last line break, outside quotes.
        delimiters = np.flatnonzero(array[last + 1 :] == self.delimiter) + last + 1
        odd = np.searchsorted(marks[quotes], delimiters) % 2 == 1
        delimiters = delimiters[odd == self.quoted]
        self.quoted ^= bool(np.count_nonzero(quotes) % 2)
        tail = len(delimiters)
        last_delimiter = int(delimiters[-1]) if tail else -1
        if len(breaks) and "lf" not in self.endings:
            self.endings["lf"] = (base + first, self.rows + 1)
        self.rows += len(breaks)
        self.columns = tail if len(breaks) else self.columns + tail
        separator = max(last, last_delimiter)
        if self.large is None and separator >= 0:
            # Where the next cell starts: after the last separator.
            self.cell_start = base + separator + 1
            self.large_row, self.large_column = self.rows + 1, self.columns
        self.total, self.last_byte = end, int(array[-1])
        return True

    def _marks(self, array: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The positions and bytes of the quotes and control characters of a chunk of ASCII
        without DEL; None for any other chunk. Found block by block, each small enough that
        its passes stay in the processor's cache, in buffers kept from chunk to chunk."""
        flip = self.quote ^ 0x20
        positions, found = [], []
        for start in range(0, len(array), _BLOCK):
            block = array[start : start + _BLOCK]
            mask, work = self.mask[: len(block)], self.work[: len(block)]
            if block.max() >= 0x7F:
                return None
            if flip < 0x20:
                # XOR with a value below 0x20 keeps the controls below 0x20 and turns the
                # quote, and nothing else, into a space (0x20): one comparison finds them all.
                np.bitwise_xor(block, flip, out=work)
                np.less_equal(work, 0x20, out=mask)
            else:
                np.less(block, 0x20, out=mask)
                mask |= np.equal(block, self.quote, out=work.view(bool))
            marks = np.flatnonzero(mask)
            found.append(block[marks])
            positions.append(marks + start)
        return np.concatenate(positions), np.concatenate(found)

    def note_openings(self, array: np.ndarray, opening: np.ndarray) -> None:
        """Note that a quote opens inside a cell when one of the quotes at `opening` (offsets
        in `array`, the piece's bytes) follows anything but a delimiter, a line break or a
        quote (a doubled quote inside quotes reopens right after the quote that closed)."""
        if not len(opening) or self.malformed:
            return
        previous = array[np.maximum(opening - 1, 0)]
        if opening[0] == 0:
            previous[0] = self.last_byte
        expected = (previous == self.delimiter) | (previous == _LF) | (previous == _CR)
        if not (expected | (previous == self.quote)).all():
            self.malformed = True

    def _hits(self, base: int, chunk: bytes, start: int) -> list[tuple[str, int, str, Any]]:
        """(rule, offset, message, value) of every suspect byte or character of a chunk that
        is not printable ASCII, tab, CR and LF only."""
        hits: list[tuple[str, int, str, Any]] = []
        ascii = chunk.isascii()
        if chunk.find(b"\x00", start) >= 0:
            for match in _NUL.finditer(chunk, start):
                count = len(match.group())
                hits.append((NUL_BYTE, base + match.start(), f"{count} NUL byte(s)", None))
        for at, raw in _runs(_suspects().finditer(chunk, start)):
            run = raw.decode("utf-8")
            at += base
            # A run of one kind is one finding: a mixed run is split by kind.
            i = 0
            while i < len(run):
                kind = _kind(run[i])
                j = i + 1
                while j < len(run) and _kind(run[j]) == kind:
                    j += 1
                hits.append(_hit(kind, run[i:j], at + len(run[:i].encode("utf-8"))))
                i = j
        if ascii:
            return hits
        try:
            text = chunk[start:].decode("utf-8")
        except UnicodeDecodeError:
            text = chunk[start:].decode("utf-8", "surrogateescape")
            offsets = _ByteOffsets(text, base + start)
            for match in _NOT_UTF8.finditer(text):
                hits.append(_hit(INVALID_UTF8, match.group(), offsets.of(match.start())))
        if self.keys and not unicodedata.is_normalized("NFC", text):
            offsets = _ByteOffsets(text, base + start)
            for position, end in _not_nfc(text):
                value = text[position:end][:20]
                message = (
                    "text that changes under Unicode NFC normalization in a key field: "
                    f"{value!a} is {unicodedata.normalize('NFC', value)!a} in NFC, "
                    "and would look the same"
                )
                hits.append((KEY_NOT_NFC, offsets.of(position), message, value))
        hits.sort(key=lambda h: h[1])
        return hits

    def finish(self, path: Path) -> None:
        if self.total - self.cell_start > self.limits.max_cell_bytes and self.large is None:
            self.large = (self.cell_start, self.large_row, self.large_column)
        if self.malformed:
            self._cells_by_csv(path)
        elif self.large is not None:
            offset, row, column = self.large
            name = self.names[column] if column < len(self.names) else None
            self.add(
                CELL_TOO_LARGE,
                f"a cell of more than {self.limits.max_cell_bytes} bytes (--max-cell-bytes) "
                "starts here; no layer reads this table's cells",
                offset,
                row=row,
                field=name,
            )
        if "crlf" in self.endings and "lf" in self.endings:
            first_crlf, first_lf = self.endings["crlf"], self.endings["lf"]
            offset, row = max(first_crlf, first_lf)
            kind = "LF" if first_lf > first_crlf else "CRLF"
            self.add(
                MIXED_LINE_ENDINGS,
                f"rows end in both CRLF and LF; this row is the first to end in {kind}",
                offset,
                row=row,
            )

    def _cells_by_csv(self, path: Path) -> None:
        """Quotes the vectorized count cannot follow (a quote opening inside a cell): the cell
        sizes are measured by Python's csv module, as frictionless reads the file."""
        limit = csv.field_size_limit()
        csv.field_size_limit(self.limits.max_cell_bytes)
        dialect = {"delimiter": chr(self.delimiter or 44), "quotechar": chr(self.quote)}
        try:
            with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
                reader = csv.reader(handle, **dialect)
                try:
                    for _ in reader:
                        pass
                except csv.Error as exc:
                    if "field limit" in str(exc):
                        self.add(
                            CELL_TOO_LARGE,
                            f"a cell of more than {self.limits.max_cell_bytes} bytes "
                            "(--max-cell-bytes) ends on this line; no layer reads this "
                            "table's cells",
                            None,
                            row=reader.line_num,
                        )
        finally:
            csv.field_size_limit(limit)


class _Structure:
    """Where a chunk's line breaks and delimiters outside quotes are, to locate offsets in
    rows and fields, measure cells and note line endings. Whole-chunk numpy passes find the
    separators outside quotes; everything else is worked out from their (few) positions."""

    def __init__(self, scan: _Scan, base: int, chunk: bytes, start: int) -> None:
        self.base, self.length = base, len(chunk)
        array = np.frombuffer(chunk, dtype=np.uint8)
        # The few bytes that matter (about a tenth), found in two vectorized passes; the rest
        # of the work is on their positions.
        marks = (array == scan.delimiter) | (array == _LF) | (array == _CR)
        marks |= array == scan.quote
        positions = np.flatnonzero(marks)
        kinds = array[positions]
        quotes = kinds == scan.quote
        if quotes.any():
            # Inside quotes before each byte: every quote toggles (a doubled quote twice).
            after = np.bitwise_xor.accumulate(quotes)
            inside = after ^ quotes
            if scan.quoted:
                inside = ~inside
            scan.note_openings(array, positions[quotes & ~inside])
            scan.quoted = bool(after[-1]) ^ scan.quoted
            keep = ~quotes & ~inside
            positions, kinds = positions[keep], kinds[keep]
        elif scan.quoted:
            positions, kinds = positions[:0], kinds[:0]
        self.separators = positions
        crs = self.separators[kinds == _CR]
        following = array[np.minimum(crs + 1, len(array) - 1)]
        lone = (crs + 1 >= len(array)) | (following != _LF)
        lfs = self.separators[kinds == _LF]
        self.breaks = np.sort(np.concatenate([lfs, crs[lone]]))
        self.delimiters = self.separators[kinds == scan.delimiter]
        after_cr = array[np.maximum(lfs - 1, 0)] == _CR
        if len(lfs) and lfs[0] == 0:
            after_cr[0] = scan.last_byte == _CR
        self.crlf, self.lf, self.lone_cr = lfs[after_cr], lfs[~after_cr], crs[lone]
        self.start_rows, self.start_columns = scan.rows, scan.columns
        self.last = int(array[-1])

    def locate(self, offset: int) -> tuple[int, int]:
        """The row and the field position (0-based) of a byte of this chunk."""
        p = offset - self.base
        before = int(np.searchsorted(self.breaks, p))
        row = self.start_rows + before + 1
        delimiters = int(np.searchsorted(self.delimiters, p))
        if before:
            last_break = int(self.breaks[before - 1])
            return row, delimiters - int(np.searchsorted(self.delimiters, last_break))
        return row, self.start_columns + delimiters

    def report(self, scan: _Scan) -> None:
        """Line endings and cell sizes of the chunk; then carry its state to the next one."""
        for kind, found in (("crlf", self.crlf), ("lf", self.lf)):
            if len(found) and kind not in scan.endings:
                offset = self.base + int(found[0])
                scan.endings[kind] = (offset, self.locate(offset)[0])
        for position in self.lone_cr[: scan.limit]:
            offset = self.base + int(position)
            scan.add(
                LONE_CARRIAGE_RETURN,
                "a line ends in a carriage return alone (CR): Python's csv module starts a "
                "row here, other readers do not",
                offset,
                row=self.locate(offset)[0],
            )
        if scan.large is None:
            self._cell_sizes(scan)
        scan.rows = self.start_rows + len(self.breaks)
        if len(self.breaks):
            last = int(self.breaks[-1])
            scan.columns = len(self.delimiters) - int(np.searchsorted(self.delimiters, last))
        else:
            scan.columns = self.start_columns + len(self.delimiters)
        scan.total = self.base + self.length
        scan.last_byte = self.last

    def _cell_sizes(self, scan: _Scan) -> None:
        if len(self.separators) == 0:
            return  # the cell goes on into the next chunk
        ends = self.separators + self.base
        starts = np.empty_like(ends)
        starts[0] = scan.cell_start
        starts[1:] = ends[:-1] + 1
        large = np.flatnonzero(ends - starts > scan.limits.max_cell_bytes)
        if len(large):
            start = int(starts[large[0]])
            if start >= self.base:
                row, column = self.locate(start)
            else:
                row, column = scan.large_row, scan.large_column
            scan.large = (start, row, column)
        scan.cell_start = int(ends[-1]) + 1
        scan.large_row, scan.large_column = self._after_last_separator()

    def _after_last_separator(self) -> tuple[int, int]:
        """The row and field position where the next cell starts."""
        last = int(self.separators[-1])
        row, column = self.locate(self.base + last)
        if len(self.breaks) and int(self.breaks[-1]) == last:
            return row + 1, 0
        return row, column + 1


_TAB, _LF, _CR = 0x09, 0x0A, 0x0D


class _ByteOffsets:
    """Byte offsets of positions in text decoded from UTF-8 (with surrogateescape), asked
    for in increasing order."""

    def __init__(self, text: str, base: int) -> None:
        self.text, self.position, self.offset = text, 0, base

    def of(self, position: int) -> int:
        segment = self.text[self.position : position]
        self.offset += len(segment.encode("utf-8", "surrogateescape"))
        self.position = position
        return self.offset


def _hit(kind: str, run: str, offset: int) -> tuple[str, int, str, str]:
    if kind == INVALID_UTF8:
        raw = run.encode("utf-8", "surrogateescape")
        shown = raw[:8].hex(" ")
        return kind, offset, f"{len(raw)} byte(s) that are not UTF-8 ({shown})", shown
    names = ", ".join(
        f"U+{ord(c):04X} {unicodedata.name(c, 'control')}" for c in dict.fromkeys(run[:8])
    )
    described = {
        BIDI_CONTROL: "bidirectional control character(s), which reorder how text is shown,",
        CONTROL_CHARACTER: "control character(s)",
        INVISIBLE_CHARACTER: "invisible character(s)",
    }[kind]
    value = " ".join(f"U+{ord(c):04X}" for c in run[:8])
    return kind, offset, f"{described} in a cell ({names})", value


def _not_nfc(text: str) -> Iterator[tuple[int, int]]:
    """Where text changes under NFC: each non-ASCII run, with the character before it (a
    combining mark composes with the letter before it), that NFC changes."""
    for match in re.finditer(r"[^\x00-\x7f]+", text):
        start = max(match.start() - 1, 0)
        if not unicodedata.is_normalized("NFC", text[start : match.end()]):
            yield start, match.end()


def _key_fields(schema: dict[str, Any]) -> set[str]:
    """Fields whose values identify rows: the primary key, unique fields, foreign keys."""
    keys: set[str] = set()
    primary = schema.get("primaryKey")
    keys.update([primary] if isinstance(primary, str) else primary or [])
    for f in schema.get("fields") or []:
        if isinstance(f, dict) and isinstance(f.get("constraints"), dict):
            if f["constraints"].get("unique") is True:
                keys.add(f.get("name"))
    for fk in schema.get("foreignKeys") or []:
        fields = fk.get("fields") if isinstance(fk, dict) else None
        keys.update([fields] if isinstance(fields, str) else fields or [])
    return {k for k in keys if isinstance(k, str)}


def _dialect(resource: dict[str, Any]) -> tuple[int | None, int]:
    """The delimiter (None: to sniff) and quote character, as bytes."""
    dialect = resource.get("dialect") if isinstance(resource.get("dialect"), dict) else {}
    options = {**dialect, **(dialect.get("csv") if isinstance(dialect.get("csv"), dict) else {})}
    delimiter, quote = options.get("delimiter"), options.get("quoteChar", '"')
    if not (isinstance(quote, str) and len(quote) == 1 and quote.isascii()):
        quote = '"'
    if isinstance(delimiter, str) and len(delimiter) == 1 and delimiter.isascii():
        return ord(delimiter), ord(quote)
    return None, ord(quote)


_SNIFFED = 65536  # bytes of a file's head the delimiter is sniffed from


def _sniff(head: bytes) -> int:
    """The delimiter frictionless would sniff among its candidates, from the first lines."""
    sample = b"".join(head[:_SNIFFED].splitlines(keepends=True)[:100])
    try:
        found = csv.Sniffer().sniff(sample.decode("utf-8", "replace"), ",\t;|").delimiter
    except csv.Error:
        return ord(",")
    return ord(found)
