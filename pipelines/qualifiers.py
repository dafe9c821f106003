"""The declared qualifier table (schemas/qualifiers.csv) and the bounds it gives a stated figure."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from fractions import Fraction

from kzdata.pipelines.errors import SeedProblem
from kzdata.schemas import QUALIFIERS_CSV, table_schema

_NUMBER = re.compile(r"[0-9]{1,3}(,[0-9]{3})+|[0-9]+")


@dataclass(frozen=True)
class Qualifier:
    qualifier: str
    precision: str
    lower_factor: float | None
    upper_factor: float | None
    lower_fixed: int | None
    upper_fixed: int | None
    rule: str


@dataclass(frozen=True)
class Bounds:
    value: int | None
    lower: int | None
    upper: int | None
    precision: str


def load() -> tuple[dict[str, Qualifier], list[SeedProblem]]:
    """Read the qualifier table through its Table Schema; problems name row and field."""
    from frictionless import Resource, Schema

    resource = Resource(
        path=QUALIFIERS_CSV.name,
        basepath=str(QUALIFIERS_CSV.parent),
        schema=Schema.from_descriptor(table_schema("qualifiers")),
    )
    report = resource.validate()
    problems = [
        SeedProblem(str(QUALIFIERS_CSV), _where(e), e.message)
        for task in report.tasks
        for e in task.errors
    ] + [SeedProblem(str(QUALIFIERS_CSV), "", e.message) for e in report.errors]
    if problems:
        return {}, problems
    with resource:
        rows = [Qualifier(**row.to_dict()) for row in resource.row_stream]
    return {q.qualifier: q for q in rows}, []


def declared_words() -> list[str]:
    """The qualifier words of schemas/qualifiers.csv, read as plain CSV: no validation, no
    heavy import (for `kzdata extract`, which only looks for them in a text)."""
    with QUALIFIERS_CSV.open(encoding="utf-8", newline="") as f:
        return [row["qualifier"] for row in csv.DictReader(f) if row.get("qualifier")]


def _where(error: object) -> str:
    row, name = getattr(error, "row_number", None), getattr(error, "field_name", None)
    return ", ".join(p for p in (f"row {row}" if row else "", f"field {name}" if name else "") if p)


def parse_number(stated: str) -> int | None:
    """The integer a source wrote ('1,200' -> 1200), or None if it wrote no plain number."""
    return int(stated.replace(",", "")) if _NUMBER.fullmatch(stated) else None


def stated_value_problem(stated: str, qualifier: Qualifier | None) -> str | None:
    """Why a stated value cannot be read under its qualifier, or None."""
    number = parse_number(stated)
    if qualifier is not None and qualifier.precision == "vague":
        return (
            None
            if number is None
            else f"{stated!r} is a number, but {qualifier.qualifier!r} is vague"
        )
    if number is None:
        return f"stated value {stated!r} is not a plain number (digits, optional thousands commas)"
    return None


def bounds(stated: str, qualifier: Qualifier | None) -> Bounds:
    """Value, bounds and precision of a statement, by the declared rule for its qualifier.

    No qualifier means exact. Factors are applied exactly (as fractions) and rounded outward,
    so a bound never excludes a count the statement allows.
    """
    number = parse_number(stated)
    if qualifier is None:
        return Bounds(number, number, number, "exact")
    if qualifier.precision == "vague":
        return Bounds(None, qualifier.lower_fixed, qualifier.upper_fixed, "vague")
    assert number is not None, "stated_value_problem() admits only numbers here"

    def scaled(factor: float | None, rounding) -> int | None:
        return None if factor is None else rounding(number * Fraction(str(factor)))

    return Bounds(
        number,
        scaled(qualifier.lower_factor, math.floor),
        scaled(qualifier.upper_factor, math.ceil),
        qualifier.precision,
    )
