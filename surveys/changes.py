"""What changed between two versions of a questionnaire, question by question and option by option.

The version history prints these lines; ``changed_fields`` says which answer columns no longer mean
what they meant (their question's wording, a grid row's wording, or the options' codes and labels
changed, or the column went), which is what decides whether an indicator still compares.
"""

from __future__ import annotations

from dataclasses import dataclass

from surveys.questionnaire import Question, Questionnaire


@dataclass(frozen=True)
class Change:
    """One difference: ``what`` is 'question worry_burglary' or 'page your-area'; ``how`` a sentence."""

    what: str
    how: str


def _options(question: Question) -> list[tuple[str, str]]:
    return [(o.code, o.label) for o in question.options]


def question_changes(before: Question, after: Question) -> list[str]:
    """Sentences for each way ``after`` differs from ``before`` (same id)."""
    lines = []
    if before.type != after.type:
        lines.append(f"type changed from {before.type} to {after.type}")
    if before.text != after.text:
        lines.append(f"wording changed from “{before.text}” to “{after.text}”")
    if before.hint != after.hint:
        lines.append(f"help text changed to “{after.hint or ''}”" if after.hint
                     else "help text removed")
    if before.required != after.required:
        lines.append("now required" if after.required else "no longer required")
    lines += _option_changes(before, after) + _row_changes(before, after)
    if before.show_if != after.show_if:
        lines.append(f"shown when {after.show_if.describe()}" if after.show_if
                     else "now always shown")
    if (before.min, before.max, before.max_length) != (after.min, after.max, after.max_length):
        lines.append("limits changed")
    return lines


def _option_changes(before: Question, after: Question) -> list[str]:
    lines = []
    old, new = dict(_options(before)), dict(_options(after))
    for code in old.keys() - new.keys():
        lines.append(f"option {code} ({old[code]}) removed")
    for code in new.keys() - old.keys():
        lines.append(f"option {code} ({new[code]}) added")
    for code in old.keys() & new.keys():
        if old[code] != new[code]:
            lines.append(f"option {code} relabelled from “{old[code]}” to “{new[code]}”")
    if [c for c, _ in _options(before)] != [c for c, _ in _options(after)] and \
            old.keys() == new.keys():
        lines.append("options reordered")
    return lines


def _row_changes(before: Question, after: Question) -> list[str]:
    lines = []
    old_rows = {r.id: r.text for r in before.rows}
    new_rows = {r.id: r.text for r in after.rows}
    for row in old_rows.keys() - new_rows.keys():
        lines.append(f"row {row} removed")
    for row in new_rows.keys() - old_rows.keys():
        lines.append(f"row {row} added")
    for row in old_rows.keys() & new_rows.keys():
        if old_rows[row] != new_rows[row]:
            lines.append(f"row {row} reworded to “{new_rows[row]}”")
    return lines


def differences(before: Questionnaire, after: Questionnaire) -> list[Change]:
    """Every change from ``before`` to ``after``: pages and questions added, removed, moved or
    changed; options added, removed or relabelled."""
    changes: list[Change] = []
    if before.title != after.title:
        changes.append(Change("questionnaire", f"title changed to “{after.title}”"))
    changes += _page_changes(before, after)
    old_questions = {q.id: q for q in before.questions}
    new_questions = {q.id: q for q in after.questions}
    for question in before.questions:
        if question.id not in new_questions:
            changes.append(Change(f"question {question.id}", "removed"))
    for question in after.questions:
        if question.id not in old_questions:
            changes.append(Change(f"question {question.id}",
                                  f"added on page {after.page_of(question.id).id}: "
                                  f"“{question.text}”"))
            continue
        for line in question_changes(old_questions[question.id], question):
            changes.append(Change(f"question {question.id}", line))
        if before.page_of(question.id).id != after.page_of(question.id).id:
            changes.append(Change(f"question {question.id}",
                                  f"moved to page {after.page_of(question.id).id}"))
    return changes


def _page_changes(before: Questionnaire, after: Questionnaire) -> list[Change]:
    changes = []
    old_pages = {p.id: p for p in before.pages}
    new_pages = {p.id: p for p in after.pages}
    for page in before.pages:
        if page.id not in new_pages:
            changes.append(Change(f"page {page.id}", "removed"))
    for page in after.pages:
        if page.id not in old_pages:
            changes.append(Change(f"page {page.id}", f"added (“{page.title}”)"))
        elif old_pages[page.id].title != page.title or old_pages[page.id].intro != page.intro:
            changes.append(Change(f"page {page.id}", "title or introduction changed"))
    if [p.id for p in before.pages if p.id in new_pages] != \
            [p.id for p in after.pages if p.id in old_pages]:
        changes.append(Change("questionnaire", "pages reordered"))
    return changes


def _meaning(questionnaire: Questionnaire, field: str) -> tuple | None:
    """What an answer in ``field`` means: its question's type, wording and options, and the
    grid row's wording. None when the questionnaire has no such field."""
    if field not in questionnaire.field_ids:
        return None
    question = questionnaire.question(field)
    row = question.row(field)
    return (question.type, question.text, tuple(_options(question)), row.text if row else None)


def changed_fields(before: Questionnaire, after: Questionnaire, fields: list[str]) -> list[str]:
    """Those of ``fields`` (answer columns ``before`` has) whose meaning ``after`` changed or lost."""
    return [field for field in fields
            if _meaning(before, field) is not None
            and _meaning(before, field) != _meaning(after, field)]
