"""frictionless reading and exporting a descriptor of many fields, its pure work per field done
once per distinct field.

frictionless checks every field of a schema, with jsonschema and then in Python, when it reads
a descriptor and again when it exports one for `validate=True`: 20,000 checks for a table of
10,000 fields, most of them alike. While `once_per_field()` is in force, a field that passes
makes every later field of its shape (the same descriptor but for the words of its name, title
and description, see FREE_TEXT) pass without a check, for the same field class and the same
Data Package version. A field that fails is checked in full, so every error frictionless
reports is reported, in its words and order (tests/test_descriptor_once.py). Two lookups it
makes several times a field are answered once per input too: a field type's class (while the
plugins are the same) and a property's name in snake case.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

from kzdata.pipelines.descriptor_profile import free_text, shape

# The words a field's check never reads but to quote its name in a note (only when it fails):
# frictionless's Field.metadata_validate reads `name` to build the field that reads
# `example`, whose reading does not depend on it, and reads neither `title` nor
# `description`. Of them, only those the class's profile lets be any string are left out
# (a test checks that the profile of every field type still does).
FREE_TEXT = frozenset({"name", "title", "description"})


@contextlib.contextmanager
def once_per_field() -> Iterator[None]:
    """While in force, frictionless checks each shape of field once, and looks each field
    type's class and each property's snake-case name up once (see the module's doc)."""
    from frictionless import system
    from frictionless.schema.field import Field
    from frictionless.vendors import stringcase

    original = Field.__dict__["metadata_validate"]
    snakecase = stringcase.snakecase
    select = vars(system).get("select_field_class")  # set when this is in force already
    Field.metadata_validate = classmethod(_checked_once(original.__func__))  # type: ignore[method-assign]
    system.select_field_class = _class_once(system)  # type: ignore[method-assign]
    stringcase.snakecase = _words_once(snakecase)
    try:
        yield
    finally:
        Field.metadata_validate = original  # type: ignore[method-assign]
        if select is None:
            del system.select_field_class
        else:
            system.select_field_class = select  # type: ignore[method-assign]
        stringcase.snakecase = snakecase


def _checked_once(check: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    passed: set[tuple[Any, ...]] = set()
    free: dict[type, tuple[str, ...]] = {}

    def metadata_validate(cls: type, descriptor: Any, *, context: Any = None) -> Iterator[Any]:
        if cls not in free:
            words = free_text([cls.metadata_ensure_profile()])  # type: ignore[attr-defined]
            free[cls] = tuple(w for w in words if w in FREE_TEXT)
        found = shape(descriptor, free[cls])
        version = getattr(context, "datapackage_version", None)
        key = None if found is None else (cls, version, found)
        if key is not None and key in passed:
            return
        errors = list(check(cls, descriptor, context=context))
        if not errors and key is not None:
            passed.add(key)
        yield from errors

    return metadata_validate


def _class_once(system: Any) -> Callable[..., Any]:
    """system.select_field_class, each type's class kept while the plugins (which may pick
    another class) are the same: registering or deregistering one rebuilds `system.methods`."""
    select = type(system).select_field_class
    classes: dict[str, Any] = {}
    plugins = [system.methods]

    def select_field_class(field_type: Any = None) -> Any:
        if not isinstance(field_type, str):
            return select(system, field_type)
        if system.methods is not plugins[0]:
            plugins[0] = system.methods
            classes.clear()
        if field_type not in classes:
            classes[field_type] = select(system, field_type)  # an error is raised, not kept
        return classes[field_type]

    return select_field_class


def _words_once(snakecase: Callable[[Any], str]) -> Callable[[Any], str]:
    cached = functools.cache(snakecase)
    return lambda name: cached(name) if type(name) is str else snakecase(name)
