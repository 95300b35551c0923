"""A neighbourhood's weighting population as staff read it: the questions' own words, not the
variable codes (`age_band`, `16_24`) the engine uses."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.models import Neighbourhood
from portal.reports.readiness import answer_label, question_text
from portal.survey.queries import waves_newest_first
from portal.survey.waves import wave_questionnaire


@dataclass(frozen=True)
class PopulationRow:
    question: str
    group: str
    population: int


def population_rows(session: Session, place: Neighbourhood) -> list[PopulationRow]:
    """Each population figure of `place`, labelled with the newest wave's questionnaire (the
    wording residents saw); a variable no question asks (households) reads as its name."""
    waves = waves_newest_first(session)
    questionnaire = wave_questionnaire(session, waves[0]) if waves else None
    rows = []
    for p in sorted(place.population, key=lambda p: (p.variable, p.category)):
        if questionnaire is None:
            question, group = p.variable.replace("_", " ").capitalize(), p.category
        else:
            question = question_text(questionnaire, p.variable)
            group = answer_label(questionnaire, p.variable, p.category)
        rows.append(PopulationRow(question, group, p.population))
    return rows
