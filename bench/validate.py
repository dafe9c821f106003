"""Benchmark: `kzdata validate` against `frictionless validate` on the same, growing package.

    python bench/validate.py [ROWS ...]        (default: 10000 100000)

For each size, copies the shipped package to a temporary folder, grows its observations table
to ROWS valid rows (the shipped rows plus copies for other regions, each with a citation of its
own, so the package stays valid), and times each command end to end, imports included, as a
user or CI runs it. Prints seconds and the ratio to frictionless (below 1 is faster).
"""

from __future__ import annotations

import csv
import hashlib
import io
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
    """Observations grown to `rows` rows, each with a citation of its own; the descriptor's
    bytes and hashes kept true. A copy of the shipped rows is the same figures for another
    region (a fresh id and geography), so every fact stays one observation, every key unique,
    every foreign key resolved and every total still the sum of its components."""
    observations = _read(folder, "observations")
    citations = _read(folder, "citations")
    header, shipped = observations[0], observations[1:]
    cited = {row[0]: row for row in citations[1:]}
    at = {
        name: header.index(name) for name in ("observation_id", "geography", "primary_citation_id")
    }
    grown_observations, grown_citations = [], []
    for i in range(rows - len(shipped)):
        row = list(shipped[i % len(shipped)])
        citation = list(cited[row[at["primary_citation_id"]]])
        row[at["observation_id"]] = citation[1] = f"bench_{i}"
        row[at["geography"]] = _region(i // len(shipped))
        row[at["primary_citation_id"]] = citation[0] = f"bench_{i}_c"
        grown_observations.append(row)
        grown_citations.append(citation)
    _write(folder, "observations", observations + grown_observations)
    _write(folder, "citations", citations + grown_citations)


def _region(n: int) -> str:
    """The n-th ISO 3166-2-shaped code: AA-0 ... ZZ-ZZZ (about 30 million of them)."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    country, region = divmod(n, 36**3)
    suffix = "".join(digits[region // 36**k % 36] for k in (2, 1, 0))
    return f"{chr(65 + country // 26 % 26)}{chr(65 + country % 26)}-{suffix}"


def _read(folder: Path, name: str) -> list[list[str]]:
    text = (folder / "data" / f"{name}.csv").read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def _write(folder: Path, name: str, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    content = out.getvalue().encode("utf-8")
    (folder / "data" / f"{name}.csv").write_bytes(content)
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            resource["bytes"] = len(content)
            resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")


def seconds(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True)
    return time.perf_counter() - start, result.returncode


def main(sizes: list[int]) -> None:
    kzdata, frictionless = str(BIN / "kzdata"), str(BIN / "frictionless")
    print(f"{'rows':>9}  {'command':<42} {'seconds':>8} {'exit':>4} {'vs frictionless':>15}")
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "pkg"
            shutil.copytree(SHIPPED, folder)
            grow(folder, rows)
            descriptor = str(folder / "datapackage.json")
            base, code = seconds([frictionless, "validate", descriptor])
            print(f"{rows:>9}  {'frictionless validate':<42} {base:>8.2f} {code:>4} {1:>15.2f}")
            for label, extra in [
                ("kzdata validate", []),
                ("kzdata validate --layer frictionless", ["--layer", "frictionless"]),
                (
                    "  ... --engine frictionless",
                    ["--layer", "frictionless", "--engine", "frictionless"],
                ),
                ("  ... --engine fast", ["--layer", "frictionless", "--engine", "fast"]),
                ("kzdata validate --layer pandera", ["--layer", "pandera"]),
                (
                    "kzdata validate --layer great_expectations",
                    ["--layer", "great_expectations"],
                ),
            ]:
                took, code = seconds([kzdata, "validate", str(folder), *extra])
                print(f"{rows:>9}  {label:<42} {took:>8.2f} {code:>4} {took / base:>15.2f}")


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [10_000, 100_000])
