"""Shared fixtures: copies of the real seeds and package that tests can break."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from kzdata.cli.main import app

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHIPPED = REPO / "datapackage"


def read_descriptor(folder: Path) -> dict:
    return json.loads((Path(folder) / "datapackage.json").read_text(encoding="utf-8"))


def resource_entry(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


class PackageCopy(os.PathLike):
    """A copy of datapackage/ to break. It stands for its folder (`str(copy)`, `copy / "x"`).
    Cell edits also rewrite the resource's declared bytes and hash, so that frictionless
    reports only the broken cell, unless asked not to. `documents` is the copy of
    seeds/documents beside it, as in the repository (None for a copy without documents)."""

    def __init__(self, folder: Path, documents: Path | None = None) -> None:
        self.folder = folder
        self.descriptor = folder / "datapackage.json"
        self.documents = documents

    def __fspath__(self) -> str:
        return str(self.folder)

    def __str__(self) -> str:
        return str(self.folder)

    def __truediv__(self, other: str) -> Path:
        return self.folder / other

    def read_descriptor(self) -> dict:
        return read_descriptor(self.folder)

    def write_descriptor(self, descriptor: dict) -> None:
        self.descriptor.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    def resource(self, name: str) -> dict:
        return resource_entry(self.read_descriptor(), name)

    def csv_path(self, name: str) -> Path:
        return self.folder / self.resource(name)["path"]

    def rows(self, name: str) -> list[list[str]]:
        text = self.csv_path(name).read_text(encoding="utf-8")
        return list(csv.reader(io.StringIO(text, newline="")))

    def cell(self, name: str, row: int, field: str) -> str:
        """The cell of `field` in frictionless row `row` (the header is row 1)."""
        rows = self.rows(name)
        return rows[row - 1][rows[0].index(field)]

    def set_cell(self, name: str, row: int, field: str, value: str) -> None:
        rows = self.rows(name)
        rows[row - 1][rows[0].index(field)] = value
        self.write_rows(name, rows)

    def delete_row(self, name: str, row: int) -> None:
        """Delete frictionless row `row` (the header is row 1)."""
        rows = self.rows(name)
        del rows[row - 1]
        self.write_rows(name, rows)

    def write_rows(self, name: str, rows: list[list[str]]) -> None:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        self.write_bytes(name, out.getvalue().encode("utf-8"))

    def edit(self, name: str, old: str, new: str, keep_hash: bool = True) -> None:
        """Replace the first `old` in a resource's CSV text with `new`."""
        path = self.csv_path(name)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        content = text.replace(old, new, 1).encode("utf-8")
        if keep_hash:
            self.write_bytes(name, content)
        else:
            path.write_bytes(content)

    def rehash(self, name: str) -> None:
        self.write_bytes(name, self.csv_path(name).read_bytes())

    def write_bytes(self, name: str, content: bytes) -> None:
        self.csv_path(name).write_bytes(content)
        data = self.read_descriptor()
        entry = resource_entry(data, name)
        entry["bytes"] = len(content)
        entry["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
        self.write_descriptor(data)

    def line_and_column(self, name: str, text: str) -> tuple[int, int]:
        """1-based line and column where `text` (unique in the file) stands in the CSV file."""
        content = self.csv_path(name).read_text(encoding="utf-8")
        assert content.count(text) == 1, f"{text!r} is not unique in {name}"
        before = content[: content.index(text)]
        return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


@pytest.fixture
def tools() -> SimpleNamespace:
    """Plain helpers (tests import nothing from conftest under --import-mode=importlib)."""
    return SimpleNamespace(
        repo=REPO, read_descriptor=read_descriptor, resource_entry=resource_entry
    )


@pytest.fixture
def package(tmp_path: Path) -> PackageCopy:
    """A copy of the shipped data package to break, laid out as in the repository: its source
    documents in seeds/documents beside it."""
    project = tmp_path / "project"
    shutil.copytree(SHIPPED, project / "datapackage")
    shutil.copytree(SEEDS / "documents", project / "seeds" / "documents")
    return PackageCopy(project / "datapackage", project / "seeds" / "documents")


@pytest.fixture
def release(tmp_path: Path) -> PackageCopy:
    """A copy of the shipped data package with no documents anywhere near it, as a user who
    downloads a release has it."""
    shutil.copytree(SHIPPED, tmp_path / "release")
    return PackageCopy(tmp_path / "release")


@pytest.fixture
def broken(package: PackageCopy) -> PackageCopy:
    """The package with a non-integer value in observations row 4, after a row whose notes
    hold a line break (so row 4 is not line 4), and a duplicate primary key in citations."""
    package.set_cell("observations", 2, "notes", "first line\nsecond line, quoted")
    package.set_cell("observations", 4, "value", "NOT_AN_INTEGER")
    package.set_cell("citations", 3, "citation_id", package.cell("citations", 2, "citation_id"))
    return package


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A copy of the project's seeds to break."""
    return Path(shutil.copytree(SEEDS, tmp_path / "seeds"))


@pytest.fixture
def unvalidated(monkeypatch) -> None:
    """Releases skip validation: for tests of what a release writes, on packages that other
    tests validate. Tests of what a release refuses validate as a release does."""
    from kzdata.pipelines import release as step

    monkeypatch.setattr(step, "_validated", lambda package, target, documents: 0)


@pytest.fixture
def keys(runner, tmp_path):
    """A key pair made by kzdata keygen: (secret, public)."""
    result = runner.invoke(app, ["keygen", "--key", str(tmp_path / "keys" / "kzdata.key")])
    assert result.exit_code == 0, result.output
    return tmp_path / "keys" / "kzdata.key", tmp_path / "keys" / "kzdata.pub"


@pytest.fixture
def signed(unvalidated, runner, package, tmp_path, keys):
    """1.0.0 of the shipped package, signed with `keys`."""
    args = ["release", "1.0.0", "--package", str(package), "--to", str(tmp_path / "r")]
    args += ["--sign-key", str(keys[0]), "--created", "2026-11-25T10:00:00Z"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return tmp_path / "r" / "1.0.0"


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temporary folders are made here, during the test; none may be left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    assert list(folder.iterdir()) == [], "a temporary folder was left behind"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# A replacement answer for one path: a server that stalls, lies or redirects.
Route = Callable[[SimpleHTTPRequestHandler], None]


class Server:
    """An HTTP server on 127.0.0.1 serving `root`, recording every path asked for; `routes`
    replace the answer for a path with a misbehaving one."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        self.routes: dict[str, Route] = {}
        self.release = threading.Event()  # lets stalled handlers finish at teardown
        handler = functools.partial(_Handler, server=self, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        # A short poll interval, so that shutdown at teardown is quick.
        serve = functools.partial(self.httpd.serve_forever, poll_interval=0.01)
        threading.Thread(target=serve, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args, server: Server, **kwargs) -> None:
        self.site = server
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        self.site.requests.append(self.path)
        route = self.site.routes.get(self.path)
        if route:
            route(self)
        else:
            super().do_GET()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[Path], Server]]:
    """Start HTTP servers on 127.0.0.1, each serving a folder and recording every request;
    all are stopped at teardown."""
    servers: list[Server] = []

    def start(root: Path) -> Server:
        servers.append(Server(root))
        return servers[-1]

    yield start
    for server in servers:
        server.close()
