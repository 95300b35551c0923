"""What a questionnaire version's page shows, as plain values: its questions, who published it,
what changed from the version it was based on, and the standard questions it changed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

import surveys
from analysis.catalogue import incomparable_indicators
from portal.models import ComparableChange, Questionnaire
from portal.questionnaires import queries
from portal.questionnaires.versions import version_questionnaire
from surveys.changes import Change, differences


@dataclass(frozen=True)
class StandardChange:
    question: str
    indicators: tuple[str, ...]
    judged: ComparableChange | None
    judged_by: str


@dataclass(frozen=True)
class VersionPage:
    row: Questionnaire
    questionnaire: surveys.Questionnaire
    published_by: str
    waves: int
    changes: list[Change]
    standard: list[StandardChange]
    history: list[Questionnaire]


def version_page(session: Session, row: Questionnaire) -> VersionPage:
    questionnaire = version_questionnaire(row)
    changes = (differences(version_questionnaire(row.based_on), questionnaire)
               if row.based_on is not None else [])
    marks = {c.question_id: c for c in queries.comparable_changes(session, row.id)}
    names = queries.staff_names(session, {i for i in [row.published_by_id,
                                                      *(c.marked_by_id for c in marks.values())]
                                          if i is not None})
    standard = [StandardChange(question, incomparable_indicators({question}), marks.get(question),
                               names.get(marks[question].marked_by_id or 0, "")
                               if question in marks else "")
                for question in row.standard_changes or []]
    return VersionPage(row, questionnaire, names.get(row.published_by_id or 0, ""),
                       queries.wave_counts(session).get(row.id, 0), changes, standard,
                       queries.history(session, row.slug))
