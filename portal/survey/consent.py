"""What a resident is told before taking part, so that consent is informed (MRS Code of Conduct:
who is asking and why, that taking part is voluntary, how long it takes, how answers are kept and
reported, and how to complain).

The wording of who runs the survey, why, and how to complain comes from settings (`SURVEY_RUN_BY`,
`SURVEY_PURPOSE`, `SURVEY_CONTACT` in `portal.core.config.SURVEY_TEXTS`); the facts come from where
they are decided: the smallest group reported from the analysis's disclosure rules, the questions
that must be answered and the time it takes from the questionnaire itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import surveys
from analysis import estimates
from portal.core.config import SURVEY_TEXTS
from portal.core.languages import translate


@dataclass(frozen=True)
class ConsentNotice:
    run_by: str
    purpose: str
    contact: str
    minimum_group: int  # no published figure rests on fewer responses than this
    required: tuple[str, ...]  # the texts of questions that must be answered
    minutes: int


def minimum_group() -> int:
    """The smallest number of responses a published figure may rest on (the analysis's rule)."""
    return estimates.DEFAULT_DISCLOSURE.suppress_below


def consent_notice(config, questionnaire: surveys.Questionnaire) -> ConsentNotice:
    # The shipped wording is in the catalogues; a partnership's own (set in the environment) is not.
    texts = {name: translate(default) if config.get(name) in (None, "", default) else config[name]
             for name, default in SURVEY_TEXTS.items()}
    return ConsentNotice(
        run_by=texts["SURVEY_RUN_BY"], purpose=texts["SURVEY_PURPOSE"], contact=texts["SURVEY_CONTACT"],
        minimum_group=minimum_group(),
        required=tuple(question.text for question in questionnaire.questions if question.required),
        minutes=questionnaire.estimated_minutes)
