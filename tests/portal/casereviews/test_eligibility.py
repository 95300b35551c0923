"""The threshold against hand-worked cases: calendar months at month ends and in leap years, the
boundary days of both windows, one incident reported to several agencies, and the local settings
the Act allows (a lower count, longer windows) and refuses."""

from __future__ import annotations

from datetime import date

import pytest

from portal.casereviews.eligibility import (
    Report,
    Rule,
    RuleError,
    add_months,
    assess,
    assess_all,
    why_not,
    window_opens,
)

D = date.fromisoformat


def report(ref: str, happened: str, reported: str, agency: str = "police", who: str = "A") -> Report:
    return Report(who, ref, D(happened), D(reported), agency)


@pytest.mark.parametrize("start, months, expected", [
    ("2026-01-30", 1, "2026-02-28"),   # no 30 February: the month's last day
    ("2024-01-30", 1, "2024-02-29"),   # a leap year
    ("2026-01-31", 1, "2026-02-28"),
    ("2028-01-31", 1, "2028-02-29"),
    ("2026-02-28", 1, "2026-03-28"),   # the day is kept, not "the month's end"
    ("2026-03-31", 1, "2026-04-30"),
    ("2026-12-15", 1, "2027-01-15"),   # across the year
    ("2026-08-31", -6, "2026-02-28"),
    ("2024-08-31", -6, "2024-02-29"),
])
def test_calendar_months(start, months, expected):
    assert add_months(D(start), months) == D(expected)


def test_reported_within_a_calendar_month_of_the_incident():
    on = D("2026-06-30")
    assert why_not(report("X", "2026-01-30", "2026-02-28"), on, Rule()) is None  # 28 Feb: the last day
    assert "more than a month after the incident (by 2026-02-28)" in why_not(
        report("X", "2026-01-30", "2026-03-01"), on, Rule())
    leap = D("2024-06-30")
    assert why_not(report("X", "2024-01-30", "2024-02-29"), leap, Rule()) is None
    assert "by 2024-02-29" in why_not(report("X", "2024-01-30", "2024-03-01"), leap, Rule())
    assert why_not(report("X", "2026-03-14", "2026-03-14"), on, Rule()) is None  # the same day
    assert why_not(report("X", "2026-03-14", "2026-04-14"), on, Rule()) is None  # a month to the day
    assert why_not(report("X", "2026-03-14", "2026-04-15"), on, Rule()) is not None


def test_on_or_within_six_calendar_months_before_the_application():
    on = D("2026-07-15")
    assert window_opens(on, Rule()) == D("2026-01-15")
    assert why_not(report("X", "2026-01-15", "2026-01-15"), on, Rule()) is None  # the first day
    assert "reported before 2026-01-15, more than 6 months before" in why_not(
        report("X", "2026-01-14", "2026-01-14"), on, Rule())
    assert why_not(report("X", "2026-07-15", "2026-07-15"), on, Rule()) is None  # the application day
    assert "after the application date (2026-07-15)" in why_not(
        report("X", "2026-07-15", "2026-07-16"), on, Rule())
    # 31 August less six months is 28 February (29 in a leap year).
    assert window_opens(D("2026-08-31"), Rule()) == D("2026-02-28")
    assert why_not(report("X", "2026-02-28", "2026-02-28"), D("2026-08-31"), Rule()) is None
    assert why_not(report("X", "2026-02-27", "2026-02-27"), D("2026-08-31"), Rule()) is not None
    assert why_not(report("X", "2024-02-29", "2024-02-29"), D("2024-08-31"), Rule()) is None
    assert why_not(report("X", "2024-02-28", "2024-02-28"), D("2024-08-31"), Rule()) is not None
    assert "before the incident's date" in why_not(report("X", "2026-03-02", "2026-03-01"), on, Rule())


def test_one_incident_reported_to_several_agencies_counts_once():
    on = D("2026-07-15")
    reports = [
        report("INC-1", "2026-03-01", "2026-03-01", "police"),
        report("inc-1 ", "2026-03-01", "2026-03-03", "housing"),   # the same incident, by its reference
        report("INC-1", "2026-03-01", "2026-03-05", "council"),
        report("INC-2", "2026-04-10", "2026-04-11", "council"),
    ]
    found = assess("A", reports, on)
    assert found.qualifying == ("INC-1", "INC-2") and not found.eligible
    assert found.reasons == [
        "inc-1  (housing, reported 2026-03-03): the same incident as the report to police on "
        "2026-03-01, counted once",
        "INC-1 (council, reported 2026-03-05): the same incident as the report to police on "
        "2026-03-01, counted once"]
    third = assess("A", [*reports, report("INC-3", "2026-06-01", "2026-06-20", "health")], on)
    assert third.eligible and len(third.qualifying) == 3


def test_an_incident_counts_when_any_of_its_reports_does():
    """Reported late to the council but in time to the police: the incident counts (once), and the
    late report says both why it would not have counted and that the incident is counted."""
    on = D("2026-07-15")
    found = assess("A", [report("INC-1", "2026-03-01", "2026-05-20", "council"),
                         report("INC-1", "2026-03-01", "2026-03-02", "police")], on)
    assert found.qualifying == ("INC-1",)
    assert found.reasons == ["INC-1 (council, reported 2026-05-20): reported more than a month after the "
                             "incident (by 2026-04-01); the same incident as the report to police on "
                             "2026-03-02, counted once"]


def test_a_worked_case_across_agencies_on_the_boundary_days():
    """Application on 31 August 2026: the window opens on 28 February 2026."""
    on = D("2026-08-31")
    reports = [
        report("P-1", "2026-01-30", "2026-02-28", "police"),      # in time, and on the window's first day
        report("H-7", "2026-02-27", "2026-02-27", "housing"),     # a day before the window
        report("C-3", "2026-05-31", "2026-06-30", "council"),     # 31 May + 1 month = 30 June
        report("C-4", "2026-05-31", "2026-07-01", "council"),     # a day late
        report("P-9", "2026-08-31", "2026-08-31", "police"),      # the application day
        report("P-9", "2026-08-31", "2026-08-31", "housing"),     # the same incident, the same day
    ]
    found = assess("A", reports, on)
    assert found.qualifying == ("P-1", "C-3", "P-9") and found.eligible
    assert [n.report.incident_ref for n in found.not_counted] == ["H-7", "C-4", "P-9"]
    assert found.not_counted[2].report.agency == "police"  # sorted by agency: housing counted first


def test_a_lower_local_threshold_and_longer_windows():
    on = D("2026-07-15")
    reports = [report("A-1", "2025-12-01", "2025-12-20"), report("A-2", "2026-05-01", "2026-06-15")]
    assert not assess("A", reports, on).eligible
    assert assess("A", reports, on, Rule(incidents=1)).qualifying == ()  # both fail a window
    generous = Rule(incidents=2, lookback_months=12, report_within_months=2)
    assert assess("A", reports, on, generous).eligible
    assert "more than 2 months after the incident" in why_not(
        report("B", "2026-01-01", "2026-03-02"), on, generous)


@pytest.mark.parametrize("rule, message", [
    (Rule(incidents=4), "must be 1 to 3 incidents"),
    (Rule(incidents=0), "must be 1 to 3 incidents"),
    (Rule(lookback_months=5), "at least the 6 months"),
    (Rule(report_within_months=0), "at least one month"),
])
def test_the_act_refuses_a_stricter_threshold(rule, message):
    with pytest.raises(RuleError, match=message):
        assess("A", [], D("2026-07-15"), rule)


def test_each_applicant_is_assessed_on_their_own_reports():
    on = D("2026-07-15")
    reports = [report("X-1", "2026-06-01", "2026-06-01", who="Ann"),
               report("X-1", "2026-06-01", "2026-06-01", who="Bob"),  # the same ref, another person
               report("X-2", "2026-06-02", "2026-06-02", who="Ann"),
               report("X-3", "2026-06-03", "2026-06-03", who="Ann")]
    ann, bob = assess_all(reports, on)
    assert (ann.applicant, ann.eligible, len(ann.qualifying)) == ("Ann", True, 3)
    assert (bob.applicant, bob.eligible, bob.qualifying) == ("Bob", False, ("X-1",))
