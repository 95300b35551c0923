"""The words of the PACT issue workflow: the categories residents choose from, every issue status
with the label people see, and which statuses are open or closed. Plain data with no session and no
mail, so the workflow (`portal.pact.workflow`), the resident emails (`portal.pact.notifications`),
the forms and the reports all read one list and none of them imports another to get it.
"""

from __future__ import annotations

from portal.models.statuses import IssueStatus

CATEGORIES: dict[str, str] = {
    "anti_social_behaviour": "Anti-social behaviour",
    "drug_use_or_dealing": "Drug use or dealing",
    "drunk_or_rowdy_behaviour": "Drunk or rowdy behaviour",
    "speeding_and_parking": "Speeding and parking",
    "litter_and_fly_tipping": "Litter and fly-tipping",
    "noise": "Noise",
    "vandalism_and_graffiti": "Vandalism and graffiti",
    "street_drinking": "Street drinking",
    "burglary_and_theft_concerns": "Burglary and theft concerns",
    "other": "Something else",
}

# Status code -> label residents and staff see (the labels live on `IssueStatus`).
STATUSES: dict[str, str] = {status.value: status.label for status in IssueStatus}

OPEN = (IssueStatus.SUBMITTED, IssueStatus.ACKNOWLEDGED, IssueStatus.UNDER_REVIEW, IssueStatus.PACT_PRIORITY,
        IssueStatus.IN_PROGRESS)
REJECTED = (IssueStatus.REJECTED_DUPLICATE, IssueStatus.REJECTED_OUT_OF_SCOPE)
CLOSED = (IssueStatus.RESOLVED_LOCALLY, IssueStatus.REFERRED_ELSEWHERE, IssueStatus.CLOSED_NO_FURTHER_ACTION,
          *REJECTED)
# "Dealt with at the local level" (LAA local target): closed as resolved locally.
RESOLVED_LOCALLY = IssueStatus.RESOLVED_LOCALLY

TAG_COLOURS = {
    "submitted": "tag-red", "acknowledged": "tag-yellow", "under_review": "tag-yellow",
    "pact_priority": "", "in_progress": "", "resolved_locally": "tag-green",
    "referred_elsewhere": "tag-grey", "closed_no_further_action": "tag-grey",
    "rejected_duplicate": "tag-grey", "rejected_out_of_scope": "tag-grey",
}


def status_label(status: str) -> str:
    return STATUSES.get(status, status.replace("_", " ").capitalize())


def category_label(category: str) -> str:
    return CATEGORIES.get(category, category.replace("_", " ").capitalize())
