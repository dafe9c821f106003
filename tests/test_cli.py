"""The command line as a user meets it: help, version, usage errors."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from importlib.metadata import version

import pytest

from kzdata.cli.main import app


def test_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"kzdata {version('kzdata')}"


def test_help_lists_the_commands(runner):
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    commands = (
        "build",
        "validate",
        "dictionary",
        "extract",
        "diff",
        "release",
        "keygen",
        "sources",
    )
    for command in commands:
        assert command in result.stdout


def test_bad_usage_exits_2(runner, tools):
    assert runner.invoke(app, ["validate", "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["build", "--bogus"]).exit_code == 2
    assert runner.invoke(app, ["no-such-command"]).exit_code == 2


def test_build_command_reports_rows(runner, tools, tmp_path):
    result = runner.invoke(
        app, ["build", "--seeds", str(tools.repo / "seeds"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "observations 11" in result.stdout
    assert (tmp_path / "out" / "datapackage.json").is_file()


def test_dictionary_prints_markdown(runner):
    result = runner.invoke(app, ["dictionary"])
    assert result.exit_code == 0 and "#### `observations`" in result.stdout


def test_dictionary_refuses_a_file_without_markers(runner, tmp_path):
    target = tmp_path / "OTHER.md"
    target.write_text("no markers here\n", encoding="utf-8")
    result = runner.invoke(app, ["dictionary", "--readme", str(target)])
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "no markers here\n"


def test_every_expected_error_carries_an_exit_code_of_the_one_tree() -> None:
    import inspect

    from kzdata.pipelines import errors

    classes = [c for c in vars(errors).values() if inspect.isclass(c)]
    raised = [c for c in classes if issubclass(c, Exception)]
    assert all(issubclass(c, errors.KzdataError) for c in raised)
    assert {c.exit_code for c in raised} == {errors.ExitCode.FINDINGS, errors.ExitCode.CANNOT_RUN}
    assert errors.UnsafeArchive.exit_code == errors.UnsafeRemote.exit_code == 1
    assert errors.CannotRun.exit_code == 2


# What polars's allocator is told when polars loads: the setting is read then, once.
WATCH_POLARS = """
import os, sys
seen = []


class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "polars" and not seen:
            seen.append(os.environ.get("_RJEM_MALLOC_CONF"))


sys.meta_path.insert(0, Watch())
import kzdata
from kzdata.cli.main import run

sys.argv = ["kzdata", "validate", str(kzdata.package_path()), *sys.argv[1:]]
try:
    run()
except SystemExit:
    pass
print("allocator:", seen, file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("given", "args", "kept"),
    [
        (None, ["-l", "pandera"], "dirty_decay_ms:0,"),
        (None, ["-l", "frictionless", "-l", "pandera"], "dirty_decay_ms:0,"),
        (None, ["-l", "frictionless"], "dirty_decay_ms:500,"),
        (None, ["-l", "frictionless", "--engine", "frictionless"], "dirty_decay_ms:0,"),
        ("narenas:2", ["-l", "pandera"], "narenas:2"),
        ("narenas:2", ["-l", "frictionless"], "narenas:2"),
    ],
)
def test_freed_memory_is_returned_at_once_unless_only_tables_are_checked(given, args, kept) -> None:
    # Layers after the table checks hold tables from one layer to the next; the checks alone,
    # on the vectorized engine, hold one at a time. A setting the user gave is kept.
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if given is not None:
        env["_RJEM_MALLOC_CONF"] = given
    out = subprocess.run(
        [sys.executable, "-c", WATCH_POLARS, *args], env=env, capture_output=True, text=True
    )
    (line,) = [s for s in out.stderr.splitlines() if s.startswith("allocator:")]
    (setting,) = ast.literal_eval(line.removeprefix("allocator:"))  # polars loaded once
    assert kept in setting
