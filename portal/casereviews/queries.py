"""portal.casereviews.queries."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.models import CaseReview, CaseReviewStatus, IssueContact, Neighbourhood, PactIssue, StaffUser


def case_by_reference(session: Session, reference: str) -> CaseReview | None:
    return session.scalar(select(CaseReview).where(CaseReview.reference == reference)
                          .options(selectinload(CaseReview.reports), selectinload(CaseReview.agencies),
                                   selectinload(CaseReview.recommendations)))


def cases_for(session: Session, user: StaffUser, places: list[Neighbourhood]) -> list[CaseReview]:
    """The applications `user` may see, open ones first, oldest first: all for admins; a
    coordinator's neighbourhoods' otherwise (one about no neighbourhood goes to admins)."""
    query = select(CaseReview).options(selectinload(CaseReview.neighbourhood))
    if not user.sees_all_neighbourhoods:
        query = query.where(CaseReview.neighbourhood_id.in_([p.id for p in places]))
    closed = CaseReview.status.in_([CaseReviewStatus.CLOSED, CaseReviewStatus.NOT_MET])
    return list(session.scalars(query.order_by(or_(closed), CaseReview.received_at)))


def every_case(session: Session) -> list[CaseReview]:
    """Every application with its recommendations: what the published figures count."""
    return list(session.scalars(select(CaseReview).options(selectinload(CaseReview.recommendations))
                                .order_by(CaseReview.received_at)))


def issues_with_contact(session: Session, email: str, phone_digits: str) -> list[PactIssue]:
    """PACT issues whose resident left this e-mail address (any case) or this phone number (its
    digits), oldest first."""
    from portal.casereviews.cases import phone_digits as digits_of

    if not email and not phone_digits:
        return []
    where = []
    if email:
        where.append(func.lower(IssueContact.email) == email.strip().lower())
    if phone_digits:
        where.append(IssueContact.phone != "")
    contacts = session.scalars(select(IssueContact).where(or_(*where))
                               .options(selectinload(IssueContact.issue)))
    found = [c.issue for c in contacts
             if (email and c.email.strip().lower() == email.strip().lower())
             or (phone_digits and digits_of(c.phone) == phone_digits)]
    return sorted(found, key=lambda issue: issue.created_at)


def cases_naming(session: Session, email: str) -> list[CaseReview]:
    """Applications that give this address, as the applicant's or the representative's."""
    return list(session.scalars(select(CaseReview).where(
        or_(func.lower(CaseReview.email) == email, func.lower(CaseReview.representative_email) == email))
        .options(selectinload(CaseReview.recommendations), selectinload(CaseReview.reports),
                 selectinload(CaseReview.agencies), selectinload(CaseReview.neighbourhood))
        .order_by(CaseReview.received_at)))
