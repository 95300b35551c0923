"""Whether a wave can be weighted yet, explained in the questionnaire's words (pure functions)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import AnalysisError, rake_weights
from analysis.report import RAKE_OPTIONS
from demo.responses import generate_responses, population_margins
from portal.reports.readiness import (
    CORRECT_POPULATION,
    UNSETTLED,
    WAIT_FOR_MORE,
    WAIT_FOR_SPREAD,
    WeightingGap,
    unweighted_counts,
    weighting_gap,
)
from surveys import bind_options, load_questionnaire

PLACES = {"twerton": "Twerton", "keynsham": "Keynsham", "chew-valley": "Chew Valley"}
JARGON = ("age_band", "sex=", "respondent", "collapse", "neighbourhood=", "65_74", "chew-valley")


@pytest.fixture(scope="module")
def questionnaire():
    return bind_options(load_questionnaire("crime-and-community-safety", 2), neighbourhoods=PLACES)


@pytest.fixture(scope="module")
def margins():
    return population_margins(list(PLACES), ethnicity=False)


def _frame(n: int, seed: int = 11) -> pd.DataFrame:
    return generate_responses(n, seed=seed, wave="2026-27", neighbourhoods=list(PLACES)).fillna("")


def test_two_responses_name_every_empty_group_in_the_residents_words(questionnaire, margins):
    frame = _frame(2)  # both from Keynsham, aged 65-74 and 75+
    gap = weighting_gap(frame, margins, questionnaire)
    assert not gap.ready and gap.responses == 2 and gap.mismatched == ()
    by_question = {g.question: g for g in gap.empty}
    age = by_question["Which age group are you in?"]
    assert age.answers == ("16-24", "25-34", "35-44", "45-54", "55-64") and age.groups == 7
    place = by_question["Which neighbourhood do you live in?"]
    assert set(place.answers) == {"Twerton", "Chew Valley"} and place.groups == 3
    message = gap.message("2026-27", "Voicebox 2026/27")
    assert message.startswith("Wave 2026-27 (Voicebox 2026/27) has 2 responses and cannot be "
                              "weighted yet.")
    assert "“Which age group are you in?”: no response yet for “16-24”" in message
    assert message.endswith(WAIT_FOR_MORE)
    assert not any(word in message for word in JARGON)


def test_no_responses_is_its_own_plain_case(questionnaire, margins):
    gap = weighting_gap(_frame(2).iloc[0:0], margins, questionnaire)
    assert gap == WeightingGap(0) and not gap.ready
    assert "has no responses yet" in gap.message("2026-27", "Voicebox 2026/27")


def test_prefer_not_to_say_and_blanks_do_not_fill_a_group(questionnaire, margins):
    frame = _frame(600)
    assert weighting_gap(frame, margins, questionnaire).ready
    frame.loc[frame["sex"] == "male", "sex"] = "prefer_not_to_say"
    frame.loc[frame.index[:5], "sex"] = ""
    gap = weighting_gap(frame, margins, questionnaire)
    assert [(g.question, g.answers) for g in gap.empty] == [("What is your sex?", ("Male",))]


def test_an_answer_without_a_population_asks_for_the_figures_to_be_corrected(questionnaire,
                                                                            margins):
    without_75 = margins[margins["category"] != "75_plus"]
    gap = weighting_gap(_frame(600), without_75, questionnaire)
    assert gap.empty == () and len(gap.mismatched) == 1
    assert "answer “Which age group are you in?” with “75+”, which has no population" \
        in gap.mismatched[0]
    assert gap.remedy == CORRECT_POPULATION


@pytest.mark.parametrize("n, seed", [(2, 11), (5, 3), (40, 5), (600, 7)])
def test_the_diagnosis_agrees_with_the_weighting_engine(questionnaire, margins, n, seed):
    frame = _frame(n, seed)
    gap = weighting_gap(frame, margins, questionnaire)
    try:
        rake_weights(frame, margins, **RAKE_OPTIONS)
        weighted = True
    except AnalysisError:
        weighted = False
    assert gap.ready == weighted


def test_unweighted_counts_are_labelled_with_the_questionnaire(questionnaire):
    frame = _frame(2)
    counts = unweighted_counts(frame, questionnaire)
    assert counts.responses == 2
    assert [(c.label, c.count) for c in counts.by_neighbourhood] == [
        ("Twerton", 0), ("Keynsham", 2), ("Chew Valley", 0)]
    ni21 = counts.answers[0]
    assert ni21.name == "NI 21" and ni21.question == questionnaire.question(
        "police_council_dealing").text
    labels = [o.label for o in questionnaire.question("police_council_dealing").options]
    assert [r.label for r in ni21.rows] == labels
    assert sum(r.count for r in ni21.rows) + ni21.not_answered == 2


def test_a_wave_whose_weights_cannot_settle_says_so_plainly(questionnaire, margins):
    frame = _frame(20, seed=10)  # every group answered, yet raking does not converge
    assert weighting_gap(frame, margins, questionnaire).ready
    with pytest.raises(AnalysisError):
        rake_weights(frame, margins, **RAKE_OPTIONS)
    gap = WeightingGap(20, unsettled=True)
    assert not gap.ready and gap.remedy == WAIT_FOR_SPREAD
    message = gap.message("2026-27", "Voicebox 2026/27")
    assert UNSETTLED in message and "converge" not in message and "collapse" not in message
