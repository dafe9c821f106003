"""The number scanner: every number-like token of a text, with its [start, end) offsets.

One scanner serves `kzdata extract` and the provenance checks (quotes carry their values,
every number of a document is mapped or marked), so they can never disagree on what a number
is. The words it knows are declared in schemas/number_words.yaml; the token boundaries are:

- digits, with group separators and a decimal part: "709", "1,200", "2.5"; a scale word after
  them belongs to the number ("1.2 million"); letters glued after them too ("1990s", "5bn"),
  except an ordinal suffix ("21st" is no token). Digits glued to letters on their left are an
  identifier, not a number ("A320").
- years: four digits in the declared range, standing alone ("2025").
- number words: cardinals joined by spaces or hyphens, as one token ("nine", "forty-one",
  "two thousand", "one hundred and five", "a dozen"); never an ordinal ("twenty-first").
- vague quantities: "a few dozen", "several hundred", "dozens", "hundreds of thousands"; the
  "of" before a noun is not part of the token ("hundreds" in "hundreds of cases").
- dates with a month name and a day or a year: "25 December", "December 25, 2025",
  "April and July 2025", "3 to 5 May"; a month alone is no token.

Tokens never overlap: at each place the first of date, vague quantity, digits and words that
matches is taken, so "25 December" is one date, not a number (and "April 28 cases" reads as
the date "April 28": a date wins over a count beside it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from kzdata.schemas import number_words

_SPACE = r"[^\S\r\n]+"  # a number never runs across a line break
_HYPHEN = "[-\u2010\u2011]"
_DASH = "[-\u2010\u2011\u2013\u2014]"  # between days or months of one date


@dataclass(frozen=True)
class Token:
    """One number-like token: `text == document[start:end]`.

    `value` is the number it states (None for vague quantities, dates and digits with letters
    glued on); `numbers` every number it names (a date's days and year too); `months`, `days`
    and `year` are a date's parts.
    """

    start: int
    end: int
    text: str
    kind: str
    value: int | Decimal | None = None
    numbers: tuple[int | Decimal, ...] = ()
    months: tuple[int, ...] = ()
    days: tuple[int, ...] = ()
    year: int | None = None


def scan(text: str) -> list[Token]:
    """Every number-like token of `text`, in order of their offsets."""
    return _scanner().scan(text)


def month_numbers(text: str) -> set[int]:
    """The months named anywhere in `text`, with or without a day or year."""
    scanner = _scanner()
    return {scanner.months[m.group(0).rstrip(".")] for m in scanner.month_word.finditer(text)}


@cache
def _scanner() -> _Scanner:
    return _Scanner(number_words())


def _alt(words: Any) -> str:
    # Longest first, so that "seventeen" is not read as "seven".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _word(words: Any) -> str:
    """Any of `words`, case-insensitively, as whole words (a space in one may be any run of
    spaces other than a line break)."""
    alternatives = _alt(words).replace(r"\ ", _SPACE)
    return rf"(?i:{alternatives})(?![^\W_])"


class _Scanner:
    """The vocabulary compiled into one regular expression, and readers of its matches."""

    def __init__(self, vocabulary: dict[str, Any]) -> None:
        v = vocabulary
        self.cardinals = {**v["units"], **v["teens"], **v["tens"]}
        self.scales = dict(v["scales"])
        self.months = {**v["months"], **v["month_abbreviations"]}
        self.ordinal_suffixes = {s.lower() for s in v["ordinal_suffixes"]}
        self.years = range(v["years"][0], v["years"][1] + 1)
        self.group_separators = "".join(v["digit_group_separators"])
        self.month_word = re.compile(rf"(?<!\w){_month(v)}")
        self.pattern = re.compile(
            rf"(?<!\w)(?:(?P<date>{_date(v)})|(?P<vague>{_vague(v)})"
            rf"|(?P<digits>{_digits(v)})|(?P<words>{_words(v)}))"
        )

    def scan(self, text: str) -> list[Token]:
        tokens = []
        for match in self.pattern.finditer(text):
            kind = match.lastgroup
            if kind == "digits" and (match.group("suffix") or "").lower() in self.ordinal_suffixes:
                continue  # "21st" is an ordinal
            tokens.append(getattr(self, f"_{kind}")(match))
        return tokens

    def _digits(self, match: re.Match[str]) -> Token:
        number, suffix, scale = match.group("number", "suffix", "scale")
        amount = Decimal(number.translate({ord(c): None for c in self.group_separators}))
        value: int | Decimal | None = _number(amount)
        if scale:
            value = _number(amount * self.scales[scale.lower()])
        elif suffix:  # letters glued on ("1990s", "5bn"): a number, but not one we can read
            value = None
        plain = number.isdigit() and not suffix and not scale
        kind = "year" if plain and len(number) == 4 and int(number) in self.years else "digits"
        return _token(match, kind, value, () if value is None else (value,))

    def _words(self, match: re.Match[str]) -> Token:
        total, current = 0, 0
        for word in re.split(rf"{_SPACE}|{_HYPHEN}", match.group(0).lower()):
            if word in self.cardinals:
                current += self.cardinals[word]
            elif word in self.scales and self.scales[word] < 1000:  # "five hundred", "two dozen"
                current = max(current, 1) * self.scales[word]
            elif word in self.scales:  # "two thousand" closes a group of three digits
                total += max(current, 1) * self.scales[word]
                current = 0
            # "a" and "and" add nothing: "a hundred" is one hundred, "hundred and five" 105.
        value = total + current
        return _token(match, "words", value, (value,))

    def _vague(self, match: re.Match[str]) -> Token:
        return _token(match, "vague", None, ())

    def _date(self, match: re.Match[str]) -> Token:
        text = match.group(0)
        months = tuple(self.months[m.group(0).rstrip(".")] for m in self.month_word.finditer(text))
        numbers = [int(re.match(r"[0-9]+", n).group(0)) for n in re.findall(r"[0-9]+\w*", text)]
        year = next((n for n in numbers if n >= 1000), None)
        days = tuple(n for n in numbers if n < 1000)
        found = (*days, year) if year is not None else days
        return _token(match, "date", None, found, months, days, year)


# The four token patterns, built from the vocabulary. `_JOIN` joins the words of one number.
_JOIN = rf"(?:{_SPACE}|{_HYPHEN})"


def _words(v: dict[str, Any]) -> str:
    """Cardinals as one token: "nine", "forty-one", "two thousand and five", "a dozen"."""
    scale = _word(v["scales"])
    small = rf"(?:{_word(v['tens'])}(?:{_JOIN}{_word(v['units'])})?|{_word(v['teens'])}"
    small += rf"|{_word(v['units'])})"
    after_scale = rf"(?:{_JOIN}{scale}(?:(?:{_SPACE}(?i:and))?{_JOIN}{small})?)"
    # "twenty-first", "one hundredth": a cardinal that starts an ordinal is no token.
    scale_ordinals = [w for w in v["ordinal_words"] if w[:-2] in v["scales"]]
    not_ordinal = rf"(?!{_HYPHEN}{_word(v['ordinal_words'])})(?!{_SPACE}{_word(scale_ordinals)})"
    return rf"(?:{small}|(?i:a)(?={_JOIN}{scale})){after_scale}*{not_ordinal}"


def _vague(v: dict[str, Any]) -> str:
    """ "a few dozen", "several hundred", "dozens", "tens of thousands"."""
    scale, plurals = _word(v["scales"]), _word(v["vague"]["plurals"])
    determiners = _word(v["vague"]["determiners"])
    return (
        rf"(?:{determiners}{_SPACE}{scale}(?:{_SPACE}{scale})*"
        rf"|(?:{plurals}{_SPACE}(?i:of){_SPACE})*{plurals})"
    )


def _digits(v: dict[str, Any]) -> str:
    """ "709", "1,200", "2.5", "1.2 million", "1990s"; the suffix tells an ordinal ("21st")."""
    separators = "".join(re.escape(s) for s in v["digit_group_separators"])
    number = rf"(?:\d{{1,3}}(?:[{separators}]\d{{3}})+|\d+)(?:\.\d+)?"
    scale = _word(v["scales"])
    return rf"(?P<number>{number})(?P<suffix>[^\W\d_]*)(?!\w)(?:{_SPACE}(?P<scale>{scale}))?"


def _month(v: dict[str, Any]) -> str:
    full, abbreviated = _alt(v["months"]), _alt(v["month_abbreviations"])
    return rf"(?:(?:{full})(?!\w)|(?:{abbreviated})(?!\w)\.?)"


def _date(v: dict[str, Any]) -> str:
    """A month name with a day or a year: "25 December", "December 25, 2025", "April and
    July 2025", "the 25th of December" (from "25th")."""
    day = rf"(?:3[01]|[12][0-9]|0?[1-9])(?:{_alt(v['ordinal_suffixes'])})?(?!\w)"
    year = r"[0-9]{4}(?!\w)"
    gap = r"[^\S\r\n]*"
    joiner = rf"(?:{gap}(?:,|{_DASH}){gap}|{_SPACE}(?:{_alt(v['date_joiners'])}){_SPACE})"
    months = rf"{_month(v)}(?:{joiner}{_month(v)})*"
    days = rf"{day}(?:{joiner}{day})*"
    return (
        rf"(?:{days}{_SPACE}(?:of{_SPACE})?{months}(?:,?{_SPACE}{year})?"
        rf"|{months}{_SPACE}{days}(?:,?{_SPACE}{year})?"
        rf"|{months},?{_SPACE}{year})"
    )


def _token(match: re.Match[str], kind: str, value: Any, numbers: tuple, *date: Any) -> Token:
    return Token(match.start(), match.end(), match.group(0), kind, value, numbers, *date)


def _number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value
