"""What kzdata validate says of a target it does not read: it names what it was given, what is
accepted today, and exits 2 (the command could not run), as the README states."""

from __future__ import annotations

import shutil
import zipfile

import pytest
from typer.testing import CliRunner

from kzdata.cli.main import app


def run(target: str):
    result = CliRunner().invoke(app, ["validate", target])
    assert "Traceback" not in result.output
    return result


def test_a_url_is_named_as_a_url_with_its_slashes(runner) -> None:
    url = "https://example.org/kzdata/datapackage.json"
    result = run(url)
    assert result.exit_code == 2
    assert url in result.stderr and "a URL" in result.stderr
    assert "folder or its datapackage.json" in result.stderr


def test_a_zip_is_named_as_a_zip(package, tmp_path) -> None:
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(package.descriptor, "datapackage.json")
    result = run(str(archive))
    assert result.exit_code == 2
    assert "a zip archive" in result.stderr and "not UTF-8" not in result.stderr


def test_a_zip_is_recognised_by_its_bytes_whatever_its_name(package, tmp_path) -> None:
    archive = tmp_path / "download.bin"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(package.descriptor, "datapackage.json")
    result = run(str(archive))
    assert result.exit_code == 2 and "a zip archive" in result.stderr


@pytest.mark.parametrize(("suffix", "kind"), [(".csv", "a CSV table"), (".yaml", "a YAML file")])
def test_a_table_or_yaml_file_is_named(package, tmp_path, suffix, kind) -> None:
    target = tmp_path / f"table{suffix}"
    shutil.copy(package.csv_path("sources"), target)
    result = run(str(target))
    assert result.exit_code == 2
    assert kind in result.stderr and "malformed JSON" not in result.output


def test_a_malformed_descriptor_is_still_a_finding(package) -> None:
    package.descriptor.write_text("{not json", encoding="utf-8")
    result = run(str(package))
    assert result.exit_code == 1 and "malformed JSON" in result.stdout
