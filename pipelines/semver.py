"""Semantic versions of releases (MAJOR.MINOR.PATCH) and the bump levels changes need.

Only plain X.Y.Z versions are released: a pre-release or build suffix would need its own
ordering rules and nothing in the project uses one yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Bump levels, weakest first. "none": nothing a user could notice changed.
LEVELS = ("none", "patch", "minor", "major")
_VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


@dataclass(frozen=True, order=True)
class Version:
    """A release version; compares as semver does (numerically, part by part)."""

    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        """Raise ValueError unless `text` is MAJOR.MINOR.PATCH without leading zeros."""
        match = _VERSION.match(text)
        if not match:
            raise ValueError(
                f"{text!r} is not a version MAJOR.MINOR.PATCH (three numbers without leading "
                "zeros, e.g. 1.0.0)"
            )
        return cls(*(int(part) for part in match.groups()))

    @classmethod
    def is_version(cls, text: str) -> bool:
        return _VERSION.match(text) is not None

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def level(name: str) -> int:
    """The rank of a bump level in LEVELS."""
    return LEVELS.index(name)


def strongest(levels: list[str]) -> str:
    """The strongest of some bump levels ("none" for none)."""
    return max(levels, key=level, default="none")


def bump_between(previous: Version, new: Version) -> str:
    """The bump from `previous` to `new`: "major", "minor" or "patch".

    Raises ValueError when `new` does not go up, or skips the reset that semver asks for (a
    minor release has patch 0; a major release has minor and patch 0).
    """
    if new <= previous:
        raise ValueError(f"{new} does not go up from {previous}: versions only go up")
    if new.major > previous.major:
        bump, expected = "major", Version(new.major, 0, 0)
    elif new.minor > previous.minor:
        bump, expected = "minor", Version(new.major, new.minor, 0)
    else:
        return "patch"
    if new != expected:
        raise ValueError(f"{new}: a {bump} release after {previous} is {expected}")
    return bump
