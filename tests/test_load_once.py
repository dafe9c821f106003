"""Each table is read once per validation: a table the frictionless layer's engine read whole is
handed to the later layers, not read again; and every layer reads a cell as frictionless does,
whichever engine read the table, so that a cell frictionless accepts is never left out of the
later rules (reported by no layer)."""

from __future__ import annotations

from unittest import mock

import pytest

from kzdata.pipelines import package_tables
from kzdata.pipelines.validate import validate

PARTICIPATION_709 = 4  # observations row (the header is row 1): 709, exact, bounds 709 to 709


def read_by_later_layers(package, engine: str) -> list[str]:
    """The resources the later layers read from their files themselves, under `engine`."""
    read: list[str] = []
    original = package_tables.read_table

    def counted(resource, base, columns=None):
        read.append(resource["name"])
        return original(resource, base, columns)

    with mock.patch.object(package_tables, "read_table", counted):
        report = validate(package, engine=engine)
    assert report.findings == ()
    return read


def test_a_table_the_engine_read_whole_is_not_read_again(package) -> None:
    on_frictionless = read_by_later_layers(package, "frictionless")
    # frictionless's own row loop keeps nothing: the later layers read every table they read.
    assert {"observations", "citations", "sources"} <= set(on_frictionless)
    # The fast engine hands over each table it read in its turn. citations is read before its
    # turn, for observations' foreign key (the two point at each other), and kept then as key
    # values only: the later layers read it again.
    assert read_by_later_layers(package, "fast") == ["citations"]


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
@pytest.mark.parametrize("cell", [" 800", "8_00", "0800"])
def test_a_cell_frictionless_reads_leniently_is_read_so_by_every_layer(
    package, engine, cell
) -> None:
    # frictionless reads each of these as the integer 800, so the frictionless layer accepts
    # it; 800 lies outside the bounds 709 to 709, and differs from the primary citation's 709.
    package.set_cell("observations", PARTICIPATION_709, "value", cell)
    found = [f for f in validate(package, engine=engine).findings if f.resource == "observations"]
    # One cause, said once: the value's Great Expectations finding names the row rules the
    # value breaks too (kzdata.pipelines.same_cause).
    assert [(f.layer, f.rule, f.row, f.field) for f in found] == [
        ("great_expectations", "observation-matches-primary-citation", PARTICIPATION_709, "value")
    ]
    assert "value-within-bounds" in found[0].message


def test_the_findings_do_not_depend_on_the_engine(package) -> None:
    package.set_cell("observations", PARTICIPATION_709, "value", " 800")
    package.set_cell("observations", PARTICIPATION_709 + 1, "lower_bound", "x")

    def seen(engine: str) -> list[tuple]:
        return [
            (f.layer, f.rule, f.resource, f.row, f.field, f.message)
            for f in validate(package, engine=engine).findings
        ]

    assert seen("fast") == seen("frictionless")
