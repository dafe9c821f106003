"""The kzdata app: one file per command, assembled here."""

from __future__ import annotations

import typer

from kzdata.cli import build, dictionary, validate
from kzdata.cli.errors import exit_codes

app = typer.Typer(
    name="kzdata",
    help="Build, validate and publish the kzdata data package.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("build")(exit_codes(build.build))
app.command("validate")(exit_codes(validate.validate))
app.command("dictionary")(exit_codes(dictionary.dictionary))


def run() -> None:
    app()
