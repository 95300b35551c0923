"""Published questionnaire versions: the shipped definitions loaded as the first ones, a new version
added from a file or a draft, the questionnaire a version defines, and the standard questions it
changed (and analysts' judgements that such a change still compares).

A published version never changes (``portal.models.survey`` refuses any update or delete): a wave
freezes the version it runs, and every page, import, export and figure of the wave reads the
definition from it.
"""

from __future__ import annotations

from pathlib import Path
from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import Session

import surveys
from analysis.catalogue import incomparable_indicators, standard_questions
from portal.core import audit
from portal.core.refusals import Refusal
from portal.models import ComparableChange, Questionnaire
from portal.questionnaires import queries
from surveys.changes import changed_fields
from surveys.documents import (
    document_of,
    document_problems,
    questionnaire_from_document,
    read_document,
)
from surveys.loading import DEFINITIONS_DIR, _definition_files, load_questionnaire_file

SHIPPED = "shipped with the portal"


class VersionRefused(Refusal):
    """A definition that cannot become a version; ``problems`` names each thing to fix."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = problems


_built: dict[tuple[int, str], surveys.Questionnaire] = {}
_lock = Lock()


def version_questionnaire(row: Questionnaire) -> surveys.Questionnaire:
    """The questionnaire a published version defines, built from its stored document (once per
    version: versions never change). ``QuestionnaireError`` if the stored document no longer
    matches the checksum it was published with."""
    key = (row.id, row.checksum)
    cached = _built.get(key)
    if cached is not None:
        return cached
    label = f"{row.slug} v{row.version}"
    questionnaire = questionnaire_from_document(row.definition, label)
    if surveys.checksum(questionnaire) != row.checksum:
        raise surveys.QuestionnaireError(
            f"{label}: questionnaire: the stored definition no longer matches the checksum it was "
            f"published with ({row.checksum}); it has been altered outside the portal")
    with _lock:
        if len(_built) > 64:
            _built.clear()
        _built[key] = questionnaire
    return questionnaire


def load_shipped(session: Session, directory: Path | None = None) -> list[Questionnaire]:
    """Add each definition file in ``surveys/definitions`` (or ``directory``) not yet stored as a
    published version (same id and version number); returns those added. A file whose version is
    already stored is left alone: the stored version is the one waves run."""
    have = queries.shipped_pairs(session)
    added = []
    for slug, number, path in _definition_files(directory or DEFINITIONS_DIR):
        if (slug, number) in have:
            continue
        loaded = load_questionnaire_file(path)
        row = Questionnaire(slug=loaded.id, version=loaded.version, title=loaded.title,
                            checksum=surveys.checksum(loaded), definition=document_of(loaded),
                            change_note=f"{SHIPPED} ({path.name})", standard_changes=[])
        session.add(row)
        added.append(row)
    if added:
        session.flush()
        for row in added:
            audit.record(session, "questionnaire_loaded", "questionnaire", row.id,
                         questionnaire=f"{row.slug} v{row.version}")
    return added


def stored_versions(session: Session) -> list[Questionnaire]:
    """Every published version, the shipped definitions loaded first if they are not yet."""
    load_shipped(session)
    return queries.versions(session)


def add_version(session: Session, document: dict, *, based_on: Questionnaire | None, note: str,
                actor=None) -> Questionnaire:
    """Publish ``document`` as the next version of its questionnaire (its ``version`` is set to
    the next number). ``VersionRefused`` naming every problem; nothing is stored then."""
    slug = document.get("id")
    latest = queries.latest_version(session, slug) if isinstance(slug, str) else None
    number = (latest.version + 1) if latest else 1
    document = {**document, "version": number}
    label = f"{slug} v{number}"
    problems = document_problems(document, label)
    if problems:
        raise VersionRefused(f"The questionnaire has {_count(problems)}; nothing was published.",
                             problems)
    questionnaire = questionnaire_from_document(document, label)
    changed = []
    if based_on is not None:
        changed = changed_fields(version_questionnaire(based_on), questionnaire,
                                 list(standard_questions()))
    row = Questionnaire(slug=questionnaire.id, version=number, title=questionnaire.title,
                        checksum=surveys.checksum(questionnaire),
                        definition=document_of(questionnaire), based_on=based_on,
                        published_by_id=getattr(actor, "id", None), change_note=note.strip(),
                        standard_changes=changed)
    session.add(row)
    session.flush()
    audit.record(session, "questionnaire_published", "questionnaire", row.id, actor=actor,
                 questionnaire=label, based_on=based_on.id if based_on else None,
                 note=note.strip(), standard_changes=changed)
    return row


def _count(problems: list[str]) -> str:
    return "1 problem" if len(problems) == 1 else f"{len(problems)} problems"


def import_file(session: Session, raw: bytes, filename: str, actor=None) -> Questionnaire:
    """A definition file added as a new version of the questionnaire its ``id`` names (based on
    that questionnaire's latest version, if any): every problem refused at once. The translations
    of the version it is based on carry over where a string's English is identical, as when a
    draft is published (`portal.questionnaires.translations.carry_forward`)."""
    # translations imports this module (version_questionnaire), so it is imported here.
    from portal.questionnaires.translations import carry_forward

    try:
        document = read_document(raw, filename)
    except surveys.QuestionnaireError as error:
        raise VersionRefused(f"{filename} was not imported.",
                             [str(error).removeprefix(f"{filename}: ")]) from None
    problems = document_problems(document, filename)
    if problems:
        raise VersionRefused(f"{filename} was not imported: it has {_count(problems)}.", problems)
    based_on = queries.latest_version(session, document["id"])
    row = add_version(session, document, based_on=based_on, note=f"imported from {filename}",
                      actor=actor)
    if based_on is not None:
        carry_forward(session, based_on, row, actor=actor)
    return row


def not_comparable(session: Session, row: Questionnaire | None) -> frozenset[str]:
    """The standard questions ``row`` changed that no analyst has judged comparable."""
    if row is None or not row.standard_changes:
        return frozenset()
    marked = {c.question_id for c in queries.comparable_changes(session, row.id)}
    return frozenset(row.standard_changes) - marked


def withheld_indicators(session: Session, row: Questionnaire | None) -> tuple[str, ...]:
    """The catalogue's indicators refused for waves on ``row`` until their change is judged."""
    return incomparable_indicators(not_comparable(session, row))


def mark_comparable(session: Session, row: Questionnaire, question_id: str, reason: str,
                    actor=None) -> ComparableChange:
    """Record an analyst's judgement that a changed standard question still compares (audited)."""
    if question_id not in (row.standard_changes or []):
        raise Refusal(f"{question_id} is not a standard question that version {row.version} "
                      "changed")
    if not reason.strip():
        raise Refusal("Say why the changed question still compares with earlier waves")
    existing = session.scalar(select(ComparableChange).where(
        ComparableChange.questionnaire_id == row.id, ComparableChange.question_id == question_id))
    if existing is not None:
        raise Refusal(f"{question_id} is already marked as comparable")
    mark = ComparableChange(questionnaire_id=row.id, question_id=question_id,
                            reason=reason.strip(), marked_by_id=getattr(actor, "id", None))
    session.add(mark)
    session.flush()
    audit.record(session, "questionnaire_change_comparable", "questionnaire", row.id, actor=actor,
                 question=question_id, reason=reason.strip())
    return mark
