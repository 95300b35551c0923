"""Checking answer columns against their codes: pure functions, no database, no files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.catalogue import AGREE_SCALE, QUESTION_CODES
from analysis.errors import AnalysisError, IndicatorError, InputError
from analysis.validation import (
    UnknownCodesError,
    catalogue_codes,
    check_codes,
    margin_codes,
    unknown_values,
)

AGREE = {"police_council_dealing": AGREE_SCALE}


def frame(values, dtype=object):
    return pd.DataFrame({"police_council_dealing": pd.Series(values, dtype=dtype)})


@pytest.mark.parametrize("dtype", [object, "category", "string"])
def test_codes_and_blanks_pass_unchanged(dtype):
    d = frame(["strongly_agree", "", None, "  ", "dont_know", np.nan], dtype)
    out, dropped = check_codes(d, AGREE)
    assert out is d and dropped == {}


@pytest.mark.parametrize("dtype", [object, "category"])
def test_unknown_values_name_column_values_counts_and_codes(dtype):
    d = frame(["Strongly agree"] * 3 + ["Agree"] * 2 + ["x1", "x2", "x3", "x4"]
              + ["tend_to_agree", ""], dtype)
    with pytest.raises(UnknownCodesError) as caught:
        check_codes(d, AGREE)
    error = caught.value
    assert isinstance(error, InputError) and isinstance(error, AnalysisError)
    [problem] = error.problems
    assert problem.column == "police_council_dealing" and problem.rows == 9
    assert problem.values[:2] == (("Strongly agree", 3), ("Agree", 2))
    message = str(error)
    assert message.splitlines()[0] == ("1 column holds values that are not answer codes (a blank "
                                       "cell is no answer):")
    assert ("police_council_dealing: 'Strongly agree' (3), 'Agree' (2), 'x1' (1), 'x2' (1), "
            "'x3' (1) and 1 more value; expected one of: " + ", ".join(AGREE_SCALE)) in message


def test_every_offending_column_is_listed_and_absent_columns_skipped():
    d = pd.DataFrame({"sex": ["m", "female"], "car_use": ["Yes", "no"]})
    expected = {"sex": ("female", "male"), "car_use": ("yes", "no"), "respect": ("no_opinion",)}
    problems = unknown_values(d, expected)
    assert [p.column for p in problems] == ["sex", "car_use"]


@pytest.mark.parametrize("dtype", [object, "category"])
def test_lenient_blanks_unknown_values_and_counts_them(dtype):
    d = frame(["Strongly agree", "strongly_agree", "Strongly agree", ""], dtype)
    out, dropped = check_codes(d, AGREE, lenient=True)
    assert dropped == {"police_council_dealing": 2}
    assert out["police_council_dealing"].isna().tolist()[:3] == [True, False, True]
    assert d["police_council_dealing"].iloc[0] == "Strongly agree"  # the input is not modified
    check_codes(out, AGREE)  # the result is clean


def test_catalogue_codes_cover_questions_and_routing():
    expected = catalogue_codes(["ni21", "worry_car_crime", "ni17"])
    assert expected["police_council_dealing"] == AGREE_SCALE
    assert expected["car_use"] == ("yes", "no")  # routing question of car crime
    assert {f"asb_{s}" for s in ("noisy_neighbours", "drugs", "abandoned_cars")} <= set(expected)
    assert set(catalogue_codes()) == set(QUESTION_CODES)
    with pytest.raises(IndicatorError, match="unknown indicator"):
        catalogue_codes(["ni99"])


def test_catalogue_codes_refuse_a_question_without_a_scale():
    from analysis.catalogue import Indicator
    odd = Indicator("odd", "Odd", ("mystery",), ("yes",))
    with pytest.raises(IndicatorError, match="no answer codes for question 'mystery'"):
        catalogue_codes([odd])


def test_margin_codes_are_categories_plus_not_given():
    margins = pd.DataFrame({"variable": ["sex", "sex", "age_band"],
                            "category": ["female", "male", "16_24"],
                            "population": [10, 12, 22]})
    assert margin_codes(margins) == {"sex": ("female", "male", "prefer_not_to_say"),
                                     "age_band": ("16_24", "prefer_not_to_say")}
    assert list(margin_codes(margins, ["age_band"])) == ["age_band"]


def test_standard_questionnaire_options_match_the_catalogue_scales():
    """The catalogue's scales are the questionnaire's options (both versions)."""
    from surveys import load_questionnaire
    for version in (1, 2):
        q = load_questionnaire("crime-and-community-safety", version)
        for column, codes in QUESTION_CODES.items():
            if column in q.field_ids:
                assert tuple(o.code for o in q.question(column).options) == codes, column

