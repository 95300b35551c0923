"""Decisions that used to sit in the console views, tested without HTTP: which issue a typed
reference names and whether the person may merge into it, closing versus changing status, and the
date rules of the meeting and metrics forms."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from portal.core.clock import local, utcnow
from portal.pact import issues as issue_rules
from portal.pact import queries
from portal.pact.forms import MeetingForm, MetricsForm, PriorityForm
from portal.pact.issues import IssueError


def test_a_typed_reference_finds_its_issue_in_any_shape(db_session, make_issue):
    issue = make_issue()
    typed = issue.reference.lower().replace("-", " ")
    assert queries.find_issue(db_session, typed).id == issue.id
    assert queries.find_issue(db_session, "not a reference") is None
    assert queries.issue_by_reference(db_session, None) is None


def test_merging_into_an_issue_outside_the_persons_area_is_refused_as_missing(
        db_session, make_issue, coordinator):
    duplicate, elsewhere = make_issue(), make_issue("keynsham")
    with pytest.raises(IssueError, match=f"There is no issue {elsewhere.reference} in your neighbourhoods"):
        issue_rules.merge_into_typed(db_session, duplicate, elsewhere.reference, coordinator)
    original = make_issue()
    assert issue_rules.merge_into_typed(db_session, duplicate, original.reference, coordinator) is original
    assert duplicate.status == "rejected_duplicate" and duplicate.duplicate_of is original


def test_a_closing_status_closes_with_the_outcome_and_keeps_the_internal_note(
        db_session, make_issue, coordinator):
    issue = make_issue()
    issue_rules.set_status(db_session, issue, "acknowledged", "", "", coordinator)
    issue_rules.set_status(db_session, issue, "resolved_locally", "Patrols added.", "Ring PCSO Lee.",
                           coordinator)
    assert issue.status == "resolved_locally" and issue.outcome == "Patrols added."
    notes = [e for e in issue.events if e.kind == "update"]
    assert [(n.body, n.public) for n in notes] == [("Ring PCSO Lee.", False)]


def _meeting_form(day: date) -> MeetingForm:
    return MeetingForm(MultiDict({"day": day.isoformat(), "time": "18:30", "venue": "Hall"}))


@pytest.mark.parametrize("days_ago, valid", [(0, True), (59, True), (61, False), (-30, True)])
def test_a_meeting_is_dated_in_the_last_60_days_or_later(app, days_ago, valid):
    with app.test_request_context():
        form = _meeting_form(local(utcnow()).date() - timedelta(days=days_ago))
        assert form.validate() is valid
        assert form.day.errors == ([] if valid else ["Enter a date in the last 60 days or in the future"])
        assert local(form.starts_at).time() == time(18, 30)


@pytest.mark.parametrize("args, valid, period", [
    ({}, True, (date(2026, 2, 1), date(2026, 5, 2))),
    ({"start": "2026-03-01", "end": "2026-03-31"}, True, (date(2026, 3, 1), date(2026, 3, 31))),
    ({"start": "2026-03-31", "end": "2026-03-01"}, False, (date(2026, 2, 1), date(2026, 5, 2))),
    ({"start": "2026-06-01"}, False, (date(2026, 2, 1), date(2026, 5, 2))),  # blank end = today
])
def test_metrics_period_and_its_date_rules(app, args, valid, period):
    today = date(2026, 5, 2)
    with app.test_request_context():
        form = MetricsForm(MultiDict(args))
        ok = form.validate_for(today)
        assert ok is valid
        assert form.period(today, ok) == period
        assert (form.start.data, form.end.data) == period
        if not valid:
            assert form.end.errors == ["The end date must be the same as or after the start date"]


def test_a_priority_form_offers_only_the_agencies_and_open_issues_given(app, make_issue, agencies):
    issue = make_issue()
    with app.test_request_context():
        form = PriorityForm(MultiDict({"title": "Noise", "owner": "police", "issues": issue.reference}))
        form.offer(list(agencies.values()), [issue])
        assert form.validate() and form.owner_agency.slug == "police" and form.linked_issues == [issue]
        form = PriorityForm(MultiDict({"title": "Noise", "owner": "police", "issues": "PACT-0000-00"}))
        form.offer(list(agencies.values()), [issue])
        assert not form.validate()
        assert form.issues.errors == ["Choose only open issues in this neighbourhood"]
