"""kzdata keygen: make a minisign key pair for signing releases."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

DEFAULT_KEY = Path("~/.minisign/kzdata.key")


def keygen(
    key: Annotated[
        Path,
        typer.Option(
            "--key",
            metavar="PATH",
            help="Secret key file to create (mode 0600); the public key goes beside it, "
            "ending in .pub. Existing files are never overwritten.",
        ),
    ] = DEFAULT_KEY,
) -> None:
    """Make a minisign key pair to sign releases with (kzdata release --sign-key)."""
    from kzdata.pipelines.signing import PASSWORD_ENV
    from kzdata.pipelines.signing import keygen as run_keygen

    made = run_keygen(key.expanduser(), os.environ.get(PASSWORD_ENV) or None)
    typer.echo(f"secret key: {made.secret} (keep it private; never commit it)")
    typer.echo(f"public key: {made.public} (publish it: users verify releases with it)")
    typer.echo(f"key id: {made.key_id}")
    if not made.encrypted:
        typer.echo(
            f"the secret key is not encrypted: set {PASSWORD_ENV} before keygen to encrypt it",
            err=True,
        )
