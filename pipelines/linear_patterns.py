"""frictionless's string fields with their `pattern` run on a linear-time engine.

frictionless matches a `pattern` with Python's `re`, which backtracks: `^(a+)+$` against forty
a's and a `!` never ends. While `linear_patterns()` is in force, frictionless builds every string
field (through its plugin system, so copies too: the lookups of foreign keys read copies) as
one whose cell reader is frictionless's own, without the pattern, and then matches the
pattern with polars (kzdata.pipelines.table_engine.patterns), giving the note frictionless
would give, in its place. So Python's `re` never sees a cell. A pattern polars cannot run
with the same meaning (look-around, back-references) is not run at all: `unchecked_patterns`
lists it for a `pattern-not-checked` warning.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import attrs
from frictionless import Plugin, system
from frictionless.fields import StringField

from kzdata.pipelines.table_engine.patterns import cell_matcher

PATTERN = "pattern"


@attrs.define(kw_only=True, repr=False)
class LinearPatternField(StringField):
    """A string field whose pattern is matched by polars, never by Python's `re`."""

    def create_cell_reader(self) -> Any:
        pattern = self.constraints.get(PATTERN)
        if pattern is None:
            return super().create_cell_reader()
        bare = StringField.from_descriptor(self.to_descriptor())
        bare.constraints = {k: v for k, v in self.constraints.items() if k != PATTERN}
        bare.schema = self.schema  # the schema's missingValues apply
        read = bare.create_cell_reader()
        matches = cell_matcher(str(pattern))
        if matches is None:
            return read
        order = list(self.supported_constraints)

        def cell_reader(cell: Any) -> tuple[Any, dict[str, str] | None]:
            value, notes = read(cell)
            # As frictionless: constraints are checked on a value of the field's type only.
            if not isinstance(value, str) or (notes and "type" in notes) or matches(value):
                return value, notes
            notes = {**(notes or {}), PATTERN: f'constraint "{PATTERN}" is "{pattern}"'}
            return value, {name: notes[name] for name in order if name in notes}

        return cell_reader


class _LinearPatterns(Plugin):
    def select_field_class(self, type: str | None = None) -> Any:
        return LinearPatternField if type == "string" else None


@contextlib.contextmanager
def linear_patterns() -> Iterator[None]:
    """While in force, frictionless builds string fields as LinearPatternFields."""
    system.register(_PLUGIN, _LinearPatterns())
    try:
        yield
    finally:
        system.deregister(_PLUGIN)


_PLUGIN = "kzdata-linear-patterns"


def unchecked_patterns(resource: Any) -> list[tuple[str, str]]:
    """(field, pattern) of `resource`'s string fields whose pattern polars cannot run."""
    schema = getattr(resource, "schema", None)
    return [
        (field.name, str(pattern))
        for field in getattr(schema, "fields", None) or []
        if field.type == "string"
        and (pattern := field.constraints.get(PATTERN)) is not None
        and cell_matcher(str(pattern)) is None
    ]
