"""A build is all or nothing, even when killed at any moment or run three times at once: the
package folder always holds one whole build, and no build leaves debris beside it."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import kzdata

# Builds `out` from each seeds folder in turn, COUNT times, in one process.
LOOP = """
import sys
import kzdata
out, count, *seeds = sys.argv[1:]
for i in range(int(count)):
    kzdata.build(seeds[i % len(seeds)], out)
"""


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def two_versions(seeds: Path, tmp_path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Two seeds folders that build different packages, and the tree each builds."""
    other = tmp_path / "seeds_b"
    other.mkdir()
    os.system(f"cp -r {seeds}/. {other}")
    package = other / "package.yaml"
    package.write_text(package.read_text(encoding="utf-8").replace("title:", "title: B", 1))
    trees = []
    for i, folder in enumerate((seeds, other)):
        kzdata.build(folder, tmp_path / f"expected_{i}")
        trees.append(tree(tmp_path / f"expected_{i}"))
    assert trees[0] != trees[1]
    return [str(seeds), str(other)], trees


def debris(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_a_killed_build_leaves_one_whole_package_and_the_next_cleans_up(seeds, tmp_path):
    folders, trees = two_versions(seeds, tmp_path)
    out = tmp_path / "work" / "datapackage"
    kzdata.build(folders[0], out)
    chance = random.Random(20251225)
    for _ in range(12):
        process = subprocess.Popen([sys.executable, "-c", LOOP, str(out), "50", *folders])
        time.sleep(chance.uniform(0.2, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        # At every moment there is a package, and it is one whole build.
        assert tree(out) in trees
    kzdata.build(folders[1], out)
    assert tree(out) == trees[1]
    assert debris(out) == []
    assert sorted(p.name for p in out.parent.iterdir()) == ["datapackage"]


def test_a_kill_between_the_fallback_renames_is_put_right(seeds, tmp_path):
    # Where folders cannot be exchanged in one step, a kill may leave only the old folder.
    out = tmp_path / "datapackage"
    kzdata.build(seeds, out)
    before = tree(out)
    os.rename(out, tmp_path / ".datapackage.old-killed")
    (tmp_path / ".datapackage.new-killed").mkdir()
    kzdata.build(seeds, out)
    assert tree(out) == before and debris(out) == []


def test_concurrent_builds_serialize(seeds, tmp_path):
    folders, trees = two_versions(seeds, tmp_path)
    out = tmp_path / "work" / "datapackage"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", LOOP, str(out), "15", *folders[i % 2 :], *folders[: i % 2]],
            stderr=subprocess.PIPE,
        )
        for i in range(3)
    ]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    assert tree(out) in trees
    assert debris(out) == []
