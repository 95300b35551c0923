"""Reading responses in the wide export format (the survey issue's CSV) for the engine and CLI.

One row per response; ``response_id, wave, neighbourhood, mode, submitted_at`` then one column
per question id with snake_case answer codes; an empty cell is no answer. Answer columns are
read as categoricals (fast and small for a million rows).

Why two readers: pyarrow's CSV reader parses straight into dictionary columns on every core, so a
million rows take a fraction of a second; pandas' C parser is the reference for what a file
means. Every file is read by pyarrow and turned into exactly the frame pandas would give (sorted
categories, numbers or booleans as pandas infers them, the same dtypes); anything pyarrow refuses
or reads differently (ragged rows, bad numbers, bad UTF-8, duplicate or blank column names,
zip/xz/bz2/tar files) is read again by pandas, so errors and edge cases say exactly what they
always said.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError

TEXT_COLUMNS = ("response_id", "submitted_at")
NUMERIC_COLUMNS = ("base_weight",)
# Compressed files that pyarrow reads like pandas (by the file name); others go to pandas.
_ARROW_COMPRESSED = (".gz",)
_PANDAS_ONLY = (".zip", ".xz", ".bz2", ".zst", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
_BOOLEANS = ("true", "false")


def read_responses(path: str | Path, wave: str | None = None,
                   skip: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
    """Read a wide-format CSV (optionally gzipped); keep one ``wave`` if given. Columns named in
    ``skip`` are not read at all (a command that needs a few answers of a wide file)."""
    try:
        header = pd.read_csv(path, nrows=0)
    except FileNotFoundError as exc:
        raise InputError(f"responses file not found: {path}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"responses file {path} is not a readable CSV: {exc}") from exc
    columns = [str(c) for c in header.columns]
    wanted = [c for c in columns if c not in skip] if skip else None
    frame = _read_with_arrow(path, columns, wanted)
    if frame is None:
        frame = _read_with_pandas(path, columns, wanted)
    return select_wave(frame, wave)


def _dtypes(columns: list[str]) -> dict[str, type | str]:
    return {col: float if col in NUMERIC_COLUMNS else str if col in TEXT_COLUMNS else "category"
            for col in columns}


def _read_with_pandas(path: str | Path, columns: list[str],
                      wanted: list[str] | None = None) -> pd.DataFrame:
    """The reference reader (pandas' C parser): its results and errors are the contract."""
    try:
        return pd.read_csv(path, dtype=_dtypes(columns), keep_default_na=False, na_values=[""],
                           usecols=wanted)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"responses file {path} could not be read: {exc}") from exc


def _read_with_arrow(path: str | Path, columns: list[str],
                     wanted: list[str] | None = None) -> pd.DataFrame | None:
    """The frame pandas would read, by pyarrow; None where pyarrow cannot promise that.
    ``wanted``: the columns to keep (all by default); the others are parsed but not converted."""
    name = str(path).lower()
    if not isinstance(path, str | Path) or name.endswith(_PANDAS_ONLY) \
            or len(set(columns)) != len(columns):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pa_csv

    types = {col: pa.float64() if col in NUMERIC_COLUMNS else pa.string() if col in TEXT_COLUMNS
             else pa.dictionary(pa.int32(), pa.string()) for col in columns}
    convert = pa_csv.ConvertOptions(column_types=types, null_values=[""],
                                    strings_can_be_null=True, quoted_strings_can_be_null=True,
                                    include_columns=wanted)
    parse = pa_csv.ParseOptions(newlines_in_values=True)
    try:
        table = pa_csv.read_csv(path, parse_options=parse, convert_options=convert)
    except (pa.ArrowException, OSError, ValueError):
        return None
    if table.column_names != (columns if wanted is None else wanted):
        return None  # a header pandas reads otherwise (blank lines, BOM, names it makes up)
    columns = table.column_names
    table = table.unify_dictionaries()
    data: dict[str, pd.Series | pd.Categorical] = {}
    for col in columns:
        chunked = table.column(col)
        if col in TEXT_COLUMNS or col in NUMERIC_COLUMNS:
            data[col] = chunked.to_pandas()
            continue
        array = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
        labels = array.dictionary.to_pylist()
        indices = pc.fill_null(array.indices, -1).to_numpy()
        data[col] = _categorical(indices, labels)
    return pd.DataFrame(data, index=pd.RangeIndex(table.num_rows), columns=columns)


def _categorical(indices: np.ndarray, labels: list[str]) -> pd.Categorical:
    """pandas' categorical of these codes (-1 blank) and labels: sorted, inferred as pandas does."""
    if not labels or any(_convertible(label) for label in labels):
        inferred = _pandas_categories(labels)
    else:
        inferred = pd.Categorical(labels, categories=sorted(labels))  # type: ignore[assignment]
    lookup = np.append(np.asarray(inferred.codes, dtype=np.int64), -1)
    codes = lookup[indices].astype(inferred.codes.dtype)
    return pd.Categorical.from_codes(codes, dtype=inferred.dtype, validate=False)


def _convertible(label: str) -> bool:
    """Whether pandas might read this code as a number or a boolean (then pandas decides)."""
    if label.strip().lower() in _BOOLEANS:
        return True
    try:
        float(label)
    except ValueError:
        return False
    return True


def _pandas_categories(labels: list[str]) -> pd.Categorical:
    """The distinct labels read by pandas' C parser as one categorical column (label i -> row i)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["codes"])
    writer.writerows([label] for label in labels)
    buffer.seek(0)
    column = pd.read_csv(buffer, dtype={"codes": "category"}, keep_default_na=False,
                         na_values=[""])["codes"]
    return column.array


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
