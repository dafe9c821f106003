"""kzdata diff: what changed between two versions of the data package."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class DiffFormat(StrEnum):
    """The diff formats (kzdata.pipelines.diff_formats.FORMATS, kept in step by a test)."""

    text = "text"
    json = "json"
    markdown = "markdown"


def diff(
    # Text, not Paths: a Path would turn "https://host" into "https:/host".
    old: Annotated[
        str, typer.Argument(help="The older package: a folder, datapackage.json, zip or URL.")
    ],
    new: Annotated[
        str, typer.Argument(help="The newer package: a folder, datapackage.json, zip or URL.")
    ],
    output_format: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="text, json, or markdown (a changelog entry)."),
    ] = DiffFormat.text,
) -> None:
    """Rows, schema and metadata changed from OLD to NEW, and the version bump they need."""
    from kzdata.pipelines.diff import diff as run_diff
    from kzdata.pipelines.diff_formats import FORMATS

    typer.echo(FORMATS[output_format.value](run_diff(old, new)), nl=False)
