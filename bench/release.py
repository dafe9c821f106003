"""Benchmark: `kzdata release` and `kzdata diff` on a growing package.

    python bench/release.py [ROWS ...]        (default: 10000 100000)

For each size, grows the shipped package's observations to ROWS rows (as bench/validate.py
does), releases it as 1.0.0, then corrects the notes of 1% of the rows and adds 1% new rows,
and times `kzdata diff` of 1.0.0 against the changed package and `kzdata release 1.1.0` of it,
end to end, imports included. `kzdata validate` is timed too: a release runs every layer
first, so the difference is what the release itself costs.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import BIN, ENVIRONMENT, SHIPPED, grow  # a sibling script, not a package


def change(folder: Path, share: float = 0.01) -> None:
    """Correct the notes of `share` of the rows and add as many new rows; hashes kept true."""
    path = folder / "data" / "observations.csv"
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    step = max(int(1 / share), 1)
    fields = header.split(",")
    notes = fields.index("notes")
    changed = []
    for i, line in enumerate(lines):
        if i % step == 0 and line.startswith("bench_"):
            cells = line.split(",")
            if len(cells) == len(fields):  # a row with no quoted comma: safe to edit as text
                cells[notes] = "Corrected."
                line = ",".join(cells)
        changed.append(line)
    added = [f"added_{i}," + changed[i].split(",", 1)[1] for i in range(len(lines) // step)]
    content = ("\n".join([header, *changed, *added]) + "\n").encode("utf-8")
    path.write_bytes(content)
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "observations":
            resource["bytes"] = len(content)
            resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")


def seconds(command: list[str]) -> tuple[float, int, str]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=ENVIRONMENT)
    return time.perf_counter() - start, result.returncode, result.stdout


def main(sizes: list[int]) -> None:
    kzdata = str(BIN / "kzdata")
    print(f"{'rows':>9}  {'command':<34} {'seconds':>8} {'exit':>4}")
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder, releases = Path(tmp) / "pkg", Path(tmp) / "releases"
            shutil.copytree(SHIPPED, folder)
            grow(folder, rows)
            stamp = ["--created", "2026-11-25T00:00:00Z"]
            runs = [
                ("kzdata validate", [kzdata, "validate", str(folder)]),
                (
                    "kzdata release 1.0.0",
                    [
                        kzdata,
                        "release",
                        "1.0.0",
                        "--package",
                        str(folder),
                        "--to",
                        str(releases),
                        *stamp,
                    ],
                ),
            ]
            for label, command in runs:
                took, code, _ = seconds(command)
                print(f"{rows:>9}  {label:<34} {took:>8.2f} {code:>4}")
            change(folder)
            took, code, out = seconds([kzdata, "diff", str(releases / "1.0.0"), str(folder)])
            summary = next((line for line in out.splitlines() if "observations:" in line), "")
            label = "kzdata diff 1.0.0 changed"
            print(f"{rows:>9}  {label:<34} {took:>8.2f} {code:>4}  {summary.strip()}")
            took, code, _ = seconds(
                [
                    kzdata,
                    "release",
                    "1.1.0",
                    "--package",
                    str(folder),
                    "--to",
                    str(releases),
                    *stamp,
                ]
            )
            print(f"{rows:>9}  {'kzdata release 1.1.0':<34} {took:>8.2f} {code:>4}")


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [10_000, 100_000])
