"""The Service Charter's figures in the PACT section of the neighbourhood PDF: agendas published 5
working days ahead (across Christmas and New Year 2010) and the complaint clocks, over the wave's
PACT period, printed with their bases and definitions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from portal.charter.cases import new_case_reference
from portal.charter.figures import HINTS
from portal.core.extensions import db
from portal.models import CharterCase, CharterKind, CharterStatus, Meeting
from portal.reports.building import prepare_reports
from portal.reports.render import render_html


def _case(place_id, received, acknowledged=None, answered=None, extended_to=None) -> CharterCase:
    status = CharterStatus.ANSWERED if answered else CharterStatus.ACKNOWLEDGED if acknowledged \
        else CharterStatus.RECEIVED
    return CharterCase(reference=new_case_reference(), kind=CharterKind.COMPLAINT, name="Ann",
                       email="ann@example.org", body="Complaint", neighbourhood_id=place_id,
                       received_at=received, acknowledged_at=acknowledged, answered_at=answered,
                       extended_to=extended_to, status=status)


def test_the_pdf_prints_the_charter_figures_of_the_period(app, survey, db_session):
    twerton = survey["neighbourhoods"]["twerton"].id
    keynsham = survey["neighbourhoods"]["keynsham"].id
    db_session.add_all([
        # 4 January 2011: 3 January (New Year's substitute), 28 and 27 December (Christmas and Boxing
        # Day substitutes) do not count, so the last day was Thursday 23 December: the 24th is late.
        Meeting(neighbourhood_id=twerton, starts_at=datetime(2011, 1, 4, 18, tzinfo=UTC), venue="Hall",
                status="held", agenda="Items", agenda_published_at=datetime(2010, 12, 24, 10, tzinfo=UTC)),
        Meeting(neighbourhood_id=twerton, starts_at=datetime(2011, 3, 15, 18, tzinfo=UTC), venue="Hall",
                status="held", agenda="Items", agenda_published_at=datetime(2011, 3, 1, 10, tzinfo=UTC)),
        Meeting(neighbourhood_id=twerton, starts_at=datetime(2011, 2, 15, 18, tzinfo=UTC), venue="Hall",
                status="cancelled"),  # not counted
        # Keynsham's meeting is not in Twerton's report
        Meeting(neighbourhood_id=keynsham, starts_at=datetime(2011, 2, 15, 18, tzinfo=UTC), venue="Hall",
                status="held"),
        # received Friday 17 December 2010: acknowledged Friday 24th is 5 working days (20-24): on
        # time; answered 13 January: the 15 working days end on 12 January (27, 28 December and
        # 3 January are bank holidays), so late
        _case(twerton, datetime(2010, 12, 17, 10, tzinfo=UTC), datetime(2010, 12, 24, 9, tzinfo=UTC),
              datetime(2011, 1, 13, 9, tzinfo=UTC)),
        # extended to 31 January and answered then: on time
        _case(twerton, datetime(2010, 12, 1, 10, tzinfo=UTC), datetime(2010, 12, 2, 9, tzinfo=UTC),
              datetime(2011, 1, 31, 9, tzinfo=UTC), extended_to=date(2011, 1, 31)),
        # acknowledged after the period ended: still unacknowledged, and late, at its end
        _case(twerton, datetime(2011, 3, 1, 10, tzinfo=UTC), datetime(2011, 4, 20, 9, tzinfo=UTC)),
        _case(keynsham, datetime(2011, 3, 1, 10, tzinfo=UTC)),
    ])
    db_session.commit()
    with app.app_context(), db.transaction() as session:
        authority, twerton_report = prepare_reports(session, "2010-11", ["twerton"], now=datetime.now(UTC),
                                                    authority=True).reports
    sc = twerton_report.pact.service_charter
    assert (sc.agendas_share, sc.agendas_base, sc.agendas_missed) == (0.5, 2, 1)
    assert (sc.acknowledged_share, sc.acknowledge_base) == (2 / 3, 3)
    # the third case's answer is not due by 31 March (15 working days from 1 March end 22 March:
    # it is past, undone, so late)
    assert (sc.answered_share, sc.answer_base) == (1 / 3, 3)
    assert sc.breached == 2
    assert authority.pact.service_charter.acknowledge_base == 4  # Keynsham's case too

    html = render_html(twerton_report)
    assert 'id="service-charter"' in html
    # bases of 2, 3 and 4 records are too few for a share (the small-base rule of record shares)
    assert "2 meetings: fewer than 5, too few for a share" in html
    assert html.count("3 cases: fewer than 5, too few for a share") == 2
    for hint in HINTS.values():
        assert hint.replace("'", "&#39;") in html
    assert "4 cases: fewer than 5, too few for a share" in render_html(authority)
