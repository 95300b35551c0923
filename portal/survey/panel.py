"""The Voicebox panel of a wave: upload members, send single-use invitations, list non-responders.

Identities stay apart from answers: an invitation records only *whether* it was used, and the
response it produced has no link back to it. Raw invitation tokens exist only in the e-mail; the
database keeps their sha256, so a reminder has to carry a new token (the earlier link stops working).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from analysis.formatting import day, plural
from portal.mail import queue_mail
from portal.models import Invitation, Neighbourhood, PanelMember, Wave, utcnow
from portal.survey.drafts import new_token, token_hash
from portal.survey.waves import frozen_questionnaire

MAX_PANEL_BYTES = 2 * 1024 * 1024
MAX_PANEL_ROWS = 20000
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")
PANEL_COLUMNS = ("id", "email", "neighbourhood")


@dataclass(frozen=True)
class PanelRow:
    external_id: str
    email: str
    neighbourhood_slug: str


@dataclass(frozen=True)
class PanelProblem:
    row: int | None
    column: str | None
    message: str


def parse_panel_csv(data: bytes, neighbourhoods: dict[str, str]) -> tuple[list[PanelRow], list[PanelProblem]]:
    """Read ``id,email,neighbourhood`` rows (neighbourhood as slug or name). All or nothing: either
    rows and no problems, or problems with spreadsheet row numbers (header = 1)."""
    records, problem = _panel_records(data)
    if problem is not None:
        return [], [problem]
    header = [cell.strip().lower() for cell in records[0]]
    missing = [name for name in PANEL_COLUMNS if name not in header]
    if missing:
        return [], [PanelProblem(1, name, f"Column '{name}' is missing; the header must be "
                                 "id,email,neighbourhood") for name in missing]
    body = [(n, r) for n, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)]
    if len(body) > MAX_PANEL_ROWS:
        return [], [PanelProblem(None, None, f"The file has {len(body):,} rows; the limit is "
                                 f"{MAX_PANEL_ROWS:,}")]
    if not body:
        return [], [PanelProblem(None, None, "The file has a header row but no panel members")]
    by_name = {name.lower(): slug for slug, name in neighbourhoods.items()}
    rows: list[PanelRow] = []
    problems: list[PanelProblem] = []
    seen: dict[str, int] = {}
    for number, record in body:
        cells = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)}
        row, found = _panel_row(number, cells, neighbourhoods, by_name, seen)
        rows.append(row)
        problems.extend(found)
    return ([], problems) if problems else (rows, [])


def _panel_records(data: bytes) -> tuple[list[list[str]], PanelProblem | None]:
    """The file's CSV records, or the one problem that stops it being read at all."""
    if len(data) > MAX_PANEL_BYTES:
        return [], PanelProblem(None, None, "The file is larger than 2 MB; split it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], PanelProblem(None, None, "The file is not UTF-8 text: save it as 'CSV UTF-8'")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        return [], PanelProblem(None, None, f"The file is not valid CSV: {error}")
    if not records:
        return [], PanelProblem(None, None, "The file is empty")
    return records, None


def _panel_row(number: int, cells: dict[str, str], neighbourhoods: dict[str, str],
               by_name: dict[str, str], seen: dict[str, int]) -> tuple[PanelRow, list[PanelProblem]]:
    """One member's row and its problems (`seen` records each panel id's first row)."""
    external_id, email, place = cells["id"], cells["email"], cells["neighbourhood"]
    problems = []
    if not EXTERNAL_ID.match(external_id):
        problems.append(PanelProblem(number, "id", f"'{external_id}' is not a panel id: use up to "
                                     "60 letters, digits and - _ ."))
    elif external_id in seen:
        problems.append(PanelProblem(number, "id", f"Panel id {external_id} is also in row "
                                     f"{seen[external_id]}"))
    else:
        seen[external_id] = number
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        problems.append(PanelProblem(number, "email", f"'{email}' is not an email address"))
    slug = place if place in neighbourhoods else by_name.get(place.lower())
    if slug is None:
        problems.append(PanelProblem(number, "neighbourhood", f"'{place}' is not one of the "
                                     "neighbourhoods"))
    return PanelRow(external_id, email, slug or ""), problems


def add_panel_members(session: Session, wave: Wave, rows: list[PanelRow]) -> tuple[int, int]:
    """Add members not already on the wave's panel (matched by id); returns (added, already there)."""
    existing = set(session.scalars(select(PanelMember.external_id).where(PanelMember.wave_id == wave.id)))
    ids = {slug: id_ for slug, id_ in session.execute(select(Neighbourhood.slug, Neighbourhood.id))}
    added = 0
    for row in rows:
        if row.external_id in existing:
            continue
        session.add(PanelMember(wave_id=wave.id, external_id=row.external_id, email=row.email,
                                neighbourhood_id=ids[row.neighbourhood_slug]))
        existing.add(row.external_id)
        added += 1
    session.flush()
    return added, len(rows) - added


InvitationLink = Callable[[str], str]  # token -> absolute URL of the invitation page


def _message(wave: Wave, link: str, reminder: bool) -> tuple[str, str]:
    subject = (f"Reminder: {wave.name} survey" if reminder else f"Your invitation: {wave.name} survey")
    opening = ("We have not yet had your answers to" if reminder else "You are invited to answer")
    minutes = frozen_questionnaire(wave.questionnaire).estimated_minutes
    body = (
        f"{opening} the {wave.name} community safety survey.\n\n"
        f"Use this link to take part. It is for you only and works once:\n{link}\n\n"
        f"The survey closes on {day(wave.closes_on)}. It takes about {plural(minutes, 'minute')}.\n\n"
        "Your answers are kept separately from your name and email address, and are only ever "
        "reported as statistics.\n"
    )
    if reminder:
        body += "\nThis link replaces the one we sent before.\n"
    return subject, body


def send_invitations(session: Session, wave: Wave, link_for: InvitationLink,
                     now: datetime | None = None, limit: int | None = None) -> int:
    """Invite panel members who have no invitation yet (at most ``limit``, by id); returns how
    many were queued. Members already invited are skipped, so calling it again is safe."""
    now = now or utcnow()
    members = session.scalars(select(PanelMember).outerjoin(Invitation)
                              .where(PanelMember.wave_id == wave.id, Invitation.id.is_(None),
                                     PanelMember.email != "")
                              .order_by(PanelMember.id).limit(limit)).all()
    for member in members:
        token = new_token()
        session.add(Invitation(panel_member_id=member.id, token_hash=token_hash(token), sent_at=now))
        subject, body = _message(wave, link_for(token), reminder=False)
        queue_mail(session, member.email, subject, body)
    session.flush()
    return len(members)


def uninvited_count(session: Session, wave: Wave) -> int:
    """Members still to invite; an erased member (e-mail address removed) is never invited."""
    return session.scalar(select(func.count()).select_from(PanelMember).outerjoin(Invitation)
                          .where(PanelMember.wave_id == wave.id, Invitation.id.is_(None),
                                 PanelMember.email != ""))


def non_responders(session: Session, wave: Wave) -> list[PanelMember]:
    """Invited members whose invitation has not been used, by panel id."""
    return list(session.scalars(
        select(PanelMember).join(Invitation, Invitation.panel_member_id == PanelMember.id)
        .options(selectinload(PanelMember.invitation), selectinload(PanelMember.neighbourhood))
        .where(PanelMember.wave_id == wave.id, Invitation.used_at.is_(None))
        .order_by(PanelMember.external_id)))


def send_reminders(session: Session, wave: Wave, link_for: InvitationLink,
                   now: datetime | None = None, limit: int | None = None) -> int:
    """Remind non-responders not yet reminded at ``now`` (one reminder round) with a fresh
    single-use link, at most ``limit`` of them; returns how many were queued. Calling it again
    with the same ``now`` carries the round on without reminding anyone twice."""
    now = now or utcnow()
    members = [m for m in non_responders(session, wave)
               if m.email and m.invitation.reminded_at != now][:limit]
    for member in members:
        token = new_token()
        member.invitation.token_hash = token_hash(token)
        member.invitation.reminded_at = now
        subject, body = _message(wave, link_for(token), reminder=True)
        queue_mail(session, member.email, subject, body)
    session.flush()
    return len(members)


def panel_counts(session: Session, wave: Wave) -> dict[str, int]:
    """Members, invited and responded (invitations used) for the wave's panel."""
    members = session.scalars(select(PanelMember).options(selectinload(PanelMember.invitation))
                              .where(PanelMember.wave_id == wave.id)).all()
    invited = [m for m in members if m.invitation is not None]
    return {"members": len(members), "invited": len(invited),
            "responded": sum(1 for m in invited if m.invitation.used_at is not None)}


def invitation_for_token(session: Session, wave: Wave, token: str) -> Invitation | None:
    """The wave's invitation with this raw token, or None."""
    return session.scalar(select(Invitation).join(PanelMember).where(
        Invitation.token_hash == token_hash(token), PanelMember.wave_id == wave.id))
