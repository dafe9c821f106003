"""Layer integrity: is what the user has what was released?

A package whose descriptor says it is a release (kzdata.pipelines.release_marker) must have
its SHA256SUMS beside the descriptor: a missing one is an error, never a skipped check. Every
file it lists is checked (for a URL, the files as they arrived), then the signature when the
release has one and the user gave `--public-key`. `--expect-sha256` pins what the user
downloaded to a digest they trust (from the releases index or elsewhere): the zip itself for a
zip, SHA256SUMS for a folder or a descriptor's URL. A package that is not a release has
nothing for this layer to check, and says so.
"""

from __future__ import annotations

from pathlib import Path

from kzdata.pipelines import release_marker
from kzdata.pipelines.finding import Finding, LayerItem, NotChecked
from kzdata.pipelines.target import Target

LAYER = "integrity"


def check(target: Target, limit: int) -> list[LayerItem]:
    from kzdata.pipelines.verify import verify  # minisign only when this layer runs

    folder = target.basepath
    items: list[LayerItem] = []
    if target.expect_sha256 is not None:
        items += _pinned(target, folder)
    if not release_marker.is_release(target.descriptor):
        if target.public_key is not None:
            items.append(
                _finding(
                    "not-a-release",
                    "--public-key was given, but the package "
                    f"is not a release (no {release_marker.KEY!r} in its "
                    "descriptor): there is no signature to check",
                    target.descriptor_path.name,
                )
            )
        reason = (
            f"not a release (its descriptor has no {release_marker.KEY!r}): no "
            f"{release_marker.CHECKSUMS} to verify"
        )
        return [*items, NotChecked(LAYER, reason)]
    received = target.downloaded.files if target.downloaded and target.downloaded.files else None
    # A table no layer reads (kzdata.pipelines.table_gate) is not hashed either.
    found = verify(folder, target.public_key, received=received, unread=target.withheld_paths)
    if target.public_key is not None:
        # The user asked for a signed release: an unsigned one fails, not just warns.
        found = [
            _finding("signature-missing", f.message + ", and --public-key asks for one", f.path)
            if f.rule == "unsigned"
            else f
            for f in found
        ]
    elif (folder / release_marker.SIGNATURE).is_file():
        items.append(
            NotChecked(
                LAYER,
                f"the release is signed, but its signature was not checked: give --public-key "
                f"KEY to check {release_marker.SIGNATURE}",
            )
        )
    if received is not None:
        skipped = _listed(folder) - set(received)
        if skipped:
            items.append(
                NotChecked(
                    LAYER,
                    f"listed in {release_marker.CHECKSUMS} but not downloaded, so not checked: "
                    + ", ".join(sorted(skipped)),
                )
            )
    return items + found


def _pinned(target: Target, folder: Path) -> list[Finding]:
    """The digest the user expects, against the zip (for a zip) or SHA256SUMS."""
    import hashlib

    expected = (target.expect_sha256 or "").lower()
    downloaded = target.downloaded
    if downloaded is not None and downloaded.zip_sha256 is not None:
        what, actual = "the zip", downloaded.zip_sha256
    else:
        sums = folder / release_marker.CHECKSUMS
        if not sums.is_file():
            return [
                _finding(
                    "expected-sha256",
                    f"--expect-sha256 pins {release_marker.CHECKSUMS}, which is missing",
                    release_marker.CHECKSUMS,
                )
            ]
        what = release_marker.CHECKSUMS
        actual = hashlib.sha256(sums.read_bytes()).hexdigest()
    if actual == expected:
        return []
    return [
        _finding(
            "expected-sha256",
            f"the sha256 of {what} is {actual}, not the {expected} expected: this is not the "
            "download the digest was published for",
            release_marker.CHECKSUMS if what != "the zip" else None,
        )
    ]


def _listed(folder: Path) -> set[str]:
    from kzdata.pipelines import checksums

    sums = folder / release_marker.CHECKSUMS
    if not sums.is_file():
        return set()
    entries, _ = checksums.parse(sums.read_bytes())
    return {entry.path for entry in entries}


def _finding(rule: str, message: str, path: str | None) -> Finding:
    return Finding(layer=LAYER, rule=rule, message=message, path=path)
