"""The frame of relay chains: each citation that relays a source, with the chain of relays
among the fact's citations that leads back to its own source, if one does.

A citation of source A that relays B points at B's statements of the same fact (the
observation), and so on; a chain that comes back to A has no source that gave the figure.
This is the definition kzdata.pipelines.origins.trace applies to the seeds, computed here on
whole columns so that it stays fast however many citations relay.
"""

from __future__ import annotations

import polars as pl

from kzdata.pipelines.frame_spec import Tables
from kzdata.pipelines.typed_table import ROW


def relay_chains(t: Tables) -> pl.DataFrame:
    """Each relaying citation with `relay_cycle`: its circle of sources ('a -> b -> a'), or
    empty when its chain ends at a source that gives the figure."""
    citations = t["citations"].filter(
        pl.col("relays_source_id").is_not_null() & pl.col("source_id").is_not_null()
    )
    edges = citations.select(
        "observation_id", pl.col("source_id").alias("from"), pl.col("relays_source_id").alias("to")
    ).unique()
    walkers = citations.select(
        ROW,
        "observation_id",
        pl.col("source_id").alias("start"),
        pl.col("relays_source_id").alias("current"),
        pl.concat_str(pl.col("source_id"), pl.lit(" -> "), pl.col("relays_source_id")).alias(
            "chain"
        ),
    )
    # A circle back to the start passes each source of the fact at most once.
    longest = edges.group_by("observation_id").agg(pl.col("from").n_unique()).get_column("from")
    steps = int(longest.max() or 0) + 1
    closed = []
    for _ in range(steps):
        back = pl.col("current") == pl.col("start")
        closed.append(walkers.filter(back).select(ROW, pl.col("chain").alias("relay_cycle")))
        walkers = (
            walkers.filter(~back)
            .join(edges, left_on=["observation_id", "current"], right_on=["observation_id", "from"])
            .select(
                ROW,
                "observation_id",
                "start",
                pl.col("to").alias("current"),
                pl.concat_str(pl.col("chain"), pl.lit(" -> "), pl.col("to")).alias("chain"),
            )
            # Branches that meet again walk on as one.
            .unique([ROW, "current"], keep="first", maintain_order=True)
        )
        if walkers.is_empty():
            break
    cycles = pl.concat(closed).unique(ROW, keep="first", maintain_order=True)
    return (
        citations.select(ROW, "citation_id", "source_id", "relays_source_id")
        .join(cycles, on=ROW, how="left")
        .sort(ROW)
    )
