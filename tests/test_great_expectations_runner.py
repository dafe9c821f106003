"""Great Expectations runs quietly and leaves nothing behind: no file anywhere, no progress bar,
nothing on stdout but the report; and it is imported only when its layer has work to do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KZDATA = str(Path(sys.executable).parent / "kzdata")


def snapshot(folder: Path) -> tuple[int, list[str]]:
    """The folder's modification time (changed by any entry made or removed in it, even for a
    moment) and what it holds."""
    return folder.stat().st_mtime_ns, sorted(str(p) for p in folder.rglob("*"))


@pytest.fixture
def isolated(tmp_path: Path) -> dict:
    """An empty working folder, home and temporary folder for a kzdata process."""
    folders = {name: tmp_path / name for name in ("cwd", "home", "tmp")}
    for folder in folders.values():
        folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GX_", "XDG_", "TMP", "TEMP"))}
    env |= {"HOME": str(folders["home"]), "TMPDIR": str(folders["tmp"])}
    return {"folders": folders, "env": env}


def test_validation_writes_no_file_prints_no_progress_and_keeps_stdout_for_the_report(
    package, isolated
) -> None:
    package.set_cell("observations", 3, "value", "128")  # something to report
    before = {name: snapshot(folder) for name, folder in isolated["folders"].items()}
    package_before = snapshot(package.folder)
    result = subprocess.run(
        [KZDATA, "validate", str(package), "--layer", "great_expectations", "-f", "json"],
        capture_output=True,
        text=True,
        cwd=isolated["folders"]["cwd"],
        env=isolated["env"],
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)  # stdout is the report and nothing else
    assert {f["rule"] for f in report["findings"]} == {"observation-matches-primary-citation"}
    # Great Expectations' tqdm bars read "Calculating Metrics: 100%|...| 12/12".
    assert "Calculating Metrics" not in result.stderr and "it/s" not in result.stderr
    assert result.stderr == ""
    after = {name: snapshot(folder) for name, folder in isolated["folders"].items()}
    assert after == before  # no gx/ folder, nothing in HOME, not even a passing temporary one
    assert snapshot(package.folder) == package_before


def test_the_layer_prints_nothing_itself(package, capsys) -> None:
    from kzdata.pipelines.layers import great_expectations_layer
    from kzdata.pipelines.target import open_target

    package.set_cell("observations", 3, "value", "128")
    assert great_expectations_layer.check(open_target(package.folder), 1000)
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")


def imported_after(code: str) -> list[str]:
    probe = (
        "import sys; "
        + code
        + "; print(sorted({'great_expectations', 'pandas'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().replace("'", '"'))


def test_great_expectations_is_imported_only_when_its_layer_has_work(tmp_path) -> None:
    assert imported_after("import kzdata.cli.main") == []
    assert imported_after("import kzdata.pipelines.validate") == []
    (tmp_path / "t.csv").write_text("id\na\n", encoding="utf-8")
    descriptor = {
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "id"}]}}]
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    # Nothing this layer knows how to check: it says so without importing Great Expectations.
    run = f"import kzdata; kzdata.validate({str(tmp_path)!r}, layers=['great_expectations'])"
    assert imported_after(run) == []
