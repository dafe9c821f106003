"""A command that fails leaves the files it was given, and the folder it writes to, as they
were: each is hashed before and after."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import kzdata
from kzdata.cli.main import app


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    } | {str(p.relative_to(folder)) + "/": "" for p in folder.rglob("*") if p.is_dir()}


def test_build_validate_release_and_diff_change_nothing_when_they_fail(runner, seeds, tmp_path):
    out = tmp_path / "datapackage"
    kzdata.build(seeds, out)
    releases = tmp_path / "releases"
    releases.mkdir()
    # Break the seeds and the built package (a value that is not a number).
    codebook = seeds / "codebook.yaml"
    codebook.write_text(codebook.read_text(encoding="utf-8") + "\nnot: [valid", encoding="utf-8")
    csv = out / "data" / "observations.csv"
    csv.write_bytes(csv.read_bytes().replace(b",709,", b",7o9,", 1))
    before = {folder: tree(folder) for folder in (seeds, out, releases)}
    for args in (
        ["build", "--seeds", str(seeds), "--out", str(out)],
        ["validate", str(out)],
        ["release", "1.0.0", "--package", str(out), "--to", str(releases)],
        ["diff", str(out), str(tmp_path / "missing")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code in (1, 2), (args, result.output)
        assert "Traceback" not in result.output
        for folder, hashes in before.items():
            assert tree(folder) == hashes, (args, folder)


def test_a_failed_validation_of_a_zip_changes_nothing(runner, package, tmp_path):
    package.set_cell("observations", 3, "value", "seven")
    archive = Path(shutil.make_archive(str(tmp_path / "pkg"), "zip", package.folder))
    before = tree(tmp_path)
    result = runner.invoke(app, ["validate", str(archive)])
    assert result.exit_code == 1
    assert tree(tmp_path) == before
