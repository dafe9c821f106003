"""kzdata diff: changes found case by case, each with the bump the README's rules give it,
in text, JSON and Markdown; and bad targets exit 2 (missing) or 1 (unusable)."""

from __future__ import annotations

import json
import shutil

import pytest

from kzdata.cli.main import app
from kzdata.pipelines.diff import diff
from kzdata.pipelines.diff_formats import FORMATS, markdown, text, to_json
from kzdata.pipelines.schema_diff import _ABSENT, constraint_direction

MERCENARISM = "kz_cases_opened_mercenarism_2025"


@pytest.fixture
def new(package, tmp_path):
    """A second copy of the shipped package, the `new` side; `package` is the old one."""
    shutil.copytree(package.folder, tmp_path / "new")
    return type(package)(tmp_path / "new")


def kinds(old, new) -> set[tuple[str, str]]:
    """(kind, bump) of every change from `old` to `new`."""
    return {(c.kind, c.bump) for c in diff(old.folder, new.folder).changes}


def edit_schema(package, resource: str, edit) -> None:
    descriptor = package.read_descriptor()
    entry = next(r for r in descriptor["resources"] if r["name"] == resource)
    edit(entry["schema"])
    package.write_descriptor(descriptor)


def field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


def drop_row(package, resource: str, key: str) -> None:
    lines = package.csv_path(resource).read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(f"{key},")]
    assert len(kept) == len(lines) - 1
    package.write_bytes(resource, "".join(kept).encode("utf-8"))


def add_row(package, resource: str, template_key: str, new_key: str) -> None:
    text_ = package.csv_path(resource).read_text(encoding="utf-8")
    line = next(line for line in text_.splitlines() if line.startswith(f"{template_key},"))
    package.write_bytes(
        resource, (text_ + line.replace(template_key, new_key, 1) + "\n").encode("utf-8")
    )


def set_by_key(package, resource: str, key: str, name: str, value: str) -> None:
    rows = package.rows(resource)
    row = next(i for i, r in enumerate(rows) if r[0] == key) + 1
    package.set_cell(resource, row, name, value)


def test_identical_packages_need_no_release(package, new) -> None:
    d = diff(package.folder, new.folder)
    assert d.changes == [] and d.bump == "none"
    assert "no changes" in text(d)


def test_release_stamps_and_file_hashes_are_not_changes(package, new) -> None:
    descriptor = new.read_descriptor()
    descriptor["version"], descriptor["created"] = "9.9.9", "2030-01-01T00:00:00Z"
    descriptor["resources"][0]["hash"] = "sha256:" + "0" * 64
    new.write_descriptor(descriptor)
    assert kinds(package, new) == set()


# Each case: an edit of the new copy, and the (kind, bump) pairs it must give. These are the
# README's bump rules, one by one.
CASES = {
    "field removed": (
        lambda p: edit_schema(p, "observations", lambda s: s["fields"].pop()),
        {("field-removed", "major")},
    ),
    "field retyped": (
        lambda p: edit_schema(p, "observations", lambda s: field(s, "value").update(type="number")),
        {("field-retyped", "major")},
    ),
    "resource removed": (
        lambda p: p.write_descriptor(
            {
                **p.read_descriptor(),
                "resources": [r for r in p.read_descriptor()["resources"] if r["name"] != "events"],
            }
        ),
        {("resource-removed", "major")},
    ),
    "maxLength lowered": (
        lambda p: edit_schema(
            p,
            "observations",
            lambda s: field(s, "observation_id")["constraints"].update(maxLength=70),
        ),
        {("constraint-tightened", "major")},
    ),
    "required added": (
        lambda p: edit_schema(
            p, "observations", lambda s: field(s, "notes").update(constraints={"required": True})
        ),
        {("constraint-tightened", "major")},
    ),
    "enum narrowed": (
        lambda p: edit_schema(
            p, "observations", lambda s: field(s, "precision")["constraints"]["enum"].pop()
        ),
        {("constraint-tightened", "major")},
    ),
    "pattern added": (
        lambda p: edit_schema(
            p, "observations", lambda s: field(s, "notes").update(constraints={"pattern": "^.+$"})
        ),
        {("constraint-tightened", "major")},
    ),
    "maxLength raised": (
        lambda p: edit_schema(
            p,
            "observations",
            lambda s: field(s, "observation_id")["constraints"].update(maxLength=99),
        ),
        {("constraint-loosened", "minor")},
    ),
    "enum widened": (
        lambda p: edit_schema(
            p, "observations", lambda s: field(s, "precision")["constraints"]["enum"].append("x")
        ),
        {("constraint-loosened", "minor")},
    ),
    "pattern dropped": (
        lambda p: edit_schema(
            p, "observations", lambda s: field(s, "geography")["constraints"].pop("pattern")
        ),
        {("constraint-loosened", "minor")},
    ),
    "primary key changed": (
        lambda p: edit_schema(
            p, "observations", lambda s: s.update(primaryKey=["observation_id", "indicator_id"])
        ),
        {("primary-key-changed", "major")},
    ),
    "foreign key dropped": (
        lambda p: edit_schema(p, "observations", lambda s: s["foreignKeys"].pop()),
        {("foreign-key-removed", "minor")},
    ),
    "field added": (
        lambda p: edit_schema(
            p, "observations", lambda s: s["fields"].append({"name": "extra", "type": "string"})
        ),
        {("field-added", "minor")},
    ),
    "resource path changed": (
        lambda p: (
            p.write_descriptor(
                {
                    **p.read_descriptor(),
                    "resources": [
                        {**r, "path": "data/renamed.csv"} if r["name"] == "events" else r
                        for r in p.read_descriptor()["resources"]
                    ],
                }
            )
            or shutil.copy(p / "data/events.csv", p / "data/renamed.csv")
        ),
        {("reading-changed", "major")},
    ),
    "row deleted": (
        lambda p: drop_row(p, "observations", MERCENARISM),
        {("row-removed", "major")},
    ),
    "row added": (
        lambda p: add_row(p, "observations", MERCENARISM, "kz_cases_added_2026"),
        {("row-added", "minor")},
    ),
    "fact withdrawn": (
        lambda p: (
            set_by_key(p, "observations", MERCENARISM, "status", "withdrawn"),
            set_by_key(p, "observations", MERCENARISM, "status_reason", "Counted twice."),
        ),
        {("row-withdrawn", "minor")},
    ),
    "fact disputed": (
        lambda p: set_by_key(p, "observations", MERCENARISM, "status", "disputed"),
        {("row-changed", "patch")},
    ),
    "value corrected": (
        lambda p: set_by_key(p, "observations", MERCENARISM, "as_of", "2025-12-25"),
        {("row-changed", "patch")},
    ),
    "package title changed": (
        lambda p: p.write_descriptor({**p.read_descriptor(), "title": "Another title"}),
        {("property-changed", "patch")},
    ),
    "field description changed": (
        lambda p: edit_schema(
            p, "observations", lambda s: field(s, "notes").update(description="Other words.")
        ),
        {("property-changed", "patch")},
    ),
    "resource description changed": (
        lambda p: p.write_descriptor(
            {
                **p.read_descriptor(),
                "resources": [
                    {**r, "description": "New words."} if r["name"] == "events" else r
                    for r in p.read_descriptor()["resources"]
                ],
            }
        ),
        {("property-changed", "patch")},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bump_rules_case_by_case(package, new, case) -> None:
    edit, expected = CASES[case]
    edit(new)
    d = diff(package.folder, new.folder)
    assert {(c.kind, c.bump) for c in d.changes} == expected
    assert d.bump == max((b for _, b in expected), key=["patch", "minor", "major"].index)


def test_a_reinstated_fact_is_minor(package, new) -> None:
    set_by_key(package, "observations", MERCENARISM, "status", "withdrawn")
    set_by_key(package, "observations", MERCENARISM, "status_reason", "Counted twice.")
    assert kinds(package, new) == {("row-reinstated", "minor")}


def test_a_resource_added_is_minor(package, new) -> None:
    # the old side lacks a resource the new one has
    descriptor = package.read_descriptor()
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "events"]
    package.write_descriptor(descriptor)
    d = diff(package.folder, new.folder)
    assert {(c.kind, c.bump) for c in d.changes} == {("resource-added", "minor")}
    assert f"resource events added ({len(new.rows('events')) - 1} rows)" in d.changes[0].note


def test_the_bump_is_the_strongest_change_and_each_is_listed(package, new) -> None:
    set_by_key(new, "observations", MERCENARISM, "as_of", "2025-12-25")
    add_row(new, "observations", MERCENARISM, "kz_cases_added_2026")
    drop_row(new, "events", new.rows("events")[1][0])
    d = diff(package.folder, new.folder)
    assert d.bump == "major"
    assert [len(d.needing(b)) for b in ("major", "minor", "patch")] == [1, 1, 1]


def test_changed_rows_are_shown_field_by_field(package, new) -> None:
    set_by_key(package, "observations", MERCENARISM, "notes", "")
    set_by_key(new, "observations", MERCENARISM, "as_of", "2025-12-25")
    set_by_key(new, "observations", MERCENARISM, "notes", "Read again.")
    (change,) = diff(package.folder, new.folder).changes
    assert change.key == {"observation_id": MERCENARISM}
    assert change.old == {"as_of": "2025-12", "notes": ""}
    assert change.new == {"as_of": "2025-12-25", "notes": "Read again."}


@pytest.mark.parametrize(
    ("key", "old", "new", "direction"),
    [
        ("required", _ABSENT, True, "tightened"),
        ("required", True, False, "loosened"),
        ("required", _ABSENT, False, None),
        ("unique", False, True, "tightened"),
        ("maxLength", 80, 60, "tightened"),
        ("maxLength", 60, 80, "loosened"),
        ("maxLength", _ABSENT, 80, "tightened"),
        ("maxLength", 80, _ABSENT, "loosened"),
        ("minLength", 1, 2, "tightened"),
        ("minimum", 0, -1, "loosened"),
        ("exclusiveMaximum", 10, 9, "tightened"),
        ("maximum", "2025-01-01", 5, "tightened"),  # cannot compare: assume the worst
        ("enum", ["a", "b"], ["a"], "tightened"),
        ("enum", ["a"], ["a", "b"], "loosened"),
        ("enum", ["a", "b"], ["a", "c"], "tightened"),
        ("enum", ["a", "b"], ["b", "a"], "reordered"),
        ("pattern", "^a$", "^b$", "tightened"),
        ("pattern", _ABSENT, "^a$", "tightened"),
        ("pattern", "^a$", _ABSENT, "loosened"),
        ("pattern", "^a$", "^a$", None),
    ],
)
def test_what_tightened_means_per_constraint(key, old, new, direction) -> None:
    assert constraint_direction(key, old, new) == direction


def test_formats(package, new) -> None:
    set_by_key(new, "observations", MERCENARISM, "as_of", "2025-12-25")
    add_row(new, "observations", MERCENARISM, "kz_cases_added_2026")
    d = diff(package.folder, new.folder)
    document = json.loads(to_json(d))
    assert document["bump"] == "minor" and document["counts"] == {
        "major": 0,
        "minor": 1,
        "patch": 1,
    }
    added = next(c for c in document["changes"] if c["kind"] == "row-added")
    assert added["new"]["observation_id"] == "kz_cases_added_2026" and added["resource"]
    assert "bump needed: minor" in text(d)
    assert f"~ {MERCENARISM}: as_of '2025-12' → '2025-12-25'" in text(d)
    md = markdown(d)
    assert "#### `observations`: 1 added, 1 changed" in md
    assert "- Added `kz_cases_added_2026` (minor)" in md
    assert f"- Changed `{MERCENARISM}`: as_of `2025-12` → `2025-12-25`" in md


def test_markdown_holds_any_value(package, new) -> None:
    set_by_key(package, "observations", MERCENARISM, "notes", "")
    set_by_key(new, "observations", MERCENARISM, "notes", "a `tick`\nand a line")
    md = markdown(diff(package.folder, new.folder))
    # a value holding one backtick needs a fence of two; a line break is shown, not made
    assert "notes (empty) → ``a `tick`\\nand a line`` (patch)" in md


def test_the_cli_formats_are_the_pipeline_formats() -> None:
    from kzdata.cli.diff import DiffFormat

    assert [f.value for f in DiffFormat] == list(FORMATS)


def test_cli_diff(runner, package, new) -> None:
    set_by_key(new, "observations", MERCENARISM, "as_of", "2025-12-25")
    result = runner.invoke(app, ["diff", str(package), str(new / "datapackage.json")])
    assert result.exit_code == 0, result.output
    assert "bump needed: patch" in result.stdout
    result = runner.invoke(app, ["diff", str(package), str(new), "--format", "markdown"])
    assert result.stdout.startswith("## 0.1.0 → 0.1.0\n")
    result = runner.invoke(app, ["diff", str(package), str(new), "-f", "json"])
    assert json.loads(result.stdout)["bump"] == "patch"


def test_a_missing_target_could_not_run(runner, package, tmp_path) -> None:
    result = runner.invoke(app, ["diff", str(package), str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no such data package" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda p: p.descriptor.write_text("{not json", encoding="utf-8"), "malformed JSON"),
        (lambda p: p.descriptor.write_text("[]", encoding="utf-8"), "non-empty 'resources'"),
        (
            lambda p: p.write_descriptor(
                {**p.read_descriptor(), "resources": [{"name": "x", "path": "../x.csv"}]}
            ),
            "'..'",
        ),
        (lambda p: (p / "data" / "events.csv").unlink(), "events.csv: resource events's file"),
        (
            lambda p: p.write_bytes("events", (p / "data/events.csv").read_bytes() * 2),
            "repeats the key",
        ),
    ],
)
def test_an_unusable_package_exits_1_with_a_message(runner, package, new, breakage, message):
    breakage(new)
    result = runner.invoke(app, ["diff", str(package), str(new)])
    assert result.exit_code == 1, result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_a_release_compares_equal_to_its_zip_and_its_url(signed, serve, runner) -> None:
    server = serve(signed.parent)
    for other in (signed / "kzdata-1.0.0.zip", server.url + f"{signed.name}/datapackage.json"):
        result = runner.invoke(app, ["diff", str(signed), str(other), "--format", "json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["bump"] == "none"
