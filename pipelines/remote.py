"""Fetch a data package from an http(s) URL into a private temporary folder, safely.

    with fetched("https://example.org/kzdata/1.0.0/") as package:
        package.folder      # holds datapackage.json and the files it names; validate it as local
        package.downloads   # what was fetched: URL, where it was saved, bytes, sha256

The URL names the package's descriptor (any file name), its folder (ending in `/`: its
`datapackage.json` is fetched) or its zip archive (ending in `.zip`, or any response that
starts like a zip; it is unpacked by kzdata.pipelines.safe_zip). A descriptor's resources
(`path`, a string or a list; `schema` and `dialect` when they are strings) are fetched into the
same relative layout, under the rules of kzdata.pipelines.remote_paths; every download goes
through kzdata.pipelines.remote_http (timeouts, size limit, counted bytes, same-origin
redirects). The folder is removed when the block ends, whatever happens.

A descriptor that is not a JSON object with a `resources` list is saved as it came and no
resource is fetched: the validator reports it as a finding. A resource file the server answers
404 or 410 for is left out and listed in `missing`: the validator reports the missing file.

Errors: CannotRun (exit 2) for a URL that is not http(s), the network, a timeout, an HTTP
error status on the descriptor or any other error on a resource; UnsafeRemote (exit 1) for
refused paths, cross-origin redirects, files past the size limit; UnsafeArchive (exit 1) for a
refused zip.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from kzdata.pipelines import release_marker, remote_http, remote_paths, safe_zip
from kzdata.pipelines.errors import CannotRun
from kzdata.pipelines.fetch_limits import (
    CONNECT_TIMEOUT,
    MAX_DESCRIPTOR_BYTES,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_REDIRECTS,
    READ_TIMEOUT,
)
from kzdata.pipelines.remote_http import UnsafeRemote

__all__ = [
    "CONNECT_TIMEOUT",
    "MAX_DESCRIPTOR_BYTES",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_REDIRECTS",
    "READ_TIMEOUT",
    "Download",
    "FetchOptions",
    "FetchedPackage",
    "Missing",
    "UnsafeRemote",
    "fetched",
    "is_url",
]

DESCRIPTOR = "datapackage.json"
GONE = {404, 410}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class FetchOptions:
    """Limits and permissions of one fetch (defaults: the module's constants)."""

    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    max_bytes: int = MAX_FILE_BYTES  # per file, zip archive included
    max_redirects: int = MAX_REDIRECTS
    max_files: int = MAX_FILES
    max_descriptor_bytes: int = MAX_DESCRIPTOR_BYTES
    allow_remote_hosts: bool = False  # fetch absolute URLs on other origins or outside the folder
    zip_limits: safe_zip.ZipLimits = field(default_factory=safe_zip.ZipLimits)


@dataclass(frozen=True)
class Download:
    """One file fetched: `url` as asked for, `final_url` after same-origin redirects, `path`
    where it is in the package folder (None for a zip archive, which was unpacked there)."""

    kind: Literal["descriptor", "resource", "archive", "checksums"]
    url: str
    final_url: str
    path: str | None
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Missing:
    """A resource file the server says does not exist; it is absent from the folder."""

    url: str
    path: str
    status: int


@dataclass
class FetchedPackage:
    """A fetched package: `folder` holds it as a local package. `rewritten` maps the absolute
    URLs the descriptor named to the local paths its copy in `folder` names instead."""

    url: str
    folder: Path
    downloads: list[Download] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    rewritten: dict[str, str] = field(default_factory=dict)


def is_url(target: str) -> bool:
    """Whether a target is a URL (of any scheme) rather than a local path."""
    return _URL.match(target) is not None


@contextlib.contextmanager
def fetched(url: str, options: FetchOptions | None = None) -> Iterator[FetchedPackage]:
    """Download the package at `url` into a private temporary folder (mode 0700) and yield it;
    the folder is removed when the block ends, also when it raises. See the module docstring
    for what a URL may name and what is raised."""
    options = options or FetchOptions()
    _check_url(url)
    root = Path(tempfile.mkdtemp(prefix="kzdata-url-"))
    try:
        first_url = _in_folder(url) if urlsplit(url).path.endswith("/") else url
        first = _get(first_url, root / "download", options)
        if urlsplit(first.final_url).path.endswith("/"):
            # The server redirected to a folder (e.g. /pkg to /pkg/): fetch its descriptor.
            first_url = _in_folder(first.final_url)
            (root / "download").unlink()
            first = _get(first_url, root / "download", options)
        if _names_zip(url) or safe_zip.is_zip(root / "download"):
            archive = Download(
                "archive", first_url, first.final_url, None, first.bytes, first.sha256
            )
            with safe_zip.extracted(root / "download", options.zip_limits, label=url) as folder:
                yield FetchedPackage(url=url, folder=folder, downloads=[archive])
            return
        yield _fetch_package(url, first_url, first, root, options)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _check_url(url: str) -> None:
    # First: urlsplit silently drops tabs and newlines.
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        raise CannotRun(f"{url!r}: a URL cannot hold spaces or control characters")
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise CannotRun(f"{url}: kzdata fetches only http:// and https:// URLs")
    try:
        remote_http.origin(url)
    except ValueError:
        raise CannotRun(f"{url}: not a valid URL (no host, or a malformed port)") from None


def _in_folder(url: str) -> str:
    """The descriptor's URL in the folder `url` names."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path + DESCRIPTOR, query="", fragment=""))


def _names_zip(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(".zip")


def _get(url: str, dest: Path, options: FetchOptions) -> remote_http.Transfer:
    return remote_http.download(
        url,
        dest,
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        max_bytes=options.max_bytes,
        max_redirects=options.max_redirects,
    )


def _fetch_package(
    url: str, descriptor_url: str, first: remote_http.Transfer, root: Path, options: FetchOptions
) -> FetchedPackage:
    """Save the descriptor, fetch the files it names, and write its copy if paths changed."""
    if first.bytes > options.max_descriptor_bytes:
        raise UnsafeRemote(
            descriptor_url,
            f"the descriptor has {first.bytes} bytes, more than the "
            f"{options.max_descriptor_bytes}-byte limit",
        )
    folder = root / "package"
    folder.mkdir()
    os.replace(root / "download", folder / DESCRIPTOR)
    result = FetchedPackage(url=url, folder=folder)
    result.downloads.append(
        Download(
            "descriptor", descriptor_url, first.final_url, DESCRIPTOR, first.bytes, first.sha256
        )
    )
    descriptor = _read_descriptor(folder / DESCRIPTOR)
    if descriptor is None:
        return result
    plans = _plan(descriptor, first.final_url, options)
    for planned in plans:
        _fetch_into(result, "resource", planned, folder, options)
    if release_marker.is_release(descriptor):
        # A release is verified by the checksum file (and signature) beside its descriptor.
        for name in (release_marker.CHECKSUMS, release_marker.SIGNATURE):
            planned = remote_paths.plan(name, first.final_url, False)
            _fetch_into(result, "checksums", planned, folder, options)
    result.rewritten = {p.url: p.local for p in plans if p.rewrite}
    if result.rewritten:
        (folder / DESCRIPTOR).write_text(
            json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8"
        )
    return result


def _fetch_into(
    result: FetchedPackage,
    kind: Literal["resource", "checksums"],
    planned: remote_paths.Planned,
    folder: Path,
    options: FetchOptions,
) -> None:
    """Fetch one planned file into `folder`, recording it, or recording it missing when the
    server says it is gone (the validator then reports the missing file)."""
    target = folder / planned.local
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotRun(f"cannot make a folder for {planned.local!r}: {exc.strerror}") from None
    try:
        got = _get(planned.url, target, options)
    except remote_http.HttpStatus as exc:
        if exc.status not in GONE:
            raise
        result.missing.append(Missing(planned.url, planned.local, exc.status))
        return
    result.downloads.append(
        Download(kind, planned.url, got.final_url, planned.local, got.bytes, got.sha256)
    )


def _read_descriptor(path: Path) -> dict[str, Any] | None:
    """The descriptor, if it is a JSON object with a resources list; otherwise None, and the
    validator says what is wrong with the file as it came."""
    try:
        descriptor = json.loads(path.read_bytes().decode("utf-8"))
    except (ValueError, RecursionError):  # RecursionError: nesting too deep to parse
        return None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None
    return descriptor


def _plan(
    descriptor: dict[str, Any], descriptor_url: str, options: FetchOptions
) -> list[remote_paths.Planned]:
    """Every file the descriptor names, checked before any is fetched; rewrites absolute URLs
    in `descriptor` to their local paths. Raises UnsafeRemote with every refused path."""
    refusals: list[str] = []
    planned: dict[str, remote_paths.Planned] = {}  # by local path, the descriptor's own first
    claimed = {DESCRIPTOR: descriptor_url}
    for where, value, replace in _named_files(descriptor):
        try:
            plan = remote_paths.plan(value, descriptor_url, options.allow_remote_hosts)
        except remote_paths.Refused as exc:
            refusals.append(f"{where} {value!r} {exc}")
            continue
        owner = claimed.setdefault(plan.local, plan.url)
        if owner != plan.url:
            refusals.append(f"{where} {value!r} would be saved as {plan.local!r}, like {owner}")
            continue
        if plan.local != DESCRIPTOR:
            planned[plan.local] = plan
        if plan.rewrite:
            replace(plan.local)
    files = set(claimed)
    folders = {str(p) for f in files for p in PurePosixPath(f).parents if str(p) != "."}
    refusals += [f"{name!r} is named both as a file and as a folder" for name in files & folders]
    if len(planned) > options.max_files:
        refusals.append(f"the descriptor names more than {options.max_files} files")
    if refusals:
        raise UnsafeRemote(descriptor_url, refusals)
    return list(planned.values())


def _named_files(descriptor: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(where, value, replace) for each file a resource names by a string: its path or paths,
    and its schema and dialect when given as paths. `replace(new)` rewrites it in place."""
    for i, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict):
            continue
        name = resource.get("name")
        label = f"resource {name!r}" if isinstance(name, str) else f"resources[{i}]"
        paths = resource.get("path")
        if isinstance(paths, list):
            for j, value in enumerate(paths):
                if isinstance(value, str):
                    yield f"{label} path[{j}]", value, _setter(paths, j)
        for key in ("path", "schema", "dialect"):
            if isinstance(resource.get(key), str):
                yield f"{label} {key}", resource[key], _setter(resource, key)


def _setter(container: Any, key: Any) -> Any:
    def replace(new: str) -> None:
        container[key] = new

    return replace
