"""kzdata release: publish the validated package as an immutable, versioned release."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer


def release(
    version: Annotated[str, typer.Argument(help="The new version, MAJOR.MINOR.PATCH.")],
    package: Annotated[Path, typer.Option(help="The data package to release.")] = Path(
        "datapackage"
    ),
    to: Annotated[
        Path, typer.Option("--to", help="The release history: one folder per version.")
    ] = Path("releases"),
    sign_key: Annotated[
        Path | None,
        typer.Option(
            "--sign-key",
            metavar="KEY",
            help="Sign SHA256SUMS with this minisign secret key (kzdata keygen makes one; an "
            "encrypted key takes its password from KZDATA_KEY_PASSWORD).",
        ),
    ] = None,
    allow_bump: Annotated[
        bool,
        typer.Option(
            "--allow-bump", help="Release even if the changes need a bigger bump (with --reason)."
        ),
    ] = False,
    reason: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="Why the bump is overridden; goes into the changelog."),
    ] = None,
    documents: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Folder of the source documents (default: seeds/documents beside the package).",
        ),
    ] = None,
    created: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DDTHH:MM:SSZ",
            help="The release time (UTC), for a reproducible release; default SOURCE_DATE_EPOCH "
            "if set, else now.",
        ),
    ] = None,
) -> None:
    """Validate the package with every layer, then publish it as version VERSION."""
    from kzdata.pipelines.release import release as run_release
    from kzdata.pipelines.signing import PASSWORD_ENV

    result = run_release(
        version,
        package,
        to,
        sign_key=sign_key,
        password=os.environ.get(PASSWORD_ENV),
        allow_bump=allow_bump,
        reason=reason,
        created=created,
        documents=documents,
    )
    after = f"after {result.previous}" if result.previous else "the first release"
    bump = "" if result.bump == "first" else f"{result.bump} release, "
    signed = f"; signed by key {result.key_id}" if result.key_id else "; not signed"
    warned = f"; {result.warnings} validation warning(s)" if result.warnings else ""
    typer.echo(f"released {result.version} in {result.folder} ({bump}{after}{signed}{warned})")
