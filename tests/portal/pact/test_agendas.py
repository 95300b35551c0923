"""Agendas and papers: the PDF checks and caps, publish and withdraw, what the public sees, scope,
and the Service Charter's "published at least 5 working days before the meeting" around bank
holidays."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from demo.pdf import tiny_pdf
from portal.core.clock import from_local, utcnow
from portal.models import AgendaOutcome, AuditEvent, Meeting, MeetingPaperContent
from portal.pact import agendas
from portal.pact.agendas import AgendaError, agenda_outcome, agenda_standard, publish_by
from portal.pact.queries import MeetingRecord

PDF = tiny_pdf("Partners' report")


def at(day: date, hour: int = 10) -> datetime:
    return from_local(day, time(hour))


@pytest.fixture
def coming_meeting(db_session, neighbourhoods):
    meeting = Meeting(neighbourhood_id=neighbourhoods["twerton"].id, starts_at=utcnow() + timedelta(days=14),
                      venue="Twerton community centre", agenda="1. Welcome\n2. Priorities")
    db_session.add(meeting)
    db_session.commit()
    return meeting


# --------------------------------------------------------------------------- the standard


@pytest.mark.parametrize(("meeting_day", "deadline"), [
    (date(2026, 4, 7), date(2026, 3, 27)),  # Tuesday after Easter Monday: Good Friday, Easter Monday skipped
    (date(2026, 4, 13), date(2026, 4, 2)),  # Monday a week after Easter Monday: Easter Monday skipped
    (date(2026, 12, 29), date(2026, 12, 18)),  # after Christmas (Fri) and Boxing Day's substitute (Mon 28th)
    (date(2027, 1, 5), date(2026, 12, 24)),   # after New Year's Day: 1 Jan, 28 Dec, 25 Dec skipped
    (date(2026, 6, 15), date(2026, 6, 8)),    # an ordinary Monday: the Monday before
])
def test_publish_by_counts_working_days_back_over_bank_holidays(meeting_day, deadline):
    assert publish_by(at(meeting_day, 18)) == deadline


def test_outcomes_around_easter():
    starts = at(date(2026, 4, 7), 18)  # deadline Friday 27 March
    assert agenda_outcome(starts, at(date(2026, 3, 27), 16), at(date(2026, 4, 8))) == AgendaOutcome.MET
    # 30 March is 5 calendar-working days before without the bank holidays, but Good Friday and
    # Easter Monday do not count: that is late.
    assert agenda_outcome(starts, at(date(2026, 3, 30)), at(date(2026, 4, 8))) == AgendaOutcome.MISSED
    assert agenda_outcome(starts, None, at(date(2026, 3, 26))) == AgendaOutcome.NOT_YET_DUE
    assert agenda_outcome(starts, None, at(date(2026, 3, 27))) == AgendaOutcome.PENDING
    assert agenda_outcome(starts, None, at(date(2026, 3, 30))) == AgendaOutcome.MISSED
    # the weekend after the deadline still leaves 5 working days (30, 31 March, 1, 2 and 7 April)
    assert agenda_outcome(starts, None, at(date(2026, 3, 29))) == AgendaOutcome.PENDING
    assert agenda_outcome(starts, at(date(2026, 3, 29)), at(date(2026, 4, 8))) == AgendaOutcome.MET
    # a publication after the moment asked about is not seen
    assert agenda_outcome(starts, at(date(2026, 3, 27)), at(date(2026, 3, 26))) == AgendaOutcome.NOT_YET_DUE


def test_standard_counts_meetings_in_the_period_by_neighbourhood():
    def record(slug, meeting_day, published_day):
        return MeetingRecord(slug, at(meeting_day, 18), at(published_day) if published_day else None)

    meetings = [
        record("twerton", date(2026, 4, 7), date(2026, 3, 27)),   # met
        record("twerton", date(2026, 4, 13), date(2026, 4, 7)),   # missed (late)
        record("keynsham", date(2026, 4, 9), None),               # missed (never)
        record("keynsham", date(2026, 5, 20), None),              # not yet due at 1 May
        record("keynsham", date(2026, 2, 3), date(2026, 1, 1)),   # outside the period
    ]
    start, end = at(date(2026, 3, 1), 0), at(date(2026, 6, 1), 0)
    result = agenda_standard(meetings, start, end, at(date(2026, 5, 1)),
                             ["twerton", "keynsham", "chew-valley"])
    assert (result.overall.met, result.overall.missed, result.overall.base) == (1, 2, 3)
    assert result.overall.share == pytest.approx(1 / 3)
    assert result.overall.undecided == 1
    assert result.by_neighbourhood["twerton"].share == 0.5
    assert result.by_neighbourhood["keynsham"].share == 0.0
    assert result.by_neighbourhood["chew-valley"].share is None


# --------------------------------------------------------------------------- papers


def test_filenames_are_sanitised():
    assert agendas.safe_filename("../../etc/Minutes (draft) <b>.PDF") == "Minutes-draft-b.pdf"
    assert agendas.safe_filename("C:\\Users\\x\\Rapport été.pdf") == "Rapport-ete.pdf"
    assert agendas.safe_filename("...pdf") == "paper.pdf"
    assert agendas.safe_filename('"; rm -rf.pdf') == "rm-rf.pdf"
    assert len(agendas.safe_filename("a" * 500 + ".pdf")) <= agendas.FILENAME_STEM_MAX + 4


@pytest.mark.parametrize(("name", "data", "message"), [
    ("notes.pdf", b"", "is empty"),
    ("notes.pdf", b"PK\x03\x04 a zip file" + b"%%EOF", "is not a PDF file"),
    ("notes.pdf", b"<html>%PDF-1.4</html>%%EOF", "is not a PDF file"),
    ("notes.docx", PDF, "must be PDF files ending in .pdf"),
    ("notes.pdf", PDF[:-20], "not a complete PDF"),
    ("notes.pdf", b"%PDF-1.4\n" + b"0" * 2000 + b"%%EOF", "at most 0.0 MB"),
])
def test_papers_are_checked_by_content_and_size(name, data, message):
    with pytest.raises(AgendaError, match=message):
        agendas.check_pdf(name, data, max_bytes=1000)


def test_a_valid_paper_passes():
    agendas.check_pdf("report.pdf", PDF, max_bytes=len(PDF))


def test_papers_are_capped_in_number_and_removed_only_before_the_meeting(db_session, coming_meeting,
                                                                       coordinator):
    for n in range(2):
        agendas.add_paper(db_session, coming_meeting, f"paper-{n}.pdf", PDF, coordinator, max_count=2)
    with pytest.raises(AgendaError, match="already has 2 papers"):
        agendas.add_paper(db_session, coming_meeting, "third.pdf", PDF, coordinator, max_count=2)
    paper = coming_meeting.papers[0]
    later = coming_meeting.starts_at + timedelta(minutes=1)
    with pytest.raises(AgendaError, match="only before it"):
        agendas.remove_paper(db_session, paper, coordinator, now=later)
    agendas.remove_paper(db_session, paper, coordinator)
    db_session.commit()
    assert [p.filename for p in coming_meeting.papers] == ["paper-1.pdf"]
    assert db_session.scalar(select(func.count()).select_from(MeetingPaperContent)) == 1


def test_publish_and_withdraw_are_audited(db_session, coming_meeting, coordinator):
    agendas.publish_agenda(db_session, coming_meeting, coordinator)
    with pytest.raises(AgendaError, match="already published"):
        agendas.publish_agenda(db_session, coming_meeting, coordinator)
    agendas.withdraw_agenda(db_session, coming_meeting, coordinator)
    assert coming_meeting.agenda_published_at is None
    with pytest.raises(AgendaError, match="not published"):
        agendas.withdraw_agenda(db_session, coming_meeting, coordinator)
    coming_meeting.agenda = ""
    with pytest.raises(AgendaError, match="Write the agenda"):
        agendas.publish_agenda(db_session, coming_meeting, coordinator)
    db_session.commit()
    actions = set(db_session.scalars(select(AuditEvent.action)))
    assert {"pact_agenda_published", "pact_agenda_withdrawn"} <= actions


# --------------------------------------------------------------------------- through the pages


def _upload(client, meeting, name, data):
    return client.post(f"/pact/meetings/{meeting.id}/papers",
                       data={"paper-paper": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_coordinator_uploads_publishes_and_the_public_downloads(app, db_session, twerton_client,
                                                                coming_meeting):
    response = _upload(twerton_client, coming_meeting, "Partners report <2026>.pdf", PDF)
    assert response.status_code == 302
    paper = coming_meeting.papers[0]
    assert paper.filename == "Partners-report-2026.pdf"
    public = app.test_client()
    url = f"/neighbourhoods/twerton/meetings/{coming_meeting.id}/papers/{paper.id}/{paper.filename}"
    assert public.get(url).status_code == 404  # not published yet
    page = public.get("/neighbourhoods/twerton").get_data(as_text=True)
    assert "2. Priorities" not in page and paper.filename not in page

    assert twerton_client.post(f"/pact/meetings/{coming_meeting.id}/agenda/publish").status_code == 302
    page = public.get("/neighbourhoods/twerton").get_data(as_text=True)
    assert "2. Priorities" in page and url in page
    download = public.get(url)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == f"attachment; filename={paper.filename}"
    assert download.data == PDF
    # another neighbourhood's address for the same paper is not it
    assert public.get(url.replace("twerton", "keynsham")).status_code == 404

    assert twerton_client.post(f"/pact/meetings/{coming_meeting.id}/agenda/withdraw").status_code == 302
    assert public.get(url).status_code == 404


@pytest.mark.parametrize(("name", "data", "message"), [
    ("minutes.docx", b"PK\x03\x04 not a pdf", "must be PDF files ending in .pdf"),
    ("minutes.pdf", b"PK\x03\x04 not a pdf %%EOF", "is not a PDF file"),
    ("big.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024) + b"\n%%EOF", "a paper can be at most 1.0 MB"),
])
def test_bad_uploads_get_a_clear_error_and_keep_nothing(app, db_session, twerton_client, coming_meeting,
                                                       name, data, message):
    app.config["MEETING_PAPER_MAX_MB"] = 1
    response = _upload(twerton_client, coming_meeting, name, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(MeetingPaperContent)) == 0


def test_too_many_papers_through_the_page(app, twerton_client, coming_meeting):
    app.config["MEETING_PAPERS_MAX"] = 1
    assert _upload(twerton_client, coming_meeting, "one.pdf", PDF).status_code == 302
    response = _upload(twerton_client, coming_meeting, "two.pdf", PDF)
    assert response.status_code == 400
    assert "already has 1 papers" in response.get_data(as_text=True) or \
        "already has 1 paper" in response.get_data(as_text=True)


def test_no_file_is_a_clear_error(twerton_client, coming_meeting):
    response = twerton_client.post(f"/pact/meetings/{coming_meeting.id}/papers", data={},
                                   content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a PDF file to add" in response.get_data(as_text=True)


def test_other_neighbourhoods_coordinator_gets_404(db_session, signed_in, coming_meeting):
    keynsham = signed_in("coordinator", "keynsham")
    for path in ("", "/agenda/publish", "/agenda/withdraw", "/agenda", "/papers/1/remove"):
        method = keynsham.get if path == "" else keynsham.post
        assert method(f"/pact/meetings/{coming_meeting.id}{path}").status_code == 404, path
    assert _upload(keynsham, coming_meeting, "x.pdf", PDF).status_code == 404
    db_session.refresh(coming_meeting)
    assert coming_meeting.agenda_published_at is None and not coming_meeting.papers


def test_meeting_page_shows_the_deadline_and_outcome(twerton_client, coming_meeting):
    page = twerton_client.get(f"/pact/meetings/{coming_meeting.id}").get_data(as_text=True)
    assert 'id="agenda-outcome"' in page
    assert "Publish the agenda and papers" in page


def test_saving_the_agenda(db_session, twerton_client, coming_meeting):
    response = twerton_client.post(f"/pact/meetings/{coming_meeting.id}/agenda",
                                   data={"agenda-agenda": "  1. Speeding on the High Street  "})
    assert response.status_code == 302
    db_session.refresh(coming_meeting)
    assert coming_meeting.agenda == "1. Speeding on the High Street"
    response = twerton_client.post(f"/pact/meetings/{coming_meeting.id}/agenda",
                                   data={"agenda-agenda": "x" * (agendas.AGENDA_MAX + 1)})
    assert response.status_code == 400 and "10,000 characters or fewer" in response.get_data(as_text=True)


def test_publishing_a_week_before_a_meeting_after_easter_is_late(db_session, neighbourhoods, coordinator):
    meeting = Meeting(neighbourhood_id=neighbourhoods["twerton"].id, venue="Hall", agenda="Items",
                      starts_at=datetime(2026, 4, 7, 17, 30, tzinfo=UTC))
    db_session.add(meeting)
    db_session.flush()
    agendas.publish_agenda(db_session, meeting, coordinator, now=at(date(2026, 3, 30)))
    assert agenda_outcome(meeting.starts_at, meeting.agenda_published_at, at(date(2026, 4, 8))) == "missed"


def test_the_demo_paper_is_a_pdf_a_reader_opens():
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(PDF))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and "Partners" in text and "report" in text
