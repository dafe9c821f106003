"""No Table Schema `pattern` can hang validation, on either engine: patterns run on polars'
linear-time regex, never on Python's backtracking `re`; a pattern that needs backtracking is
a declared warning and its cells are not checked.

Each validation runs in a subprocess with a generous timeout. The timeout only keeps the test
suite from hanging when a pattern does hang; it is not a measure of speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Patterns that make a backtracking engine run without end on the bad cell after them, and
# a cell that matches.
HOSTILE = [
    ("(a+)+", "a" * 40 + "!", "aaa"),
    ("(a|a)*", "a" * 40 + "!", "aaa"),
    ("(a|aa)+", "a" * 60 + "!", "aaa"),
    ("(.*a){25}", "a" * 24 + "b" * 40, "a" * 25),
    ("([a-zA-Z]+)*", "a" * 40 + "1", "aaa"),
]
GUARD = 300  # seconds; hit only if validation hangs


def package(folder: Path, pattern: str, cells: list[str], **resource: object) -> Path:
    """A one-table package whose `id` has `pattern`, and a child table whose foreign key reads
    it (so that the lookup of the key is a reader of the pattern too)."""
    encoding = str(resource.get("encoding", "utf-8"))
    (folder / "t.csv").write_bytes("\n".join(["id", *cells, ""]).encode(encoding))
    (folder / "c.csv").write_text("ref\n" + cells[-1] + "\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "constraints": {"pattern": pattern}}]}
    child = {
        "fields": [{"name": "ref", "constraints": {"pattern": pattern}}],
        "foreignKeys": [{"fields": ["ref"], "reference": {"resource": "t", "fields": ["id"]}}],
    }
    descriptor = {
        "name": "p",
        "resources": [
            {"name": "t", "path": "t.csv", "schema": schema, **resource},
            {"name": "c", "path": "c.csv", "schema": child},
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def validate(folder: Path, engine: str) -> tuple[int, list[dict]]:
    args = [sys.executable, "-c", "from kzdata.cli.main import run; run()", "validate", str(folder)]
    args += ["-l", "frictionless", "-f", "json", "--engine", engine]
    result = subprocess.run(args, capture_output=True, text=True, timeout=GUARD)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)["findings"]


@pytest.mark.parametrize("engine", ["fast", "frictionless", "auto"])
@pytest.mark.parametrize(("pattern", "bad", "good"), HOSTILE)
def test_a_catastrophic_pattern_is_checked_without_end(
    tmp_path, engine, pattern, bad, good
) -> None:
    folder = package(tmp_path, pattern, [bad, good])
    code, findings = validate(folder, engine)
    assert code == 1
    failing = [(f["rule"], f["resource"], f["row"], f["field"]) for f in findings]
    assert ("constraint-error", "t", 2, "id") in failing
    assert ("constraint-error", "t", 3, "id") not in failing


def test_a_table_the_fast_engine_hands_to_frictionless_is_checked_without_end(tmp_path) -> None:
    # Latin-1: the fast engine reads UTF-8 only, and frictionless checks the table.
    folder = package(tmp_path, "(a+)+é?", ["a" * 40 + "!", "aaaé"], encoding="latin-1")
    code, findings = validate(folder, "fast")
    assert code == 1
    assert [(f["rule"], f["resource"], f["row"]) for f in findings] == [
        ("constraint-error", "t", 2)
    ]


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_a_backtracking_pattern_is_a_warning_and_its_cells_are_not_checked(
    tmp_path, engine
) -> None:
    # A back-reference and a look-ahead: no linear-time engine runs them.
    folder = package(tmp_path, r"(a+)+\1(?=a)", ["a" * 40 + "!", "aaa"])
    code, findings = validate(folder, engine)
    assert code == 0  # a warning: other projects' valid packages do not fail for it
    assert {(f["rule"], f["resource"], f["field"], f["severity"]) for f in findings} == {
        ("pattern-not-checked", "t", "id", "warning"),
        ("pattern-not-checked", "c", "ref", "warning"),
    }
    assert all("not checked" in f["message"] for f in findings)


def test_pattern_messages_are_frictionless_own(tmp_path) -> None:
    # The same message and place on both engines, and as frictionless words it.
    folder = package(tmp_path, "[a-z]+", ["abc", "ab1", "xyz"])
    reports = {engine: validate(folder, engine)[1] for engine in ("fast", "frictionless")}
    assert reports["fast"] == reports["frictionless"]
    (finding,) = reports["fast"]
    assert (finding["rule"], finding["row"], finding["value"]) == ("constraint-error", 3, "ab1")
    assert 'constraint "pattern" is "[a-z]+"' in finding["message"]


def test_a_hostile_media_type_in_the_descriptor_is_checked_without_end(tmp_path) -> None:
    # The profile's own pattern for `mediatype`, ^(.+)/(.+)$, is quadratic on Python's re.
    folder = package(tmp_path, "[a-z]+", ["abc"])
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["mediatype"] = "a/" * 400_000 + "\nx"
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    code, findings = validate(folder, "auto")
    assert code in (0, 1)
    assert any(f["rule"] == "profile-warning" and "mediatype" in f["message"] for f in findings)


@pytest.mark.parametrize("pattern", ["a{4294967296}", "(" * 5000 + ")" * 5000, "(a|b"])
def test_a_pattern_no_engine_compiles_is_a_schema_error(tmp_path, pattern) -> None:
    folder = package(tmp_path, pattern, ["abc"])
    code, findings = validate(folder, "auto")
    assert code == 1
    assert {(f["rule"], f["field"]) for f in findings} >= {("schema-error", "id")}
