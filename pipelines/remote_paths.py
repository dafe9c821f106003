"""Which files a downloaded descriptor may make kzdata fetch, and where each is saved.

A remote package names its files relative to its descriptor, so they are fetched from below
the descriptor's folder on the descriptor's origin and saved with the same relative layout.
Anything else is refused, never repaired: other schemes, absolute paths, `..` (also encoded as
`%2e%2e`), backslashes, NUL and control characters. An absolute http(s) URL is fetched when it
lies below the descriptor's folder on the same origin; on another origin or outside that
folder only when remote hosts are allowed, into `_remote/<host>_<port>/...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

from kzdata.pipelines.fetch_limits import segment_too_long
from kzdata.pipelines.remote_http import origin

REMOTE_FOLDER = "_remote"  # where files from other hosts go, when they are allowed
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class Refused(ValueError):
    """A path the descriptor names and kzdata will not fetch; the message says why."""


@dataclass(frozen=True)
class Planned:
    """A file to fetch: from `url`, saved at `local` (relative to the package folder).
    `rewrite`: the descriptor named it by absolute URL, so its local copy must name `local`."""

    url: str
    local: str
    rewrite: bool


def plan(value: str, descriptor_url: str, allow_remote_hosts: bool = False) -> Planned:
    """Where to fetch the descriptor path `value` from and where to save it; Refused if unsafe."""
    for form in (value, unquote(value)):
        if reason := _text_problem(form):
            raise Refused(reason)
    if match := _SCHEME.match(value):
        scheme = match.group(0)[:-1].lower()
        if scheme in ("http", "https"):
            return _absolute(value, descriptor_url, allow_remote_hosts)
        raise Refused(
            f"uses the '{scheme}:' scheme (or a drive letter); only relative paths and "
            "http(s) URLs are fetched"
        )
    if value.startswith("/") or unquote(value).startswith("/"):
        raise Refused("is an absolute path; paths are relative to the descriptor's folder")
    for form in (value, unquote(value)):
        if reason := _segments_problem(form):
            raise Refused(reason)
    # A descriptor path is a file path, not a URL: '%', '?' and '#' are part of the name.
    url = urljoin(descriptor_url, quote(value))
    if not _below(url, descriptor_url):  # guards the checks above
        raise Refused("resolves outside the descriptor's folder")
    return Planned(url=url, local=str(PurePosixPath(value)), rewrite=False)


def _absolute(value: str, descriptor_url: str, allow_remote_hosts: bool) -> Planned:
    url = urldefrag(value).url
    try:
        scheme, host, port = origin(url)
    except ValueError:
        raise Refused("is not a valid http(s) URL") from None
    path = urlsplit(url).path or "/"
    for form in (path, unquote(path)):
        if {".", ".."} & set(form.split("/")):
            raise Refused("has '.' or '..' segments (also encoded as %2e)")
    if _below(url, descriptor_url):
        local = unquote(path[len(_folder(descriptor_url)) :])
    elif allow_remote_hosts:
        local = f"{REMOTE_FOLDER}/{host}_{port}/{unquote(path).lstrip('/')}"
    else:
        where = (
            "on another origin"
            if (scheme, host, port) != origin(descriptor_url)
            else "outside the descriptor's folder"
        )
        raise Refused(f"is {where}; fetched only when remote hosts are allowed")
    if reason := _segments_problem(local):
        raise Refused(reason)
    return Planned(url=url, local=local, rewrite=True)


def _text_problem(text: str) -> str | None:
    if not text:
        return "is empty"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return "has a NUL or control character (also encoded, as %00)"
    if "\\" in text:
        return "has a backslash (also encoded, as %5c)"
    return None


def _segments_problem(path: str) -> str | None:
    segments = path.split("/")
    if ".." in segments:
        return "climbs out of the package's folder with '..' (also encoded, as %2e%2e)"
    if path.endswith("/"):
        return "names a folder, not a file"
    if "" in segments:
        return "has an empty segment ('//')"
    return segment_too_long(segments)


def _folder(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path[: path.rfind("/") + 1]


def _below(url: str, descriptor_url: str) -> bool:
    """Whether `url` is a file below the descriptor's folder on the descriptor's origin."""
    try:
        same = origin(url) == origin(descriptor_url)
    except ValueError:
        return False
    path, folder = urlsplit(url).path, _folder(descriptor_url)
    return same and path.startswith(folder) and len(path) > len(folder)
