"""CITATION.cff (Citation File Format 1.2.0) of a release, from its descriptor alone.

Nothing is invented: a value the descriptor does not give is left out, never filled in.
Authors are the contributors whose role is creator or author (all contributors when none
has such a role); a contributor with a family name is a person, any other an entity named
by its title.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from kzdata.pipelines.errors import InvalidPackage

NAME = "CITATION.cff"
AUTHOR_ROLES = {"creator", "author"}
# CFF's `license` takes SPDX identifiers only; a licence named otherwise is left out.
_SPDX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")


def render(descriptor: dict[str, Any], version: str, date: str) -> bytes:
    """The CITATION.cff text of a release `version` made on `date` (YYYY-MM-DD)."""
    title = descriptor.get("title") or descriptor.get("name")
    authors = [_author(c) for c in _authors(descriptor.get("contributors") or [])]
    if not title or not authors:
        raise InvalidPackage(
            "a release is cited by its title and authors: the descriptor needs a title (or "
            "name) and at least one contributor with a title"
        )
    cff: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": title,
        "version": version,
        "date-released": date,
        "authors": authors,
    }
    if isinstance(descriptor.get("description"), str):
        cff["abstract"] = descriptor["description"]
    if keywords := [k for k in descriptor.get("keywords") or [] if isinstance(k, str)]:
        cff["keywords"] = keywords
    licences = [
        lic["name"]
        for lic in descriptor.get("licenses") or []
        if isinstance(lic, dict) and isinstance(lic.get("name"), str) and _SPDX.match(lic["name"])
    ]
    if licences:
        cff["license"] = licences[0] if len(licences) == 1 else licences
    for key, cff_key in (("homepage", "url"), ("repository", "repository")):
        if isinstance(descriptor.get(key), str) and descriptor[key]:
            cff[cff_key] = descriptor[key]
    text = yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")


def _authors(contributors: list[Any]) -> list[dict[str, Any]]:
    named = [c for c in contributors if isinstance(c, dict) and (c.get("title") or _person(c))]
    creators = [c for c in named if AUTHOR_ROLES & set(c.get("roles") or [])]
    return creators or named


def _person(c: dict[str, Any]) -> bool:
    return isinstance(c.get("familyName"), str) and bool(c["familyName"])


def _author(c: dict[str, Any]) -> dict[str, Any]:
    if _person(c):
        author = {"family-names": c["familyName"]}
        if c.get("givenName"):
            author["given-names"] = c["givenName"]
        if c.get("organization"):
            author["affiliation"] = c["organization"]
    else:
        author = {"name": c["title"]}
    if c.get("email"):
        author["email"] = c["email"]
    if c.get("path"):
        author["website"] = c["path"]
    return author
