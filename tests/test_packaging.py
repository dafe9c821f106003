"""The distribution: one import namespace, kzdata.*, the built package inside the wheel, and no
source document in the wheel or the sdist."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("dist")
    repo = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--wheel",
            "--sdist",
            "--outdir",
            str(out),
            str(repo),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return wheel, sdist


def test_every_module_is_under_kzdata(dists):
    wheel, _ = dists
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"kzdata"}
    assert "kzdata/cli/main.py" in names and "kzdata/pipelines/build.py" in names
    assert "kzdata/schemas/tables/observations.json" in names


def test_wheel_carries_every_module_of_the_source_tree(dists, tools):
    wheel, _ = dists
    names = set(zipfile.ZipFile(wheel).namelist())
    folders = {
        "kzdata": "kzdata",
        "cli": "kzdata/cli",
        "pipelines": "kzdata/pipelines",
        "schemas": "kzdata/schemas",
    }
    expected = {
        f"{prefix}/{path.relative_to(tools.repo / folder).as_posix()}"
        for folder, prefix in folders.items()
        for path in (tools.repo / folder).rglob("*.py")
    }
    assert expected and expected <= names, sorted(expected - names)


def test_wheel_carries_the_built_package(dists):
    wheel, _ = dists
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kzdata/datapackage/datapackage.json" in names
    assert "kzdata/datapackage/data/observations.csv" in names


def test_no_source_document_is_distributed(dists, tools):
    wheel, sdist = dists
    documents = [p.name for p in (tools.repo / "seeds" / "documents").iterdir()]
    assert documents
    names = zipfile.ZipFile(wheel).namelist() + tarfile.open(sdist).getnames()
    assert not [n for n in names if Path(n).name in documents or "/seeds/" in f"/{n}"]


def test_installed_wheel_validates_its_own_package(dists, tmp_path):
    wheel, _ = dists
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import kzdata; "
        "p = kzdata.package_path(); assert str(p).startswith(sys.argv[1]), p; "
        "r = kzdata.validate(); print(r.valid)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(target)], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.stdout.strip() == "True", result.stderr


def test_cli_import_does_not_load_heavy_libraries():
    # `kzdata --help` loads the command line only: no data library, and none of what the
    # commands' defaults are defined beside (the network, archive and severity code, the
    # installed metadata the version is read from).
    code = (
        "import sys, kzdata.cli.main; "
        "print(sorted(m for m in ('frictionless', 'pandas', 'pandera', 'polars', "
        "'great_expectations', 'yaml', 'http.client', 'zipfile', 'importlib.metadata', "
        "'kzdata.pipelines.remote', 'kzdata.pipelines.severities') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
