"""Frames of facts: observations by the fact they state, and totals beside the sums of their
components (indicators.parent_indicator_id)."""

from __future__ import annotations

import polars as pl

from kzdata.pipelines.frame_spec import Tables
from kzdata.pipelines.partial_dates import earliest_day, latest_day
from kzdata.pipelines.typed_table import ROW, beside, first_per_key, readable, sharing_keys

FACT = ["geography", "period_start", "period_end"]


def observation_facts(t: Tables) -> pl.DataFrame:
    """Observations by the fact they state, with another row stating the same one, and
    `dispute_key`: the observation's own id when every pair of the observations stating its
    fact is declared disputed (so that they are told apart), else empty."""
    keys = ["indicator_id", "geography", "period_start", "period_end", "as_of"]
    row = pl.col(ROW)
    frame = t["observations"].select(ROW, "observation_id", *keys, _dispute_key(t, keys))
    # The other row is a message's words, needed only where a fact repeats: most do not.
    repeated = sharing_keys(frame, keys).select(
        ROW,
        pl.when(row == row.min().over(keys))
        .then(row.max().over(keys))
        .otherwise(row.min().over(keys))
        .alias("same_fact_row"),
    )
    return beside(frame, repeated, ROW)


def _dispute_key(t: Tables, keys: list[str]) -> pl.Expr:
    """Declared disputes are the one exception to one observation per fact: a fact stated by n
    observations is exempt when all n * (n - 1) / 2 of their pairs are declared disputed."""
    observations = t["observations"]
    declared = t.get("disagreements")
    if declared is None:
        return pl.lit(None, pl.String).alias("dispute_key")
    disputed = declared.filter(pl.col("reason") == "disputed")
    if disputed.is_empty():  # no exception to make: no fact key to build for every row
        return pl.lit(None, pl.String).alias("dispute_key")
    fact = pl.concat_str([pl.col(k).fill_null("\x00") for k in keys], separator="\x1f")
    facts = observations.select("observation_id", fact.alias("fact")).unique("observation_id")
    pairs = (
        disputed.select(
            pl.min_horizontal("observation_id", "other_observation_id").alias("a"),
            pl.max_horizontal("observation_id", "other_observation_id").alias("b"),
        )
        .filter(pl.col("a") != pl.col("b"))
        .unique()
        .join(facts, left_on="a", right_on="observation_id")
        .join(facts, left_on="b", right_on="observation_id", suffix="_b")
        .filter(pl.col("fact") == pl.col("fact_b"))
        .group_by("fact")
        .agg(pl.len().alias("disputed_pairs"))
    )
    exempt = (
        facts.group_by("fact")
        .agg(pl.len().alias("n"))
        .join(pairs, on="fact")
        .filter(
            (pl.col("n") > 1) & (pl.col("disputed_pairs") == pl.col("n") * (pl.col("n") - 1) // 2)
        )
        .join(facts, on="fact")
        .get_column("observation_id")
    )
    exempted = pl.col("observation_id").is_in(exempt.implode())
    return pl.when(exempted).then(pl.col("observation_id")).alias("dispute_key")


def component_sums(t: Tables) -> pl.DataFrame:
    """Each observation of an indicator that has components (indicators naming it as parent),
    with the sums of its components' bounds: observations of the component indicators with the
    same geography and period whose as-of dates may stand for the same day as its own.

    Sums are of ranges: components_lower adds lower bounds (an empty one is 0, as counts are),
    components_upper adds upper bounds and is empty (unbounded) when a component has none or
    has no observation here. When a component has several matching observations, the widest
    reading is taken (the least lower, the greatest upper), so the sums never overstate.
    """
    indicators = first_per_key(t["indicators"], "indicator_id")
    parts = indicators.filter(pl.col("parent_indicator_id").is_not_null()).select(
        pl.col("indicator_id").alias("component"), pl.col("parent_indicator_id").alias("total")
    )
    per_total = parts.group_by("total").agg(pl.len().alias("component_indicators"))
    involved = pl.concat([parts["component"], parts["total"]])
    # Only observations of a component or a total: their dates are read, not every one's.
    observations = (
        t["observations"]
        .filter(
            readable(t["observations"], ["lower_bound", "upper_bound"])
            & pl.col("indicator_id").is_in(involved.implode())
        )
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
