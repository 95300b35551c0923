"""Named reads of questionnaire versions, drafts and analysts' comparability judgements."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from portal.models import (
    ComparableChange,
    Questionnaire,
    QuestionnaireDraft,
    QuestionnaireTranslation,
    StaffUser,
    Wave,
)


def versions(session: Session) -> list[Questionnaire]:
    """Every published version, by questionnaire then version."""
    return list(session.scalars(select(Questionnaire).order_by(Questionnaire.slug,
                                                               Questionnaire.version)))


def version_by_id(session: Session, version_id: int) -> Questionnaire | None:
    return session.scalar(select(Questionnaire).options(undefer(Questionnaire.definition))
                          .where(Questionnaire.id == version_id))


def version_of(session: Session, slug: str, number: int) -> Questionnaire | None:
    return session.scalar(select(Questionnaire).where(Questionnaire.slug == slug,
                                                      Questionnaire.version == number))


def latest_version(session: Session, slug: str) -> Questionnaire | None:
    return session.scalar(select(Questionnaire).where(Questionnaire.slug == slug)
                          .order_by(Questionnaire.version.desc()).limit(1))


def history(session: Session, slug: str) -> list[Questionnaire]:
    """The versions of one questionnaire, newest first."""
    return list(session.scalars(select(Questionnaire).options(undefer(Questionnaire.definition))
                                .where(Questionnaire.slug == slug)
                                .order_by(Questionnaire.version.desc())))


def shipped_pairs(session: Session) -> set[tuple[str, int]]:
    return {(slug, version) for slug, version in session.execute(
        select(Questionnaire.slug, Questionnaire.version))}


def drafts(session: Session) -> list[QuestionnaireDraft]:
    return list(session.scalars(select(QuestionnaireDraft).order_by(QuestionnaireDraft.id)))


def draft_by_id(session: Session, draft_id: int) -> QuestionnaireDraft | None:
    return session.get(QuestionnaireDraft, draft_id)


def wave_counts(session: Session) -> dict[int, int]:
    """Waves running on each version, by version id."""
    return dict(session.execute(select(Wave.questionnaire_id, func.count(Wave.id))
                                .group_by(Wave.questionnaire_id)).all())


def staff_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Who published or marked something, by staff id: their name, or e-mail if unnamed."""
    if not ids:
        return {}
    return {u.id: u.name or u.email
            for u in session.scalars(select(StaffUser).where(StaffUser.id.in_(ids)))}


def comparable_changes(session: Session, version_id: int) -> list[ComparableChange]:
    return list(session.scalars(select(ComparableChange)
                                .where(ComparableChange.questionnaire_id == version_id)
                                .order_by(ComparableChange.question_id)))


def translations(session: Session, version_id: int, language: str) -> dict[str, str]:
    """A version's stored strings in ``language``, by key."""
    return dict(session.execute(select(QuestionnaireTranslation.key, QuestionnaireTranslation.text)
                                .where(QuestionnaireTranslation.questionnaire_id == version_id,
                                       QuestionnaireTranslation.language == language)).all())


def translation_rows(session: Session, version_id: int,
                     language: str) -> list[QuestionnaireTranslation]:
    return list(session.scalars(select(QuestionnaireTranslation).where(
        QuestionnaireTranslation.questionnaire_id == version_id,
        QuestionnaireTranslation.language == language)))


def translated_languages(session: Session, version_id: int) -> list[str]:
    return list(session.scalars(select(QuestionnaireTranslation.language).distinct().where(
        QuestionnaireTranslation.questionnaire_id == version_id)
        .order_by(QuestionnaireTranslation.language)))
