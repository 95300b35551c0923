""""Was it resolved?": closing the loop with the resident who raised an issue.

Some weeks (FOLLOW_UP_WEEKS, default 4) after an issue is closed as resolved locally, the resident
who raised it is e-mailed one question with three one-click links (resolved, partly, not resolved),
if, and only if, they left an e-mail address, agreed to be contacted about the issue and ticked the
separate box agreeing to be asked this (`IssueContact.consent_to_follow_up`). Never for any other
closing status (duplicates, out of scope, referred, no further action), never twice, and never once
the contact details are gone (the retention schedule or an erasure deletes the `IssueContact` row;
the config refuses a FOLLOW_UP_WEEKS that is not well inside RETENTION_ISSUE_CONTACT_MONTHS).

- `send_follow_ups` finds the due issues and, one transaction per issue, claims it with one
  ``UPDATE pact_issue SET followup_sent_at = now WHERE id = :id AND followup_sent_at IS NULL`` and
  queues the mail only if that changed the row: two runs at once (two servers' cron, or the job
  queue) send each question once, and a run that stops half way leaves each issue either sent or
  not. `flask --app portal follow-ups send [--dry-run]` and the job `follow_ups_send` call it.
- The question is written in the language the resident raised the issue in (`IssueContact.language`),
  and its links open the answer page in it (`?lang=`); the answer page and its refusals are translated.
- Each link is a signed token (itsdangerous, salt `pact-follow-up`) naming the issue, valid for
  FOLLOW_UP_LINK_WEEKS (default 8). Opening one changes nothing: mail scanners and link previews
  fetch links, so the answer is recorded only by the confirmation form the page shows (a POST).
- `record_answer` keeps one answer per issue (a conditional UPDATE again); "not resolved" reopens
  the issue through `portal.pact.workflow.reopen` with the resident's comment in a staff-only
  timeline entry; "partly" and "resolved" are recorded and do not reopen it.

The answers make the resident satisfaction measure (`portal.pact.metrics.resident_satisfaction`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext, ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.core import audit
from portal.core.database import rowcount
from portal.core.languages import translate, with_language, writing_in
from portal.core.mail import queue_mail
from portal.core.refusals import Refusal
from portal.models import FollowUpAnswer, IssueCategory, IssueContact, IssueEvent, IssueStatus, PactIssue
from portal.pact.workflow import reopen

SALT = "pact-follow-up"
COMMENT_MAX = 1000
ANSWERS: tuple[FollowUpAnswer, ...] = (FollowUpAnswer.RESOLVED, FollowUpAnswer.PARTLY,
                                       FollowUpAnswer.NOT_RESOLVED)


class FollowUpLinkError(Refusal):
    """A follow-up link that cannot be used (expired, incomplete or altered); says what to do."""


class AlreadyAnswered(Refusal):
    """The issue's follow-up question has been answered; `issue` holds the answer recorded."""

    def __init__(self, issue: PactIssue):
        super().__init__(f"An answer about {issue.reference} has already been recorded.")
        self.issue = issue


@dataclass(frozen=True)
class FollowUpSettings:
    weeks: int  # after closing, before the question is due
    link_weeks: int  # how long the answer links work
    secret: str

    @classmethod
    def from_config(cls, config) -> FollowUpSettings:
        return cls(config["FOLLOW_UP_WEEKS"], config["FOLLOW_UP_LINK_WEEKS"], config["SECRET_KEY"])

    def serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=SALT)


# --- who is asked, and when -----------------------------------------------------------------

# A question more than this late is not sent: after a stopped cron, residents would otherwise be
# asked about issues closed many months ago, which they can no longer judge.
LATE_WEEKS = 4


def due_issues(session: Session, now: datetime, weeks: int) -> list[PactIssue]:
    """Issues closed as resolved locally at least `weeks` (and at most `weeks` + `LATE_WEEKS`)
    before `now`, not yet asked, whose resident left an e-mail address and agreed both to be
    contacted and to be asked this."""
    return list(session.scalars(
        select(PactIssue).join(IssueContact, IssueContact.issue_id == PactIssue.id)
        .where(PactIssue.status == IssueStatus.RESOLVED_LOCALLY,
               PactIssue.closed_at <= now - timedelta(weeks=weeks),
               PactIssue.closed_at > now - timedelta(weeks=weeks + LATE_WEEKS),
               PactIssue.followup_sent_at.is_(None),
               IssueContact.consent_to_contact.is_(True), IssueContact.consent_to_follow_up.is_(True),
               IssueContact.email != "")
        .options(selectinload(PactIssue.contact), selectinload(PactIssue.neighbourhood))
        .order_by(PactIssue.closed_at, PactIssue.id)))


def claim(session: Session, issue_id: int, now: datetime) -> bool:
    """Mark the question sent unless another run already did (compare-and-set on one row)."""
    result = session.execute(
        update(PactIssue).where(PactIssue.id == issue_id, PactIssue.followup_sent_at.is_(None))
        .values(followup_sent_at=now, updated_at=PactIssue.updated_at)  # asking is not an update
        .execution_options(synchronize_session=False))
    return rowcount(result) == 1


def token_for(settings: FollowUpSettings, issue: PactIssue) -> str:
    return settings.serializer().dumps([issue.id, issue.reference])


def question_mail(issue: PactIssue, contact: IssueContact, links: dict[str, str],
                  settings: FollowUpSettings) -> tuple[str, str]:
    """The subject and plain-text body of the question, with one link per answer, in the current
    locale (`ask` writes it in the resident's)."""
    greeting = gettext("Dear %(name)s,", name=contact.name) if contact.name else gettext("Hello,")
    lines = [
        greeting, "",
        gettext("Some weeks ago your neighbourhood team closed the issue you raised in %(name)s as "
                "resolved. Was it? One click tells us:", name=issue.neighbourhood.name), "",
        *(f"{translate(answer.label)}: {links[answer.value]}" for answer in ANSWERS), "",
        gettext("Each link opens a page where you can add a comment and confirm your answer; nothing is "
                "recorded until you press the button. If it is not resolved, the issue is reopened and "
                "goes back to your neighbourhood team."), "",
        gettext("Reference: %(reference)s", reference=issue.reference),
        gettext("Type of issue: %(category)s", category=translate(IssueCategory.label_of(issue.category))),
        gettext("What you reported:"), issue.description, "",
        gettext("What was done:"), issue.outcome, "",
        ngettext("The links work for %(num)s week.", "The links work for %(num)s weeks.",
                 settings.link_weeks) + " " +
        gettext("We ask once and will not write again about this question. You are getting this e-mail "
                "because you agreed, when you raised the issue, to be asked whether it was resolved."),
        "", gettext("Your PACT (Partners and Communities Together) team"),
        gettext("To report a crime call 101, or 999 in an emergency."),
    ]
    return (gettext("Was your PACT issue %(reference)s resolved?", reference=issue.reference),
            "\n".join(lines) + "\n")


def send_follow_ups(session: Session, settings: FollowUpSettings, now: datetime,
                    link: Callable[..., str], dry_run: bool = False) -> list[PactIssue]:
    """Queue the question for every due issue, one transaction per issue (claimed, then queued,
    then committed); returns the issues asked (with `dry_run`, those that would be, changing
    nothing). `link(endpoint, **values)` builds absolute links (`portal.core.links.public_url`)."""
    due = due_issues(session, now, settings.weeks)
    if dry_run:
        session.rollback()
        return due
    asked = []
    for issue in due:
        if not ask(session, issue, settings, now, link):
            session.rollback()
            continue
        session.commit()
        asked.append(issue)
    return asked


def ask(session: Session, issue: PactIssue, settings: FollowUpSettings, now: datetime,
        link: Callable[..., str]) -> bool:
    """Claim one issue and queue its question in the caller's transaction; False (nothing queued)
    if another run claimed it first."""
    if not claim(session, issue.id, now):
        return False
    set_committed_value(issue, "followup_sent_at", now)  # as the UPDATE left it, not a change
    token = token_for(settings, issue)
    contact = issue.contact
    assert contact is not None  # due_issues joins each issue's contact
    # In the language the resident raised the issue in; the links open the answer page in it too.
    links = {answer.value: with_language(link("issues.follow_up", token=token, answer=answer.value),
                                         contact.language)
             for answer in ANSWERS}
    with writing_in(contact.language):
        subject, body = question_mail(issue, contact, links, settings)
    queue_mail(session, contact.email, subject, body)
    return True


def follow_ups_job() -> int:
    """The job queue's entry (`enqueue("follow_ups_send")`): send what is due, then deliver."""
    from flask import current_app

    from portal.core.clock import utcnow
    from portal.core.extensions import db
    from portal.core.links import public_url
    from portal.core.mail import deliver_pending

    with db.transaction() as session:
        asked = send_follow_ups(session, FollowUpSettings.from_config(current_app.config), utcnow(),
                                public_url)
        deliver_pending(session, current_app.config)
    return len(asked)


# --- the resident's answer ------------------------------------------------------------------

def issue_for_token(session: Session, settings: FollowUpSettings, token: str) -> PactIssue:
    """The issue a link names; FollowUpLinkError if the link expired, was altered or names no
    issue that was asked."""
    try:
        data = settings.serializer().loads(token, max_age=settings.link_weeks * 7 * 86400)
    except SignatureExpired:
        raise FollowUpLinkError(ngettext(
            "This link has expired: the links in the e-mail work for %(num)s week. Nothing was "
            "recorded. If the problem is back, raise a new issue.",
            "This link has expired: the links in the e-mail work for %(num)s weeks. Nothing was "
            "recorded. If the problem is back, raise a new issue.", settings.link_weeks)) from None
    except BadSignature:
        raise FollowUpLinkError(gettext(
            "This link is not complete or has been changed. Nothing was recorded. Copy the whole "
            "link from the e-mail into your browser.")) from None
    issue = None
    if isinstance(data, list) and len(data) == 2 and isinstance(data[0], int):
        issue = session.get(PactIssue, data[0])
    if issue is None or issue.reference != data[1] or issue.followup_sent_at is None:
        raise FollowUpLinkError(gettext("We cannot find the issue this link is about. Nothing was recorded."))
    return issue


def record_answer(session: Session, issue: PactIssue, answer: str, comment: str,
                  now: datetime) -> PactIssue:
    """Record the one answer (AlreadyAnswered if there is one), in the caller's transaction, with a
    staff-only timeline entry holding the comment; "not resolved" reopens the issue."""
    answer = FollowUpAnswer(answer)
    comment = (comment or "").strip()[:COMMENT_MAX]
    result = session.execute(
        update(PactIssue).where(PactIssue.id == issue.id, PactIssue.followup_answer.is_(None),
                                PactIssue.followup_sent_at.is_not(None))
        .values(followup_answer=answer, followup_answered_at=now, followup_comment=comment,
                updated_at=now)
        .execution_options(synchronize_session=False))
    session.refresh(issue)
    if rowcount(result) != 1:
        raise AlreadyAnswered(issue)
    issue.events.append(IssueEvent(at=now, kind="follow_up", to_value=answer, body=comment, public=False))
    audit.record(session, "pact_follow_up_answered", "pact_issue", issue.reference, answer=str(answer))
    if answer == FollowUpAnswer.NOT_RESOLVED and issue.status == IssueStatus.RESOLVED_LOCALLY:
        reopen(session, issue, now)
    return issue


def reopened_waiting(session: Session, neighbourhood_ids: list[int]) -> list[PactIssue]:
    """Issues in these neighbourhoods reopened by a resident's "not resolved" and not yet picked up
    again (still "Received"): the console shows them above the queue, as it does late new issues."""
    return list(session.scalars(
        select(PactIssue).where(PactIssue.neighbourhood_id.in_(neighbourhood_ids),
                                PactIssue.status == IssueStatus.SUBMITTED,
                                PactIssue.followup_answer == FollowUpAnswer.NOT_RESOLVED)
        .order_by(PactIssue.followup_answered_at)))
