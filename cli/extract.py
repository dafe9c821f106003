"""kzdata extract: list the numbers of a new source document, to map them into the seeds."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class ExtractFormat(StrEnum):
    table = "table"
    yaml = "yaml"


def extract(
    document: Annotated[Path, typer.Argument(help="A source document: UTF-8 text.")],
    output_format: Annotated[
        ExtractFormat,
        typer.Option(
            "--format",
            "-f",
            help="table: one line per number; yaml: seed entries to fill in, with quote and "
            "locator.",
        ),
    ] = ExtractFormat.table,
) -> None:
    """List every number of DOCUMENT with its offsets, qualifier and noun. Exit 2: no such
    file; 1: not UTF-8."""
    from kzdata.pipelines.extract import extract as run_extract
    from kzdata.pipelines.extract_formats import render_table, render_yaml

    text, candidates = run_extract(document)
    if output_format is ExtractFormat.yaml:
        typer.echo(render_yaml(candidates, text, document.name), nl=False)
    else:
        typer.echo(render_table(candidates), nl=False)
