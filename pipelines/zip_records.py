"""The zip format's own records, read byte by byte, for what `zipfile` does not check.

`zipfile` parses the whole central directory into memory before anyone can count it, trusts
the directory over the local headers, and lets members overlap. These readers give
`safe_zip` the facts to refuse such archives; they judge nothing themselves, and raise
`Malformed` when a record cannot be read at all.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

END = struct.Struct("<4s4H2LH")  # end of central directory record
END_SIG = b"PK\x05\x06"
LOCATOR = struct.Struct("<4sLQL")  # zip64 end of central directory locator
LOCATOR_SIG = b"PK\x06\x07"
END64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end of central directory record
END64_SIG = b"PK\x06\x06"
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # one member's central directory entry
CENTRAL_SIG = b"PK\x01\x02"
LOCAL = struct.Struct("<4s2B4HL2L2H")  # one member's local header
LOCAL_SIG = b"PK\x03\x04"
ZIP64_EXTRA = 0x0001
UTF8_NAME = 0x800
DATA_DESCRIPTOR = 0x08
# A comment of at most 65,535 bytes may follow the end record, so it is searched for there.
TAIL = END.size + 0xFFFF


class Malformed(Exception):
    """A record the zip format requires is missing or cannot be read."""


@dataclass(frozen=True)
class Directory:
    """Where the central directory is, and how many members its end record declares."""

    offset: int
    size: int
    declared_members: int
    end: int  # where the records after the central directory begin


@dataclass(frozen=True)
class LocalHeader:
    name: str
    flags: int
    method: int
    crc: int
    compress_size: int
    file_size: int
    data_offset: int


def directory(fp: BinaryIO) -> Directory:
    """Find the central directory from the end record (and its zip64 variant)."""
    size = fp.seek(0, 2)
    start = max(0, size - TAIL)
    fp.seek(start)
    tail = fp.read()
    at = tail.rfind(END_SIG)
    # The signature may also occur inside the comment: the real record's comment ends the file.
    while at >= 0 and (
        len(tail) - at < END.size or at + END.size + END.unpack_from(tail, at)[-1] != len(tail)
    ):
        at = tail.rfind(END_SIG, 0, at)
    if at < 0:
        raise Malformed("no end of central directory record")
    _, _, _, _, members, cd_size, cd_offset, _ = END.unpack_from(tail, at)
    end = start + at
    # A zip64 locator just before the end record means the zip64 record holds the real values.
    locator_at = end - LOCATOR.size
    if locator_at >= 0:
        fp.seek(locator_at)
        locator = fp.read(LOCATOR.size)
        if locator[:4] == LOCATOR_SIG:
            end = LOCATOR.unpack(locator)[2]
            fp.seek(end)
            record = fp.read(END64.size)
            if len(record) < END64.size or record[:4] != END64_SIG:
                raise Malformed("the zip64 end of central directory record is missing")
            members, cd_size, cd_offset = END64.unpack(record)[7:10]
    return Directory(offset=cd_offset, size=cd_size, declared_members=members, end=end)


def count_members(fp: BinaryIO, where: Directory, stop_after: int) -> int:
    """Count central directory entries without building them, stopping past `stop_after`."""
    fp.seek(where.offset)
    position, count = where.offset, 0
    while position < where.offset + where.size:
        head = fp.read(CENTRAL.size)
        if len(head) < CENTRAL.size or head[:4] != CENTRAL_SIG:
            raise Malformed(f"central directory entry {count + 1} is damaged")
        name, extra, comment = CENTRAL.unpack(head)[12:15]
        position += CENTRAL.size + name + extra + comment
        fp.seek(position)
        count += 1
        if count > stop_after:
            return count
    if position != where.offset + where.size:
        raise Malformed("the central directory does not end where its end record says")
    return count


def local_header(fp: BinaryIO, offset: int) -> LocalHeader:
    """Read the local header at `offset`, with zip64 sizes taken from its extra field."""
    fp.seek(offset)
    head = fp.read(LOCAL.size)
    if len(head) < LOCAL.size or head[:4] != LOCAL_SIG:
        raise Malformed(f"no local header at byte {offset}")
    _, _, _, flags, method, _, _, crc, csize, usize, name_len, extra_len = LOCAL.unpack(head)
    raw_name = fp.read(name_len)
    extra = fp.read(extra_len)
    if len(raw_name) < name_len or len(extra) < extra_len:
        raise Malformed(f"the local header at byte {offset} is cut short")
    if 0xFFFFFFFF in (csize, usize):
        usize, csize = _zip64_sizes(extra, usize, csize)
    name = raw_name.decode("utf-8" if flags & UTF8_NAME else "cp437", errors="replace")
    return LocalHeader(
        name=name,
        flags=flags,
        method=method,
        crc=crc,
        compress_size=csize,
        file_size=usize,
        data_offset=offset + LOCAL.size + name_len + extra_len,
    )


def _zip64_sizes(extra: bytes, usize: int, csize: int) -> tuple[int, int]:
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<2H", extra, at)
        body = extra[at + 4 : at + 4 + length]
        if kind == ZIP64_EXTRA:
            values = list(struct.unpack_from(f"<{len(body) // 8}Q", body))
            # Only the fields that overflowed are present, in this order.
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
            return usize, csize
        at += 4 + length
    raise Malformed("a zip64 local header has no zip64 sizes")
