"""Every limit `kzdata validate` applies is a flag that changes what it does (the raw table
limits are tested in test_raw_tables.py, the zip limits in test_validate_downloads.py, the
descriptor size and depth in test_descriptor_limits.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kzdata.cli.main import app

pytestmark = pytest.mark.usefixtures("private_temp")


def run(*args: str) -> tuple[int, dict | str]:
    result = CliRunner().invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    try:
        return result.exit_code, json.loads(result.stdout)
    except json.JSONDecodeError:
        return result.exit_code, result.output


def test_max_profile_findings(package) -> None:
    descriptor = package.read_descriptor()
    # Five places that break the profile.
    resource = next(r for r in descriptor["resources"] if r["name"] == "sources")
    resource["schema"]["fields"][:5] = [{**f, "type": 7} for f in resource["schema"]["fields"][:5]]
    package.write_descriptor(descriptor)

    def profile(*options: str) -> list[dict]:
        code, report = run(str(package), "--layer", "frictionless", "-f", "json", *options)
        assert code == 1
        return [f for f in report["findings"] if f["rule"].startswith("profile-")]

    assert len(profile()) >= 5
    # Two listed, and one more saying that the rest were left out.
    assert len(profile("--max-profile-findings", "2")) == 3


def test_max_message_chars(package) -> None:
    package.set_cell("observations", 3, "notes", "x\x1b")
    options = (str(package), "--layer", "frictionless", "-f", "json")
    _, report = run(*options)
    (finding,) = [f for f in report["findings"] if f["rule"] == "control-character"]
    _, report = run(*options, "--max-message-chars", "30")
    (short,) = [f for f in report["findings"] if f["rule"] == "control-character"]
    assert len(finding["message"]) > 40
    assert (
        short["message"]
        == f"{finding['message'][:30]}... [{len(finding['message'])} characters in all]"
    )


def test_max_value_chars_cuts_a_quoted_cell(package) -> None:
    package.set_cell("observations", 3, "value", "y" * 300)
    _, report = run(str(package), "--layer", "frictionless", "-f", "json", "--max-value-chars", "7")
    (finding,) = [f for f in report["findings"] if f["field"] == "value"]
    assert finding["value"] == "yyyyyyy... [300 characters in all]"
    _, report = run(str(package), "--layer", "frictionless", "-f", "json")
    (finding,) = [f for f in report["findings"] if f["field"] == "value"]
    assert finding["value"].startswith("y" * 200 + "...")


@pytest.fixture
def site(package, tmp_path, serve):
    root = tmp_path / "site"
    shutil.copytree(package.folder, root / "pkg")
    return serve(root)


def redirect(location: str):
    def route(handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def test_max_redirects(site) -> None:
    site.routes["/latest/datapackage.json"] = redirect("/pkg/datapackage.json")
    url = site.url + "latest/datapackage.json"
    assert run(url, "--layer", "frictionless", "-f", "json")[0] == 0
    code, output = run(url, "--layer", "frictionless", "--max-redirects", "0")
    assert code == 2 and "redirect" in output


def test_max_remote_files(site) -> None:
    url = site.url + "pkg/datapackage.json"
    code, report = run(url, "--layer", "frictionless", "-f", "json", "--max-remote-files", "3")
    assert code == 1 and "more than 3 files" in report["findings"][0]["message"]


def test_max_remote_descriptor_bytes(site) -> None:
    url = site.url + "pkg/datapackage.json"
    size = (Path(site.root) / "pkg/datapackage.json").stat().st_size
    code, output = run(url, "--layer", "frictionless", "--max-remote-descriptor-bytes", "100")
    assert code in (1, 2) and "100-byte limit" in str(output)
    assert run(url, "--layer", "frictionless", "--max-remote-descriptor-bytes", str(size))[0] == 0
