"""The ASB Case Review (Community Trigger; Anti-social Behaviour, Crime and Policing Act 2014,
section 104 and schedule 4): an application, the reports across agencies counted towards the
threshold, the agencies invited to the review meeting, and the review's recommendations.

Personal data (the applicant's and any representative's name, address and phone) is kept on the
application itself, which only staff pages read; the published figures count applications and
name nobody. Anonymised, not deleted, after the retention period (`portal.casereviews.cases`), so
past years' figures do not change.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.models.area import Neighbourhood
from portal.models.base import Base, UTCDateTime
from portal.models.pact import PactIssue
from portal.models.statuses import (
    CaseReviewChannel,
    CaseReviewStatus,
    ReportSource,
    StoredEnum,
    one_of,
)


class CaseReview(Base):
    __tablename__ = "case_review"
    __table_args__ = (Index("ix_case_review_status_received", "status", "received_at"),
                      one_of("status", CaseReviewStatus), one_of("channel", CaseReviewChannel))

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[CaseReviewStatus] = mapped_column(StoredEnum(CaseReviewStatus, 20),
                                                     default=CaseReviewStatus.RECEIVED)
    channel: Mapped[CaseReviewChannel] = mapped_column(StoredEnum(CaseReviewChannel, 20))
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The victim of the behaviour (the applicant) ...
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # ... and whoever applied on their behalf, with the applicant's consent (empty: they applied).
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    representative_email: Mapped[str] = mapped_column(String(254), default="")
    consent_given: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text)
    # The language of the page the application was made on ("cy"), so the letters are written in it;
    # None for a paper or phone application, or when not known: English.
    language: Mapped[str | None] = mapped_column(String(12))
    # The threshold decision: counted by the rule, or overridden by a manager with the reason.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    qualifying_incidents: Mapped[int | None] = mapped_column()
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    # The review meeting and its findings.
    meeting_on: Mapped[date | None] = mapped_column(Date)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    findings: Mapped[str] = mapped_column(Text, default="")
    outcome_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The appeal (escalation) and its own decision.
    appeal_lodged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_grounds: Mapped[str] = mapped_column(Text, default="")
    appeal_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_upheld: Mapped[bool | None] = mapped_column()
    appeal_decision: Mapped[str] = mapped_column(Text, default="")

    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    reports: Mapped[list[CaseReviewReport]] = relationship(
        back_populates="case", cascade="all, delete-orphan",
        order_by="(CaseReviewReport.reported_on, CaseReviewReport.id)")
    agencies: Mapped[list[CaseReviewAgency]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseReviewAgency.id")
    recommendations: Mapped[list[CaseReviewRecommendation]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseReviewRecommendation.id")


class CaseReviewReport(Base):
    """One report of one incident to one agency, counted towards the threshold once confirmed
    (a linked PACT issue waits for staff to confirm it is the applicant's)."""

    __tablename__ = "case_review_report"
    __table_args__ = (one_of("source", ReportSource),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_review.id"), index=True)
    incident_ref: Mapped[str] = mapped_column(String(200))
    incident_date: Mapped[date] = mapped_column(Date)
    reported_on: Mapped[date] = mapped_column(Date)
    agency: Mapped[str] = mapped_column(String(200))
    source: Mapped[ReportSource] = mapped_column(StoredEnum(ReportSource, 20))
    pact_issue_id: Mapped[int | None] = mapped_column(ForeignKey("pact_issue.id"), index=True)
    confirmed: Mapped[bool] = mapped_column(default=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[CaseReview] = relationship(back_populates="reports")
    pact_issue: Mapped[PactIssue | None] = relationship()


class CaseReviewAgency(Base):
    """An agency invited to the review meeting, and whether it attended (None: not yet recorded)."""

    __tablename__ = "case_review_agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_review.id"), index=True)
    agency: Mapped[str] = mapped_column(String(200))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attended: Mapped[bool | None] = mapped_column()

    case: Mapped[CaseReview] = relationship(back_populates="agencies")


class CaseReviewRecommendation(Base):
    """One recommendation of the review, with the agency that owns it and the day it is due."""

    __tablename__ = "case_review_recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_review.id"), index=True)
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)

    case: Mapped[CaseReview] = relationship(back_populates="recommendations")
