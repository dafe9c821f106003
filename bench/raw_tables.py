"""Benchmark: the raw table checks (kzdata.pipelines.raw_table) beside the table checks.

    python bench/raw_tables.py [ROWS ...]        (default: 100000 1000000)

For each size, grows the shipped package as bench/validate.py does, times the raw scan of
the observations and citations tables in this process, and `kzdata validate --layer
frictionless --engine fast` end to end (which includes the scan), and prints the scan's share.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import BIN, SHIPPED, grow  # a sibling script, not a package

from kzdata.pipelines.raw_table import check_table
from kzdata.pipelines.table_limits import RawLimits


def main(sizes: list[int]) -> None:
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(shutil.copytree(SHIPPED, Path(tmp) / "package"))
            grow(folder, rows)
            descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
            scan = 0.0
            for resource in descriptor["resources"]:
                if resource["name"] in ("observations", "citations"):
                    path = folder / resource["path"]
                    start = time.perf_counter()
                    check_table(path, resource, RawLimits(), 1000)
                    took = time.perf_counter() - start
                    scan += took
                    size = path.stat().st_size / 1e6
                    print(
                        f"{rows} rows: raw scan of {resource['name']} ({size:.0f} MB) {took:.2f} s"
                    )
            command = [str(BIN / "kzdata"), "validate", str(folder), "--layer", "frictionless"]
            start = time.perf_counter()
            subprocess.run([*command, "--engine", "fast"], capture_output=True, check=False)
            total = time.perf_counter() - start
            print(
                f"{rows} rows: validate --layer frictionless --engine fast {total:.2f} s, "
                f"of which the raw scan about {scan / total:.0%}"
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000, 1_000_000])
