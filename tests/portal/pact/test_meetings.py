"""Meetings and priorities: schedule, record, agree (linked issues become PACT priorities), review."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.clock import utcnow
from portal.pact import meetings, queries
from portal.pact.meetings import MeetingError
from portal.pact.workflow import change_status


def test_schedule_and_next_meeting(db_session, neighbourhoods, coordinator):
    twerton = neighbourhoods["twerton"]
    later = meetings.schedule_meeting(db_session, twerton, utcnow() + timedelta(days=20), "Hall", coordinator)
    sooner = meetings.schedule_meeting(
        db_session, twerton, utcnow() + timedelta(days=5), "Library", coordinator
    )
    db_session.commit()
    assert queries.next_meeting(db_session, twerton.id) == sooner
    meetings.cancel_meeting(db_session, sooner, coordinator)
    assert queries.next_meeting(db_session, twerton.id) == later
    with pytest.raises(MeetingError, match="not happened yet"):
        meetings.record_meeting(db_session, later, 12, "Minutes", coordinator)


def test_priorities_link_issues_and_are_reviewed_at_the_next_meeting(
    db_session, neighbourhoods, make_issue, coordinator, agencies, held_meeting
):
    issue = make_issue()
    waiting = make_issue(category="litter_and_fly_tipping")
    change_status(db_session, issue, "acknowledged", coordinator)
    meetings.record_meeting(db_session, held_meeting, 17, "Residents raised noise.", coordinator)
    priority = meetings.agree_priority(
        db_session,
        held_meeting,
        "Act on late-night noise",
        "Visits",
        agencies["council-asb"],
        None,
        [issue, waiting],
        coordinator,
    )
    db_session.commit()
    assert issue.status == "pact_priority"
    assert issue.agency_id == agencies["council-asb"].id  # unassigned issues go to the lead agency
    assert waiting.status == "submitted"  # not acknowledged yet: linked, status untouched
    assert priority.review_on == (held_meeting.starts_at + timedelta(days=30)).date()
    assert priority.created_at == held_meeting.starts_at

    with pytest.raises(MeetingError, match="later meeting"):
        meetings.review_priority(db_session, priority, held_meeting, "continue", "", "", coordinator)

    next_one = meetings.schedule_meeting(
        db_session, neighbourhoods["twerton"], utcnow() + timedelta(days=1), "Hall", coordinator
    )
    db_session.commit()
    with pytest.raises(MeetingError, match="before it"):
        meetings.review_priority(db_session, priority, next_one, "continue", "", "", coordinator)
    later = utcnow() + timedelta(days=2)
    assert queries.priorities_to_review(db_session, next_one) == ([priority], [])
    with pytest.raises(MeetingError, match="You said, we did"):
        meetings.review_priority(db_session, priority, next_one, "completed", "", "", coordinator, now=later)
    meetings.review_priority(
        db_session,
        priority,
        next_one,
        "completed",
        "Noise has stopped.",
        "Two warning letters; the music stopped.",
        coordinator,
        now=later,
    )
    db_session.commit()
    assert priority.status == "completed" and priority.outcome.startswith("Two warning letters")
    assert priority.updates[-1].at == next_one.starts_at and priority.updates[-1].public
    assert queries.priorities_to_review(db_session, next_one) == ([], [priority])
    with pytest.raises(MeetingError, match="already closed"):
        meetings.review_priority(db_session, priority, next_one, "dropped", "", "", coordinator, now=later)


def test_priorities_are_agreed_at_a_meeting_that_happened(db_session, neighbourhoods, coordinator, agencies):
    future = meetings.schedule_meeting(
        db_session, neighbourhoods["twerton"], utcnow() + timedelta(days=3), "Hall", coordinator
    )
    with pytest.raises(MeetingError, match="started"):
        meetings.agree_priority(db_session, future, "Title", "", agencies["police"], None, [], coordinator)


def test_issues_from_another_neighbourhood_cannot_be_linked(
    db_session, make_issue, coordinator, agencies, held_meeting
):
    elsewhere = make_issue("keynsham")
    with pytest.raises(MeetingError, match="another neighbourhood"):
        meetings.agree_priority(
            db_session, held_meeting, "T", "", agencies["police"], None, [elsewhere], coordinator
        )
