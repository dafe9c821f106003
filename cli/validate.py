"""kzdata validate: check a data package and report every finding."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kzdata.pipelines.finding import DEFAULT_LIMIT


class Format(StrEnum):
    """The report formats (kzdata.pipelines.formats.FORMATS, kept in step by a test)."""

    text = "text"
    json = "json"
    github = "github"
    junit = "junit"
    sarif = "sarif"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"


def validate(
    target: Annotated[
        Path, typer.Argument(help="A data package folder or its datapackage.json.")
    ] = Path("datapackage"),
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="Report format.")
    ] = Format.text,
    layers: Annotated[
        list[str] | None,
        typer.Option(
            "--layer",
            "-l",
            metavar="NAME",
            help="Run only this layer (repeatable; default: all). Refusals of the descriptor "
            "itself are always reported.",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest severity that makes the exit code 1.")
    ] = FailOn.error,
    max_findings: Annotated[
        int,
        typer.Option(
            "--max-findings",
            min=1,
            metavar="N",
            help="Findings shown per layer, rule and resource; the rest are counted and the "
            "report says it was cut short.",
        ),
    ] = DEFAULT_LIMIT,
    documents: Annotated[
        Path | None,
        typer.Option(
            "--documents",
            metavar="DIR",
            help="Folder holding the source documents named in sources.document_path, for "
            "the provenance layer (default: seeds/documents beside the package, if there).",
        ),
    ] = None,
) -> None:
    """Validate a data package. Exit 0 valid, 1 findings, 2 could not run, 3 internal error."""
    from kzdata.pipelines.formats import FORMATS
    from kzdata.pipelines.validate import validate as run_validate

    report = run_validate(target, layers=layers, limit=max_findings, documents=documents)
    typer.echo(FORMATS[output_format.value](report), nl=False)
    raise typer.Exit(report.exit_code(fail_on.value))
