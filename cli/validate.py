"""kzdata validate: check a data package and report every finding."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kzdata.cli import allocator
from kzdata.pipelines.descriptor_limits import (
    MAX_DESCRIPTOR_BYTES,
    MAX_DESCRIPTOR_DEPTH,
    MAX_DESCRIPTOR_FINDINGS,
)
from kzdata.pipelines.fetch_limits import (
    MAX_BYTES,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_REDIRECTS,
    READ_TIMEOUT,
)
from kzdata.pipelines.fetch_limits import MAX_DESCRIPTOR_BYTES as MAX_REMOTE_DESCRIPTOR_BYTES
from kzdata.pipelines.finding import DEFAULT_LIMIT
from kzdata.pipelines.finding_policy import MESSAGE_CHARS, VALUE_CHARS
from kzdata.pipelines.table_limits import BYTES_MARGIN, MAX_CELL_BYTES

ZIPS, URLS, RELEASES = "Zip targets", "URL targets", "Releases"


class Format(StrEnum):
    """The report formats (kzdata.pipelines.formats.FORMATS, kept in step by a test)."""

    text = "text"
    json = "json"
    github = "github"
    junit = "junit"
    sarif = "sarif"


class Engine(StrEnum):
    """The engines that check tables against their Table Schemas (pipelines' ENGINES)."""

    auto = "auto"
    fast = "fast"
    frictionless = "frictionless"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"


def validate(
    # Text, not a Path: a Path would turn "https://host" into "https:/host".
    target: Annotated[
        str,
        typer.Argument(
            help="A data package: its folder, its datapackage.json, a zip of it, or an "
            "http(s) URL of any of these."
        ),
    ] = "datapackage",
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
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="What checks tables against their Table Schemas: frictionless itself, the "
            "vectorized engine (same findings), or auto: by file size.",
        ),
    ] = Engine.auto,
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
    max_descriptor_bytes: Annotated[
        int,
        typer.Option(min=1, help="Refuse a descriptor, schema or dialect file larger than this."),
    ] = MAX_DESCRIPTOR_BYTES,
    max_descriptor_depth: Annotated[
        int,
        typer.Option(
            min=1, help="Refuse a descriptor, schema or dialect file nested deeper than this."
        ),
    ] = MAX_DESCRIPTOR_DEPTH,
    max_profile_findings: Annotated[
        int,
        typer.Option(
            min=1, help="Findings listed by the descriptor's profile check; the rest are counted."
        ),
    ] = MAX_DESCRIPTOR_FINDINGS,
    max_value_chars: Annotated[
        int, typer.Option(min=1, help="Characters of a cell a finding quotes; the rest are cut.")
    ] = VALUE_CHARS,
    max_message_chars: Annotated[
        int, typer.Option(min=1, help="Characters of a finding's message; the rest are cut.")
    ] = MESSAGE_CHARS,
    max_cell_bytes: Annotated[
        int,
        typer.Option(
            min=1,
            help="A table with a cell larger than this is reported and read by no layer.",
        ),
    ] = MAX_CELL_BYTES,
    bytes_margin: Annotated[
        int,
        typer.Option(
            min=0,
            help="A table file larger than its recorded `bytes` plus this is reported and not "
            "read at all.",
        ),
    ] = BYTES_MARGIN,
    documents: Annotated[
        Path | None,
        typer.Option(
            "--documents",
            metavar="DIR",
            help="Folder holding the source documents named in sources.document_path, for "
            "the provenance layer (default: seeds/documents beside the package, if there).",
        ),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            metavar="KEY",
            help="Check a release's signature with this minisign public key (.pub).",
            rich_help_panel=RELEASES,
        ),
    ] = None,
    expect_sha256: Annotated[
        str | None,
        typer.Option(
            metavar="DIGEST",
            help="The sha256 the download must have: the zip's, or SHA256SUMS' for a folder "
            "or a URL (from the releases index or the publisher).",
            rich_help_panel=RELEASES,
        ),
    ] = None,
    zip_max_members: Annotated[
        int, typer.Option(min=1, help="Refuse a zip with more members.", rich_help_panel=ZIPS)
    ] = MAX_MEMBERS,
    zip_max_bytes: Annotated[
        int,
        typer.Option(min=1, help="Refuse a zip larger than this, unpacked.", rich_help_panel=ZIPS),
    ] = MAX_BYTES,
    zip_max_ratio: Annotated[
        float,
        typer.Option(
            min=1, help="Refuse a zip member compressed more than this.", rich_help_panel=ZIPS
        ),
    ] = MAX_RATIO,
    timeout: Annotated[
        float,
        typer.Option(
            min=0.1,
            help="Seconds to connect, and to wait for any one read, on a URL.",
            rich_help_panel=URLS,
        ),
    ] = READ_TIMEOUT,
    max_download_bytes: Annotated[
        int, typer.Option(min=1, help="Refuse a file larger than this.", rich_help_panel=URLS)
    ] = MAX_FILE_BYTES,
    max_redirects: Annotated[
        int,
        typer.Option(
            min=0, help="Same-origin redirects followed for one file.", rich_help_panel=URLS
        ),
    ] = MAX_REDIRECTS,
    max_remote_files: Annotated[
        int,
        typer.Option(
            min=1, help="Refuse a descriptor that names more files.", rich_help_panel=URLS
        ),
    ] = MAX_FILES,
    max_remote_descriptor_bytes: Annotated[
        int,
        typer.Option(
            min=1, help="Refuse a downloaded descriptor larger than this.", rich_help_panel=URLS
        ),
    ] = MAX_REMOTE_DESCRIPTOR_BYTES,
    allow_remote_hosts: Annotated[
        bool,
        typer.Option(
            help="Fetch resource paths on another origin or outside the descriptor's folder.",
            rich_help_panel=URLS,
        ),
    ] = False,
) -> None:
    """Validate a data package: a folder, its datapackage.json, a zip or an http(s) URL.
    Exit 0 valid, 1 findings, 2 could not run, 3 internal error."""
    # The layers after the table checks hold tables from one layer to the next; the table
    # checks alone, on the vectorized engine, hold one at a time, so polars may keep what it
    # freed to use it again.
    fast_tables_only = set(layers or ()) == {"frictionless"} and engine != Engine.frictionless
    allocator.configure(allocator.SOON if fast_tables_only else allocator.AT_ONCE)
    from kzdata.pipelines.descriptor_limits import Limits
    from kzdata.pipelines.formats import FORMATS
    from kzdata.pipelines.remote import FetchOptions
    from kzdata.pipelines.safe_zip import ZipLimits
    from kzdata.pipelines.table_limits import RawLimits
    from kzdata.pipelines.validate import validate as run_validate

    limits = Limits(
        max_bytes=max_descriptor_bytes,
        max_depth=max_descriptor_depth,
        max_findings=max_profile_findings,
    )
    zips = ZipLimits(max_members=zip_max_members, max_bytes=zip_max_bytes, max_ratio=zip_max_ratio)
    fetch = FetchOptions(
        connect_timeout=timeout,
        read_timeout=timeout,
        max_bytes=max_download_bytes,
        max_redirects=max_redirects,
        max_files=max_remote_files,
        max_descriptor_bytes=max_remote_descriptor_bytes,
        allow_remote_hosts=allow_remote_hosts,
        zip_limits=zips,
    )
    report = run_validate(
        target,
        layers=layers,
        limit=max_findings,
        limits=limits,
        documents=documents,
        fetch=fetch,
        zip_limits=zips,
        public_key=public_key,
        expect_sha256=expect_sha256,
        engine=engine.value,
        raw_limits=RawLimits(max_cell_bytes=max_cell_bytes, bytes_margin=bytes_margin),
        value_chars=max_value_chars,
        message_chars=max_message_chars,
    )
    typer.echo(FORMATS[output_format.value](report), nl=False)
    raise typer.Exit(report.exit_code(fail_on.value))
