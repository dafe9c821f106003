"""Packages for the benchmarks, generated in a folder the caller gives (never committed).

- `grow(folder, rows)`: the shipped package with its observations grown to `rows` valid,
  distinct facts, each with a citation of its own.
- `seed_faults(folder, seed)`: a grown package broken with every kind of finding the fast
  engine reports, at seeded rows (FAULTS lists them).
- `wide(folder, columns, rows)`: one table of `columns` typed, constrained fields.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

import polars as pl

SHIPPED = Path(__file__).resolve().parent.parent / "datapackage"
# Every kind of finding seed_faults plants: the frictionless layer reports each one.
FAULTS = (
    "type-error",
    "constraint-error",
    "primary-key",
    "unique-error",
    "foreign-key",
    "blank-row",
    "extra-cell",
    "missing-cell",
    "blank-label",
    "duplicate-label",
    "hash-count",
    "byte-count",
)


def copy_shipped(folder: Path) -> None:
    shutil.copytree(SHIPPED, folder)


def grow(folder: Path, rows: int) -> None:
    """Observations grown to `rows` rows, each with a citation of its own; the descriptor's
    bytes and hashes kept true. A copy of the shipped rows is the same figures for another
    region (a fresh id and geography), so every fact stays one observation, every key unique,
    every foreign key resolved and every total still the sum of its components."""
    observations = _read(folder, "observations")
    citations = _read(folder, "citations")
    shipped = observations.height
    added = max(rows - shipped, 0)
    i = pl.int_range(0, added, dtype=pl.Int64, eager=True)
    source = observations[(i % shipped).to_list()] if added else observations.clear()
    ids = "bench_" + i.cast(pl.String)
    grown = source.with_columns(
        observation_id=ids,
        geography=_regions(added // shipped + 1)[(i // shipped).to_list()],
        primary_citation_id=ids + "_c",
    )
    cited = grown.select(
        pl.col("primary_citation_id").alias("new_id"),
        "observation_id",
        source.get_column("primary_citation_id").alias("shipped_id"),
    ).join(
        citations.drop("observation_id").rename({"citation_id": "shipped_id"}),
        on="shipped_id",
        how="left",
        maintain_order="left",
    )
    grown_citations = cited.select(
        pl.col("new_id").alias("citation_id"),
        "observation_id",
        *[c for c in citations.columns if c not in ("citation_id", "observation_id")],
    )
    _write(folder, "observations", pl.concat([observations, grown]))
    _write(folder, "citations", pl.concat([citations, grown_citations]))


def _regions(count: int) -> pl.Series:
    """The first `count` ISO 3166-2-shaped codes: AA-000 ... (about 30 million of them)."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = []
    for n in range(count):
        country, region = divmod(n, 36**3)
        suffix = "".join(digits[region // 36**k % 36] for k in (2, 1, 0))
        codes.append(f"{chr(65 + country // 26 % 26)}{chr(65 + country % 26)}-{suffix}")
    return pl.Series(codes, dtype=pl.String)


def seed_faults(folder: Path, seed: int = 0, each: int = 3) -> dict[str, list[int]]:
    """Break a grown package with `each` of every kind in FAULTS (one of the header and file
    kinds), at rows chosen by `seed`. Returns the observations rows (header = row 1) of each
    kind of row fault."""
    path = folder / "data" / "observations.csv"
    lines = path.read_bytes().split(b"\n")
    header = lines[0].decode("utf-8").split(",")
    at = {name: header.index(name) for name in header}
    body = len(lines) - 2  # the last line is empty: the file ends with a newline
    # Row 2 is left whole: the primary-key faults repeat its id.
    chosen = random.Random(seed).sample(range(3, body + 2), each * 8)
    first_id = _split(lines[1].decode("utf-8"))[at["observation_id"]]
    planted: dict[str, list[int]] = {}

    def cells(row: int) -> list[str]:
        return _split(lines[row - 1].decode("utf-8"))

    def put(row: int, values: list[str] | None, kind: str) -> None:
        lines[row - 1] = b"" if values is None else _join(values).encode("utf-8")
        planted.setdefault(kind, []).append(row)

    for k, row in enumerate(chosen):
        kind = k % 8
        values = cells(row)
        if kind == 0:
            values[at["value"]] = "many"
            put(row, values, "type-error")
        elif kind == 1:
            values[at["geography"]] = "kazakhstan"
            put(row, values, "constraint-error")
        elif kind == 2:
            values[at["observation_id"]] = first_id  # also a unique field: unique-error
            put(row, values, "primary-key")
        elif kind == 3:
            values[at["indicator_id"]] = "no_such_indicator"
            put(row, values, "foreign-key")
        elif kind == 4:
            put(row, [""] * len(header), "blank-row")
        elif kind == 5:
            put(row, [*values, "surplus"], "extra-cell")
        elif kind == 6:
            put(row, values[:-1], "missing-cell")
        else:
            values[at["value"]] = "-5"  # below minimum 0
            put(row, values, "constraint-error")
    content = b"\n".join(lines)
    path.write_bytes(content)
    descriptor = _descriptor(folder)
    for resource in descriptor["resources"]:
        if resource["name"] == "observations":
            resource["bytes"] = len(content) + 1
            resource["hash"] = "sha256:" + hashlib.sha256(content + b"!").hexdigest()
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    # Header faults, in the citations table: a blank label and a repeated one.
    cites = folder / "data" / "citations.csv"
    head, _, rest = cites.read_bytes().partition(b"\n")
    labels = head.decode("utf-8").split(",")
    labels[labels.index("quote")] = ""
    labels[labels.index("notes")] = "citation_id"
    _rewrite(folder, "citations", ",".join(labels).encode("utf-8") + b"\n" + rest)
    return planted


def wide(folder: Path, columns: int, rows: int) -> None:
    """A package of one table, `columns` fields by `rows` rows, all valid: integers with a
    minimum, numbers with a maximum, codes with a pattern and dates, in turn."""
    kinds = [
        ("integer", {"minimum": 0}, pl.int_range(0, rows).mul(7).mod(1000).cast(pl.String)),
        ("number", {"maximum": 1e6}, (pl.int_range(0, rows) / 8).cast(pl.String)),
        ("string", {"pattern": "[a-z]{2}[0-9]+"}, "ab" + pl.int_range(0, rows).cast(pl.String)),
        ("date", {}, (pl.date(2020, 1, 1) + pl.duration(days=pl.int_range(0, rows).mod(3000)))),
    ]
    fields, exprs = [], []
    for n in range(columns):
        kind, constraints, expr = kinds[n % 4]
        name = f"f{n}"
        fields.append({"name": name, "type": kind, "constraints": constraints})
        exprs.append(expr.cast(pl.String).alias(name))
    (folder / "data").mkdir(parents=True)
    frame = pl.select(exprs) if rows else pl.DataFrame(schema=[f["name"] for f in fields])
    content = frame.write_csv(line_terminator="\n").encode("utf-8")
    (folder / "data" / "wide.csv").write_bytes(content)
    descriptor = {
        "name": "wide",
        "resources": [
            {
                "name": "wide",
                "path": "data/wide.csv",
                "schema": {"fields": fields, "missingValues": [""]},
                "bytes": len(content),
                "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
            }
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def _read(folder: Path, name: str) -> pl.DataFrame:
    # Every cell as text, an empty one as "": the cells are copied, never reinterpreted.
    frame = pl.read_csv(folder / "data" / f"{name}.csv", infer_schema=False)
    return frame.select(pl.all().fill_null(""))


def _write(folder: Path, name: str, frame: pl.DataFrame) -> None:
    # Written as Python's csv writer writes (an empty cell bare, quotes only where needed).
    bare = frame.select(pl.all().replace("", None))
    _rewrite(folder, name, bare.write_csv(line_terminator="\n").encode("utf-8"))


def _rewrite(folder: Path, name: str, content: bytes) -> None:
    (folder / "data" / f"{name}.csv").write_bytes(content)
    descriptor = _descriptor(folder)
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            resource["bytes"] = len(content)
            resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _split(line: str) -> list[str]:
    import csv

    return next(csv.reader([line]))


def _join(values: list[str]) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()
