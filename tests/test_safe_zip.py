"""A zip is unpacked only when every member is plainly safe: hostile archives, built here byte by
byte, are refused with the member named, nothing lands outside the private temporary folder,
and that folder is gone afterwards."""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import stat
import struct
import tempfile
import tracemalloc
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest

from kzdata.pipelines import zip_records
from kzdata.pipelines.errors import CannotRun
from kzdata.pipelines.safe_zip import MAX_MEMBERS, UnsafeArchive, ZipLimits, extracted, is_zip

DESCRIPTOR = ("datapackage.json", b'{"resources": []}')
MiB = 1024 * 1024


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder for the archives, with the temporary folders made inside it, so a test sees
    everything extraction wrote; it must hold only the archives afterwards."""
    temp = tmp_path / "in" / "tmp"
    temp.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    yield tmp_path / "in"
    assert list(temp.iterdir()) == [], "a temporary folder was left behind"


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "dir"
        for p in sorted(folder.rglob("*"))
    }


def make_zip(path: Path, members: list, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """Write `members` ((name or ZipInfo, bytes) pairs) as given: zipfile.writestr keeps
    '..', '/' and drive letters in names, which is what a hostile archive needs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are wanted here
        with zipfile.ZipFile(path, "w", method) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return path


def refused(archive: Path, limits: ZipLimits | None = None) -> UnsafeArchive:
    with pytest.raises(UnsafeArchive) as caught, extracted(archive, limits):
        pytest.fail("the archive was accepted")
    assert "Traceback" not in str(caught.value)
    return caught.value


def entry(data: bytes, name: str) -> tuple[int, int]:
    """Offsets of the local header and the central directory entry of member `name`."""
    raw = name.encode()
    central = data.index(zip_records.CENTRAL_SIG)
    while data[central + 46 : central + 46 + len(raw)] != raw:
        central = data.index(zip_records.CENTRAL_SIG, central + 1)
    local = struct.unpack_from("<L", data, central + 42)[0]
    return local, central


def set_sizes(data: bytes, name: str, *, crc=None, size=None, where=("local", "central")) -> bytes:
    """Rewrite a member's declared CRC and uncompressed size in its local header, its central
    directory entry, or both: a lying header."""
    out = bytearray(data)
    local, central = entry(data, name)
    for record, crc_at, size_at in (
        ("local", local + 14, local + 22),
        ("central", central + 16, central + 24),
    ):
        if record in where:
            if crc is not None:
                struct.pack_into("<L", out, crc_at, crc)
            if size is not None:
                struct.pack_into("<L", out, size_at, size)
    return bytes(out)


def package_zip(tmp_path: Path, top: str | None) -> tuple[Path, Path]:
    """A zip of a copy of the repository's datapackage/, at the root or in folder `top`."""
    source = tmp_path / "source"
    shutil.copytree(Path(__file__).resolve().parents[1] / "datapackage", source)
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(source.rglob("*")):
            name = str(path.relative_to(source)) + ("/" if path.is_dir() else "")
            zf.write(path, f"{top}/{name}" if top else name)
    return archive, source


# Accepted archives -------------------------------------------------------------------------


@pytest.mark.parametrize("top", [None, "kzdata-0.1.0"])
def test_a_package_zip_yields_the_folder_holding_the_descriptor(work, top) -> None:
    archive, source = package_zip(work, top)
    with extracted(archive) as folder:
        assert (folder / "datapackage.json").is_file()
        assert tree(folder) == tree(source)
        root = folder if top is None else folder.parent
        assert stat.S_IMODE(root.stat().st_mode) == 0o700
        assert root.parent == Path(tempfile.gettempdir())
    assert not root.exists()


def test_the_folder_is_removed_when_the_block_raises(work) -> None:
    archive, _ = package_zip(work, None)
    with pytest.raises(RuntimeError, match="boom"), extracted(archive) as folder:
        assert folder.is_dir()
        raise RuntimeError("boom")
    assert not folder.exists()


def test_a_zip_is_known_by_its_first_bytes(work) -> None:
    archive, source = package_zip(work, None)
    assert is_zip(archive) and not is_zip(source / "datapackage.json")
    assert not is_zip(source) and not is_zip(work / "missing.zip")


def test_limits_are_inclusive(work) -> None:
    archive = make_zip(work / "a.zip", [DESCRIPTOR, ("b", b"x"), ("c", b"y")])
    with extracted(archive, ZipLimits(max_members=3)) as folder:
        assert (folder / "c").read_bytes() == b"y"


# Refused names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.csv", "'..' segment"),
        ("data/../../evil.csv", "'..' segment"),
        ("/tmp/evil.csv", "absolute path"),
        ("C:/evil.csv", "drive letter"),
        ("C:evil.csv", "drive letter"),
        ("data\\..\\evil.csv", "backslash"),
        ("data//evil.csv", "empty or '.' segment"),
        ("./evil.csv", "empty or '.' segment"),
        ("evil\n.csv", "control character"),
        ("e" * 256 + ".csv", "longer than 255 bytes"),
    ],
)
def test_an_unsafe_member_name_is_refused_and_nothing_is_written(work, name, reason) -> None:
    archive = make_zip(work / "hostile.zip", [DESCRIPTOR, (name, b"x")])
    before = tree(work.parent)
    error = refused(archive)
    assert error.member == name and reason in error.reason
    assert repr(name) in str(error) and str(archive) in str(error)
    assert tree(work.parent) == before


def test_a_nul_byte_in_a_name_is_refused_though_zipfile_cuts_the_name_there(work) -> None:
    archive = make_zip(work / "nul.zip", [DESCRIPTOR, ("data/evilX.csv", b"x")])
    archive.write_bytes(archive.read_bytes().replace(b"evilX", b"evil\x00"))
    assert zipfile.ZipFile(archive).namelist()[1] == "data/evil"  # what extractall would use
    error = refused(archive)
    assert error.member == "data/evil\x00.csv" and "NUL" in error.reason


def test_a_symbolic_link_is_refused(work) -> None:
    link = zipfile.ZipInfo("data/sources.csv")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = make_zip(work / "link.zip", [DESCRIPTOR, (link, "/etc/passwd")])
    error = refused(archive)
    assert error.member == "data/sources.csv" and "symbolic link" in error.reason


def test_a_duplicate_member_is_refused(work) -> None:
    archive = make_zip(work / "dup.zip", [DESCRIPTOR, ("data/a.csv", b"1"), ("data/a.csv", b"2")])
    assert "more than once" in refused(archive).reason


def test_a_member_that_is_both_file_and_folder_is_refused(work) -> None:
    archive = make_zip(work / "clash.zip", [DESCRIPTOR, ("data", b"1"), ("data/a.csv", b"2")])
    error = refused(archive)
    assert error.member == "data" and "both a file and a folder" in error.reason


def test_an_encrypted_member_is_refused(work) -> None:
    archive = make_zip(work / "enc.zip", [DESCRIPTOR, ("data/a.csv", b"1")])
    data = bytearray(archive.read_bytes())
    local, central = entry(bytes(data), "data/a.csv")
    data[local + 6] |= 1
    data[central + 8] |= 1
    archive.write_bytes(bytes(data))
    assert "encrypted" in refused(archive).reason


# Nested archives ---------------------------------------------------------------------------


def test_a_nested_zip_is_refused_by_its_name(work) -> None:
    inner = make_zip(work / "inner.zip", [DESCRIPTOR]).read_bytes()
    error = refused(make_zip(work / "outer.zip", [DESCRIPTOR, ("data/inner.ZIP", inner)]))
    assert error.member == "data/inner.ZIP" and "nested zip" in error.reason


def test_a_nested_zip_is_refused_by_its_first_bytes(work) -> None:
    inner = make_zip(work / "inner.zip", [DESCRIPTOR]).read_bytes()
    error = refused(make_zip(work / "outer.zip", [DESCRIPTOR, ("data/table.csv", inner)]))
    assert error.member == "data/table.csv" and "first bytes" in error.reason


# Sizes and counts --------------------------------------------------------------------------


def test_more_members_than_the_limit_are_refused(work) -> None:
    archive = make_zip(work / "many.zip", [DESCRIPTOR, ("b", b""), ("c", b""), ("d", b"")])
    error = refused(archive, ZipLimits(max_members=3))
    assert error.member is None and "more than 3 members" in error.reason


def test_the_default_member_limit_is_ten_thousand(work) -> None:
    members = [DESCRIPTOR] + [(f"d/{i}", b"") for i in range(MAX_MEMBERS)]
    archive = make_zip(work / "many.zip", members, zipfile.ZIP_STORED)
    assert MAX_MEMBERS == 10_000
    assert "more than 10000 members" in refused(archive).reason


def test_a_declared_total_past_the_limit_is_refused_before_extracting(work) -> None:
    noise = random.Random(1).randbytes(600)
    archive = make_zip(work / "big.zip", [DESCRIPTOR, ("a", noise), ("b", noise)])
    error = refused(archive, ZipLimits(max_bytes=1000))
    assert error.member == "b" and "1000-byte limit" in error.reason


def write_bomb(path: Path, size: int) -> Path:
    """A member of `size` zero bytes, written in chunks so the test itself stays small."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(*DESCRIPTOR)
        with zf.open("data/bomb.csv", "w") as member:
            for _ in range(size // MiB):
                member.write(bytes(MiB))
    return path


def test_a_zip_bomb_is_refused_by_its_ratio_without_being_expanded(work) -> None:
    archive = write_bomb(work / "bomb.zip", 100 * MiB)
    assert archive.stat().st_size < MiB
    tracemalloc.start()
    try:
        error = refused(archive)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.member == "data/bomb.csv" and "200:1 limit" in error.reason
    assert peak < 10 * MiB


def test_a_bomb_that_lies_about_its_size_is_stopped_at_the_declared_size(work) -> None:
    archive = write_bomb(work / "bomb.zip", 100 * MiB)
    data = archive.read_bytes()
    archive.write_bytes(set_sizes(data, "data/bomb.csv", size=64 * 1024))
    tracemalloc.start()
    try:
        error = refused(archive)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.member == "data/bomb.csv"
    assert peak < 10 * MiB


def test_a_member_longer_than_it_declares_is_refused(work) -> None:
    """Both headers say 100 bytes with the CRC of the first 101: zipfile alone would write 100
    bytes and report nothing; counting the stream catches the lie."""
    content = random.Random(2).randbytes(1000)
    archive = make_zip(work / "long.zip", [DESCRIPTOR, ("data/a.csv", content)])
    lying = set_sizes(archive.read_bytes(), "data/a.csv", size=100, crc=zlib.crc32(content[:101]))
    archive.write_bytes(lying)
    error = refused(archive)
    assert error.member == "data/a.csv" and "more than the 100 bytes" in error.reason
    # The same archive through zipfile alone: silently cut, no error.
    with zipfile.ZipFile(io.BytesIO(lying)) as zf:
        probe = zf.getinfo("data/a.csv")
        probe.CRC = zlib.crc32(content[:100])
        assert zf.read(probe) == content[:100]


def test_a_member_shorter_than_it_declares_is_refused(work) -> None:
    content = random.Random(3).randbytes(1000)
    archive = make_zip(work / "short.zip", [DESCRIPTOR, ("data/a.csv", content)])
    archive.write_bytes(set_sizes(archive.read_bytes(), "data/a.csv", size=1500))
    error = refused(archive)
    assert error.member == "data/a.csv" and "1000 bytes, not the 1500" in error.reason


# Damaged or inconsistent archives ----------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_refused(work) -> None:
    text = work / "release.zip"
    text.write_text("not an archive\n")
    error = refused(text)
    assert error.member is None and "is not a zip archive" in error.reason


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_a_truncated_zip_is_refused(work, keep) -> None:
    archive, _ = package_zip(work, None)
    data = archive.read_bytes()
    archive.write_bytes(data[: int(len(data) * keep)])
    assert "cut short or damaged" in refused(archive).reason


def test_damaged_member_data_is_refused(work) -> None:
    content = b"value\n" + b"".join(b"%d\n" % i for i in range(2000))
    archive = make_zip(work / "bad.zip", [DESCRIPTOR, ("data/a.csv", content)])
    data = bytearray(archive.read_bytes())
    local, _ = entry(bytes(data), "data/a.csv")
    start = local + 30 + len("data/a.csv")
    data[start + 20 : start + 40] = bytes(20)
    archive.write_bytes(bytes(data))
    error = refused(archive)
    assert error.member == "data/a.csv" and "damaged" in error.reason


def test_a_local_header_with_another_name_is_refused(work) -> None:
    archive = make_zip(work / "names.zip", [DESCRIPTOR, ("data/a.csv", b"1")])
    data = bytearray(archive.read_bytes())
    local, _ = entry(bytes(data), "data/a.csv")
    data[local + 30 : local + 40] = b"data/b.csv"
    archive.write_bytes(bytes(data))
    error = refused(archive)
    assert error.member == "data/a.csv" and "'data/b.csv' in its local header" in error.reason


def test_a_local_header_with_other_sizes_is_refused(work) -> None:
    archive = make_zip(work / "sizes.zip", [DESCRIPTOR, ("data/a.csv", b"12345")])
    archive.write_bytes(set_sizes(archive.read_bytes(), "data/a.csv", size=4, where=("local",)))
    error = refused(archive)
    assert error.member == "data/a.csv" and "disagree with the central directory" in error.reason


def test_overlapping_members_are_refused(work) -> None:
    """A member whose data holds another member's whole local record, both listed in the
    central directory: the trick behind non-recursive zip bombs."""
    inner = make_zip(
        work / "inner.zip", [("data/b.csv", b"1,2\n")], zipfile.ZIP_STORED
    ).read_bytes()
    inner_central = inner[inner.index(zip_records.CENTRAL_SIG) : inner.index(zip_records.END_SIG)]
    record = inner[: inner.index(zip_records.CENTRAL_SIG)]
    outer = make_zip(work / "outer.zip", [("data/a.bin", record), DESCRIPTOR], zipfile.ZIP_STORED)
    data = outer.read_bytes()
    cd_at = data.index(zip_records.CENTRAL_SIG)
    end_at = data.index(zip_records.END_SIG)
    moved = bytearray(inner_central)
    struct.pack_into("<L", moved, 42, 30 + len("data/a.bin"))  # inside a.bin's data
    central = data[cd_at:end_at] + bytes(moved)
    end = bytearray(data[end_at:])
    struct.pack_into("<HHLL", end, 8, 3, 3, len(central), cd_at)
    outer.write_bytes(data[:cd_at] + central + bytes(end))
    assert len(zipfile.ZipFile(outer).infolist()) == 3
    error = refused(outer)
    assert error.member == "data/a.bin" and "overlaps member 'data/b.csv'" in error.reason


def test_bytes_before_the_archive_are_refused(work) -> None:
    archive, _ = package_zip(work, None)
    archive.write_bytes(b"#!/bin/sh\nexit 0\n" + archive.read_bytes())
    assert zipfile.ZipFile(archive).namelist()  # zipfile reads it, adjusting every offset
    assert "does not end where its end record begins" in refused(archive).reason


# Where the package is ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "names",
    [
        ["a/datapackage.json", "b/data.csv"],
        ["a/b/datapackage.json"],
        ["data/sources.csv"],
    ],
)
def test_an_archive_without_a_descriptor_where_expected_is_refused(work, names) -> None:
    archive = make_zip(work / "nopkg.zip", [(n, b"{}") for n in names])
    error = refused(archive)
    assert error.member is None and "no datapackage.json in the archive" in error.reason


def test_a_missing_archive_cannot_run(work) -> None:
    with pytest.raises(CannotRun, match="cannot read the archive"), extracted(work / "no.zip"):
        pass


def test_members_are_written_as_regular_private_files(work) -> None:
    executable = zipfile.ZipInfo("run.sh")
    executable.external_attr = (stat.S_IFREG | 0o4777) << 16
    archive = make_zip(work / "modes.zip", [DESCRIPTOR, (executable, b"#!/bin/sh\n")])
    with extracted(archive) as folder:
        mode = (folder / "run.sh").lstat().st_mode
        assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o600
        assert os.access(folder / "run.sh", os.X_OK) is False
