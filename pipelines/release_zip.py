"""The zip of a release: the same files always give the same bytes.

Members are sorted, carry one fixed timestamp (the release's), fixed permissions and no
extra fields, and are deflated at one fixed level.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

# zip's epoch: an earlier timestamp cannot be stored.
_EARLIEST = (1980, 1, 1, 0, 0, 0)


def write_zip(path: Path, folder: Path, members: list[str], when: tuple[int, ...]) -> None:
    """Zip the files `members` (paths relative to `folder`) into `path`, all stamped `when`
    (year, month, day, hour, minute, second)."""
    stamp = max(tuple(when[:6]), _EARLIEST)
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            archive.writestr(info, (folder / name).read_bytes(), compresslevel=9)
