"""The kzdata app: one file per command, assembled here."""

from __future__ import annotations

import gc
from typing import Annotated

import typer

from kzdata.cli import (
    allocator,
    build,
    dictionary,
    diff,
    extract,
    keygen,
    release,
    sources,
    validate,
)
from kzdata.cli.errors import exit_codes

app = typer.Typer(
    name="kzdata",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("build")(exit_codes(build.build))
app.command("validate")(exit_codes(validate.validate))
app.command("dictionary")(exit_codes(dictionary.dictionary))
app.command("extract")(exit_codes(extract.extract))
app.command("diff")(exit_codes(diff.diff))
app.command("release")(exit_codes(release.release))
app.command("keygen")(exit_codes(keygen.keygen))
app.command("sources")(exit_codes(sources.sources))


def _print_version(value: bool) -> None:
    if value:
        from kzdata.pipelines.version import VERSION

        typer.echo(f"kzdata {VERSION}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print version."),
    ] = False,
) -> None:
    """Build, validate and publish the kzdata data package."""


def run() -> None:
    # frictionless holds a descriptor of 10,000 fields as a million long-lived objects, which
    # the collector's default thresholds walk again every few thousand allocations (half a
    # second of such a validation); a short-lived command can collect less often.
    gc.set_threshold(10_000, 10, 10)
    # Every command but one that only checks tables (see kzdata.cli.validate) returns freed
    # memory at once; none has loaded polars yet.
    allocator.configure(allocator.AT_ONCE)
    app()
