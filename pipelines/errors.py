"""Errors a user can act on. The CLI maps them to exit codes in one place (cli/main.py)."""

from __future__ import annotations

from dataclasses import dataclass


class KzdataError(Exception):
    """Base of every expected failure; anything else reaching the CLI is a bug (exit 3)."""

    exit_code = 2


class CannotRun(KzdataError):
    """The command could not run: bad usage, a missing target, no network."""

    exit_code = 2


class UnreadableInput(KzdataError):
    """The input was read and cannot be used as it is (a document that is not UTF-8)."""

    exit_code = 1


@dataclass(frozen=True)
class SeedProblem:
    """One problem in the seeds, located by file and entry."""

    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message}"


class SeedError(KzdataError):
    """The seeds were read and are wrong; nothing was written."""

    exit_code = 1

    def __init__(self, problems: list[SeedProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"the seeds have {len(problems)} problem(s); nothing was written:\n{lines}"
        )


class InvalidPackage(KzdataError):
    """A package was read and cannot be used as it is: a malformed or unsafe descriptor, a
    missing or unreadable resource file."""

    exit_code = 1


class ReleaseRefused(KzdataError):
    """`kzdata release` read everything and refuses: invalid data, a version that does not go
    up, a bump too small for the changes. Nothing was written."""

    exit_code = 1


class ReleaseExists(ReleaseRefused):
    """The version is already released; a published release is never touched."""


class KeyFileExists(KzdataError):
    """`kzdata keygen` never overwrites a key file."""

    exit_code = 1
