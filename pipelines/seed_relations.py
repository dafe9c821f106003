"""Seeds check of what relates statements and facts to each other: relay chains end at a
source that gives the figure (they never go round in a circle), and each declared
disagreement names two observations that exist, once.

Whether a declared reason holds (the as-of dates, the statuses) is the great_expectations
layer's rule disagreement-reason-holds, run by `kzdata validate` on the built package.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from kzdata.pipelines import origins
from kzdata.pipelines.errors import SeedProblem

if TYPE_CHECKING:
    from kzdata.pipelines.seeds import Seeds


def check_relations(seeds: Seeds, codebook_file: str) -> list[SeedProblem]:
    """Problems with relay chains (named by source file and citation) and with declared
    disagreements (named in `codebook_file`)."""
    return _relay_cycles(seeds) + _declarations(seeds, codebook_file)


def _relay_cycles(seeds: Seeds) -> list[SeedProblem]:
    per_fact: dict[str, list[origins.Statement]] = defaultdict(list)
    where: dict[str, tuple[str, str]] = {}
    for source in seeds.sources:
        for i, c in enumerate(source.data.get("citations", [])):
            statement = origins.Statement(
                c["id"], source.data["id"], c.get("relays"), c.get("origin")
            )
            per_fact[c["observation"]].append(statement)
            where[c["id"]] = (source.file, f"citations[{i}] ({c['id']})")
    problems = []
    for statements in per_fact.values():
        for citation_id, chain in origins.trace(statements).cycles.items():
            file, entry = where[citation_id]
            message = (
                f"its relays go round in a circle ({' -> '.join(chain)}): a relay chain "
                "must end at a source that gives the figure"
            )
            problems.append(SeedProblem(file, entry, message))
    return problems


def _declarations(seeds: Seeds, file: str) -> list[SeedProblem]:
    known = {o["id"] for o in seeds.codebook["observations"]}
    seen: set[frozenset[str]] = set()
    problems = []
    for i, d in enumerate(seeds.codebook.get("disagreements", [])):
        entry = f"disagreements[{i}] ({d['observation']}, {d['other']})"
        for key in ("observation", "other"):
            if d[key] not in known:
                message = f"unknown observation {d[key]!r}"
                problems.append(SeedProblem(file, entry, message))
        pair = frozenset((d["observation"], d["other"]))
        if len(pair) == 1:
            message = "an observation cannot disagree with itself"
            problems.append(SeedProblem(file, entry, message))
        elif pair in seen:
            message = "this pair is declared already: one declaration per pair, in either order"
            problems.append(SeedProblem(file, entry, message))
        seen.add(pair)
    return problems
