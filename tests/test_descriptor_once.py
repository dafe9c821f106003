"""frictionless reading a descriptor with each shape of field checked once
(kzdata.pipelines.descriptor_once) reports exactly what it reports checking every field: the
same errors, in the same words and order, when it reads the descriptor and when it exports and
checks it again. Compared with frictionless itself, on descriptors hypothesis makes of fields
alike but for their words, and of fields that differ where a check reads them."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from frictionless import FrictionlessException, Package, system
from hypothesis import given, settings
from hypothesis import strategies as st

from kzdata.pipelines.descriptor_once import FREE_TEXT, once_per_field
from kzdata.pipelines.descriptor_profile import free_text
from kzdata.pipelines.linear_patterns import linear_patterns

TYPES = ["string", "integer", "number", "date", "boolean", "year", "datetime", "any", "nosuch", 7]
FORMATS = ["default", "%d/%m/%Y", "email", "any", "fmt:%Y", 3]
CONSTRAINTS = ["required", "unique", "minimum", "maximum", "exclusiveMinimum", "pattern"]
CONSTRAINTS += ["enum", "minLength", "maxLength", "nosuch"]
VALUES = [True, "true", 0, 1, 1.5, "1", "x", "[a-z]+", [1, "a"], None, {}]
EXAMPLES = ["1", "01/02/2020", "2020-01-02", "x", 5, "true", "2020", ""]
WORDS = st.one_of(st.text(max_size=6), st.sampled_from([7, None, ["a"], "f", "F", "f-1"]))

field_bases = st.fixed_dictionaries(
    {"type": st.sampled_from(TYPES)},
    optional={
        "format": st.sampled_from(FORMATS),
        "constraints": st.dictionaries(st.sampled_from(CONSTRAINTS), st.sampled_from(VALUES)),
        "example": st.sampled_from(EXAMPLES),
        "missingValues": st.sampled_from([[""], ["NA", ""], [1], "x", [{"value": "-"}]]),
        "trueValues": st.sampled_from([["yes"], ["1"], "y"]),
        "required": st.booleans(),
        "bareNumber": st.sampled_from([False, "no"]),
        "rdfType": st.sampled_from(["x", 1]),
    },
)


@st.composite
def descriptors(draw: Any) -> dict:
    """A package of one table whose fields are a few shapes, each repeated with other words
    (name, title, description), in any order."""
    bases = draw(st.lists(field_bases, min_size=1, max_size=4))
    fields = []
    for base in draw(st.lists(st.sampled_from(bases), min_size=1, max_size=12)):
        field = {**copy.deepcopy(base), "name": draw(WORDS)}
        for word in ("title", "description"):
            if draw(st.booleans()):
                field[word] = draw(WORDS)
        fields.append(field)
    schema = {"fields": fields}
    if draw(st.booleans()):
        schema["primaryKey"] = [draw(WORDS)]
    package = {"name": "p", "resources": [{"name": "t", "path": "t.csv", "schema": schema}]}
    if draw(st.booleans()):
        package["$schema"] = "https://datapackage.org/profiles/2.0/datapackage.json"
    return package


def frictionless_errors(descriptor: dict) -> list[Any]:
    """What frictionless says of the descriptor, reading it and then exporting and checking
    it (as the frictionless layer does)."""
    try:
        with system.use_context(trusted=False), linear_patterns():
            package = Package.from_descriptor(copy.deepcopy(descriptor))
            package.to_descriptor(validate=True)
    except FrictionlessException as exc:
        return [("reason", e.type, e.note) for e in exc.reasons or [exc.error]]
    except Exception as exc:  # frictionless crashes on some values: it must crash alike
        return [("crash", type(exc).__name__, str(exc))]
    return []


def once(descriptor: dict) -> list[Any]:
    with once_per_field():
        return frictionless_errors(descriptor)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(descriptors())
def test_each_shape_checked_once_finds_what_frictionless_finds(descriptor) -> None:
    assert once(descriptor) == frictionless_errors(descriptor)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # The example is read in the field's format: the format is part of the shape.
        ({"format": "%d/%m/%Y"}, {"format": "default"}),
        # A bound only v2 allows, in a v1 descriptor, with and without its own `$schema`.
        ({"constraints": {"minimum": 1}}, {"constraints": {"exclusiveMinimum": 1}}),
        ({"trueValues": ["01/02/2020"], "type": "boolean"}, {"type": "boolean"}),
    ],
)
def test_a_field_that_differs_beyond_its_words_is_checked_again(first, second) -> None:
    base = {"type": "date", "example": "01/02/2020"}
    fields = [{**base, **first, "name": "a"}, {**base, **second, "name": "b"}]
    descriptor = {"name": "p", "resources": [{"name": "t", "path": "t.csv", "schema": {}}]}
    descriptor["resources"][0]["schema"]["fields"] = fields
    found = frictionless_errors(descriptor)
    assert found  # the second field is wrong where the first is not
    assert once(descriptor) == found


def test_a_field_wrong_in_its_words_is_found_among_fields_alike() -> None:
    fields = [{"name": f"f{n}", "type": "integer", "title": f"T{n}"} for n in range(50)]
    fields[30]["title"] = ["not", "text"]
    fields[40]["name"] = 40
    descriptor = {"name": "p", "resources": [{"name": "t", "path": "t.csv"}]}
    descriptor["resources"][0]["schema"] = {"fields": fields}
    found = frictionless_errors(descriptor)
    assert len(found) == 2
    assert once(descriptor) == found


def test_the_words_left_out_are_any_text_to_every_field_type() -> None:
    # Else the shape keeps them: still correct, but every field is checked again.
    from frictionless import Field, fields

    classes = [c for c in vars(fields).values() if isinstance(c, type) and issubclass(c, Field)]
    assert len(classes) > 10
    for field_class in classes:
        profile = field_class.metadata_ensure_profile()
        assert set(free_text([profile])) >= FREE_TEXT, field_class


def test_frictionless_is_left_as_it_was() -> None:
    from frictionless.schema.field import Field
    from frictionless.vendors import stringcase

    before = (Field.__dict__["metadata_validate"], stringcase.snakecase)
    with once_per_field():
        inner = vars(system)["select_field_class"]
        with once_per_field():
            pass
        assert vars(system)["select_field_class"] is inner
    assert before == (Field.__dict__["metadata_validate"], stringcase.snakecase)
    assert "select_field_class" not in vars(system)


def test_a_field_passed_in_one_version_is_checked_again_in_another() -> None:
    from frictionless.fields import IntegerField
    from frictionless.metadata.context import ValidationContext

    field = {"name": "a", "type": "integer", "constraints": {"exclusiveMinimum": 0}}

    def notes() -> list[list[str]]:
        return [
            [e.note for e in IntegerField.metadata_validate(field, context=context)]
            for context in (ValidationContext("v2"), ValidationContext("v1"))
        ]

    found = notes()
    assert found[0] == [] and found[1]  # v1 has no exclusiveMinimum
    with once_per_field():
        assert notes() == found
