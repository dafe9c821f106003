"""Versions compare as semver, only go up, and reset the lower numbers on a bigger bump."""

from __future__ import annotations

import pytest

from kzdata.pipelines.semver import Version, bump_between, strongest


def v(text: str) -> Version:
    return Version.parse(text)


def test_versions_compare_numerically_not_as_text() -> None:
    assert v("1.10.0") > v("1.9.0") > v("1.0.10") > v("1.0.9")
    assert sorted([v("2.0.0"), v("0.10.1"), v("0.9.9")]) == [v("0.9.9"), v("0.10.1"), v("2.0.0")]
    assert str(v("10.0.3")) == "10.0.3"


@pytest.mark.parametrize("text", ["1.0", "1.0.0.0", "v1.0.0", "01.0.0", "1.0.0-rc.1", "", "a.b.c"])
def test_only_plain_versions_are_released(text: str) -> None:
    with pytest.raises(ValueError, match=r"MAJOR\.MINOR\.PATCH"):
        v(text)


@pytest.mark.parametrize(
    ("previous", "new", "bump"),
    [
        ("1.0.0", "1.0.1", "patch"),
        ("1.0.0", "1.0.5", "patch"),  # skipping numbers is allowed
        ("1.0.3", "1.1.0", "minor"),
        ("1.4.3", "2.0.0", "major"),
        ("0.1.0", "1.0.0", "major"),
    ],
)
def test_the_bump_between_two_versions(previous: str, new: str, bump: str) -> None:
    assert bump_between(v(previous), v(new)) == bump


@pytest.mark.parametrize(
    ("previous", "new", "message"),
    [
        ("1.1.0", "1.1.0", "does not go up"),
        ("1.1.0", "1.0.9", "does not go up"),
        ("2.0.0", "1.9.9", "does not go up"),
        ("1.0.3", "1.1.3", "a minor release after 1.0.3 is 1.1.0"),
        ("1.2.3", "2.2.3", "a major release after 1.2.3 is 2.0.0"),
    ],
)
def test_a_version_that_does_not_go_up_or_reset_is_refused(
    previous: str, new: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        bump_between(v(previous), v(new))


def test_the_strongest_bump() -> None:
    assert strongest(["patch", "major", "minor"]) == "major"
    assert strongest([]) == "none"
