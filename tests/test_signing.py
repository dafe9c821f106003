"""Signed releases: kzdata keygen, a detached minisign signature of SHA256SUMS, and verify
telling a good signature from a bad one or another key's."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess

import pytest

from kzdata.cli.main import app
from kzdata.pipelines import signing
from kzdata.pipelines.verify import verify


def test_keygen_makes_a_private_secret_key_and_a_public_one(keys) -> None:
    secret, public = keys
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert public.read_text(encoding="utf-8").startswith("untrusted comment: minisign public key")
    assert signing.load_secret_key(secret) is not None


def test_keygen_never_overwrites_a_key_file(runner, keys) -> None:
    secret, public = keys
    before = secret.read_bytes(), public.read_bytes()
    result = runner.invoke(app, ["keygen", "--key", str(secret)])
    assert result.exit_code == 1 and "never overwrites" in result.stderr
    public.unlink()  # one of the two is enough to refuse: both or neither
    assert runner.invoke(app, ["keygen", "--key", str(secret)]).exit_code == 1
    assert secret.read_bytes() == before[0] and not public.exists()


def test_a_signed_release_verifies_with_its_key(signed, keys) -> None:
    assert verify(signed, keys[1]) == []
    assert verify(signed, keys[1].read_text(encoding="utf-8").splitlines()[1]) == []  # the line
    index = json.loads((signed.parent / "index.json").read_text(encoding="utf-8"))
    key_id = keys[1].read_text(encoding="utf-8").split()[-2]  # the comment ends with the id
    assert index["releases"][0]["key_id"] == key_id
    assert index["releases"][0]["signature"] == "1.0.0/SHA256SUMS.minisig"


def test_a_tampered_checksum_file_is_a_bad_signature(signed, keys) -> None:
    sums = signed / "SHA256SUMS"
    sums.write_bytes(sums.read_bytes().replace(b"  CITATION.cff", b"  CITATION.cff.bak"))
    (signed / "CITATION.cff").rename(signed / "CITATION.cff.bak")  # the checksums still hold
    assert {f.rule for f in verify(signed, keys[1])} == {"bad-signature"}


def test_another_key_is_refused(runner, signed, tmp_path) -> None:
    runner.invoke(app, ["keygen", "--key", str(tmp_path / "other.key")])
    assert {f.rule for f in verify(signed, tmp_path / "other.pub")} == {"wrong-key"}


def test_a_garbled_signature_is_malformed(signed, keys) -> None:
    (signed / "SHA256SUMS.minisig").write_text("not a signature\n", encoding="utf-8")
    assert {f.rule for f in verify(signed, keys[1])} == {"signature-malformed"}


def test_tampered_and_added_files_are_found(signed, keys) -> None:
    (signed / "data" / "events.csv").write_bytes(b"x\n")
    (signed / "extra.txt").write_text("added later", encoding="utf-8")
    (signed / "CHANGES.md").unlink()
    found = {(f.rule, f.path) for f in verify(signed, keys[1])}
    assert found == {
        ("checksum-mismatch", "data/events.csv"),
        ("unlisted-file", "extra.txt"),
        ("missing-file", "CHANGES.md"),
    }


def test_an_unsigned_release_is_said_to_be(signed, keys) -> None:
    (signed / "SHA256SUMS.minisig").unlink()
    assert {f.rule for f in verify(signed, keys[1])} == {"unsigned"}


def test_an_encrypted_key_needs_its_password(
    unvalidated, runner, package, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv(signing.PASSWORD_ENV, "correct horse")
    assert runner.invoke(app, ["keygen", "--key", str(tmp_path / "enc.key")]).exit_code == 0
    args = ["release", "1.0.0", "--package", str(package), "--to", str(tmp_path / "r")]
    args += ["--sign-key", str(tmp_path / "enc.key")]
    monkeypatch.setenv(signing.PASSWORD_ENV, "wrong")
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "wrong password" in result.stderr
    monkeypatch.delenv(signing.PASSWORD_ENV)
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and signing.PASSWORD_ENV in result.stderr
    assert not (tmp_path / "r").exists()
    monkeypatch.setenv(signing.PASSWORD_ENV, "correct horse")
    assert runner.invoke(app, args).exit_code == 0
    assert verify(tmp_path / "r" / "1.0.0", tmp_path / "enc.pub") == []


def test_the_same_release_signs_to_the_same_bytes(
    unvalidated, runner, package, tmp_path, keys
) -> None:
    for to in ("a", "b"):
        args = ["release", "1.0.0", "--package", str(package), "--to", str(tmp_path / to)]
        args += ["--sign-key", str(keys[0]), "--created", "2026-11-25T10:00:00Z"]
        assert runner.invoke(app, args).exit_code == 0
    signature = "1.0.0/SHA256SUMS.minisig"
    assert (tmp_path / "a" / signature).read_bytes() == (tmp_path / "b" / signature).read_bytes()


@pytest.mark.skipif(shutil.which("minisign") is None, reason="the minisign tool is not installed")
def test_the_minisign_tool_verifies_a_release(signed, keys) -> None:
    checked = subprocess.run(
        ["minisign", "-V", "-p", str(keys[1]), "-m", "SHA256SUMS"],
        cwd=signed,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "release:1.0.0" in checked.stdout


def test_a_checksum_file_that_is_missing_malformed_or_unsafe(signed) -> None:
    sums = signed / "SHA256SUMS"
    content = sums.read_bytes()
    sums.write_bytes(content + b"not a checksum line\n" + b"0" * 64 + b"  ../outside\n")
    rules = {(f.rule, f.row) for f in verify(signed)}
    lines = content.count(b"\n")
    assert rules == {("checksums-malformed", lines + 1), ("unsafe-path", lines + 2)}
    sums.unlink()
    assert {f.rule for f in verify(signed)} == {"checksums-missing"}
