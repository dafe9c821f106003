"""The source documents behind a package: where they are, and reading one safely.

A package records each document as `sources.document_path`, `seeds/documents/<file>`, relative
to the project's root; a release ships no document. kzdata looks for `<file>` in one folder:
the one given with `kzdata validate --documents DIR`, or else `seeds/documents/` beside the
package folder (the repository's layout: `datapackage/` next to `seeds/`). A path that would
resolve outside that folder is refused, never read.
"""

from __future__ import annotations

from pathlib import Path

from kzdata.pipelines.errors import CannotRun, UnreadableInput
from kzdata.pipelines.path_safety import unsafe_reason

PREFIX = "seeds/documents/"


class RefusedPath(ValueError):
    """A document path that could lead outside the documents folder."""


def default_folder(package_folder: Path) -> Path | None:
    """`seeds/documents/` beside the package folder, when it exists."""
    folder = Path(package_folder).resolve().parent / "seeds" / "documents"
    return folder if folder.is_dir() else None


def locate(folder: Path, document_path: str) -> Path:
    """The file a `document_path` names inside `folder`. Raises RefusedPath (never reading the
    file) unless it is `seeds/documents/<file>` and `<file>` stays inside `folder`."""
    name = document_path.removeprefix(PREFIX)
    if name == document_path or "/" in name:
        raise RefusedPath(f"{document_path!r} is not of the form {PREFIX}<file>")
    if reason := unsafe_reason(name, folder):
        raise RefusedPath(f"{document_path!r}: {name!r} {reason}; refused, not read")
    return folder / name


def read_text(path: Path) -> str:
    """A document's text, decoded from UTF-8 exactly as stored (offsets count every code point,
    line ends included). Raises CannotRun (exit 2) when there is no such file and
    UnreadableInput (exit 1) when it is not UTF-8, naming the first bad byte."""
    try:
        raw = Path(path).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise CannotRun(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CannotRun(f"{path}: a folder, not a document") from None
    except OSError as exc:
        raise CannotRun(f"{path}: cannot be read ({exc.strerror})") from None
    return decode(raw, str(path))


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text of a document's bytes; UnreadableInput names the byte offset of a bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(
            f"{name} is not UTF-8 text: byte {exc.start} (0x{raw[exc.start]:02x}) cannot be decoded"
        ) from None
