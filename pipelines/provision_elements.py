"""The parts of a legal provision a source can state, and whether a statement agrees with the
provision as recorded: one reading for the seeds check in `kzdata build` and for the
great_expectations layer of `kzdata validate`.

A provision records its article number, prison terms and penalties once (legal_provisions);
each source's statement of one part is a provision citation. A number part (article, terms)
is stated as the source wrote it ("172", "nine"); a penalty (life imprisonment, confiscation)
is stated by naming it, with no value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kzdata.pipelines.quote_values import carries_value

NUMBER_ELEMENTS = ("article", "min_imprisonment_years", "max_imprisonment_years")
PENALTY_ELEMENTS = ("life_imprisonment", "confiscation")
ELEMENTS = NUMBER_ELEMENTS + PENALTY_ELEMENTS


def as_text(value: Any) -> str | None:
    """A provision's cell as the package writes it: booleans lower case, empty as None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def credited(provision: Mapping[str, Any]) -> list[str]:
    """The parts of a provision that some source must state: every number recorded, and every
    penalty recorded as possible (false, read off a fixed longest term, needs none)."""
    return [
        element
        for element in ELEMENTS
        if (text := as_text(provision.get(element))) is not None
        and (element in NUMBER_ELEMENTS or text == "true")
    ]


def statement_problem(element: str, stated_value: str | None, recorded: Any) -> str | None:
    """Why a statement of `element` (its stated value) does not agree with the provision's
    recorded value of it, or None when it does. An unknown element is the enum check's."""
    recorded_text = as_text(recorded)
    if element in NUMBER_ELEMENTS:
        if stated_value is None:
            return f"states the {element} with no stated_value: write it as the source does"
        if recorded_text is None:
            return (
                f"states {element} {stated_value!r}, but the provision records none: "
                "record the value the sources give"
            )
        if not carries_value(stated_value, recorded_text):
            return f"states {element} {stated_value!r}, not the provision's {recorded_text}"
        return None
    if element in PENALTY_ELEMENTS:
        if stated_value is not None:
            return f"states {element} with the value {stated_value!r}: a penalty takes none"
        if recorded_text != "true":
            shown = recorded_text or "empty"
            return f"states {element}, but the provision records it as {shown}, not true"
    return None
