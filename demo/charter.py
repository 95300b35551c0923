"""The Service Charter in the demo: complaints and enquiries in the queue, in the last wave's year
and the recent months, with every kind of clock result (the meetings' agendas, the Charter's other
standard, are seeded with the PACT record in `demo.pact`).

Called by `demo.seed_demo` after the neighbourhoods exist; adds nothing when there are cases already.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.charter.cases import new_case_reference
from portal.core.clock import from_local, local, local_day
from portal.core.working_days import add_working_days, is_working_day
from portal.models import (
    CharterCase,
    CharterKind,
    CharterStatus,
    Neighbourhood,
)

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
# The 2010/11 era's cases were all dealt with in their era, the late ones too: a case left
# waiting there would head today's queue sixteen years on. Its "never acknowledged" case was
# acknowledged and answered late instead (both clocks breached, then closed).
HISTORIC_LATE = (8, 24, None)


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
    """Complaints and enquiries in the 2010/11 wave's year (every one answered by now) and in the
    last four months, spread over the neighbourhoods (a few about none); returns how many were
    added."""
    if session.scalar(select(CharterCase.id).limit(1)) is not None:
        return 0
    rng = random.Random(seed + 7)
    places = list(session.scalars(select(Neighbourhood).order_by(Neighbourhood.slug)))
    today = local(now).date()
    # (first day, days spread over, cases, of the historic era)
    starts = [(date(2010, 4, 6), 330, 18, True), (today - timedelta(days=120), 118, 40, False)]
    added = 0
    for first, span, count, historic in starts:
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
            pattern = CASE_PATTERNS[n % len(CASE_PATTERNS)]
            if historic and (pattern[0] is None or pattern[1] is None):
                pattern = HISTORIC_LATE
            _apply(case, pattern, today, rng)
            session.add(case)
            added += 1
    session.flush()
    return added

