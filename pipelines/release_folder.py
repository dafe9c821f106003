"""Write one release's version folder: assembled in a hidden staging folder beside its
target, checked, flushed to disk and renamed into place in one step, so that the version
is there whole or not at all.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzdata.pipelines import (
    checksums,
    citation_cff,
    crash_points,
    release_index,
    release_marker,
    signing,
)
from kzdata.pipelines.errors import InvalidPackage, ReleaseRefused
from kzdata.pipelines.package_reader import Package, read_table, resource_paths
from kzdata.pipelines.package_writer import descriptor_bytes
from kzdata.pipelines.release_zip import write_zip
from kzdata.pipelines.verify import verify

if TYPE_CHECKING:
    from minisign import SecretKey

DATA_FOLDER = "data/"


def publish(
    folder: Path,
    source: Package,
    version: str,
    stamp: str,
    entry: bytes,
    key: SecretKey | None,
) -> None:
    """Write release `version` of `source` (made at `stamp`, with its changelog `entry`,
    signed with the minisign secret `key` if given) as the new folder `folder`.

    Raises ReleaseRefused (a file changed since it was validated, a source document among
    the files) or InvalidPackage (a resource a release cannot hold); nothing is left then.
    """
    staging = Path(
        tempfile.mkdtemp(prefix=f"{release_index.STAGING_PREFIX}{version}-", dir=folder.parent)
    )
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a release is not
        _assemble(staging, source, version, stamp, entry, key)
        crash_points.reached("staged")
        public = key.get_public_key() if key is not None else None
        if problems := [f for f in verify(staging, public) if f.rule != "unsigned"]:
            raise RuntimeError(f"the assembled release does not verify: {problems}")
        _fsync_tree(staging)
        os.rename(staging, folder)  # atomic: the version folder is there whole, or not at all
        release_index.fsync_folder(folder.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _assemble(
    staging: Path, source: Package, version: str, stamp: str, entry: bytes, key: SecretKey | None
) -> None:
    descriptor = copy.deepcopy(source.descriptor)  # schemas and dialects already inline
    descriptor["version"], descriptor["created"] = version, stamp
    release_marker.mark(descriptor)
    members = ["datapackage.json", citation_cff.NAME]
    documents = _document_hashes(source)
    for resource in descriptor["resources"]:
        for path in _data_paths(resource):
            try:
                content = (source.folder / path).read_bytes()
            except OSError as exc:
                raise InvalidPackage(f"{source.folder / path}: {exc.strerror}") from None
            digest = hashlib.sha256(content).hexdigest()
            declared = resource.get("hash")
            if (
                isinstance(declared, str)
                and declared.startswith("sha256:")
                and (declared != f"sha256:{digest}")
            ):
                raise ReleaseRefused(
                    f"{source.folder / path} changed after it was validated; nothing was written"
                )
            if digest in documents:
                raise ReleaseRefused(
                    f"{path} is a source document (its sha256 is in sources.document_sha256); "
                    "source documents are never published"
                )
            (staging / path).parent.mkdir(parents=True, exist_ok=True)
            (staging / path).write_bytes(content)
            resource["bytes"], resource["hash"] = len(content), f"sha256:{digest}"
            members.append(path)
    crash_points.reached("staging")
    (staging / "datapackage.json").write_bytes(descriptor_bytes(descriptor))
    (staging / citation_cff.NAME).write_bytes(citation_cff.render(descriptor, version, stamp[:10]))
    # The zip carries its own SHA256SUMS (and signature) of its members, so that a user who
    # downloaded only the zip can verify it; the folder's SHA256SUMS then covers the zip.
    signed = _write_checksums(staging, version, stamp, key, only=members)
    when = tuple(int(part) for part in re.split(r"[-T:Z]", stamp)[:6])
    write_zip(staging / release_index.zip_name(version), staging, members + signed, when)
    (staging / release_index.CHANGES).write_bytes(entry)
    _write_checksums(staging, version, stamp, key)


def _write_checksums(
    staging: Path, version: str, stamp: str, key: SecretKey | None, only: list[str] | None = None
) -> list[str]:
    """Write SHA256SUMS of the files `only` (default: every other file of `staging`), and its
    signature with `key`; the names written."""
    signature = release_marker.SIGNATURE
    exclude = {checksums.NAME, signature}
    if only is not None:
        exclude |= {
            p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()
        } - set(only)
    sums = checksums.render(staging, exclude=exclude)
    (staging / checksums.NAME).write_bytes(sums)
    if key is None:
        return [checksums.NAME]
    # minisign's own trusted comment, with the release's time so that it is reproducible
    epoch = int(
        dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC).timestamp()
    )
    comment = f"timestamp:{epoch}\tfile:{checksums.NAME}\trelease:{version}"
    (staging / signature).write_bytes(signing.sign(key, sums, comment))
    return [checksums.NAME, signature]


def _data_paths(resource: dict[str, Any]) -> list[str]:
    """The resource's file, which a release keeps under data/ as the package does."""
    if isinstance(resource.get("path"), list):
        raise InvalidPackage(
            f"resource {resource['name']} has several files; a release takes one file per resource"
        )
    paths = resource_paths(resource)
    for path in paths:
        if not path.startswith(DATA_FOLDER):
            raise InvalidPackage(
                f"resource {resource['name']}: {path} is not under {DATA_FOLDER}; a release "
                f"keeps every resource in {DATA_FOLDER}"
            )
    return paths


def _document_hashes(source: Package) -> set[str]:
    """The sha256 of every source document the package names: files that must never ship."""
    if "sources" not in source.resources:
        return set()
    table = read_table(source, "sources")
    if "document_sha256" not in table.header:
        return set()
    at = table.header.index("document_sha256")
    return {row[at] for row in table.rows if at < len(row) and row[at]}


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder of the release, so that the rename publishes whole files
    even across a power cut."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file():
            with path.open("rb") as f:
                os.fsync(f.fileno())
        elif path.is_dir():
            release_index.fsync_folder(path)
    release_index.fsync_folder(folder)
