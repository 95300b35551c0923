"""The accessibility statement (Public Sector Bodies (Websites and Mobile Applications) (No. 2)
Accessibility Regulations 2018), in the GOV.UK model form.

What admins edit is kept in one row (`AccessibilityStatement`): the compliance status, each thing
that is not accessible with the reason, and the dates the statement was prepared and last reviewed.
Before anyone has saved it, the status is the ACCESSIBILITY_STATUS setting and the items are
`DEFAULT_ITEMS` (what the project knows about itself). How it was tested comes from what the
project measures: `AXE_RULE_TAGS` are the axe-core rule sets every browser test runs.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from portal.core import audit
from portal.core.forms import EARLIEST, LATEST
from portal.core.languages import N_
from portal.core.refusals import Refusal
from portal.models import AccessibilityStatement, ComplianceStatus, StaffUser

# The axe-core rule tags the browser tests run on every page they open (tests/portal/*/test_browser.py).
AXE_RULE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
SEPARATOR = "|"
WHAT_MAX = 300
WHY_MAX = 1000
ITEMS_MAX = 50

# Marked for the catalogue: the statement page shows each item's words through `|tr`, so the defaults
# read in Welsh on a Welsh page (an admin's own wording has no translation and shows as written).
DEFAULT_ITEMS = (
    {"what": N_("Some PDF reports and letters are not yet fully tagged for screen readers (reading "
                "order and table headers may not be announced as they should)."),
     "why": N_("This fails WCAG 2.2 success criterion 1.3.1 (info and relationships). The same figures "
               "are on the web pages and in the open data; ask us for any PDF in another format.")},
    {"what": N_("Charts on the results pages are images of the figures."),
     "why": N_("Each chart's data is in a table beside it, and in the open data, so nothing is only in "
               "the chart (WCAG 2.2 success criterion 1.1.1, non-text content).")},
)


class StatementError(Refusal):
    """The statement cannot be saved as given; the message names the line or the field."""


def parse_items(text: str) -> list[dict[str, str]]:
    """One item a line, "what is not accessible | why (and when it will be fixed)"; blank lines
    are skipped. A line without the separator, or with either part empty or too long, is refused
    naming its line."""
    items = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        what, bar, why = line.partition(SEPARATOR)
        what, why = what.strip(), why.strip()
        if not bar or not what or not why:
            raise StatementError(f"Line {number}: write what is not accessible, then '{SEPARATOR}', "
                                 "then why (for example: 'Older PDFs are not tagged | fixed by March')")
        if len(what) > WHAT_MAX or len(why) > WHY_MAX:
            raise StatementError(f"Line {number}: keep what is not accessible to {WHAT_MAX} characters "
                                 f"and the reason to {WHY_MAX:,}")
        items.append({"what": what, "why": why})
    if len(items) > ITEMS_MAX:
        raise StatementError(f"List at most {ITEMS_MAX} items; group similar ones together")
    return items


def items_as_text(items: list[dict[str, str]]) -> str:
    return "\n".join(f"{item['what']} {SEPARATOR} {item['why']}" for item in items)


def save_statement(session: Session, status: ComplianceStatus, items_text: str, prepared_on: date,
                   reviewed_on: date, user: StaffUser) -> AccessibilityStatement:
    """Write the editable part of the statement (audited); the caller commits."""
    items = parse_items(items_text)
    if not (EARLIEST <= prepared_on <= LATEST and EARLIEST <= reviewed_on <= LATEST):
        raise StatementError(f"Enter dates between {EARLIEST.year} and {LATEST.year}")
    if reviewed_on < prepared_on:
        raise StatementError("The statement cannot have been reviewed before it was prepared: make "
                             "the review date the same day or later")
    if status == ComplianceStatus.FULLY and items:
        raise StatementError("A site with content that is not accessible is not fully compliant: "
                             "choose 'partially compliant', or remove the items")
    row = session.get(AccessibilityStatement, 1) or AccessibilityStatement(id=1)
    row.status, row.items, row.prepared_on, row.reviewed_on = status, items, prepared_on, reviewed_on
    row.updated_by_id = user.id
    session.add(row)
    audit.record(session, "accessibility_statement_saved", "accessibility_statement", 1, actor=user,
                 status=str(status), items=len(items), reviewed_on=reviewed_on.isoformat())
    return row
