"""The limits on what a remote or zipped package may make kzdata fetch and unpack, each
overridable from `kzdata validate`, and the check of a path's name segments both make. Named
here once, in a module that imports nothing, so that the command line can show them as
defaults without loading the network and archive code."""

# Fetching a package over HTTP(S).
CONNECT_TIMEOUT = 30.0  # seconds to open the connection (and the TLS handshake)
READ_TIMEOUT = 30.0  # seconds to wait for any one read from the server
MAX_FILE_BYTES = 2 * 1024**3  # bytes of one file (2 GiB)
MAX_REDIRECTS = 5  # same-origin redirects followed for one file
MAX_FILES = 10_000  # files one descriptor may make kzdata fetch, like a zip's members
MAX_DESCRIPTOR_BYTES = 64 * 1024**2  # a descriptor is parsed in memory, so it is kept small

# Unpacking a zipped package.
MAX_MEMBERS = 10_000  # entries in the central directory, folders included
MAX_BYTES = 2 * 1024**3  # uncompressed bytes of all members together (2 GiB)
MAX_RATIO = 200  # uncompressed size / compressed size of any one member

# Either way, a file's path is refused where a part of it is longer than this.
MAX_SEGMENT_BYTES = 255  # the longest file name most file systems accept


def segment_too_long(segments: list[str]) -> str | None:
    """Why a path of these name segments is refused for their length; None if it is not."""
    if any(len(s.encode("utf-8")) > MAX_SEGMENT_BYTES for s in segments):
        return f"has a name segment longer than {MAX_SEGMENT_BYTES} bytes"
    return None
