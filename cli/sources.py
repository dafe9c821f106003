"""kzdata sources: who says what, per fact of a built package."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class SourcesFormat(StrEnum):
    """The listing's formats (kzdata.pipelines.fact_sources_formats.FORMATS)."""

    text = "text"
    json = "json"


def sources(
    package: Annotated[
        Path, typer.Argument(help="A built package: a folder or its datapackage.json.")
    ] = Path("datapackage"),
    output_format: Annotated[
        SourcesFormat, typer.Option("--format", "-f", help="text, or json for programs.")
    ] = SourcesFormat.text,
) -> None:
    """Every statement of every fact: original or relay (of whom), the independent origins
    confirming it, and whether it is disputed and why. Exit 2: no such package; 1: not a
    package kzdata can read."""
    from kzdata.pipelines.fact_sources import fact_sources
    from kzdata.pipelines.fact_sources_formats import FORMATS

    typer.echo(FORMATS[output_format.value](fact_sources(package)), nl=False)
