"""kzdata release as a maintainer meets it: a history of releases of a copy of the shipped
package, the bump rules enforced against the previous release, the layout of a release
folder, and refusals that leave the history exactly as it was."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

import kzdata
from kzdata.cli.main import app
from kzdata.pipelines.verify import verify

MERCENARISM = "kz_cases_opened_mercenarism_2025"
ADDED = "kz_cases_opened_2023_added"


def tree(folder: Path) -> dict[str, str]:
    """Every entry under `folder` (hidden ones too): a file's sha256, or 'dir'."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): "dir"
        if p.is_dir()
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
    }


def edit_observation(seeds: Path, observation: str, **values: str) -> None:
    path = seeds / "codebook.yaml"
    codebook = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(o for o in codebook["observations"] if o["id"] == observation)
    entry.update(values)
    path.write_text(yaml.safe_dump(codebook, sort_keys=False, allow_unicode=True), "utf-8")


def add_fact(seeds: Path) -> None:
    """A new fact from a new citation-only source (a test's, not a real one)."""
    path = seeds / "codebook.yaml"
    codebook = yaml.safe_load(path.read_text(encoding="utf-8"))
    codebook["observations"].append(
        {
            "id": ADDED,
            "indicator": "criminal_cases_opened",
            "geography": "KZ",
            "period_start": "2023",
            "period_end": "2023",
            "as_of": "2023-04",
            "primary_citation": "test_added_10",
        }
    )
    path.write_text(yaml.safe_dump(codebook, sort_keys=False, allow_unicode=True), "utf-8")
    source = {
        "id": "test_added",
        "title": "A citation-only source added by a test",
        "language": "en",
        "citations": [{"id": "test_added_10", "observation": ADDED, "stated_value": "10"}],
    }
    (seeds / "sources" / "zz_test_added.yaml").write_text(yaml.safe_dump(source), "utf-8")


def release(runner, version: str, package: Path, to: Path, *args: str, ok: bool = True):
    result = runner.invoke(
        app, ["release", version, "--package", str(package), "--to", str(to), *args]
    )
    assert "Traceback" not in result.output
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def history(runner, seeds, tmp_path) -> Path:
    """A history holding 1.0.0 of a package built from a copy of the seeds (tmp/pkg)."""
    kzdata.build(seeds, tmp_path / "pkg")
    to = tmp_path / "releases"
    release(runner, "1.0.0", tmp_path / "pkg", to, "--created", "2026-11-25T10:00:00Z")
    return to


def test_a_maintainers_history_of_releases(runner, seeds, tmp_path, history) -> None:
    package = tmp_path / "pkg"
    # A corrected value is a patch: 1.0.1 is accepted; nothing needs a major.
    edit_observation(seeds, MERCENARISM, as_of="2025-12-25")
    kzdata.build(seeds, package)
    release(runner, "1.0.1", package, history, "--created", "2026-11-26T10:00:00Z")
    # A new fact is minor: 1.0.2 is too small a bump, 1.1.0 passes.
    add_fact(seeds)
    kzdata.build(seeds, package)
    before = tree(history)
    refused = release(runner, "1.0.2", package, history, ok=False)
    assert refused.exit_code == 1
    assert "need a minor release (1.1.0)" in refused.stderr
    assert f"[minor] observations: row {ADDED} added" in refused.stderr
    assert tree(history) == before
    release(runner, "1.1.0", package, history, "--created", "2026-11-27T10:00:00Z")

    result = runner.invoke(
        app, ["diff", str(history / "1.0.0"), str(history / "1.1.0"), "--format", "json"]
    )
    changes = json.loads(result.stdout)["changes"]
    assert {(c["kind"], c["resource"], c["bump"]) for c in changes} == {
        ("row-changed", "observations", "patch"),  # the corrected value
        ("row-added", "observations", "minor"),  # the new fact,
        ("row-added", "citations", "minor"),  # its citation,
        ("row-added", "sources", "minor"),  # its source,
        ("property-changed", None, "patch"),  # and the source in the descriptor's sources
    }
    corrected = next(c for c in changes if c["kind"] == "row-changed")
    assert corrected["key"] == {"observation_id": MERCENARISM}
    assert corrected["new"] == {"as_of": "2025-12-25", "as_of_precision": "day"}

    index = json.loads((history / "index.json").read_text(encoding="utf-8"))
    assert [r["version"] for r in index["releases"]] == ["1.1.0", "1.0.1", "1.0.0"]
    assert index["latest"] == "1.1.0"
    changelog = (history / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (
        changelog.index("## 1.1.0 (2026-11-27)")
        < changelog.index("## 1.0.1")
        < (changelog.index("## 1.0.0"))
    )
    assert f"- Added `{ADDED}` (minor)" in changelog
    assert f"- Changed `{MERCENARISM}`: as_of `2025-12` → `2025-12-25`" in changelog


def test_a_bigger_bump_than_needed_is_allowed(runner, seeds, tmp_path, history) -> None:
    edit_observation(seeds, MERCENARISM, as_of="2025-12-25")
    kzdata.build(seeds, tmp_path / "pkg")
    release(runner, "2.0.0", tmp_path / "pkg", history)
    entry = (history / "2.0.0" / "CHANGES.md").read_text(encoding="utf-8")
    assert "A major release after 1.0.0." in entry and "Needs a **patch** release" in entry


def test_a_deleted_fact_needs_a_major_and_a_withdrawn_one_a_minor(
    runner, seeds, tmp_path, history
) -> None:
    edit_observation(seeds, MERCENARISM, status="withdrawn", status_reason="Counted twice.")
    kzdata.build(seeds, tmp_path / "pkg")
    assert release(runner, "1.0.1", tmp_path / "pkg", history, ok=False).exit_code == 1
    release(runner, "1.1.0", tmp_path / "pkg", history)
    entry = (history / "1.1.0" / "CHANGES.md").read_text(encoding="utf-8")
    assert f"- Withdrawn `{MERCENARISM}`: status `current` → `withdrawn`" in entry


def test_allow_bump_overrides_with_the_reason_in_the_changelog(
    runner, seeds, tmp_path, history
) -> None:
    add_fact(seeds)
    kzdata.build(seeds, tmp_path / "pkg")
    why = "The added fact fixes an omission from 1.0.0."
    release(runner, "1.0.1", tmp_path / "pkg", history, "--allow-bump", "--reason", why)
    changelog = (history / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "The bump was overridden: the changes need a minor release." in changelog
    assert f"Reason given for the bump: {why}" in changelog


@pytest.mark.parametrize(
    "args", [["--allow-bump"], ["--reason", "because"], ["--allow-bump", "--reason", " "]]
)
def test_allow_bump_and_reason_go_together(runner, tmp_path, history, args) -> None:
    before = tree(history)
    result = release(runner, "1.0.1", tmp_path / "pkg", history, *args, ok=False)
    assert result.exit_code == 2 and tree(history) == before


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1.0.0", "1.0.0 is already released"),
        ("0.9.0", "0.9.0 does not go up from 1.0.0"),
        ("1.1.1", "a minor release after 1.0.0 is 1.1.0"),
    ],
)
def test_refused_versions_leave_the_history_byte_identical(
    runner, tmp_path, history, version, message
) -> None:
    before = tree(history)
    result = release(runner, version, tmp_path / "pkg", history, ok=False)
    assert result.exit_code == 1 and message in result.stderr
    assert tree(history) == before  # the existing version untouched, no lock or staging left


def test_an_invalid_package_is_refused_with_its_report(runner, tmp_path, history) -> None:
    package = tmp_path / "pkg"
    csv = package / "data" / "observations.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",709,", ",seven,", 1), "utf-8")
    before = tree(history)
    result = release(runner, "1.0.1", package, history, ok=False)
    assert result.exit_code == 1
    assert "1.0.1 is not released" in result.stderr
    assert "invalid" in result.stderr and "observations" in result.stderr  # the text report
    assert tree(history) == before


def test_a_refused_first_release_creates_nothing(runner, package, tmp_path) -> None:
    package.set_cell("observations", 2, "value", "NaN")
    result = release(runner, "1.0.0", package.folder, tmp_path / "releases", ok=False)
    assert result.exit_code == 1 and not (tmp_path / "releases").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1.0"], "MAJOR.MINOR.PATCH"),
        (["1.0.0", "--created", "2026-11-25"], "YYYY-MM-DDTHH:MM:SSZ"),
        (["1.0.0", "--package", "nowhere"], "no such data package"),
        (["1.0.0", "--sign-key", "no.key"], "cannot read the secret key"),
    ],
)
def test_a_release_that_cannot_run_exits_2(runner, package, tmp_path, args, message) -> None:
    args = [*args, "--package", str(package)] if "--package" not in args else args
    result = runner.invoke(app, ["release", *args, "--to", str(tmp_path / "r")])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and not (tmp_path / "r").exists()


def test_a_history_that_is_a_file_could_not_run(runner, package, tmp_path) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    result = release(runner, "1.0.0", package.folder, tmp_path / "file", ok=False)
    assert result.exit_code == 2 and "cannot make the release history" in result.stderr


def test_the_release_folder(runner, package, tmp_path) -> None:
    to = tmp_path / "releases"
    release(runner, "1.0.0", package.folder, to, "--created", "2026-11-25T10:00:00Z")
    folder = to / "1.0.0"
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    data = {f"data/{r['name']}.csv" for r in package.read_descriptor()["resources"]}
    assert (
        names
        == {
            "datapackage.json",
            "CITATION.cff",
            "CHANGES.md",
            "SHA256SUMS",
            "kzdata-1.0.0.zip",
        }
        | data
    )
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == "1.0.0" and descriptor["created"] == "2026-11-25T10:00:00Z"
    for resource in descriptor["resources"]:
        content = (folder / resource["path"]).read_bytes()
        assert resource["bytes"] == len(content)
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
    assert kzdata.validate(folder).valid
    assert verify(folder) and {f.rule for f in verify(folder)} == {"unsigned"}


def test_sha256sums_is_what_sha256sum_checks(unvalidated, runner, package, tmp_path) -> None:
    release(runner, "1.0.0", package.folder, tmp_path / "r")
    folder = tmp_path / "r" / "1.0.0"
    checked = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = [line.split("  ", 1)[1] for line in lines]
    others = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "SHA256SUMS"
    )
    assert listed == others
    (folder / "data" / "events.csv").write_bytes(b"tampered\n")
    tampered = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True)
    assert tampered.returncode == 1
    assert {f.rule for f in verify(folder)} == {"checksum-mismatch", "unsigned"}


def test_the_zip_is_the_package_and_deterministic(unvalidated, runner, package, tmp_path) -> None:
    for to in ("a", "b"):
        release(runner, "1.0.0", package.folder, tmp_path / to, "--created", "2026-11-25T10:00:00Z")
    a, b = tmp_path / "a" / "1.0.0", tmp_path / "b" / "1.0.0"
    assert tree(a) == tree(b)  # every file, the zip and SHA256SUMS included
    archive = zipfile.ZipFile(a / "kzdata-1.0.0.zip")
    names = archive.namelist()
    assert names == sorted(names) and "datapackage.json" in names and "CITATION.cff" in names
    package_files = {n for n in tree(a) if n.startswith("data/") and n.endswith(".csv")} | {
        "datapackage.json",
        "CITATION.cff",
    }
    assert set(names) == package_files | {"SHA256SUMS"}
    for info in archive.infolist():
        assert info.date_time == (2026, 11, 25, 10, 0, 0)
        if info.filename in package_files:
            assert archive.read(info) == (a / info.filename).read_bytes()
    # The zip's own SHA256SUMS covers exactly its other members, so a zip alone verifies.
    inner = archive.read("SHA256SUMS").decode().splitlines()
    assert sorted(line.split("  ", 1)[1] for line in inner) == sorted(package_files)
    for line in inner:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest


def test_created_comes_from_source_date_epoch(
    unvalidated, runner, package, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795824000")
    release(runner, "1.0.0", package.folder, tmp_path / "r")
    descriptor = json.loads((tmp_path / "r/1.0.0/datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["created"] == "2026-11-28T00:00:00Z"


def test_citation_cff_is_made_from_the_descriptor_only(
    unvalidated, runner, package, tmp_path
) -> None:
    release(runner, "1.0.0", package.folder, tmp_path / "r", "--created", "2026-11-25T10:00:00Z")
    cff = yaml.safe_load((tmp_path / "r/1.0.0/CITATION.cff").read_text(encoding="utf-8"))
    descriptor = package.read_descriptor()
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["title"] == descriptor["title"] and cff["version"] == "1.0.0"
    assert cff["date-released"] == "2026-11-25"
    assert cff["authors"] == [{"name": c["title"]} for c in descriptor["contributors"]]
    assert cff["license"] == descriptor["licenses"][0]["name"]
    assert "url" not in cff and "repository" not in cff  # the descriptor gives neither


def test_no_source_document_ships(unvalidated, runner, tools, package, tmp_path) -> None:
    release(runner, "1.0.0", package.folder, tmp_path / "r")
    folder = tmp_path / "r" / "1.0.0"
    contents = [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
    with zipfile.ZipFile(folder / "kzdata-1.0.0.zip") as archive:
        contents += [archive.read(name) for name in archive.namelist()]
    documents = list((tools.repo / "seeds" / "documents").iterdir())
    assert documents
    for document in documents:
        text = document.read_bytes()
        # Quotes of up to 60 characters are data; any 100 bytes in a row are the document.
        pieces = [text[i : i + 100] for i in range(0, max(len(text) - 100, 1), 50)]
        for content in contents:
            assert not any(piece in content for piece in pieces), document.name


def test_a_resource_that_is_a_source_document_is_refused(
    unvalidated, runner, tools, package, tmp_path
):
    document = next((tools.repo / "seeds" / "documents").iterdir())
    package.write_bytes("events", document.read_bytes())  # as if a build had copied it
    result = release(runner, "1.0.0", package.folder, tmp_path / "r", ok=False)
    assert result.exit_code == 1 and "source documents are never published" in result.stderr
    assert not (tmp_path / "r").exists()


def test_the_history_is_not_ignored_by_git(tools) -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "releases/1.0.0/datapackage.json", "releases/index.json"],
        cwd=tools.repo,
        capture_output=True,
        text=True,
    )
    if ignored.returncode == 128:
        pytest.skip("not a git work tree")
    assert ignored.returncode == 1, ignored.stdout  # none of them is ignored


def test_the_zip_reads_as_a_package(runner, package, tmp_path) -> None:
    release(runner, "1.0.0", package.folder, tmp_path / "r")
    out = tmp_path / "unzipped"
    with zipfile.ZipFile(tmp_path / "r/1.0.0/kzdata-1.0.0.zip") as archive:
        for info in archive.infolist():
            (out / info.filename).parent.mkdir(parents=True, exist_ok=True)
            (out / info.filename).write_bytes(archive.read(info))
    assert kzdata.validate(out).valid


def test_a_release_copies_only_what_the_descriptor_names(
    unvalidated, runner, package, tmp_path
) -> None:
    (package / "data" / "stray.txt").write_text("not part of the package", encoding="utf-8")
    release(runner, "1.0.0", package.folder, tmp_path / "r")
    assert not (tmp_path / "r/1.0.0/data/stray.txt").exists()


def test_a_resource_outside_data_is_refused(unvalidated, runner, package, tmp_path) -> None:
    (package / "other").mkdir()
    (package / "data" / "events.csv").rename(package / "other" / "events.csv")
    descriptor = package.read_descriptor()
    next(r for r in descriptor["resources"] if r["name"] == "events")["path"] = "other/events.csv"
    package.write_descriptor(descriptor)
    result = release(runner, "1.0.0", package.folder, tmp_path / "r", ok=False)
    assert result.exit_code == 1 and "not under data/" in result.stderr
    assert not (tmp_path / "r").exists()


def test_a_file_changed_after_validation_is_refused(unvalidated, runner, package, tmp_path):
    csv = package / "data" / "events.csv"
    csv.write_bytes(csv.read_bytes() + b"\n")  # the descriptor's hash no longer holds
    result = release(runner, "1.0.0", package.folder, tmp_path / "r", ok=False)
    assert result.exit_code == 1 and "changed after it was validated" in result.stderr
    assert not (tmp_path / "r").exists()


def test_a_release_needs_the_documents_to_check_the_figures(runner, package, tools, tmp_path):
    alone = tmp_path / "alone" / "pkg"
    shutil.copytree(package.folder, alone)  # no seeds/documents beside it
    to = tmp_path / "releases"
    result = release(runner, "1.0.0", alone, to, ok=False)
    assert result.exit_code == 1 and "documents were not found" in result.output
    assert not to.exists()
    documents = tools.repo / "seeds" / "documents"
    release(runner, "1.0.0", alone, to, "--documents", str(documents))
    assert (to / "1.0.0" / "SHA256SUMS").is_file()
