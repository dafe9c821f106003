"""The lock that lets one release at a time write into a release history folder.

It is a file lock (flock, through filelock) on a hidden file in the folder, removed when the
release ends, refused or not. The file is unlinked while the lock is still held: a process
already waiting on it then finds its file gone and locks a fresh one, so two releases never
hold the lock at once. A killed process's lock is freed by the kernel; its file stays until
the next release removes it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from filelock import FileLock, Timeout

from kzdata.pipelines.errors import CannotRun

LOCK_NAME = ".release.lock"
TIMEOUT = 600.0  # seconds: a release of a large package may take minutes


@contextmanager
def locked(history: Path, timeout: float = TIMEOUT) -> Iterator[Path]:
    """Hold the lock of `history` (created if missing, and removed again if it is still empty
    when the lock is released)."""
    history = Path(history)
    made = not history.exists()
    try:
        history.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotRun(f"{history}: cannot make the release history: {exc.strerror}") from None
    path = history / LOCK_NAME
    lock = FileLock(path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise CannotRun(
            f"{path}: another release into {history} has held the lock for {timeout:.0f} s"
        ) from None
    try:
        yield history
    finally:
        with suppress(FileNotFoundError):
            os.unlink(path)
        lock.release()
        if made:
            with suppress(OSError):  # not empty: a release was written, or another run locks
                history.rmdir()
