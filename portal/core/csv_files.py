"""Reading uploaded CSV files: one wording for what Python's csv module refuses.

The csv module refuses a field longer than 131,072 characters (almost always a quotation mark
that is never closed, so the rest of the file became one field) with a bare ``csv.Error``;
uncaught, that was a 500 on the upload pages and a traceback on the command line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable


def csv_problem(error: csv.Error) -> str:
    """What went wrong, in words a person can act on."""
    text = str(error)
    if "field larger than field limit" in text:
        return (f"a field is longer than {csv.field_size_limit():,} characters; check for a "
                "quotation mark that is not closed")
    return f"not valid CSV ({text})"


class CheckedReader:
    """A ``csv.reader`` over ``text`` whose unreadable row raises ``problem(message)``, the
    message naming the file and line."""

    def __init__(self, text: str, filename: str, problem: Callable[[str], Exception]):
        self._reader = csv.reader(io.StringIO(text, newline=""))
        self._filename, self._problem = filename, problem

    def __iter__(self) -> CheckedReader:
        return self

    def __next__(self) -> list[str]:
        try:
            return next(self._reader)
        except csv.Error as error:
            raise self._problem(f"{self._filename}, line {self.line_num}: "
                                f"{csv_problem(error)}.") from None

    @property
    def line_num(self) -> int:
        return self._reader.line_num
