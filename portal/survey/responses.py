"""Recording responses: online submissions (once only) and all-or-nothing paper/phone imports.

Once-only is the database's job, not the view's: ``Response.submission_key`` is unique, and a panel
invitation is claimed with ``UPDATE invitation SET used_at = now WHERE id = ? AND used_at IS NULL``
in the same transaction as the insert. Two racing submissions of one token cannot both commit: on
PostgreSQL the second UPDATE waits for the first transaction's row lock, then finds ``used_at`` set
and matches no row.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import surveys
from analysis.formatting import plural
from portal.core import audit
from portal.core.clock import utcnow
from portal.core.database import rowcount
from portal.core.refusals import Refusal
from portal.models import Invitation, Neighbourhood, Response, ResponseMode, SurveyDraft, SurveyImport, Wave
from portal.survey.drafts import token_hash
from portal.survey.queries import neighbourhood_id
from portal.survey.waves import wave_questionnaire

NEVER_STORED = ("postcode",)  # used to find the neighbourhood, never kept


class AlreadySubmitted(Refusal):
    """This browser session or invitation has already recorded its response."""


class ResponseRejected(Refusal):
    """The answers do not make a valid response; ``problems`` are ``surveys.ProblemDetail``s."""

    def __init__(self, problems):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = list(problems)


def submission_key(kind: str, secret: str) -> str:
    """The unique key of one submission: sha256 over what identifies it (a draft's session token,
    or a panel invitation), so the raw token never reaches the response table."""
    return hashlib.sha256(f"{kind}:{secret}".encode()).hexdigest()


def new_response_uid() -> str:
    return uuid.uuid4().hex


def _stored(questionnaire: surveys.Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    clean = surveys.clean_answers(questionnaire, answers)
    return {key: list(value) if isinstance(value, tuple) else value
            for key, value in clean.items() if key not in NEVER_STORED}


def submit_response(session: Session, wave: Wave, answers: Mapping[str, Any],
                    submission_key: str, invitation_token: str | None = None, *,
                    invitation_id: int | None = None,
                    draft: SurveyDraft | None = None, mode: str = ResponseMode.ONLINE,
                    questionnaire: surveys.Questionnaire | None = None,
                    now: datetime | None = None, language: str = "en") -> str:
    """Validate and record one response, commit, and return its id (``Response.uid``).

    ``invitation_token`` (the raw token from a panel link) or ``invitation_id`` (from the draft)
    claims that invitation in the same transaction; ``draft`` (anything with an ``id``) is deleted
    in it too, and must still exist. ``language``: the one the resident answered in. Raises
    ``ResponseRejected`` for invalid answers and ``AlreadySubmitted`` if the key, the invitation or
    the draft was used before (the transaction is rolled back, nothing is recorded).
    """
    now = now or utcnow()
    questionnaire = questionnaire or wave_questionnaire(session, wave)
    problems = surveys.validate_response(questionnaire, {k: v for k, v in answers.items()
                                                         if k not in NEVER_STORED})
    if problems:
        raise ResponseRejected(problems)
    stored = _stored(questionnaire, answers)
    response = Response(uid=new_response_uid(), wave_id=wave.id, mode=mode, submitted_at=now,
                        language=language,
                        neighbourhood_id=neighbourhood_id(session, stored.get("neighbourhood")),
                        answers=stored, submission_key=submission_key)
    try:
        if invitation_token is not None or invitation_id is not None:
            condition = (Invitation.token_hash == token_hash(invitation_token)
                         if invitation_token is not None else Invitation.id == invitation_id)
            # Only the day is kept: an exact time would let anyone holding both tables match an
            # invitation to its response by timestamp.
            claimed = session.execute(update(Invitation).where(condition, Invitation.used_at.is_(None))
                                      .values(used_at=now.replace(hour=0, minute=0, second=0, microsecond=0))
                                      .execution_options(synchronize_session=False))
            if rowcount(claimed) != 1:
                raise AlreadySubmitted("This invitation has already been used")
        session.add(response)
        if draft is not None:
            deleted = session.execute(delete(SurveyDraft).where(SurveyDraft.id == draft.id)
                                      .execution_options(synchronize_session=False))
            if rowcount(deleted) != 1:  # submitted meanwhile from another tab or device
                raise AlreadySubmitted("This response has already been recorded")
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AlreadySubmitted("This response has already been recorded") from None
    except AlreadySubmitted:
        session.rollback()
        raise
    return response.uid


def imported_uid(wave: Wave, serial: str) -> str:
    """The response id of an imported form: the wave and the form's serial number, hashed only when
    too long for the column."""
    uid = f"{wave.slug}-{serial}"
    if len(uid) <= 40:
        return uid
    return f"{wave.slug[:7]}-{hashlib.sha256(uid.encode()).hexdigest()[:32]}"


class ImportRefused(Refusal):
    """A paper/phone file with problems, so nothing was imported; ``problems`` names each one."""

    def __init__(self, filename: str, problems) -> None:
        super().__init__(f"Nothing was imported: {filename} has {plural(len(problems), 'problem')}. "
                         "Fix them and upload the whole file again.")
        self.problems = tuple(problems)


def import_responses(session: Session, wave: Wave, data: bytes, *, mode: str, filename: str,
                     imported_by_id: int | None, now: datetime | None = None) -> SurveyImport:
    """Check a paper/phone CSV against the wave's questionnaire and add every row (audited, in the
    caller's transaction), or none: ``ImportRefused`` with the problems.

    Response ids in the file become the responses' ids prefixed with the wave, so a re-upload of
    the same forms is refused (the ids are unique) rather than counted twice.
    """
    now = now or utcnow()
    questionnaire = wave_questionnaire(session, wave)
    neighbourhoods = {slug: name for slug, name in
                      session.execute(select(Neighbourhood.slug, Neighbourhood.name))}
    result = surveys.parse_import(questionnaire, data, neighbourhoods, mode, wave=wave.slug,
                                  fieldwork=(wave.opens_on, wave.closes_on))
    if not result.ok:
        raise ImportRefused(filename, result.problems)
    ids = {slug: id_ for slug, id_ in session.execute(select(Neighbourhood.slug, Neighbourhood.id))}
    uids = [imported_uid(wave, row["response_id"]) for row in result.rows]
    existing = set(session.scalars(select(Response.uid).where(Response.uid.in_(uids))))
    if existing:
        problems = tuple(surveys.ImportProblem(number, "response_id", (
            f"Response {row['response_id']} was imported into this wave before; remove the row or "
            "give the form a new serial number"))
            for number, (row, uid) in enumerate(zip(result.rows, uids, strict=True), start=2)
            if uid in existing)
        raise ImportRefused(filename, problems)
    for row, uid in zip(result.rows, uids, strict=True):
        answers = surveys.answers_from_wide_row(questionnaire, row)
        submitted = datetime.fromisoformat(row["submitted_at"]) if row["submitted_at"] else now
        if submitted.tzinfo is None:
            submitted = submitted.replace(tzinfo=now.tzinfo)
        session.add(Response(uid=uid, wave_id=wave.id, neighbourhood_id=ids.get(row["neighbourhood"]),
                             mode=row["mode"] or mode, submitted_at=submitted,
                             language=row.get("language") or "en",
                             answers={k: list(v) if isinstance(v, tuple) else v
                                      for k, v in answers.items()}))
    record = SurveyImport(wave_id=wave.id, mode=mode, filename=filename[:200],
                          checksum="sha256:" + hashlib.sha256(data).hexdigest(),
                          rows=len(result.rows), imported_by_id=imported_by_id, imported_at=now)
    session.add(record)
    session.flush()
    audit.record(session, "survey_import", "wave", wave.slug, filename=filename, mode=mode,
                 rows=record.rows)
    return record
