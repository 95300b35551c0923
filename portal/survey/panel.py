"""The Voicebox panel of a wave: upload members, send single-use invitations, list non-responders.

Identities stay apart from answers: an invitation records only *whether* it was used, and the
response it produced has no link back to it. Raw invitation tokens exist only in the e-mail; the
database keeps their sha256, so a reminder has to carry a new token (the earlier link stops working).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext, ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import surveys
from analysis.formatting import plural
from analysis.margins import NOT_GIVEN
from portal.core.clock import utcnow
from portal.core.csv_files import csv_problem
from portal.core.filters import local_day
from portal.core.languages import describe, english_name, with_language, writing_in
from portal.core.mail import queue_mail
from portal.core.refusals import Refusal
from portal.models import Invitation, Neighbourhood, PanelMember, Wave
from portal.survey import opt_out
from portal.survey.drafts import new_token, token_hash
from portal.survey.queries import invitable, non_responders
from portal.survey.waves import frozen_questionnaire

MAX_PANEL_BYTES = 2 * 1024 * 1024
MAX_PANEL_ROWS = 20000
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")
PANEL_COLUMNS = ("id", "email", "neighbourhood")
AGE_BAND = "age_band"  # the optional column, and the questionnaire question whose bands it holds
LANGUAGE = "language"  # the optional column: the code of the language the member is written to in


@dataclass(frozen=True)
class PanelRow:
    external_id: str
    email: str
    neighbourhood_slug: str
    row: int = 0  # the spreadsheet row (header = 1)
    age_band: str | None = None  # a band code; None: not in the file, or left blank
    language: str | None = None  # a code of LANGUAGES; None: not in the file, or blank (the default)


@dataclass(frozen=True)
class PanelProblem:
    row: int | None
    column: str | None
    message: str


def age_bands(questionnaire: surveys.Questionnaire) -> dict[str, str]:
    """{code: label} of the questionnaire's age bands, as the weighting rakes to them ('Prefer not
    to say' is not a band); empty when the questionnaire asks no age band."""
    try:
        labels = surveys.option_labels(questionnaire, AGE_BAND)
    except KeyError:
        return {}
    return {code: label for code, label in labels.items() if code not in NOT_GIVEN}


def parse_panel_csv(data: bytes, neighbourhoods: dict[str, str], bands: dict[str, str] | None = None,
                    languages: Collection[str] = ("en",)) -> tuple[list[PanelRow], list[PanelProblem]]:
    """Read ``id,email,neighbourhood`` rows (neighbourhood as slug or name), with an optional
    ``age_band`` column (a code or label of ``bands``, `age_bands`; blank: not known) and an optional
    ``language`` column (one of ``languages``, the app's LANGUAGES; blank: the default). All or
    nothing: either rows and no problems, or problems with spreadsheet row numbers (header = 1)."""
    records, problem = _panel_records(data)
    if problem is not None:
        return [], [problem]
    header = [cell.strip().lower() for cell in records[0]]
    missing = [name for name in PANEL_COLUMNS if name not in header]
    if missing:
        return [], [PanelProblem(1, name, f"Column '{name}' is missing; the header must be "
                                 "id,email,neighbourhood (and age_band and language if you have them)")
                        for name in missing]
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
        band, wrong = _age_band(number, cells.get(AGE_BAND, ""), bands or {})
        language, unknown = _language(number, cells.get(LANGUAGE, ""), languages)
        rows.append(replace(row, age_band=band, language=language))
        problems.extend(found + wrong + unknown)
    return ([], problems) if problems else (rows, [])


def _age_band(number: int, value: str, bands: dict[str, str]) -> tuple[str | None, list[PanelProblem]]:
    """The band code of a cell (code or label, any case; blank: None), or the problem with it."""
    if not value:
        return None, []
    by_word = {word.lower(): code for code, label in bands.items() for word in (code, label)}
    code = by_word.get(value.lower())
    if code is not None:
        return code, []
    if not bands:
        return None, [PanelProblem(number, AGE_BAND, f"'{value}' cannot be kept: this wave's "
                                   "questionnaire asks no age band, so leave the column blank")]
    return None, [PanelProblem(number, AGE_BAND, f"'{value}' is not one of the questionnaire's age "
                               f"bands: use one of {', '.join(bands.values())} (or leave it blank)")]


def _language(number: int, value: str, languages: Collection[str]) -> tuple[str | None, list[PanelProblem]]:
    """The language code of a cell (a code of ``languages``, or its name in English or in itself,
    any case; blank: None), or the problem with it."""
    if not value:
        return None, []
    by_word = {word.lower(): code for code in languages
               for word in (code, english_name(code), describe(code).name)}
    code = by_word.get(value.lower())
    if code is not None:
        return code, []
    offered = ", ".join(f"{code} ({english_name(code)})" for code in languages)
    return None, [PanelProblem(number, LANGUAGE, f"'{value}' is not one of the site's languages: use "
                               f"one of {offered} (or leave it blank for the default)")]


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
        return [], PanelProblem(None, None, f"The file cannot be read: {csv_problem(error)}")
    if not records:
        return [], PanelProblem(None, None, "The file is empty")
    return records, None


def _panel_row(number: int, cells: dict[str, str], neighbourhoods: dict[str, str],
               by_name: dict[str, str], seen: dict[str, int]) -> tuple[PanelRow, list[PanelProblem]]:
    """One member's row and its problems (`seen` records each panel id's and address's first row)."""
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
    else:
        problems.extend(_twice_in_file(number, email, seen))
    slug = place if place in neighbourhoods else by_name.get(place.lower())
    if slug is None:
        problems.append(PanelProblem(number, "neighbourhood", f"'{place}' is not one of the "
                                     "neighbourhoods"))
    return PanelRow(external_id, email, slug or "", number), problems


def _twice_in_file(number: int, email: str, seen: dict[str, int]) -> list[PanelProblem]:
    """An address may be invited once per wave: a second row with it is a problem."""
    key = "email:" + opt_out.normalised(email)
    if key in seen:
        return [PanelProblem(number, "email", f"{email} is also in row {seen[key]}: an address "
                             "can be invited once to a wave")]
    seen[key] = number
    return []


class PanelUploadRefused(Refusal):
    """A panel file that would invite someone twice to the wave; ``problems`` names the rows."""

    def __init__(self, problems: list[PanelProblem]) -> None:
        super().__init__(f"Nothing was added: {plural(len(problems), 'row')} would invite someone "
                         "already on this wave's panel.")
        self.problems = problems


@dataclass(frozen=True)
class PanelAdded:
    """What an upload did: members added, and addresses skipped because they left the panel."""

    added: int
    left_panel: int

    def message(self) -> str:
        text = f"Added {plural(self.added, 'panel member')}."
        if self.left_panel:
            were = "address left" if self.left_panel == 1 else "addresses left"
            text += (f" {self.left_panel:,} {were} the panel and {'was' if self.left_panel == 1 else 'were'}"
                     " not added: they asked not to be invited again.")
        return text


def _already_on_wave(session: Session, wave: Wave, rows: list[PanelRow]) -> list[PanelProblem]:
    """Rows whose panel id or address is already on the wave's panel."""
    on_wave = session.execute(select(PanelMember.external_id, func.lower(PanelMember.email))
                              .where(PanelMember.wave_id == wave.id)).all()
    ids = {external_id for external_id, _ in on_wave}
    emails = {email: external_id for external_id, email in on_wave if email}
    problems = []
    for row in rows:
        if row.external_id in ids:
            problems.append(PanelProblem(row.row, "id", f"Panel id {row.external_id} is already on "
                                         "this wave's panel"))
        if opt_out.normalised(row.email) in emails:
            problems.append(PanelProblem(row.row, "email", f"{row.email} is already on this wave's "
                                         f"panel (panel id {emails[opt_out.normalised(row.email)]})"))
    return problems


def add_panel_members(session: Session, wave: Wave, rows: list[PanelRow], address_key: str) -> PanelAdded:
    """Add the file's members to the wave's panel, all or nothing: PanelUploadRefused naming the
    rows when an id or address is already on it. Addresses that left the panel are skipped (and
    counted): they are never invited again."""
    left = opt_out.left_addresses(session, [row.email for row in rows], address_key)
    rows = [row for row in rows if opt_out.normalised(row.email) not in left]
    problems = _already_on_wave(session, wave, rows)
    if problems:
        raise PanelUploadRefused(problems)
    ids = {slug: id_ for slug, id_ in session.execute(select(Neighbourhood.slug, Neighbourhood.id))}
    session.add_all(PanelMember(wave_id=wave.id, external_id=row.external_id, email=row.email,
                                neighbourhood_id=ids[row.neighbourhood_slug], age_band=row.age_band,
                                language=row.language)
                    for row in rows)
    session.flush()
    return PanelAdded(added=len(rows), left_panel=len(left))


InvitationLink = Callable[[str], str]  # token -> absolute URL of the invitation page
LeaveLink = Callable[[PanelMember], str]  # member -> absolute "stop inviting me" URL


def invitation_message(wave: Wave, link: str, leave: str, reminder: bool) -> tuple[str, str]:
    """(subject, body) of an invitation or reminder in the current locale (`_queue_invitation`
    writes each in the member's language). The wave's name is staff's and goes as written."""
    name = wave.name
    if reminder:
        subject = gettext("Reminder: %(wave)s survey", wave=name)
        opening = gettext("We have not yet had your answers to this community safety survey: %(wave)s.",
                          wave=name)
    else:
        subject = gettext("Your invitation: %(wave)s survey", wave=name)
        opening = gettext("You are invited to answer this community safety survey: %(wave)s.", wave=name)
    minutes = frozen_questionnaire(wave.questionnaire).estimated_minutes
    lines = [
        opening, "",
        gettext("Use this link to take part. It is for you only and works once:"), link, "",
        gettext("The survey closes on %(day)s. It takes about %(minutes)s.", day=local_day(wave.closes_on),
                minutes=ngettext("%(num)s minute", "%(num)s minutes", minutes)), "",
        gettext("Your answers are kept separately from your name and email address, and are only ever "
                "reported as statistics."),
    ]
    if reminder:
        lines += ["", gettext("This link replaces the one we sent before.")]
    lines += ["", gettext("Taking part is voluntary. To stop all invitations from the Voicebox panel, open "
                          "this link and press the button on the page:"), leave]
    return subject, "\n".join(lines) + "\n"


def _queue_invitation(session: Session, wave: Wave, member: PanelMember, link: str, leave: str,
                      reminder: bool) -> None:
    """Queue one invitation or reminder in the member's language, its links opening the pages in it."""
    with writing_in(member.language):
        leave = with_language(leave, member.language)
        subject, body = invitation_message(wave, with_language(link, member.language), leave, reminder)
    queue_mail(session, member.email, subject, body, headers=unsubscribe_headers(leave))


def unsubscribe_headers(leave: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail programs offer it and POST to the same page."""
    return {"List-Unsubscribe": f"<{leave}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def send_invitations(session: Session, wave: Wave, link_for: InvitationLink,
                     now: datetime | None = None, limit: int | None = None,
                     leave_link: LeaveLink | None = None) -> int:
    """Invite panel members who have no invitation yet (at most ``limit``, by id); returns how
    many were queued. Members already invited or who left the panel are skipped, so calling it
    again is safe. Each message carries the member's "stop inviting me" link, and is written in the
    member's language (`PanelMember.language`; None: English)."""
    now = now or utcnow()
    leave_link = leave_link or opt_out.leave_link
    members = session.scalars(select(PanelMember).outerjoin(Invitation)
                              .where(PanelMember.wave_id == wave.id, Invitation.id.is_(None), invitable())
                              .order_by(PanelMember.id).limit(limit)).all()
    for member in members:
        token = new_token()
        session.add(Invitation(panel_member_id=member.id, token_hash=token_hash(token), sent_at=now))
        _queue_invitation(session, wave, member, link_for(token), leave_link(member), reminder=False)
    session.flush()
    return len(members)


def send_reminders(session: Session, wave: Wave, link_for: InvitationLink,
                   now: datetime | None = None, limit: int | None = None,
                   leave_link: LeaveLink | None = None,
                   neighbourhood_ids: Collection[int] | None = None,
                   age_bands: Collection[str] | None = None) -> int:
    """Remind non-responders not yet reminded at ``now`` (one reminder round) with a fresh
    single-use link, at most ``limit`` of them; returns how many were queued. Calling it again
    with the same ``now`` carries the round on without reminding anyone twice. Members who left
    the panel are never reminded. ``neighbourhood_ids`` limits the round to members living there
    (the fieldwork monitor's targeted reminders); None reminds every neighbourhood. ``age_bands``
    (if any) limits it to members of those bands, leaving out those whose band is not known."""
    now = now or utcnow()
    leave_link = leave_link or opt_out.leave_link
    # non_responders joins each member's invitation, so none is None.
    members = [(m, m.invitation) for m in non_responders(session, wave, neighbourhood_ids, age_bands)
               if m.invitation is not None and m.invitation.reminded_at != now][:limit]
    for member, invitation in members:
        token = new_token()
        invitation.token_hash = token_hash(token)
        invitation.reminded_at = now
        _queue_invitation(session, wave, member, link_for(token), leave_link(member), reminder=True)
    session.flush()
    return len(members)


