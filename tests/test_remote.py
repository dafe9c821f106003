"""A package fetched over HTTP from real servers on 127.0.0.1: by descriptor, folder or zip URL;
servers that stall, lie about Content-Length or redirect elsewhere, and descriptors that point
elsewhere, are refused with the URL named, and no request reaches a host it should not."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import zipfile
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from kzdata.pipelines.errors import CannotRun
from kzdata.pipelines.remote import FetchOptions, UnsafeRemote, fetched, is_url
from kzdata.pipelines.remote_paths import plan
from kzdata.pipelines.safe_zip import UnsafeArchive

SHIPPED = Path(__file__).resolve().parents[1] / "datapackage"
Route = Callable[[SimpleHTTPRequestHandler], None]


def package_tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# Every temporary folder is made in one place, and none may be left behind.
pytestmark = pytest.mark.usefixtures("private_temp")


@pytest.fixture
def site(tmp_path: Path, serve):
    """Serves a copy of datapackage/ at /pkg/, and a file outside it at /secret.csv."""
    root = tmp_path / "site"
    shutil.copytree(SHIPPED, root / "pkg")
    (root / "secret.csv").write_text("secret\n")
    return serve(root)


@pytest.fixture
def other(tmp_path: Path, serve):
    """Another origin (another port), serving the same package."""
    root = tmp_path / "other"
    shutil.copytree(SHIPPED, root / "pkg")
    return serve(root)


def edit_descriptor(site, edit: Callable[[dict], None]) -> None:
    path = site.root / "pkg" / "datapackage.json"
    descriptor = json.loads(path.read_text())
    edit(descriptor)
    path.write_text(json.dumps(descriptor))


def resource_paths() -> list[str]:
    descriptor = json.loads((SHIPPED / "datapackage.json").read_text())
    return [r["path"] for r in descriptor["resources"]]


def zip_of_package(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(SHIPPED.rglob("*")):
            if file.is_file():
                archive.write(file, f"kzdata/{file.relative_to(SHIPPED)}")
    return path


# Fetching a package ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "first"),
    [
        ("pkg/datapackage.json", []),
        ("pkg/", []),
        ("pkg", ["/pkg", "/pkg/"]),  # redirected to the folder, whose descriptor is fetched
    ],
)
def test_a_package_is_fetched_by_descriptor_or_folder_url(site, where, first) -> None:
    with fetched(site.url + where) as package:
        assert package_tree(package.folder) == package_tree(SHIPPED)
        kept = package.folder
        by_path = {d.path: d for d in package.downloads}
        assert set(by_path) == {"datapackage.json", *resource_paths()}
        for path, download in by_path.items():
            content = (SHIPPED / path).read_bytes()
            assert download.bytes == len(content)
            assert download.sha256 == hashlib.sha256(content).hexdigest()
        assert package.missing == [] and package.rewritten == {}
    assert not kept.exists()
    assert site.requests[: len(first) + 1] == [*first, "/pkg/datapackage.json"]
    assert sorted(site.requests[len(first) + 1 :]) == sorted(f"/pkg/{p}" for p in resource_paths())


def test_a_descriptor_under_another_name_is_saved_as_datapackage_json(site) -> None:
    shutil.copy(site.root / "pkg" / "datapackage.json", site.root / "pkg" / "v1.json")
    with fetched(site.url + "pkg/v1.json") as package:
        assert package_tree(package.folder) == package_tree(SHIPPED)
        assert package.downloads[0].url == site.url + "pkg/v1.json"


@pytest.mark.parametrize("name", ["pkg.zip", "download/latest"])
def test_a_package_zip_is_fetched_and_unpacked(site, name) -> None:
    (site.root / "download").mkdir()
    zip_of_package(site.root / name)
    with fetched(site.url + name) as package:
        assert package_tree(package.folder) == package_tree(SHIPPED)
        [archive] = package.downloads
        assert archive.kind == "archive" and archive.path is None
        assert archive.sha256 == hashlib.sha256((site.root / name).read_bytes()).hexdigest()
    assert site.requests == [f"/{name}"]


def test_a_hostile_zip_over_http_is_refused(site) -> None:
    with zipfile.ZipFile(site.root / "evil.zip", "w") as archive:
        archive.writestr("datapackage.json", "{}")
        archive.writestr("../evil.csv", "x")
    with pytest.raises(UnsafeArchive) as caught, fetched(site.url + "evil.zip"):
        pytest.fail("accepted")
    assert caught.value.exit_code == 1 and caught.value.member == "../evil.csv"
    assert site.url + "evil.zip" in str(caught.value)


def test_the_folder_is_removed_when_the_block_raises(site) -> None:
    with pytest.raises(RuntimeError), fetched(site.url + "pkg/") as package:
        kept = package.folder
        raise RuntimeError("boom")
    assert not kept.exists()


def test_a_missing_resource_is_listed_and_left_to_the_validator(site) -> None:
    (site.root / "pkg" / "data" / "events.csv").unlink()
    with fetched(site.url + "pkg/") as package:
        assert [(m.path, m.status) for m in package.missing] == [("data/events.csv", 404)]
        assert not (package.folder / "data" / "events.csv").exists()
        assert (package.folder / "data" / "sources.csv").is_file()


@pytest.mark.parametrize("text", ["{not json", "[" * 100_000, '{"resources": {}}'])
def test_a_malformed_descriptor_is_kept_for_the_validator(site, text) -> None:
    (site.root / "pkg" / "datapackage.json").write_text(text)
    with fetched(site.url + "pkg/") as package:
        assert (package.folder / "datapackage.json").read_text() == text
    assert site.requests == ["/pkg/datapackage.json"]


def test_urls_are_told_from_paths() -> None:
    assert is_url("https://example.org/x/") and is_url("ftp://example.org/x")
    assert not is_url("datapackage/") and not is_url("C:\\data\\datapackage.json")


# The network and the server fail -----------------------------------------------------------


def cannot_run(url: str, **options) -> CannotRun:
    with pytest.raises(CannotRun) as caught, fetched(url, FetchOptions(**options)):
        pytest.fail("fetched")
    assert caught.value.exit_code == 2 and "Traceback" not in str(caught.value)
    return caught.value


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/pkg/", "file:///etc/passwd", "pkg/"])
def test_only_http_and_https_urls_are_fetched(url) -> None:
    assert "only http:// and https:// URLs" in str(cannot_run(url))


def test_a_url_without_a_valid_host_and_port_cannot_run() -> None:
    assert "not a valid URL" in str(cannot_run("http://127.0.0.1:99999/pkg/"))
    assert "not a valid URL" in str(cannot_run("https:///pkg/"))
    assert "control characters" in str(cannot_run("http://127.0.0.1/p\tkg/"))


def test_a_404_on_the_descriptor_cannot_run(site) -> None:
    error = cannot_run(site.url + "nothing/datapackage.json")
    assert "HTTP 404" in str(error) and site.url + "nothing/datapackage.json" in str(error)


def test_a_server_error_on_a_resource_cannot_run(site) -> None:
    site.routes["/pkg/data/events.csv"] = lambda h: h.send_error(503)
    assert "HTTP 503" in str(cannot_run(site.url + "pkg/"))


def test_a_refused_connection_cannot_run() -> None:
    with socket.socket() as bound:  # bound, not listening: connecting is refused
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/pkg/"
        error = cannot_run(url)
    assert "connection refused" in str(error) and url in str(error)


def stall(before_body: bytes | None) -> Route:
    """Send headers (and `before_body`), or nothing at all, then wait."""

    def route(handler: SimpleHTTPRequestHandler) -> None:
        if before_body is not None:
            handler.send_response(200)
            handler.send_header("Content-Length", "1000")
            handler.end_headers()
            handler.wfile.write(before_body)
            handler.wfile.flush()
        handler.site.release.wait(30)

    return route


@pytest.mark.parametrize(
    ("before_body", "phase"), [(None, "waiting for the response"), (b"{", "reading the body")]
)
def test_a_stalled_server_times_out(site, before_body, phase) -> None:
    site.routes["/slow/datapackage.json"] = stall(before_body)
    error = cannot_run(site.url + "slow/datapackage.json", read_timeout=0.5)
    assert f"timed out {phase} (nothing for 0.5 s)" in str(error)


def lying(declared: int, sent: int) -> Route:
    def route(handler: SimpleHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(b"x" * sent)

    return route


def test_a_server_sending_more_than_its_content_length_is_caught(site) -> None:
    site.routes["/pkg/datapackage.json"] = lying(declared=10, sent=100)
    assert "sent more than the 10 bytes its Content-Length" in str(cannot_run(site.url + "pkg/"))


def test_a_server_sending_less_than_its_content_length_is_caught(site) -> None:
    site.routes["/pkg/datapackage.json"] = lying(declared=1000, sent=100)
    error = cannot_run(site.url + "pkg/")
    assert "closed the connection after 100 of the 1000 bytes" in str(error)


def test_a_content_encoding_not_asked_for_cannot_run(site) -> None:
    def gzip(handler: SimpleHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"{}")

    site.routes["/pkg/datapackage.json"] = gzip
    assert "gzip-encoded" in str(cannot_run(site.url + "pkg/"))


def redirect(location: str) -> Route:
    def route(handler: SimpleHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def test_a_redirect_loop_cannot_run(site) -> None:
    site.routes["/loop"] = redirect("/loop")
    assert "more than 5 redirects" in str(cannot_run(site.url + "loop"))
    assert site.requests == ["/loop"] * 6


# Refused: other origins, paths out of the package, sizes ----------------------------------


def refused(url: str, **options) -> UnsafeRemote:
    with pytest.raises(UnsafeRemote) as caught, fetched(url, FetchOptions(**options)):
        pytest.fail("fetched")
    assert caught.value.exit_code == 1
    return caught.value


def test_a_same_origin_redirect_is_followed(site) -> None:
    site.routes["/latest/datapackage.json"] = redirect("/pkg/datapackage.json")
    with fetched(site.url + "latest/datapackage.json") as package:
        assert package.downloads[0].final_url == site.url + "pkg/datapackage.json"
        assert package_tree(package.folder) == package_tree(SHIPPED)


@pytest.mark.parametrize("host", ["127.0.0.1:{other}", "localhost:{site}"])
def test_a_redirect_to_another_origin_is_refused(site, other, host) -> None:
    target = f"http://{host.format(other=other.port, site=site.port)}/pkg/datapackage.json"
    site.routes["/pkg/datapackage.json"] = redirect(target)
    error = refused(site.url + "pkg/")
    assert f"redirects to {target}, another origin" in str(error)
    assert other.requests == [] and site.requests == ["/pkg/datapackage.json"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../secret.csv", "climbs out"),
        ("%2e%2e/secret.csv", "climbs out"),
        ("data/..%2F..%2Fsecret.csv", "climbs out"),
        ("data\\..\\..\\secret.csv", "backslash"),
        ("/secret.csv", "absolute path"),
        ("file:///etc/passwd", "'file:' scheme"),
        ("C:/secret.csv", "'c:' scheme (or a drive letter)"),
        ("data/%00.csv", "NUL"),
        ("{site}secret.csv", "outside the descriptor's folder"),
        ("{other}pkg/data/sources.csv", "on another origin"),
        ("data/" + "é" * 128 + ".csv", "longer than 255 bytes"),
    ],
)
def test_a_resource_path_out_of_the_package_is_refused_before_any_fetch(
    site, other, path, reason
) -> None:
    path = path.format(site=site.url, other=other.url)

    def point(descriptor: dict) -> None:
        descriptor["resources"][0]["path"] = path

    edit_descriptor(site, point)
    error = refused(site.url + "pkg/")
    assert reason in str(error) and repr(path) in str(error) and "resource 'sources'" in str(error)
    assert site.requests == ["/pkg/datapackage.json"] and other.requests == []


def test_every_refused_path_is_named(site) -> None:
    def point(descriptor: dict) -> None:
        descriptor["resources"][0]["path"] = ["data/sources.csv", "../a.csv"]
        descriptor["resources"][1]["schema"] = "/etc/schema.json"

    edit_descriptor(site, point)
    error = refused(site.url + "pkg/")
    assert len(error.reasons) == 2
    assert "path[1] '../a.csv'" in str(error) and "schema '/etc/schema.json'" in str(error)


def test_remote_hosts_are_fetched_only_when_allowed(site, other) -> None:
    url = other.url + "pkg/data/sources.csv"

    def point(descriptor: dict) -> None:
        descriptor["resources"][0]["path"] = url

    edit_descriptor(site, point)
    with fetched(site.url + "pkg/", FetchOptions(allow_remote_hosts=True)) as package:
        local = f"_remote/127.0.0.1_{other.port}/pkg/data/sources.csv"
        assert package.rewritten == {url: local}
        copy = json.loads((package.folder / "datapackage.json").read_text())
        assert copy["resources"][0]["path"] == local
        assert (package.folder / local).read_bytes() == (SHIPPED / "data/sources.csv").read_bytes()
    assert other.requests == ["/pkg/data/sources.csv"]


def test_an_absolute_url_inside_the_package_is_fetched_and_named_locally(site) -> None:
    def point(descriptor: dict) -> None:
        descriptor["resources"][0]["path"] = site.url + "pkg/data/sources.csv"

    edit_descriptor(site, point)
    with fetched(site.url + "pkg/") as package:
        copy = json.loads((package.folder / "datapackage.json").read_text())
        assert copy["resources"][0]["path"] == "data/sources.csv"
        assert package_tree(package.folder).keys() == package_tree(SHIPPED).keys()


def test_a_file_past_the_size_limit_is_refused(site) -> None:
    error = refused(site.url + "pkg/", max_bytes=100)
    assert "more than the 100-byte limit" in str(error)


def test_a_body_without_content_length_is_counted(site) -> None:
    def endless(handler: SimpleHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"x" * 1000)

    site.routes["/pkg/datapackage.json"] = endless
    assert "sends more than the 5000-byte limit" in str(refused(site.url + "pkg/", max_bytes=5000))


def test_a_descriptor_past_its_own_limit_is_refused(site) -> None:
    error = refused(site.url + "pkg/", max_descriptor_bytes=100)
    assert "more than the 100-byte limit" in str(error) and "descriptor" in str(error)
    assert site.requests == ["/pkg/datapackage.json"]


def test_more_files_than_the_limit_are_refused_before_any_fetch(site) -> None:
    assert "more than 3 files" in str(refused(site.url + "pkg/", max_files=3))
    assert site.requests == ["/pkg/datapackage.json"]


def test_two_urls_saved_as_one_file_are_refused(site) -> None:
    def point(descriptor: dict) -> None:
        descriptor["resources"][1]["path"] = site.url + "pkg/data/sources.csv?v=2"

    edit_descriptor(site, point)
    assert "would be saved as 'data/sources.csv'" in str(refused(site.url + "pkg/"))


@pytest.mark.parametrize(
    ("path", "url", "local"),
    [
        ("data/a.csv", "pkg/data/a.csv", "data/a.csv"),
        ("./data/a.csv", "pkg/data/a.csv", "data/a.csv"),
        ("data/my file.csv", "pkg/data/my%20file.csv", "data/my file.csv"),
        ("data/100%.csv", "pkg/data/100%25.csv", "data/100%.csv"),
        ("data/a.csv#x", "pkg/data/a.csv%23x", "data/a.csv#x"),
    ],
)
def test_a_descriptor_path_is_a_file_name_not_a_url(path, url, local) -> None:
    planned = plan(path, "https://example.org/pkg/datapackage.json")
    assert (planned.url, planned.local, planned.rewrite) == (
        "https://example.org/" + url,
        local,
        False,
    )
