"""The pyarrow reader gives exactly the frame and the errors of the pandas reader it replaced.

Each case is a small file; ``read_responses`` (pyarrow, pandas where pyarrow cannot promise the
same) is compared with the pandas C parser reading it as before, and the case says which reader
is expected to have done the work, so the comparison cannot pass by falling back every time.
"""

from __future__ import annotations

import gzip
import subprocess
import sys

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.responses import _read_with_arrow, _read_with_pandas, read_responses, select_wave

HEAD = b"response_id,wave,neighbourhood,ni21_q,submitted_at,base_weight\n"

# name -> (file bytes, read by pyarrow?)
CASES = {
    "plain": (HEAD + b"r1,2008-09,twerton,agree,2008-04-01T00:00:06,1.5\n"
              b"r2,2008-09,keynsham,,2008-04-02T00:00:06,2\n", True),
    "bom": (b"\xef\xbb\xbf" + HEAD + b"r1,2008-09,twerton,agree,x,1\n", True),
    "crlf": (HEAD.replace(b"\n", b"\r\n") + b"r1,2008-09,twerton,agree,x,1\r\n", True),
    "blank and quoted blank cells": (HEAD + b'r1,"",twerton,"",,\nr2,2008-09,,agree,"",\n', True),
    "quoted fields": (HEAD + b'"r,1",2008-09,"twer""ton","agree\nstrongly",x,"1"\n', True),
    "whitespace is a value": (HEAD + b"r1,2008-09, twerton ,  ,x,1\n", True),
    "unsorted codes": (HEAD + b"r1,w,zeta,b,x,1\nr2,w,alpha,a,x,1\nr3,w,mid,c,x,1\n", True),
    "numeric codes": (HEAD + b"r1,2009,10,1,x,1\nr2,2010,2,1.0,x,1\nr3,2009,1,3,x,\n", True),
    "boolean codes": (HEAD + b"r1,w,True,false,x,1\nr2,w,FALSE,TRUE,x,1\n", True),
    "unicode": (HEAD + "r1,w,Ynys Môn,dont_know,x,1\n".encode(), True),
    "all blank column": (HEAD + b"r1,w,,,x,1\nr2,w,,,x,1\n", True),
    "header only": (HEAD, True),
    "blank lines": (HEAD + b"\nr1,w,a,b,x,1\n\n\nr2,w,a,c,x,1\n\n", True),
    "no final newline": (HEAD + b"r1,w,a,b,x,1", True),
    "short row": (HEAD + b"r1,w,a\nr2,w,a,b,x,1\n", False),
    "long row": (HEAD + b"r1,w,a,b,x,1,extra\n", False),
    "bad number": (HEAD + b"r1,w,a,b,x,heavy\n", False),
    "number with spaces": (HEAD + b"r1,w,a,b,x, 2 \n", True),
    "latin-1 in a cell": (HEAD + b"r1,w,Ynys M\xf4n,b,x,1\n", False),
    "latin-1 in the header": (b"response_id,caf\xe9\nr1,a\n", False),
    "duplicate columns": (b"response_id,q,q\nr1,a,b\n", False),
    "blank column name": (b"response_id,,q\nr1,a,b\n", False),
    "leading blank line": (b"\n" + HEAD + b"r1,w,a,b,x,1\n", True),
    "unclosed quote": (HEAD + b'r1,w,"a,b,x,1\n', False),
    "empty file": (b"", False),
    "not a CSV": (bytes(range(256)) * 4, False),
}


def _outcome(read, path):
    try:
        return read(path)
    except InputError as exc:
        return f"InputError: {exc}"


def _old_reader(path):
    """read_responses as it was: pandas alone."""
    try:
        header = pd.read_csv(path, nrows=0)
    except FileNotFoundError as exc:
        raise InputError(f"responses file not found: {path}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"responses file {path} is not a readable CSV: {exc}") from exc
    return select_wave(_read_with_pandas(path, [str(c) for c in header.columns]), None)


def _same(new, old):
    if isinstance(old, str) or isinstance(new, str):
        assert new == old
        return
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    for col in old.columns:
        assert new[col].dtype == old[col].dtype, col
        if isinstance(old[col].dtype, pd.CategoricalDtype):
            assert new[col].cat.codes.dtype == old[col].cat.codes.dtype, col
            assert new[col].cat.categories.dtype == old[col].cat.categories.dtype, col


@pytest.mark.parametrize("name", list(CASES))
def test_reader_matches_the_pandas_reader(tmp_path, name):
    content, by_arrow = CASES[name]
    path = tmp_path / "responses.csv"
    path.write_bytes(content)
    _same(_outcome(read_responses, path), _outcome(_old_reader, path))
    try:
        columns = [str(c) for c in pd.read_csv(path, nrows=0).columns]
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        assert not by_arrow
        return
    assert (_read_with_arrow(path, columns) is not None) == by_arrow


@pytest.mark.parametrize("name", ["plain", "quoted fields", "numeric codes"])
def test_gzipped_file_is_read_by_pyarrow_as_pandas_reads_it(tmp_path, name):
    path = tmp_path / "responses.csv.gz"
    path.write_bytes(gzip.compress(CASES[name][0]))
    _same(_outcome(read_responses, path), _outcome(_old_reader, path))
    assert _read_with_arrow(path, list(pd.read_csv(path, nrows=0).columns)) is not None


def test_many_blocks_give_one_set_of_sorted_categories(tmp_path):
    """pyarrow parses in blocks with a dictionary each: the codes must still be pandas' codes."""
    rows = [f"r{i},w,nb{(i * 7919) % 53},{('agree', 'disagree', '')[i % 3]},x,{i % 5}"
            for i in range(60_000)]
    path = tmp_path / "responses.csv"
    path.write_bytes(HEAD + "\n".join(rows).encode() + b"\n")
    new = read_responses(path)
    assert _read_with_arrow(path, list(new.columns)) is not None
    _same(new, _old_reader(path))


def test_missing_file_and_folder_keep_their_messages(tmp_path):
    with pytest.raises(InputError, match="responses file not found"):
        read_responses(tmp_path / "nothing.csv")
    with pytest.raises(IsADirectoryError):
        read_responses(tmp_path)


def test_wave_selection_still_drops_unused_categories(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_bytes(HEAD + b"r1,2008-09,a,b,x,1\nr2,2009-10,c,d,x,1\n")
    out = read_responses(path, wave="2009-10")
    assert list(out["neighbourhood"].cat.categories) == ["c"]


def test_importing_the_cli_does_not_import_scipy_stats_or_sparse():
    """Start-up pays for neither (each is imported where it is used); seconds under load."""
    code = ("import sys, analysis.cli; "
            "print(','.join(sorted(m for m in ('scipy.stats', 'scipy.sparse', 'scipy.special') "
            "if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("name", ["ok.csv", "ok.csv.zip"])  # pyarrow, then the pandas fallback
def test_skipped_columns_are_not_read_and_the_rest_are_as_before(tmp_path, name):
    path = tmp_path / name
    frame = pd.DataFrame({"neighbourhood": ["twerton", "keynsham", "twerton"],
                          "police_council_dealing": ["tend_to_agree", "", "dont_know"],
                          "worry_burglary": ["very_worried", "not_very_worried", ""],
                          "weight_me": [1.5, 2.0, 0.5]})
    frame.to_csv(path, index=False)
    whole = read_responses(path)
    part = read_responses(path, skip={"worry_burglary"})
    assert list(part.columns) == ["neighbourhood", "police_council_dealing", "weight_me"]
    pd.testing.assert_frame_equal(part, whole.drop(columns="worry_burglary"))


def test_indicators_on_one_indicator_reads_only_what_it_needs(tmp_path, capsys):
    """The same NI 21 whether the other answers are read or not (they are not)."""
    import json

    from analysis.cli import main
    from demo.responses import generate_responses, population_margins
    generate_responses(600, seed=2, wave="2009-10").to_csv(tmp_path / "r.csv", index=False)
    population_margins(ethnicity=False).to_csv(tmp_path / "m.csv", index=False)
    args = ["indicators", str(tmp_path / "r.csv"), "--margins", str(tmp_path / "m.csv"),
            "--by", "neighbourhood"]
    assert main([*args, "--indicators", "ni21"]) == 0
    one = json.loads(capsys.readouterr().out)["indicators"]
    assert main(args) == 0
    every = [r for r in json.loads(capsys.readouterr().out)["indicators"]
             if r["indicator"] == "ni21"]
    assert one == every
