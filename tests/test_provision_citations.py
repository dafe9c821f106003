"""Legal provisions credit each part they record (article number, prison terms, life
imprisonment, confiscation) to the sources that state it: in the seeds (kzdata build) and in
a package (great_expectations rules provision-matches-citations and provision-part-cited)."""

from __future__ import annotations

import pytest

import kzdata
from kzdata.pipelines.errors import SeedError
from kzdata.pipelines.finding import Finding
from kzdata.pipelines.layers import great_expectations_layer
from kzdata.pipelines.provision_elements import credited, statement_problem
from kzdata.pipelines.target import open_target
from kzdata.pipelines.validate import LAYERS, validate

PARTICIPATION = "kz_cc_participation_foreign_conflict"
MERCENARISM = "kz_cc_mercenarism"


@pytest.mark.parametrize(
    ("element", "stated", "recorded", "problem"),
    [
        ("max_imprisonment_years", "nine", 9, None),
        ("max_imprisonment_years", "9", "9", None),
        ("article", "172", "172", None),
        ("article", "170", "172", "not the provision's 172"),
        ("min_imprisonment_years", "5", None, "records none"),
        ("max_imprisonment_years", None, 9, "no stated_value"),
        ("life_imprisonment", None, True, None),
        ("life_imprisonment", None, "false", "not true"),
        ("confiscation", "yes", True, "a penalty takes none"),
    ],
)
def test_what_agrees_with_a_provision(element, stated, recorded, problem) -> None:
    found = statement_problem(element, stated, recorded)
    assert (found is None) if problem is None else (problem in found)


def test_what_must_be_credited() -> None:
    provision = {"article": "172", "max_imprisonment_years": 9, "life_imprisonment": False}
    assert credited(provision) == ["article", "max_imprisonment_years"]
    assert credited({"life_imprisonment": True, "confiscation": None}) == ["life_imprisonment"]


def findings(package) -> set[tuple[str, str, int | None, str | None]]:
    items = great_expectations_layer.check(open_target(package.folder), 1000)
    return {(f.rule, f.resource, f.row, f.value) for f in items if isinstance(f, Finding)}


def row_where(package, resource: str, **cells: str) -> int:
    rows = package.rows(resource)
    header = rows[0]
    (index,) = [
        i for i, row in enumerate(rows) if all(row[header.index(k)] == v for k, v in cells.items())
    ]
    return index + 1


def test_a_source_stating_another_term_fails(package) -> None:
    row = row_where(
        package,
        "provision_citations",
        element="min_imprisonment_years",
        source_id="kyiv_post_2023_04_18",
    )
    package.set_cell("provision_citations", row, "stated_value", "6")
    assert findings(package) == {("provision-matches-citations", "provision_citations", row, "6")}


def test_a_recorded_part_no_source_states_fails(package) -> None:
    row = row_where(package, "legal_provisions", provision_id=MERCENARISM)
    package.set_cell("legal_provisions", row, "max_imprisonment_years", "20")
    others = validate(package.folder, layers=[n for n in LAYERS if n != "great_expectations"])
    assert others.errors == []
    assert findings(package) == {("provision-part-cited", "legal_provisions", row, MERCENARISM)}


def test_a_penalty_the_provision_denies_fails(package) -> None:
    row = row_where(package, "legal_provisions", provision_id=MERCENARISM)
    package.set_cell("legal_provisions", row, "life_imprisonment", "false")
    stated = {
        row_where(package, "provision_citations", element="life_imprisonment", source_id=source)
        for source in ("doc000", "mediazona_2025_12_30")
    }
    assert findings(package) == {
        ("provision-matches-citations", "provision_citations", r, None) for r in stated
    }


def test_the_build_refuses_a_provision_part_no_source_states(seeds, tmp_path) -> None:
    path = seeds / "sources" / "kyiv_post_2023_04_18.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("provision_citations:")], encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        kzdata.build(seeds, tmp_path / "out")
    (problem,) = caught.value.problems
    assert f"legal_provisions[0] ({PARTICIPATION}).min_imprisonment_years" in str(problem)
