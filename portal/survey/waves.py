"""Waves: opening one on a frozen questionnaire version, whether it is open today, and the questionnaire
it runs (the published version's stored definition, which never changes).
"""

from __future__ import annotations

import re
from datetime import date
from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import Session

import surveys
from portal.core import audit
from portal.core.refusals import Refusal
from portal.models import Questionnaire, Wave, WaveDesign, WaveState
from portal.questionnaires.queries import version_of, versions
from portal.questionnaires.versions import load_shipped, version_questionnaire
from portal.survey.queries import neighbourhood_pairs

WAVE_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class WaveError(Refusal):
    """A wave cannot be opened as asked; the message says what to change."""


def freeze_questionnaire(session: Session, slug: str, version: int) -> Questionnaire:
    """The published version a wave will run (the shipped definitions are loaded as versions on
    first use). ``WaveError`` naming the versions there are when there is no such version."""
    load_shipped(session)
    row = version_of(session, slug, version)
    if row is None:
        known = ", ".join(f"{q.slug}:{q.version}" for q in versions(session)) or "none"
        raise WaveError(f"There is no version {version} of questionnaire {slug!r} (versions: "
                        f"{known})")
    version_questionnaire(row)  # a stored definition that no longer loads is refused here
    return row


def open_wave(session: Session, *, slug: str, name: str, questionnaire_slug: str,
              questionnaire_version: int, opens_on: date, closes_on: date, panel_mode: bool,
              open_link_mode: bool, design: WaveDesign = WaveDesign.SIMPLE) -> Wave:
    """Create a wave (the caller commits). Raises ``WaveError`` with a message for the form."""
    slug = slug.strip().lower()
    if not WAVE_SLUG.match(slug):
        raise WaveError("Wave slug must be lower-case letters, numbers and hyphens, like 2011-12")
    if session.scalar(select(Wave.id).where(Wave.slug == slug)) is not None:
        raise WaveError(f"A wave called {slug} already exists; choose another slug")
    if closes_on < opens_on:
        raise WaveError("The closing date must be the same as or after the opening date")
    if not (panel_mode or open_link_mode):
        raise WaveError("Choose at least one way for residents to answer: panel, open link or both")
    try:
        questionnaire = freeze_questionnaire(session, questionnaire_slug, questionnaire_version)
    except surveys.QuestionnaireError as error:  # a stored definition that will not load
        raise WaveError(str(error)) from error
    wave = Wave(slug=slug, name=name.strip(), questionnaire=questionnaire, opens_on=opens_on,
                closes_on=closes_on, panel_mode=panel_mode, open_link_mode=open_link_mode,
                design=design)
    session.add(wave)
    session.flush()
    audit.record(session, "wave_opened", "wave", wave.slug,
                 questionnaire=f"{questionnaire_slug} v{questionnaire_version}",
                 opens_on=opens_on.isoformat(), closes_on=closes_on.isoformat(),
                 panel_mode=panel_mode, open_link_mode=open_link_mode, design=design.value)
    return wave


def set_design(session: Session, wave: Wave, design: WaveDesign) -> bool:
    """Change how ``wave``'s sample is said to be drawn (the caller commits); False if unchanged.
    The weights and figures stay; standard errors and intervals follow the new design."""
    if wave.design == design:
        return False
    audit.record(session, "wave_design_changed", "wave", wave.slug,
                 before=wave.design.value, after=design.value)
    wave.design = design
    return True


_bound: dict[tuple[int, tuple[tuple[str, str], ...]],
             tuple[surveys.Questionnaire, surveys.Questionnaire]] = {}
_lock = Lock()


def frozen_questionnaire(row: Questionnaire) -> surveys.Questionnaire:
    """The definition a wave froze: its published version's stored document."""
    return version_questionnaire(row)


def wave_questionnaire(session: Session, wave: Wave) -> surveys.Questionnaire:
    """The wave's questionnaire with neighbourhood options bound from the database."""
    definition = frozen_questionnaire(wave.questionnaire)
    pairs = neighbourhood_pairs(session)
    key = (id(definition), pairs)
    cached = _bound.get(key)
    if cached is not None and cached[0] is definition:
        return cached[1]
    bound = surveys.bind_options(definition, neighbourhoods=pairs)
    with _lock:
        if len(_bound) > 32:
            _bound.clear()
        _bound[key] = (definition, bound)  # the definition is kept so its id() stays unique
    return bound


def survey_minutes(session: Session, today: date) -> int | None:
    """Minutes the survey a resident would take today should take (its questionnaire's
    ``estimated_minutes``): the latest wave open by link today, else the latest wave; None when
    there is no wave yet. The home page prints it, as the start page and invitations do."""
    latest = select(Wave).order_by(Wave.opens_on.desc(), Wave.id.desc()).limit(1)
    wave = session.scalar(latest.where(Wave.open_link_mode.is_(True), Wave.opens_on <= today,
                                       Wave.closes_on >= today)) or session.scalar(latest)
    if wave is None:
        return None
    try:
        return frozen_questionnaire(wave.questionnaire).estimated_minutes
    except surveys.QuestionnaireError:  # the survey pages say so; the home page still works
        return None


def state_message(wave: Wave, today: date) -> str | None:
    """A plain sentence for a wave residents cannot answer today, or None when it is open."""
    from flask_babel import gettext

    from portal.core.filters import local_day

    state = wave.state_on(today)
    if state == WaveState.UPCOMING:
        return gettext("This survey opens on %(day)s. Come back then to take part.",
                       day=local_day(wave.opens_on))
    if state == WaveState.CLOSED:
        return gettext("This survey closed on %(day)s. Thank you to everyone who took part.",
                       day=local_day(wave.closes_on))
    return None
