"""Shared fixtures: the real repository's seeds and package, copied so tests can break them."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
PACKAGE = REPO / "datapackage"


def read_descriptor(package: Path) -> dict:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def write_descriptor(package: Path, descriptor: dict) -> None:
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def resource_entry(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def rehash(package: Path, resource: str) -> None:
    """Record a resource's current bytes and sha256, so only a deliberate edit is wrong."""
    descriptor = read_descriptor(package)
    entry = resource_entry(descriptor, resource)
    content = (package / entry["path"]).read_bytes()
    entry["bytes"] = len(content)
    entry["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    write_descriptor(package, descriptor)


def edit_csv(package: Path, resource: str, old: str, new: str, keep_hash: bool = True) -> None:
    """Replace the first `old` in a resource's CSV with `new`."""
    path = package / "data" / f"{resource}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if keep_hash:
        rehash(package, resource)


@pytest.fixture
def tools() -> SimpleNamespace:
    """The helpers above (tests import nothing from conftest under --import-mode=importlib)."""
    return SimpleNamespace(
        repo=REPO,
        read_descriptor=read_descriptor,
        write_descriptor=write_descriptor,
        resource_entry=resource_entry,
        rehash=rehash,
        edit_csv=edit_csv,
    )


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the shipped data package to break."""
    return Path(shutil.copytree(PACKAGE, tmp_path / "pkg"))


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A copy of the project's seeds to break."""
    return Path(shutil.copytree(SEEDS, tmp_path / "seeds"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
