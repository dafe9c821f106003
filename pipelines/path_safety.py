"""Which paths in a descriptor a local package may read: only files inside its own folder."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def unsafe_reason(path: object, basepath: Path) -> str | None:
    """Why a resource path must not be read, or None if it is a file inside `basepath`.

    Never opens the file, so a refused path's content is never read or echoed.
    """
    if not isinstance(path, str) or not path:
        return "is not a non-empty string"
    if "\x00" in path:
        return "contains a NUL character"
    if match := _SCHEME.match(path):
        scheme = match.group(0)[:-1].lower()
        if scheme in ("http", "https", "ftp", "ftps", "s3", "gs"):
            return "is on another host; kzdata reads only files inside a local package"
        return f"uses the '{scheme}:' scheme (or a drive letter); only relative paths are allowed"
    if path.startswith(("/", "\\")):
        return "is absolute; only paths relative to the package folder are allowed"
    if "\\" in path:
        return "contains a backslash; use forward slashes"
    if path.startswith("~"):
        return "starts with '~' (a home folder)"
    if "$" in path:
        return "contains '$' (variable expansion)"
    if ".." in PurePosixPath(path).parts:
        return "contains '..' and could leave the package folder"
    base = basepath.resolve()
    try:
        target = (basepath / path).resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError on a symlink loop
        return "is a symbolic link that cannot be followed (a loop)"
    if not target.is_relative_to(base):
        return "is a symbolic link that leads outside the package folder"
    return None
