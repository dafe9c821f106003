"""A release read without kzdata: standalone frictionless, pandas and DuckDB read every
resource with the types its Table Schema declares, and the descriptor conforms to the official
Data Package v2 profile kept in the repository."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import jsonschema
import pandas as pd
import pytest

PROFILES = Path(__file__).resolve().parents[1] / "schemas" / "profiles" / "2.0"
# What each Table Schema type reads as, in pandas and in DuckDB.
PANDAS = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}
DUCKDB = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN"}


@pytest.fixture
def descriptor(signed) -> dict:
    return json.loads((signed / "datapackage.json").read_text(encoding="utf-8"))


def test_standalone_frictionless_validates_the_release(signed) -> None:
    frictionless = Path(sys.executable).parent / "frictionless"
    result = subprocess.run(
        [str(frictionless), "validate", str(signed / "datapackage.json")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_descriptor_conforms_to_the_official_v2_profile(descriptor) -> None:
    profile = json.loads((PROFILES / "datapackage.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(profile)
    assert [e.message for e in validator.iter_errors(descriptor)] == []


def test_pandas_reads_every_resource_with_its_declared_types(signed, descriptor) -> None:
    for resource in descriptor["resources"]:
        fields = resource["schema"]["fields"]
        frame = pd.read_csv(
            signed / resource["path"],
            dtype={f["name"]: PANDAS[f["type"]] for f in fields},
            keep_default_na=False,
            na_values=resource["schema"].get("missingValues", [""]),
        )
        assert list(frame.columns) == [f["name"] for f in fields]
        for field in fields:
            assert str(frame[field["name"]].dtype) == PANDAS[field["type"]], field["name"]
    observations = pd.read_csv(
        signed / "data" / "observations.csv",
        dtype={"value": "Int64"},
        keep_default_na=False,
        na_values=[""],
    )
    assert 709 in set(observations["value"].dropna())


def test_duckdb_reads_every_resource_with_its_declared_types(signed, descriptor) -> None:
    connection = duckdb.connect()
    for resource in descriptor["resources"]:
        fields = resource["schema"]["fields"]
        columns = {f["name"]: DUCKDB[f["type"]] for f in fields}
        relation = connection.read_csv(
            str(signed / resource["path"]), header=True, dtype=columns, null_padding=False
        )
        assert [c.upper() for c in map(str, relation.dtypes)] == list(columns.values())
        rows = relation.fetchall()
        with (signed / resource["path"]).open(encoding="utf-8", newline="") as file:
            assert len(rows) == len(list(csv.reader(file))) - 1  # every row, not one lost
