"""An address typed as text: every text column is either searched or listed with its reason, and
subject access finds the address, and erasure redacts it, wherever a resident's words are kept (on
both databases)."""

from __future__ import annotations

from sqlalchemy import JSON, String, Text, cast, func, select

from portal.models import (
    AlertSubscription,
    AuditEvent,
    Base,
    CharterCase,
    CharterKind,
    IssueEvent,
    Meeting,
    OutboundMail,
    PactIssue,
    Priority,
    PriorityUpdate,
    Response,
    SurveyDraft,
    Wave,
)
from portal.privacy import free_text
from portal.privacy.subject_access import describe_erasure, erase_person, find_person
from portal.subscriptions.alerts import Site

ADA = "old@example.org"  # raised the old closed issue in `aged_records`, as "Ada"
TYPED = "Old@Example.ORG"  # as a resident might type it


def _text_columns():
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON):
                yield f"{table.name}.{column.name}", column


def test_every_text_column_is_searched_or_has_its_reason():
    """A new free-text column fails here until it is added to `FREE_TEXT` (searched and redacted)
    or to `NOT_RESIDENTS_WORDS` with the reason it cannot hold a resident's words."""
    searched = [place.name for place in free_text.FREE_TEXT]
    listed = searched + list(free_text.OWN_RULE) + list(free_text.NOT_RESIDENTS_WORDS)
    names = [name for name, _column in _text_columns()]
    assert sorted(set(names) - set(listed)) == []
    assert sorted(set(listed) - set(names)) == []  # nothing listed that no longer exists
    assert len(listed) == len(set(listed))  # each column in one list only
    assert all(reason.strip() for reason in {**free_text.OWN_RULE, **free_text.NOT_RESIDENTS_WORDS}.values())


def _holding(session, email: str) -> list[str]:
    """Every text column, of every table, with a row whose text holds the address (any case)."""
    found = []
    for name, column in _text_columns():
        text = cast(column, String) if isinstance(column.type, JSON) else column
        if session.scalar(select(func.count()).select_from(column.table)
                          .where(func.lower(text).contains(email, autoescape=True))):
            found.append(name)
    return found


def _typed_everywhere(app, db_session, neighbourhoods, aged_records) -> dict:
    """Ada's address typed into the texts a resident or a member of staff can write, and an
    alert e-mail whose List-Unsubscribe link carries it (signed, not as plain text)."""
    place = neighbourhoods["twerton"]
    mine, theirs = aged_records["old"], aged_records["recent"]
    mine.description = f"Loud music at night. I am Ada; write to me at {TYPED}."
    mine.location = "Outside Ada's house"
    mine.followup_comment = f"Not fixed. Ada ({TYPED})"
    mine.events.append(IssueEvent(kind="note", body=f"Rang Ada, who prefers e-mail: {TYPED}"))
    theirs.events.append(IssueEvent(kind="note", body=f"Ada next door ({TYPED}) says the same"))
    wave = db_session.scalar(select(Wave).where(Wave.slug == "2009-10"))
    meeting = Meeting(neighbourhood_id=place.id, starts_at=mine.created_at, venue="Hall",
                      minutes=f"A resident ({TYPED}) asked about the music.")
    priority = Priority(neighbourhood_id=place.id, title="Night-time noise",
                        description=f"Raised by {TYPED}.", meeting=meeting)
    subscription = AlertSubscription(email=ADA, neighbourhood_id=place.id)
    db_session.add_all([
        meeting, priority, subscription,
        PriorityUpdate(priority=priority, body=f"Spoke to {TYPED}."),
        CharterCase(reference="CHR-TYPE-AA", kind=CharterKind.COMPLAINT, name="Dot", email="dot@example.org",
                    body=f"My neighbour {TYPED} is also waiting.", neighbourhood=place),
        OutboundMail(recipient="coordinator@example.org", subject=f"New issue from {TYPED}",
                     body=f"Contact: {TYPED}", status="sent"),
        AuditEvent(action="note_added", detail={"note": f"called {TYPED}", "count": 1}),
        Response(uid="typed-1", wave_id=wave.id, answers={"q_other": f"Ask {TYPED}", "q1": 2}),
    ])
    db_session.flush()
    with app.test_request_context():
        unsubscribe = Site(app.config["SECRET_KEY"]).unsubscribe_url(subscription)
    db_session.add(OutboundMail(recipient=ADA, subject="This week in Twerton", body="News", status="dead",
                                error=f"550 {TYPED}: mailbox full",
                                headers={"List-Unsubscribe": f"<{unsubscribe}>"}))
    db_session.commit()
    return {"unsubscribe": unsubscribe}


def test_subject_access_finds_the_address_typed_as_text(app, db_session, neighbourhoods, aged_records):
    _typed_everywhere(app, db_session, neighbourhoods, aged_records)
    records = find_person(db_session, ADA)
    places = {found["place"] for found in records.typed_as_text}
    # Her own issue's texts are listed with the issue; only the other places are listed as text.
    assert TYPED in records.issues[0]["description"] and not places & {"pact_issue.description"}
    assert places >= {"issue_event.body",
                      "pact_meeting.minutes", "pact_priority.description", "pact_priority_update.body",
                      "charter_case.body", "outbound_mail.subject", "outbound_mail.body",
                      "outbound_mail.error", "response.answers"}
    note = next(f for f in records.typed_as_text if f["record"] == aged_records["recent"].reference
                or "next door" in " ".join(f["excerpts"]))
    assert note["excerpts"] == [f"Ada next door ({TYPED}) says the same"]
    survey = next(f for f in records.typed_as_text if f["place"] == "response.answers")
    assert survey["excerpts"] == [f"Ask {TYPED}"]  # the text answer only, not the rest of the response
    assert any(e["detail"].get("note") for e in records.audit)


def test_erasure_leaves_the_address_in_no_text_and_reports_each_place(app, db_session, neighbourhoods,
                                                                     aged_records):
    links = _typed_everywhere(app, db_session, neighbourhoods, aged_records)
    assert len(_holding(db_session, ADA)) >= 12
    counts = erase_person(db_session, ADA)
    db_session.commit()
    db_session.expire_all()
    assert _holding(db_session, ADA) == []
    token = links["unsubscribe"].rsplit("/", 1)[-1]
    assert not any(token in str(headers) for headers in db_session.scalars(select(OutboundMail.headers)))
    assert counts["redacted:pact_issue.description"] == 1 and counts["redacted:issue_event.body"] == 2
    assert counts["redacted:response.answers"] == 1 and counts["redacted:outbound_mail.error"] == 1
    assert "issue descriptions: 1 redacted" in describe_erasure(counts)
    assert "survey answers (typed into a text answer): 1 redacted" in describe_erasure(counts)
    issue = db_session.get(PactIssue, aged_records["old"].id)
    assert issue.description == "Loud music at night. I am [removed]; write to me at [removed]."
    assert issue.location == "Outside [removed]'s house"
    # The name goes only from Ada's own records: "Ada" next door, in someone else's issue, may be
    # another Ada.
    notes = {e.body for e in db_session.scalars(select(IssueEvent).where(IssueEvent.kind == "note"))}
    assert notes == {"Rang [removed], who prefers e-mail: [removed]",
                     "Ada next door ([removed]) says the same"}
    answers = db_session.scalar(select(Response.answers).where(Response.uid == "typed-1"))
    assert answers == {"q_other": "Ask [removed]", "q1": 2}
    note = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "note_added"))
    assert note.detail == {"note": "called [removed]", "count": 1}


def test_an_address_with_like_wildcards_matches_only_itself(db_session, neighbourhoods, aged_records):
    """`_` and `%` are LIKE wildcards; an address holding them matches only text holding it."""
    wave_id = db_session.scalar(select(Wave.id).limit(1))
    db_session.add(SurveyDraft(session_token_hash="w" * 8, wave_id=wave_id,
                               answers={"q": "reach me at ab@example.org"},
                               expires_at=aged_records["old"].created_at))
    db_session.commit()
    assert find_person(db_session, "a_b@example.org").typed_as_text == []
    assert erase_person(db_session, "a%@example.org").get("redacted:survey_draft.answers") is None
