"""The frames the Great Expectations suites run on (kzdata.schemas.expectation_suites).

Great Expectations has no expectation across tables on pandas, so the joins and aggregates are
computed here, in polars, and the suites check their columns. Each frame has one row per row of
the resource its suite is about, keyed by ROW (the frictionless row number), and says what it
reads: the resources, their columns and the kind of value each must hold. A row whose cells a
rule reads are not of their types is left out of that rule (its type finding is the other
layers'); an empty cell is unknown, never a number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl

from kzdata.pipelines.qualifiers import Qualifier, bounds, stated_value_problem
from kzdata.pipelines.typed_table import ROW, readable
from kzdata.schemas.cross_column_rules import earliest_day, latest_day

Tables = Mapping[str, pl.DataFrame]
# The kind of value a column must hold for a frame to read it, as polars types it.
TEXT, NUMBER, BOOLEAN = "text", "number", "boolean"
KINDS: dict[str, Callable[[pl.DataType], bool]] = {
    TEXT: lambda dtype: dtype == pl.String,
    NUMBER: lambda dtype: dtype.is_numeric(),
    BOOLEAN: lambda dtype: dtype == pl.Boolean,
}


@dataclass(frozen=True)
class FrameSpec:
    """How to compute one frame: from `needs` (resource -> column -> kind), and from
    `optional` columns when their resource has them."""

    needs: Mapping[str, Mapping[str, str]]
    build: Callable[[Tables], pl.DataFrame]
    optional: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


# --- Statements: what a stated value and its qualifier read as -------------------------------

QUALIFIER_COLUMNS = {
    "qualifier": TEXT,
    "precision": TEXT,
    "lower_factor": NUMBER,
    "upper_factor": NUMBER,
    "lower_fixed": NUMBER,
    "upper_fixed": NUMBER,
}
STATEMENT_COLUMNS = {"citation_id": TEXT, "observation_id": TEXT, "stated_value": TEXT}
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


def _unique(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """One row per key (the first): a repeated key is the primary key finding, not a fan-out."""
    return frame.filter(pl.col(key).is_not_null()).unique(key, keep="first", maintain_order=True)


def observation_statements(t: Tables) -> pl.DataFrame:
    """Each observation beside what its primary citation's statement reads as (expected_*);
    the expected values are empty where the statement or the observation cannot be read."""
    observations, citations = t["observations"], t["citations"]
    readings = statement_readings(citations, t["qualifiers"])
    cited = (
        _unique(citations, "citation_id")
        .join(readings, on=["stated_value", "qualifier"], how="left", nulls_equal=True)
        .select(
            pl.col("citation_id").alias("primary_citation_id"),
            pl.col("observation_id").alias("cited_observation_id"),
            "stated_value",
            "qualifier",
            *(
                pl.col(f"reading_{part}").alias(f"expected_{column}")
                for part, column in [
                    ("value", "value"),
                    ("lower", "lower_bound"),
                    ("upper", "upper_bound"),
                    ("precision", "precision"),
                ]
            ),
        )
    )
    compared = ["value", "lower_bound", "upper_bound", "precision"]
    frame = observations.select(
        ROW,
        "observation_id",
        "primary_citation_id",
        *compared,
        readable(observations, compared).alias("__readable"),
    ).join(cited, on="primary_citation_id", how="inner")
    expected = [f"expected_{c}" for c in compared]
    return frame.with_columns(
        pl.when(pl.col("__readable")).then(pl.col(c)).alias(c) for c in expected
    ).sort(ROW)


def observation_facts(t: Tables) -> pl.DataFrame:
    """Observations by the fact they state, with another row stating the same one."""
    keys = ["indicator_id", "geography", "period_start", "period_end", "as_of"]
    row = pl.col(ROW)
    return t["observations"].select(
        ROW,
        "observation_id",
        *keys,
        pl.when(row == row.min().over(keys))
        .then(row.max().over(keys))
        .otherwise(row.min().over(keys))
        .alias("same_fact_row"),
    )


def citation_statements(t: Tables) -> pl.DataFrame:
    """Each citation whose qualifier the table has, with what its stated value reads as and its
    observation's bounds. A point (an exact or approximate figure) is compared by its value; a
    range (vague, at least, up to) by the bounds it gives, which must overlap the observation's.
    An empty bound is unbounded."""
    citations, observations = t["citations"], t["observations"]
    readings = statement_readings(citations, t["qualifiers"])
    bounded = _unique(
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
    return (
        citations.select(ROW, "citation_id", "observation_id", "stated_value", "qualifier")
        .join(readings, on=["stated_value", "qualifier"], how="inner", nulls_equal=True)
        .join(bounded, on="observation_id", how="left")
        .select(
            ROW,
            "citation_id",
            "observation_id",
            "stated_value",
            "qualifier",
            "stated_value_problem",
            low.alias("claim_low"),
            high.alias("claim_high"),
            pl.when(low.eq_missing(high))
            .then(shown[0])
            .otherwise(pl.concat_str(shown[0], pl.lit(" to "), shown[1]))
            .alias("stated_reading"),
            "observation_lower_bound",
            "observation_upper_bound",
        )
        .sort(ROW)
    )


# --- Coverage: every indicator measured, every source cited ----------------------------------


def indicator_coverage(t: Tables) -> pl.DataFrame:
    """Each indicator with the number of observations of it."""
    counts = t["observations"].group_by("indicator_id").agg(pl.len().alias("observation_count"))
    return (
        t["indicators"]
        .filter(pl.col("indicator_id").is_not_null())
        .select(ROW, "indicator_id")
        .join(counts, on="indicator_id", how="left")
        .with_columns(pl.col("observation_count").fill_null(0))
        .sort(ROW)
    )


# Where a source may be cited from: resource -> columns naming a source.
SOURCE_REFERENCES = {
    "citations": ("source_id", "relays_source_id"),
    "events": ("source_id",),
    "legal_provisions": ("source_id",),
}


def source_references(t: Tables) -> pl.DataFrame:
    """Each source with the number of rows that cite it (a resource the package does not have
    cites nothing)."""
    named = [
        t[name].select(pl.col(column).alias("source_id"))
        for name, columns in SOURCE_REFERENCES.items()
        if name in t
        for column in columns
        if column in t[name].columns
    ]
    counts = pl.concat(named).group_by("source_id").agg(pl.len().alias("reference_count"))
    return (
        t["sources"]
        .filter(pl.col("source_id").is_not_null())
        .select(ROW, "source_id")
        .join(counts, on="source_id", how="left")
        .with_columns(pl.col("reference_count").fill_null(0))
        .sort(ROW)
    )


# --- Dates: an event no later than the source that reports it --------------------------------


def event_dates(t: Tables) -> pl.DataFrame:
    """Each event beside its source's publication date, as the first day the event may stand
    for and the last day the publication date may stand for (empty when unknown or unreal)."""
    sources = _unique(t["sources"], "source_id").select(
        "source_id",
        pl.col("published").alias("source_published"),
        latest_day(pl.col("published")).alias("source_last_day"),
    )
    return (
        t["events"]
        .select(
            ROW,
            "event_id",
            "date",
            "source_id",
            earliest_day(pl.col("date")).alias("event_first_day"),
        )
        .join(sources, on="source_id", how="inner")
        .sort(ROW)
    )


# --- Components: parts against their total ---------------------------------------------------

FACT = ["geography", "period_start", "period_end"]


def component_sums(t: Tables) -> pl.DataFrame:
    """Each observation of an indicator that has components (indicators naming it as parent),
    with the sums of its components' bounds: observations of the component indicators with the
    same geography and period whose as-of dates may stand for the same day as its own.

    Sums are of ranges: components_lower adds lower bounds (an empty one is 0, as counts are),
    components_upper adds upper bounds and is empty (unbounded) when a component has none or
    has no observation here. When a component has several matching observations, the widest
    reading is taken (the least lower, the greatest upper), so the sums never overstate.
    """
    indicators = _unique(t["indicators"], "indicator_id")
    parts = indicators.filter(pl.col("parent_indicator_id").is_not_null()).select(
        pl.col("indicator_id").alias("component"), pl.col("parent_indicator_id").alias("total")
    )
    per_total = parts.group_by("total").agg(pl.len().alias("component_indicators"))
    observations = (
        t["observations"]
        .filter(readable(t["observations"], ["lower_bound", "upper_bound"]))
        .with_columns(
            earliest_day(pl.col("as_of")).alias("as_of_first"),
            latest_day(pl.col("as_of")).alias("as_of_last"),
        )
    )
    # Components, one row per component indicator and fact, widest reading of each.
    components = (
        observations.join(parts, left_on="indicator_id", right_on="component", how="inner")
        .group_by(["total", "indicator_id", *FACT, "as_of_first", "as_of_last"])
        .agg(_widest(pl.col("lower_bound"), pl.col("upper_bound")))
        .rename({"indicator_id": "component"})
    )
    totals = observations.join(per_total, left_on="indicator_id", right_on="total", how="inner")
    matched = (
        totals.select(ROW, "indicator_id", *FACT, "as_of_first", "as_of_last")
        .join(
            components,
            left_on=["indicator_id", *FACT],
            right_on=["total", *FACT],
            how="inner",
            nulls_equal=True,
        )
        # The as-of dates may stand for the same day ("2025-12" and "2025-12-25" may).
        .filter(
            (pl.col("as_of_first_right") <= pl.col("as_of_last"))
            & (pl.col("as_of_first") <= pl.col("as_of_last_right"))
        )
        .group_by([ROW, "component"])
        .agg(_widest(pl.col("lower"), pl.col("upper")))
    )
    sums = matched.group_by(ROW).agg(
        pl.col("lower").sum().alias("components_lower"),
        pl.when(pl.col("upper").is_null().any())
        .then(None)
        .otherwise(pl.col("upper").sum())
        .alias("components_upper"),
        pl.len().alias("components_matched"),
        pl.concat_str(
            pl.col("component"),
            pl.lit(" "),
            pl.when(pl.col("lower").eq_missing(pl.col("upper")))
            .then(pl.col("lower").cast(pl.String))
            .otherwise(
                pl.concat_str(
                    pl.col("lower").cast(pl.String),
                    pl.lit(" to "),
                    pl.col("upper").cast(pl.String).fill_null("unbounded"),
                )
            ),
        )
        .sort()
        .str.join(", ")
        .alias("components"),
    )
    exhaustive = indicators.select("indicator_id", "components_exhaustive")
    return (
        totals.select(
            ROW,
            "observation_id",
            "indicator_id",
            "lower_bound",
            "upper_bound",
            "component_indicators",
        )
        .join(sums, on=ROW, how="inner")
        .join(exhaustive, on="indicator_id", how="left")
        .with_columns(
            # A component with no observation here may be anything: the sum has no upper bound.
            pl.when(pl.col("components_matched") < pl.col("component_indicators"))
            .then(None)
            .otherwise(pl.col("components_upper"))
            .alias("components_upper"),
            pl.col("components_exhaustive").fill_null(False),
        )
        .sort(ROW)
    )


def _widest(lower: pl.Expr, upper: pl.Expr) -> list[pl.Expr]:
    """The least lower bound (empty counts as 0) and the greatest upper (empty if any is)."""
    return [
        lower.fill_null(0).min().alias("lower"),
        pl.when(upper.is_null().any()).then(None).otherwise(upper.max()).alias("upper"),
    ]


def rows_frame(name: str) -> FrameSpec:
    """A resource's rows, to count them."""
    return FrameSpec({name: {}}, lambda t: t[name].select(ROW))


_STATEMENT = {
    "citations": {**STATEMENT_COLUMNS, "qualifier": TEXT},
    "qualifiers": QUALIFIER_COLUMNS,
}
FRAMES: dict[str, FrameSpec] = {
    "observation_statements": FrameSpec(
        {
            "observations": {
                "observation_id": TEXT,
                "primary_citation_id": TEXT,
                "value": NUMBER,
                "lower_bound": NUMBER,
                "upper_bound": NUMBER,
                "precision": TEXT,
            },
            **_STATEMENT,
        },
        observation_statements,
    ),
    "observation_facts": FrameSpec(
        {
            "observations": {
                "observation_id": TEXT,
                "indicator_id": TEXT,
                "geography": TEXT,
                "period_start": TEXT,
                "period_end": TEXT,
                "as_of": TEXT,
            }
        },
        observation_facts,
    ),
    "citation_statements": FrameSpec(
        {
            **_STATEMENT,
            "observations": {"observation_id": TEXT, "lower_bound": NUMBER, "upper_bound": NUMBER},
        },
        citation_statements,
    ),
    "indicator_coverage": FrameSpec(
        {"indicators": {"indicator_id": TEXT}, "observations": {"indicator_id": TEXT}},
        indicator_coverage,
    ),
    "source_references": FrameSpec(
        {"sources": {"source_id": TEXT}, "citations": {"source_id": TEXT}},
        source_references,
        optional={
            name: dict.fromkeys(columns, TEXT) for name, columns in SOURCE_REFERENCES.items()
        },
    ),
    "event_dates": FrameSpec(
        {
            "events": {"event_id": TEXT, "date": TEXT, "source_id": TEXT},
            "sources": {"source_id": TEXT, "published": TEXT},
        },
        event_dates,
    ),
    "component_sums": FrameSpec(
        {
            "indicators": {
                "indicator_id": TEXT,
                "parent_indicator_id": TEXT,
                "components_exhaustive": BOOLEAN,
            },
            "observations": {
                "observation_id": TEXT,
                "indicator_id": TEXT,
                **dict.fromkeys(FACT, TEXT),
                "as_of": TEXT,
                "lower_bound": NUMBER,
                "upper_bound": NUMBER,
            },
        },
        component_sums,
    ),
}
