"""The benchmark's generated packages are what it says they are: grown packages are valid in
every layer, faulted ones hold every kind of finding it plants, wide ones are valid. Tiny sizes,
no timing."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from kzdata.cli.main import app

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


packages = load("packages")


def findings(runner, folder: Path, *options: str) -> tuple[int, list[dict]]:
    result = runner.invoke(app, ["validate", str(folder), "-f", "json", *options])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)["findings"]


def test_a_grown_package_is_valid_in_every_layer(runner, tmp_path) -> None:
    folder = tmp_path / "grown"
    packages.copy_shipped(folder)
    packages.grow(folder, 60)
    lines = (folder / "data" / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 61
    code, found = findings(runner, folder)
    assert code == 0, [f for f in found if f["severity"] == "error"]


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_a_faulted_package_holds_every_kind_of_fault(runner, tmp_path, engine) -> None:
    folder = tmp_path / "faulted"
    packages.copy_shipped(folder)
    packages.grow(folder, 80)
    planted = packages.seed_faults(folder, seed=3)
    code, found = findings(runner, folder, "-l", "frictionless", "--engine", engine)
    assert code == 1
    assert {f["rule"] for f in found} == set(packages.FAULTS)
    rows = {(f["rule"], f["row"]) for f in found if f["resource"] == "observations"}
    for kind, numbers in planted.items():
        assert {(kind, n) for n in numbers} <= rows, kind


def test_both_engines_agree_on_the_faulted_package(runner, tmp_path) -> None:
    folder = tmp_path / "faulted"
    packages.copy_shipped(folder)
    packages.grow(folder, 80)
    packages.seed_faults(folder, seed=5)
    fast = findings(runner, folder, "-l", "frictionless", "--engine", "fast")
    assert fast == findings(runner, folder, "-l", "frictionless", "--engine", "frictionless")


@pytest.mark.parametrize(("columns", "rows"), [(9, 40), (300, 3)])
def test_a_wide_package_is_valid(runner, tmp_path, columns, rows) -> None:
    folder = tmp_path / "wide"
    packages.wide(folder, columns, rows)
    header = (folder / "data" / "wide.csv").read_text(encoding="utf-8").splitlines()[0]
    assert len(header.split(",")) == columns
    for engine in ("fast", "frictionless"):
        assert findings(runner, folder, "-l", "frictionless", "--engine", engine) == (0, [])


def test_the_benchmark_keeps_grow_for_the_other_benchmarks() -> None:
    validate = load("validate")
    assert validate.grow.__code__.co_filename == packages.grow.__code__.co_filename
    assert validate.SHIPPED.is_dir()
