"""Download one http(s) URL to a file, trusting nothing the server says about itself.

`download(url, dest, ...)` streams the body to `dest` in chunks, counting bytes and hashing
them; it stops as soon as the count passes the size limit, whatever Content-Length said, and
checks that the server sent exactly the bytes its Content-Length declared. Redirects are
followed only within the URL's origin (scheme, host and port). Connect and read timeouts are
separate. Built on http.client, so that the count, the redirects and the timeouts are ours,
not a library's defaults.

Failures: `CannotRun` (exit 2) when the network, the server or the HTTP exchange fails
(`HttpStatus`, a CannotRun, for an error status); `UnsafeRemote` (exit 1) when the server asks
for something refused: another origin, more bytes than the limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from kzdata.pipelines.errors import CannotRun, UnsafeRemote
from kzdata.pipelines.fetch_limits import (
    CONNECT_TIMEOUT,
    MAX_FILE_BYTES,
    MAX_REDIRECTS,
    READ_TIMEOUT,
)
from kzdata.pipelines.version import VERSION

REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}


class HttpStatus(CannotRun):
    """The server answered with an error status (exit 2)."""

    def __init__(self, url: str, status: int, reason: str) -> None:
        self.url = url
        self.status = status
        super().__init__(f"{url}: the server answered HTTP {status} {reason}".rstrip())


@dataclass(frozen=True)
class Transfer:
    """What one download brought: the URL it came from after redirects, its size and hash."""

    final_url: str
    bytes: int
    sha256: str


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the scheme's default port filled in; ValueError if none."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or DEFAULT_PORTS.get(scheme)  # ValueError on a malformed port
    if scheme not in DEFAULT_PORTS or not parts.hostname or port is None:
        raise ValueError(f"not an http(s) URL: {url}")
    return scheme, parts.hostname, port


def download(
    url: str,
    dest: Path,
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    max_bytes: int = MAX_FILE_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> Transfer:
    """GET `url` into the new file `dest` (never overwritten), following same-origin redirects.

    Raises UnsafeRemote for a redirect to another origin or a body past `max_bytes`;
    HttpStatus for an error status; CannotRun for any network or protocol failure.
    """
    start = origin(url)
    current = url
    for _ in range(max_redirects + 1):
        with _response(current, connect_timeout, read_timeout) as response:
            if response.status in REDIRECTS:
                current = _redirect(url, current, response, start)
                continue
            if response.status != 200:
                raise HttpStatus(current, response.status, response.reason)
            size, sha256 = _save(current, response, dest, max_bytes, read_timeout)
            return Transfer(final_url=current, bytes=size, sha256=sha256)
    raise CannotRun(f"{url}: more than {max_redirects} redirects")


def _redirect(
    url: str, current: str, response: http.client.HTTPResponse, start: tuple[str, str, int]
) -> str:
    location = response.getheader("Location")
    if not location:
        raise CannotRun(f"{current}: HTTP {response.status} redirect without a Location")
    target = urljoin(current, location.strip())
    try:
        same = origin(target) == start
    except ValueError:
        same = False
    if not same:
        raise UnsafeRemote(url, f"redirects to {target}, another origin; not followed")
    return target


@contextlib.contextmanager
def _response(
    url: str, connect_timeout: float, read_timeout: float
) -> Iterator[http.client.HTTPResponse]:
    parts = urlsplit(url)
    scheme, host, port = origin(url)
    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = http.client.HTTPSConnection(
            host, port, timeout=connect_timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=connect_timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    phase = "connecting"
    try:
        try:
            connection.connect()
            phase = "waiting for the response"
            connection.sock.settimeout(read_timeout)
            # Connection: close, so the end of the body is also the end of the connection.
            connection.request(
                "GET",
                target,
                headers={"User-Agent": f"kzdata/{VERSION}", "Connection": "close"},
            )
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            timeout = connect_timeout if phase == "connecting" else read_timeout
            raise CannotRun(f"{url}: {network_reason(exc, phase, timeout)}") from None
        yield response
    finally:
        connection.close()


def _save(
    url: str, response: http.client.HTTPResponse, dest: Path, max_bytes: int, timeout: float
) -> tuple[int, str]:
    """Stream the body to `dest`; return its size and sha256."""
    declared = _content_length(url, response)
    if declared is not None and declared > max_bytes:
        raise UnsafeRemote(url, f"declares {declared} bytes, more than the {max_bytes}-byte limit")
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise CannotRun(
            f"{url}: the server sent {encoding}-encoded content, which was not asked for"
        )
    digest = hashlib.sha256()
    size = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        out = os.fdopen(os.open(dest, flags, 0o600), "wb")
    except OSError as exc:
        raise CannotRun(f"{url}: cannot save the download: {exc.strerror}") from None
    with out:
        for chunk in _body(url, response, declared, timeout):
            size += len(chunk)
            if size > max_bytes:
                raise UnsafeRemote(url, f"sends more than the {max_bytes}-byte limit")
            digest.update(chunk)
            try:
                out.write(chunk)
            except OSError as exc:
                raise CannotRun(f"{url}: cannot save the download: {exc.strerror}") from None
    return size, digest.hexdigest()


def _content_length(url: str, response: http.client.HTTPResponse) -> int | None:
    if response.chunked:
        return None  # a chunked body's length is in its chunks
    values = response.headers.get_all("Content-Length") or []
    if not values:
        return None
    if len(set(values)) > 1 or not values[0].strip().isdigit():
        raise CannotRun(f"{url}: the server sent an invalid Content-Length {values!r}")
    return int(values[0])


def _body(
    url: str, response: http.client.HTTPResponse, declared: int | None, timeout: float
) -> Iterator[bytes]:
    """The body in chunks. Read from the socket itself, not through http.client, which stops
    at Content-Length without noticing a server that sends more or less."""
    raw = response.fp
    received = 0
    while True:
        want = CHUNK if declared is None else min(CHUNK, declared - received)
        if want == 0:
            break
        try:
            chunk = response.read(want) if response.chunked else raw.read1(want)
        except (OSError, http.client.HTTPException) as exc:
            raise CannotRun(f"{url}: {network_reason(exc, 'reading the body', timeout)}") from None
        if not chunk:
            break
        received += len(chunk)
        yield chunk
    if declared is not None and received < declared:
        raise CannotRun(
            f"{url}: the server closed the connection after {received} of the {declared} "
            "bytes its Content-Length declares"
        )
    if declared is not None and response.will_close and _more_follows(raw):
        raise CannotRun(
            f"{url}: the server sent more than the {declared} bytes its Content-Length declares"
        )


def _more_follows(raw: object) -> bool:
    """Whether bytes follow the declared body on a connection the server said it would close."""
    try:
        return bool(raw.read1(1))  # type: ignore[attr-defined]
    except (OSError, http.client.HTTPException):
        return False  # a server slow to close has still sent the declared body


def network_reason(exc: BaseException, phase: str, timeout: float) -> str:
    """A failure in words a user can act on."""
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve the host name ({exc.strerror})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return f"timed out {phase} (nothing for {timeout:g} s)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the TLS certificate is not trusted ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason})"
    if isinstance(exc, http.client.IncompleteRead):
        return f"the connection closed while {phase}"
    if isinstance(exc, http.client.HTTPException):
        return f"not a valid HTTP response while {phase} ({type(exc).__name__})"
    return f"network error while {phase} ({getattr(exc, 'strerror', None) or exc})"
