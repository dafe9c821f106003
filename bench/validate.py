"""Benchmark: `kzdata validate` against `frictionless validate` on the same, growing package.

    python bench/validate.py [ROWS ...]        (default: 10000 100000)

For each size, copies the shipped package to a temporary folder, grows its observations table
to ROWS valid rows (the shipped rows plus copies with fresh ids, so every key stays unique and
every foreign key resolves), and times each command end to end, imports included, as a user
or CI runs it. Prints seconds and the ratio to frictionless (below 1 is faster).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SHIPPED = Path(__file__).resolve().parent.parent / "datapackage"


def grow(folder: Path, rows: int) -> None:
    """Observations grown to `rows` rows; the descriptor's bytes and hash kept true."""
    path = folder / "data" / "observations.csv"
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    # Shipped rows are one line each and start with their id: a fresh id keeps the key unique.
    extra = [
        f"bench_{i}," + lines[i % len(lines)].split(",", 1)[1] for i in range(rows - len(lines))
    ]
    content = ("\n".join([header, *lines, *extra]) + "\n").encode("utf-8")
    path.write_bytes(content)
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "observations":
            resource["bytes"] = len(content)
            resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")


def seconds(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True)
    return time.perf_counter() - start, result.returncode


def main(sizes: list[int]) -> None:
    kzdata, frictionless = str(BIN / "kzdata"), str(BIN / "frictionless")
    print(f"{'rows':>9}  {'command':<36} {'seconds':>8} {'exit':>4} {'vs frictionless':>15}")
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "pkg"
            shutil.copytree(SHIPPED, folder)
            grow(folder, rows)
            descriptor = str(folder / "datapackage.json")
            base, code = seconds([frictionless, "validate", descriptor])
            print(f"{rows:>9}  {'frictionless validate':<36} {base:>8.2f} {code:>4} {1:>15.2f}")
            for label, extra in [
                ("kzdata validate", []),
                ("kzdata validate --layer frictionless", ["--layer", "frictionless"]),
                ("kzdata validate --layer pandera", ["--layer", "pandera"]),
            ]:
                took, code = seconds([kzdata, "validate", str(folder), *extra])
                print(f"{rows:>9}  {label:<36} {took:>8.2f} {code:>4} {took / base:>15.2f}")


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [10_000, 100_000])
