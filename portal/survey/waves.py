"""Waves: opening one on a frozen questionnaire version, whether it is open today, and the questionnaire
it runs (loaded from its definition file and checked against the checksum frozen when it opened).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import Session

import surveys
from portal.core import audit
from portal.core.refusals import Refusal
from portal.models import Questionnaire, Wave, WaveState
from portal.survey.queries import neighbourhood_pairs
from surveys.loading import DEFINITIONS_DIR

WAVE_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class WaveError(Refusal):
    """A wave cannot be opened as asked; the message says what to change."""


def freeze_questionnaire(session: Session, slug: str, version: int) -> Questionnaire:
    """The Questionnaire row for a definition version, created (frozen) on first use.

    Raises ``QuestionnaireError`` if the file was edited after it was first frozen.
    """
    row = session.scalar(select(Questionnaire).where(Questionnaire.slug == slug,
                                                     Questionnaire.version == version))
    if row is not None:
        surveys.load_questionnaire(slug, version, expected_checksum=row.checksum)
        return row
    definition = surveys.load_questionnaire(slug, version)
    row = Questionnaire(slug=definition.id, version=definition.version, title=definition.title,
                        checksum=surveys.checksum(definition),
                        definition=dataclasses.asdict(dataclasses.replace(definition, source=None)))
    session.add(row)
    session.flush()
    return row


def open_wave(session: Session, *, slug: str, name: str, questionnaire_slug: str,
              questionnaire_version: int, opens_on: date, closes_on: date, panel_mode: bool,
              open_link_mode: bool) -> Wave:
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
    except surveys.QuestionnaireError as error:  # a definition file that changed or will not load
        raise WaveError(str(error)) from error
    wave = Wave(slug=slug, name=name.strip(), questionnaire=questionnaire, opens_on=opens_on,
                closes_on=closes_on, panel_mode=panel_mode, open_link_mode=open_link_mode)
    session.add(wave)
    session.flush()
    audit.record(session, "wave_opened", "wave", wave.slug,
                 questionnaire=f"{questionnaire_slug} v{questionnaire_version}",
                 opens_on=opens_on.isoformat(), closes_on=closes_on.isoformat(),
                 panel_mode=panel_mode, open_link_mode=open_link_mode)
    return wave


# Loaded, checksum-verified definitions by (slug, version, checksum), with the file's (mtime, size).
_verified: dict[tuple[str, int, str], tuple[tuple[int, int] | None, surveys.Questionnaire]] = {}
_bound: dict[tuple[int, tuple[tuple[str, str], ...]],
             tuple[surveys.Questionnaire, surveys.Questionnaire]] = {}
_lock = Lock()


def frozen_questionnaire(row: Questionnaire) -> surveys.Questionnaire:
    """The definition a wave froze. Raises ``QuestionnaireError`` if its file changed since.

    The file is re-checked whenever its modification time or size changes, so an edit made while
    the portal runs is caught on the next request without re-hashing the definition every time.
    """
    key = (row.slug, row.version, row.checksum)
    path = DEFINITIONS_DIR / f"{row.slug}.v{row.version}.yaml"
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        stamp = None
    cached = _verified.get(key)
    if cached is not None and stamp is not None and cached[0] == stamp:
        return cached[1]
    loaded = surveys.load_questionnaire(row.slug, row.version, expected_checksum=row.checksum)
    with _lock:
        _verified[key] = (stamp, loaded)
    return loaded


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
