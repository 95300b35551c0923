"""Twerton records for the PACT console's URL variables (see tests/portal/scope_records.py)."""

from __future__ import annotations

from datetime import timedelta

from portal.models import Meeting, Priority, utcnow
from portal.pact.issues import raise_issue


def records(session, neighbourhoods) -> dict[str, str]:
    twerton = neighbourhoods["twerton"]
    issue = raise_issue(session, twerton, "noise", "Loud music every night.", "Flats above the parade")
    meeting = Meeting(neighbourhood_id=twerton.id, starts_at=utcnow() - timedelta(days=2), venue="Hall")
    session.add(meeting)
    session.flush()
    priority = Priority(neighbourhood_id=twerton.id, meeting_id=meeting.id, title="Noise", issues=[issue])
    session.add(priority)
    session.commit()
    return {"reference": issue.reference, "meeting_id": str(meeting.id), "priority_id": str(priority.id)}
