"""The README's how-to for adding a source, walked end to end on a copy of the project: a
document-backed source (document, extract, mapping, build, validate, diff, sources) and a
citation-only one that relays it, then a later figure that disagrees until it is declared.

The document is a few lines invented for this test, about an invented office: no text of any
real source.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from kzdata.cli.main import app

DOCUMENT = (
    "Bulletin of the Office of Invented Figures, issue 7\n"
    "\n"
    "In 2031 the office registered 42 cases of lost umbrellas.\n"
    "A clerk with one ledger kept the count.\n"
)
BULLETIN = "invented_bulletin_2032"
RADIO = "invented_radio_2032_02"
FACT = "xx_umbrella_cases_2031"


@pytest.fixture
def project(tmp_path: Path, tools) -> Path:
    """A copy of the project's seeds, built, with the package kept as it was (step 1)."""
    root = tmp_path / "project"
    shutil.copytree(tools.repo / "seeds", root / "seeds")
    return root


def invoke(runner, *args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_adding_a_document_backed_and_a_citation_only_source(project, runner) -> None:
    seeds, package, before = project / "seeds", project / "datapackage", project / "before"
    # 1. Keep the package as it is now.
    invoke(runner, "build", "--seeds", str(seeds), "--out", str(package))
    shutil.copytree(package, before)

    # 2-3. The document, byte for byte, its sha256, and the source's file.
    document = seeds / "documents" / "invented_bulletin.txt"
    document.write_bytes(DOCUMENT.encode("utf-8"))
    source = {
        "id": BULLETIN,
        "title": "An invented office's bulletin on lost umbrellas",
        "publisher": "Office of Invented Figures",
        "published": "2032",
        "accessed": "2026-11-25",
        "language": "en",
        "document": "documents/invented_bulletin.txt",
        "sha256": hashlib.sha256(document.read_bytes()).hexdigest(),
    }
    skeleton = yaml.safe_load(invoke(runner, "extract", str(document), "--format", "yaml").stdout)
    by_value = {c["stated_value"]: c for c in skeleton["citations"]}
    assert set(by_value) == {"7", "42", "one"}
    (year,) = skeleton["non_figures"]

    # Sort the entries: 42 is a figure, its quote widened to what is counted; the rest are not.
    figure = by_value["42"]
    quote = "registered 42 cases of lost umbrellas"
    start = DOCUMENT.index(quote)
    figure |= {"id": f"{BULLETIN}_cases_42", "observation": FACT}
    figure |= {"quote": quote, "locator": [start, start + len(quote)]}
    marks = [
        by_value["7"] | {"reason": "the bulletin's issue number"},
        by_value["one"] | {"reason": "one ledger: not a count of anything the data holds"},
        year | {"reason": "the year of the period of the 42 cases"},
    ]
    source["citations"] = [figure]
    source["non_figures"] = [
        {key: mark[key] for key in ("quote", "locator", "reason")} for mark in marks
    ]
    dump(seeds / "sources" / f"{BULLETIN}.yaml", source)

    # A citation-only source relaying the bulletin: no document, quote or locator.
    dump(
        seeds / "sources" / f"{RADIO}.yaml",
        {
            "id": RADIO,
            "title": "An invented radio's report of the bulletin",
            "publisher": "Invented Radio",
            "url": "https://example.org/invented/umbrellas",
            "published": "2032-02",
            "accessed": "2026-11-25",
            "language": "en",
            "citations": [
                {
                    "id": f"{RADIO}_cases_about_42",
                    "observation": FACT,
                    "stated_value": "42",
                    "qualifier": "about",
                    "relays": BULLETIN,
                }
            ],
        },
    )

    # 4. The mapping: a new indicator, in the source's words, and the fact.
    codebook = load(seeds / "codebook.yaml")
    codebook["indicators"].append(
        {
            "id": "umbrella_cases_registered",
            "label": "Cases of lost umbrellas registered (invented)",
            "definition": "Cases of lost umbrellas the invented office registered in the period.",
            "unit": "cases",
            "measure": "flow",
        }
    )
    codebook["observations"].append(
        {
            "id": FACT,
            "indicator": "umbrella_cases_registered",
            "geography": "XX",
            "period_start": "2031",
            "period_end": "2031",
            "as_of": "2031",
            "primary_citation": figure["id"],
        }
    )
    dump(seeds / "codebook.yaml", codebook)

    # 5-6. Build, and validate with the documents beside the package.
    invoke(runner, "build", "--seeds", str(seeds), "--out", str(package))
    report = json.loads(invoke(runner, "validate", str(package), "-f", "json").stdout)
    # Every layer checked everything, but integrity: a built package is not a release.
    assert report["valid"]
    assert [n["layer"] for n in report["not_checked"]] == ["integrity"]

    # 7. What the sources added, and who says what.
    changes = json.loads(invoke(runner, "diff", str(before), str(package), "-f", "json").stdout)
    assert changes["bump"] == "minor"
    added = {(c["resource"], c["kind"]) for c in changes["changes"]}
    for resource in ("sources", "indicators", "observations", "citations", "non_figures"):
        assert (resource, "row-added") in added
    facts = json.loads(invoke(runner, "sources", str(package), "-f", "json").stdout)["facts"]
    (fact,) = [f for f in facts if f["observation_id"] == FACT]
    assert [(s["source_id"], s["role"], s["relays"]) for s in fact["statements"]] == [
        (BULLETIN, "original", None),
        (RADIO, "relay", BULLETIN),
    ]
    assert fact["independent_origins"] == [BULLETIN]

    # 6 again: a later count from the radio that does not agree fails until it is declared.
    radio = load(seeds / "sources" / f"{RADIO}.yaml")
    radio["citations"].append(
        {"id": f"{RADIO}_cases_60", "observation": f"{FACT}_later", "stated_value": "60"}
    )
    dump(seeds / "sources" / f"{RADIO}.yaml", radio)
    codebook = load(seeds / "codebook.yaml")
    later = codebook["observations"][-1] | {
        "id": f"{FACT}_later",
        "as_of": "2032-02",
        "primary_citation": f"{RADIO}_cases_60",
    }
    codebook["observations"].append(later)
    dump(seeds / "codebook.yaml", codebook)
    invoke(runner, "build", "--seeds", str(seeds), "--out", str(package))
    failed = json.loads(invoke(runner, "validate", str(package), "-f", "json", code=1).stdout)
    assert {(f["rule"], f["value"]) for f in failed["findings"]} == {
        ("observations-agree", f"{FACT}_later")
    }
    codebook["disagreements"] = [
        {
            "observation": FACT,
            "other": f"{FACT}_later",
            "reason": "different_as_of",
            "notes": "The radio's later count includes cases registered after the bulletin.",
        }
    ]
    dump(seeds / "codebook.yaml", codebook)
    invoke(runner, "build", "--seeds", str(seeds), "--out", str(package))
    assert json.loads(invoke(runner, "validate", str(package), "-f", "json").stdout)["valid"]
