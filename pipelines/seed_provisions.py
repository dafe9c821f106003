"""Seeds check: each part of a legal provision is credited to the sources that state it, and
agrees with what they state (kzdata.pipelines.provision_elements)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzdata.pipelines.errors import SeedProblem
from kzdata.pipelines.provision_elements import credited, statement_problem

if TYPE_CHECKING:
    from kzdata.pipelines.seeds import Seeds


def check_provisions(seeds: Seeds, codebook_file: str) -> list[SeedProblem]:
    """A problem for each provision citation that disagrees with its provision or repeats
    another of the same source, and for each recorded part of a provision no source states
    (named in `codebook_file`). Unknown provisions are the reference check's."""
    provisions = {p["id"]: p for p in seeds.codebook["legal_provisions"]}
    stated: set[tuple[str, str]] = set()
    problems = []
    for source in seeds.sources:
        seen: set[tuple[str, str]] = set()
        for i, pc in enumerate(source.data.get("provision_citations", [])):
            key = (pc["provision"], pc["element"])
            where = f"provision_citations[{i}] ({pc['provision']}.{pc['element']})"
            if key in seen:
                message = "the source states this part of the provision twice: keep one"
                problems.append(SeedProblem(source.file, where, message))
            seen.add(key)
            stated.add(key)
            provision = provisions.get(pc["provision"])
            if provision is None:
                continue
            recorded = provision.get(pc["element"])
            if message := statement_problem(pc["element"], pc.get("stated_value"), recorded):
                problems.append(SeedProblem(source.file, where, message))
    for i, provision in enumerate(seeds.codebook["legal_provisions"]):
        for element in credited(provision):
            if (provision["id"], element) not in stated:
                problems.append(
                    SeedProblem(
                        codebook_file,
                        f"legal_provisions[{i}] ({provision['id']}).{element}",
                        "no source states it: add a provision citation to the source that "
                        "gives it, or leave it empty",
                    )
                )
    return problems
