"""The demo's PACT record: issues in every state, monthly meetings with their agendas and papers,
priorities ("You said, we did") and the "Was it resolved?" follow-up questions.

Each past wave has a year of PACT activity inside its own fieldwork year (so its report has its
own PACT section), and the open wave has the recent weeks. Neighbourhoods differ: the city centre
and Twerton are busiest, rural Chew Valley and Bathavon quietest; local resolution and late
acknowledgements vary; Twerton and the city centre each have an issue waiting more than 24 hours
for an acknowledgement; some neighbourhoods missed a monthly meeting (Whiteway and Bathavon last
month, Chew Valley twice in 2010/11). Agendas are mostly published 5 or more working days ahead,
some late and a few never (the Service Charter's standard); the paper is a one-page PDF written
byte by byte (`demo.pdf`), not rendered.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from demo.links import DemoLinks
from demo.pdf import tiny_pdf
from demo.summary import DemoSummary
from demo.waves import PAST_WAVES
from portal.core.clock import from_local, local
from portal.core.working_days import working_days_before
from portal.models import (
    Agency,
    FollowUpAnswer,
    IssueChannel,
    IssueContact,
    IssueEvent,
    IssueStatus,
    Meeting,
    MeetingPaper,
    MeetingPaperContent,
    MeetingStatus,
    Neighbourhood,
    PactIssue,
    Priority,
    PriorityStatus,
    PriorityUpdate,
    Wave,
)
from portal.pact.agendas import publish_by
from portal.pact.follow_up import FollowUpSettings, ask, record_answer
from portal.pact.references import new_reference
from portal.pact.workflow import OPEN, REJECTED, apply_reopen, apply_transition

S = IssueStatus  # a short name for the tables below

# (category, description, place) written as residents write them.
ISSUE_TEXTS = [
    ("anti_social_behaviour", "Group of youths gathering most evenings, shouting and kicking footballs "
     "at cars.", "Play area behind the shops"),
    ("drug_use_or_dealing", "Cars pulling up for a few minutes late at night and what looks like dealing. "
     "The man at number 23 comes out to meet them, a lad called Dean.", "Lay-by near the community centre"),
    ("drunk_or_rowdy_behaviour", "Fights and shouting when the pubs empty on Friday and Saturday nights.",
     "Taxi rank on the main street"),
    ("speeding_and_parking", "Cars speeding past the primary school at drop-off and pick-up.",
     "Outside the primary school"),
    ("litter_and_fly_tipping", "Mattresses and bags of rubbish dumped again in the lane.",
     "Back lane off the high street"),
    ("noise", "Loud music from flat 4 until 3am most weekends. Ring me on 07700 900461 if you need more.",
     "Flats above the parade"),
    ("vandalism_and_graffiti", "New graffiti on the underpass and bus shelter glass smashed.",
     "Underpass by the bus stop"),
    ("street_drinking", "People drinking on the benches from late morning, leaving cans and bottles.",
     "Benches by the green"),
    ("burglary_and_theft_concerns", "Three sheds broken into on our road this month, bikes taken.",
     "Allotments and gardens on the hill"),
    ("other", "Street light out for weeks, the path feels unsafe after dark.", "Footpath to the station"),
    ("anti_social_behaviour", "Motorbikes riding on the field and footpaths.", "Recreation ground"),
    ("speeding_and_parking", "Vans parking on the pavement so wheelchairs and buggies can't pass.",
     "Corner of the estate road"),
]

# The public summary a coordinator publishes for each of ISSUE_TEXTS: the resident's words without
# names, house numbers or contact details.
PUBLIC_SUMMARIES = [
    "Young people gathering in the evenings, shouting and kicking footballs at parked cars.",
    "Reports of cars stopping briefly late at night, possibly for drug dealing.",
    "Fights and shouting when the pubs close at weekends.",
    "Speeding past the primary school at the start and end of the school day.",
    "Fly-tipping (mattresses and rubbish bags) dumped repeatedly in the lane.",
    "Loud music from a flat late at night at weekends.",
    "New graffiti on the underpass; the bus shelter glass has been smashed.",
    "Street drinking on the benches from late morning, leaving cans and bottles.",
    "Several sheds broken into this month and bikes stolen.",
    "A street light has been out for weeks and the path feels unsafe after dark.",
    "Motorbikes riding on the recreation ground and footpaths.",
    "Vans parking on the pavement, blocking wheelchairs and buggies.",
]
SUMMARY_SHARE = 7  # in 10 of the issues past "received" have a published summary
# How demo issues reached the partnership, by the reference's checksum modulo 20: most online,
# some recorded by a coordinator from a phone call, a PACT meeting or in person.
CHANNEL_BY_CHECKSUM = {0: IssueChannel.PHONE, 1: IssueChannel.PHONE, 2: IssueChannel.PHONE,
                       3: IssueChannel.PACT_MEETING, 4: IssueChannel.PACT_MEETING,
                       5: IssueChannel.IN_PERSON}

# Final status of each demo issue in a neighbourhood, so every state appears.
STATUS_CYCLE = [
    S.SUBMITTED, S.ACKNOWLEDGED, S.UNDER_REVIEW, S.PACT_PRIORITY, S.IN_PROGRESS, S.RESOLVED_LOCALLY,
    S.RESOLVED_LOCALLY, S.REFERRED_ELSEWHERE, S.CLOSED_NO_FURTHER_ACTION, S.REJECTED_DUPLICATE,
    S.REJECTED_OUT_OF_SCOPE, S.RESOLVED_LOCALLY,
]

PRIORITY_TITLES = {
    "anti_social_behaviour": "Reduce anti-social behaviour by young people in the evenings",
    "drug_use_or_dealing": "Disrupt drug dealing reported around the community centre",
    "drunk_or_rowdy_behaviour": "Reduce late-night disorder at the taxi rank",
    "speeding_and_parking": "Speed checks and parking enforcement outside the school",
    "litter_and_fly_tipping": "Clear fly-tipping and catch those responsible",
    "street_drinking": "Tackle street drinking on the green",
    "vandalism_and_graffiti": "Remove graffiti and repair damage within a week",
    "burglary_and_theft_concerns": "Shed and garage security campaign",
    "noise": "Act on repeated late-night noise",
    "other": "Improve street lighting on footpaths",
}


class PactProfile(NamedTuple):
    """How busy a neighbourhood's PACT is."""

    issues_a_year: int
    resolved_locally: float  # chance a past issue ends resolved locally
    late_acknowledgement: float  # chance the first response comes after 24 hours


PACT_PROFILES = {
    "bath-city-centre": (26, 0.40, 0.15), "twerton": (22, 0.55, 0.20), "southdown": (12, 0.60, 0.10),
    "whiteway": (11, 0.50, 0.25), "oldfield-park": (9, 0.65, 0.05), "widcombe": (7, 0.70, 0.0),
    "larkhall": (6, 0.60, 0.10), "combe-down": (5, 0.75, 0.0), "keynsham": (10, 0.55, 0.10),
    "midsomer-norton": (8, 0.35, 0.20), "chew-valley": (3, 0.80, 0.0), "bathavon": (4, 0.65, 0.30),
}
DEFAULT_PROFILE = (6, 0.60, 0.10)
# Monthly meetings not held in a past wave's year: months counted from the wave's first month.
MISSED_MEETINGS = {("chew-valley", "2010-11"): (7, 8), ("midsomer-norton", "2009-10"): (4,),
                   ("whiteway", "2008-09"): (10,)}
# Hours an issue has waited for an acknowledgement today (a Policing Pledge breach).
WAITING_HOURS = {"twerton": 37, "bath-city-centre": 52}

AGENCY_FOR = {
    "anti_social_behaviour": "council-asb", "drug_use_or_dealing": "police",
    "drunk_or_rowdy_behaviour": "police", "speeding_and_parking": "highways",
    "litter_and_fly_tipping": "environmental-services", "noise": "council-asb",
    "vandalism_and_graffiti": "environmental-services", "street_drinking": "police",
    "burglary_and_theft_concerns": "police", "other": "highways",
}

# The workflow steps a demo issue takes to reach each final status.
WALKS = {
    S.SUBMITTED: [], S.ACKNOWLEDGED: [S.ACKNOWLEDGED],
    S.UNDER_REVIEW: [S.ACKNOWLEDGED, S.UNDER_REVIEW],
    S.PACT_PRIORITY: [S.ACKNOWLEDGED, S.UNDER_REVIEW, S.PACT_PRIORITY],
    S.IN_PROGRESS: [S.ACKNOWLEDGED, S.PACT_PRIORITY, S.IN_PROGRESS],
    S.RESOLVED_LOCALLY: [S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED_LOCALLY],
    S.REFERRED_ELSEWHERE: [S.ACKNOWLEDGED, S.UNDER_REVIEW, S.REFERRED_ELSEWHERE],
    S.CLOSED_NO_FURTHER_ACTION: [S.ACKNOWLEDGED, S.CLOSED_NO_FURTHER_ACTION],
    S.REJECTED_DUPLICATE: [S.REJECTED_DUPLICATE],
    S.REJECTED_OUT_OF_SCOPE: [S.REJECTED_OUT_OF_SCOPE],
}


def seed_pact(session: Session, config, places: dict[str, Neighbourhood], agencies: dict[str, Agency],
              seed: int, now: datetime, summary: DemoSummary) -> None:
    """Each neighbourhood's PACT record, unless it has issues already: a year of activity inside
    every past wave's fieldwork year, and the recent weeks of the current wave, at the
    neighbourhood's own pace. `config` (SECRET_KEY, FOLLOW_UP_WEEKS, PUBLIC_BASE_URL) signs, times
    and places the follow-up questions."""
    rng = random.Random(seed)
    waves = {w.slug: w for w in session.scalars(select(Wave))}
    used = set(session.scalars(select(PactIssue.reference)))
    past: list[PactIssue] = []
    current: list[PactIssue] = []
    for index, (slug, place) in enumerate(sorted(places.items())):
        if session.scalar(select(func.count()).where(PactIssue.neighbourhood_id == place.id)):
            continue
        profile = PactProfile(*PACT_PROFILES.get(slug, DEFAULT_PROFILE))
        for wave_slug, *_ in PAST_WAVES:
            past += _history(session, place, waves[wave_slug], profile, agencies, used, rng, summary)
        issues: list[PactIssue] = []
        for n, status in enumerate(_current_statuses(slug, index, profile)):
            issue = _demo_issue(place, index, n, _current_created(slug, status, issues, now, rng),
                                used, rng)
            _walk(issue, status, issue.created_at, agencies[AGENCY_FOR[issue.category]], rng,
                  late=rng.random() < profile.late_acknowledgement)
            if status == IssueStatus.RESOLVED_LOCALLY:  # this year's residents agreed to be asked
                issue.contact = issue.contact or IssueContact(
                    name="Demo Resident", email=f"resident{index}{n}@example.org", consent_to_contact=True)
                issue.contact.consent_to_follow_up = True
            session.add(issue)
            issues.append(issue)
            summary.count("PACT issue")
        current += issues
        for duplicate in (i for i in issues if i.status == IssueStatus.REJECTED_DUPLICATE):
            earlier = [i for i in issues if i.status in OPEN and i.created_at < duplicate.created_at]
            duplicate.duplicate_of = earlier[0] if earlier else None
        _meetings(session, place, issues, agencies, now, rng, summary)
    session.flush()
    _follow_ups(session, config, past, current, seed, now, summary)


def _current_statuses(slug: str, index: int, profile: PactProfile) -> list[IssueStatus]:
    """The current wave's issues: every state appears in the busy neighbourhoods, fewer elsewhere."""
    count = max(2, round(profile.issues_a_year * 0.5))
    statuses = [STATUS_CYCLE[(index + k) % len(STATUS_CYCLE)] for k in range(count)]
    if slug in WAITING_HOURS and IssueStatus.SUBMITTED not in statuses:
        statuses[0] = IssueStatus.SUBMITTED
    return statuses


def _current_created(slug: str, status: IssueStatus, issues: list[PactIssue], now: datetime, rng) -> datetime:
    """When a current issue was raised: early enough for its steps to have happened by `now`;
    issues still waiting are hours old, except the one per busy place left past 24 hours."""
    if status == IssueStatus.SUBMITTED:
        waiting = [i for i in issues if i.status == IssueStatus.SUBMITTED]
        if slug in WAITING_HOURS and not waiting:
            return now - timedelta(hours=WAITING_HOURS[slug])
        return now - timedelta(hours=rng.randint(2, 18))
    steps = len(WALKS[status])
    return now - timedelta(days=rng.randint(4 + 10 * steps, 85), hours=rng.randint(0, 20))


def _demo_issue(place, index: int, n: int, created: datetime, used: set[str], rng) -> PactIssue:
    category, text, where = ISSUE_TEXTS[(n + index) % len(ISSUE_TEXTS)]
    reference = new_reference(rng.choice)
    while reference in used:
        reference = new_reference(rng.choice)
    used.add(reference)
    mark = sum(map(ord, reference))  # not the rng: the demo's other figures stay as they were
    channel = CHANNEL_BY_CHECKSUM.get(mark % 20, IssueChannel.ONLINE)
    issue = PactIssue(reference=reference, neighbourhood_id=place.id, category=category,
                      description=text, location=where, status=IssueStatus.SUBMITTED, created_at=created,
                      channel=channel)
    how = "" if channel == IssueChannel.ONLINE else f" ({channel.in_a_sentence}, recorded by staff)"
    issue.events.append(IssueEvent(at=created, kind="created", to_value=IssueStatus.SUBMITTED, public=True,
                                   body=f"Issue raised by a resident{how}."))
    if n % 3 == 0:
        issue.contact = IssueContact(name="Demo Resident", email=f"resident{index}{n}@example.org",
                                     consent_to_contact=True, consent_to_follow_up=(n // 3) % 3 != 2)
    return issue


def _publish_summary(issue: PactIssue) -> None:
    """After its walk: most issues a coordinator has looked at have a published summary."""
    reviewed = issue.acknowledged_at or issue.closed_at
    mark = sum(i * ord(c) for i, c in enumerate(issue.reference))  # independent of the channel's
    if reviewed is None or mark % 10 >= SUMMARY_SHARE:
        return
    texts = [text for _, text, _ in ISSUE_TEXTS]
    issue.public_summary = PUBLIC_SUMMARIES[texts.index(issue.description)]
    issue.summary_published_at = reviewed


def _historic_status(profile: PactProfile, rng) -> IssueStatus:
    """How a past issue ended: resolved locally at the neighbourhood's own rate, else another way."""
    if rng.random() < profile.resolved_locally:
        return IssueStatus.RESOLVED_LOCALLY
    return rng.choices((IssueStatus.REFERRED_ELSEWHERE, IssueStatus.CLOSED_NO_FURTHER_ACTION,
                        IssueStatus.REJECTED_DUPLICATE, IssueStatus.REJECTED_OUT_OF_SCOPE),
                       weights=(5, 3, 1, 1))[0]


def _history(session: Session, place, wave: Wave, profile: PactProfile, agencies, used: set[str],
             rng, summary: DemoSummary) -> list[PactIssue]:
    """One past wave's fieldwork year of PACT: issues, monthly meetings and priorities."""
    first = datetime.combine(wave.opens_on, time(9), tzinfo=UTC)
    days = (wave.closes_on - wave.opens_on).days - 45
    count = max(1, round(profile.issues_a_year * rng.uniform(0.75, 1.25)))
    issues = []
    for n in range(count):
        created = first + timedelta(days=rng.randint(0, days), hours=rng.randint(0, 11))
        issue = _demo_issue(place, rng.randrange(len(ISSUE_TEXTS)), n, created, used, rng)
        _walk(issue, _historic_status(profile, rng), created, agencies[AGENCY_FOR[issue.category]],
              rng, late=rng.random() < profile.late_acknowledgement)
        session.add(issue)
        issues.append(issue)
    summary.count("PACT issue", count)
    held = _historic_meetings(session, place, wave, rng, summary)
    _historic_priorities(session, place, held, issues, agencies, rng, summary)
    return issues


def _historic_meetings(session: Session, place, wave: Wave, rng, summary: DemoSummary) -> list[Meeting]:
    missed = MISSED_MEETINGS.get((place.slug, wave.slug), ())
    held = []
    for month in range(12):
        if month in missed:
            continue
        year, month_of_year = divmod(wave.opens_on.month - 1 + month, 12)
        starts = datetime(wave.opens_on.year + year, month_of_year + 1, rng.randint(8, 16), 18, 30,
                          tzinfo=UTC)
        meeting = Meeting(neighbourhood_id=place.id, starts_at=starts, status=MeetingStatus.HELD,
                          venue=f"{place.name} community centre", attendance=rng.randint(6, 40),
                          minutes="Residents raised local concerns; partners reported on the "
                                  "priorities agreed last time.")
        session.add(meeting)
        held.append(meeting)
    summary.count("PACT meeting", len(held))
    session.flush()
    return held


def _historic_priorities(session: Session, place, held: list[Meeting], issues: list[PactIssue],
                         agencies, rng, summary: DemoSummary) -> None:
    """A priority agreed every four months, completed two to three months later ("You said, we
    did"); the last of the year may still be active when the fieldwork ends."""
    for meeting in held[::4]:
        raised = [i for i in issues if i.created_at < meeting.starts_at]
        category = raised[-1].category if raised else "anti_social_behaviour"
        agreed = meeting.starts_at
        closed_at = agreed + timedelta(days=rng.randint(55, 100))
        priority = Priority(
            neighbourhood_id=place.id, meeting_id=meeting.id, title=PRIORITY_TITLES[category],
            description="Agreed by residents and partners at the PACT meeting.",
            owner_agency_id=agencies[AGENCY_FOR[category]].id, status=PriorityStatus.COMPLETED,
            review_on=(agreed + timedelta(days=30)).date(), created_at=agreed,
            closed_at=closed_at,
            issues=[i for i in raised if i.category == category],
            outcome="Extra patrols at the times residents named, and partners acted on what they "
                    "found; residents report fewer problems.")
        at = agreed + timedelta(days=rng.randint(20, 32))
        while at < closed_at:
            priority.updates.append(PriorityUpdate(at=at, public=True, body=(
                "Partners reported progress at the PACT meeting; the work continues.")))
            at += timedelta(days=rng.randint(25, 40))
        session.add(priority)
        summary.count("PACT priority")


def _walk(issue: PactIssue, final: IssueStatus, created: datetime, agency: Agency, rng,
          late: bool = False) -> None:
    """Move a demo issue through the workflow to its final status, recording each step. The
    first response (acknowledgement or rejection) comes within hours, or after a day when late."""
    at = created
    for step in WALKS[final]:
        if step == IssueStatus.ACKNOWLEDGED or step in REJECTED:
            at = at + timedelta(hours=rng.randint(26, 70) if late else rng.randint(2, 20))
        else:
            at = at + timedelta(hours=rng.randint(24, 240))
        if step in (S.IN_PROGRESS, S.UNDER_REVIEW, S.PACT_PRIORITY) and issue.agency_id is None:
            issue.agency_id = agency.id
            issue.events.append(IssueEvent(at=at, kind="assigned", to_value=agency.name, public=True))
        body = {
            S.ACKNOWLEDGED: "Thank you. Your neighbourhood team has received this and will look into it.",
            S.IN_PROGRESS: f"{agency.name} is taking action; patrols and visits are planned.",
            S.RESOLVED_LOCALLY: "Action taken locally; residents report the problem has stopped.",
            S.REFERRED_ELSEWHERE: "Referred to the responsible organisation outside the partnership.",
            S.CLOSED_NO_FURTHER_ACTION: "Looked into; no further action is possible at present.",
            S.REJECTED_DUPLICATE: "This was already reported; we are dealing with it under that report.",
            S.REJECTED_OUT_OF_SCOPE: "This is not something the partnership can act on; we have told "
                                     "you who can.",
        }.get(step, "")
        if step in REJECTED:
            apply_transition(issue, step, None, at, reason=body)
        else:
            apply_transition(issue, step, None, at, public_note=body)
    _publish_summary(issue)


def _meetings(session: Session, place, issues, agencies, now: datetime, rng,
              summary: DemoSummary) -> None:
    venues = ["Community centre main hall", "Library meeting room", "Church hall", "Village hall"]
    venue = f"{place.name} {venues[rng.randrange(len(venues))].lower()}"
    held = []
    # Monthly meetings for the last three months (one neighbourhood missed last month), one ahead.
    for months_ago in (3, 2, 1):
        if months_ago == 1 and place.slug in ("whiteway", "bathavon"):
            continue
        # a few days inside each month, so a meeting held "last month" is within the 30-day standard
        starts = (now - timedelta(days=30 * months_ago - 4)).replace(hour=18, minute=30, second=0,
                                                                     microsecond=0)
        meeting = Meeting(neighbourhood_id=place.id, starts_at=starts, venue=venue, status=MeetingStatus.HELD,
                          attendance=rng.randint(8, 35),
                          minutes="Residents raised local concerns; partners reported on last "
                                  "month's priorities; three priorities agreed.")
        session.add(meeting)
        held.append(meeting)
        summary.count("PACT meeting")
    upcoming = (now + timedelta(days=rng.randint(5, 25))).replace(hour=18, minute=30, second=0,
                                                                   microsecond=0)
    session.add(Meeting(neighbourhood_id=place.id, starts_at=upcoming, venue=venue))
    summary.count("PACT meeting")
    session.flush()

    by_status: dict[IssueStatus, list[PactIssue]] = {}
    for issue in issues:
        by_status.setdefault(issue.status, []).append(issue)
    # A completed priority ("You said, we did") from the first meeting, and active ones since.
    done = by_status.get(IssueStatus.RESOLVED_LOCALLY, [])[:1]
    active = by_status.get(IssueStatus.PACT_PRIORITY, []) + by_status.get(IssueStatus.IN_PROGRESS, [])
    # Southdown's active priorities date from three months ago and last had an update 45 days ago,
    # so the console shows a missed monthly update.
    agreed_at = held[0] if place.slug == "southdown" else held[-1]
    plans = [(held[0], done, PriorityStatus.COMPLETED)]
    plans += [(agreed_at, [issue], PriorityStatus.ACTIVE) for issue in active]
    for meeting, linked, status in plans:
        category = linked[0].category if linked else "anti_social_behaviour"
        owner = linked[0].agency_id if linked and linked[0].agency_id else agencies["police"].id
        priority = Priority(
            neighbourhood_id=place.id, meeting_id=meeting.id, title=PRIORITY_TITLES[category],
            description="Agreed by residents and partners at the PACT meeting.",
            owner_agency_id=owner, review_on=(meeting.starts_at + timedelta(days=30)).date(),
            status=status, issues=list(linked), created_at=meeting.starts_at,
        )
        if status == PriorityStatus.COMPLETED:
            priority.outcome = ("Extra patrols at the times residents named, two warning letters and a "
                                "clean-up day; reports have fallen.")
            priority.closed_at = meeting.starts_at + timedelta(days=28)
        update_age = 10 if place.slug != "southdown" else 45  # Southdown's update is overdue
        priority.updates.append(PriorityUpdate(
            at=now - timedelta(days=update_age), public=True,
            body="Patrols increased at the times residents named; partners will report back at the "
                 "next meeting."))
        session.add(priority)
        summary.count("PACT priority")


# "Was it resolved?": how past residents answered (None: no answer), and what they wrote.
FOLLOW_UP_ANSWERS = ((FollowUpAnswer.RESOLVED, 60), (FollowUpAnswer.PARTLY, 17),
                     (FollowUpAnswer.NOT_RESOLVED, 10), (None, 13))
FOLLOW_UP_COMMENTS = {
    FollowUpAnswer.RESOLVED: "Much better since the patrols. Thank you.",
    FollowUpAnswer.PARTLY: "Quieter in the week, but it still happens most weekends.",
    FollowUpAnswer.NOT_RESOLVED: "It started again a fortnight after the issue was closed.",
}


def _closed_at(issue: PactIssue) -> datetime:
    """When a closed issue closed (the follow-up question is only asked about closed issues)."""
    assert issue.closed_at is not None
    return issue.closed_at


def _asked(issue: PactIssue) -> bool:
    return (issue.status == IssueStatus.RESOLVED_LOCALLY and issue.contact is not None
            and issue.contact.consent_to_follow_up)


def _follow_ups(session: Session, config, past: list[PactIssue], current: list[PactIssue], seed: int,
                now: datetime, summary: DemoSummary) -> None:
    """Follow-up questions on issues closed as resolved locally, for residents who agreed: past
    years' answered at realistic rates (a "not resolved" reopened the issue, which was closed again
    later), and this year's due questions (FOLLOW_UP_WEEKS after closing) sent through the real
    code, in the outbox with links signed by the config's SECRET_KEY: in Twerton the first
    answered "not resolved", reopened and waiting in the console, the next left for you to answer
    from the outbox."""
    settings = FollowUpSettings.from_config(config)
    links = DemoLinks.from_config(config)
    rng = random.Random(seed + 14)
    for issue in (i for i in past if _asked(i)):
        _past_follow_up(issue, rng)
        summary.count("follow-up question")
    session.flush()
    due = [i for i in current if _asked(i) and _closed_at(i) <= now - timedelta(weeks=settings.weeks)]
    for issue in due:
        _send_current(session, issue, now, settings, links)
        summary.count("follow-up question")
    session.flush()
    by_place: dict[int, list[PactIssue]] = {}
    for issue in sorted(due, key=_closed_at):
        by_place.setdefault(issue.neighbourhood_id, []).append(issue)
    for issues in by_place.values():
        _current_answers(session, issues, now)


def _past_follow_up(issue: PactIssue, rng) -> None:
    sent = _closed_at(issue) + timedelta(weeks=4, hours=rng.randint(1, 30))
    issue.followup_sent_at = sent
    answer = rng.choices([a for a, _ in FOLLOW_UP_ANSWERS], weights=[w for _, w in FOLLOW_UP_ANSWERS])[0]
    if answer is None:
        return
    at = sent + timedelta(days=rng.randint(0, 12), hours=rng.randint(1, 12))
    issue.followup_answer, issue.followup_answered_at = answer, at
    issue.followup_comment = FOLLOW_UP_COMMENTS[answer]
    issue.events.append(IssueEvent(at=at, kind="follow_up", to_value=answer,
                                   body=issue.followup_comment, public=False))
    if answer == FollowUpAnswer.NOT_RESOLVED:  # reopened, looked at again and closed for good
        apply_reopen(issue, at)
        at += timedelta(hours=rng.randint(2, 20))
        apply_transition(issue, IssueStatus.ACKNOWLEDGED, None, at,
                         public_note="Reopened and being looked at again.")
        at += timedelta(days=rng.randint(5, 30))
        apply_transition(issue, IssueStatus.CLOSED_NO_FURTHER_ACTION, None, at,
                         public_note="Looked at again with partners; no further action is possible now.")


def _send_current(session: Session, issue: PactIssue, now: datetime, settings: FollowUpSettings,
                  links: DemoLinks) -> None:
    """The real question in the outbox, sent about four weeks after the issue closed."""
    sent = min(now, _closed_at(issue) + timedelta(weeks=4, hours=9))
    ask(session, issue, settings, sent, links)


def _current_answers(session: Session, issues: list[PactIssue], now: datetime) -> None:
    """This year's answers in one neighbourhood: Twerton's first says "not resolved" (reopened),
    elsewhere "resolved" and "partly" in turn; the newest question in each stays unanswered."""
    twerton = issues[0].neighbourhood.slug == "twerton"
    answers = ([FollowUpAnswer.NOT_RESOLVED, FollowUpAnswer.RESOLVED] if twerton
               else [FollowUpAnswer.RESOLVED, FollowUpAnswer.PARTLY])
    for issue, answer in zip(issues[:-1], answers * len(issues), strict=False):
        sent = issue.followup_sent_at
        assert sent is not None  # asked by _send_current
        at = min(now, sent + timedelta(days=2))
        record_answer(session, issue, answer, FOLLOW_UP_COMMENTS[answer], at)


# --- agendas and papers ----------------------------------------------------------------------

AGENDA = ("1. Welcome and apologies\n2. Police and partners report on last month's priorities\n"
          "3. Issues residents have raised since the last meeting\n4. Agree up to three priorities "
          "for the coming month\n5. Any other business")
MISSING_AGENDA = ("whiteway", "larkhall")  # their last meeting had no agenda at all
RECENT_PAPERS = timedelta(days=120)  # meetings this recent (and every one ahead) get a paper


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
