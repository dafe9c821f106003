"""No descriptor value makes kzdata (or frictionless under it) read a file outside the package
or send a request: every place frictionless resolves a string is tried against a real HTTP
server on 127.0.0.1, which must receive nothing, and a file beside the package, whose content
must appear in no output of any format."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from kzdata.cli.main import app

MARKER = "kzdata-marker-3c61f0-never-echoed"
# What the outside file and the server hold: shaped as a field, a schema, a dialect, a resource
# and a package at once, so that frictionless would apply (and echo) it wherever it was read.
CONTENT = json.dumps(
    {
        "name": MARKER,
        "type": "string",
        "title": MARKER,
        "fields": [{"name": MARKER}],
        "header": True,
        "resources": [{"name": MARKER, "path": MARKER + ".csv"}],
    }
)
FORMATS = ("text", "json", "github", "junit", "sarif")


@pytest.fixture
def server() -> Iterator[SimpleNamespace]:
    """An HTTP server on 127.0.0.1 that records every request and answers with the marker."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(f"{self.command} {self.path}")
            body = CONTENT.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_HEAD = do_GET

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{httpd.server_address[1]}", requests=requests)
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def outside(package, monkeypatch):
    """A file beside the package (`../outside.json` from it). The working directory is the
    package folder, as strings inside a schema file are read relative to it."""
    path = package.folder.parent / "outside.json"
    path.write_text(CONTENT, encoding="utf-8")
    monkeypatch.chdir(package.folder)
    return path


def index(descriptor: dict, name: str) -> int:
    return next(i for i, r in enumerate(descriptor["resources"]) if r.get("name") == name)


def schema_file(package, descriptor: dict, extra_fields: list) -> None:
    """Move the events schema to events.schema.json, with `extra_fields` appended."""
    entry = descriptor["resources"][index(descriptor, "events")]
    schema = {**entry["schema"], "fields": [*entry["schema"]["fields"], *extra_fields]}
    (package / "events.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    entry["schema"] = "events.schema.json"


def add_resource(descriptor: dict, resource: dict) -> str:
    descriptor["resources"].append(resource)
    return f"resources[{len(descriptor['resources']) - 1}]"


# Each place: (id, change(descriptor, package, url) -> JSON path, rule, file of the finding).
# The change edits the descriptor (and writes files into the package) and returns the JSON
# path the finding must name.
Change = Callable[[dict, object, str], str]


def fields_entry(local: bool) -> Change:
    def change(d: dict, package: object, url: str) -> str:
        fields = d["resources"][index(d, "events")]["schema"]["fields"]
        fields.append("../outside.json" if local else url + "/field.json")
        return f"resources[{index(d, 'events')}].schema.fields[{len(fields) - 1}]"

    return change


def read_as_v1(change: Change) -> Change:
    """`change` on a descriptor without `$schema`: read as v1, whose profile findings are
    warnings, so frictionless runs on it; only the refusal keeps it from the string."""

    def v1(d: dict, package: object, url: str) -> str:
        del d["$schema"]
        return change(d, package, url)

    return v1


def resource_key(key: str, value: Callable[[str], object], suffix: str = "") -> Change:
    def change(d: dict, package: object, url: str) -> str:
        entry = d["resources"][index(d, "events")]
        if key == "url":
            del entry["path"]
        entry[key] = value(url)
        return f"resources[{index(d, 'events')}].{key}{suffix}"

    return change


def package_key(key: str, value: Callable[[str], object], path: str) -> Change:
    def change(d: dict, package: object, url: str) -> str:
        d[key] = value(url)
        return path

    return change


def in_schema_file(local: bool) -> Change:
    def change(d: dict, package, url: str) -> str:
        extra = "../outside.json" if local else url + "/field.json"
        fields = d["resources"][index(d, "events")]["schema"]["fields"]
        schema_file(package, d, [extra])
        return f"resources[{index(d, 'events')}].schema.fields[{len(fields)}]"

    return change


def symlinked(key: str) -> Change:
    def change(d: dict, package, url: str) -> str:
        os.symlink(package.folder.parent / "outside.json", package / f"events.{key}.json")
        d["resources"][index(d, "events")][key] = f"events.{key}.json"
        return f"resources[{index(d, 'events')}].{key}"

    return change


def untyped_json_file(d: dict, package, url: str) -> str:
    (package / "extra.json").write_text(
        json.dumps({"fields": [url + "/field.json", "../outside.json"]}), encoding="utf-8"
    )
    return add_resource(d, {"name": "extra", "path": "extra.json"}) + ".path"


def inline_descriptor(d: dict, package, url: str) -> str:
    data = {"resources": [{"name": "z", "path": url + "/z.csv"}], "fields": [url + "/f.json"]}
    return add_resource(d, {"name": "extra", "data": data}) + ".data"


def foreign_key_reference(d: dict, package, url: str) -> str:
    i = index(d, "events")
    d["resources"][i]["schema"]["foreignKeys"][0]["reference"] = url + "/reference.json"
    return f"resources[{i}].schema.foreignKeys[0].reference"


PLACES = [
    ("fields-entry-file", fields_entry(local=True), "unsafe-path"),
    ("fields-entry-url", fields_entry(local=False), "unsafe-path"),
    ("fields-entry-file-v1", read_as_v1(fields_entry(local=True)), "unsafe-path"),
    ("fields-entry-url-v1", read_as_v1(fields_entry(local=False)), "unsafe-path"),
    ("schema-url", resource_key("schema", lambda u: u + "/schema.json"), "unsafe-path"),
    ("schema-outside", resource_key("schema", lambda u: "../outside.json"), "unsafe-path"),
    ("dialect-url", resource_key("dialect", lambda u: u + "/dialect.json"), "unsafe-path"),
    ("dialect-outside", resource_key("dialect", lambda u: "../outside.json"), "unsafe-path"),
    ("path-url", resource_key("path", lambda u: u + "/events.csv"), "unsafe-path"),
    (
        "path-list-url",
        resource_key("path", lambda u: ["data/events.csv", u + "/more.csv"], "[1]"),
        "unsafe-path",
    ),
    ("extrapaths-url", resource_key("extrapaths", lambda u: [u + "/x.csv"], "[0]"), "unsafe-path"),
    ("v0-url", resource_key("url", lambda u: u + "/events.csv"), "unsafe-path"),
    ("resource-profile-url", resource_key("profile", lambda u: u + "/p.json"), "unsafe-path"),
    (
        "resource-profiles-url",
        resource_key("profiles", lambda u: [u + "/p.json"], "[0]"),
        "unsafe-path",
    ),
    (
        "package-profile-url",
        package_key("profile", lambda u: u + "/p.json", "profile"),
        "unsafe-path",
    ),
    (
        "package-profile-other-level",
        package_key("profile", lambda u: "data-resource", "profile"),
        "unsafe-path",
    ),
    (
        "package-profiles-url",
        package_key("profiles", lambda u: [u + "/p.json"], "profiles[0]"),
        "unsafe-path",
    ),
    (
        "package-$schema-url",
        package_key("$schema", lambda u: u + "/profile.json", "$schema"),
        "unknown-profile",
    ),
    (
        "resource-$schema-url",
        resource_key("$schema", lambda u: u + "/profile.json"),
        "unknown-profile",
    ),
    ("resources-entry-url", lambda d, p, u: add_resource(d, u + "/r.json"), "unsafe-path"),
    ("resources-entry-file", lambda d, p, u: add_resource(d, "../outside.json"), "unsafe-path"),
    ("untyped-json-resource", untyped_json_file, "unsafe-path"),
    ("inline-descriptor-data", inline_descriptor, "unsafe-path"),
    ("schema-file-fields-entry-file", in_schema_file(local=True), "unsafe-path"),
    ("schema-file-fields-entry-url", in_schema_file(local=False), "unsafe-path"),
    (
        "schema-file-fields-entry-url-v1",
        read_as_v1(in_schema_file(local=False)),
        "unsafe-path",
    ),
    ("schema-symlink-outside", symlinked("schema"), "unsafe-path"),
    ("dialect-symlink-outside", symlinked("dialect"), "unsafe-path"),
    # Not resolved by frictionless, but a string where an object belongs: the profile says so,
    # and frictionless never sees it.
    ("foreign-key-reference-url", foreign_key_reference, "profile-error"),
]


def run_every_format(runner, package) -> dict[str, object]:
    results = {}
    for output_format in FORMATS:
        result = runner.invoke(app, ["validate", str(package), "--format", output_format])
        results[output_format] = result
    return results


@pytest.mark.parametrize(("change", "rule"), [p[1:] for p in PLACES], ids=[p[0] for p in PLACES])
def test_no_place_reads_outside_the_package(runner, package, outside, server, change, rule):
    descriptor = package.read_descriptor()
    where = change(descriptor, package, server.url)
    package.write_descriptor(descriptor)

    results = run_every_format(runner, package)

    assert server.requests == []
    for output_format, result in results.items():
        assert result.exit_code == 1, (output_format, result.output)
        assert MARKER not in result.stdout + result.stderr, output_format
        assert "Traceback" not in result.output
    findings = json.loads(results["json"].stdout)["findings"]
    assert any(f["rule"] == rule and f["message"].startswith(f"{where}: ") for f in findings), (
        where,
        findings,
    )


def test_the_finding_names_the_resource_and_the_file_it_is_in(runner, package, outside, server):
    descriptor = package.read_descriptor()
    schema_file(package, descriptor, [server.url + "/field.json"])
    package.write_descriptor(descriptor)
    result = runner.invoke(app, ["validate", str(package), "-f", "json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["layers"] == ["frictionless"]  # nothing else ran
    [finding] = report["findings"]
    assert finding["rule"] == "unsafe-path" and finding["resource"] == "events"
    assert finding["path"] == "events.schema.json"
    assert finding["value"] == server.url + "/field.json"


def test_a_name_frictionless_looks_up_reaches_nothing(runner, package, outside, server):
    # A foreign key's reference.resource is a resource name, never a file or an address.
    descriptor = package.read_descriptor()
    reference = descriptor["resources"][index(descriptor, "events")]["schema"]["foreignKeys"][0]
    reference["reference"]["resource"] = server.url + "/sources.json"
    package.write_descriptor(descriptor)
    for output_format, result in run_every_format(runner, package).items():
        assert result.exit_code == 1, output_format
        assert MARKER not in result.stdout + result.stderr
    assert server.requests == []


def test_schema_and_dialect_files_inside_the_package_are_read(runner, package):
    descriptor = package.read_descriptor()
    entry = descriptor["resources"][index(descriptor, "events")]
    (package / "meta").mkdir()
    for key in ("schema", "dialect"):
        (package / "meta" / f"{key}.json").write_text(json.dumps(entry[key]), encoding="utf-8")
        entry[key] = f"meta/{key}.json"
    package.write_descriptor(descriptor)
    result = runner.invoke(app, ["validate", str(package), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"] == []


def test_a_schema_file_read_as_checked_is_what_the_layers_use(runner, package):
    # The layers get the schema as it was read when the target was opened: a broken cell is
    # found by both, against the file's rules.
    descriptor = package.read_descriptor()
    entry = descriptor["resources"][index(descriptor, "events")]
    (package / "events.schema.json").write_text(json.dumps(entry["schema"]), encoding="utf-8")
    entry["schema"] = "events.schema.json"
    package.write_descriptor(descriptor)
    package.set_cell("events", 2, "date_precision", "week")
    result = runner.invoke(app, ["validate", str(package), "-f", "json"])
    found = {(f["layer"], f["field"]) for f in json.loads(result.stdout)["findings"]}
    assert result.exit_code == 1
    assert {("frictionless", "date_precision"), ("pandera", "date_precision")} <= found


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (None, "descriptor-error"),  # no such file
        ("{not json", "descriptor-error"),
        ('["a list"]', "descriptor-error"),
        ("[" * 100 + "]" * 100, "descriptor-too-deep"),
    ],
    ids=["missing", "malformed", "not-an-object", "too-deep"],
)
def test_a_schema_file_that_cannot_be_read_is_refused(runner, package, content, rule):
    descriptor = package.read_descriptor()
    descriptor["resources"][index(descriptor, "events")]["schema"] = "events.schema.json"
    package.write_descriptor(descriptor)
    if content is not None:
        (package / "events.schema.json").write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(package), "-f", "json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["layers"] == ["frictionless"]
    [finding] = report["findings"]
    assert finding["rule"] == rule and finding["path"] == "events.schema.json"
    assert (finding["resource"], finding["field"]) == ("events", "schema")
    assert finding["message"].startswith(f"resources[{index(descriptor, 'events')}].schema: ")


def test_a_resource_with_a_type_may_be_json(package):
    # Typed, a JSON resource is data: only an untyped one is read as a descriptor.
    from kzdata.pipelines.target import open_target

    (package / "extra.json").write_text('[["id"], ["a"]]', encoding="utf-8")
    descriptor = package.read_descriptor()
    extra = {"name": "extra", "path": "extra.json", "format": "json"}
    descriptor["resources"].append(extra)
    package.write_descriptor(descriptor)
    assert [f.rule for f in open_target(package.folder).findings] == ["unsafe-path"]
    extra["type"] = "table"
    package.write_descriptor(descriptor)
    assert open_target(package.folder).findings == []


def test_frictionless_is_asked_where_it_resolves_sub_descriptors():
    # The walk follows frictionless's own model; if a version adds a place, this shows it.
    from frictionless import Package, Resource, Schema

    from kzdata.pipelines.descriptor_refs import _sub_descriptors

    assert set(_sub_descriptors(Package)) == {"resources"}
    assert set(_sub_descriptors(Resource)) == {"schema", "dialect"}
    assert set(_sub_descriptors(Schema)) == {"fields"}


@pytest.mark.parametrize("key", ["path", "schema", "dialect"])
def test_a_symbolic_link_loop_is_refused_not_a_crash(runner, package, key):
    os.symlink("loop-b", package / "loop-a")
    os.symlink("loop-a", package / "loop-b")
    descriptor = package.read_descriptor()
    descriptor["resources"][index(descriptor, "events")][key] = "loop-a"
    package.write_descriptor(descriptor)
    result = runner.invoke(app, ["validate", str(package), "-f", "json"])
    [finding] = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1, result.output
    assert finding["rule"] == "unsafe-path" and "loop" in finding["message"]


@pytest.mark.parametrize("value", [["a", "list"], {"an": "object"}, 2])
@pytest.mark.parametrize("level", ["package", "resource"])
def test_a_schema_that_is_not_a_string_is_an_unknown_profile(runner, package, level, value):
    descriptor = package.read_descriptor()
    owner = descriptor if level == "package" else descriptor["resources"][0]
    owner["$schema"] = value
    package.write_descriptor(descriptor)
    result = runner.invoke(app, ["validate", str(package), "-f", "json"])
    assert result.exit_code == 1, result.output
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["unknown-profile"]
