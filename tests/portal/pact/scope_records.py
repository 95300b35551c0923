"""Twerton records for the PACT console's URL variables (see tests/portal/scope_records.py)."""

from __future__ import annotations

from datetime import timedelta

from portal.core.clock import utcnow
from portal.models import Meeting, MeetingPaper, MeetingPaperContent, Priority
from portal.pact.issues import raise_issue


def records(session, neighbourhoods) -> dict[str, str]:
    twerton = neighbourhoods["twerton"]
    issue = raise_issue(session, twerton, "noise", "Loud music every night.", "Flats above the parade")
    meeting = Meeting(neighbourhood_id=twerton.id, starts_at=utcnow() - timedelta(days=2), venue="Hall")
    session.add(meeting)
    session.flush()
    priority = Priority(neighbourhood_id=twerton.id, meeting_id=meeting.id, title="Noise", issues=[issue])
    session.add(priority)
    paper = MeetingPaper(meeting=meeting, filename="report.pdf", size=9, checksum="0" * 64)
    paper.content = MeetingPaperContent(data=b"%PDF-1.4\n%%EOF")
    session.add(paper)
    session.commit()
    return {"reference": issue.reference, "meeting_id": str(meeting.id), "priority_id": str(priority.id),
            "paper_id": str(paper.id)}
