"""PACT metrics: one pure function with hand-checked answers, the same from records, mappings and
a DataFrame, and the loader reading the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from portal.pact.metrics import IssueRecord, load_issue_records, pact_metrics
from portal.pact.workflow import change_status, reopen

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 2, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 1, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


def rec(ref, place, status, created, ack=None, closed=None, category="noise", agency=None):
    return IssueRecord(ref, place, category, status, agency, created, ack, closed)


RECORDS = [
    # Twerton: raised 3 in January; closed 2 in January (one locally); one closed in February.
    rec("T1", "twerton", "resolved_locally", START + D, START + D + 2 * H, START + 5 * D),
    rec("T2", "twerton", "referred_elsewhere", START + 2 * D, START + 2 * D + 30 * H, START + 12 * D),
    rec("T3", "twerton", "resolved_locally", START + 3 * D, START + 3 * D + 10 * H, END + 2 * D),
    # raised before the period, acknowledged and closed within it (locally)
    rec("T4", "twerton", "resolved_locally", START - 10 * D, START + D, START + 6 * D),
    # Keynsham: one open issue raised in January, never acknowledged; one raised after the period.
    rec("K1", "keynsham", "submitted", START + 20 * D),
    rec("K2", "keynsham", "acknowledged", END + D, END + D + H),
]


def test_hand_checked_answers():
    result = pact_metrics(RECORDS, START, END, NOW, neighbourhoods=["twerton", "keynsham", "chew-valley"])
    t = result.by_neighbourhood["twerton"]
    assert (t.raised, t.closed, t.resolved_locally) == (3, 3, 2)
    assert t.share_dealt_with_locally == pytest.approx(2 / 3)  # unrounded share, not per cent
    # raised in January and 24 hours old at the end: T1 (2h), T2 (30h), T3 (10h); T4 was raised
    # before the period, so it is in neither the 24-hour share nor the median to acknowledge
    assert (t.first_response_base, t.first_response_within_24h) == (3, 2)
    assert t.share_first_response_within_24h == pytest.approx(2 / 3)
    assert t.responded == 3 and t.median_days_to_first_response == pytest.approx(10 / 24)
    # closed in January: T1 4 days, T2 10 days, T4 16 days
    assert t.median_days_to_close == 10.0
    # open at the end of January: T3 only (raised 3 Jan, so 29 days old)
    assert t.open_issues == 1 and t.open_by_age["8-30 days"] == 1
    k = result.by_neighbourhood["keynsham"]
    assert (k.raised, k.closed, k.share_dealt_with_locally, k.median_days_to_close) == (1, 0, None, None)
    # K1 was never acknowledged: missed, not left out (the old rule reported no figure at all)
    assert (k.first_response_base, k.still_waiting, k.share_first_response_within_24h) == (1, 1, 0.0)
    assert k.responded == 0 and k.median_days_to_first_response is None
    assert k.open_issues == 1 and k.open_by_age["8-30 days"] == 1
    empty = result.by_neighbourhood["chew-valley"]
    assert empty.raised == 0 and empty.share_dealt_with_locally is None
    assert empty.share_first_response_within_24h is None
    overall = result.overall
    assert (overall.raised, overall.closed, overall.resolved_locally, overall.open_issues) == (4, 3, 2, 2)
    assert overall.share_first_response_within_24h == 0.5 and overall.missed_first_response == 2
    assert result.as_of == END


def test_open_issues_are_counted_at_now_when_the_period_has_not_ended():
    result = pact_metrics(RECORDS, START, NOW + 30 * D, NOW)
    assert result.as_of == NOW
    assert result.overall.open_issues == 2  # K1 (raised 20 Jan) and K2
    assert result.overall.open_by_age == {"0-7 days": 0, "8-30 days": 1, "31-90 days": 1, "over 90 days": 0}


def test_an_issue_unacknowledged_for_37_hours_is_a_miss_and_a_fresh_one_is_not_yet_counted():
    now = START + 10 * D
    records = [
        rec("A", "twerton", "acknowledged", START + D, START + D + 3 * H),
        rec("LATE", "twerton", "submitted", now - 37 * H),  # still waiting after 37 hours
        rec("NEW", "twerton", "submitted", now - 5 * H),  # not yet due: left out of the base
    ]
    m = pact_metrics(records, START, END, now).overall
    assert m.raised == 3 and m.first_response_base == 2 and m.still_waiting == 1
    assert m.share_first_response_within_24h == 0.5
    # the old rule counted only issues eventually acknowledged and said 100%
    assert m.share_first_response_within_24h < 1


def test_a_quick_rejection_answers_the_resident_and_a_late_acknowledgement_is_a_miss():
    records = [
        rec("R", "twerton", "rejected_duplicate", START + D, None, START + D + 2 * H),
        rec("L", "twerton", "acknowledged", START + 2 * D, START + 4 * D),
        # acknowledged only after the period ended: still waiting when the period is read
        rec("W", "twerton", "acknowledged", END - 3 * D, END + D),
    ]
    m = pact_metrics(records, START, END, NOW).overall
    assert (m.first_response_base, m.first_response_within_24h, m.still_waiting) == (3, 1, 1)
    assert m.responded == 2  # R (2 hours) and L (2 days); W was not acknowledged by the end
    assert m.median_days_to_first_response == pytest.approx((2 / 24 + 2) / 2)


def test_a_period_that_has_ended_reads_the_same_whenever_it_is_asked():
    later = pact_metrics(RECORDS, START, END, NOW + 400 * D)
    assert later == pact_metrics(RECORDS, START, END, NOW)


def test_records_mappings_and_frames_agree():
    from_records = pact_metrics(RECORDS, START, END, NOW)
    from_dicts = pact_metrics([asdict(r) for r in RECORDS], START, END, NOW)
    frame = pd.DataFrame([asdict(r) for r in RECORDS])
    from_frame = pact_metrics(frame, START, END, NOW)
    assert from_records == from_dicts == from_frame
    table = from_frame.to_frame()
    assert list(table.neighbourhood) == ["keynsham", "twerton", "all"]
    assert table.set_index("neighbourhood").loc["all", "open_8-30 days"] == 2


def test_a_period_must_have_length():
    with pytest.raises(ValueError, match="end after"):
        pact_metrics([], END, START, NOW)


def test_loader_reads_the_database(db_session, make_issue, coordinator, neighbourhoods):
    first = make_issue(age=3 * D)
    change_status(db_session, first, "acknowledged", coordinator)
    change_status(db_session, first, "resolved_locally", coordinator, public_note="Done.")
    make_issue("keynsham")
    db_session.commit()
    records = load_issue_records(db_session)
    assert {r.neighbourhood for r in records} == {"twerton", "keynsham"}
    assert all(r.created_at.tzinfo is not None for r in records)
    only = load_issue_records(db_session, [neighbourhoods["twerton"].id])
    assert [r.reference for r in only] == [first.reference]
    now = datetime.now(UTC)
    result = pact_metrics(records, now - 7 * D, now + H, now)
    assert result.overall.raised == 2 and result.overall.closed == 1
    assert result.overall.share_dealt_with_locally == 1.0
    assert result.by_neighbourhood["twerton"].median_days_to_close == pytest.approx(3, abs=0.01)


def test_a_median_is_rounded_once_when_it_is_printed():
    """9.354 days used to be stored as 9.35 and then printed 9.3."""
    from analysis.formatting import days

    closing = [rec("R1", "twerton", "resolved_locally", START + D, START + D + H, START + D + 9.354 * D)]
    m = pact_metrics(closing, START, END, NOW, neighbourhoods=["twerton"]).by_neighbourhood["twerton"]
    assert m.median_days_to_close == pytest.approx(9.354)
    assert days(m.median_days_to_close) == "9.4 days"


def test_an_ended_period_keeps_a_closing_a_resident_later_reopened(db_session, make_issue, coordinator):
    """Two issues closed in a month, one resolved locally and reopened by its resident after the
    month ended: the month still reads 2 closed, 50% locally, as it stood at its end."""
    now = datetime.now(UTC)
    start, end = now - 40 * D, now - 10 * D
    local, referred = make_issue(age=39 * D), make_issue(age=38 * D)
    change_status(db_session, local, "acknowledged", coordinator, at=now - 39 * D + H)
    change_status(db_session, local, "resolved_locally", coordinator, public_note="Done.", at=now - 30 * D)
    change_status(db_session, referred, "acknowledged", coordinator, at=now - 38 * D + H)
    change_status(db_session, referred, "referred_elsewhere", coordinator, public_note="Council.",
                  at=now - 20 * D)
    reopen(db_session, local, now - 5 * D)
    db_session.commit()
    records = load_issue_records(db_session)
    month = pact_metrics(records, start, end, now).overall
    assert (month.closed, month.resolved_locally, month.share_dealt_with_locally) == (2, 1, 0.5)
    assert month.open_issues == 0 and month.median_days_to_close == pytest.approx((9 + 18) / 2)
    # today the reopened issue is open again, and counts where it finally closes
    today = pact_metrics(records, now - 7 * D, now + H, now).overall
    assert (today.closed, today.open_issues) == (0, 1)
    assert pact_metrics(records, start, end, now + 400 * D) == pact_metrics(records, start, end, now)


def test_the_status_history_decides_what_stood_at_the_end_of_a_period():
    closed_then_reopened = IssueRecord(
        "X", "twerton", "noise", "submitted", None, START + D, START + D + H, None,
        statuses=((START + D, "submitted"), (START + D + H, "acknowledged"),
                  (START + 5 * D, "resolved_locally"), (END + 3 * D, "submitted")))
    january = pact_metrics([closed_then_reopened], START, END, NOW).overall
    assert (january.closed, january.resolved_locally, january.open_issues) == (1, 1, 0)
    february = pact_metrics([closed_then_reopened], END, END + 28 * D, NOW).overall
    assert (february.closed, february.open_issues) == (0, 1)
    as_mappings = pact_metrics([asdict(closed_then_reopened)], START, END, NOW)
    assert as_mappings == pact_metrics([closed_then_reopened], START, END, NOW)


def test_the_loader_reads_the_history_in_two_queries_however_many_issues(
        app, db_session, make_issue, coordinator, count_queries):
    for _ in range(3):
        change_status(db_session, make_issue(), "acknowledged", coordinator)
    db_session.commit()
    with count_queries() as statements:
        records = load_issue_records(db_session)
    assert len(statements) == 2
    assert all([s for _, s in r.statuses] == ["submitted", "acknowledged"] for r in records)


def test_every_surface_names_the_24_hour_figures_as_first_responses(app, twerton_client):
    """The figures count a turn-down as the first response, so no page, PDF template or API
    description calls them "acknowledged"; the names and sentences come from LABELS and HINTS."""
    import re
    from pathlib import Path

    from portal.api.openapi import document
    from portal.pact.metrics import FIRST_RESPONSE, HINTS, LABELS

    page = twerton_client.get("/pact/metrics").get_data(as_text=True)
    for key in ("first_response_within_24h", "median_days_to_first_response"):
        assert f"<dt>{LABELS[key]}</dt><dd>{HINTS[key]}" in page.replace("&#34;", '"')
        assert FIRST_RESPONSE in HINTS[key]
    wrong = re.compile(r"(?i)(?<!not )acknowledged (with)?in 24 hours|days to acknowledge|>acknowledge<")
    assert not wrong.search(page)
    templates = Path(app.root_path).parent / "templates"
    for template in ("pact/metrics.html", "public/neighbourhood.html", "reports/_report.html",
                     "reports/neighbourhood.html", "reports/authority.html", "pact/_breaches.html"):
        assert not wrong.search((templates / template).read_text()), template
    pledge = document()["components"]["schemas"]
    assert "share_first_response_within_24h" in repr(pledge) and "acknowledged_within" not in repr(pledge)
