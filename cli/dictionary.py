"""kzdata dictionary: the data dictionary, generated from the Table Schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def dictionary(
    readme: Annotated[
        Path | None,
        typer.Option(help="Write the dictionary into this file, between its markers."),
    ] = None,
) -> None:
    """Print the data dictionary as Markdown, or update it in the README."""
    from kzdata.pipelines.dictionary import render, update_file

    if readme is None:
        typer.echo(render(), nl=False)
    else:
        changed = update_file(readme)
        typer.echo(f"{readme}: {'updated' if changed else 'already current'}")
