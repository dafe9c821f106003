"""Peak memory stays bounded on a 50 MB cell and on a 2 GB file recorded as 1 KB: `kzdata
validate` runs in a child of a small Python process that reports its children's peak resident
memory (so that no earlier test's child counts). A generous bound, not a timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KZDATA = str(Path(sys.executable).parent / "kzdata")
# Before the raw checks, the 50 MB cell took 700 MB to 1 GB; with them, about 160 MB.
BOUND_KB = 450 * 1024

MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def package(folder: Path, **extra) -> Path:
    (folder / "data").mkdir(parents=True)
    resource = {
        "name": "t",
        "path": "data/t.csv",
        "format": "csv",
        "schema": {
            "fields": [{"name": "id", "type": "string"}, {"name": "name", "type": "string"}]
        },
        **extra,
    }
    (folder / "datapackage.json").write_text(json.dumps({"name": "p", "resources": [resource]}))
    return folder / "data/t.csv"


def peak(folder: Path, engine: str) -> tuple[int, int]:
    """Exit code and peak resident memory (KB) of `kzdata validate` with every layer."""
    command = [KZDATA, "validate", str(folder), "--engine", engine]
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
    )
    code, kilobytes = result.stdout.split()
    return int(code), int(kilobytes)


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_a_50_mb_cell(tmp_path, engine):
    path = package(tmp_path / "p")
    with path.open("wb") as handle:
        handle.write(b"id,name\n1,")
        for _ in range(50):
            handle.write(b"x" * 1024 * 1024)
        handle.write(b"\n")
    try:
        code, kilobytes = peak(tmp_path / "p", engine)
    finally:
        path.unlink()
    assert code == 1
    assert kilobytes < BOUND_KB


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_a_2_gb_file_recorded_as_1_kb(tmp_path, engine):
    path = package(tmp_path / "p", bytes=1024)
    path.write_bytes(b"id,name\n1,a\n")
    os.truncate(path, 2 * 1024**3)  # sparse: no disk is used
    try:
        code, kilobytes = peak(tmp_path / "p", engine)
    finally:
        path.unlink()
    assert code == 1
    assert kilobytes < BOUND_KB
