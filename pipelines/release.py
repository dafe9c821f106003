"""Release: validate the package, then publish it as an immutable version folder.

Load inputs (the version, the key, the package and its validation report); then, holding
the history's lock, check the version against the previous release and the diff since it,
write the version folder (release_folder: staged beside its target, renamed into place in
one step) and regenerate the history's index and changelog (release_index). A refused
release writes nothing; a crash leaves no release or a whole one, and the next run
completes the rest.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from kzdata.pipelines import crash_points, release_index, release_lock, signing
from kzdata.pipelines.diff import Diff, diff
from kzdata.pipelines.diff_formats import markdown
from kzdata.pipelines.errors import CannotRun, ReleaseExists, ReleaseRefused
from kzdata.pipelines.package_reader import Package, open_package, read_table, resource_paths
from kzdata.pipelines.release_folder import publish
from kzdata.pipelines.semver import Version, bump_between, level

CREATED_ENV = "SOURCE_DATE_EPOCH"  # the reproducible-builds convention for a fixed clock
_CREATED = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
# Changes listed in a refusal; the rest are counted (`kzdata diff` shows them all).
REFUSAL_LISTING = 20


@dataclass(frozen=True)
class ReleaseResult:
    version: str
    folder: Path
    previous: str | None
    bump: str  # "major", "minor", "patch", or "first" for the first release
    required: str  # what the diff since the previous release needs ("none" for the first)
    key_id: str | None
    warnings: int  # validation warnings, which do not refuse a release


def release(
    version: str,
    package: str | Path = "datapackage",
    to: str | Path = "releases",
    *,
    sign_key: str | Path | None = None,
    password: str | None = None,
    allow_bump: bool = False,
    reason: str | None = None,
    created: str | None = None,
    documents: str | Path | None = None,
) -> ReleaseResult:
    """Publish the package at `package` as version `version` in the history folder `to`.

    Raises CannotRun (bad usage, nothing to release, a key that cannot be used),
    ReleaseRefused (invalid data, a version that does not go up or a bump too small for the
    changes) and ReleaseExists; in each case nothing was written into `to`. The source
    documents (`documents`, by default seeds/documents beside the package) must be there:
    a release checks every figure against them.
    """
    # Load inputs
    target = _version(version)
    if allow_bump and not (reason and reason.strip()):
        raise CannotRun("--allow-bump needs --reason TEXT: the changelog says why")
    if reason and not allow_bump:
        raise CannotRun("--reason goes with --allow-bump")
    stamp = release_time(created)
    key = signing.load_secret_key(Path(sign_key), password) if sign_key is not None else None
    warnings = _validated(package, target, documents)  # first: a broken descriptor gets its report
    source = open_package(package)
    history = Path(to)
    # Process data, then save outputs, holding the history's lock throughout
    with release_lock.locked(history):
        crash_points.reached("locked")
        release_index.complete(history)
        folder = history / str(target)
        if folder.exists() or folder.is_symlink():
            raise ReleaseExists(f"{target} is already released ({folder}); it is never touched")
        previous = (release_index.versions(history) or [None])[-1]
        changes = diff(history / str(previous), package) if previous is not None else None
        bump = _check_bump(previous, target, changes, allow_bump)
        entry = _changes_entry(target, stamp, previous, bump, changes, source, reason)
        publish(folder, source, str(target), stamp, entry, key)
        crash_points.reached("renamed")
        release_index.complete(history)
        crash_points.reached("indexed")
    return ReleaseResult(
        str(target),
        folder,
        str(previous) if previous is not None else None,
        bump,
        changes.bump if changes is not None else "none",
        signing.secret_key_id(key) if key is not None else None,
        warnings,
    )


def _version(text: str) -> Version:
    try:
        return Version.parse(text)
    except ValueError as exc:
        raise CannotRun(str(exc)) from None


def release_time(created: str | None) -> str:
    """The release's `created`: `created` (YYYY-MM-DDTHH:MM:SSZ) if given, else the time in
    SOURCE_DATE_EPOCH (seconds since 1970, UTC) if set, else now; always UTC, to the second."""
    if created is not None:
        try:
            if not _CREATED.match(created):
                raise ValueError
            dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise CannotRun(
                f"--created {created!r}: give a UTC time as YYYY-MM-DDTHH:MM:SSZ"
            ) from None
        return created
    epoch = os.environ.get(CREATED_ENV)
    if epoch is not None:
        try:
            when = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise CannotRun(f"{CREATED_ENV}={epoch!r} is not a number of seconds") from None
    else:
        when = dt.datetime.now(dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _validated(package: str | Path, target: Version, documents: str | Path | None) -> int:
    """Run every validation layer, provenance with the documents; refuse on any error, or when
    the documents were not there to check. Returns the number of warnings."""
    from kzdata.pipelines.formats.text_format import render
    from kzdata.pipelines.validate import validate

    report = validate(package, documents=documents)
    unchecked = [n for n in report.not_checked if n.layer == "provenance"]
    if unchecked and not report.errors:
        raise ReleaseRefused(
            f"{target} is not released: the source documents were not found, so the figures "
            "could not be checked against them ({unchecked[0].reason}); give --documents DIR. "
            "Nothing was written."
        )
    code = report.exit_code("error")
    if code:
        refusal = ReleaseRefused(
            f"{target} is not released: {package} has {len(report.errors)} error(s); nothing "
            f"was written.\n\n{render(report)}".rstrip()
        )
        refusal.exit_code = code  # 3 when a layer crashed: a bug, not bad data
        raise refusal
    return len(report.warnings)


def _check_bump(
    previous: Version | None, target: Version, changes: Diff | None, allow_bump: bool
) -> str:
    """The bump from the previous release to `target`; refuse one that does not go up, or is
    smaller than the changes need (unless overridden)."""
    if previous is None or changes is None:
        return "first"
    try:
        bump = bump_between(previous, target)
    except ValueError as exc:
        raise ReleaseRefused(f"{exc}; nothing was written") from None
    if level(bump) >= level(changes.bump) or allow_bump:
        return bump
    bigger = [c for c in changes.changes if level(c.bump) > level(bump)]
    listed = [f"  - [{c.bump}] {c.note}" for c in bigger[:REFUSAL_LISTING]]
    if len(bigger) > REFUSAL_LISTING:
        listed.append(f"  ... and {len(bigger) - REFUSAL_LISTING} more (see kzdata diff)")
    raise ReleaseRefused(
        f"{target} is a {bump} release, but the changes since {previous} need a "
        f"{changes.bump} release ({_next(previous, changes.bump)}); these need more than a "
        f"{bump} bump:\n" + "\n".join(listed) + "\nRelease the bigger version, or override with "
        "--allow-bump --reason TEXT (the reason goes into the changelog). Nothing was written."
    )


def _next(previous: Version, bump: str) -> Version:
    if bump == "major":
        return Version(previous.major + 1, 0, 0)
    if bump == "minor":
        return Version(previous.major, previous.minor + 1, 0)
    return Version(previous.major, previous.minor, previous.patch + 1)


def _changes_entry(
    target: Version,
    stamp: str,
    previous: Version | None,
    bump: str,
    changes: Diff | None,
    source: Package,
    reason: str | None,
) -> bytes:
    """The release's changelog entry (CHANGES.md): its bump, why it was overridden, and the
    Markdown diff against the previous release."""
    lines = [f"## {target} ({stamp[:10]})", ""]
    if previous is None or changes is None:
        sizes = ", ".join(
            f"{name} {sum(1 for _ in read_table(source, name).rows)}"
            for name, r in source.resources.items()
            if resource_paths(r)
        )
        lines.append(f"First release. Rows per resource: {sizes}.")
    else:
        lines.append(f"A {bump} release after {previous}.")
        if level(bump) < level(changes.bump):
            lines.append(f"The bump was overridden: the changes need a {changes.bump} release.")
    if reason:
        lines += ["", f"Reason given for the bump: {reason.strip()}"]
    if changes is not None:
        lines += ["", markdown(changes).strip()]
    return ("\n".join(lines) + "\n").encode("utf-8")
