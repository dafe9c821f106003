"""A target as a local package for the length of one validation: a folder or a descriptor as
it is; a zip archive unpacked safely (kzdata.pipelines.safe_zip); an http(s) URL fetched
safely (kzdata.pipelines.remote). Unpacked and fetched copies live in private temporary
folders, removed when the block ends, whatever happens."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kzdata.pipelines import remote, safe_zip
from kzdata.pipelines.package_reader import file_sha256


@dataclass(frozen=True)
class Downloaded:
    """What the user gave, as received: its kind (`zip`, or `url` for a descriptor or folder
    URL, `url-zip` for a zip's URL), the sha256 of the zip itself (what `--expect-sha256`
    pins for a zip), and for a URL the sha256 of each file as it arrived, by its path in the
    package (the integrity layer checks those against SHA256SUMS)."""

    kind: str
    zip_sha256: str | None = None
    files: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LocalPackage:
    """`path` is the folder or descriptor to validate. `display_root`, for a copy, is how the
    report names its files (the zip or the URL they came from, not a temporary folder)."""

    path: Path
    display_root: str | None = None
    downloaded: Downloaded | None = None


@contextlib.contextmanager
def local_package(
    target: str | Path,
    fetch: remote.FetchOptions | None = None,
    zip_limits: safe_zip.ZipLimits | None = None,
) -> Iterator[LocalPackage]:
    """The target as a local package. Raises UnsafeArchive or UnsafeRemote (exit 1: the
    target was read and is refused) and CannotRun (exit 2) as those modules do."""
    text = str(target)
    if remote.is_url(text):
        fetch = fetch or remote.FetchOptions(zip_limits=zip_limits or safe_zip.ZipLimits())
        with remote.fetched(text, fetch) as got:
            archive = [d for d in got.downloads if d.kind == "archive"]
            files = {d.path: d.sha256 for d in got.downloads if d.path is not None}
            received = (
                Downloaded("url-zip", archive[0].sha256)
                if archive
                else Downloaded("url", None, files)
            )
            yield LocalPackage(got.folder, _url_root(text), received)
        return
    path = Path(text)
    # By its bytes, whatever its name; and by its name: a broken zip is refused as an archive.
    if path.is_file() and (safe_zip.is_zip(path) or path.suffix.lower() == ".zip"):
        received = Downloaded("zip", file_sha256(path))
        with safe_zip.extracted(path, zip_limits) as folder:
            yield LocalPackage(folder, text, received)
        return
    yield LocalPackage(path)


def _url_root(url: str) -> str:
    """The URL the package's files are named under: a folder URL itself, a descriptor's
    folder, or a zip's own URL (its members are named under it)."""
    base = url.split("?", 1)[0].split("#", 1)[0]
    if base.endswith("/"):
        return base.rstrip("/")
    if base.lower().endswith(".json"):
        return base.rsplit("/", 1)[0]
    return base
