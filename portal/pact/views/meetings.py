"""Console views for meetings and priorities, service standards and metrics."""

from __future__ import annotations

from datetime import time

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.areas.queries import all_agencies
from portal.auth.access import check_scope, neighbourhood_in_scope, visible_neighbourhoods
from portal.charter.figures import service_charter_figures
from portal.core.clock import local, utcnow
from portal.core.extensions import db
from portal.core.refusals import refusals_to
from portal.models import Meeting, MeetingStatus, Priority
from portal.pact import meetings as meeting_rules
from portal.pact import queries
from portal.pact.agendas import agenda_outcome, publish_by
from portal.pact.forms import (
    AgendaForm,
    MeetingForm,
    MetricsForm,
    PaperForm,
    PriorityForm,
    PriorityUpdateForm,
    RecordMeetingForm,
    ReviewForm,
)
from portal.pact.metrics import (
    load_follow_up_records,
    load_issue_records,
    pact_metrics,
    raised_by_channel,
    resident_satisfaction,
)
from portal.pact.queries import open_issues_in
from portal.pact.standards import service_breaches
from portal.pact.views import bp


@bp.route("/meetings")
def meetings():
    places = visible_neighbourhoods(db.session, current_user)
    ids = [n.id for n in places]
    now = utcnow()
    recent = queries.recent_meetings(db.session, ids, now)
    agendas = {m.id: agenda_outcome(m.starts_at, m.agenda_published_at, now) for m in recent
               if m.status != MeetingStatus.CANCELLED}
    return render_template("pact/meetings.html", places=places, meetings=recent, agendas=agendas,
                           priorities=queries.active_priorities(db.session, ids),
                           breaches=service_breaches(db.session, places, now), now=now)


@bp.route("/neighbourhoods/<slug>/meetings/new", methods=["GET", "POST"])
def schedule_meeting(slug: str):
    place = neighbourhood_in_scope(db.session, current_user, slug)
    form = MeetingForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            starts_at = form.starts_at
            assert starts_at is not None  # the date and time are required, and the form validated
            with refusals_to(form.form_errors) as attempt:
                meeting = meeting_rules.schedule_meeting(db.session, place, starts_at, form.venue.data or "",
                                                         current_user)
            if attempt:
                flash(f"Meeting scheduled; it is now shown on the {place.name} page.")
                return redirect(url_for("pact.meeting", meeting_id=meeting.id))
        status = 400
    elif not form.is_submitted():
        form.time.data = time(18, 30)
    return render_template("pact/meeting_new.html", form=form, place=place), status


def _meeting_in_scope(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    check_scope(db.session, current_user, meeting.neighbourhood_id if meeting else None, "pact_meeting",
                meeting_id)
    assert meeting is not None  # check_scope answered 404 otherwise
    return meeting


def _priority_form(meeting: Meeting, formdata=None) -> PriorityForm:
    return PriorityForm(formdata=formdata, prefix="priority").offer(
        all_agencies(db.session), open_issues_in(db.session, meeting.neighbourhood_id))


def _meeting_page(meeting: Meeting, status: int = 200, **forms):
    now = utcnow()
    forms.setdefault("record_form", RecordMeetingForm(formdata=None, prefix="record",
                                                      attendance=meeting.attendance, minutes=meeting.minutes))
    forms.setdefault("priority_form", _priority_form(meeting))
    forms.setdefault("agenda_form", AgendaForm(formdata=None, prefix="agenda", agenda=meeting.agenda))
    forms.setdefault("paper_form", PaperForm(formdata=None, prefix="paper"))
    review_forms = forms.pop("review_forms", {})
    to_review, reviewed = queries.priorities_to_review(db.session, meeting)
    for priority in to_review:
        review_forms.setdefault(priority.id, ReviewForm(formdata=None, prefix=f"review-{priority.id}"))
    agreed = [p for p in meeting.priorities]
    return render_template("pact/meeting.html", meeting=meeting, agreed=agreed, to_review=to_review,
                           reviewed=reviewed,
                           review_forms=review_forms, past=meeting.starts_at <= now,
                           local_start=local(meeting.starts_at),
                           agenda_outcome=agenda_outcome(meeting.starts_at, meeting.agenda_published_at, now),
                           publish_by=publish_by(meeting.starts_at), **forms), status


@bp.route("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    return _meeting_page(_meeting_in_scope(meeting_id))


@bp.route("/meetings/<int:meeting_id>/record", methods=["POST"])
def record_meeting(meeting_id: int):
    meeting = _meeting_in_scope(meeting_id)
    form = RecordMeetingForm(request.form, prefix="record")
    if form.validate():
        attendance = form.attendance.data
        assert attendance is not None  # required, and the form validated
        with refusals_to(form.form_errors) as attempt:
            meeting_rules.record_meeting(db.session, meeting, attendance, form.minutes.data or "",
                                         current_user)
        if attempt:
            flash("Meeting recorded as held.")
            return redirect(url_for("pact.meeting", meeting_id=meeting.id))
    return _meeting_page(meeting, 400, record_form=form)


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
def cancel_meeting(meeting_id: int):
    meeting = _meeting_in_scope(meeting_id)
    refused: list[str] = []
    with refusals_to(refused):
        meeting_rules.cancel_meeting(db.session, meeting, current_user)
    flash(refused[0] if refused else "Meeting cancelled.")
    return redirect(url_for("pact.meeting", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/priorities", methods=["POST"])
def agree_priority(meeting_id: int):
    meeting = _meeting_in_scope(meeting_id)
    form = _priority_form(meeting, request.form)
    if form.validate():
        with refusals_to(form.form_errors) as attempt:
            meeting_rules.agree_priority(
                db.session, meeting, form.title.data or "", form.description.data or "", form.owner_agency,
                form.review_on.data, form.linked_issues, current_user)
        if attempt:
            flash("Priority recorded; it is now shown on the neighbourhood page.")
            return redirect(url_for("pact.meeting", meeting_id=meeting.id))
    return _meeting_page(meeting, 400, priority_form=form)


def _priority_in_scope(priority_id: int) -> Priority:
    priority = db.session.get(Priority, priority_id)
    check_scope(db.session, current_user, priority.neighbourhood_id if priority else None, "pact_priority",
                priority_id)
    assert priority is not None  # check_scope answered 404 otherwise
    return priority


@bp.route("/meetings/<int:meeting_id>/reviews/<int:priority_id>", methods=["POST"])
def review_priority(meeting_id: int, priority_id: int):
    meeting = _meeting_in_scope(meeting_id)
    priority = _priority_in_scope(priority_id)
    form = ReviewForm(request.form, prefix=f"review-{priority.id}")
    if form.validate():
        with refusals_to(form.decision.errors) as attempt:
            meeting_rules.review_priority(db.session, priority, meeting, form.decision.data,
                                          form.note.data or "", form.outcome.data or "", current_user)
        if attempt:
            flash(f"Review of '{priority.title}' recorded.")
            return redirect(url_for("pact.meeting", meeting_id=meeting.id))
    return _meeting_page(meeting, 400, review_forms={priority.id: form})


def _priority_page(priority: Priority, status: int = 200, form=None):
    form = form or PriorityUpdateForm(formdata=None, prefix="update")
    return render_template("pact/priority.html", priority=priority, form=form), status


@bp.route("/priorities/<int:priority_id>")
def priority(priority_id: int):
    return _priority_page(_priority_in_scope(priority_id))


@bp.route("/priorities/<int:priority_id>/updates", methods=["POST"])
def priority_update(priority_id: int):
    priority = _priority_in_scope(priority_id)
    form = PriorityUpdateForm(request.form, prefix="update")
    if form.validate():
        with refusals_to(form.body.errors) as attempt:
            meeting_rules.add_priority_update(db.session, priority, form.body.data or "",
                                              bool(form.public.data), current_user)
        if attempt:
            flash("Update recorded.")
            return redirect(url_for("pact.priority", priority_id=priority.id))
    return _priority_page(priority, 400, form)


@bp.route("/metrics")
def metrics():
    places = visible_neighbourhoods(db.session, current_user)
    form = MetricsForm(request.args)
    now = utcnow()
    today = local(now).date()
    valid = form.validate_for(today)
    start_day, end_day = form.period(today, valid)
    start, end = form.bounds(start_day, end_day)
    records = load_issue_records(db.session, [n.id for n in places])
    result = pact_metrics(records, start, end, now, neighbourhoods=[n.slug for n in places])
    names = {n.slug: n.name for n in places}
    charter = service_charter_figures(db.session, places, start, end, now,
                                      include_unplaced=current_user.sees_all_neighbourhoods)
    satisfaction = resident_satisfaction(load_follow_up_records(db.session, [n.id for n in places]),
                                         start, end, now, [n.slug for n in places])
    return render_template("pact/metrics.html", form=form, result=result, names=names, places=places,
                           start_day=start_day, end_day=end_day, charter=charter, satisfaction=satisfaction,
                           by_channel=raised_by_channel(records, start, end, now)), 200 if valid else 400


