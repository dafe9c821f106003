"""Frames of legal provisions: each provision citation beside the provision's recorded value
of the part it states, and each provision beside the parts no source states
(kzdata.pipelines.provision_elements says what agrees and what must be stated)."""

from __future__ import annotations

import polars as pl

from kzdata.pipelines.frame_spec import Tables
from kzdata.pipelines.provision_elements import (
    ELEMENTS,
    as_text,
    credited,
    statement_problem,
)
from kzdata.pipelines.typed_table import ROW, first_per_key, readable


def provision_statements(t: Tables) -> pl.DataFrame:
    """Each provision citation of a known provision with `problem`: why its stated value does
    not agree with the provision's recorded value of its element, or empty."""
    recorded = _recorded(t["legal_provisions"])
    statements = t["provision_citations"].select(
        ROW, "provision_id", "element", "source_id", "stated_value"
    )
    cases = statements.join(recorded, on=["provision_id", "element"], how="inner")
    readings = [
        (element, stated, value, statement_problem(element, stated, value))
        for element, stated, value in cases.select("element", "stated_value", "recorded")
        .unique()
        .iter_rows()
    ]
    schema = {e: pl.String for e in ("element", "stated_value", "recorded", "problem")}
    problems = pl.DataFrame(readings, schema=schema, orient="row")
    return cases.join(
        problems, on=["element", "stated_value", "recorded"], how="left", nulls_equal=True
    ).sort(ROW)


def provision_credits(t: Tables) -> pl.DataFrame:
    """Each provision with `uncited`: the recorded parts of it that no provision citation
    states ('article, max_imprisonment_years'), or empty."""
    provisions = t["legal_provisions"]
    stated = set(t["provision_citations"].select("provision_id", "element").iter_rows())
    uncited = [
        ", ".join(e for e in credited(row) if (row["provision_id"], e) not in stated) or None
        for row in provisions.iter_rows(named=True)
    ]
    return provisions.select(ROW, "provision_id").with_columns(
        pl.Series("uncited", uncited, dtype=pl.String)
    )


def _recorded(provisions: pl.DataFrame) -> pl.DataFrame:
    """(provision, element, recorded value as the package writes it) for every part; a row with
    a cell that is not of its type is the type check's, and is left out."""
    usable = first_per_key(provisions.filter(readable(provisions, ELEMENTS)), "provision_id")
    rows = [
        (row["provision_id"], element, as_text(row.get(element)))
        for row in usable.iter_rows(named=True)
        for element in ELEMENTS
    ]
    schema = {"provision_id": pl.String, "element": pl.String, "recorded": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")
