"""Reading uploaded CSV files: one wording for what Python's csv module refuses.

The csv module refuses a field longer than 131,072 characters (almost always a quotation mark
that is never closed, so the rest of the file became one field) with a bare ``csv.Error``;
uncaught, that was a 500 on the upload pages and a traceback on the command line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TextIO


def csv_problem(error: csv.Error) -> str:
    """What went wrong, in words a person can act on."""
    text = str(error)
    if "field larger than field limit" in text:
        return (f"a field is longer than {csv.field_size_limit():,} characters; check for a "
                "quotation mark that is not closed")
    return f"not valid CSV ({text})"


class CheckedReader:
    """A ``csv.reader`` over ``text`` (a string, or a text stream opened with ``newline=""``, read
    row by row) whose unreadable row raises ``problem(message)``, naming the file and line."""

    def __init__(self, text: str | TextIO, filename: str, problem: Callable[[str], Exception]):
        self._reader = csv.reader(io.StringIO(text, newline="") if isinstance(text, str) else text)
        self._filename, self._problem = filename, problem

    def __iter__(self) -> CheckedReader:
        return self

    def __next__(self) -> list[str]:
        start = self._reader.line_num + 1  # a quoted field may run on over several lines
        try:
            return next(self._reader)
        except csv.Error as error:
            raise self._problem(f"{self._filename}, line {start}: "
                                f"{csv_problem(error)}.") from None
        except UnicodeDecodeError:
            raise self._problem(f"{self._filename}, after line {self.line_num}: the file is not "
                                "UTF-8 text; save it as 'CSV UTF-8'.") from None

    @property
    def line_num(self) -> int:
        return self._reader.line_num
