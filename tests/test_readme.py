"""The README is the user's manual: its generated parts are current and its examples run."""

from __future__ import annotations

import re

from kzdata.pipelines import dictionary


def block_after(readme: str, marker: str) -> str:
    match = re.search(rf"<!-- readme:{marker} -->\n```\w+\n(.*?)```", readme, re.S)
    assert match, marker
    return match.group(1)


def test_data_dictionary_is_current(tools):
    readme = (tools.repo / "README.md").read_text(encoding="utf-8")
    _, rest = readme.split(dictionary.START, 1)
    current, _ = rest.split(dictionary.END, 1)
    assert current.strip() == dictionary.render().strip(), (
        "run: kzdata dictionary --readme README.md"
    )


def test_dictionary_lists_every_field_of_every_schema(tools):
    import json

    text = dictionary.render()
    for path in (tools.repo / "schemas" / "tables").glob("*.json"):
        for field in json.loads(path.read_text(encoding="utf-8"))["fields"]:
            assert f"| `{field['name']}` |" in text


def test_ci_runs_the_readme_commands(tools):
    readme = (tools.repo / "README.md").read_text(encoding="utf-8")
    ci = (tools.repo / ".ci" / "run").read_text(encoding="utf-8")
    for marker in ("install", "test"):
        command = block_after(readme, marker).strip()
        assert command in ci, f"the README's {marker} command is not what .ci/run runs"


def test_pandas_example_runs(tools, monkeypatch, capsys):
    readme = (tools.repo / "README.md").read_text(encoding="utf-8")
    monkeypatch.chdir(tools.repo)
    exec(block_after(readme, "pandas"), {})
    printed = capsys.readouterr().out
    assert "709" in printed and "vague" in printed


def test_load_example_runs(tools, capsys):
    readme = (tools.repo / "README.md").read_text(encoding="utf-8")
    example = block_after(readme, "load")
    assert len([line for line in example.splitlines() if line.strip()]) == 3
    exec(example, {})
    printed = capsys.readouterr().out
    assert "indicator_id" in printed and "709" in printed
