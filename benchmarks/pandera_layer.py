"""How long the pandera layer takes on a large observations table (not a test: run it by hand).

    python benchmarks/pandera_layer.py [ROWS]

Copies the shipped package to a temporary folder, repeats its observations to ROWS rows
(default 1,000,000) with fresh ids, and times the layer alone, imports excluded.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from kzdata import package_path
from kzdata.pipelines.layers import pandera_layer
from kzdata.pipelines.target import open_target


def grow(folder: Path, rows: int) -> None:
    path = folder / "data" / "observations.csv"
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    # Every shipped row is one line, starting with its id: a fresh id keeps the key unique.
    body = [f"obs_{i}," + lines[i % len(lines)].split(",", 1)[1] for i in range(rows)]
    content = ("\n".join([header, *body]) + "\n").encode("utf-8")
    path.write_bytes(content)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    entry = next(r for r in descriptor["resources"] if r["name"] == "observations")
    entry["bytes"], entry["hash"] = len(content), "sha256:" + hashlib.sha256(content).hexdigest()
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def main(rows: int) -> None:
    import pandera.polars  # noqa: F401  (imported before timing)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(shutil.copytree(package_path(), Path(tmp) / "pkg"))
        grow(folder, rows)
        start = time.perf_counter()
        findings = pandera_layer.check(open_target(folder))
        seconds = time.perf_counter() - start
    print(f"{rows:,} observations: {seconds:.2f} s, {len(findings)} finding(s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
