"""The Service Charter in the demo: agendas (and a small PDF paper) for the PACT meetings, most
published 5 or more working days ahead, some late and a few never; and complaints and enquiries in
the queue, in the last wave's year and the recent months, with every kind of clock result.

Called by `portal.demo.seed_demo` after the meetings exist; each part adds nothing when it is
already there. Fast: the paper is a one-page PDF written byte by byte, not rendered.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.charter.cases import new_case_reference
from portal.core.clock import from_local, local, local_day
from portal.core.working_days import add_working_days, is_working_day, working_days_before
from portal.models import (
    CharterCase,
    CharterKind,
    CharterStatus,
    Meeting,
    MeetingPaper,
    MeetingPaperContent,
    MeetingStatus,
    Neighbourhood,
)
from portal.pact.agendas import publish_by

AGENDA = ("1. Welcome and apologies\n2. Police and partners report on last month's priorities\n"
          "3. Issues residents have raised since the last meeting\n4. Agree up to three priorities "
          "for the coming month\n5. Any other business")
MISSING_AGENDA = ("whiteway", "larkhall")  # their last meeting had no agenda at all
RECENT_PAPERS = timedelta(days=120)  # meetings this recent (and every one ahead) get a paper
CASE_TEXTS = {
    CharterKind.COMPLAINT: [
        "I reported drug dealing by the garages three times and nobody came back to me.",
        "The PACT meeting was moved without notice and the new venue has no step-free access.",
        "Officers said they would patrol the park after dark but residents have seen no one.",
    ],
    CharterKind.ENQUIRY: [
        "How do I find out what was agreed at the last PACT meeting for our area?",
        "Can the partnership share how many burglaries there were on our estate this year?",
        "Who should we speak to about setting up a Neighbourhood Watch scheme on our road?",
    ],
}


def tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF that reads `title` (ASCII), built by hand with a correct xref table."""
    text = title.encode("ascii", "replace")
    for special in (b"\\", b"(", b")"):
        text = text.replace(special, b"\\" + special)
    stream = b"BT /F1 14 Tf 56 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _published_at(meeting: Meeting, choice: float, rng: random.Random, now: datetime) -> datetime | None:
    """Most on time (up to 4 working days before the deadline), about one in eight late (1 to 3
    working days before the meeting), one in fifty never; never in the future (most meetings still
    weeks ahead were published a little while ago, the rest not yet)."""
    deadline = publish_by(meeting.starts_at)
    if choice < 0.02:
        return None
    if choice < 0.16:
        day = working_days_before(local(meeting.starts_at).date(), rng.randint(1, 3))
    else:
        day = working_days_before(deadline, rng.randint(0, 4))
    moment = from_local(day, time(rng.randint(9, 16), 0))
    if moment <= now:
        return moment
    # a meeting still weeks ahead: most coordinators have published early already
    return now - timedelta(hours=2) if choice >= 0.45 else None


def _paper(meeting: Meeting, place: Neighbourhood) -> MeetingPaper:
    name = f"{place.name} PACT meeting {local(meeting.starts_at):%d %B %Y}"
    data = tiny_pdf(f"{name}: police and partners' report")
    paper = MeetingPaper(filename=f"{place.slug}-partners-report-{local(meeting.starts_at):%Y-%m-%d}.pdf",
                         size=len(data), checksum=hashlib.sha256(data).hexdigest(),
                         uploaded_at=meeting.starts_at - timedelta(days=10))
    paper.content = MeetingPaperContent(data=data)
    return paper


def seed_agendas(session: Session, seed: int, now: datetime) -> int:
    """Agendas (and, for recent and coming meetings, a paper) for every meeting; returns how many."""
    if session.scalar(select(Meeting.id).where(Meeting.agenda != "").limit(1)) is not None:
        return 0
    rng = random.Random(seed + 5)
    places = {p.id: p for p in session.scalars(select(Neighbourhood))}
    meetings = list(session.scalars(select(Meeting).where(Meeting.status != MeetingStatus.CANCELLED)
                                    .order_by(Meeting.starts_at, Meeting.id)))
    last_held = {m.neighbourhood_id: m for m in meetings if m.starts_at <= now}
    missing = {last_held[p.id].id for p in places.values() if p.slug in MISSING_AGENDA and p.id in last_held}
    given = 0
    for meeting in meetings:
        published = _published_at(meeting, rng.random(), rng, now)
        upcoming = meeting.starts_at > now
        if meeting.id in missing or (published is None and not upcoming and rng.random() < 0.5):
            continue  # no agenda at all (missed)
        meeting.agenda = AGENDA
        given += 1
        meeting.agenda_published_at = published
        if upcoming or meeting.starts_at > now - RECENT_PAPERS:
            meeting.papers.append(_paper(meeting, places[meeting.neighbourhood_id]))
    session.flush()
    return given


def _case(kind: CharterKind, received: datetime, place: Neighbourhood | None,
          rng: random.Random) -> CharterCase:
    first = rng.choice(["Sam", "Priya", "Tom", "Grace", "Olu", "Megan", "Dev", "Hannah"])
    last = rng.choice(["Hughes", "Patel", "Jones", "Okafor", "Wright", "Evans", "Khan", "Lewis"])
    return CharterCase(reference=new_case_reference(rng.choice), kind=kind, name=f"{first} {last}",
                       email=f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.org",
                       body=rng.choice(CASE_TEXTS[kind]), neighbourhood=place, received_at=received)


def _at(day: date, rng: random.Random) -> datetime:
    return from_local(day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))))


# How each demo case went: (acknowledge after, answer after, extension) in working days; None: not yet.
CASE_PATTERNS = [
    (2, 9, None), (1, 12, None), (4, 14, None), (3, 8, None), (5, 15, None),  # on time
    (7, 13, None),  # acknowledged late, answered on time
    (2, 19, None),  # answered late
    (3, 21, (25, "The police need to review CCTV footage held by a third party.")),  # extended, met
    (2, 30, (25, "We are waiting for the council's highways team to inspect the site.")),  # extended, missed
    (None, None, None),  # never acknowledged: breaches both clocks once old enough
]


def _apply(case: CharterCase, pattern, today: date, rng: random.Random) -> None:
    """Act on the case as `pattern` says, as far as `today` allows."""
    received = local_day(case.received_at)
    ack_after, answer_after, extension = pattern
    if extension is not None:
        days, reason = extension
        case.extended_to = add_working_days(received, days)
        case.extension_reason = reason
    if ack_after is not None and add_working_days(received, ack_after) <= today:
        case.acknowledged_at = _at(add_working_days(received, ack_after), rng)
        case.status = CharterStatus.ACKNOWLEDGED
    if answer_after is not None and add_working_days(received, answer_after) <= today:
        case.answered_at = _at(add_working_days(received, answer_after), rng)
        case.acknowledged_at = case.acknowledged_at or case.answered_at
        case.status = CharterStatus.ANSWERED
        case.response = ("Thank you for writing. We have looked into this with our partners; here is "
                         "what we found.")


def seed_charter_cases(session: Session, seed: int, now: datetime) -> int:
    """Complaints and enquiries in the 2010/11 wave's year and in the last four months, spread over
    the neighbourhoods (a few about none); returns how many were added."""
    if session.scalar(select(CharterCase.id).limit(1)) is not None:
        return 0
    rng = random.Random(seed + 7)
    places = list(session.scalars(select(Neighbourhood).order_by(Neighbourhood.slug)))
    today = local(now).date()
    starts = [(date(2010, 4, 6), 330, 18), (today - timedelta(days=120), 118, 40)]
    added = 0
    for first, span, count in starts:
        for n in range(count):
            day = first + timedelta(days=rng.randint(0, span))
            while not is_working_day(day):
                day += timedelta(days=1)
            received = _at(min(day, today), rng)
            if received > now:
                continue
            kind = CharterKind.COMPLAINT if n % 3 else CharterKind.ENQUIRY
            place = places[n % len(places)] if n % 7 else None
            case = _case(kind, received, place, rng)
            _apply(case, CASE_PATTERNS[n % len(CASE_PATTERNS)], today, rng)
            session.add(case)
            added += 1
    session.flush()
    return added

