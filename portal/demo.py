"""The synthetic demo: a Bath-and-North-East-Somerset-like partnership with twelve neighbourhoods,
three survey waves of about 1,500 responses, an open wave residents can answer now with its
Voicebox panel of about 2,000 members (`portal.survey.demo`), and PACT issues in every state with
meetings and priorities.

The PACT record tells the plan's story: each past wave has a year of PACT activity inside its own
fieldwork year (so its report has its own PACT section), and the open wave has the recent weeks.
Neighbourhoods differ: the city centre and Twerton are busiest, rural Chew Valley and Bathavon
quietest; local resolution and late acknowledgements vary; Twerton and the city centre each have
an issue waiting more than 24 hours for an acknowledgement; some neighbourhoods missed a monthly
meeting (Whiteway and Bathavon last month, Chew Valley twice in 2010/11). Each past wave also has
a year of synthetic police.uk street-level files, imported as real ones are (`portal.crime.demo`).

Deterministic from the seed and idempotent: each part is added only if it is not there yet, so
running `flask --app portal demo` twice adds nothing the second time.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

import pandas as pd
from flask import current_app, has_app_context
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from analysis.formatting import plural
from portal.auth.passwords import hash_password
from portal.charter.demo import seed_agendas, seed_charter_cases
from portal.core.clock import utcnow
from portal.models import (
    Agency,
    IssueChannel,
    IssueContact,
    IssueEvent,
    Meeting,
    Neighbourhood,
    PactIssue,
    PopulationEstimate,
    PostcodeSector,
    Priority,
    PriorityUpdate,
    Questionnaire,
    Response,
    StaffUser,
    Wave,
)
from portal.pact.references import new_reference
from portal.pact.workflow import OPEN, apply_reopen, apply_transition
from surveys import synthetic
from surveys.loading import checksum, load_questionnaire

# Outside an app (a bare session), the panel's links are signed with this key: they will not
# verify in an app with another SECRET_KEY. The CLI and the tests pass the app's config.
DEMO_LINK_CONFIG = {"SECRET_KEY": "demo-links-outside-an-app", "PUBLIC_BASE_URL": "http://127.0.0.1:5000"}
DEMO_PASSWORD = "voicebox-demo-2026"  # noqa: S105 - printed for the demo's synthetic accounts
STANDARD_QUESTIONNAIRE = "crime-and-community-safety"

AGENCIES = [
    ("police", "Police neighbourhood team"),
    ("council-asb", "Council anti-social behaviour team"),
    ("housing-trust", "Housing trust"),
    ("fire-rescue", "Fire and rescue service"),
    ("environmental-services", "Council environmental services"),
    ("highways", "Council highways and parking"),
    ("youth-offending", "Youth Offending Team"),
    ("drug-alcohol", "Drug and alcohol action team"),
]

POSTCODE_SECTORS = {
    "bath-city-centre": ["BA1 1", "BA1 2", "BA1 5"],
    "twerton": ["BA2 1"],
    "southdown": ["BA2 2"],
    "whiteway": ["BA2 9"],
    "oldfield-park": ["BA2 3"],
    "widcombe": ["BA2 4", "BA2 6"],
    "larkhall": ["BA1 6", "BA1 7"],
    "combe-down": ["BA2 5", "BA2 7"],
    "keynsham": ["BS31 1", "BS31 2"],
    "midsomer-norton": ["BA3 2", "BA3 3", "BA3 4"],
    "chew-valley": ["BS39 6", "BS40 8"],
    "bathavon": ["BA1 8", "BA1 9", "BA2 8", "BA15 2"],
}

# email, role, neighbourhoods covered
STAFF = [
    ("admin@bathnes-csp.example.org", "admin", ()),
    ("analyst@bathnes-csp.example.org", "analyst", ()),
    ("pact.southwest@bathnes-csp.example.org", "coordinator", ("twerton", "southdown", "whiteway")),
    ("pact.city@bathnes-csp.example.org", "coordinator",
     ("bath-city-centre", "oldfield-park", "widcombe", "larkhall", "combe-down")),
    ("pact.towns@bathnes-csp.example.org", "coordinator",
     ("keynsham", "midsomer-norton", "chew-valley", "bathavon")),
]

# slug, name, opens, closes, questionnaire version
PAST_WAVES = [
    ("2008-09", "Voicebox 2008/09", date(2008, 4, 1), date(2009, 3, 31)),
    ("2009-10", "Voicebox 2009/10", date(2009, 4, 1), date(2010, 3, 31)),
    ("2010-11", "Voicebox 2010/11", date(2010, 4, 1), date(2011, 3, 31)),
]


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
CHANNEL_BY_CHECKSUM = {0: "phone", 1: "phone", 2: "phone", 3: "pact_meeting", 4: "pact_meeting",
                       5: "in_person"}

# Final status of each demo issue in a neighbourhood, so every state appears.
STATUS_CYCLE = [
    "submitted", "acknowledged", "under_review", "pact_priority", "in_progress", "resolved_locally",
    "resolved_locally", "referred_elsewhere", "closed_no_further_action", "rejected_duplicate",
    "rejected_out_of_scope", "resolved_locally",
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
    "submitted": [], "acknowledged": ["acknowledged"],
    "under_review": ["acknowledged", "under_review"],
    "pact_priority": ["acknowledged", "under_review", "pact_priority"],
    "in_progress": ["acknowledged", "pact_priority", "in_progress"],
    "resolved_locally": ["acknowledged", "in_progress", "resolved_locally"],
    "referred_elsewhere": ["acknowledged", "under_review", "referred_elsewhere"],
    "closed_no_further_action": ["acknowledged", "closed_no_further_action"],
    "rejected_duplicate": ["rejected_duplicate"],
    "rejected_out_of_scope": ["rejected_out_of_scope"],
}
PLURALS = {"agency": "agencies", "PACT priority": "PACT priorities"}


@dataclass
class DemoSummary:
    added: dict[str, int] = field(default_factory=dict)
    staff: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        """Count `n` more of `what`, named in the singular ("PACT issue"); `describe` pluralises."""
        self.added[what] = self.added.get(what, 0) + n

    def describe(self) -> str:
        if not any(self.added.values()):
            return "The demo data is already loaded; nothing was added."
        parts = [plural(n, what, PLURALS.get(what)) for what, n in self.added.items() if n]
        return "Loaded synthetic demo data: " + ", ".join(parts) + "."


def seed_demo(session: Session, seed: int = 2009, responses_per_wave: int = 1500,
              now: datetime | None = None, config=None) -> DemoSummary:
    """Load every part of the demo that is not there yet; returns what was added. `config` (the
    app's, by default the current app's) signs the panel's "stop inviting me" links and gives
    their address (PUBLIC_BASE_URL)."""
    now = now or utcnow()
    summary = DemoSummary()
    places = _neighbourhoods(session, summary)
    agencies = _agencies(session, summary)
    _staff(session, places, summary)
    questionnaires = _questionnaires(session, summary)
    waves = _waves(session, questionnaires, now.date(), summary)
    _responses(session, waves, places, seed, responses_per_wave, summary)
    _recorded_crime(session, places, waves, seed, summary)
    _pact(session, places, agencies, seed, now, summary)
    _panel(session, waves, places, seed, now, config, summary)
    session.flush()
    summary.count("meeting agenda", seed_agendas(session, seed, now))
    summary.count("Charter case", seed_charter_cases(session, seed, now))
    return summary


def _panel(session: Session, waves: dict[str, Wave], places, seed: int, now: datetime, config,
           summary: DemoSummary) -> None:
    from portal.survey.demo import seed_panel

    if config is None:
        config = current_app.config if has_app_context() else DEMO_LINK_CONFIG
    current = next(w for w in waves.values() if w.panel_mode)
    for what, n in seed_panel(session, current, places, config, seed, now).items():
        summary.count(what, n)


def _neighbourhoods(session: Session, summary: DemoSummary) -> dict[str, Neighbourhood]:
    existing = {n.slug: n for n in session.scalars(select(Neighbourhood))}
    for nb in synthetic.NEIGHBOURHOOD_LIST:
        if nb.slug in existing:
            continue
        place = Neighbourhood(slug=nb.slug, name=nb.name, area_class=nb.area_class,
                              description=f"Synthetic demo neighbourhood ({nb.area_class}).")
        margins = synthetic.population_margins([nb.slug])
        for row in margins[margins.variable != "neighbourhood"].itertuples():
            place.population.append(PopulationEstimate(
                variable=row.variable, category=row.category, population=int(row.population),
                source="Synthetic demo population (modelled on ONS mid-year estimates)"))
        for sector in POSTCODE_SECTORS.get(nb.slug, []):
            place.postcode_sectors.append(PostcodeSector(sector=sector))
        session.add(place)
        existing[nb.slug] = place
        summary.count("neighbourhood")
    session.flush()
    return existing


def _agencies(session: Session, summary: DemoSummary) -> dict[str, Agency]:
    existing = {a.slug: a for a in session.scalars(select(Agency))}
    for slug, name in AGENCIES:
        if slug not in existing:
            existing[slug] = Agency(slug=slug, name=name)
            session.add(existing[slug])
            summary.count("agency")
    session.flush()
    return existing


def _staff(session: Session, places: dict[str, Neighbourhood], summary: DemoSummary) -> None:
    existing = set(session.scalars(select(StaffUser.email)))
    password_hash = None
    for email, role, covers in STAFF:
        scope = ", ".join(places[s].name for s in covers) if covers else "all neighbourhoods"
        summary.staff.append((email, role, scope))
        if email in existing:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        session.add(StaffUser(email=email, role=role, password_hash=password_hash,
                              name=email.split("@")[0].replace(".", " ").title(),
                              neighbourhoods=[places[s] for s in covers]))
        summary.count("staff account")


def _questionnaires(session: Session, summary: DemoSummary) -> dict[int, Questionnaire]:
    found = {}
    for version in (1, 2):
        definition = load_questionnaire(STANDARD_QUESTIONNAIRE, version)
        row = session.scalar(select(Questionnaire).where(
            Questionnaire.slug == definition.id, Questionnaire.version == definition.version))
        if row is None:
            content = dataclasses.asdict(dataclasses.replace(definition, source=None))
            row = Questionnaire(slug=definition.id, version=definition.version,
                                title=definition.title, checksum=checksum(definition),
                                definition=content)
            session.add(row)
            summary.count("questionnaire version")
        found[version] = row
    session.flush()
    return found


def _waves(session: Session, questionnaires, today: date, summary: DemoSummary) -> dict[str, Wave]:
    existing = {w.slug: w for w in session.scalars(select(Wave))}
    year = today.year if today.month >= 4 else today.year - 1
    current = (f"{year}-{(year + 1) % 100:02d}", f"Voicebox {year}/{(year + 1) % 100:02d}",
               today - timedelta(days=30), today + timedelta(days=60))
    for slug, name, opens, closes in [*PAST_WAVES, current]:
        if slug in existing:
            continue
        existing[slug] = Wave(slug=slug, name=name, questionnaire=questionnaires[1],
                              opens_on=opens, closes_on=closes, open_link_mode=True,
                              panel_mode=slug == current[0])
        session.add(existing[slug])
        summary.count("survey wave")
    session.flush()
    return existing


def _responses(session: Session, waves, places, seed: int, per_wave: int,
               summary: DemoSummary) -> None:
    frame = synthetic.generate_waves(per_wave, seed=seed)
    for wave_slug, rows in frame.groupby("wave", sort=False):
        wave = waves[wave_slug]
        if session.scalar(select(func.count()).where(Response.wave_id == wave.id)):
            continue
        meta = {"response_id", "wave", "neighbourhood", "mode", "submitted_at"}
        answer_columns = [c for c in rows.columns if c not in meta]
        records = []
        for row in rows.to_dict("records"):
            answers = {c: row[c] for c in answer_columns if isinstance(row[c], str) and row[c]}
            answers["neighbourhood"] = row["neighbourhood"]
            records.append({
                "uid": row["response_id"], "wave_id": wave.id,
                "neighbourhood_id": places[row["neighbourhood"]].id, "mode": row["mode"],
                "submitted_at": pd.Timestamp(row["submitted_at"]).to_pydatetime().replace(tzinfo=UTC),
                "answers": answers,
            })
        session.execute(insert(Response), records)
        summary.count("survey response", len(records))


def _recorded_crime(session: Session, places, waves, seed: int, summary: DemoSummary) -> None:
    from portal.crime.demo import seed_recorded_crime

    rows = seed_recorded_crime(session, places, [waves[slug] for slug, *_ in PAST_WAVES], seed)
    summary.count("police.uk street-level row", rows)


def _pact(session: Session, places, agencies, seed: int, now: datetime,
          summary: DemoSummary) -> None:
    """Each neighbourhood's PACT record: a year of activity inside every past wave's fieldwork
    year, and the recent weeks of the current wave, at the neighbourhood's own pace."""
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
        issues = []
        for n, status in enumerate(_current_statuses(slug, index, profile)):
            issue = _demo_issue(place, index, n, _current_created(slug, status, issues, now, rng),
                                used, rng)
            _walk(issue, status, issue.created_at, agencies[AGENCY_FOR[issue.category]], rng,
                  late=rng.random() < profile.late_acknowledgement)
            if status == "resolved_locally":  # this year's residents agreed to be asked
                issue.contact = issue.contact or IssueContact(
                    name="Demo Resident", email=f"resident{index}{n}@example.org", consent_to_contact=True)
                issue.contact.consent_to_follow_up = True
            session.add(issue)
            issues.append(issue)
            summary.count("PACT issue")
        current += issues
        for duplicate in (i for i in issues if i.status == "rejected_duplicate"):
            earlier = [i for i in issues if i.status in OPEN and i.created_at < duplicate.created_at]
            duplicate.duplicate_of = earlier[0] if earlier else None
        _meetings(session, place, issues, agencies, now, rng, summary)
    session.flush()
    _follow_ups(session, past, current, seed, now, summary)


def _current_statuses(slug: str, index: int, profile: PactProfile) -> list[str]:
    """The current wave's issues: every state appears in the busy neighbourhoods, fewer elsewhere."""
    count = max(2, round(profile.issues_a_year * 0.5))
    statuses = [STATUS_CYCLE[(index + k) % len(STATUS_CYCLE)] for k in range(count)]
    if slug in WAITING_HOURS and "submitted" not in statuses:
        statuses[0] = "submitted"
    return statuses


def _current_created(slug: str, status: str, issues: list[PactIssue], now: datetime, rng) -> datetime:
    """When a current issue was raised: early enough for its steps to have happened by `now`;
    issues still waiting are hours old, except the one per busy place left past 24 hours."""
    if status == "submitted":
        waiting = [i for i in issues if i.status == "submitted"]
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
    channel = IssueChannel(CHANNEL_BY_CHECKSUM.get(mark % 20, "online"))
    issue = PactIssue(reference=reference, neighbourhood_id=place.id, category=category,
                      description=text, location=where, status="submitted", created_at=created,
                      channel=channel)
    how = "" if channel == IssueChannel.ONLINE else f" ({channel.in_a_sentence}, recorded by staff)"
    issue.events.append(IssueEvent(at=created, kind="created", to_value="submitted", public=True,
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


def _historic_status(profile: PactProfile, rng) -> str:
    """How a past issue ended: resolved locally at the neighbourhood's own rate, else another way."""
    if rng.random() < profile.resolved_locally:
        return "resolved_locally"
    return rng.choices(("referred_elsewhere", "closed_no_further_action", "rejected_duplicate",
                        "rejected_out_of_scope"), weights=(5, 3, 1, 1))[0]


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
        meeting = Meeting(neighbourhood_id=place.id, starts_at=starts, status="held",
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
        priority = Priority(
            neighbourhood_id=place.id, meeting_id=meeting.id, title=PRIORITY_TITLES[category],
            description="Agreed by residents and partners at the PACT meeting.",
            owner_agency_id=agencies[AGENCY_FOR[category]].id, status="completed",
            review_on=(agreed + timedelta(days=30)).date(), created_at=agreed,
            closed_at=agreed + timedelta(days=rng.randint(55, 100)),
            issues=[i for i in raised if i.category == category],
            outcome="Extra patrols at the times residents named, and partners acted on what they "
                    "found; residents report fewer problems.")
        at = agreed + timedelta(days=rng.randint(20, 32))
        while at < priority.closed_at:
            priority.updates.append(PriorityUpdate(at=at, public=True, body=(
                "Partners reported progress at the PACT meeting; the work continues.")))
            at += timedelta(days=rng.randint(25, 40))
        session.add(priority)
        summary.count("PACT priority")


def _walk(issue: PactIssue, final: str, created: datetime, agency: Agency, rng,
          late: bool = False) -> None:
    """Move a demo issue through the workflow to its final status, recording each step. The
    first response (acknowledgement or rejection) comes within hours, or after a day when late."""
    at = created
    for step in WALKS[final]:
        if step == "acknowledged" or step.startswith("rejected"):
            at = at + timedelta(hours=rng.randint(26, 70) if late else rng.randint(2, 20))
        else:
            at = at + timedelta(hours=rng.randint(24, 240))
        if step in ("in_progress", "under_review", "pact_priority") and issue.agency_id is None:
            issue.agency_id = agency.id
            issue.events.append(IssueEvent(at=at, kind="assigned", to_value=agency.name, public=True))
        body = {
            "acknowledged": "Thank you. Your neighbourhood team has received this and will look into it.",
            "in_progress": f"{agency.name} is taking action; patrols and visits are planned.",
            "resolved_locally": "Action taken locally; residents report the problem has stopped.",
            "referred_elsewhere": "Referred to the responsible organisation outside the partnership.",
            "closed_no_further_action": "Looked into; no further action is possible at present.",
            "rejected_duplicate": "This was already reported; we are dealing with it under that report.",
            "rejected_out_of_scope": "This is not something the partnership can act on; we have told "
                                     "you who can.",
        }.get(step, "")
        if step.startswith("rejected"):
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
        meeting = Meeting(neighbourhood_id=place.id, starts_at=starts, venue=venue, status="held",
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

    by_status = {}
    for issue in issues:
        by_status.setdefault(issue.status, []).append(issue)
    # A completed priority ("You said, we did") from the first meeting, and active ones since.
    done = by_status.get("resolved_locally", [])[:1]
    active = by_status.get("pact_priority", []) + by_status.get("in_progress", [])
    # Southdown's active priorities date from three months ago and last had an update 45 days ago,
    # so the console shows a missed monthly update.
    agreed_at = held[0] if place.slug == "southdown" else held[-1]
    plans = [(held[0], done, "completed")] + [(agreed_at, [issue], "active") for issue in active]
    for meeting, linked, status in plans:
        category = linked[0].category if linked else "anti_social_behaviour"
        owner = linked[0].agency_id if linked and linked[0].agency_id else agencies["police"].id
        priority = Priority(
            neighbourhood_id=place.id, meeting_id=meeting.id, title=PRIORITY_TITLES[category],
            description="Agreed by residents and partners at the PACT meeting.",
            owner_agency_id=owner, review_on=(meeting.starts_at + timedelta(days=30)).date(),
            status=status, issues=list(linked), created_at=meeting.starts_at,
        )
        if status == "completed":
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
FOLLOW_UP_ANSWERS = (("resolved", 60), ("partly", 17), ("not_resolved", 10), (None, 13))
FOLLOW_UP_COMMENTS = {
    "resolved": "Much better since the patrols. Thank you.",
    "partly": "Quieter in the week, but it still happens most weekends.",
    "not_resolved": "It started again a fortnight after the issue was closed.",
}


def _asked(issue: PactIssue) -> bool:
    return (issue.status == "resolved_locally" and issue.contact is not None
            and issue.contact.consent_to_follow_up)


def _follow_ups(session: Session, past: list[PactIssue], current: list[PactIssue], seed: int,
                now: datetime, summary: DemoSummary) -> None:
    """Follow-up questions on issues closed as resolved locally, for residents who agreed: past
    years' answered at realistic rates (a "not resolved" reopened the issue, which was closed again
    later), and this year's due questions sent through the real code (in the outbox, with working
    links, when run by `flask --app portal demo`): in Twerton the first answered "not resolved",
    reopened and waiting in the console, the next left for you to answer from the outbox."""
    rng = random.Random(seed + 14)
    for issue in (i for i in past if _asked(i)):
        _past_follow_up(issue, rng)
        summary.count("follow-up question")
    session.flush()
    weeks = 4
    if has_app_context():
        weeks = int(current_app.config.get("FOLLOW_UP_WEEKS", weeks))
    due = [i for i in current if _asked(i) and i.closed_at <= now - timedelta(weeks=weeks)]
    for issue in due:
        _send_current(session, issue, now)
        summary.count("follow-up question")
    session.flush()
    by_place: dict[int, list[PactIssue]] = {}
    for issue in sorted(due, key=lambda i: i.closed_at):
        by_place.setdefault(issue.neighbourhood_id, []).append(issue)
    for issues in by_place.values():
        _current_answers(session, issues, now)


def _past_follow_up(issue: PactIssue, rng) -> None:
    sent = issue.closed_at + timedelta(weeks=4, hours=rng.randint(1, 30))
    issue.followup_sent_at = sent
    answer = rng.choices([a for a, _ in FOLLOW_UP_ANSWERS], weights=[w for _, w in FOLLOW_UP_ANSWERS])[0]
    if answer is None:
        return
    at = sent + timedelta(days=rng.randint(0, 12), hours=rng.randint(1, 12))
    issue.followup_answer, issue.followup_answered_at = answer, at
    issue.followup_comment = FOLLOW_UP_COMMENTS[answer]
    issue.events.append(IssueEvent(at=at, kind="follow_up", to_value=answer,
                                   body=issue.followup_comment, public=False))
    if answer == "not_resolved":  # reopened, looked at again and closed for good
        apply_reopen(issue, at)
        at += timedelta(hours=rng.randint(2, 20))
        apply_transition(issue, "acknowledged", None, at, public_note="Reopened and being looked at again.")
        at += timedelta(days=rng.randint(5, 30))
        apply_transition(issue, "closed_no_further_action", None, at,
                         public_note="Looked at again with partners; no further action is possible now.")


def _send_current(session: Session, issue: PactIssue, now: datetime) -> None:
    """The real question in the outbox (inside an app, as `flask --app portal demo` runs); without
    one (some tests), only the time it was sent."""
    sent = min(now, issue.closed_at + timedelta(weeks=4, hours=9))
    if has_app_context():
        from portal.core.links import public_url
        from portal.pact.follow_up import FollowUpSettings, ask

        ask(session, issue, FollowUpSettings.from_config(current_app.config), sent, public_url)
    else:
        issue.followup_sent_at = sent


def _current_answers(session: Session, issues: list[PactIssue], now: datetime) -> None:
    """This year's answers in one neighbourhood: Twerton's first says "not resolved" (reopened),
    elsewhere "resolved" and "partly" in turn; the newest question in each stays unanswered."""
    from portal.pact.follow_up import record_answer

    twerton = issues[0].neighbourhood.slug == "twerton"
    answers = ["not_resolved", "resolved"] if twerton else ["resolved", "partly"]
    for issue, answer in zip(issues[:-1], answers * len(issues), strict=False):
        at = min(now, issue.followup_sent_at + timedelta(days=2))
        record_answer(session, issue, answer, FOLLOW_UP_COMMENTS[answer], at)
