"""Relays: a source that takes a figure from another names it (relays_source_id), and counts
as that source, never as a confirmation of its own; relay chains end at a source that gives
the figure. The same circles are found in the seeds (kzdata build) and in a package
(great_expectations rule relay-chain-acyclic)."""

from __future__ import annotations

import pytest

import kzdata
from kzdata.pipelines.errors import SeedError
from kzdata.pipelines.finding import Finding
from kzdata.pipelines.layers import great_expectations_layer
from kzdata.pipelines.origins import Origin, Statement, trace
from kzdata.pipelines.target import open_target
from kzdata.pipelines.validate import LAYERS, validate

MEDIAZONA = "mediazona_2025_12_30"
SVOBODA = "radio_svoboda_2025_12_25_cases_about_700"
UNITED24 = "united24_2025_12_cases_around_700"


# --- Origins: what a statement counts as --------------------------------------------------------


def test_a_relay_counts_as_the_source_it_relays() -> None:
    traced = trace(
        [
            Statement("a1", "a"),
            Statement("b1", "b", relays="a"),
            Statement("c1", "c", relays="b"),  # a relay of a relay
        ]
    )
    assert traced.origins == {k: frozenset({Origin("a")}) for k in ("a1", "b1", "c1")}
    assert traced.independent() == [Origin("a")] and traced.cycles == {}


def test_a_relayed_source_that_states_nothing_itself_is_the_origin() -> None:
    traced = trace([Statement("b1", "b", relays="a"), Statement("c1", "c")])
    assert traced.independent() == [Origin("a"), Origin("c")]


def test_reports_of_one_outside_origin_count_once() -> None:
    inquiry = "a deputy's inquiry"
    traced = trace([Statement("x1", "x", origin=inquiry), Statement("y1", "y", origin=inquiry)])
    assert traced.independent() == [Origin(inquiry, outside=True)]


def test_a_circle_has_no_origin_and_is_named_from_each_of_its_members() -> None:
    traced = trace(
        [
            Statement("a1", "a", relays="b"),
            Statement("b1", "b", relays="a"),
            Statement("c1", "c", relays="a"),  # leads into the circle, is not part of it
            Statement("d1", "d", relays="d"),
        ]
    )
    assert traced.cycles == {"a1": ["a", "b", "a"], "b1": ["b", "a", "b"], "d1": ["d", "d"]}
    assert traced.origins["c1"] == frozenset() and traced.independent() == []


# --- The shipped relays, and circles in a package -------------------------------------------------


def test_the_shipped_relays_all_lead_to_mediazona(package) -> None:
    rows = package.rows("citations")
    at = {name: rows[0].index(name) for name in ("source_id", "relays_source_id")}
    relays = {
        r[at["source_id"]]: r[at["relays_source_id"]] for r in rows[1:] if r[at["relays_source_id"]]
    }
    assert set(relays.values()) == {MEDIAZONA}
    assert len(relays) == 3


def row_of(package, resource: str, key: str) -> int:
    return next(i for i, row in enumerate(package.rows(resource)) if row[0] == key) + 1


def relay(package, citation: str, source: str) -> int:
    row = row_of(package, "citations", citation)
    package.set_cell("citations", row, "relays_source_id", source)
    return row


def circles(package) -> set[tuple[int, str | None]]:
    items = great_expectations_layer.check(open_target(package.folder), 1000)
    return {
        (f.row, f.value)
        for f in items
        if isinstance(f, Finding) and f.rule == "relay-chain-acyclic"
    }


def test_two_sources_relaying_each_other_fail_at_both(package) -> None:
    svoboda = relay(package, SVOBODA, "united24_2025_12")
    united24 = relay(package, UNITED24, "radio_svoboda_2025_12_25")
    others = validate(package.folder, layers=[n for n in LAYERS if n != "great_expectations"])
    assert others.errors == []
    assert circles(package) == {
        (svoboda, "united24_2025_12"),
        (united24, "radio_svoboda_2025_12_25"),
    }
    message = next(
        f.message
        for f in great_expectations_layer.check(open_target(package.folder), 1000)
        if isinstance(f, Finding) and f.row == svoboda
    )
    assert "radio_svoboda_2025_12_25 -> united24_2025_12 -> radio_svoboda_2025_12_25" in message


def test_a_source_relaying_itself_fails(package) -> None:
    row = relay(package, UNITED24, "united24_2025_12")
    assert circles(package) == {(row, "united24_2025_12")}


def test_relays_of_different_facts_are_different_chains(package) -> None:
    # Radio Svoboda relays United24 for the case count; United24 relaying Radio Svoboda for
    # another figure closes no circle.
    relay(package, SVOBODA, "united24_2025_12")
    relay(package, "united24_2025_12_listed_1200", "radio_svoboda_2025_12_25")
    assert circles(package) == set()


def test_the_build_refuses_the_circle_the_layer_finds(seeds, tmp_path) -> None:
    for name, target in [
        ("radio_svoboda_2025_12_25", "united24_2025_12"),
        ("united24_2025_12", "radio_svoboda_2025_12_25"),
    ]:
        path = seeds / "sources" / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace(f"    relays: {MEDIAZONA}\n", f"    relays: {target}\n", 1),
            encoding="utf-8",
        )
    with pytest.raises(SeedError) as caught:
        kzdata.build(seeds, tmp_path / "out")
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 2 and all("round in a circle" in p for p in problems)
    assert any(SVOBODA in p for p in problems) and any(UNITED24 in p for p in problems)


def test_a_relay_of_a_source_the_package_does_not_have_fails(package) -> None:
    row = relay(package, UNITED24, "nobody_2025")
    report = validate(package.folder, layers=["frictionless"])
    assert {(f.rule, f.resource, f.row) for f in report.errors} == {
        ("foreign-key", "citations", row)
    }
