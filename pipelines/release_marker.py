"""How a descriptor says it is a release: `"kzdata:release": {"checksums": "SHA256SUMS"}`.

`kzdata release` writes it; the integrity layer reads it, and then requires the checksum file
it names beside the descriptor (a missing one is an error, never a skipped check). A custom
property, as the Data Package standard allows, namespaced so that it clashes with no other.
"""

from __future__ import annotations

from typing import Any

from kzdata.pipelines import checksums

KEY = "kzdata:release"
CHECKSUMS = checksums.NAME
# minisign's detached signature of the checksum file (kzdata.pipelines.signing writes it).
SIGNATURE_SUFFIX = ".minisig"
SIGNATURE = CHECKSUMS + SIGNATURE_SUFFIX


def mark(descriptor: dict[str, Any]) -> None:
    """Make `descriptor` say that it is a release."""
    descriptor[KEY] = {"checksums": checksums.NAME}


def is_release(descriptor: Any) -> bool:
    return isinstance(descriptor, dict) and KEY in descriptor
