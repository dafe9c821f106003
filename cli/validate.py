"""kzdata validate: check a data package and report every finding."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Format(StrEnum):
    text = "text"
    json = "json"


def validate(
    target: Annotated[
        Path, typer.Argument(help="A data package folder or its datapackage.json.")
    ] = Path("datapackage"),
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="Report format.")
    ] = Format.text,
) -> None:
    """Validate a data package. Exit 0 valid, 1 findings, 2 could not run, 3 internal error."""
    from kzdata.pipelines.formats import FORMATS
    from kzdata.pipelines.validate import validate as run_validate

    report = run_validate(target)
    typer.echo(FORMATS[output_format.value](report), nl=False)
    raise typer.Exit(report.exit_code())
