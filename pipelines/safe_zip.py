"""Unpack a zip archive holding a data package, refusing every archive that is not plainly safe.

    with extracted("release.zip") as folder:   # the folder holding datapackage.json
        ...                                    # removed afterwards, whatever happens

Before anything is written, the whole archive is inspected: its member count (counted from the
raw central directory, so a huge directory is refused before `zipfile` builds it), every
member name, type, declared size and compression ratio, and every local header against the
central directory. Then members are streamed in chunks into a private temporary folder (mode
0700), counting the bytes really written, since the headers can lie. Nothing is ever
repaired: `zipfile.extractall` would strip `..`, leading `/` and drive letters, and write
symbolic links as files; here each of those refuses the archive.

Refusals raise `UnsafeArchive` (exit code 1: the target was read and has findings), naming the
member and the reason. A file that cannot be opened at all raises `CannotRun` (exit 2).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import itertools
import lzma
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from kzdata.pipelines import zip_records
from kzdata.pipelines.errors import CannotRun, UnsafeArchive
from kzdata.pipelines.fetch_limits import MAX_BYTES, MAX_MEMBERS, MAX_RATIO, segment_too_long

DESCRIPTOR = "datapackage.json"
CHUNK = 64 * 1024
# A member's first bytes that make it an archive: a local header, or an empty archive's end.
ZIP_MAGIC = (zip_records.LOCAL_SIG, zip_records.END_SIG)
_DRIVE = re.compile(r"^[A-Za-z]:")
_ENCRYPTED = 0x1
# What zipfile raises on damaged input: bad CRC, cut-short data, undecodable names, unknown
# compression, encryption. Caught only around zipfile's own reading calls.
_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)


@dataclass(frozen=True)
class ZipLimits:
    """How far an archive may go before it is refused (defaults: the module's constants)."""

    max_members: int = MAX_MEMBERS
    max_bytes: int = MAX_BYTES
    max_ratio: float = MAX_RATIO


Refuse = Callable[..., UnsafeArchive]


def is_zip(path: str | Path) -> bool:
    """Whether `path` is a file that starts like a zip archive, whatever its name."""
    try:
        with open(path, "rb") as file:
            return file.read(4) in ZIP_MAGIC
    except OSError:  # a folder, a missing or unreadable file: not an archive kzdata can open
        return False


@contextlib.contextmanager
def extracted(
    archive: str | Path, limits: ZipLimits | None = None, *, label: str | None = None
) -> Iterator[Path]:
    """Check and unpack `archive` into a private temporary folder; yield the package folder.

    The package folder is the archive's root when it holds `datapackage.json`, else its one
    top-level folder when that holds it; otherwise the archive is refused. `label` names the
    archive in messages (default: its path), e.g. the URL it came from. The temporary folder is
    removed when the block ends, also when it raises.

    Raises UnsafeArchive (exit 1) for a refused or damaged archive, CannotRun (exit 2) when the
    file cannot be opened or the temporary folder cannot be written.
    """
    limits = limits or ZipLimits()
    label = label or str(archive)
    refuse: Refuse = functools.partial(UnsafeArchive, label)
    root = Path(tempfile.mkdtemp(prefix="kzdata-zip-"))
    try:
        try:
            file = open(archive, "rb")  # closed below, before the yield
        except OSError as exc:
            raise CannotRun(f"{label}: cannot read the archive: {exc.strerror}") from None
        with file:
            package = _extract(file, root, limits, refuse)
        yield root / package
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _extract(file: BinaryIO, root: Path, limits: ZipLimits, refuse: Refuse) -> str:
    """Check the archive, write its members under `root`, return the package folder's name."""
    try:
        where = zip_records.directory(file)
        # Bytes before the archive (a self-extracting or polyglot file) shift every offset.
        if where.offset + where.size != where.end:
            raise refuse(
                "the central directory does not end where its end record begins "
                "(bytes before the archive, or a damaged end record)"
            )
        count = zip_records.count_members(file, where, limits.max_members)
    except zip_records.Malformed as exc:
        kind = "is cut short or damaged" if _starts_as_zip(file) else "is not a zip archive"
        raise refuse(f"the file {kind} ({exc})") from None
    if count > limits.max_members:
        raise refuse(f"the archive has more than {limits.max_members} members")
    if count != where.declared_members:
        raise refuse(f"the end record declares {where.declared_members} members, not {count}")
    try:
        archive = zipfile.ZipFile(file)
    except _READ_ERRORS as exc:
        raise refuse(f"the central directory cannot be read ({_why(exc)})") from None
    with archive:
        infos = archive.infolist()
        _check_directory(infos, limits, refuse)
        _check_local_headers(file, infos, where, refuse)
        package = _package_folder(infos, refuse)
        _write_members(archive, infos, root, limits, refuse)
    return package


def _starts_as_zip(file: BinaryIO) -> bool:
    file.seek(0)
    return file.read(4) in ZIP_MAGIC


def name_problem(name: str) -> str | None:
    """Why a member name is refused, or None: only plain relative paths below the archive's
    folder are accepted, as they are, never rewritten."""
    if not name or name == "/":
        return "has an empty name"
    if "\x00" in name:
        return "has a NUL byte in its name"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return "has a control character in its name"
    if "\\" in name:
        return "has a backslash in its name (a Windows path)"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
        return "starts with a drive letter"
    segments = name.removesuffix("/").split("/")
    if ".." in segments:
        return "has a '..' segment that climbs out of the archive's folder"
    if any(s in ("", ".") for s in segments):
        return "has an empty or '.' segment in its path"
    return segment_too_long(segments)


def _check_directory(infos: list[zipfile.ZipInfo], limits: ZipLimits, refuse: Refuse) -> None:
    """Refuse on anything the central directory alone shows, before a byte is extracted."""
    seen: set[str] = set()
    files: set[str] = set()
    folders: set[str] = set()
    total = 0
    for info in infos:
        name = info.orig_filename  # zipfile cuts `filename` at a NUL byte
        if reason := name_problem(name):
            raise refuse(reason, name)
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind == stat.S_IFLNK:
            raise refuse("is a symbolic link", name)
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise refuse("is a special file (a device, pipe or socket)", name)
        if info.flag_bits & _ENCRYPTED:
            raise refuse("is encrypted", name)
        key = name.removesuffix("/")
        if key in seen:
            raise refuse("appears more than once", name)
        seen.add(key)
        folders.update(str(p) for p in PurePosixPath(key).parents if str(p) != ".")
        if info.is_dir():
            if info.file_size:
                raise refuse("is a folder entry that holds data", name)
            continue
        files.add(key)
        if key.lower().endswith(".zip"):
            raise refuse("is a nested zip archive", name)
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise refuse(
                f"expands {ratio:.0f} times (more than the {limits.max_ratio:g}:1 limit)", name
            )
        total += info.file_size
        if total > limits.max_bytes:
            raise refuse(
                f"brings the archive's declared size past the {limits.max_bytes}-byte limit", name
            )
    if clash := files & folders:
        raise refuse("is both a file and a folder", min(clash))


def _check_local_headers(
    file: BinaryIO,
    infos: list[zipfile.ZipInfo],
    where: zip_records.Directory,
    refuse: Refuse,
) -> None:
    """Each local header must agree with the central directory, and members must not overlap
    (overlapping members let a small archive expand many times)."""
    spans = []
    for info in infos:
        name = info.orig_filename
        try:
            local = zip_records.local_header(file, info.header_offset)
        except zip_records.Malformed as exc:
            raise refuse(f"has no readable local header ({exc})", name) from None
        if local.name != name:
            raise refuse(f"is named {local.name!r} in its local header", name)
        if local.method != info.compress_type:
            raise refuse("has another compression method in its local header", name)
        # With a data descriptor the local header holds zeros; the stream is counted instead.
        declared = (info.CRC, info.compress_size, info.file_size)
        if not local.flags & zip_records.DATA_DESCRIPTOR and declared != (
            local.crc,
            local.compress_size,
            local.file_size,
        ):
            raise refuse(
                "has sizes or a checksum in its local header that disagree with the "
                "central directory",
                name,
            )
        spans.append((info.header_offset, local.data_offset + info.compress_size, name))
    spans.sort()
    for (_, end, name), (start, _, following) in itertools.pairwise(spans):
        if end > start:
            raise refuse(f"overlaps member {following!r}", name)
    if spans and spans[-1][1] > where.offset:
        raise refuse("runs into the central directory", spans[-1][2])


def _package_folder(infos: list[zipfile.ZipInfo], refuse: Refuse) -> str:
    files = {i.orig_filename for i in infos if not i.is_dir()}
    if DESCRIPTOR in files:
        return ""
    tops = {i.orig_filename.split("/", 1)[0] for i in infos}
    if len(tops) == 1 and f"{next(iter(tops))}/{DESCRIPTOR}" in files:
        return next(iter(tops))
    raise refuse(
        f"no {DESCRIPTOR} in the archive (looked at its root and in its one top-level folder)"
    )


def _write_members(
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    root: Path,
    limits: ZipLimits,
    refuse: Refuse,
) -> None:
    total = 0
    for info in infos:
        name = info.orig_filename
        target = root.joinpath(*name.removesuffix("/").split("/"))
        # The names were checked above; this guards that check.
        if not target.resolve().is_relative_to(root.resolve()):
            raise refuse("would be written outside the archive's folder", name)
        try:
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            total += _write_member(archive, info, target, limits, limits.max_bytes - total, refuse)
        except OSError as exc:
            raise CannotRun(
                f"cannot write member {name!r} into a temporary folder: {exc.strerror}"
            ) from None


def _write_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    target: Path,
    limits: ZipLimits,
    budget: int,
    refuse: Refuse,
) -> int:
    """Stream one member to `target`, counting bytes; return how many were written."""
    name = info.orig_filename
    written = 0
    head = b""
    # O_EXCL and O_NOFOLLOW: never write through an existing file or link.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    with (
        os.fdopen(os.open(target, flags, 0o600), "wb") as out,
        contextlib.closing(_chunks(archive, info, refuse)) as chunks,
    ):
        for chunk in chunks:
            written += len(chunk)
            if written > info.file_size:
                raise refuse(f"holds more than the {info.file_size} bytes it declares", name)
            if written > budget:
                raise refuse(f"brings the archive past the {limits.max_bytes}-byte limit", name)
            if len(head) < 4:
                head += chunk[:4]
                if head[:4] in ZIP_MAGIC:
                    raise refuse("is a nested zip archive (by its first bytes)", name)
            out.write(chunk)
    if written != info.file_size:
        raise refuse(f"holds {written} bytes, not the {info.file_size} it declares", name)
    return written


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, refuse: Refuse) -> Iterator[bytes]:
    """The member's bytes in chunks. zipfile silently stops at the declared size; asking for one
    byte more lets a member longer than declared show itself."""
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1
    try:
        member = archive.open(probe)
    except _READ_ERRORS as exc:
        raise refuse(f"cannot be read ({_why(exc)})", info.orig_filename) from None
    with member:
        while True:
            try:
                chunk = member.read(CHUNK)
            except _READ_ERRORS as exc:
                raise refuse(f"is damaged ({_why(exc)})", info.orig_filename) from None
            if not chunk:
                return
            yield chunk


def _why(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
