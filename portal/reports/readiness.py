"""Whether a wave can be weighted yet, and if not why, in the words residents read.

Raking needs at least one response in every group of each weighting question (every age group,
both sexes, every neighbourhood with a population). A wave still in the field usually lacks some,
and the engine then refuses in its own terms (variable names, "collapse the category"), which an
analyst cannot act on in the portal. So the portal diagnoses the wave itself, here, from the same
responses and population margins the engine would rake to, and names each empty group with the
questionnaire's wording. The dashboard, the report pages and `flask reports build` all print
this one explanation. Pure functions over data frames: no database, no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from analysis.catalogue import CATALOGUE
from analysis.formatting import plural
from analysis.margins import NOT_GIVEN
from surveys import Questionnaire

# Headline questions whose raw answers a waiting wave shows: (indicator id, short name).
UNWEIGHTED_INDICATORS = (("ni21", "NI 21"), ("ni4", "NI 4"),
                         ("safe_after_dark", "Feeling safe after dark"))
WAIT_FOR_MORE = ("The reports and weighted figures appear once every group of each weighting "
                 "question has at least one response. Wait for more responses to come in.")
UNSETTLED = ("Every group has a response, but the responses so far are too few and too unevenly "
             "spread across the groups for the weights to settle.")
WAIT_FOR_SPREAD = ("The reports and weighted figures appear once more responses have come in. "
                   "Wait for more responses.")
CORRECT_POPULATION = ("An administrator needs to correct the population figures before this wave "
                      "can be weighted.")


@dataclass(frozen=True)
class EmptyGroups:
    """The answers to one weighting question that nobody in the wave has given yet."""

    question: str  # the question as residents read it
    answers: tuple[str, ...]  # answer labels (neighbourhood names for the neighbourhood question)
    groups: int  # how many groups of this question the weighting uses

    @property
    def sentence(self) -> str:
        listed = ", ".join(f"“{a}”" for a in self.answers)
        return (f"“{self.question}”: no response yet for {listed} "
                f"({len(self.answers)} of {self.groups} groups).")


@dataclass(frozen=True)
class WeightingGap:
    """Why a wave cannot be weighted yet; ``ready`` when nothing stands in the way."""

    responses: int
    empty: tuple[EmptyGroups, ...] = ()
    mismatched: tuple[str, ...] = ()  # population figures that do not fit the answers
    # Every group has a response but raking still cannot balance them (found by trying it).
    unsettled: bool = False

    @property
    def ready(self) -> bool:
        return (self.responses > 0 and not self.empty and not self.mismatched
                and not self.unsettled)

    @property
    def details(self) -> list[str]:
        """One plain sentence per reason, in the order a reader should fix them."""
        return ([group.sentence for group in self.empty] + list(self.mismatched)
                + ([UNSETTLED] if self.unsettled else []))

    @property
    def remedy(self) -> str:
        if self.mismatched:
            return CORRECT_POPULATION
        return WAIT_FOR_MORE if self.empty else WAIT_FOR_SPREAD

    def message(self, wave_slug: str, wave_name: str) -> str:
        """One paragraph for a flash message, a failed report run or the command line."""
        if self.responses == 0:
            return (f"Wave {wave_slug} ({wave_name}) has no responses yet, so there is nothing "
                    "to weight or report. " + WAIT_FOR_MORE)
        head = (f"Wave {wave_slug} ({wave_name}) has {plural(self.responses, 'response')} "
                "and cannot be weighted yet.")
        return " ".join([head, *self.details, self.remedy])


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class AnswerTable:
    """Unweighted answers to one question: counts of responses, never estimates."""

    name: str  # e.g. "NI 21"
    question: str
    rows: tuple[Count, ...]
    not_answered: int


@dataclass(frozen=True)
class UnweightedCounts:
    responses: int
    by_neighbourhood: tuple[Count, ...]
    answers: tuple[AnswerTable, ...]


def question_text(questionnaire: Questionnaire, question_id: str) -> str:
    try:
        return questionnaire.question(question_id).text
    except KeyError:
        return question_id.replace("_", " ").capitalize()


def answer_label(questionnaire: Questionnaire, question_id: str, code: str) -> str:
    try:
        option = questionnaire.question(question_id).option(code)
    except KeyError:
        return code
    return option.label if option is not None else code


def _given(column: pd.Series) -> pd.Series:
    """Answers actually given: blanks and 'prefer not to say' are left out, as raking does."""
    values = column.dropna().astype(str).str.strip()
    return values[(values != "") & ~values.isin(NOT_GIVEN)]


def _variable_gap(frame: pd.DataFrame, margin: pd.DataFrame, variable: str,
                  questionnaire: Questionnaire) -> tuple[EmptyGroups | None, list[str]]:
    """The empty groups of one weighting question and any answers the population cannot take."""
    text = question_text(questionnaire, variable)
    if variable not in frame.columns:
        return None, [f"The responses do not include the question “{text}”, which the "
                      "weighting uses."]
    counts = _given(frame[variable]).value_counts()
    population = dict(zip(margin["category"].astype(str), margin["population"].astype(float),
                          strict=True))
    problems = [f"{plural(int(n), 'response')} answer “{text}” with "
                f"“{answer_label(questionnaire, variable, str(code))}”, which has no population "
                "figure." for code, n in counts.items() if code not in population]
    problems += [f"{plural(int(counts[code]), 'response')} answer “{text}” with "
                 f"“{answer_label(questionnaire, variable, code)}”, whose population figure "
                 "is 0." for code, pop in population.items() if pop == 0 and counts.get(code, 0)]
    weighted = [code for code, pop in population.items() if pop > 0]
    empty = tuple(answer_label(questionnaire, variable, code) for code in weighted
                  if not counts.get(code, 0))
    return (EmptyGroups(text, empty, len(weighted)) if empty else None), problems


def weighting_gap(frame: pd.DataFrame, margins: pd.DataFrame,
                  questionnaire: Questionnaire) -> WeightingGap:
    """What stops ``frame`` (one wave, wide format) being raked to ``margins``.

    Mirrors the checks of `analysis.weighting.rake_weights`: every group with a population needs
    a response, every answer given needs a population. ``questionnaire`` should have its
    neighbourhood options bound (`surveys.bind_options`) so neighbourhoods are named.
    """
    if len(frame) == 0:
        return WeightingGap(0)
    empty: list[EmptyGroups] = []
    mismatched: list[str] = []
    for variable, margin in margins.groupby("variable", sort=False):
        group, problems = _variable_gap(frame, margin, str(variable), questionnaire)
        if group is not None:
            empty.append(group)
        mismatched += problems
    return WeightingGap(len(frame), tuple(empty), tuple(mismatched))


def _count_answers(frame: pd.DataFrame, questionnaire: Questionnaire, question_id: str
                   ) -> tuple[tuple[Count, ...], int]:
    column = frame[question_id] if question_id in frame.columns else pd.Series([], dtype=str)
    values = column.dropna().astype(str).str.strip()
    given = values[values != ""].value_counts()
    try:
        codes = [option.code for option in questionnaire.question(question_id).options]
    except KeyError:
        codes = []
    codes += [code for code in given.index if code not in codes]
    rows = tuple(Count(answer_label(questionnaire, question_id, code), int(given.get(code, 0)))
                 for code in codes)
    return rows, len(frame) - int(given.sum())


def unweighted_counts(frame: pd.DataFrame, questionnaire: Questionnaire,
                      indicators: Iterable[tuple[str, str]] = UNWEIGHTED_INDICATORS
                      ) -> UnweightedCounts:
    """Responses by neighbourhood and the raw answers to a few headline questions.

    Counts of responses only: a wave that cannot be weighted has no estimates, and a share of a
    handful of unweighted answers would read like one.
    """
    by_place, _ = _count_answers(frame, questionnaire, "neighbourhood")
    tables = []
    for indicator_id, name in indicators:
        question_id = CATALOGUE[indicator_id].questions[0]
        rows, blank = _count_answers(frame, questionnaire, question_id)
        tables.append(AnswerTable(name, question_text(questionnaire, question_id), rows, blank))
    return UnweightedCounts(len(frame), by_place, tuple(tables))
