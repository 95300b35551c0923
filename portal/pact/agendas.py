"""A PACT meeting's agenda and papers, and the Service Charter's standard for them: "agendas and
papers published at least 5 working days before the meeting" (appendix 5 of the plan).

The coordinator writes the agenda, attaches PDF papers (checked by their content, capped in size
and number by settings) and publishes it with one action; published, it shows on the public
neighbourhood page and its papers download from a public address. Papers are kept in the database
(as report PDFs are), so every app server serves them. Functions work in the caller's transaction.

`agenda_outcome` judges one meeting against the standard; `agenda_standard` counts a period's
meetings per neighbourhood, as of min(end, now) like `portal.pact.metrics`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.formatting import day
from portal.core import audit
from portal.core.clock import local_day, utcnow
from portal.core.refusals import Refusal
from portal.core.working_days import working_days_before, working_days_between
from portal.models import (
    AgendaOutcome,
    Meeting,
    MeetingPaper,
    MeetingPaperContent,
    MeetingStatus,
    Neighbourhood,
    StaffUser,
)

PUBLISH_AHEAD = 5  # working days, Service Charter
AGENDA_MAX = 10000
PAPER_MAX_MB = 5  # default of the setting MEETING_PAPER_MAX_MB
PAPERS_MAX = 10  # default of the setting MEETING_PAPERS_MAX
PAPER_MB_CEILING = 20  # the setting may not go above this: the upload view's request cap
FILENAME_STEM_MAX = 80
PDF_MAGIC = b"%PDF-"
PDF_END = b"%%EOF"
MEGABYTE = 1024 * 1024


class AgendaError(Refusal):
    """An agenda or paper action that cannot be done; the message says why."""


# --------------------------------------------------------------------------- papers


def safe_filename(name: str) -> str:
    """The uploader's filename made safe to store, show and send in a header: the last path part,
    letters (accents dropped), digits, dot, dash and underscore only, ending in .pdf."""
    base = re.split(r"[\\/]", name or "")[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem = ascii_name[:-4] if ascii_name.lower().endswith(".pdf") else ascii_name
    stem = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._-]+", "-", stem))
    stem = stem.strip(".-_")[:FILENAME_STEM_MAX].strip(".-_")
    return f"{stem or 'paper'}.pdf"


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB"


def check_pdf(filename: str, data: bytes, max_bytes: int) -> None:
    """Refuse anything that is not a whole PDF of at most `max_bytes`: judged by the content (it must
    start with %PDF- and end with %%EOF), not only by the name."""
    shown = safe_filename(filename)
    if not data:
        raise AgendaError(f"{shown} is empty: choose the PDF file again.")
    if len(data) > max_bytes:
        raise AgendaError(f"{shown} is {_megabytes(len(data))}: a paper can be at most "
                          f"{_megabytes(max_bytes)}. Make it smaller (for example, save it as PDF with "
                          "smaller images) or split it.")
    if not (filename or "").lower().endswith(".pdf"):
        raise AgendaError(f"{shown[:-4]} is not a PDF: papers must be PDF files ending in .pdf.")
    if not data.startswith(PDF_MAGIC):
        raise AgendaError(f"{shown} is not a PDF file (its content is not PDF, whatever its name). "
                          "Save or export it as PDF and upload that.")
    if PDF_END not in data[-1024:]:
        raise AgendaError(f"{shown} is not a complete PDF (its end is missing): it may have been cut "
                          "short. Upload it again.")


def _before_meeting(meeting: Meeting, now: datetime, action: str) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise AgendaError("This meeting was cancelled.")
    if meeting.starts_at <= now:
        raise AgendaError(f"The meeting has started: papers can be {action} only before it.")


def add_paper(session: Session, meeting: Meeting, filename: str, data: bytes, actor: StaffUser,
              max_bytes: int = PAPER_MAX_MB * MEGABYTE, max_count: int = PAPERS_MAX,
              now: datetime | None = None) -> MeetingPaper:
    _before_meeting(meeting, now or utcnow(), "added")
    if len(meeting.papers) >= max_count:
        raise AgendaError(f"This meeting already has {max_count} papers, the most it can have: remove "
                          "one before adding another.")
    check_pdf(filename, data, max_bytes)
    paper = MeetingPaper(meeting=meeting, filename=safe_filename(filename), size=len(data),
                         checksum=hashlib.sha256(data).hexdigest(), uploaded_at=now or utcnow(),
                         uploaded_by_id=actor.id)
    paper.content = MeetingPaperContent(data=data)
    session.add(paper)
    session.flush()
    audit.record(session, "pact_meeting_paper_added", "pact_meeting", meeting.id, actor=actor,
                 paper=paper.id, filename=paper.filename, size=paper.size)
    return paper


def remove_paper(session: Session, paper: MeetingPaper, actor: StaffUser,
                 now: datetime | None = None) -> None:
    _before_meeting(paper.meeting, now or utcnow(), "removed")
    meeting = paper.meeting
    meeting.papers.remove(paper)
    session.flush()
    audit.record(session, "pact_meeting_paper_removed", "pact_meeting", meeting.id, actor=actor,
                 paper=paper.id, filename=paper.filename)


def paper_of(session: Session, meeting_id: int, paper_id: int) -> MeetingPaper | None:
    return session.scalar(select(MeetingPaper).where(MeetingPaper.id == paper_id,
                                                     MeetingPaper.meeting_id == meeting_id))


def paper_bytes(session: Session, paper: MeetingPaper) -> bytes:
    return session.scalars(select(MeetingPaperContent.data)
                           .where(MeetingPaperContent.paper_id == paper.id)).one()


def public_paper(session: Session, slug: str, meeting_id: int, paper_id: int) -> MeetingPaper | None:
    """The paper, only if its meeting is in neighbourhood `slug` and its agenda is published."""
    return session.scalar(
        select(MeetingPaper).join(Meeting, MeetingPaper.meeting_id == Meeting.id)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .where(MeetingPaper.id == paper_id, Meeting.id == meeting_id, Neighbourhood.slug == slug,
               Meeting.agenda_published_at.is_not(None), Meeting.status != MeetingStatus.CANCELLED))


# --------------------------------------------------------------------------- the agenda


def save_agenda(session: Session, meeting: Meeting, text: str, actor: StaffUser) -> Meeting:
    text = (text or "").strip()
    if meeting.status == MeetingStatus.CANCELLED:
        raise AgendaError("This meeting was cancelled.")
    if len(text) > AGENDA_MAX:
        raise AgendaError(f"The agenda is too long: at most {AGENDA_MAX:,} characters.")
    if not text and meeting.agenda_published_at is not None:
        raise AgendaError("The agenda is published: withdraw it before emptying it.")
    meeting.agenda = text
    audit.record(session, "pact_agenda_saved", "pact_meeting", meeting.id, actor=actor,
                 published=meeting.agenda_published_at is not None)
    return meeting


def publish_agenda(session: Session, meeting: Meeting, actor: StaffUser,
                   now: datetime | None = None) -> Meeting:
    """Publish the agenda and its papers on the neighbourhood page, recording when (the standard is
    measured from this moment)."""
    now = now or utcnow()
    if meeting.status == MeetingStatus.CANCELLED:
        raise AgendaError("This meeting was cancelled.")
    if meeting.agenda_published_at is not None:
        published_on = day(local_day(meeting.agenda_published_at))
        raise AgendaError(f"The agenda was already published on {published_on}.")
    if not meeting.agenda.strip():
        raise AgendaError("Write the agenda before publishing it.")
    meeting.agenda_published_at = now
    audit.record(session, "pact_agenda_published", "pact_meeting", meeting.id, actor=actor,
                 published_at=now.isoformat(), outcome=str(agenda_outcome(meeting.starts_at, now, now)))
    return meeting


def withdraw_agenda(session: Session, meeting: Meeting, actor: StaffUser) -> Meeting:
    """Take the agenda and papers off the public page (a mistake in them); publishing again counts
    from the new moment."""
    if meeting.agenda_published_at is None:
        raise AgendaError("The agenda is not published.")
    audit.record(session, "pact_agenda_withdrawn", "pact_meeting", meeting.id, actor=actor,
                 was_published_at=meeting.agenda_published_at.isoformat())
    meeting.agenda_published_at = None
    return meeting


# --------------------------------------------------------------------------- the standard


def publish_by(starts_at: datetime) -> date:
    """The last working day (in England) the agenda may be published to meet the standard."""
    return working_days_before(local_day(starts_at), PUBLISH_AHEAD)


def agenda_outcome(starts_at: datetime, published_at: datetime | None, as_of: datetime) -> AgendaOutcome:
    """One meeting against the standard as seen at `as_of`. The standard counts the working days
    after the day of publication up to and including the meeting's day (as the complaint clocks
    count from the day received): 5 or more is met. Not published: missed once publishing that day
    could no longer give 5, pending while it still just could (`publish_by`, or the weekend after
    it), not yet due before that. A publication after `as_of` is not seen."""
    meeting_day = local_day(starts_at)
    if published_at is not None and published_at <= as_of:
        ahead = working_days_between(local_day(published_at), meeting_day)
        return AgendaOutcome.MET if ahead >= PUBLISH_AHEAD else AgendaOutcome.MISSED
    left = working_days_between(local_day(as_of), meeting_day)
    if left < PUBLISH_AHEAD:
        return AgendaOutcome.MISSED
    return AgendaOutcome.PENDING if left == PUBLISH_AHEAD else AgendaOutcome.NOT_YET_DUE


@dataclass(frozen=True)
class MeetingRecord:
    neighbourhood: str  # slug
    starts_at: datetime
    published_at: datetime | None


@dataclass
class AgendaCounts:
    """Meetings of a period by outcome; the share's base is met + missed (decided meetings)."""

    outcomes: dict[AgendaOutcome, int] = field(default_factory=lambda: dict.fromkeys(AgendaOutcome, 0))

    @property
    def met(self) -> int:
        return self.outcomes[AgendaOutcome.MET]

    @property
    def missed(self) -> int:
        return self.outcomes[AgendaOutcome.MISSED]

    @property
    def base(self) -> int:
        return self.met + self.missed

    @property
    def share(self) -> float | None:
        return self.met / self.base if self.base else None

    @property
    def undecided(self) -> int:
        return self.outcomes[AgendaOutcome.PENDING] + self.outcomes[AgendaOutcome.NOT_YET_DUE]


@dataclass
class AgendaStandard:
    overall: AgendaCounts
    by_neighbourhood: dict[str, AgendaCounts]


def agenda_standard(meetings: Iterable[MeetingRecord], start: datetime, end: datetime, now: datetime,
                    neighbourhoods: Iterable[str] = ()) -> AgendaStandard:
    """The standard over the meetings starting in [start, end) (cancelled ones are not passed in),
    as seen at min(end, now); `neighbourhoods` are reported even with no meetings."""
    as_of = min(end, now)
    result = AgendaStandard(AgendaCounts(), {slug: AgendaCounts() for slug in neighbourhoods})
    for m in meetings:
        if not start <= m.starts_at < end:
            continue
        outcome = agenda_outcome(m.starts_at, m.published_at, as_of)
        result.overall.outcomes[outcome] += 1
        result.by_neighbourhood.setdefault(m.neighbourhood, AgendaCounts()).outcomes[outcome] += 1
    return result


def load_meeting_records(session: Session, neighbourhood_ids: Iterable[int]) -> list[MeetingRecord]:
    """Every meeting not cancelled in these neighbourhoods, as plain records for `agenda_standard`."""
    rows = session.execute(
        select(Neighbourhood.slug, Meeting.starts_at, Meeting.agenda_published_at)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .where(Meeting.neighbourhood_id.in_(list(neighbourhood_ids)),
               Meeting.status != MeetingStatus.CANCELLED).order_by(Meeting.starts_at))
    return [MeetingRecord(*row) for row in rows]


def paper_counts(session: Session, meeting_ids: list[int]) -> dict[int, int]:
    """How many papers each meeting has (for lists, without loading the papers)."""
    if not meeting_ids:
        return {}
    rows = session.execute(select(MeetingPaper.meeting_id, func.count()).where(
        MeetingPaper.meeting_id.in_(meeting_ids)).group_by(MeetingPaper.meeting_id))
    return {meeting_id: int(n) for meeting_id, n in rows}
