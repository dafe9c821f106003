"""Detached Ed25519 signatures in minisign's format, made and checked with py-minisign.

A release signs its SHA256SUMS into SHA256SUMS.minisig, which the `minisign` tool verifies
too (`minisign -Vm SHA256SUMS -p kzdata.pub`). Key ids are written as minisign prints them:
the 8 id bytes read as a little-endian number, in 16 upper-case hex digits.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path

import minisign

from kzdata.pipelines import release_marker
from kzdata.pipelines.errors import CannotRun, KeyFileExists

SUFFIX = release_marker.SIGNATURE_SUFFIX
# Where a secret key's password comes from; a key made without it is not encrypted (its file
# is readable by its owner only).
PASSWORD_ENV = "KZDATA_KEY_PASSWORD"


def key_id(raw: bytes) -> str:
    """A key id as minisign prints it."""
    return raw[::-1].hex().upper()


def public_key_path(secret: Path) -> Path:
    """Where the public key of secret key `secret` is written: beside it, ending in .pub."""
    secret = Path(secret)
    return secret.with_suffix(".pub") if secret.suffix == ".key" else Path(f"{secret}.pub")


@dataclass(frozen=True)
class KeyFiles:
    secret: Path
    public: Path
    key_id: str
    encrypted: bool


def keygen(secret: Path, password: str | None = None) -> KeyFiles:
    """Make a key pair: `secret` (mode 0600) and its public key beside it. Never overwrites a
    file: raises KeyFileExists, and writes neither file, when either exists."""
    secret = Path(secret)
    public = public_key_path(secret)
    for path in (secret, public):
        if path.exists() or path.is_symlink():
            raise KeyFileExists(f"{path} exists; kzdata keygen never overwrites a key file")
    pair = minisign.KeyPair.generate()
    ident = public_key_id(pair.public_key)
    pair.public_key.untrusted_comment = f"minisign public key {ident}"
    with pair.secret_key as secret_key:
        if password:
            secret_key.encrypt(password)
        secret_bytes = bytes(secret_key) + b"\n"
    secret.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # as minisign's own folder
    _write_new(secret, secret_bytes, 0o600)
    try:
        _write_new(public, bytes(pair.public_key) + b"\n", 0o644)
    except BaseException:
        secret.unlink()  # both files or neither
        raise
    return KeyFiles(secret, public, ident, bool(password))


def _write_new(path: Path, content: bytes, mode: int) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    except FileExistsError:
        raise KeyFileExists(f"{path} exists; kzdata keygen never overwrites a key file") from None
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), mode)  # whatever the umask: a secret key is its owner's only
        f.write(content)
        f.flush()
        os.fsync(f.fileno())


def load_secret_key(path: Path, password: str | None = None) -> minisign.SecretKey:
    """The secret key in `path`, decrypted. Raises CannotRun when it cannot be used."""
    try:
        key = minisign.SecretKey.from_file(path)
    except OSError as exc:
        raise CannotRun(f"{path}: cannot read the secret key: {exc.strerror or exc}") from None
    except (minisign.Error, ValueError, binascii.Error) as exc:
        raise CannotRun(f"{path}: not a minisign secret key ({exc})") from None
    if key.is_encrypted():
        if not password:
            raise CannotRun(f"{path}: the secret key is encrypted; set {PASSWORD_ENV}")
        try:
            key.decrypt(password)
        except minisign.Error:
            raise CannotRun(f"{path}: wrong password for the secret key") from None
    return key


def public_key_id(key: minisign.PublicKey) -> str:
    # The base64 line is the algorithm (2 bytes), the key id (8) and the key (32).
    return key_id(base64.b64decode(key.to_base64())[2:10])


def secret_key_id(key: minisign.SecretKey) -> str:
    return public_key_id(key.get_public_key())


def sign(key: minisign.SecretKey, data: bytes, trusted_comment: str) -> bytes:
    """A minisign signature file of `data`; the same key, data and comment give the same
    bytes (Ed25519 signatures are deterministic)."""
    signature = key.sign(
        data,
        untrusted_comment=f"signature from kzdata secret key {secret_key_id(key)}",
        trusted_comment=trusted_comment,
    )
    return bytes(signature) + b"\n"


def signature_key_id(content: bytes) -> str | None:
    """The id of the key that made a signature file; None when it is not one."""
    lines = content.splitlines()
    try:
        raw = base64.b64decode(lines[1], validate=True)
    except (IndexError, ValueError):
        return None
    return key_id(raw[2:10]) if len(raw) == 74 else None


def load_public_key(key: str | Path | minisign.PublicKey) -> minisign.PublicKey:
    """A public key from a .pub file, or given as its base64 line. Raises CannotRun."""
    if isinstance(key, minisign.PublicKey):
        return key
    text = str(key)
    try:
        if Path(text).is_file():
            return minisign.PublicKey.from_file(text)
        return minisign.PublicKey.from_base64(text)
    except OSError as exc:
        raise CannotRun(f"{key}: cannot read the public key: {exc.strerror or exc}") from None
    except (minisign.Error, ValueError, binascii.Error):
        raise CannotRun(f"{key}: not a minisign public key (a .pub file or its line)") from None


def check(public: minisign.PublicKey, data: bytes, content: bytes) -> str | None:
    """Why signature file `content` does not prove that `public`'s owner signed `data`
    ("malformed", "wrong-key", "bad-signature"), or None when it does."""
    try:
        signature = minisign.Signature.from_bytes(content)
    except (minisign.Error, ValueError, binascii.Error, IndexError):
        return "malformed"
    if signature_key_id(content) != public_key_id(public):
        return "wrong-key"
    try:
        public.verify(data, signature)
    except minisign.VerifyError:
        return "bad-signature"
    return None
