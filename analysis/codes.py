"""Answer columns as integer codes: one fast pass per column, shared by weighting and indicators.

A column of the wide format (strings, pandas ``str``, object or categorical; NaN or "" for no
answer) becomes ``(codes, labels)`` with ``codes == -1`` for no answer. Categorical columns are
used as they are (no copy of the strings), so a million rows cost a few milliseconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def column_codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes (int64, -1 = blank) and the label of each code."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int64)
        labels = [str(c) for c in series.cat.categories]
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        codes = codes.astype(np.int64)
        labels = [str(u) for u in uniques]
    blanks = [i for i, lab in enumerate(labels) if lab.strip() == "" or lab.lower() == "nan"]
    if blanks:
        lut = np.arange(-1, len(labels), dtype=np.int64)
        lut[np.array(blanks) + 1] = -1
        codes = lut[codes + 1]
    return codes, labels


def code_lookup(labels: list[str], wanted, size_extra: int = 1) -> np.ndarray:
    """Boolean table t with t[code + 1] true when labels[code] is in ``wanted`` (t[0]: blank)."""
    wanted = set(wanted)
    table = np.zeros(len(labels) + size_extra, dtype=bool)
    for i, lab in enumerate(labels):
        if lab in wanted:
            table[i + 1] = True
    return table


class CodedFrame:
    """Lazy cache of :func:`column_codes` for the columns of one responses frame."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._cache: dict[str, tuple[np.ndarray, list[str]]] = {}

    def __len__(self) -> int:
        return len(self.frame)

    def has(self, column: str) -> bool:
        return column in self.frame.columns

    def codes(self, column: str) -> tuple[np.ndarray, list[str]]:
        if column not in self._cache:
            self._cache[column] = column_codes(self.frame[column])
        return self._cache[column]

    def isin(self, column: str, values) -> np.ndarray:
        """Row mask: the answer is one of ``values`` (blanks never are)."""
        codes, labels = self.codes(column)
        return code_lookup(labels, values)[codes + 1]

    def answered(self, column: str) -> np.ndarray:
        return self.codes(column)[0] >= 0
