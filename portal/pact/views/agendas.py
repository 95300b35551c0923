"""Console views for a meeting's agenda and papers: write, attach, remove, publish, withdraw. The
page itself is the meeting page (`meetings._meeting_page`); these only take its forms."""

from __future__ import annotations

from flask import current_app, flash, redirect, url_for
from flask_login import current_user

from portal.core.extensions import db
from portal.core.refusals import refusals_to
from portal.core.request_checks import allow_upload
from portal.pact import agendas as rules
from portal.pact import queries
from portal.pact.forms import AgendaForm, PaperForm
from portal.pact.paper_response import paper_response
from portal.pact.views import bp
from portal.pact.views.meetings import _meeting_in_scope, _meeting_page

# The request may carry one paper of the largest size the setting allows, plus the form around it.
PAPER_REQUEST_BYTES = rules.PAPER_MB_CEILING * rules.MEGABYTE + 256 * 1024


def _back(meeting_id: int):
    return redirect(url_for("pact.meeting", meeting_id=meeting_id) + "#agenda")


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
def save_agenda(meeting_id: int):
    meeting = _meeting_in_scope(meeting_id)
    form = AgendaForm(prefix="agenda")
    if form.validate():
        with refusals_to(form.agenda.errors) as attempt:
            rules.save_agenda(db.session, meeting, form.agenda.data or "", current_user)
        if attempt:
            flash("Agenda saved." + ("" if meeting.agenda_published_at else " Publish it when it is ready."))
            return _back(meeting.id)
    return _meeting_page(meeting, 400, agenda_form=form)


@bp.route("/meetings/<int:meeting_id>/papers", methods=["POST"])
@allow_upload(PAPER_REQUEST_BYTES, fields=("paper-paper",))
def add_paper(meeting_id: int):
    meeting = _meeting_in_scope(meeting_id)
    form = PaperForm(prefix="paper")
    if form.validate():
        upload = form.paper.data
        with refusals_to(form.paper.errors) as attempt:
            paper = rules.add_paper(db.session, meeting, upload.filename or "", upload.read(), current_user,
                                    current_app.config["MEETING_PAPER_MAX_MB"] * rules.MEGABYTE,
                                    current_app.config["MEETING_PAPERS_MAX"])
        if attempt:
            flash(f"{paper.filename} added.")
            return _back(meeting.id)
    return _meeting_page(meeting, 400, paper_form=form)


@bp.route("/meetings/<int:meeting_id>/papers/<int:paper_id>/remove", methods=["POST"])
def remove_paper(meeting_id: int, paper_id: int):
    meeting = _meeting_in_scope(meeting_id)
    paper = queries.paper_of(db.session, meeting.id, paper_id)
    if paper is None:
        flash("That paper was already removed.")
        return _back(meeting.id)
    refused: list[str] = []
    name = paper.filename
    with refusals_to(refused):
        rules.remove_paper(db.session, paper, current_user)
    flash(refused[0] if refused else f"{name} removed.")
    return _back(meeting.id)


@bp.route("/meetings/<int:meeting_id>/papers/<int:paper_id>")
def download_paper(meeting_id: int, paper_id: int):
    """The coordinator's copy, published or not."""
    meeting = _meeting_in_scope(meeting_id)
    paper = queries.paper_of(db.session, meeting.id, paper_id)
    return paper_response(db.session, paper)


@bp.route("/meetings/<int:meeting_id>/agenda/publish", methods=["POST"])
def publish_agenda(meeting_id: int):
    meeting = _meeting_in_scope(meeting_id)
    refused: list[str] = []
    with refusals_to(refused):
        rules.publish_agenda(db.session, meeting, current_user)
    flash(refused[0] if refused else "Agenda published: it is now on the neighbourhood page.")
    return _back(meeting.id)


@bp.route("/meetings/<int:meeting_id>/agenda/withdraw", methods=["POST"])
def withdraw_agenda(meeting_id: int):
    meeting = _meeting_in_scope(meeting_id)
    refused: list[str] = []
    with refusals_to(refused):
        rules.withdraw_agenda(db.session, meeting, current_user)
    flash(refused[0] if refused else "Agenda withdrawn from the neighbourhood page.")
    return _back(meeting.id)
