"""Build: seeds -> normalized tables -> data package folder. Same seeds, same bytes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kzdata.pipelines.descriptor import make_descriptor
from kzdata.pipelines.package_writer import csv_bytes, write_package
from kzdata.pipelines.seeds import load_seeds
from kzdata.pipelines.tables import make_tables
from kzdata.schemas import field_names


@dataclass(frozen=True)
class BuildResult:
    out: Path
    rows: dict[str, int]


def build(seeds: Path | str = "seeds", out: Path | str = "datapackage") -> BuildResult:
    """Build the data package in `out` from the seed files in `seeds`.

    Raises SeedError (naming file and entry) on bad seeds; `out` is then left untouched.
    """
    # Load inputs
    loaded = load_seeds(Path(seeds))
    # Process data
    tables = make_tables(loaded)
    files = {name: csv_bytes(rows, field_names(name)) for name, rows in tables.items()}
    # Save outputs
    write_package(
        Path(out),
        files,
        lambda stats: make_descriptor(loaded.package, tables["sources"], stats),
    )
    return BuildResult(Path(out), {name: len(rows) for name, rows in tables.items()})
