"""Write a data package folder atomically: all of it, or nothing changes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kzdata.pipelines import folder_swap
from kzdata.pipelines.csv_dialect import WRITTEN_DIALECT
from kzdata.pipelines.descriptor import data_path
from kzdata.pipelines.errors import CannotRun


def csv_bytes(rows: list[dict[str, Any]], fields: list[str]) -> bytes:
    """Rows as CSV in the declared dialect; empty cells for missing values, lower-case booleans."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        **WRITTEN_DIALECT.csv_module(),
        lineterminator=WRITTEN_DIALECT.line_terminator,
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
    to a folder beside `out`, then swap it in. A failure leaves `out` as it was; concurrent
    writes of the same `out` run one after the other."""
    out = Path(out)
    with folder_swap.locked(out):
        if out.exists() and any(out.iterdir()) and not (out / "datapackage.json").is_file():
            raise CannotRun(
                f"refusing to replace {out}: it is not empty and holds no datapackage.json"
            )
        staging = folder_swap.new_staging(out)
        try:
            (staging / "data").mkdir()
            stats = {}
            for name, content in files.items():
                (staging / data_path(name)).write_bytes(content)
                stats[name] = (len(content), hashlib.sha256(content).hexdigest())
            (staging / "datapackage.json").write_bytes(descriptor_bytes(make_descriptor(stats)))
            folder_swap.swap_in(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
