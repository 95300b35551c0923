"""Where an address can be held as text, and how subject access finds it and erasure redacts it.

Every text column of every model (String, Text and JSON) is in exactly one of three places here,
and `tests/portal/privacy/test_free_text.py` walks the models so that a new one cannot be forgotten:

- `FREE_TEXT`: columns that can hold a resident's words, or staff words about a resident, so an
  address (or a name) may be typed inside them. Subject access searches them for the address
  (case-insensitive, anywhere in the text); erasure replaces it there with `REMOVED`.
- `OWN_RULE`: columns that hold the address (or the name and phone given with it) as the whole
  value; `portal.privacy.subject_access` matches them exactly and erasure deletes or blanks them.
- `NOT_RESIDENTS_WORDS`: everything else, each with the reason it cannot hold a resident's words.

The name given with an address (on an issue's contact, or a Charter case) is redacted too, but only
inside that person's own records (`redact_name`): a name is not unique, so the same words in anyone
else's record may be someone else's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, String, cast, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from portal.models import (
    CaseReview,
    CaseReviewRecommendation,
    CharterCase,
    IssueEvent,
    Meeting,
    OutboundMail,
    PactIssue,
    Priority,
    PriorityUpdate,
    Response,
    SurveyDraft,
)

REMOVED = "[removed]"
EXCERPT = 80  # characters either side of the address in what subject access shows
NAME_MIN = 3  # a shorter name is not redacted: too likely to be part of other words


@dataclass(frozen=True)
class Place:
    """One free-text column: its name in reports (`table.column`), its label, the column."""

    name: str
    label: str
    column: InstrumentedAttribute

    @property
    def model(self) -> Any:
        return self.column.class_

    @property
    def is_json(self) -> bool:
        return isinstance(self.column.type, JSON)


def _place(column: InstrumentedAttribute, label: str) -> Place:
    return Place(f"{column.class_.__tablename__}.{column.key}", label, column)


FREE_TEXT: tuple[Place, ...] = (
    _place(PactIssue.description, "issue descriptions"),
    _place(PactIssue.location, "issue locations"),
    _place(PactIssue.followup_comment, "follow-up comments"),
    _place(PactIssue.public_summary, "issues' public summaries"),
    _place(PactIssue.outcome, "issues' outcomes"),
    _place(PactIssue.public_reason, "issues' public reasons"),
    _place(IssueEvent.body, "issue history (staff notes, updates, comments)"),
    _place(CharterCase.body, "complaints and enquiries (what was written)"),
    _place(CharterCase.response, "complaints and enquiries (the response)"),
    _place(CharterCase.extension_reason, "complaints and enquiries (extension reasons)"),
    _place(CaseReview.description, "ASB case reviews (what the applicant told us)"),
    _place(CaseReview.decision_reason, "ASB case reviews (reports not counted)"),
    _place(CaseReview.override_reason, "ASB case reviews (override reasons)"),
    _place(CaseReview.findings, "ASB case reviews (findings)"),
    _place(CaseReview.appeal_grounds, "ASB case reviews (appeal grounds)"),
    _place(CaseReview.appeal_decision, "ASB case reviews (appeal decisions)"),
    _place(CaseReviewRecommendation.action, "ASB case reviews (recommendations)"),
    _place(OutboundMail.subject, "e-mails' subjects"),
    _place(OutboundMail.body, "e-mails' text"),
    _place(OutboundMail.error, "e-mails' delivery errors"),
    _place(OutboundMail.headers, "e-mails' headers (List-Unsubscribe)"),
    _place(Meeting.minutes, "PACT meeting minutes"),
    _place(Meeting.agenda, "PACT meeting agendas"),
    _place(Priority.title, "PACT priorities' titles"),
    _place(Priority.description, "PACT priorities' descriptions"),
    _place(Priority.outcome, "PACT priorities' outcomes"),
    _place(PriorityUpdate.body, "PACT priority updates"),
    _place(Response.answers, "survey answers (typed into a text answer)"),
    _place(SurveyDraft.answers, "unfinished survey answers (typed into a text answer)"),
)

OWN_RULE: dict[str, str] = {
    "issue_contact.email": "an issue's contact: matched exactly, deleted on erasure",
    "issue_contact.name": "an issue's contact: found and deleted with its address",
    "issue_contact.phone": "an issue's contact: found and deleted with its address",
    "charter_case.email": "a Charter case's address: matched exactly, the case anonymised on erasure",
    "charter_case.name": "a Charter case's name: found and anonymised with its address",
    "case_review.email": "an ASB case review's applicant: matched exactly, the case anonymised on erasure",
    "case_review.name": "an ASB case review's applicant: anonymised with the address",
    "case_review.phone": "an ASB case review's applicant: anonymised with the address",
    "case_review.representative_email": "who applied for the applicant: matched exactly, anonymised",
    "case_review.representative_name": "who applied for the applicant: anonymised with the address",
    "panel_member.email": "panel membership: matched exactly, blanked on erasure",
    "alert_subscription.email": "alert subscriptions: matched exactly, deleted on erasure",
    "sign_in_attempt.email": "sign-in attempts: matched exactly, deleted on erasure",
    "outbound_mail.recipient": "mail sent: matched exactly, blanked with its body and headers",
    "audit_event.actor_email": "audit entries: matched exactly, blanked on erasure",
    "audit_event.detail": "audit entries: values holding the address are removed or redacted",
}

_CODE = "written by the code or chosen from a fixed list, never typed by a resident"
_STAFF = "staff's own records about staff work, not about residents"
_PUBLISHED = "published reference data loaded from files, never typed by a resident"
_HASH = "a hash or token of the code's making"
NOT_RESIDENTS_WORDS: dict[str, str] = {
    "agency.slug": _STAFF, "agency.name": _STAFF,
    "audit_event.action": _CODE, "audit_event.target_type": _CODE, "audit_event.target_id": _CODE,
    "audit_event.ip_address": "an IP address, removed by the retention schedule; not words",
    "sign_in_attempt.ip_address": "an IP address, deleted with its attempt; not words",
    "charter_case.reference": _CODE,
    "case_review.reference": _CODE,
    "case_review_report.incident_ref": "an agency's reference for an incident (codes, not words)",
    "case_review_report.agency": "the name of the agency a report was made to",
    "case_review_agency.agency": "the name of an agency invited to a review",
    "case_review_recommendation.owner": "the name of the agency that owns a recommendation",
    "accessibility_statement.items": "the accessibility statement's known problems, written by admins",
    "covariate.name": "a covariate's name, made from a published file's column heading",
    "covariate.label": "a published file's column heading, loaded by an admin",
    "covariate.source": "where a published area statistic comes from, as an admin typed it",
    "covariate.filename": "the name of a published file an admin uploaded",
    "covariate_lsoa_value.lsoa_code": _PUBLISHED,
    "crime_count.month": _PUBLISHED, "crime_count.force": _PUBLISHED,
    "crime_count.lsoa_code": _PUBLISHED, "crime_count.crime_type": _PUBLISHED,
    "crime_import.month": _PUBLISHED, "crime_import.force": _PUBLISHED,
    "crime_import.filename": "the name of a police.uk file staff uploaded",
    "model_choice.indicator": _CODE, "model_choice.covariates": _CODE,
    "edited_definition.name": "a questionnaire's name, edited by staff",
    "edited_definition.content": "a questionnaire's definition (YAML), edited by staff",
    "invitation.token_hash": _HASH,
    "issue_event.kind": _CODE,
    "issue_event.from_value": "statuses, agency names and issue references (the code's values)",
    "issue_event.to_value": "statuses, agency names and issue references (the code's values)",
    "lsoa_neighbourhood.lsoa_code": _PUBLISHED,
    "postcode.postcode": _PUBLISHED, "postcode.lsoa_code": _PUBLISHED,
    "postcode_import.path": _CODE, "postcode_import.message": _CODE,
    "postcode_import.filename": "the name of a published file an admin uploaded",
    "postcode_import.problems": "lines of a published file that could not be read, in the code's words",
    **{f"partnership.{name}": "the partnership's own published name and contacts, set by admins"
       for name in ("name", "short_name", "area_name", "contact_email", "contact_phone", "website",
                    "privacy_contact", "logo_type")},
    "neighbourhood.slug": _STAFF, "neighbourhood.name": _STAFF, "neighbourhood.area_class": _PUBLISHED,
    "neighbourhood.description": "the partnership's description of the area, written by staff",
    "pact_issue.reference": _CODE, "pact_issue.category": _CODE,
    "pact_meeting.venue": "the place of a public meeting, chosen by staff",
    "pact_meeting_paper.filename": "the name of a meeting paper staff uploaded",
    "pact_meeting_paper.checksum": _HASH,
    "panel_member.external_id": "the panel supplier's identifier, not words",
    "panel_member.age_band": "an age band code from the questionnaire, checked on import; not words",
    "panel_member.language": "a language code (en, cy) of LANGUAGES, checked on import",
    "panel_opt_out.address_hash": "a keyed hash of an address that left the panel, kept on purpose",
    "population_estimate.variable": _PUBLISHED, "population_estimate.category": _PUBLISHED,
    "population_estimate.source": _PUBLISHED,
    "postcode_sector.sector": _PUBLISHED,
    "questionnaire.slug": _STAFF, "questionnaire.title": _STAFF, "questionnaire.checksum": _HASH,
    "questionnaire.definition": "a questionnaire's frozen definition, written by staff",
    "questionnaire.change_note": "staff's note on a questionnaire version, not residents' words",
    "questionnaire.standard_changes": _CODE,
    "questionnaire_draft.slug": _STAFF,
    "questionnaire_translation.language": _CODE, "questionnaire_translation.key": _CODE,
    "questionnaire_translation.text": "a translation of a questionnaire's wording, uploaded by staff",
    "questionnaire_draft.document": "a questionnaire being written by staff",
    "comparable_change.question_id": _CODE,
    "comparable_change.reason": "an analyst's reason a changed question still compares",
    "report_file.neighbourhood_slug": _CODE, "report_file.title": _CODE,
    "report_file.filename": _CODE, "report_file.checksum": _HASH,
    "report_run.kind": _CODE, "report_run.wave_slug": _CODE, "report_run.neighbourhood_slug": _CODE,
    "report_run.message": _CODE, "report_run.error": "a report build's error message, from the code",
    "report_run.data_fingerprint": _HASH,
    "response.uid": _CODE, "response.submission_key": _HASH,
    "response.language": "a language code (en, cy): the page's, or checked as one on import",
    "issue_contact.language": "a language code (en, cy): the page's the address was given on",
    "alert_subscription.language": "a language code (en, cy): the page's the alerts were asked for on",
    "charter_case.language": "a language code (en, cy): the page's the case was written on",
    "case_review.language": "a language code (en, cy): the page's the application was made on",
    "scorecard_actual.indicator": _CODE,
    "staff_user.email": "a staff account, managed on the staff pages, not a resident's record",
    "staff_user.name": "a staff account, managed on the staff pages, not a resident's record",
    "staff_user.password_hash": _HASH,
    "survey_draft.session_token_hash": _HASH, "survey_draft.resume_token_hash": _HASH,
    "survey_draft.current_page": _CODE,
    "survey_import.mode": _CODE, "survey_import.filename": "the name of a file staff imported",
    "survey_import.checksum": _HASH,
    "survey_import.note": "staff's note on a paper import (batch, who keyed it), not residents' words",
    "wave.slug": _STAFF, "wave.name": _STAFF,
}


def _matching(place: Place, email: str):
    text = cast(place.column, String) if place.is_json else place.column
    return func.lower(text).contains(email, autoescape=True)


def rows_naming(session: Session, place: Place, email: str) -> list[Any]:
    """The rows whose text in `place` holds the address (already normalised: lower case)."""
    model = place.model
    return list(session.scalars(select(model).where(_matching(place, email)).order_by(model.id)))


def _pattern(words: str, whole_word: bool) -> re.Pattern:
    escaped = re.escape(words)
    return re.compile(rf"(?<!\w){escaped}(?!\w)" if whole_word else escaped, re.IGNORECASE)


def _redacted(value: Any, pattern: re.Pattern) -> Any:
    """`value` (a string, or JSON of lists, dicts and strings) with every match replaced."""
    if isinstance(value, str):
        return pattern.sub(REMOVED, value)
    if isinstance(value, list):
        return [_redacted(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _redacted(item, pattern) for key, item in value.items()}
    return value


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def excerpts(value: Any, email: str) -> list[str]:
    """The text around each occurrence of the address (`EXCERPT` characters either side), so a
    subject access answer shows the person's address in context without the rest of the record."""
    found = []
    for text in _strings(value):
        for match in _pattern(email, whole_word=False).finditer(text):
            start, end = max(0, match.start() - EXCERPT), min(len(text), match.end() + EXCERPT)
            found.append(("…" if start else "") + text[start:end] + ("…" if end < len(text) else ""))
    return found


def typed_as_text(session: Session, email: str) -> list[dict]:
    """Every free-text place holding the address: where, which record, and the text around it."""
    found = []
    for place in FREE_TEXT:
        for row in rows_naming(session, place, email):
            found.append({"place": place.name, "label": place.label, "record": _record(row),
                          "excerpts": excerpts(getattr(row, place.column.key), email)})
    return found


def _record(row: Any) -> str:
    reference = getattr(row, "reference", None)
    return reference or f"{row.__tablename__} {row.id}"


def redact_address_in(value: Any, email: str) -> Any:
    """`value` (a string, or JSON) with the address replaced by `REMOVED`, in any case."""
    return _redacted(value, _pattern(email, whole_word=False))


def redact_address(session: Session, email: str) -> dict[str, set[int]]:
    """Replace the address with `REMOVED` in every free-text place; the ids of the records changed
    per place name (places with none are left out)."""
    changed = {}
    for place in FREE_TEXT:
        rows = rows_naming(session, place, email)
        for row in rows:
            key = place.column.key
            setattr(row, key, redact_address_in(getattr(row, key), email))
        if rows:
            changed[place.name] = {row.id for row in rows}
    return changed


def redact_name(rows: Iterable[tuple[Place, Any]], name: str) -> dict[str, set[int]]:
    """Replace the name given (whole words, any case) with `REMOVED` in the given places of one
    person's own records; a name shorter than `NAME_MIN` is left alone. The ids of the records
    changed per place name."""
    name = " ".join((name or "").split())
    if len(name) < NAME_MIN or name == REMOVED:
        return {}
    pattern = _pattern(name, whole_word=True)
    changed: dict[str, set[int]] = {}
    for place, row in rows:
        key = place.column.key
        value = getattr(row, key)
        redacted = _redacted(value, pattern)
        if redacted != value:
            setattr(row, key, redacted)
            changed.setdefault(place.name, set()).add(row.id)
    return changed


def place(name: str) -> Place:
    """The free-text place of that name (`table.column`)."""
    return next(p for p in FREE_TEXT if p.name == name)


def labels() -> dict[str, str]:
    """Each free-text place's label by its name, for the erasure's report."""
    return {p.name: p.label for p in FREE_TEXT}
