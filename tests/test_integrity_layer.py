"""Layer integrity: a release is what was published, checked from its folder, its zip or its
URL; a tampered file, checksum list, descriptor or signature is an error, an unsigned release
a warning, and a download can be pinned to a digest the user trusts."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kzdata.cli.main import app


def run(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["validate", *args, "--format", "json"])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


def integrity(report: dict) -> list[tuple[str, str, str | None]]:
    return [
        (f["rule"], f["severity"], f["path"])
        for f in report["findings"]
        if f["layer"] == "integrity"
    ]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def released(signed, tmp_path) -> Path:
    """A copy of a signed release folder, to tamper with."""
    return Path(shutil.copytree(signed, tmp_path / "copy"))


def test_a_signed_release_checked_with_its_key_is_valid(released, keys) -> None:
    code, report = run(str(released), "--public-key", str(keys[1]))
    assert code == 0, report["findings"]
    assert "integrity" in report["layers"] and integrity(report) == []


def test_a_release_without_the_key_is_valid_and_says_the_signature_was_not_checked(released):
    code, report = run(str(released))
    assert code == 0
    assert any("--public-key" in n["reason"] for n in report["not_checked"])


def test_an_unsigned_release_is_a_warning(unvalidated, runner, package, tmp_path) -> None:
    to = tmp_path / "r"
    assert runner.invoke(app, ["release", "1.0.0", "--package", str(package), "--to", str(to)])
    code, report = run(str(to / "1.0.0"))
    assert code == 0 and integrity(report) == [("unsigned", "warning", "SHA256SUMS.minisig")]
    code, _ = run(str(to / "1.0.0"), "--fail-on", "warning")
    assert code == 1


def test_a_tampered_resource_is_an_error(released) -> None:
    path = released / "data" / "indicators.csv"
    path.write_bytes(path.read_bytes().replace(b"cases", b"cakes", 1))
    code, report = run(str(released), "--layer", "integrity")
    assert code == 1
    assert ("checksum-mismatch", "error", "data/indicators.csv") in integrity(report)


def test_a_descriptor_whose_hash_no_longer_matches(released) -> None:
    # A resource rehashed in the descriptor, to fool the frictionless layer: SHA256SUMS knows.
    descriptor = json.loads((released / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = descriptor["title"] + " (edited)"
    (released / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    code, report = run(str(released), "--layer", "integrity")
    assert code == 1
    assert ("checksum-mismatch", "error", "datapackage.json") in integrity(report)


def test_a_missing_checksum_file_is_an_error_not_a_skip(released) -> None:
    (released / "SHA256SUMS").unlink()
    code, report = run(str(released), "--layer", "integrity")
    assert code == 1 and ("checksums-missing", "error", "SHA256SUMS") in integrity(report)


def test_a_tampered_checksum_file_fails_its_signature(released, keys) -> None:
    path = released / "data" / "indicators.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    sums = (released / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    fixed = [
        f"{sha256(path)}  data/indicators.csv" if line.endswith("  data/indicators.csv") else line
        for line in sums
    ]
    (released / "SHA256SUMS").write_text("\n".join(fixed) + "\n", encoding="utf-8")
    code, report = run(str(released), "--layer", "integrity", "--public-key", str(keys[1]))
    assert code == 1
    assert integrity(report) == [("bad-signature", "error", "SHA256SUMS.minisig")]


def test_a_signature_from_another_key_is_an_error(released, runner, tmp_path) -> None:
    other = tmp_path / "other" / "kzdata.key"
    assert runner.invoke(app, ["keygen", "--key", str(other)]).exit_code == 0
    code, report = run(str(released), "--public-key", str(other.with_suffix(".pub")))
    assert code == 1 and integrity(report) == [("wrong-key", "error", "SHA256SUMS.minisig")]


def test_a_key_asks_for_a_signature(unvalidated, runner, package, keys, tmp_path) -> None:
    to = tmp_path / "r"
    runner.invoke(app, ["release", "1.0.0", "--package", str(package), "--to", str(to)])
    code, report = run(str(to / "1.0.0"), "--public-key", str(keys[1]))
    assert code == 1 and integrity(report)[0][:2] == ("signature-missing", "error")


def test_expect_sha256_pins_the_checksum_file_of_a_folder(released, signed) -> None:
    digest = sha256(released / "SHA256SUMS")
    assert run(str(released), "--expect-sha256", digest)[0] == 0
    # As the releases index writes it.
    index = json.loads((signed.parent / "index.json").read_text(encoding="utf-8"))
    assert index["releases"][0]["sha256sums"] == f"sha256:{digest}"
    assert run(str(released), "--expect-sha256", f"sha256:{digest}")[0] == 0
    code, report = run(str(released), "--expect-sha256", "0" * 64)
    assert code == 1 and integrity(report)[0][0] == "expected-sha256"


def test_a_release_zip_verifies_alone_and_is_pinned_by_its_digest(released, keys) -> None:
    archive = released / "kzdata-1.0.0.zip"
    code, report = run(
        str(archive), "--public-key", str(keys[1]), "--expect-sha256", sha256(archive)
    )
    assert code == 0, report["findings"]
    code, report = run(str(archive), "--expect-sha256", sha256(released / "SHA256SUMS"))
    assert code == 1 and integrity(report)[0][0] == "expected-sha256"


def test_a_zip_with_a_changed_member_is_an_error(released, tmp_path) -> None:
    source = zipfile.ZipFile(released / "kzdata-1.0.0.zip")
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(changed, "w") as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "data/events.csv":
                content = content.replace(b"2025", b"2024", 1)
            out.writestr(info.filename, content)
    code, report = run(str(changed), "--layer", "integrity")
    assert code == 1 and ("checksum-mismatch", "error", "data/events.csv") in integrity(report)


def test_a_release_url_is_verified_file_by_file(released, serve, keys) -> None:
    server = serve(released.parent)
    url = server.url + f"{released.name}/"
    code, report = run(url, "--public-key", str(keys[1]))
    assert code == 0, report["findings"]
    assert "/SHA256SUMS" in "".join(server.requests)
    # What was not fetched (the zip, CITATION.cff) is named as not checked, never as missing.
    assert any("not downloaded" in n["reason"] for n in report["not_checked"])
    path = released / "data" / "sources.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    code, report = run(url, "--layer", "integrity")
    assert code == 1 and ("checksum-mismatch", "error", "data/sources.csv") in integrity(report)


def test_a_package_that_is_not_a_release_has_nothing_to_verify(package) -> None:
    code, report = run(str(package))
    assert code == 0 and integrity(report) == []
    assert any(n["layer"] == "integrity" for n in report["not_checked"])


def test_a_bad_digest_or_a_missing_key_could_not_run(released) -> None:
    result = CliRunner().invoke(app, ["validate", str(released), "--expect-sha256", "xyz"])
    assert result.exit_code == 2 and "64 hex" in result.stderr
    result = CliRunner().invoke(app, ["validate", str(released), "--public-key", "/no/key.pub"])
    assert result.exit_code == 2 and "no such public key" in result.stderr


def test_a_resource_far_larger_than_its_bytes_is_not_hashed(released, monkeypatch) -> None:
    import kzdata.pipelines.verify as verify

    hashed: list[str] = []
    real = verify.file_sha256
    monkeypatch.setattr(verify, "file_sha256", lambda p: hashed.append(p.name) or real(p))
    path = released / "data" / "indicators.csv"
    with path.open("ab") as handle:
        handle.write(b"x" * 4096)
    code, report = run(str(released), "--bytes-margin", "1000")
    assert code == 1
    assert [(f["rule"], f["path"]) for f in report["findings"]] == [
        ("file-too-large", "data/indicators.csv")
    ]
    assert "indicators.csv" not in hashed and "sources.csv" in hashed
    assert ("integrity", "indicators") in {
        (n["layer"], n["resource"]) for n in report["not_checked"]
    }
