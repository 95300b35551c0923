"""The status workflow: every allowed transition works, everything else is refused with a clear
message, closing needs a public outcome, and every change is kept in the issue's history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, IssueCategory, IssueStatus, OutboundMail
from portal.pact import workflow
from portal.pact.workflow import (
    CLOSED,
    OPEN,
    TRANSITIONS,
    TransitionError,
    apply_transition,
    change_status,
    check_transition,
)

STATUSES = IssueStatus.values()
PAIRS = [(a, b) for a in STATUSES for b in STATUSES if a != b]
ALLOWED = [p for p in PAIRS if p[1] in TRANSITIONS[p[0]]]
REFUSED = [p for p in PAIRS if p[1] not in TRANSITIONS[p[0]]]


def _text_for(to: str) -> dict[str, str]:
    if to in workflow.REJECTED:
        return {"reason": "Reported already."}
    if to in CLOSED:
        return {"public_note": "Patrols stopped it."}
    return {}


def test_every_status_has_a_rule_and_a_label():
    assert set(TRANSITIONS) == set(STATUSES) == set(OPEN) | set(CLOSED)
    assert set(IssueCategory.values()) >= {
        "anti_social_behaviour",
        "drug_use_or_dealing",
        "street_drinking",
        "other",
    }


@pytest.mark.parametrize(("current", "to"), ALLOWED)
def test_allowed_transitions_pass(current, to):
    check_transition(current, to, **_text_for(to))


@pytest.mark.parametrize(("current", "to"), REFUSED)
def test_other_transitions_are_refused_with_what_is_allowed(current, to):
    with pytest.raises(TransitionError) as error:
        check_transition(current, to, **_text_for(to))
    message = str(error.value)
    if current in CLOSED:
        assert "closed" in message
    else:
        assert IssueStatus.label_of(current) in message and "It can become" in message


def test_no_change_and_unknown_statuses_are_refused():
    with pytest.raises(TransitionError, match="already"):
        check_transition("acknowledged", "acknowledged")
    with pytest.raises(TransitionError, match="no status"):
        check_transition("submitted", "deleted")


@pytest.mark.parametrize("to", ["resolved_locally", "referred_elsewhere", "closed_no_further_action"])
def test_closing_needs_a_public_outcome(to):
    with pytest.raises(TransitionError, match="outcome"):
        check_transition("in_progress", to, public_note="   ")


@pytest.mark.parametrize("to", ["rejected_duplicate", "rejected_out_of_scope"])
def test_rejecting_needs_a_public_reason(to):
    with pytest.raises(TransitionError, match="reason"):
        check_transition("submitted", to)


def test_change_status_keeps_history_sets_times_and_audits(db_session, make_issue, coordinator):
    issue = make_issue()
    change_status(
        db_session, issue, "acknowledged", coordinator, public_note="Thanks", internal_note="Known address"
    )
    change_status(db_session, issue, "in_progress", coordinator)
    change_status(
        db_session, issue, "resolved_locally", coordinator, public_note="Music stopped after a visit."
    )
    db_session.commit()
    kinds = [(e.kind, e.from_value, e.to_value, e.public) for e in issue.events]
    assert kinds == [
        ("created", "", "submitted", True),
        ("status", "submitted", "acknowledged", True),
        ("note", "", "", False),
        ("status", "acknowledged", "in_progress", True),
        ("status", "in_progress", "resolved_locally", True),
    ]
    assert all(e.actor_id == coordinator.id for e in issue.events[1:])
    assert issue.acknowledged_at is not None and issue.closed_at >= issue.acknowledged_at
    assert issue.outcome == "Music stopped after a visit."
    audited = db_session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "pact_issue_status")
    ).all()
    assert [d["to_status"] for d in audited] == ["acknowledged", "in_progress", "resolved_locally"]


def test_a_refused_change_leaves_the_issue_alone(make_issue, coordinator):
    issue = make_issue()
    with pytest.raises(TransitionError):
        apply_transition(issue, "resolved_locally", coordinator, public_note="Done")
    assert issue.status == "submitted" and len(issue.events) == 1 and issue.closed_at is None


def test_rejection_reason_is_public(db_session, make_issue, coordinator):
    issue = make_issue()
    change_status(
        db_session, issue, "rejected_out_of_scope", coordinator, reason="A matter for the landlord."
    )
    assert issue.public_reason == issue.outcome == "A matter for the landlord."
    assert issue.closed_at is not None


@pytest.mark.parametrize(("email", "consent", "expected"), [("ada@example.org", True, 2), ("", False, 0)])
@pytest.mark.usefixtures("app_context")  # the resident e-mail links to the issue's page
def test_residents_who_agreed_hear_on_acknowledgement_and_closing(
    db_session, make_issue, coordinator, email, consent, expected
):
    issue = make_issue(email=email, consent=consent)
    change_status(db_session, issue, "acknowledged", coordinator)
    change_status(db_session, issue, "under_review", coordinator)
    change_status(db_session, issue, "resolved_locally", coordinator, public_note="Sorted <b>now</b>.")
    db_session.commit()
    mails = db_session.scalars(select(OutboundMail).order_by(OutboundMail.id)).all()
    assert len(mails) == expected
    if expected:
        assert "received" in mails[0].subject and issue.reference in mails[0].subject
        assert "closed" in mails[1].subject
        assert "Sorted <b>now</b>." in mails[1].body  # plain text: shown as typed
        assert f"/issues/{issue.reference}" in mails[1].body
