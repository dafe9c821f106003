"""Frames of statements: what a citation's stated value and qualifier read as, by the package's
qualifier table and the derivation the build uses (kzdata.pipelines.qualifiers), beside the
observation it sets (its primary citation) or the observation it states.

A stated value that its own quote does not carry is the provenance layer's finding
(`quote-value`): the statement is left out here, as a cell not of its type is, so that one
wrong figure is reported once, at the citation, not again at the observation it sets."""

from __future__ import annotations

import math
from typing import Literal

import polars as pl

from kzdata.pipelines.frame_spec import NUMBER, TEXT, Tables
from kzdata.pipelines.qualifiers import Qualifier, bounds, stated_value_problem
from kzdata.pipelines.quote_values import carries_value
from kzdata.pipelines.typed_table import ROW, beside, first_per_key, readable

QUALIFIER_COLUMNS = {
    "qualifier": TEXT,
    "precision": TEXT,
    "lower_factor": NUMBER,
    "upper_factor": NUMBER,
    "lower_fixed": NUMBER,
    "upper_fixed": NUMBER,
}
STATEMENT_COLUMNS = {"citation_id": TEXT, "observation_id": TEXT, "stated_value": TEXT}
# Read when the citations have it: a statement its quote does not carry is left out.
QUOTED = {"citations": {"quote": TEXT}}
READING_SCHEMA = {
    "stated_value": pl.String,
    "qualifier": pl.String,
    "stated_value_problem": pl.String,
    "reading_value": pl.Int64,
    "reading_lower": pl.Int64,
    "reading_upper": pl.Int64,
    "reading_precision": pl.String,
}


def statement_readings(citations: pl.DataFrame, qualifiers: pl.DataFrame) -> pl.DataFrame:
    """What each distinct (stated value, qualifier) of the citations reads as, by the package's
    qualifier table and the derivation the build uses (kzdata.pipelines.qualifiers): value,
    bounds and precision, or why it cannot be read. A statement whose qualifier the table does
    not have is left out (the foreign key finding is frictionless')."""
    table = _qualifier_table(qualifiers)
    rows = []
    for stated, word in citations.select("stated_value", "qualifier").unique().iter_rows():
        if stated is None or (word is not None and word not in table):
            continue
        qualifier = table.get(word) if word is not None else None
        problem = stated_value_problem(stated, qualifier)
        read = None if problem else bounds(stated, qualifier)
        rows.append(
            (stated, word, problem)
            + ((read.value, read.lower, read.upper, read.precision) if read else (None,) * 4)
        )
    return pl.DataFrame(rows, schema=READING_SCHEMA, orient="row")


def uncarried(citations: pl.DataFrame) -> pl.DataFrame:
    """The distinct (quote, stated_value) of the citations where the quote does not carry the
    value, with `uncarried` True; read once per distinct pair."""
    pairs = citations.select("quote", "stated_value").drop_nulls().unique()
    rows = [(q, v, True) for q, v in pairs.iter_rows() if not carries_value(q, v)]
    schema = {"quote": pl.String, "stated_value": pl.String, "uncarried": pl.Boolean}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _qualifier_table(qualifiers: pl.DataFrame) -> dict[str, Qualifier]:
    usable = qualifiers.filter(
        readable(qualifiers, QUALIFIER_COLUMNS) & pl.col("qualifier").is_not_null()
    ).unique("qualifier", keep="first", maintain_order=True)
    table = {}
    for row in usable.iter_rows(named=True):
        factors = (row["lower_factor"], row["upper_factor"])
        if any(f is not None and not math.isfinite(f) for f in factors):
            continue  # NaN or INF is no rule to apply: its statements are not read
        table[row["qualifier"]] = Qualifier(
            **{name: row[name] for name in QUALIFIER_COLUMNS}, rule=row.get("rule") or ""
        )
    return table


def observation_statements(t: Tables) -> pl.DataFrame:
    """Each observation beside what its primary citation's statement reads as (expected_*);
    the expected values are empty where the statement or the observation cannot be read."""
    observations, citations = t["observations"], t["citations"]
    read = pl.col("uncarried").is_null()
    statements = _statements(citations, t["qualifiers"], "left").select(
        *STATEMENT,
        *(
            pl.when(read).then(pl.col(f"reading_{part}")).alias(f"expected_{column}")
            for part, column in [
                ("value", "value"),
                ("lower", "lower_bound"),
                ("upper", "upper_bound"),
                ("precision", "precision"),
            ]
        ),
    )
    first = first_per_key(citations, "citation_id").select(
        pl.col("citation_id").alias("primary_citation_id"),
        pl.col("observation_id").alias("cited_observation_id"),
        *STATEMENT,
    )
    cited = beside(first, statements, STATEMENT, "left", nulls_equal=True).drop("quote")
    compared = ["value", "lower_bound", "upper_bound", "precision"]
    frame = observations.select(
        ROW,
        "observation_id",
        "primary_citation_id",
        *compared,
        readable(observations, compared).alias("__readable"),
    )
    frame = beside(frame, cited, "primary_citation_id", "inner")
    expected = [f"expected_{c}" for c in compared]
    return frame.with_columns(
        pl.when(pl.col("__readable")).then(pl.col(c)).alias(c) for c in expected
    )


def citation_statements(t: Tables) -> pl.DataFrame:
    """Each citation whose qualifier the table has, with what its stated value reads as and its
    observation's bounds. A point (an exact or approximate figure) is compared by its value; a
    range (vague, at least, up to) by the bounds it gives, which must overlap the observation's.
    An empty bound is unbounded."""
    citations, observations = t["citations"], t["observations"]
    bounded = first_per_key(
        observations.filter(readable(observations, ["lower_bound", "upper_bound"])),
        "observation_id",
    ).select(
        "observation_id",
        pl.col("lower_bound").alias("observation_lower_bound"),
        pl.col("upper_bound").alias("observation_upper_bound"),
    )
    point = pl.col("reading_precision").is_in(["exact", "approximate"])
    low = pl.when(point).then(pl.col("reading_value")).otherwise(pl.col("reading_lower"))
    high = pl.when(point).then(pl.col("reading_value")).otherwise(pl.col("reading_upper"))
    shown = [x.cast(pl.String).fill_null("unbounded") for x in (low, high)]
    # What a statement reads as is worked out once per statement, not per citation.
    statements = (
        _statements(citations, t["qualifiers"], "inner")
        .filter(pl.col("uncarried").is_null())
        .select(
            *STATEMENT,
            "stated_value_problem",
            low.alias("claim_low"),
            high.alias("claim_high"),
            pl.when(low.eq_missing(high))
            .then(shown[0])
            .otherwise(pl.concat_str(shown[0], pl.lit(" to "), shown[1]))
            .alias("stated_reading"),
        )
    )
    stating = citations.select(ROW, "citation_id", "observation_id", *STATEMENT)
    frame = beside(stating, statements, STATEMENT, "inner", nulls_equal=True).drop("quote")
    return beside(frame, bounded, "observation_id")


# A statement: the value a citation states, its qualifier and the quote it is stated in.
STATEMENT = ["stated_value", "qualifier", "quote"]
Joined = Literal["inner", "left"]


def _statements(citations: pl.DataFrame, qualifiers: pl.DataFrame, how: Joined) -> pl.DataFrame:
    """Each distinct statement of the citations (STATEMENT) with `uncarried` (True where the
    quote does not carry the value) and what it reads as (READING_SCHEMA).
    `how`: "inner" keeps only the statements read under a qualifier the table has, "left"
    every one."""
    distinct = citations.select(STATEMENT).unique()
    return distinct.join(uncarried(distinct), on=["quote", "stated_value"], how="left").join(
        statement_readings(distinct, qualifiers),
        on=["stated_value", "qualifier"],
        how=how,
        nulls_equal=True,
    )
