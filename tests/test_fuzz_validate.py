"""Hostile and broken copies of the shipped package, made by hypothesis: whatever is changed
(cells, headers, descriptor values and types, raw bytes, truncation, a table split into parts
or made inline data, a backtracking pattern, the descriptor in YAML), `kzdata validate` ends
with exit 0, 1 or 2 (never 3, never an uncaught exception), and every finding names the file
it is in. More examples: KZDATA_FUZZ_EXAMPLES=500 python -m pytest tests/test_fuzz_validate.py"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kzdata.cli.main import app

SHIPPED = Path(__file__).resolve().parents[1] / "datapackage"
# In CI, a fixed set of examples (derandomized), so that a run is repeatable; a longer run
# with KZDATA_FUZZ_EXAMPLES draws new ones.
EXAMPLES = int(os.environ.get("KZDATA_FUZZ_EXAMPLES", "30"))
LONG_RUN = "KZDATA_FUZZ_EXAMPLES" in os.environ
RESOURCES = sorted(p.name for p in (SHIPPED / "data").glob("*.csv"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _text(path: Path) -> str | None:
    """The file's text, or None when an earlier mutation made it something else."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _edit_cell(data: st.DataObject, folder: Path) -> None:
    path = folder / "data" / data.draw(st.sampled_from(RESOURCES))
    if (text := _text(path)) is None:
        return
    lines = text.split("\n")
    at = data.draw(st.integers(0, max(0, len(lines) - 2)))
    cells = lines[at].split(",")
    cells[data.draw(st.integers(0, len(cells) - 1))] = data.draw(st.text(max_size=30))
    lines[at] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


def _raw_bytes(data: st.DataObject, folder: Path) -> None:
    path = folder / data.draw(
        st.sampled_from([f"data/{r}" for r in RESOURCES] + ["datapackage.json"])
    )
    content = path.read_bytes()
    at = data.draw(st.integers(0, len(content)))
    if data.draw(st.booleans()):
        path.write_bytes(content[:at])  # truncated
    else:
        path.write_bytes(
            content[:at] + data.draw(st.binary(min_size=1, max_size=20)) + content[at:]
        )


def _descriptor_value(data: st.DataObject, folder: Path) -> None:
    path = folder / "datapackage.json"
    try:
        descriptor = json.loads(_text(path) or "")
    except ValueError:
        return  # an earlier mutation broke the JSON: nothing to walk
    if not isinstance(descriptor, dict):
        return
    node = descriptor
    # Walk down a few levels of the descriptor, then replace or delete what is there.
    for _ in range(data.draw(st.integers(0, 5))):
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        children = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
        if not children:
            break
        node = data.draw(st.sampled_from(children))[1]
    if isinstance(node, dict) and node:
        key = data.draw(st.sampled_from(sorted(node)))
        if data.draw(st.booleans()):
            del node[key]
        else:
            node[key] = data.draw(json_values)
    elif isinstance(node, list) and node:
        node[data.draw(st.integers(0, len(node) - 1))] = data.draw(json_values)
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def _resource(data: st.DataObject, folder: Path) -> tuple[dict, dict] | None:
    """The descriptor and one of its resources with a CSV file, when both can still be read."""
    try:
        descriptor = json.loads(_text(folder / "datapackage.json") or "")
        resources = [r for r in descriptor["resources"] if isinstance(r.get("path"), str)]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if not resources:
        return None
    return descriptor, data.draw(st.sampled_from(resources))


def _save(folder: Path, descriptor: dict) -> None:
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def _split_into_parts(data: st.DataObject, folder: Path) -> None:
    """The table as two files, the second with the header row again, as frictionless reads."""
    if (found := _resource(data, folder)) is None:
        return
    descriptor, resource = found
    path = folder / resource["path"]
    if (text := _text(path)) is None:
        return
    lines = text.split("\n")
    at = data.draw(st.integers(1, max(1, len(lines) - 1)))
    (path.parent / f"part2-{path.name}").write_text(
        "\n".join([lines[0], *lines[at:]]), encoding="utf-8"
    )
    path.write_text("\n".join(lines[:at]) + "\n", encoding="utf-8")
    resource["path"] = [resource["path"], str(Path(resource["path"]).parent / f"part2-{path.name}")]
    _save(folder, descriptor)


def _inline_data(data: st.DataObject, folder: Path) -> None:
    if (found := _resource(data, folder)) is None:
        return
    descriptor, resource = found
    if (text := _text(folder / resource["path"])) is None:
        return
    resource["data"] = list(csv.reader(io.StringIO(text, newline="")))
    for key in ("path", "bytes", "hash", "format", "mediatype", "encoding"):
        resource.pop(key, None)
    _save(folder, descriptor)


def _backtracking_pattern(data: st.DataObject, folder: Path) -> None:
    """A pattern Python's `re` never finishes on a cell of forty a's and a `!`."""
    if (found := _resource(data, folder)) is None:
        return
    descriptor, resource = found
    fields = (resource.get("schema") or {}).get("fields") or []
    strings = [f for f in fields if isinstance(f, dict) and f.get("type", "string") == "string"]
    if not strings:
        return
    field = data.draw(st.sampled_from(strings))
    pattern = data.draw(st.sampled_from(["(a+)+", "(a|a)*", "(a+)+(?=!)"]))
    field["constraints"] = {**(field.get("constraints") or {}), "pattern": pattern}
    _save(folder, descriptor)
    path = folder / resource["path"]
    if (text := _text(path)) is not None and field.get("name") in text.split("\n")[0].split(","):
        lines = text.split("\n")
        cells = lines[min(1, len(lines) - 1)].split(",")
        column = lines[0].split(",").index(field["name"])
        if column < len(cells):
            cells[column] = "a" * 40 + "!"
            lines[min(1, len(lines) - 1)] = ",".join(cells)
            path.write_text("\n".join(lines), encoding="utf-8")


def _as_yaml(folder: Path) -> Path:
    """The target: the descriptor as datapackage.yaml, when it is still JSON."""
    try:
        descriptor = json.loads(_text(folder / "datapackage.json") or "")
    except ValueError:
        return folder
    (folder / "datapackage.json").unlink()
    target = folder / "datapackage.yaml"
    target.write_text(yaml.safe_dump(descriptor), encoding="utf-8")
    return target


MUTATIONS = [
    _edit_cell,
    _raw_bytes,
    _descriptor_value,
    _split_into_parts,
    _inline_data,
    _backtracking_pattern,
]


@settings(
    max_examples=EXAMPLES,
    derandomize=not LONG_RUN,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_validate_never_crashes_and_names_the_file(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(shutil.copytree(SHIPPED, Path(tmp) / "pkg"))
        for _ in range(data.draw(st.integers(1, 3))):
            data.draw(st.sampled_from(MUTATIONS))(data, folder)
        target = _as_yaml(folder) if data.draw(st.booleans()) else folder
        result = CliRunner().invoke(app, ["validate", str(target), "--format", "json"])
        assert result.exit_code in (0, 1, 2), result.output
        if result.exit_code == 2:
            return  # could not run: said on stderr, no report
        report = json.loads(result.stdout)
        for finding in report["findings"]:
            assert finding["path"] or finding["resource"], finding


def test_an_emptied_table_is_a_finding_not_a_crash(package) -> None:
    # Found by the test above: an empty `disagreements` file crashed a cross-table rule.
    package.csv_path("disagreements").write_bytes(b"")
    result = CliRunner().invoke(app, ["validate", str(package), "--format", "json"])
    assert result.exit_code == 1, result.output
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "internal-error" not in rules and "source-error" in rules
