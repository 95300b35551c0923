"""The published yearly figures against a hand-built case list: each application in the year it
was received (the day in England), "not met" as the decision
stands, reviews with and without recommendations, years with none shown as zeros."""

from __future__ import annotations

from datetime import UTC, date, datetime

from portal.casereviews.figures import YearFigures, yearly_figures
from portal.models import CaseReview, CaseReviewRecommendation, CaseReviewStatus


def _case(received: datetime, status: CaseReviewStatus, reviewed: bool = False,
          recommendations: int = 0) -> CaseReview:
    case = CaseReview(received_at=received, status=status,
                      reviewed_at=received if reviewed else None)
    case.recommendations = [CaseReviewRecommendation(action="a", owner="Police", due_on=date(2030, 1, 1))
                            for _ in range(recommendations)]
    return case


def test_figures_per_year_reconcile_with_the_cases():
    cases = [
        _case(datetime(2024, 3, 1, tzinfo=UTC), CaseReviewStatus.NOT_MET),
        _case(datetime(2024, 6, 1, tzinfo=UTC), CaseReviewStatus.CLOSED, reviewed=True, recommendations=2),
        _case(datetime(2024, 12, 31, 23, 30, tzinfo=UTC), CaseReviewStatus.RECEIVED),  # 31 Dec in England
        # An appeal upheld against "not met", then reviewed: a review, not a "not met".
        _case(datetime(2026, 2, 1, tzinfo=UTC), CaseReviewStatus.CLOSED, reviewed=True),
        _case(datetime(2026, 7, 1, tzinfo=UTC), CaseReviewStatus.MET),
        _case(datetime(2025, 6, 30, 12, tzinfo=UTC), CaseReviewStatus.NOT_MET),
    ]
    assert yearly_figures(cases) == [
        YearFigures(2026, 2, 0, 1, 0),
        YearFigures(2025, 1, 1, 0, 0),
        YearFigures(2024, 3, 1, 1, 1),
    ]
    assert sum(y.applications for y in yearly_figures(cases)) == len(cases)
    assert yearly_figures([]) == []
    gap = yearly_figures([_case(datetime(2022, 5, 1, tzinfo=UTC), CaseReviewStatus.NOT_MET),
                          cases[0]])
    assert [y.year for y in gap] == [2024, 2023, 2022] and gap[1] == YearFigures(2023, 0, 0, 0, 0)
