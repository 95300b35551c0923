"""Statuses and roles as types: each closed set is a StrEnum whose members are the stored strings,
each has one label, and the database refuses any other value (CHECK constraints built from the
enums, created by the migrations exactly as the models declare them)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from portal.core import migrate
from portal.core.clock import utcnow
from portal.models import Base, IssueStatus, Meeting, MeetingStatus, PriorityStatus, Role
from portal.models.statuses import LABELLED, IssueCategory, label

CHECKED = {("pact_issue", "ck_pact_issue_status"), ("pact_issue", "ck_pact_issue_followup_answer"),
           ("pact_issue", "ck_pact_issue_channel"),
           ("pact_meeting", "ck_pact_meeting_status"),
           ("pact_priority", "ck_pact_priority_status"), ("staff_user", "ck_staff_user_role")}


def test_values_are_unchanged_strings_with_one_label_each():
    assert MeetingStatus.values() == ("scheduled", "held", "cancelled")
    assert PriorityStatus.values() == ("active", "completed", "dropped")
    assert Role.values() == ("coordinator", "analyst", "admin")
    assert MeetingStatus.HELD == "held" and f"{Role.ADMIN}" == "admin"
    assert IssueStatus.label_of("resolved_locally") == "Resolved locally"
    assert IssueStatus.RESOLVED_LOCALLY.tag == "tag-green" and IssueStatus.PACT_PRIORITY.tag == ""
    assert IssueCategory.values()[0] == "anti_social_behaviour" and IssueCategory.OTHER == "other"
    assert IssueCategory.label_of("no_longer_offered") == "No longer offered"
    values = [member.value for enum in LABELLED for member in enum]
    assert len(values) == len(set(values)), "the label filter needs values unique across the sets"
    assert label("cancelled") == "Cancelled" and label(Role.ADMIN) == "Administrator"
    assert label(None) == "" and label("something else") == "something else"


def _checks(url: str) -> set[tuple[str, str]]:
    engine = create_engine(url)
    try:
        found = inspect(engine)
        return {(table, c["name"]) for table, _ in CHECKED for c in found.get_check_constraints(table)}
    finally:
        engine.dispose()


def test_the_migration_adds_and_removes_the_checks_the_models_declare(empty_database_url):
    declared = {(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.constraints
                if c.name and c.name.startswith("ck_") and t.name in dict(CHECKED)}
    assert declared == CHECKED
    migrate.upgrade(empty_database_url)
    assert _checks(empty_database_url) == CHECKED
    migrate.downgrade(empty_database_url, "065dd218d66a")
    assert _checks(empty_database_url) == set()
    migrate.upgrade(empty_database_url)
    assert _checks(empty_database_url) == CHECKED


def test_the_database_refuses_a_status_outside_the_set(db_session, neighbourhoods):
    meeting = Meeting(neighbourhood_id=neighbourhoods["twerton"].id, venue="Hall", starts_at=utcnow())
    db_session.add(meeting)
    db_session.commit()
    assert db_session.get(Meeting, meeting.id).status is MeetingStatus.SCHEDULED
    with pytest.raises(IntegrityError):
        db_session.execute(text("UPDATE pact_meeting SET status = 'postponed' WHERE id = :id"),
                           {"id": meeting.id})
        db_session.flush()
    db_session.rollback()


def test_the_database_refuses_a_channel_outside_the_set(db_session, neighbourhoods):
    from portal.models import IssueChannel
    from portal.pact.issues import raise_issue

    issue = raise_issue(db_session, neighbourhoods["twerton"], "noise", "Loud music.", "The parade")
    db_session.commit()
    assert db_session.get(type(issue), issue.id).channel is IssueChannel.ONLINE
    assert label("pact_meeting") == "At a PACT meeting"
    with pytest.raises(IntegrityError):
        db_session.execute(text("UPDATE pact_issue SET channel = 'carrier_pigeon' WHERE id = :id"),
                           {"id": issue.id})
        db_session.flush()
    db_session.rollback()
