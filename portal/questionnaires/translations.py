"""Translations of a published version's strings: a translators' file stored (audited) as the
version's strings in one language, the strings a resident reads in that language, how many are
translated, and translations carried forward to a new version where the English is unchanged.

Translations sit beside the version (``QuestionnaireTranslation``), never in its frozen
definition: the questions, codes and checksum of a published version stay as waves froze them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

import surveys
from portal.core import audit
from portal.core.refusals import Refusal
from portal.models import Questionnaire, QuestionnaireTranslation
from portal.questionnaires import queries
from portal.questionnaires.versions import version_questionnaire
from surveys.translations import (
    TranslationRefused,
    carried_forward,
    read_strings_csv,
    strings,
    translated,
)


class TranslationFileRefused(Refusal):
    """A translators' file not stored; ``problems`` names each thing to fix, with its line."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class Coverage:
    language: str
    translated: int
    total: int


def store_file(session: Session, row: Questionnaire, language: str, raw: bytes, filename: str,
               offered: tuple[str, ...], actor=None) -> int:
    """The file as ``row``'s strings in ``language``: the whole translation (a blank cell leaves
    that string English). Every problem refused at once and nothing stored. Returns how many
    strings are translated."""
    if language == "en" or language not in offered:
        others = ", ".join(code for code in offered if code != "en") or "none"
        raise TranslationFileRefused(f"{filename} was not stored.", [
            f"line 1: the third column must name a language the site offers residents "
            f"({others}); found {language!r}"])
    try:
        texts = read_strings_csv(raw, filename, version_questionnaire(row), language)
    except TranslationRefused as refused:
        raise TranslationFileRefused(str(refused), refused.problems) from None
    _replace(session, row, language, texts, actor)
    audit.record(session, "questionnaire_translated", "questionnaire", row.id, actor=actor,
                 questionnaire=f"{row.slug} v{row.version}", language=language,
                 strings=len(texts), source=filename)
    return len(texts)


def _replace(session: Session, row: Questionnaire, language: str, texts: dict[str, str],
             actor) -> None:
    stored = {t.key: t for t in queries.translation_rows(session, row.id, language)}
    for key, translation in stored.items():
        if key not in texts:
            session.delete(translation)
    for key, text in texts.items():
        if key in stored:
            if stored[key].text != text:
                stored[key].text = text
                stored[key].updated_by_id = getattr(actor, "id", None)
        else:
            session.add(QuestionnaireTranslation(questionnaire_id=row.id, language=language,
                                                 key=key, text=text,
                                                 updated_by_id=getattr(actor, "id", None)))
    session.flush()


def carry_forward(session: Session, old: Questionnaire, new: Questionnaire,
                  actor=None) -> dict[str, int]:
    """Copy ``old``'s translations to ``new`` for each string whose key and English are
    identical in both (a reworded string starts untranslated). Strings carried, by language."""
    carried: dict[str, int] = {}
    for language in queries.translated_languages(session, old.id):
        texts = queries.translations(session, old.id, language)
        kept = carried_forward(version_questionnaire(old), version_questionnaire(new), texts)
        if kept:
            _replace(session, new, language, kept, actor)
            carried[language] = len(kept)
    if carried:
        audit.record(session, "questionnaire_translations_carried", "questionnaire", new.id,
                     actor=actor, based_on=old.id, strings=carried)
    return carried


def coverage(session: Session, row: Questionnaire, languages: tuple[str, ...]) -> list[Coverage]:
    """How many of the version's strings each language other than English has."""
    keys = strings(version_questionnaire(row))
    return [Coverage(language, len(set(queries.translations(session, row.id, language)) & set(keys)),
                     len(keys))
            for language in languages if language != "en"]


def in_language(session: Session, row: Questionnaire, questionnaire: surveys.Questionnaire,
                language: str) -> surveys.Questionnaire:
    """``questionnaire`` (the version's, options bound) as a resident reads it in ``language``:
    each translated string replaced, the others English."""
    if language == "en":
        return questionnaire
    return translated(questionnaire, queries.translations(session, row.id, language))
