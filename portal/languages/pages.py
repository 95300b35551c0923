"""What the Languages page shows, as plain values: for each language the site offers residents,
the interface strings its catalogue lacks (`portal.core.languages.coverage`, from the compiled
catalogue the site answers with: each shows in English), and for each published questionnaire
version, how many of its strings each language has and which it lacks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.core.languages import ENGLISH, Coverage, coverage
from portal.models import Questionnaire
from portal.questionnaires import queries
from portal.questionnaires import translations as questionnaire_translations
from portal.questionnaires.versions import version_questionnaire
from surveys.translations import strings


@dataclass(frozen=True)
class InterfaceLanguage:
    code: str
    total: int
    missing: tuple[str, ...]  # msgids (a plural's singular), shown in English

    @property
    def translated(self) -> int:
        return self.total - len(self.missing)


@dataclass(frozen=True)
class VersionCoverage:
    row: Questionnaire
    languages: list[questionnaire_translations.Coverage]


@dataclass(frozen=True)
class MissingStrings:
    language: str
    total: int
    missing: list[tuple[str, str]]  # (key, English), in the questionnaire's order


def interface_languages(config: Mapping) -> list[InterfaceLanguage]:
    return [_interface(c) for c in coverage(config)]


def _interface(found: Coverage) -> InterfaceLanguage:
    return InterfaceLanguage(found.code, found.total, found.missing)


def version_coverage(session: Session, languages: tuple[str, ...]) -> list[VersionCoverage]:
    """Every published version with its count per language other than English."""
    return [VersionCoverage(row, questionnaire_translations.coverage(session, row, languages))
            for row in queries.versions(session)]


def missing_strings(session: Session, row: Questionnaire, languages: tuple[str, ...]) -> list[MissingStrings]:
    """For each offered language but English, the version's strings it has no translation of."""
    every = strings(version_questionnaire(row))
    out = []
    for language in languages:
        if language == ENGLISH:
            continue
        have = queries.translations(session, row.id, language)
        out.append(MissingStrings(language, len(every),
                                  [(key, text) for key, text in every.items() if key not in have]))
    return out
