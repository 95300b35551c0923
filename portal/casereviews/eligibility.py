"""Whether an applicant's reports meet the ASB Case Review threshold (Anti-social Behaviour, Crime
and Policing Act 2014, section 104 and schedule 4): a pure function of the reports and the
application date, with no database and no Flask, so it is tested on hand-worked cases alone.

By default, as most partnerships set it:

- a report counts if it was made within one calendar month of the incident (30 January + 1 month
  is 28 February, or 29 February in a leap year: the month is added and the day kept, or the
  month's last day where it has no such day), and on the application date or within the six
  calendar months before it (15 January to 15 July for an application on 15 July);
- one incident reported to several agencies counts once, by its `incident_ref`;
- the threshold is met with 3 such incidents.

The Act lets the partnership set a lower threshold, never a higher one: the count can be 1 to 3
(`STATUTORY_MAXIMUM`), and the six months and the one month can be longer, never shorter
(`Rule.checked`). A manager's override for a vulnerable applicant, or a case of high harm, is
recorded on the case (`portal.casereviews.cases.decide`), not here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

STATUTORY_MAXIMUM = 3  # incidents; schedule 4: the threshold may not be more than three complaints
STATUTORY_LOOKBACK_MONTHS = 6  # ... in the six months before the application


class RuleError(ValueError):
    """A local threshold the Act does not allow (the message says which setting and why)."""


@dataclass(frozen=True)
class Rule:
    """The local threshold: `incidents` qualifying incidents, each reported within
    `report_within_months` of happening, reported in the `lookback_months` before the application."""

    incidents: int = STATUTORY_MAXIMUM
    lookback_months: int = STATUTORY_LOOKBACK_MONTHS
    report_within_months: int = 1

    def checked(self) -> Rule:
        if not 1 <= self.incidents <= STATUTORY_MAXIMUM:
            raise RuleError(f"The threshold must be 1 to {STATUTORY_MAXIMUM} incidents (the Act's "
                            f"maximum is {STATUTORY_MAXIMUM}), not {self.incidents}")
        if self.lookback_months < STATUTORY_LOOKBACK_MONTHS:
            raise RuleError(f"Reports must be counted over at least the {STATUTORY_LOOKBACK_MONTHS} "
                            f"months before the application, not {self.lookback_months}")
        if self.report_within_months < 1:
            raise RuleError("A report must be allowed at least one month after its incident")
        return self


def local_rule(config: Mapping) -> Rule:
    """The rule as the settings set it (`CASE_REVIEW_THRESHOLD` and the two windows)."""
    return Rule(incidents=config["CASE_REVIEW_THRESHOLD"],
                lookback_months=config["CASE_REVIEW_LOOKBACK_MONTHS"],
                report_within_months=config["CASE_REVIEW_REPORT_WITHIN_MONTHS"]).checked()


@dataclass(frozen=True)
class Report:
    """One report of one incident to one agency."""

    applicant: str
    incident_ref: str
    incident_date: date
    reported_on: date
    agency: str
    line: int | None = None  # where it was read from, if a file

    @property
    def incident_key(self) -> str:
        """Incident references compare without case or surrounding spaces (POL-1 is pol-1)."""
        return self.incident_ref.strip().upper()


@dataclass(frozen=True)
class NotCounted:
    report: Report
    reason: str


@dataclass(frozen=True)
class Assessment:
    """One applicant's reports against the rule: the incidents that qualify (by reference, in the
    order first reported) and, for every report that did not add one, why."""

    applicant: str
    on: date
    threshold: int
    qualifying: tuple[str, ...]
    not_counted: tuple[NotCounted, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        return len(self.qualifying) >= self.threshold

    @property
    def reasons(self) -> list[str]:
        return [f"{n.report.incident_ref} ({n.report.agency}, reported {n.report.reported_on.isoformat()}): "
                f"{n.reason}" for n in self.not_counted]


def add_months(day: date, months: int) -> date:
    """`day` plus calendar months, kept to the month's last day (30 January + 1 = 28/29 February)."""
    return day + relativedelta(months=months)


def window_opens(on: date, rule: Rule) -> date:
    """The first day a report may have been made on to count for an application made `on`."""
    return on - relativedelta(months=rule.lookback_months)


def why_not(report: Report, on: date, rule: Rule) -> str | None:
    """Why this report does not count on its own (None when it does)."""
    if report.reported_on < report.incident_date:
        return "reported before the incident's date; check the dates"
    if report.reported_on > on:
        return f"reported after the application date ({on.isoformat()})"
    opens = window_opens(on, rule)
    if report.reported_on < opens:
        return (f"reported before {opens.isoformat()}, more than {rule.lookback_months} months "
                "before the application")
    latest = add_months(report.incident_date, rule.report_within_months)
    if report.reported_on > latest:
        months = "a month" if rule.report_within_months == 1 else f"{rule.report_within_months} months"
        return f"reported more than {months} after the incident (by {latest.isoformat()})"
    return None


def assess(applicant: str, reports: Iterable[Report], on: date, rule: Rule | None = None) -> Assessment:
    """One applicant's reports (any agencies) against `rule` for an application made `on`."""
    rule = (rule or Rule()).checked()
    ordered = sorted(reports, key=lambda r: (r.reported_on, r.incident_key, r.agency))
    counted: dict[str, Report] = {}
    failures: dict[str, list[NotCounted]] = {}
    for report in ordered:
        reason = why_not(report, on, rule)
        if reason is not None:
            failures.setdefault(report.incident_key, []).append(NotCounted(report, reason))
        elif report.incident_key not in counted:
            counted[report.incident_key] = report
    not_counted: list[NotCounted] = []
    for report in ordered:
        key = report.incident_key
        first = counted.get(key)
        if first is not None and report is not first:
            why = next((n.reason for n in failures.get(key, []) if n.report is report), None)
            also = (f"the same incident as the report to {first.agency} on "
                    f"{first.reported_on.isoformat()}, counted once")
            not_counted.append(NotCounted(report, f"{why}; {also}" if why else also))
        elif first is None:
            not_counted += [n for n in failures.get(key, []) if n.report is report]
    return Assessment(applicant, on, rule.incidents, tuple(r.incident_ref for r in counted.values()),
                      tuple(not_counted))


def assess_all(reports: Iterable[Report], on: date, rule: Rule | None = None) -> list[Assessment]:
    """`assess` for each applicant named in `reports`, in the order they first appear."""
    by_applicant: dict[str, list[Report]] = {}
    for report in reports:
        by_applicant.setdefault(report.applicant, []).append(report)
    return [assess(applicant, found, on, rule) for applicant, found in by_applicant.items()]
