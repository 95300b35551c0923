"""A questionnaire's resident-facing strings as data: each under a stable key derived from the
definition's ids, the translators' CSV file (key, en, one language column), and the questionnaire
as a resident reads it in another language.

Keys come from ids, never positions (``q.<question_id>.text``, ``q.<id>.option.<code>``,
``q.<id>.row.<row_id>``, ``page.<page_id>.title``), so a new version keeps the keys of the
questions it did not change. A translation never touches ids or codes: answers are stored the same
whatever language they were given in.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

from surveys.questionnaire import Questionnaire, QuestionnaireError

KEY_COLUMN, ENGLISH_COLUMN = "key", "en"
# "{name}" and "%(name)s": the two placeholder styles a string could carry into a page.
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%\([A-Za-z_][A-Za-z0-9_]*\)[sd]")


def strings(questionnaire: Questionnaire) -> dict[str, str]:
    """Every string a resident reads, by key, in the definition's order. Options bound at run
    time (``options_from``) are data, not strings of the questionnaire, and are left out."""
    found: dict[str, str] = {"title": questionnaire.title}
    if questionnaire.description:
        found["description"] = questionnaire.description
    for page in questionnaire.pages:
        found[f"page.{page.id}.title"] = page.title
        if page.intro:
            found[f"page.{page.id}.intro"] = page.intro
        for question in page.questions:
            stem = f"q.{question.id}"
            found[f"{stem}.text"] = question.text
            if question.hint:
                found[f"{stem}.help"] = question.hint
            if question.error_message:
                found[f"{stem}.error"] = question.error_message
            for row in question.rows:
                found[f"{stem}.row.{row.id}"] = row.text
            if not question.options_from:
                for option in question.options:
                    found[f"{stem}.option.{option.code}"] = option.label
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def translated(questionnaire: Questionnaire, texts: dict[str, str]) -> Questionnaire:
    """The questionnaire with each string that has a translation in ``texts`` replaced, string
    by string; the rest stay English. Ids, codes, routing and limits are unchanged."""
    if not texts:
        return questionnaire

    def tr(key: str, english: str | None) -> str | None:
        return texts.get(key, english) if english is not None else None

    pages = []
    for page in questionnaire.pages:
        questions = []
        for q in page.questions:
            stem = f"q.{q.id}"
            questions.append(replace(
                q, text=texts.get(f"{stem}.text", q.text), hint=tr(f"{stem}.help", q.hint),
                error_message=tr(f"{stem}.error", q.error_message),
                rows=tuple(replace(r, text=texts.get(f"{stem}.row.{r.id}", r.text))
                           for r in q.rows),
                options=q.options if q.options_from else tuple(
                    replace(o, label=texts.get(f"{stem}.option.{o.code}", o.label))
                    for o in q.options)))
        pages.append(replace(page, title=texts.get(f"page.{page.id}.title", page.title),
                             intro=tr(f"page.{page.id}.intro", page.intro),
                             questions=tuple(questions)))
    return replace(questionnaire, title=texts.get("title", questionnaire.title),
                   description=tr("description", questionnaire.description), pages=tuple(pages))


def strings_csv(questionnaire: Questionnaire, language: str, texts: dict[str, str]) -> str:
    """The translators' file: one row per string, ``key,en,<language>``; the language column
    holds the stored translation, blank where there is none."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([KEY_COLUMN, ENGLISH_COLUMN, language])
    for key, english in strings(questionnaire).items():
        writer.writerow([key, english, texts.get(key, "")])
    return out.getvalue()


def header_language(raw: bytes) -> str:
    """The language a translators' file is in: its header's third column ("" if it has none)."""
    first = raw.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").strip()
    cells = next(csv.reader([first]), [])
    return cells[2].strip() if len(cells) > 2 else ""


class TranslationRefused(QuestionnaireError):
    """A translators' file that cannot be stored; ``problems`` names each thing to fix."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = problems


def read_strings_csv(raw: bytes, filename: str, questionnaire: Questionnaire,
                     language: str) -> dict[str, str]:
    """The translations a translators' file holds, by key (blank cells left out: the string
    stays English). ``TranslationRefused`` naming every problem, with line numbers: a file that
    is not UTF-8, a header other than ``key,en,<language>``, a duplicate or unknown key, a
    translation missing a placeholder its English carries."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise TranslationRefused(f"{filename} was not read.", [
            f"line {line}: the file is not UTF-8 text; save it as 'CSV UTF-8'"]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise TranslationRefused(f"{filename} was not read.", [
            f"line {reader.line_num}: not valid CSV ({error})"]) from None
    expected = [KEY_COLUMN, ENGLISH_COLUMN, language]
    if not rows or [cell.strip() for cell in rows[0]] != expected:
        found = ",".join(rows[0]) if rows else "nothing"
        raise TranslationRefused(f"{filename} was not read.", [
            f"line 1: the header must be {','.join(expected)} (found {found})"])
    known = strings(questionnaire)
    problems: list[str] = []
    seen: dict[str, int] = {}
    texts: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            problems.append(f"line {number}: expected 3 columns, found {len(row)}")
            continue
        key, _english, translation = (cell.strip() for cell in row)
        if key in seen:
            problems.append(f"line {number}: {key} is repeated (first on line {seen[key]})")
            continue
        seen[key] = number
        if key not in known:
            problems.append(f"line {number}: {key} is not a string of {questionnaire.label}")
            continue
        if not translation:
            continue
        lost = placeholders(known[key]) - placeholders(translation)
        if lost:
            problems.append(f"line {number}: {key}: the translation loses "
                            f"{', '.join(sorted(lost))}")
            continue
        texts[key] = translation
    if problems:
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        raise TranslationRefused(f"{filename} was not stored: it has {count}.", problems)
    return texts


def carried_forward(old: Questionnaire, new: Questionnaire,
                    texts: dict[str, str]) -> dict[str, str]:
    """The translations of ``old`` that still apply to ``new``: same key and identical English."""
    before, after = strings(old), strings(new)
    return {key: text for key, text in texts.items()
            if key in after and before.get(key) == after[key]}
