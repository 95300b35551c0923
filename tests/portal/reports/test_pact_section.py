"""The PACT section of a wave's report: a stated period tied to the wave, the same figures however
often it is rebuilt, and a 24-hour figure its own service-standards list cannot contradict."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from analysis.formatting import percent
from portal.core.extensions import db
from portal.models import Meeting, PactIssue, Priority, PriorityUpdate
from portal.pact.metrics import HINTS
from portal.reports.building import prepare_reports
from portal.reports.data import pact_period, pact_section
from portal.reports.render import render_html

H = timedelta(hours=1)
D = timedelta(days=1)
# Wave 2010-11's period ends at midnight (BST) at the end of 31 March 2011.
PERIOD_END = datetime(2011, 3, 31, 23, tzinfo=UTC)


@pytest.mark.parametrize(("opens", "closes", "now", "label"), [
    # a closed wave: the twelve months to its fieldwork end, whenever the report is built
    (date(2010, 4, 1), date(2011, 3, 31), datetime(2026, 11, 29, tzinfo=UTC),
     "1 April 2010 to 31 March 2011"),
    (date(2010, 4, 1), date(2011, 3, 31), datetime(2011, 4, 2, tzinfo=UTC),
     "1 April 2010 to 31 March 2011"),
    # a short fieldwork still gets twelve months of PACT activity
    (date(2011, 1, 10), date(2011, 3, 31), datetime(2026, 1, 1, tzinfo=UTC),
     "1 April 2010 to 31 March 2011"),
    # a fieldwork longer than twelve months is covered whole
    (date(2009, 1, 1), date(2010, 6, 30), datetime(2026, 1, 1, tzinfo=UTC),
     "1 January 2009 to 30 June 2010"),
    # a wave still open: the twelve months up to the report's date
    (date(2026, 4, 1), date(2027, 3, 31), datetime(2026, 11, 29, 12, tzinfo=UTC),
     "30 November 2025 to 29 November 2026"),
    # 29 February: the twelve months start on 1 March
    (date(2015, 4, 1), date(2016, 2, 28), datetime(2020, 1, 1, tzinfo=UTC),
     "1 March 2015 to 28 February 2016"),
])
def test_the_period_is_tied_to_the_wave(opens, closes, now, label):
    span = pact_period(opens, closes, now)
    assert span.label == label
    assert span.end <= now
    if closes < now.date():
        assert "end of the survey's fieldwork" in span.rule
    else:
        assert span.end == now and "still in the field" in span.rule


def test_a_closed_wave_ends_at_uk_midnight():
    span = pact_period(date(2010, 4, 1), date(2011, 3, 31), datetime(2026, 1, 1, tzinfo=UTC))
    assert span.start == datetime(2010, 3, 31, 23, tzinfo=UTC)  # 1 April 2010, 00:00 BST
    assert span.end == PERIOD_END


@pytest.fixture
def pact_history(db_session, survey):
    """Twerton's PACT record around wave 2010-11, with activity after the period too."""
    twerton = survey["neighbourhoods"]["twerton"].id
    raised = datetime(2011, 1, 10, 10, tzinfo=UTC)
    db_session.add_all([
        # raised in the period, acknowledged only after it ended: still waiting at its end
        PactIssue(reference="PACT-LATE1", neighbourhood_id=twerton, category="noise",
                  description="Parties", status="acknowledged", created_at=raised,
                  acknowledged_at=datetime(2011, 5, 2, tzinfo=UTC)),
        # raised long after the period: in no figure of this report
        PactIssue(reference="PACT-AFTER", neighbourhood_id=twerton, category="noise",
                  description="Later", status="submitted", created_at=datetime(2012, 6, 1, tzinfo=UTC)),
        Meeting(neighbourhood_id=twerton, starts_at=datetime(2011, 3, 15, 18, tzinfo=UTC),
                venue="Hall", status="held"),
        Meeting(neighbourhood_id=twerton, starts_at=datetime(2012, 3, 15, 18, tzinfo=UTC),
                venue="Hall", status="held"),
    ])
    # a priority active at the period's end, completed (and updated) a year later
    later = Priority(neighbourhood_id=twerton, title="Lighting", status="completed",
                     created_at=datetime(2011, 2, 1, tzinfo=UTC), outcome="Lights fixed",
                     closed_at=datetime(2012, 2, 1, tzinfo=UTC))
    later.updates.append(PriorityUpdate(at=datetime(2011, 3, 1, tzinfo=UTC), body="Survey done",
                                        public=True))
    later.updates.append(PriorityUpdate(at=datetime(2012, 1, 20, tzinfo=UTC), body="Nearly there",
                                        public=True))
    db_session.add(later)
    db_session.commit()
    return survey


def _strings(section) -> str:
    return " ".join(str(v) for v in (section.period_label, section.period_rule, *section.breaches,
                                      *section.priorities, *section.you_said_we_did))


def test_rebuilding_a_closed_waves_report_gives_the_same_pact_section(app, pact_history):
    wave = pact_history["waves"]["2010-11"]
    place = pact_history["neighbourhoods"]["twerton"]
    with app.app_context(), db.transaction() as session:
        soon = pact_section(session, place, wave, datetime(2011, 4, 3, tzinfo=UTC))
        today = pact_section(session, place, wave, datetime.now(UTC))
        authority_soon = pact_section(session, None, wave, datetime(2011, 4, 3, tzinfo=UTC))
        authority_today = pact_section(session, None, wave, datetime.now(UTC))
    assert soon == today and authority_soon == authority_today
    assert today.period_label == "1 April 2010 to 31 March 2011"
    assert (today.raised, today.meetings_held) == (2, 1)  # PACT-TEST1 and PACT-LATE1
    # standards as they stood on 31 March 2011: PACT-LATE1 was still waiting then
    assert today.share_first_response_within_24h == 0.5 and today.first_response_base == 2
    assert any("still waiting at the end of the period" in b for b in today.breaches)
    # the priority was active then, with the update it had then
    assert [(p.title, p.latest_update) for p in today.priorities] == [
        ("Lighting", "Survey done"), ("Speeding <near> the school", "")]
    assert any("“Lighting” has had no update since 1 March 2011" in b for b in today.breaches)
    printed = _strings(today) + _strings(authority_today)
    assert "2012" not in printed and str(datetime.now(UTC).year) not in printed


def test_the_24_hour_figure_and_the_service_standards_cannot_disagree(app, survey, db_session):
    twerton = survey["neighbourhoods"]["twerton"].id
    db_session.add_all([
        # raised 37 hours before the period ended and never acknowledged
        PactIssue(reference="PACT-WAIT1", neighbourhood_id=twerton, category="noise",
                  description="Waiting", status="submitted", created_at=PERIOD_END - 37 * H),
        # raised 5 hours before the end: not yet due, so not counted
        PactIssue(reference="PACT-NEW01", neighbourhood_id=twerton, category="noise",
                  description="New", status="submitted", created_at=PERIOD_END - 5 * H),
    ])
    db_session.commit()
    with app.app_context(), db.transaction() as session:
        report = prepare_reports(session, "2010-11", ["twerton"],
                                 now=datetime.now(UTC), authority=True).reports
    authority, twerton_report = report
    for section in (twerton_report.pact, authority.pact):
        assert section.first_response_base == 2 and section.share_first_response_within_24h == 0.5
        assert any(b.startswith("1 of 2 issues raised in the period without a first response within 24 hours")
                   for b in section.breaches), section.breaches
    html = render_html(twerton_report)
    assert "PACT activity, 1 April 2010 to 31 March 2011" in html
    assert percent(0.5) in html and "of 2 issues" in html
    assert "without a first response within 24 hours" in html and "All Policing Pledge standards" not in html
    assert HINTS["first_response_within_24h"] in html and HINTS["median_days_to_close"] in html
    assert "Service standards at 31 March 2011" in html
    assert "50.0%" in render_html(authority)
