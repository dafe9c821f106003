"""Frames of figures that disagree: the observations of one fact (indicator, geography and
period) whose bounds do not overlap and that no declaration in `disagreements` covers, and each
declaration beside what its reason needs to hold.

Figures agree when their bounds overlap (an empty bound is unbounded). A withdrawn observation
is a tombstone and disagrees with nothing. Which sources stand behind each figure is named from
its citations, a relay with the source it relays.
"""

from __future__ import annotations

import polars as pl

from kzdata.pipelines.frame_spec import Tables
from kzdata.pipelines.partial_dates import earliest_day, latest_day
from kzdata.pipelines.typed_table import ROW, beside, first_per_key, readable, sharing_keys

FACT_KEY = ["indicator_id", "geography", "period_start", "period_end"]
DIFFERENT_AS_OF, SUPERSEDED, DISPUTED = "different_as_of", "superseded", "disputed"
OTHER = "_other"


def observation_agreements(t: Tables) -> pl.DataFrame:
    """Each observation with the earlier observations (by row) of its fact that it disagrees
    with, undeclared (`disagrees_with`, empty when none), so that each pair is reported once;
    and `reasonless_dispute`, its status when it is disputed with no status_reason."""
    observations = t["observations"]
    standing = readable(observations, ["lower_bound", "upper_bound"]) & (
        pl.col("status") != "withdrawn"
    ).fill_null(True)
    # Only facts with two figures or more can hold a pair: most have one.
    shared = sharing_keys(observations, FACT_KEY, among=standing).select(
        ROW, "observation_id", *FACT_KEY, "lower_bound", "upper_bound"
    )
    pairs = shared.join(shared, on=FACT_KEY, how="inner", nulls_equal=True, suffix=OTHER)
    apart = (pl.col("lower_bound") > pl.col(f"upper_bound{OTHER}")).fill_null(False) | (
        pl.col(f"lower_bound{OTHER}") > pl.col("upper_bound")
    ).fill_null(False)
    pairs = pairs.filter((pl.col(f"{ROW}{OTHER}") < pl.col(ROW)) & apart).join(
        _declared(t),
        left_on=["observation_id", f"observation_id{OTHER}"],
        right_on=["a", "b"],
        how="anti",
    )
    # Readings and sources are a message's words: only those of a figure in a pair.
    involved = pl.concat([pairs[ROW], pairs[f"{ROW}{OTHER}"]])
    described = shared.filter(pl.col(ROW).is_in(involved.implode()))
    described = described.join(
        _sources(t, described["observation_id"]), on="observation_id", how="left"
    ).select(ROW, _reading().alias("reading"), pl.col("sources").fill_null("no citation"))
    undeclared = (
        pairs.select(ROW, f"{ROW}{OTHER}", f"observation_id{OTHER}")
        .join(described.rename(lambda c: f"{c}{OTHER}"), on=f"{ROW}{OTHER}", how="left")
        .group_by(ROW)
        .agg(
            pl.concat_str(
                pl.col(f"observation_id{OTHER}"),
                pl.lit(" ("),
                pl.col(f"reading{OTHER}"),
                pl.lit(", from "),
                pl.col(f"sources{OTHER}"),
                pl.lit(")"),
            )
            .sort()
            .str.join("; ")
            .alias("disagrees_with")
        )
    )
    disputed = pl.col("status") == "disputed"
    frame = observations.select(
        ROW,
        "observation_id",
        "status",
        pl.when(disputed & pl.col("status_reason").is_null())
        .then(pl.col("status"))
        .alias("reasonless_dispute"),
    )
    return beside(beside(frame, described, ROW), undeclared, ROW)


def _reading() -> pl.Expr:
    """An observation's bounds as text: '709', '630 to 770', '24 to unbounded'."""
    low = pl.col("lower_bound").cast(pl.String).fill_null("unbounded")
    high = pl.col("upper_bound").cast(pl.String).fill_null("unbounded")
    same = pl.col("lower_bound").eq_missing(pl.col("upper_bound"))
    return pl.when(same).then(low).otherwise(pl.concat_str(low, pl.lit(" to "), high))


def _sources(t: Tables, observations: pl.Series) -> pl.DataFrame:
    """Per observation of `observations`, the sources that state it ('b, c (relaying a)');
    none without the citations table."""
    schema = {"observation_id": pl.String, "sources": pl.String}
    citations = t.get("citations")
    if citations is None or "source_id" not in citations.columns:
        return pl.DataFrame(schema=schema)
    relays = (
        pl.col("relays_source_id")
        if "relays_source_id" in citations.columns
        else pl.lit(None, pl.String)
    )
    label = pl.when(relays.is_null()).then(pl.col("source_id"))
    label = label.otherwise(
        pl.concat_str(pl.col("source_id"), pl.lit(" (relaying "), relays, pl.lit(")"))
    )
    return (
        citations.filter(
            pl.col("source_id").is_not_null()
            & pl.col("observation_id").is_in(observations.implode())
        )
        .group_by("observation_id")
        .agg(label.unique().sort().str.join(", ").alias("sources"))
        .select(list(schema))
    )


def _declared(t: Tables) -> pl.DataFrame:
    """Every declared pair, in both orders, whatever its reason (whether the reason holds is
    the disagreement_reasons frame's)."""
    declared = t.get("disagreements")
    schema = {"a": pl.String, "b": pl.String}
    if declared is None:
        return pl.DataFrame(schema=schema)
    pairs = declared.select(
        pl.col("observation_id").alias("a"), pl.col("other_observation_id").alias("b")
    ).drop_nulls()
    return pl.concat([pairs, pairs.select(pl.col("b").alias("a"), pl.col("a").alias("b"))])


def disagreement_reasons(t: Tables) -> pl.DataFrame:
    """Each declared disagreement with `problem`: why its reason does not hold, or empty.
    different_as_of needs as-of dates that cannot stand for the same day; superseded, the other
    (later) observation as of a day after this one's; disputed, both observations disputed.
    A declaration naming an unknown observation is the foreign key check's."""
    declared = t["disagreements"]
    named = pl.concat([declared["observation_id"], declared["other_observation_id"]])
    # Only the observations a declaration names: their dates are read, not every one's.
    named_only = t["observations"].filter(pl.col("observation_id").is_in(named.implode()))
    observations = first_per_key(named_only, "observation_id").select(
        "observation_id",
        *FACT_KEY,
        "as_of",
        pl.col("status").fill_null("current"),
        earliest_day(pl.col("as_of")).alias("first"),
        latest_day(pl.col("as_of")).alias("last"),
    )
    other = observations.rename({c: f"{c}{OTHER}" for c in observations.columns})
    frame = (
        t["disagreements"]
        .select(ROW, "observation_id", "other_observation_id", "reason")
        .join(observations, on="observation_id", how="inner")
        .join(
            other,
            left_on="other_observation_id",
            right_on=f"observation_id{OTHER}",
            how="inner",
        )
    )
    return frame.select(ROW, "observation_id", "other_observation_id", "reason", _problem()).sort(
        ROW
    )


def _problem() -> pl.Expr:
    a, b = pl.col("observation_id"), pl.col("other_observation_id")
    same_fact = pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"{c}{OTHER}")) for c in FACT_KEY)
    first, last = pl.col("first"), pl.col("last")
    first_other, last_other = pl.col(f"first{OTHER}"), pl.col(f"last{OTHER}")
    dated = pl.all_horizontal(d.is_not_null() for d in (first, last, first_other, last_other))
    may_be_same_day = (first <= last_other) & (first_other <= last)
    status, status_other = pl.col("status"), pl.col(f"status{OTHER}")
    as_of, as_of_other = pl.col("as_of"), pl.col(f"as_of{OTHER}")
    return (
        pl.when(a == b)
        .then(pl.concat_str(pl.lit("declares observation "), a, pl.lit(" against itself")))
        .when(~same_fact)
        .then(
            pl.concat_str(
                a,
                pl.lit(" and "),
                b,
                pl.lit(
                    " are not figures of one fact: they differ in indicator, geography or period"
                ),
            )
        )
        .when((pl.col("reason") == DIFFERENT_AS_OF) & dated & may_be_same_day)
        .then(
            pl.concat_str(
                pl.lit("different_as_of, but the as-of dates "),
                as_of,
                pl.lit(" and "),
                as_of_other,
                pl.lit(" may stand for the same day"),
            )
        )
        .when((pl.col("reason") == SUPERSEDED) & dated & (first_other <= last))
        .then(
            pl.concat_str(
                pl.lit("superseded, but "),
                b,
                pl.lit(" (as of "),
                as_of_other,
                pl.lit(") is not as of a later day than "),
                a,
                pl.lit(" (as of "),
                as_of,
                pl.lit("): the later figure is the other one"),
            )
        )
        .when((pl.col("reason") == DISPUTED) & ((status != DISPUTED) | (status_other != DISPUTED)))
        .then(
            pl.concat_str(
                pl.lit("disputed, but the status of "),
                a,
                pl.lit(" is "),
                status,
                pl.lit(" and of "),
                b,
                pl.lit(" is "),
                status_other,
                pl.lit(": a disputed pair is published as disputed"),
            )
        )
        .alias("problem")
    )
