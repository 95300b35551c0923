"""PACT: issues residents raise, their history, monthly meetings and the priorities agreed there.

Resident contact details live in `IssueContact`, apart from the issue, so no public query can reach
them by accident. Nothing here is ever hard-deleted by a coordinator: issues are closed or merged.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.models.area import Agency, Neighbourhood
from portal.models.base import Base, UTCDateTime
from portal.models.staff import StaffUser
from portal.models.statuses import (
    FollowUpAnswer,
    IssueChannel,
    IssueStatus,
    MeetingStatus,
    PriorityStatus,
    StoredEnum,
    one_of,
)


class PactIssue(Base):
    __tablename__ = "pact_issue"
    __table_args__ = (Index("ix_pact_issue_neighbourhood_status", "neighbourhood_id", "status"),
                      one_of("status", IssueStatus), one_of("followup_answer", FollowUpAnswer),
                      one_of("channel", IssueChannel))

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id"))
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    status: Mapped[IssueStatus] = mapped_column(StoredEnum(IssueStatus, 30), default=IssueStatus.SUBMITTED)
    public_reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("pact_issue.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # "Was it resolved?" (`portal.pact.follow_up`): when the question was e-mailed (set once, by the
    # run that claimed it) and the resident's one answer, with their optional comment (staff only).
    followup_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followup_answer: Mapped[FollowUpAnswer | None] = mapped_column(StoredEnum(FollowUpAnswer, 20))
    followup_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followup_comment: Mapped[str] = mapped_column(Text, default="")
    # The resident's description and location are private; the public sees this summary, written or
    # edited by a coordinator, once it is published (blank: nothing published).
    public_summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    summary_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[IssueChannel] = mapped_column(StoredEnum(IssueChannel, 20), default=IssueChannel.ONLINE,
                                                  server_default=IssueChannel.ONLINE.value)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # assisted digital

    neighbourhood: Mapped[Neighbourhood] = relationship()
    agency: Mapped[Agency | None] = relationship()
    recorded_by: Mapped[StaffUser | None] = relationship()
    duplicate_of: Mapped[PactIssue | None] = relationship(remote_side=[id])
    events: Mapped[list[IssueEvent]] = relationship(
        back_populates="issue", order_by="IssueEvent.at", cascade="all"
    )
    contact: Mapped[IssueContact | None] = relationship(back_populates="issue", uselist=False)


class IssueContact(Base):
    """How to reach the resident who raised an issue, only with their explicit consent."""

    __tablename__ = "issue_contact"

    issue_id: Mapped[int] = mapped_column(ForeignKey("pact_issue.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    consent_to_contact: Mapped[bool] = mapped_column(default=False)
    # A separate, optional consent: e-mail me some weeks after it is closed to ask whether it was resolved.
    consent_to_follow_up: Mapped[bool] = mapped_column(default=False)
    # The language of the page they gave their address on ("cy"), so the e-mails staff actions send
    # later are in it; None when not known (recorded by staff, or before it was kept): English.
    language: Mapped[str | None] = mapped_column(String(12))

    issue: Mapped[PactIssue] = relationship(back_populates="contact")


class IssueEvent(Base):
    """One change to an issue: who, when, what kind, from what to what; public or internal."""

    __tablename__ = "issue_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("pact_issue.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    kind: Mapped[str] = mapped_column(String(30))  # created, status, assigned, update, merged, ...
    from_value: Mapped[str] = mapped_column(String(200), default="")
    to_value: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=False)

    issue: Mapped[PactIssue] = relationship(back_populates="events")
    actor: Mapped[StaffUser | None] = relationship()


class Meeting(Base):
    __tablename__ = "pact_meeting"
    __table_args__ = (one_of("status", MeetingStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str] = mapped_column(String(200))
    status: Mapped[MeetingStatus] = mapped_column(StoredEnum(MeetingStatus, 20),
                                                  default=MeetingStatus.SCHEDULED)
    attendance: Mapped[int | None]
    minutes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The agenda (public once published) and when it was published: the Service Charter's standard
    # is "published at least 5 working days before the meeting" (`portal.pact.agendas`).
    agenda: Mapped[str] = mapped_column(Text, default="")
    agenda_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    priorities: Mapped[list[Priority]] = relationship(back_populates="meeting")
    papers: Mapped[list[MeetingPaper]] = relationship(
        back_populates="meeting", order_by="MeetingPaper.id", cascade="all, delete-orphan",
        passive_deletes=True)


class MeetingPaper(Base):
    """A PDF paper for a meeting's agenda, public with the agenda. The filename is the uploader's,
    sanitised (`portal.pact.agendas.safe_filename`); the bytes are in `MeetingPaperContent`."""

    __tablename__ = "pact_meeting_paper"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("pact_meeting.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 hex
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="papers")
    content: Mapped[MeetingPaperContent] = relationship(cascade="all, delete-orphan",
                                                        passive_deletes=True, lazy="raise")


class MeetingPaperContent(Base):
    """A paper's bytes, in a table of their own so listing papers never loads them, and in the
    database so every app server serves every paper."""

    __tablename__ = "pact_meeting_paper_content"

    paper_id: Mapped[int] = mapped_column(ForeignKey("pact_meeting_paper.id", ondelete="CASCADE"),
                                          primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


priority_issue = Table(
    "priority_issue",
    Base.metadata,
    Column("priority_id", ForeignKey("pact_priority.id", ondelete="CASCADE"), primary_key=True),
    Column("issue_id", ForeignKey("pact_issue.id", ondelete="CASCADE"), primary_key=True),
)


class Priority(Base):
    """A priority agreed at a PACT meeting, reviewed at later meetings until completed."""

    __tablename__ = "pact_priority"
    __table_args__ = (one_of("status", PriorityStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("pact_meeting.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    review_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[PriorityStatus] = mapped_column(StoredEnum(PriorityStatus, 20),
                                                   default=PriorityStatus.ACTIVE)
    outcome: Mapped[str] = mapped_column(Text, default="")  # "we did", shown publicly when closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    meeting: Mapped[Meeting | None] = relationship(back_populates="priorities")
    owner_agency: Mapped[Agency | None] = relationship()
    issues: Mapped[list[PactIssue]] = relationship(secondary=priority_issue)
    updates: Mapped[list[PriorityUpdate]] = relationship(
        back_populates="priority", order_by="PriorityUpdate.at"
    )


class PriorityUpdate(Base):
    __tablename__ = "pact_priority_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("pact_priority.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(default=True)

    priority: Mapped[Priority] = relationship(back_populates="updates")
