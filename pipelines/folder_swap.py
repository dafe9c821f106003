"""Replace a folder by another in one step, one process at a time, leaving no debris.

A build writes the new package into a staging folder beside the target and swaps it in. The
swap is one atomic exchange of the two folders where the system has one (Linux renameat2 with
RENAME_EXCHANGE), so the target never disappears, not even for a moment; elsewhere, two
renames, with the old folder restored by the next run if a kill fell between them. Builds of
the same target are serialized by an exclusive lock on the parent folder itself (flock), so no
lock file is ever left in the work tree; under the lock, staging folders of killed runs are
removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_prefix(target: Path) -> str:
    return f".{target.name}.new-"


def old_prefix(target: Path) -> str:
    return f".{target.name}.old-"


@contextlib.contextmanager
def locked(target: Path) -> Iterator[None]:
    """Hold an exclusive lock on `target`'s parent folder while the block runs, after putting
    right what a killed run left beside `target`."""
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _recover(target)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def new_staging(target: Path) -> Path:
    """An empty staging folder beside `target`, with the permissions a new folder gets."""
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(target), dir=target.parent))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a package is not
    return staging


def swap_in(staging: Path, target: Path) -> None:
    """Make `staging` the new `target`; the old `target` is removed."""
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging)  # it now holds the old content
        return
    old = Path(tempfile.mkdtemp(prefix=old_prefix(target), dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _recover(target: Path) -> None:
    """Remove the staging folders of killed runs; if a kill fell between the two renames of
    the fallback swap, put the old folder back first."""
    olds = sorted(target.parent.glob(old_prefix(target) + "*"))
    if olds and not target.exists():
        os.rename(olds.pop(), target)
    for debris in [*olds, *target.parent.glob(staging_prefix(target) + "*")]:
        shutil.rmtree(debris, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
