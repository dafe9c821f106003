"""What kzdata validate says of a target it does not read: it names what it was given and what
it accepts, and exits 2 (the command could not run), as the README states. (Zips and URLs:
test_validate_downloads.)"""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from kzdata.cli.main import app


def run(target: str):
    result = CliRunner().invoke(app, ["validate", target])
    assert "Traceback" not in result.output
    return result


def test_a_url_of_another_scheme_is_named_with_its_slashes(runner) -> None:
    url = "ftp://example.org/kzdata/datapackage.json"
    result = run(url)
    assert result.exit_code == 2
    assert url in result.stderr and "http" in result.stderr


@pytest.mark.parametrize(("suffix", "kind"), [(".csv", "a CSV table"), (".tsv", "a CSV table")])
def test_a_table_is_named(package, tmp_path, suffix, kind) -> None:
    target = tmp_path / f"table{suffix}"
    shutil.copy(package.csv_path("sources"), target)
    result = run(str(target))
    assert result.exit_code == 2
    assert kind in result.stderr and "malformed JSON" not in result.output


def test_a_malformed_descriptor_is_still_a_finding(package) -> None:
    package.descriptor.write_text("{not json", encoding="utf-8")
    result = run(str(package))
    assert result.exit_code == 1 and "malformed JSON" in result.stdout
