"""Extract: every number of a new source document, with what a maintainer needs to map it
into the seeds: its offsets, the declared qualifier before it, the noun after it, a quote.

The scanner is the one the coverage check uses (kzdata.pipelines.number_scanner), so what
`kzdata extract` lists is exactly what `kzdata build` will ask to be mapped or marked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kzdata.pipelines import coverage, documents, qualifiers
from kzdata.pipelines.number_scanner import Token, scan
from kzdata.schemas import number_words

QUOTE_CHARS = 60  # the longest quote the Table Schemas allow
_GAP = r"[^\S\r\n]+"


@dataclass(frozen=True)
class Candidate:
    """A number of the document and its surroundings. `quote_start` and `quote_end` cover the
    qualifier, the number and the noun, when that stays within QUOTE_CHARS (else the number
    alone)."""

    token: Token
    qualifier: str | None
    noun: str | None
    quote_start: int
    quote_end: int
    context: str


def extract(path: Path) -> tuple[str, list[Candidate]]:
    """Load the document at `path` and list its numbers. Raises CannotRun (no such file) or
    UnreadableInput (not UTF-8, naming the byte)."""
    # Load inputs
    text = documents.read_text(path)
    # Process data
    return text, candidates(text)


def candidates(text: str) -> list[Candidate]:
    """Every number-like token of `text`, in order, with its qualifier, noun and quote."""
    words = sorted(qualifiers.declared_words(), key=len, reverse=True)
    before = re.compile(rf"(?i)(?<!\w)({'|'.join(map(re.escape, words))}){_GAP}$")
    skip = "|".join(map(re.escape, number_words()["noun_skip"]))
    after = re.compile(rf"{_GAP}(?:(?i:{skip}){_GAP})*([^\W\d_][\w'\u2019-]*)")
    found = []
    for token in scan(text):
        qualifier, start = _qualifier(text, token, before, words)
        noun_match = after.match(text, token.end)
        noun = noun_match.group(1) if noun_match else None
        end = noun_match.end() if noun_match else token.end
        if end - start > QUOTE_CHARS:
            start, end = token.start, token.end
        context = coverage.around(text, token.start, token.end)
        found.append(Candidate(token, qualifier, noun, start, end, context))
    return found


def _qualifier(
    text: str, token: Token, before: re.Pattern[str], words: list[str]
) -> tuple[str | None, int]:
    """The declared qualifier of a token and where its quote starts: a vague quantity that is
    itself a declared qualifier ("a few dozen") is its own; else the word just before it."""
    own = re.sub(r"\s+", " ", token.text.lower())
    if own in words:
        return own, token.start
    window_start = max(0, token.start - QUOTE_CHARS)
    match = before.search(text, window_start, token.start)
    if match is None:
        return None, token.start
    return match.group(1).lower(), match.start(1)
