"""Drafts of a new version: made from a published one, changed question by question and page by
page, checked with every rule, and published as the next version (the draft then goes). Each change
is audited, and a change that would give the draft a new problem is refused with that problem.

Routing only looks back (``surveys.definition_checks``), so a move that would put a question before
a question it routes on, or a delete that would leave a later question routing on nothing, is
refused with a sentence saying which. Renaming a question that others route on is followed: their
routing is changed to the new id."""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy.orm import Session

from portal.core import audit
from portal.core.refusals import Refusal
from portal.models import Questionnaire, QuestionnaireDraft
from portal.questionnaires.translations import carry_forward
from portal.questionnaires.versions import add_version
from surveys.definition_checks import snake_case
from surveys.documents import document_problems

CONDITION_SLOTS = 3  # conditions the routing field offers (ANY or ALL of them)
EDITED_KEYS = ("hint", "required", "options", "rows", "min", "max", "show_if", "error_message")


class DraftError(Refusal):
    """A change to a draft that cannot be made as asked."""


class QuestionRefused(DraftError):
    """A question that would give the draft new problems; ``problems`` names each one."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0])
        self.problems = problems


class ConfirmationNeeded(DraftError):
    """A page with questions, deleted without saying yes to deleting them too."""


def start_draft(session: Session, row: Questionnaire, actor=None) -> QuestionnaireDraft:
    draft = QuestionnaireDraft(slug=row.slug, based_on=row, document=copy.deepcopy(row.definition),
                               created_by_id=getattr(actor, "id", None))
    session.add(draft)
    session.flush()
    audit.record(session, "questionnaire_draft_started", "questionnaire_draft", draft.id,
                 actor=actor, based_on=row.id)
    return draft


# ------------------------------------------------------------------------- reading a document


def _page(document: dict, page_id: str) -> dict:
    for page in document["pages"]:
        if page["id"] == page_id:
            return page
    raise DraftError(f"The draft has no page {page_id}")


def _locate(document: dict, question_id: str) -> tuple[dict, int]:
    """(the page holding the question, its position there)."""
    for page in document["pages"]:
        for index, question in enumerate(page["questions"]):
            if question["id"] == question_id:
                return page, index
    raise DraftError(f"The draft has no question {question_id}")


def find_question(document: dict, question_id: str) -> tuple[str, dict]:
    """(its page's id, the question mapping)."""
    page, index = _locate(document, question_id)
    return page["id"], page["questions"][index]


def _fields(question: dict) -> set[str]:
    """The answer fields a question produces (a grid's row ids)."""
    if question["type"] == "grid":
        return {row["id"] for row in question.get("rows", ())}
    return {question["id"]}


def routed_on(condition: dict | None) -> set[str]:
    """The answer fields a ``show_if`` mapping reads."""
    if not condition:
        return set()
    for group in ("all", "any"):
        if group in condition:
            return set().union(*(routed_on(inner) for inner in condition[group]))
    return {condition["question"]} if "question" in condition else set()


def _questions(document: dict) -> Iterator[dict]:
    for page in document["pages"]:
        yield from page["questions"]


def _routing_on(document: dict, fields: set[str], skip: Collection[str] = ()) -> list[str]:
    """Ids of the questions (and pages) whose routing reads any of ``fields``."""
    found = [f"page {p['id']}" for p in document["pages"] if routed_on(p.get("show_if")) & fields]
    found += [q["id"] for q in _questions(document)
              if q["id"] not in skip and routed_on(q.get("show_if")) & fields]
    return found


# ---------------------------------------------------------------------------- saving a change


def _save(session: Session, draft: QuestionnaireDraft, before: dict, document: dict,
          actor, check: bool = True, **detail: Any) -> None:
    """Keep ``document`` as the draft's, refusing it when it has problems ``before`` did not."""
    if check:
        known = set(document_problems(before, "draft"))
        new = [p for p in document_problems(document, "draft") if p not in known]
        if new:
            raise QuestionRefused(new)
    draft.document = document
    audit.record(session, "questionnaire_draft_changed", "questionnaire_draft", draft.id,
                 actor=actor, **detail)


def option_lines(text: str) -> list[dict]:
    """'Label' or 'code = Label' per line -> options (the code defaults to the label's snake_case)."""
    options = []
    for line in text.splitlines():
        if not line.strip():
            continue
        code, _, label = line.partition("=") if "=" in line else ("", "", line)
        label = label.strip()
        options.append({"code": code.strip() or snake_case(label), "label": label})
    return options


def add_question(session: Session, draft: QuestionnaireDraft, page_id: str, question: dict,
                 actor=None) -> None:
    """Add ``question`` (a document's question mapping) at the end of the page."""
    document = copy.deepcopy(draft.document)
    if question["id"] in {q["id"] for q in _questions(document)}:
        raise DraftError(f"There is already a question {question['id']}; choose another id")
    _page(document, page_id)["questions"].append(question)
    _save(session, draft, draft.document, document, actor, added=question["id"], page=page_id)


def change_question(session: Session, draft: QuestionnaireDraft, question_id: str,
                    changed: dict, actor=None) -> None:
    """Put ``changed`` (from the question form) in the question's place. What the form does not
    edit (options supplied at run time, a page's routing) is kept; a new id is followed by the
    routing of every question that routed on the old one."""
    document = copy.deepcopy(draft.document)
    page, index = _locate(document, question_id)
    old = page["questions"][index]
    new_id = changed["id"]
    if new_id != question_id and new_id in {q["id"] for q in _questions(document)}:
        raise DraftError(f"There is already a question {new_id}; choose another id")
    question = {key: value for key, value in old.items() if key not in EDITED_KEYS}
    question.update(changed)
    if "options_from" in question and "options" in question:
        del question["options_from"]
    page["questions"][index] = question
    if new_id != question_id and old["type"] != "grid":
        _rename_routing(document, question_id, new_id)
    _save(session, draft, draft.document, document, actor, changed=question_id,
          **({"renamed_to": new_id} if new_id != question_id else {}))


def _rename_routing(document: dict, old: str, new: str) -> None:
    def rename(condition: dict | None) -> None:
        if not condition:
            return
        for group in ("all", "any"):
            for inner in condition.get(group, ()):
                rename(inner)
        if condition.get("question") == old:
            condition["question"] = new

    for page in document["pages"]:
        rename(page.get("show_if"))
        for question in page["questions"]:
            rename(question.get("show_if"))


def delete_question(session: Session, draft: QuestionnaireDraft, question_id: str,
                    actor=None) -> None:
    document = copy.deepcopy(draft.document)
    page, index = _locate(document, question_id)
    fields = _fields(page["questions"][index])
    depending = _routing_on(document, fields, skip={question_id})
    if depending:
        raise DraftError(f"{question_id} cannot be deleted: the routing of "
                         f"{', '.join(depending)} depends on it. Change that routing first.")
    del page["questions"][index]
    _save(session, draft, draft.document, document, actor, check=False, deleted=question_id)


def copy_question(session: Session, draft: QuestionnaireDraft, question_id: str,
                  actor=None) -> str:
    """A copy just after the question, as ``<id>_copy`` (``_copy_2``... when taken); grid rows
    are copied as ``<row>_copy`` too. Returns the copy's id."""
    document = copy.deepcopy(draft.document)
    page, index = _locate(document, question_id)
    taken = {q["id"] for q in _questions(document)} | {
        f for q in _questions(document) for f in _fields(q)}
    suffix = "_copy"
    number = 1
    while f"{question_id}{suffix}" in taken or any(
            f"{row['id']}{suffix}" in taken for row in page["questions"][index].get("rows", ())):
        number += 1
        suffix = f"_copy_{number}"
    question = copy.deepcopy(page["questions"][index])
    question["id"] = f"{question_id}{suffix}"
    for row in question.get("rows", ()):
        row["id"] = f"{row['id']}{suffix}"
    page["questions"].insert(index + 1, question)
    _save(session, draft, draft.document, document, actor, copied=question_id,
          copy=question["id"])
    return question["id"]


def move_question(session: Session, draft: QuestionnaireDraft, question_id: str, direction: str,
                  actor=None) -> None:
    """Swap the question with the one above (``up``) or below (``down``) it on its page; refused
    when one of the two routes on the other."""
    document = copy.deepcopy(draft.document)
    page, index = _locate(document, question_id)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise DraftError("Choose to move the question up or down")
    if not 0 <= other < len(page["questions"]):
        where = "first" if direction == "up" else "last"
        raise DraftError(f"{question_id} is already the {where} question on page {page['id']}")
    first, second = sorted((index, other))
    earlier, later = page["questions"][first], page["questions"][second]
    if routed_on(later.get("show_if")) & _fields(earlier):
        raise DraftError(f"{later['id']} cannot go above {earlier['id']}: it is shown only after "
                         f"{earlier['id']} is answered, and routing only looks back")
    page["questions"][first], page["questions"][second] = later, earlier
    _save(session, draft, draft.document, document, actor, moved=question_id, direction=direction)


def move_question_to_page(session: Session, draft: QuestionnaireDraft, question_id: str,
                          page_id: str, actor=None) -> None:
    """Move the question to the end of another page; refused when routing would then look
    forward (its own routing on an answer asked after it, or a question or page routed on it
    coming before it)."""
    document = copy.deepcopy(draft.document)
    page, index = _locate(document, question_id)
    if page["id"] == page_id:
        raise DraftError(f"{question_id} is already on page {page_id}: choose another page, or "
                         "move it up or down its page")
    target = _page(document, page_id)
    question = page["questions"].pop(index)
    target["questions"].append(question)
    problem = _looking_forward(document, question)
    if problem:
        raise DraftError(f"{question_id} cannot go to page {page_id}: {problem}, and routing "
                         "only looks back")
    _save(session, draft, draft.document, document, actor, moved=question_id,
          from_page=page["id"], to_page=page_id)


def _looking_forward(document: dict, moved: dict) -> str | None:
    """The first routing, in order, that reads an answer to or by ``moved`` not yet asked where
    it is read, in words; None when all of it looks back."""
    asked_by = {f: q["id"] for q in _questions(document) for f in _fields(q)}
    fields = _fields(moved)
    answered: set[str] = set()
    for page in document["pages"]:
        late = (routed_on(page.get("show_if")) & fields) - answered
        if late:
            return f"page {page['id']} is shown only after {moved['id']} is answered"
        for question in page["questions"]:
            reads = routed_on(question.get("show_if")) - answered
            if question is moved:
                later = sorted({asked_by[f] for f in reads if f in asked_by})
                if later:
                    return (f"it is shown only after {', '.join(later)} is answered, which "
                            "would then come after it")
            elif reads & fields:
                return f"{question['id']} is shown only after {moved['id']} is answered"
            answered |= _fields(question)
    return None


# -------------------------------------------------------------------------------------- pages


def add_page(session: Session, draft: QuestionnaireDraft, page_id: str, title: str,
             actor=None) -> None:
    """A new empty page at the end (the draft reports it until it has a question)."""
    document = copy.deepcopy(draft.document)
    if page_id in {p["id"] for p in document["pages"]}:
        raise DraftError(f"There is already a page {page_id}; choose another id")
    document["pages"].append({"id": page_id, "title": title, "questions": []})
    _save(session, draft, draft.document, document, actor, check=False, added_page=page_id)


def rename_page(session: Session, draft: QuestionnaireDraft, page_id: str, new_id: str,
                title: str, actor=None) -> None:
    document = copy.deepcopy(draft.document)
    page = _page(document, page_id)
    if new_id != page_id and new_id in {p["id"] for p in document["pages"]}:
        raise DraftError(f"There is already a page {new_id}; choose another id")
    page["id"], page["title"] = new_id, title
    _save(session, draft, draft.document, document, actor, check=False, renamed_page=page_id,
          to=new_id)


def delete_page(session: Session, draft: QuestionnaireDraft, page_id: str, confirmed: bool,
                actor=None) -> None:
    """Delete a page; one with questions only when ``confirmed``, and never while a later
    question routes on one of its questions."""
    document = copy.deepcopy(draft.document)
    page = _page(document, page_id)
    if len(document["pages"]) == 1:
        raise DraftError("A questionnaire needs at least one page: add another before deleting "
                         "this one")
    fields = set().union(*(_fields(q) for q in page["questions"]))
    ids = {q["id"] for q in page["questions"]}
    depending = [d for d in _routing_on(document, fields, skip=ids) if d != f"page {page_id}"]
    if depending:
        raise DraftError(f"Page {page_id} cannot be deleted: the routing of "
                         f"{', '.join(depending)} depends on its questions. Change that routing "
                         "first.")
    if page["questions"] and not confirmed:
        raise ConfirmationNeeded(f"Say yes to deleting page {page_id} and its "
                                 f"{len(page['questions'])} questions")
    document["pages"].remove(page)
    _save(session, draft, draft.document, document, actor, check=False, deleted_page=page_id,
          questions=sorted(ids))


def move_page(session: Session, draft: QuestionnaireDraft, page_id: str, direction: str,
              actor=None) -> None:
    """Swap the page with the one before or after it; refused when the later one's routing
    reads an answer on the earlier one."""
    if direction not in ("up", "down"):
        raise DraftError("Choose to move the page up or down")
    document = copy.deepcopy(draft.document)
    pages = document["pages"]
    index = pages.index(_page(document, page_id))
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(pages):
        raise DraftError(f"Page {page_id} is already the {'first' if direction == 'up' else 'last'}"
                         " page")
    first, second = sorted((index, other))
    earlier, later = pages[first], pages[second]
    answered = set().union(*(_fields(q) for q in earlier["questions"]))
    reads = routed_on(later.get("show_if")).union(
        *(routed_on(q.get("show_if")) for q in later["questions"]))
    if reads & answered:
        raise DraftError(f"Page {later['id']} cannot go before page {earlier['id']}: its routing "
                         f"reads {', '.join(sorted(reads & answered))}, asked on page "
                         f"{earlier['id']}, and routing only looks back")
    pages[first], pages[second] = later, earlier
    _save(session, draft, draft.document, document, actor, moved_page=page_id,
          direction=direction)


def set_page_routing(session: Session, draft: QuestionnaireDraft, page_id: str,
                     condition: dict | None, actor=None) -> None:
    """Show the page only when ``condition`` holds (always when None); refused with each new
    problem, like a code its question does not have."""
    document = copy.deepcopy(draft.document)
    page = _page(document, page_id)
    page.pop("show_if", None)
    if condition:
        page["show_if"] = condition
    _save(session, draft, draft.document, document, actor, page_routing=page_id)


def earlier_page_choice_fields(document: dict, page_id: str) -> list[tuple[str, str, str]]:
    """The answers a page may route on: the choice questions of the pages before it."""
    ids = [page["id"] for page in document["pages"]]
    index = ids.index(page_id)
    return earlier_choice_fields(document, ids[index - 1]) if index else []


def publish_draft(session: Session, draft: QuestionnaireDraft, note: str,
                  actor=None) -> Questionnaire:
    """The draft as the next version (``VersionRefused`` naming each problem); the draft goes.
    The translations of the version it was based on carry over where the English is identical."""
    if not note.strip():
        raise DraftError("Say what this version changes, for the version history")
    row = add_version(session, draft.document, based_on=draft.based_on, note=note, actor=actor)
    carry_forward(session, draft.based_on, row, actor=actor)
    session.delete(draft)
    return row


# ------------------------------------------------------------------------ the question form


def earlier_choice_fields(document: dict, page_id: str,
                          before: str | None = None) -> list[tuple[str, str, str]]:
    """(field, type, 'field: text') of the answers a question may route on: the choice
    questions and grid rows with their own options on pages up to ``page_id``, and on it those
    above ``before`` (all of them when ``before`` is None, for a question added at the end)."""
    found: list[tuple[str, str, str]] = []
    for page in document["pages"]:
        for question in page["questions"]:
            if page["id"] == page_id and question["id"] == before:
                return found
            if "options" not in question or question["type"] not in (
                    "single_choice", "multiple_choice", "grid"):
                continue
            if question["type"] == "grid":
                found += [(row["id"], "grid", f"{row['id']}: {row['text'][:60]}")
                          for row in question.get("rows", ())]
            else:
                found.append((question["id"], question["type"],
                              f"{question['id']}: {question['text'][:60]}"))
        if page["id"] == page_id:
            break
    return found


def _leaf(field: str, kind: str, codes: list[str]) -> dict:
    if kind == "multiple_choice":
        return {"question": field, "includes": codes[0] if len(codes) == 1 else codes}
    return {"question": field, "equals": codes[0]} if len(codes) == 1 else \
        {"question": field, "in": codes}


def condition_from_form(form, kinds: dict[str, str], what: str = "question") -> dict | None:
    """The ``show_if`` mapping the form's conditions make: one leaf, or ANY/ALL of several."""
    leaves = []
    for slot in range(1, CONDITION_SLOTS + 1):
        field, codes_field = condition_fields(form, slot)
        codes = [c.strip() for c in (codes_field.data or "").split(",") if c.strip()]
        if not field.data:
            if codes:
                raise DraftError(f"Condition {slot}: choose the earlier question the codes "
                                 "belong to")
            continue
        if not codes:
            raise DraftError(f"Condition {slot}: enter the codes of {field.data} that show the "
                             f"{what}, separated by commas")
        leaves.append(_leaf(field.data, kinds.get(field.data, "single_choice"), codes))
    if not leaves:
        return None
    if len(leaves) == 1:
        return leaves[0]
    return {form.show_if_match.data or "any": leaves}


def condition_fields(form, slot: int):
    suffix = "" if slot == 1 else f"_{slot}"
    return getattr(form, f"show_if_question{suffix}"), getattr(form, f"show_if_codes{suffix}")


def question_from_form(form, kinds: dict[str, str]) -> dict:
    """A document's question mapping from the question form's fields; ``kinds`` gives the type
    of each answer the routing may read (multiple choice routes with ``includes``)."""
    question: dict = {"id": form.id.data, "type": form.type.data, "text": form.text.data}
    if form.hint.data:
        question["hint"] = form.hint.data
    if form.required.data:
        question["required"] = True
    if form.options.data:
        question["options"] = option_lines(form.options.data)
    if form.rows.data:
        question["rows"] = [{"id": (line.partition("=")[0].strip()),
                             "text": line.partition("=")[2].strip()}
                            for line in form.rows.data.splitlines() if line.strip()]
    _mark_exclusive(question, form.exclusive.data or "")
    if form.error_message.data:
        question["error_message"] = form.error_message.data
    for limit in ("min", "max"):
        value = getattr(form, limit).data
        if value is not None:
            question[limit] = value
    condition = condition_from_form(form, kinds)
    if condition:
        question["show_if"] = condition
    return question


def _mark_exclusive(question: dict, codes_text: str) -> None:
    """Mark the options named in ``codes_text`` ("none, dont_know") as exclusive: ticking one
    clears the others. Refused for a code the question does not have, or on a question that is
    not multiple choice."""
    codes = [code.strip() for code in codes_text.split(",") if code.strip()]
    if not codes:
        return
    if question["type"] != "multiple_choice":
        raise DraftError("Only a multiple choice question can have options that clear the "
                         "others: empty that field, or make it multiple choice")
    options = {option["code"]: option for option in question.get("options", ())}
    unknown = [code for code in codes if code not in options]
    if unknown:
        raise DraftError(f"{', '.join(unknown)} is not an option code of {question['id']} "
                         f"({', '.join(options)}): use the codes in the options field")
    for code in codes:
        options[code]["exclusive"] = True


def _leaves(condition: dict | None) -> tuple[str, list[dict]]:
    if not condition:
        return "any", []
    for group in ("all", "any"):
        if group in condition:
            return group, [c for c in condition[group] if "question" in c]
    return "any", [condition]


def form_shows_routing(condition: dict | None) -> bool:
    """Whether the question form's conditions can show ``condition`` as it is: one leaf, or
    ANY/ALL of at most ``CONDITION_SLOTS`` leaves."""
    match, leaves = _leaves(condition)
    inner = condition.get(match, [condition]) if condition else []
    return len(leaves) == len(inner) and len(leaves) <= CONDITION_SLOTS


def question_form_data(question: dict) -> dict:
    """The question form's fields filled from a question mapping (to edit it in place)."""
    data: dict[str, Any] = {
        "id": question["id"], "type": question["type"], "text": question["text"],
        "hint": question.get("hint", ""), "required": bool(question.get("required")),
        "options": "\n".join(f"{o['code']} = {o['label']}" for o in question.get("options", ())),
        "rows": "\n".join(f"{r['id']} = {r['text']}" for r in question.get("rows", ())),
        "min": question.get("min"), "max": question.get("max"),
        "exclusive": ", ".join(o["code"] for o in question.get("options", ())
                               if o.get("exclusive")),
        "error_message": question.get("error_message", ""),
    }
    return {**data, **routing_form_data(question.get("show_if"))}


def routing_form_data(condition: dict | None) -> dict:
    """The routing fields filled from a ``show_if`` mapping (a question's or a page's)."""
    data: dict[str, Any] = {}
    match, leaves = _leaves(condition)
    data["show_if_match"] = match
    for slot, leaf in enumerate(leaves[:CONDITION_SLOTS], start=1):
        suffix = "" if slot == 1 else f"_{slot}"
        codes = next(leaf[k] for k in ("equals", "in", "includes") if k in leaf)
        data[f"show_if_question{suffix}"] = leaf["question"]
        data[f"show_if_codes{suffix}"] = ", ".join(codes if isinstance(codes, list) else [codes])
    return data
