"""Bounds on what a registry file or request may hold, and the error a file's reader raises.

Every limit is far beyond what a real agreement needs, and each one stops a hostile or broken
input (a "billion laughs" YAML file, a 50 MB field, a list of 200,000 entries, a year 9999)
before it can exhaust memory or reach the database.
"""

from __future__ import annotations

from datetime import date

# Nesting: a registry file is about 12 levels deep at most (history → revision → agreement → flow → …).
MAX_DEPTH = 32
# Integers: a revision number or a month count, never hundreds of digits (Python refuses 4,300).
MAX_NUMBER_CHARS = 30
# Text: identifiers and names, and free text such as a summary or a note.
MAX_NAME = 200
MAX_LONG_TEXT = 10_000
# Lists: parties, flows and categories in an agreement; organisations and agreements in a file.
MAX_LIST = 500
MAX_RECORDS = 100_000
# Dates: nothing in an agreement is before 1900 or after 2200; date arithmetic near year 9999 overflows.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
# Keys, values and messages quoted back to the user are cut to this many characters.
MAX_QUOTED = 60


class FileSyntaxError(ValueError):
    """A file that is not well-formed (or not allowed) YAML or JSON, with the line of the fault when known."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def quoted(value: object) -> str:
    """``repr(value)`` cut short, so an error never echoes megabytes of input."""
    shown = repr(value)
    return shown if len(shown) <= MAX_QUOTED else f"{shown[: MAX_QUOTED - 1]}…"
