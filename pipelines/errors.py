"""Errors a user can act on, in one tree: each class carries its exit code, and the CLI turns
them into exit codes in one place (cli/errors.py). Anything else reaching the CLI is a bug."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kzdata.pipelines.report import Report


class ExitCode(IntEnum):
    """Every exit code kzdata has (the README's table)."""

    VALID = 0
    FINDINGS = 1  # the target was read and has findings, or is refused
    CANNOT_RUN = 2  # bad usage, a missing target, no network
    INTERNAL = 3  # a bug in kzdata, always


class KzdataError(Exception):
    """Base of every expected failure."""

    exit_code = ExitCode.CANNOT_RUN


class CannotRun(KzdataError):
    """The command could not run: bad usage, a missing target, no network."""

    exit_code = ExitCode.CANNOT_RUN


class InputRefused(KzdataError):
    """The input was read and is refused as it is: the base of every exit 1."""

    exit_code = ExitCode.FINDINGS


class UnreadableInput(InputRefused):
    """The input was read and cannot be used as it is (a document that is not UTF-8)."""


@dataclass(frozen=True)
class SeedProblem:
    """One problem in the seeds, located by file and entry."""

    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message}"


class SeedError(InputRefused):
    """The seeds were read and are wrong; nothing was written."""

    def __init__(self, problems: list[SeedProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"the seeds have {len(problems)} problem(s); nothing was written:\n{lines}"
        )


class InvalidPackage(InputRefused):
    """A package was read and cannot be used as it is: a malformed or unsafe descriptor, a
    missing or unreadable resource file."""


class ReleaseRefused(InputRefused):
    """`kzdata release` read everything and refuses: invalid data, a version that does not go
    up, a bump too small for the changes. Nothing was written."""


class ReleaseExists(ReleaseRefused):
    """The version is already released; a published release is never touched."""


class KeyFileExists(InputRefused):
    """`kzdata keygen` never overwrites a key file."""


class PackageNotValid(InvalidPackage):
    """kzdata.load validated the package and it has errors: it is not loaded."""

    def __init__(self, report: Report) -> None:
        self.report = report
        first = report.errors[0]
        where = ", ".join(
            str(part)
            for part in (
                first.path or first.resource,
                first.row and f"row {first.row}",
                first.field,
            )
            if part
        )
        super().__init__(
            f"{report.target} is not valid ({len(report.errors)} error(s); first: {where}: "
            f"{first.message}); run `kzdata validate` for the report, or load with validate=False"
        )


class UnloadableCell(InputRefused):
    """A cell is not of its field's type (the package was loaded without validation)."""

    def __init__(self, path: str, field: str, exc: Exception) -> None:
        super().__init__(f"{path}, field {field!r}: {exc}; validate the package to see every cell")


class UnsafeRemote(InputRefused):
    """A remote target was read and is refused (exit 1): `reasons` say why."""

    def __init__(self, url: str, reasons: str | list[str]) -> None:
        self.url = url
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        if len(self.reasons) == 1:
            message = f"{url}: {self.reasons[0]}; refused"
        else:
            message = f"{url}: refused:\n" + "\n".join(f"  {r}" for r in self.reasons)
        super().__init__(message)


class UnsafeArchive(InputRefused):
    """The archive was read and is refused: `member` (None for the whole archive) and `reason`
    say why."""

    def __init__(self, archive: str, reason: str, member: str | None = None) -> None:
        self.archive = archive
        self.reason = reason
        self.member = member
        where = archive if member is None else f"{archive}: member {member!r}"
        super().__init__(f"{where}: {reason}; the archive is refused")
