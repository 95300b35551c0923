"""Complaints and enquiries: the public form residents write with (blueprint `complaints`, no
account) and the staff queue with the Charter's clocks (blueprint `charter`, coordinators for
their neighbourhoods' cases and admins for all)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from portal.areas.queries import all_neighbourhoods, neighbourhood_by_slug
from portal.auth.access import check_scope, staff_blueprint, visible_neighbourhoods
from portal.charter import cases as rules
from portal.charter import queries
from portal.charter.figures import charter_metrics
from portal.charter.forms import AnswerForm, ExtendForm, WriteToUsForm
from portal.core import audit
from portal.core.clock import local_day, utcnow
from portal.core.extensions import db
from portal.core.languages import N_
from portal.core.limits import Limit, over_limit
from portal.core.refusals import refusals_to
from portal.models import CharterCase, CharterKind, Role

public_bp = Blueprint("complaints", __name__)
bp = staff_blueprint("charter", __name__, roles=(Role.COORDINATOR, Role.ADMIN))



def _write_form() -> WriteToUsForm:
    form = WriteToUsForm()
    form.neighbourhood.choices = [("", gettext("Not about one neighbourhood"))] + [
        (n.slug, n.name) for n in all_neighbourhoods(db.session)]
    return form


@public_bp.route("/contact-us", methods=["GET", "POST"])
def write_to_us():
    form = _write_form()
    if request.method == "GET" and request.args.get("about") == CharterKind.ACCESSIBILITY:
        form.kind.data = CharterKind.ACCESSIBILITY.value  # from the accessibility statement's links
    status = 200
    if request.method == "POST":
        if form.website.data:  # the honeypot: a robot filled in a field people never see
            audit.record(db.session, "charter_case_spam", "charter_case")
            db.session.commit()
            return render_template("charter/sent.html", case=None)
        limited = over_limit("charter_write", "CHARTER_WRITE_LIMIT",
                             N_("You have sent a complaint or enquiry too many times from this connection."),
                             audited=True)
        if limited:
            return limited
        if form.validate():
            place = neighbourhood_by_slug(db.session, form.neighbourhood.data) if form.neighbourhood.data \
                else None
            case = rules.receive_case(db.session, CharterKind(form.kind.data), form.name.data or "",
                                      form.email.data or "", form.body.data or "", place,
                                      Limit(*current_app.config["CHARTER_RECIPIENT_LIMIT"]))
            db.session.commit()
            session["charter_reference"] = case.reference
            return redirect(url_for("complaints.sent"))
        status = 400
    return render_template("charter/write.html", form=form), status


@public_bp.route("/contact-us/sent")
def sent():
    case = queries.case_by_reference(db.session, session.get("charter_reference") or "")
    if case is None:
        return redirect(url_for("complaints.write_to_us"))
    return render_template("charter/sent.html", case=case,
                           clocks=rules.clocks(case, local_day(case.received_at)))


@bp.route("/")
def queue():
    places = visible_neighbourhoods(db.session, current_user)
    found = queries.cases_for(db.session, current_user, places)
    today = local_day(utcnow())
    rows = [(case, rules.clocks(case, today)) for case in found]
    return render_template("charter/queue.html", rows=rows, metrics=charter_metrics(found, today))


def _case_in_scope(reference: str) -> CharterCase:
    case = queries.case_by_reference(db.session, reference)
    # A case about no neighbourhood is the admins' (check_scope refuses None to coordinators).
    if case is not None and case.neighbourhood_id is None and current_user.role == Role.ADMIN:
        return case
    check_scope(db.session, current_user, case.neighbourhood_id if case else None, "charter_case", reference)
    assert case is not None  # check_scope answered 404 otherwise
    return case


def _case_page(case: CharterCase, status: int = 200, errors: list | None = None, **forms):
    forms.setdefault("answer_form", AnswerForm(formdata=None, prefix="answer"))
    forms.setdefault("extend_form", ExtendForm(formdata=None, prefix="extend"))
    return render_template("charter/case.html", case=case, errors=errors or [],
                           clocks=rules.clocks(case, local_day(utcnow())), **forms), status


def _done(case: CharterCase):
    return redirect(url_for("charter.case", reference=case.reference))


@bp.route("/<reference>")
def case(reference: str):
    return _case_page(_case_in_scope(reference))


@bp.route("/<reference>/acknowledge", methods=["POST"])
def acknowledge(reference: str):
    found = _case_in_scope(reference)
    errors: list[str] = []
    with refusals_to(errors) as attempt:
        rules.acknowledge(db.session, found, current_user)
    return _done(found) if attempt else _case_page(found, 400, errors)


@bp.route("/<reference>/answer", methods=["POST"])
def answer(reference: str):
    found = _case_in_scope(reference)
    form = AnswerForm(prefix="answer")
    if not form.validate():
        return _case_page(found, 400, answer_form=form)
    with refusals_to(form.response.errors) as attempt:
        rules.answer(db.session, found, form.response.data or "", current_user)
    return _done(found) if attempt else _case_page(found, 400, answer_form=form)


@bp.route("/<reference>/extend", methods=["POST"])
def extend(reference: str):
    found = _case_in_scope(reference)
    form = ExtendForm(prefix="extend")
    if not form.validate():
        return _case_page(found, 400, extend_form=form)
    new_date = form.new_date.data
    assert new_date is not None  # required, and the form validated
    with refusals_to(form.new_date.errors) as attempt:
        rules.extend(db.session, found, new_date, form.reason.data or "", current_user,
                     local_day(utcnow()))
    return _done(found) if attempt else _case_page(found, 400, extend_form=form)
