"""The number scanner: which words are numbers, where a token starts and ends, what it states;
and the two readings built on it, a quote carrying its value and coverage of a document."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kzdata.pipelines import coverage
from kzdata.pipelines.number_scanner import scan
from kzdata.pipelines.quote_values import carries_date, carries_value


def tokens(text: str) -> list[tuple[str, str]]:
    found = scan(text)
    for t in found:
        assert text[t.start : t.end] == t.text
    return [(t.text, t.kind) for t in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a fleet of 312 boats", [("312", "digits")]),
        ("some 4,350 tonnes", [("4,350", "digits")]),
        ("some 4\u00a0350 tonnes", [("4\u00a0350", "digits")]),
        ("a 2.5 percent rise", [("2.5", "digits")]),
        ("1.5 million people", [("1.5 million", "digits")]),
        ("back in 1998.", [("1998", "year")]),
        ("the 1990s and 5bn", [("1990s", "digits"), ("5bn", "digits")]),
        ("eleven ferries", [("eleven", "words")]),
        ("Forty-one swans", [("Forty-one", "words")]),
        ("two thousand geese", [("two thousand", "words")]),
        ("one hundred and five ducks", [("one hundred and five", "words")]),
        ("a dozen eggs and a hundred more", [("a dozen", "words"), ("a hundred", "words")]),
        ("a few dozen boats", [("a few dozen", "vague")]),
        ("several hundred boats", [("several hundred", "vague")]),
        ("a few thousand boats", [("a few thousand", "vague")]),
        ("dozens of boats", [("dozens", "vague")]),
        ("Hundreds of boats", [("Hundreds", "vague")]),
        ("tens of thousands of boats", [("tens of thousands", "vague")]),
        ("on 14 March, then", [("14 March", "date")]),
        ("on March 14, 2031 then", [("March 14, 2031", "date")]),
        ("in May and August 2031,", [("May and August 2031", "date")]),
        ("from 3\u20135 June", [("3\u20135 June", "date")]),
        ("the 9th of October", [("9th of October", "date")]),
        ("in October alone", []),
        ("the first, second and 21st boats", []),
        ("the twenty-first boat, the one hundredth", []),
        ("a few boats, several boats", []),
        ("flight A320 and file x9_2", []),
        ("the 7 may sail", [("7", "digits")]),
    ],
)
def test_token_kinds_and_boundaries(text, expected) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4,350", 4350),
        ("2.5", Decimal("2.5")),
        ("1.5 million", 1_500_000),
        ("forty-one", 41),
        ("two thousand three hundred and five", 2305),
        ("a dozen", 12),
        ("nine", 9),
    ],
)
def test_values(text, value) -> None:
    (token,) = scan(text)
    assert token.value == value


def test_a_date_knows_its_parts() -> None:
    (date,) = scan("May and August 2031")
    assert (date.months, date.days, date.year) == ((5, 8), (), 2031)


@pytest.mark.parametrize(
    ("quote", "value", "carried"),
    [
        ("opened 312 files", "312", True),
        ("opened 312 files", "412", False),
        ("opened 1312 files", "312", False),  # a substring is not the number
        ("a list of 4,350 names", "4350", True),
        ("a list of 4,350 names", "4,350", True),
        ("for up to eleven years", "11", True),
        ("Hundreds of files", "hundreds", True),
        ("only a few dozen files", "a few dozen", True),
        ("only dozens of files", "a few dozen", False),
    ],
)
def test_a_quote_carries_its_value(quote, value, carried) -> None:
    assert carries_value(quote, value) is carried


@pytest.mark.parametrize(
    ("quote", "date", "carried"),
    [
        ("figures released on March 14", "2031-03-14", True),
        ("figures released on March 14", "2031-03-15", False),
        ("in May and August 2031, a list", "2031-08", True),
        ("in May and August 2031, a list", "2030-08", False),
        ("released in August", "2031-08", True),
        ("In 2031 alone", "2031", True),
        ("In 2031 alone", "2030", False),
    ],
)
def test_a_quote_carries_its_date(quote, date, carried) -> None:
    assert carries_date(quote, date) is carried


def test_coverage_names_what_no_span_covers() -> None:
    text = "Some 312 boats sailed in 1998; eleven sank."
    found = coverage.tokens(text)
    assert [t.text for t in coverage.unmapped(found, [(5, 14)])] == ["1998", "eleven"]
    assert coverage.unmapped(found, [(0, 29), (31, 37)]) == []
    # A span must cover a token whole: half a number is not a mapping.
    assert [t.text for t in coverage.unmapped(found, [(0, 7), (20, 43)])] == ["312"]
    assert coverage.holds_a_number(found, 25, 29)
    assert not coverage.holds_a_number(found, 9, 15)


def test_the_context_is_a_few_words_on_one_line() -> None:
    text = "A headline\n\nthe crews of the 312 boats sailed early that year\nnext"
    start = text.index("312")
    assert coverage.around(text, start, start + 3) == "…crews of the 312 boats sailed early…"
