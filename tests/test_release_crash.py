"""A release killed anywhere leaves no release or a whole one, and the next run completes the
history; releases run at once are serialized by the lock, and exactly one wins each name.

The processes here are real: killed with os._exit at the named points of
kzdata.pipelines.crash_points, or with SIGKILL while paused at one. Most skip validation
(patched out in the child) since what they test starts after it; the race runs it.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kzdata.cli.main import app
from kzdata.pipelines import crash_points
from kzdata.pipelines.verify import verify

# The child: `kzdata ...` in a fresh interpreter, validation skipped when asked.
CHILD = """
import sys
from kzdata.pipelines import release
if sys.argv[1] == "skip-validation":
    release._validated = lambda package, target, documents: 0
sys.argv = ["kzdata", *sys.argv[2:]]
from kzdata.cli.main import run
run()
"""


def kzdata_process(
    *args: str, crash_at: str | None = None, validation: bool = False
) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != crash_points.ENV}
    if crash_at:
        env[crash_points.ENV] = crash_at
    mode = "validate" if validation else "skip-validation"
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def history(runner, package, tmp_path) -> Path:
    """A history holding 1.0.0 of the package; releasing it again as 1.1.0 is allowed."""
    to = tmp_path / "releases"
    args = ["release", "1.0.0", "--package", str(package), "--to", str(to)]
    assert runner.invoke(app, args).exit_code == 0
    return to


def assert_whole(history: Path, version: str) -> None:
    """`version` is released whole and indexed, and nothing of a run is left behind."""
    assert {f.rule for f in verify(history / version)} == {"unsigned"}
    index = json.loads((history / "index.json").read_text(encoding="utf-8"))
    assert index["latest"] == version
    assert f"## {version} (" in (history / "CHANGELOG.md").read_text(encoding="utf-8")
    assert [p.name for p in history.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("point", crash_points.POINTS)
def test_a_crash_leaves_no_release_or_a_whole_one(runner, package, history, point) -> None:
    args = ["release", "1.1.0", "--package", str(package), "--to", str(history)]
    child = kzdata_process(*args, crash_at=point)
    child.communicate(timeout=120)
    assert child.returncode == crash_points.EXIT_CODE
    published = point in ("renamed", "indexed")
    folder = history / "1.1.0"
    assert folder.exists() == published
    if published:
        assert {f.rule for f in verify(folder)} == {"unsigned"}  # whole
    visible = {p.name for p in history.iterdir() if not p.name.startswith(".")}
    assert visible <= {"1.0.0", "1.1.0", "index.json", "CHANGELOG.md"}
    # The next run completes what the crash left: the release, or its index and changelog.
    rerun = runner.invoke(app, args)
    assert rerun.exit_code == (1 if published else 0), rerun.output
    assert_whole(history, "1.1.0")


def test_sigkill_mid_release_then_the_next_run_completes(runner, package, history) -> None:
    args = ["release", "1.1.0", "--package", str(package), "--to", str(history)]
    child = kzdata_process(*args, crash_at="staged:pause")
    wait_for_line(child, "paused at staged")
    staging = [p for p in history.iterdir() if p.name.startswith(".staging-")]
    assert len(staging) == 1 and (staging[0] / "SHA256SUMS").is_file()  # assembled, not renamed
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=60)
    assert not (history / "1.1.0").exists()
    assert runner.invoke(app, args).exit_code == 0
    assert_whole(history, "1.1.0")


def test_a_waiting_release_runs_when_the_holder_dies(package, history) -> None:
    args = ["release", "1.1.0", "--package", str(package), "--to", str(history)]
    holder = kzdata_process(*args, crash_at="staged:pause")
    wait_for_line(holder, "paused at staged")
    waiter = kzdata_process(*args)
    time.sleep(1.0)
    assert waiter.poll() is None  # blocked on the lock the holder keeps
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=60)
    _, err = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, err
    assert_whole(history, "1.1.0")


def test_releases_at_once_one_wins_each_name(package, tmp_path) -> None:
    to = tmp_path / "releases"
    args = ["release", "1.0.0", "--package", str(package), "--to", str(to)]
    children = [kzdata_process(*args, validation=True) for _ in range(4)]
    results = [(c.wait(timeout=300), c.communicate()[1]) for c in children]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1, 1, 1], results
    assert all("1.0.0 is already released" in err for code, err in results if code == 1)
    assert_whole(to, "1.0.0")


def wait_for_line(child: subprocess.Popen, text: str, timeout: float = 120) -> None:
    """Read the child's stderr until a line holds `text`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([child.stderr], [], [], deadline - time.monotonic())
        line = child.stderr.readline() if ready else ""
        if text in line:
            return
        if not line and child.poll() is not None:
            break
    child.kill()
    raise AssertionError(f"the child never said {text!r}: {child.communicate()}")
