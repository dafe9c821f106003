"""Frames of references: every indicator measured, every source cited, and every event no
later than the source that reports it."""

from __future__ import annotations

import polars as pl

from kzdata.pipelines.frame_spec import Tables
from kzdata.pipelines.partial_dates import earliest_day, latest_day
from kzdata.pipelines.typed_table import ROW, first_per_key


def indicator_coverage(t: Tables) -> pl.DataFrame:
    """Each indicator with the number of observations of it."""
    return _counted(t["indicators"], "indicator_id", t["observations"], "observation_count")


# Where a source may be cited from: resource -> columns naming a source.
SOURCE_REFERENCES = {
    "citations": ("source_id", "relays_source_id"),
    "events": ("source_id",),
    "provision_citations": ("source_id",),
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
    return _counted(t["sources"], "source_id", pl.concat(named), "reference_count")


def _counted(listed: pl.DataFrame, key: str, referring: pl.DataFrame, count: str) -> pl.DataFrame:
    """Each row of `listed` that has a `key`, with the number of `referring` rows naming it
    (0 for none), in the listed table's order."""
    counts = referring.group_by(key).agg(pl.len().alias(count))
    return (
        listed.filter(pl.col(key).is_not_null())
        .select(ROW, key)
        .join(counts, on=key, how="left")
        .with_columns(pl.col(count).fill_null(0))
        .sort(ROW)
    )


def event_dates(t: Tables) -> pl.DataFrame:
    """Each event beside its source's publication date, as the first day the event may stand
    for and the last day the publication date may stand for (empty when unknown or unreal)."""
    sources = first_per_key(t["sources"], "source_id").select(
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
