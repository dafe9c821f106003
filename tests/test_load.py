"""kzdata.load(): the tables as pandas DataFrames typed from their Table Schemas, validated
first."""

from __future__ import annotations

import pandas as pd
import pytest

import kzdata
from kzdata.pipelines.errors import KzdataError


def test_loads_every_resource_of_the_shipped_package(tools) -> None:
    tables = kzdata.load()
    names = [r["name"] for r in tools.read_descriptor(tools.repo / "datapackage")["resources"]]
    assert list(tables) == names
    for name, frame in tables.items():
        assert (
            len(frame)
            == len(
                (tools.repo / "datapackage" / "data" / f"{name}.csv")
                .read_text(encoding="utf-8")
                .splitlines()
            )
            - 1
        )


def test_types_come_from_the_table_schemas(package) -> None:
    observations = kzdata.load(package)["observations"]
    schema = {f["name"]: f for f in package.resource("observations")["schema"]["fields"]}
    for name, field in schema.items():
        dtype = observations[name].dtype
        if field.get("constraints", {}).get("enum"):
            assert isinstance(dtype, pd.CategoricalDtype), name
            assert list(dtype.categories) == field["constraints"]["enum"]
        elif field["type"] == "integer":
            assert dtype == "Int64", name
        else:
            assert dtype == "string", name
    # A vague figure has no value: a missing integer, not NaN in a float column.
    vague = observations[observations["precision"] == "vague"]
    assert vague["value"].isna().all() and vague["lower_bound"].notna().all()
    # A partial date stays text: the year 2025 is not the number 2025.
    assert set(observations["period_end"].dropna()) >= {"2025"}


def test_booleans_are_nullable_booleans(package) -> None:
    provisions = kzdata.load(package)["legal_provisions"]
    assert provisions["life_imprisonment"].dtype == "boolean"
    assert provisions["confiscation"].isna().any() and provisions["confiscation"].any()


def test_an_invalid_package_is_not_loaded(package) -> None:
    package.set_cell("observations", 3, "value", "seven")
    with pytest.raises(KzdataError) as caught:
        kzdata.load(package)
    assert caught.value.exit_code == 1
    assert "observations" in str(caught.value) and "value" in str(caught.value)


def test_without_validation_a_bad_cell_is_named(package) -> None:
    package.set_cell("observations", 3, "value", "seven")
    with pytest.raises(KzdataError) as caught:
        kzdata.load(package, validate=False)
    assert "row 3" in str(caught.value) and "'value'" in str(caught.value)
