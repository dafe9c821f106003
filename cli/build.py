"""kzdata build: seeds -> datapackage/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def build(
    seeds: Annotated[Path, typer.Option(help="Folder of seed files.")] = Path("seeds"),
    out: Annotated[Path, typer.Option(help="Data package folder to (re)write.")] = Path(
        "datapackage"
    ),
) -> None:
    """Build the data package from the seeds. Same seeds, same bytes; all or nothing."""
    from kzdata.pipelines.build import build as run_build

    result = run_build(seeds, out)
    rows = ", ".join(f"{name} {n}" for name, n in result.rows.items())
    typer.echo(f"built {result.out}: {rows} rows")
