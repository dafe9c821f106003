"""Write a data package folder atomically: all of it, or nothing changes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kzdata.pipelines.descriptor import DIALECT, data_path
from kzdata.pipelines.errors import CannotRun


def csv_bytes(rows: list[dict[str, Any]], fields: list[str]) -> bytes:
    """Rows as CSV in the declared dialect; empty cells for missing values, lower-case booleans."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=DIALECT["delimiter"],
        lineterminator=DIALECT["lineTerminator"],
        quotechar=DIALECT["quoteChar"],
        doublequote=DIALECT["doubleQuote"],
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_cell(row[f]) for f in fields])
    return buffer.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def descriptor_bytes(descriptor: dict[str, Any]) -> bytes:
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_package(
    out: Path,
    files: dict[str, bytes],
    make_descriptor: Callable[[dict[str, tuple[int, str]]], dict[str, Any]],
) -> None:
    """Write each resource's CSV bytes and the descriptor (given every file's size and sha256)
    to a folder beside `out`, then swap it in. A failure leaves `out` as it was."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / "datapackage.json").is_file():
        raise CannotRun(f"refusing to replace {out}: it is not empty and holds no datapackage.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a package is not
        (staging / "data").mkdir()
        stats = {}
        for name, content in files.items():
            (staging / data_path(name)).write_bytes(content)
            stats[name] = (len(content), hashlib.sha256(content).hexdigest())
        (staging / "datapackage.json").write_bytes(descriptor_bytes(make_descriptor(stats)))
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
