"""The demo's Voicebox panel for the open wave: about 2,000 synthetic members at
example.org addresses, spread over the neighbourhoods by population, recruited over several
years, most with an age band (drawn by the area's population; a tenth not known); everyone invited
when the wave opened and the non-responders reminded two weeks later, each message in the outbox
as sent (its survey link removed, its "stop inviting me" link kept); some members answered (their
invitations used, and as many online responses added to the wave, in the same neighbourhoods, with
no link between them); and a few left the panel.

Written with bulk inserts (a few statements per table), so `flask --app portal demo` stays quick.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from demo.links import DemoLinks
from demo.responses import QUESTION_COLUMNS, generate_responses
from portal.core.mail import SURVEY_LINK_REMOVED
from portal.models import (
    Invitation,
    MailStatus,
    OutboundMail,
    PanelMember,
    PanelOptOut,
    PopulationEstimate,
    Response,
    Wave,
)
from portal.survey import opt_out
from portal.survey.drafts import new_token, token_hash
from portal.survey.panel import invitation_message, unsubscribe_headers

PANEL_SIZE = 2000
ANSWER_BEFORE_REMINDER = 0.22  # share of members who answer the invitation
ANSWER_AFTER_REMINDER = 0.12  # share of the reminded who then answer
LEAVE = 0.02  # share who use the "stop inviting me" link
REMINDER_AFTER = timedelta(days=14)
LEAVE_SLOT = "\x00leave\x00"
NO_AGE_BAND = 0.1  # share of members whose panel record gives no age band


@dataclass(frozen=True)
class DemoSite:
    """Where the demo's links point and the keys that sign them (the config's, so they work in the
    app it belongs to)."""

    links: DemoLinks
    keys: opt_out.Keys

    @classmethod
    def from_config(cls, config) -> DemoSite:
        return cls(DemoLinks.from_config(config), opt_out.Keys.from_config(config))

    def leave_url(self, member_id: int, email: str) -> str:
        member = PanelMember(id=member_id, email=email)
        return self.links("survey.leave_panel", token=opt_out.leave_token(member, self.keys))


@dataclass
class Member:
    id: int
    email: str
    neighbourhood_id: int
    answered_at: datetime | None = None
    reminded: bool = False
    left_at: datetime | None = None


def _sizes(session: Session, places: dict, total: int) -> dict[str, int]:
    """Members per neighbourhood in proportion to its population (largest remainders)."""
    population = dict(session.execute(
        select(PopulationEstimate.neighbourhood_id, func.sum(PopulationEstimate.population))
        .where(PopulationEstimate.variable == "sex").group_by(PopulationEstimate.neighbourhood_id)).all())
    weights = {slug: population.get(place.id, 1) for slug, place in places.items()}
    whole = sum(weights.values())
    shares = {slug: total * w / whole for slug, w in weights.items()}
    sizes = {slug: int(share) for slug, share in shares.items()}
    for slug in sorted(shares, key=lambda s: sizes[s] - shares[s])[:total - sum(sizes.values())]:
        sizes[slug] += 1
    return sizes


def _age_bands(session: Session) -> dict[str, int]:
    """{age band: population} over the area, the weights members' bands are drawn with."""
    return dict(session.execute(
        select(PopulationEstimate.category, func.sum(PopulationEstimate.population))
        .where(PopulationEstimate.variable == "age_band").group_by(PopulationEstimate.category)
        .order_by(PopulationEstimate.category)).all())


def _add_members(session: Session, wave: Wave, places: dict, now: datetime, rng) -> list[Member]:
    rows: list[dict[str, object]] = []
    bands = _age_bands(session)
    band_rng = random.Random(f"age-bands-{wave.slug}")  # its own stream: the other draws stay as they were
    for slug, size in sorted(_sizes(session, places, PANEL_SIZE).items()):
        for _ in range(size):
            n = len(rows) + 1
            year = rng.choices(range(now.year - 6, now.year), weights=(1, 2, 2, 3, 3, 4))[0]
            band = (band_rng.choices(list(bands), weights=list(bands.values()))[0]
                    if bands and band_rng.random() >= NO_AGE_BAND else None)
            rows.append({"wave_id": wave.id, "external_id": f"VB{n:05d}", "age_band": band,
                         "email": f"panel.member{n:05d}@example.org", "neighbourhood_id": places[slug].id,
                         "recruited_on": datetime(year, rng.randint(1, 12), rng.randint(1, 28)).date(),
                         "created_at": datetime.combine(wave.opens_on, time(9), tzinfo=UTC)})
    session.execute(insert(PanelMember), rows)
    found = session.execute(select(PanelMember.id, PanelMember.email, PanelMember.neighbourhood_id)
                            .where(PanelMember.wave_id == wave.id).order_by(PanelMember.id))
    return [Member(*row) for row in found]


def _outcomes(members: list[Member], invited: datetime, reminded: datetime, now: datetime, rng) -> None:
    """Who answered when, who was reminded, who left; every time before `now`."""
    def between(start: datetime, end: datetime) -> datetime:
        return start + timedelta(seconds=rng.randint(3600, max(3601, int((end - start).total_seconds()))))

    for member in members:
        roll = rng.random()
        if roll < ANSWER_BEFORE_REMINDER:
            member.answered_at = between(invited, reminded)
        elif roll < ANSWER_BEFORE_REMINDER + LEAVE / 2:
            member.left_at = between(invited, reminded)
        else:
            member.reminded = True
            later = rng.random()
            if later < ANSWER_AFTER_REMINDER:
                member.answered_at = between(reminded, now)
            elif later < ANSWER_AFTER_REMINDER + LEAVE / 2:
                member.left_at = between(reminded, now)


def _mail(site: DemoSite, wave: Wave, members: list[Member], invited: datetime,
          reminded: datetime) -> list[dict]:
    """The outbox as it stands after sending: survey links removed, "stop inviting me" links kept."""
    rows = []
    for reminder, at in ((False, invited), (True, reminded)):
        subject, body = invitation_message(wave, SURVEY_LINK_REMOVED, LEAVE_SLOT, reminder=reminder)
        for member in members:
            if reminder and not member.reminded:
                continue
            leave = site.leave_url(member.id, member.email)
            rows.append({"created_at": at, "recipient": member.email, "subject": subject,
                         "body": body.replace(LEAVE_SLOT, leave), "status": MailStatus.SENT, "sent_at": at,
                         "error": "", "headers": unsubscribe_headers(leave)})
    return rows


def _responses(session: Session, wave: Wave, members: list[Member], places: dict, seed: int) -> int:
    """One online response per member who answered, in the member's neighbourhood, unlinked."""
    slugs = {place.id: slug for slug, place in places.items()}
    answered = [m for m in members if m.answered_at is not None]
    records: list[dict[str, object]] = []
    for place_id in sorted({m.neighbourhood_id for m in answered}):
        here = sorted(m.answered_at for m in answered
                      if m.answered_at is not None and m.neighbourhood_id == place_id)
        frame = generate_responses(len(here), seed=seed + place_id, wave="2010-11",
                                             neighbourhoods=[slugs[place_id]])
        for row, at in zip(frame.to_dict("records"), rng_order(here, seed + place_id), strict=True):
            answers = {c: v for c, v in row.items() if c in QUESTION_COLUMNS and isinstance(v, str)
                       and v}
            answers["neighbourhood"] = slugs[place_id]
            records.append({"uid": f"demo-{wave.slug}-{place_id}-{len(records):05d}", "wave_id": wave.id,
                            "neighbourhood_id": place_id, "mode": "online", "submitted_at": at,
                            "answers": answers})
    if records:
        session.execute(insert(Response), records)
    return len(records)


def rng_order(times: list[datetime], seed: int) -> list[datetime]:
    """The submission times shuffled, so a response's order says nothing about who sent it."""
    shuffled = list(times)
    random.Random(seed).shuffle(shuffled)
    return shuffled


def seed_panel(session: Session, wave: Wave, places: dict, config, seed: int,
               now: datetime) -> dict[str, int]:
    """Add the open wave's panel unless it has one; returns what was added by kind. `config`
    (SECRET_KEY, PANEL_ADDRESS_KEY, PUBLIC_BASE_URL) signs and places the links."""
    if session.scalar(select(func.count()).where(PanelMember.wave_id == wave.id)):
        return {}
    site = DemoSite.from_config(config)
    rng = random.Random(seed)
    invited = datetime.combine(wave.opens_on, time(10), tzinfo=UTC)
    reminded = min(invited + REMINDER_AFTER, now - timedelta(days=1))
    members = _add_members(session, wave, places, now, rng)
    _outcomes(members, invited, reminded, now, rng)
    session.execute(insert(Invitation), [
        {"panel_member_id": m.id, "token_hash": token_hash(new_token()), "sent_at": invited,
         "reminded_at": reminded if m.reminded else None, "used_at": m.answered_at} for m in members])
    mail = _mail(site, wave, members, invited, reminded)
    session.execute(insert(OutboundMail), mail)
    left = [m for m in members if m.left_at is not None]
    if left:
        session.execute(insert(PanelOptOut), [
            {"address_hash": opt_out.address_hash(m.email, site.keys.address), "opted_out_at": m.left_at,
             "reason": "stop_inviting_link"} for m in left])
        for member in left:  # a few dozen rows: one UPDATE each
            assert member.left_at is not None  # `left` holds only the members who left
            opt_out.end_memberships(session, member.email, member.left_at)
    responses = _responses(session, wave, members, places, seed)
    return {"panel member": len(members), "panel e-mail": len(mail), "panel opt-out": len(left),
            "survey response": responses}

