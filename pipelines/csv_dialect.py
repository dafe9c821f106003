"""The CSV dialect, defined once: the one kzdata writes (and its descriptors declare), and how
any declared Table Dialect reads, with the standard's defaults, for every reader and writer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# What the build writes and the descriptor declares: one definition for both.
WRITTEN: dict[str, Any] = {
    "delimiter": ",",
    "lineTerminator": "\n",
    "quoteChar": '"',
    "doubleQuote": True,
    "header": True,
}


@dataclass(frozen=True)
class Dialect:
    """A Table Dialect's CSV options, the standard's default where it declares none. Values
    are taken as declared: a reader given one of the wrong type fails, and says so."""

    delimiter: Any = ","
    quote_char: Any = '"'
    double_quote: Any = True
    escape_char: Any = None
    skip_initial_space: Any = False
    comment_char: Any = None
    line_terminator: Any = "\r\n"
    header: Any = True

    @classmethod
    def of(cls, declared: Mapping[str, Any] | None) -> Dialect:
        """The dialect a descriptor declares (its `dialect`, read in when it is a file)."""
        declared = declared or {}
        defaults = cls()
        return cls(
            delimiter=declared.get("delimiter", defaults.delimiter),
            quote_char=declared.get("quoteChar", defaults.quote_char),
            double_quote=declared.get("doubleQuote", defaults.double_quote),
            escape_char=declared.get("escapeChar", defaults.escape_char),
            skip_initial_space=declared.get("skipInitialSpace", defaults.skip_initial_space),
            comment_char=declared.get("commentChar", defaults.comment_char),
            line_terminator=declared.get("lineTerminator", defaults.line_terminator),
            header=declared.get("header", defaults.header),
        )

    @property
    def has_header(self) -> bool:
        return self.header is not False

    def csv_module(self) -> dict[str, Any]:
        """Options for Python's csv.reader (a writer adds `lineterminator`: a reader takes
        any line break)."""
        return {
            "delimiter": self.delimiter,
            "quotechar": self.quote_char,
            "doublequote": self.double_quote,
            "escapechar": self.escape_char,
            "skipinitialspace": self.skip_initial_space,
        }


# The dialect of a CSV file that declares none (the standard's), and of every one kzdata writes.
STANDARD = Dialect()
WRITTEN_DIALECT = Dialect.of(WRITTEN)
