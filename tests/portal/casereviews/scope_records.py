"""A Twerton case review for the case-review routes' URL variables (see tests/portal/scope_records.py)."""

from __future__ import annotations

from portal.core.clock import today
from portal.models import CaseReview, CaseReviewChannel, CaseReviewReport, ReportSource


def records(session, neighbourhoods) -> dict[str, str]:
    case = CaseReview(reference="ACR-TWER-TN", channel=CaseReviewChannel.PHONE, name="Ann",
                      email="ann@example.org",
                      description="Noise", neighbourhood_id=neighbourhoods["twerton"].id)
    case.reports.append(CaseReviewReport(incident_ref="P-1", incident_date=today(), reported_on=today(),
                                         agency="Police", source=ReportSource.STAFF))
    session.add(case)
    session.commit()
    return {"case_ref": case.reference, "report_id": str(case.reports[0].id), "kind": "decision"}
