"""kzdata validate on what a user downloaded: a zip of a package, or its URL. The same layers
run on an unpacked or fetched copy, findings name the zip or the URL, refused archives and
downloads are findings (exit 1), and no temporary copy is left behind."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kzdata.cli.main import app

# Every temporary folder is made in one place, and none may be left behind.
pytestmark = pytest.mark.usefixtures("private_temp")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


def zipped(folder: Path, archive: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return archive


def broken_copy(package) -> None:
    package.set_cell("observations", 3, "value", "seven")


@pytest.mark.parametrize("prefix", ["", "kzdata-1.0.0/"])
def test_a_zip_of_a_valid_package_is_valid(package, tmp_path, prefix) -> None:
    archive = zipped(package.folder, tmp_path / "package.zip", prefix)
    code, out = run(str(archive), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["valid"] and "pandera" in report["layers"]


def test_findings_in_a_zip_name_the_zip_and_their_line(package, tmp_path) -> None:
    broken_copy(package)
    line, column = package.line_and_column("observations", ",seven,")
    archive = zipped(package.folder, tmp_path / "package.zip")
    code, out = run(str(archive), "--format", "github")
    assert code == 1
    hits = [a for a in out.splitlines() if "observations.csv" in a and "type" in a]
    assert hits
    assert f"file={archive}/data/observations.csv".replace(":", "%3A") in hits[0]
    assert f"line={line}," in hits[0] and f"col={column + 1}," in hits[0]


def test_a_hostile_zip_is_a_finding_and_writes_nothing(package, tmp_path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(package.descriptor, "datapackage.json")
        zf.writestr("../escaped.txt", "x")
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out = run(str(archive), "--format", "json")
    report = json.loads(out)
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["layer"], finding["rule"]) == ("integrity", "unsafe-archive")
    assert "../escaped.txt" in finding["message"]
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_broken_file_named_zip_is_refused_as_an_archive(tmp_path) -> None:
    archive = tmp_path / "package.zip"
    archive.write_bytes(b"this is not an archive")
    code, out = run(str(archive), "--format", "json")
    assert code == 1
    assert json.loads(out)["findings"][0]["rule"] == "unsafe-archive"


def test_the_zip_limits_are_flags(package, tmp_path) -> None:
    archive = zipped(package.folder, tmp_path / "package.zip")
    code, out = run(str(archive), "--format", "json", "--zip-max-members", "3")
    assert code == 1 and "members" in json.loads(out)["findings"][0]["message"]


@pytest.fixture
def site(package, tmp_path, serve):
    root = tmp_path / "site"
    shutil.copytree(package.folder, root / "pkg")
    zipped(package.folder, root / "pkg.zip")
    return serve(root)


@pytest.mark.parametrize("path", ["pkg/", "pkg/datapackage.json", "pkg.zip"])
def test_a_url_of_a_valid_package_is_valid(site, path) -> None:
    code, out = run(site.url + path, "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["valid"] and report["target"] == site.url + path
    assert site.requests


def test_findings_of_a_url_target_name_its_files_by_url(package, tmp_path, serve) -> None:
    broken_copy(package)
    root = tmp_path / "site"
    shutil.copytree(package.folder, root / "pkg")
    server = serve(root)
    code, out = run(server.url + "pkg/datapackage.json", "--format", "sarif")
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
        for loc in r["locations"]
    }
    assert server.url + "pkg/data/observations.csv" in uris


def test_a_resource_on_another_origin_is_refused_and_never_fetched(package, tmp_path, serve):
    other = serve(tmp_path / "package_elsewhere")
    shutil.copytree(package.folder, tmp_path / "package_elsewhere", dirs_exist_ok=True)
    descriptor = package.read_descriptor()
    descriptor["resources"][0]["path"] = other.url + "data/sources.csv"
    package.write_descriptor(descriptor)
    root = tmp_path / "site"
    shutil.copytree(package.folder, root / "pkg")
    site = serve(root)
    code, out = run(site.url + "pkg/datapackage.json", "--format", "json")
    assert code == 1
    assert json.loads(out)["findings"][0]["rule"] == "unsafe-download"
    assert other.requests == []


def test_a_server_that_is_not_there_means_the_command_could_not_run(site) -> None:
    url = site.url
    site.close()
    result = CliRunner().invoke(app, ["validate", url + "pkg/", "--timeout", "2"])
    assert result.exit_code == 2 and url in result.stderr
