"""Reading responses in the wide export format (the survey issue's CSV) for the engine and CLI.

One row per response; ``response_id, wave, neighbourhood, mode, submitted_at`` then one column
per question id with snake_case answer codes; an empty cell is no answer. Answer columns are
read as categoricals (fast and small for a million rows).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.errors import InputError

TEXT_COLUMNS = ("response_id", "submitted_at")
NUMERIC_COLUMNS = ("base_weight",)


def read_responses(path: str | Path, wave: str | None = None) -> pd.DataFrame:
    """Read a wide-format CSV (optionally gzipped); keep one ``wave`` if given."""
    try:
        header = pd.read_csv(path, nrows=0)
    except FileNotFoundError as exc:
        raise InputError(f"responses file not found: {path}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"responses file {path} is not a readable CSV: {exc}") from exc
    dtypes: dict[str, type | str] = {}
    for col in header.columns:
        if col in NUMERIC_COLUMNS:
            dtypes[col] = float
        elif col in TEXT_COLUMNS:
            dtypes[col] = str
        else:
            dtypes[col] = "category"
    try:
        frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"responses file {path} could not be read: {exc}") from exc
    return select_wave(frame, wave)


def select_wave(frame: pd.DataFrame, wave: str | None) -> pd.DataFrame:
    """The responses of one wave; InputError if the frame mixes waves and none was chosen."""
    if "wave" not in frame.columns:
        if wave is not None:
            raise InputError("the responses have no wave column, so --wave cannot be used")
        return frame
    waves = sorted(str(w) for w in pd.unique(frame["wave"].dropna()))
    if wave is None:
        if len(waves) > 1:
            raise InputError(
                f"the responses hold {len(waves)} waves ({', '.join(waves)}); weight one wave "
                "at a time: choose it with --wave"
            )
        return frame
    if wave not in waves:
        raise InputError(f"no responses for wave {wave!r}; the file holds {', '.join(waves)}")
    out = frame[frame["wave"].astype(str) == wave].reset_index(drop=True)
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].cat.remove_unused_categories()
    return out
