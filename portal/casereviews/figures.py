"""The figures the Act requires publishing at least yearly (schedule 4, paragraph 7): per year,
the applications received, the number where the threshold was not met, the reviews carried out and
the reviews that resulted in recommendations. Each application counts in the calendar year it was
received (in England), whatever year it was decided or reviewed, so a published year's figures are
the cases received that year and reconcile with the case list.

A "not met" is the decision as it stands: one overturned on appeal, then reviewed, counts as a
review, not a "not met"; one still undecided is in neither.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from portal.core.clock import local_day
from portal.core.languages import N_
from portal.models import CaseReview, CaseReviewStatus

FIELDS = ("year", "applications", "threshold_not_met", "reviews_carried_out",
          "reviews_with_recommendations")
# Marked for the catalogue: the public page shows them through `|tr` (the CSV's header stays English).
LABELS = {"applications": N_("Applications received"), "threshold_not_met": N_("Threshold not met"),
          "reviews_carried_out": N_("Case reviews carried out"),
          "reviews_with_recommendations": N_("Case reviews resulting in recommendations")}


@dataclass(frozen=True)
class YearFigures:
    year: int
    applications: int
    threshold_not_met: int
    reviews_carried_out: int
    reviews_with_recommendations: int

    def as_dict(self) -> dict:
        return asdict(self)


def yearly_figures(cases: list[CaseReview]) -> list[YearFigures]:
    """One row a year from the first application's year to the last's, newest first."""
    by_year: dict[int, list[CaseReview]] = {}
    for case in cases:
        by_year.setdefault(local_day(case.received_at).year, []).append(case)
    if not by_year:
        return []
    rows = []
    for year in range(max(by_year), min(by_year) - 1, -1):
        found = by_year.get(year, [])
        reviewed = [c for c in found if c.reviewed_at is not None]
        rows.append(YearFigures(
            year, len(found), sum(c.status == CaseReviewStatus.NOT_MET for c in found), len(reviewed),
            sum(bool(c.recommendations) for c in reviewed)))
    return rows
