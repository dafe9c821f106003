"""Verify a release folder: its SHA256SUMS against its files, and its signature.

The findings are the integrity layer's (schemas/severities.yaml: every mismatch is an error,
an unsigned release a warning). A later `kzdata validate` layer runs this on releases.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import minisign

from kzdata.pipelines import checksums, signing
from kzdata.pipelines.finding import Finding
from kzdata.pipelines.package_reader import file_sha256
from kzdata.pipelines.path_safety import unsafe_reason

LAYER = "integrity"
SIGNATURE = checksums.NAME + signing.SUFFIX


def verify(
    folder: str | Path,
    public_key: str | Path | minisign.PublicKey | None = None,
    received: dict[str, str] | None = None,
    unread: Collection[str] = (),
) -> list[Finding]:
    """Every problem with the release in `folder`: a file listed in SHA256SUMS that is
    missing or differs, a file that is not listed, a malformed line, and, when `public_key`
    (a .pub file or its base64 line) is given, a signature that is missing, malformed, made
    by another key, or does not match. No findings: the release is what was published.

    `received` (for a package fetched from a URL) gives the sha256 of each file as it
    arrived, by path: a listed file that was not fetched is then not a missing file, and each
    fetched file is checked by its bytes as received.

    `unread` are files no check may read (kzdata.pipelines.table_gate: a table far larger than
    its recorded bytes): they are not hashed; the caller says that they were not checked.

    Raises CannotRun when the public key cannot be read.
    """
    folder = Path(folder)
    sums = folder / checksums.NAME
    if not sums.is_file():
        return [_finding("checksums-missing", f"{checksums.NAME} is missing", checksums.NAME)]
    content = sums.read_bytes()
    entries, malformed = checksums.parse(content)
    findings = [
        _finding(
            "checksums-malformed",
            f"line {line} is not '<sha256>  <path>': {text[:80]!r}",
            checksums.NAME,
            row=line,
        )
        for line, text in malformed
    ]
    listed = set()
    for entry in entries:
        listed.add(entry.path)
        if reason := unsafe_reason(entry.path, folder):
            findings.append(
                _finding("unsafe-path", f"{entry.path!r} {reason}", checksums.NAME, entry.line)
            )
        elif received is not None and entry.path not in received:
            continue  # not fetched: the integrity layer says so
        elif entry.path in unread:
            continue
        elif not (folder / entry.path).is_file():
            findings.append(
                _finding("missing-file", f"{entry.path} is listed but missing", entry.path)
            )
        elif _digest(folder, entry.path, received) != entry.sha256:
            findings.append(
                _finding(
                    "checksum-mismatch",
                    f"{entry.path} does not match its sha256 in {checksums.NAME}: changed since "
                    "it was released",
                    entry.path,
                )
            )
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if (path.is_file() or path.is_symlink()) and name not in listed | {
            checksums.NAME,
            SIGNATURE,
        }:
            findings.append(
                _finding("unlisted-file", f"{name} is not listed in {checksums.NAME}", name)
            )
    return findings + _signature(folder, content, public_key)


def _digest(folder: Path, path: str, received: dict[str, str] | None) -> str:
    if received is not None and path in received:
        return received[path]
    return file_sha256(folder / path)


def _signature(
    folder: Path, content: bytes, public_key: str | Path | minisign.PublicKey | None
) -> list[Finding]:
    signature = folder / SIGNATURE
    if not signature.is_file():
        return [_finding("unsigned", f"the release is not signed (no {SIGNATURE})", SIGNATURE)]
    if public_key is None:
        return []
    problem = signing.check(signing.load_public_key(public_key), content, signature.read_bytes())
    if problem is None:
        return []
    found = {
        "malformed": _finding(
            "signature-malformed", f"{SIGNATURE} is not a minisign signature", SIGNATURE
        ),
        "wrong-key": _finding(
            "wrong-key",
            f"{SIGNATURE} was made by key {signing.signature_key_id(signature.read_bytes())}, "
            "not by the key given",
            SIGNATURE,
        ),
        "bad-signature": _finding(
            "bad-signature",
            f"{SIGNATURE} does not match {checksums.NAME}: the checksums changed after "
            "signing, or the signature is forged",
            SIGNATURE,
        ),
    }
    return [found[problem]]


def _finding(rule: str, message: str, path: str, row: int | None = None) -> Finding:
    return Finding(layer=LAYER, rule=rule, message=message, path=path, row=row)
