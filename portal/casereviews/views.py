"""The ASB Case Review: the public page with how to apply and the yearly figures, the application
form (blueprint `asb_case_review`, no account), and the staff case list and case pages (blueprint
`case_reviews`: coordinators for their neighbourhoods' applications, admins for all; only admins,
the managers, override the threshold)."""

from __future__ import annotations

from dataclasses import replace

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user

from portal.api.http import csv_body
from portal.areas.queries import all_neighbourhoods, every_agency, neighbourhood_by_slug
from portal.auth.access import check_scope, requires, staff_blueprint, visible_neighbourhoods
from portal.casereviews import cases as rules
from portal.casereviews import forms, letters, queries
from portal.casereviews.eligibility import Report
from portal.casereviews.figures import FIELDS, LABELS, yearly_figures
from portal.casereviews.files import ReportFileError, read_reports
from portal.core import audit
from portal.core.clock import today
from portal.core.extensions import db
from portal.core.languages import N_, current_language
from portal.core.limits import over_limit
from portal.core.refusals import refusals_to
from portal.core.request_checks import allow_upload
from portal.models import CaseReview, CaseReviewChannel, ReportSource, Role

public_bp = Blueprint("asb_case_review", __name__)
bp = staff_blueprint("case_reviews", __name__, roles=(Role.COORDINATOR, Role.ADMIN))
REPORTS_FILE_BYTES = 1024 * 1024


def _choices(form) -> None:
    form.neighbourhood.choices = [("", gettext("Choose a neighbourhood"))] + [
        (n.slug, n.name) for n in all_neighbourhoods(db.session)]


@public_bp.route("/asb-case-review")
def about():
    return render_template("casereviews/about.html", years=yearly_figures(queries.every_case(db.session)),
                           labels=LABELS)


@public_bp.route("/asb-case-review/figures.csv")
def figures_csv():
    rows = [[getattr(y, f) for f in FIELDS] for y in yearly_figures(queries.every_case(db.session))]
    response = Response(csv_body(list(FIELDS), rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="asb-case-reviews.csv"'
    return response


def _application(form, channel: CaseReviewChannel) -> rules.Application:
    on_behalf = bool(form.on_behalf.data)
    return rules.Application(
        channel=channel, name=form.name.data or "", email=form.email.data or "",
        phone=form.phone.data or "", description=form.description.data or "",
        neighbourhood=neighbourhood_by_slug(db.session, form.neighbourhood.data),
        representative_name=(form.representative_name.data or "") if on_behalf else "",
        consent_given=bool(form.consent.data) if on_behalf else False)


@public_bp.route("/asb-case-review/apply", methods=["GET", "POST"])
def apply():
    form = forms.ApplyForm()
    _choices(form)
    if request.method == "POST":
        if form.website.data:  # the honeypot
            audit.record(db.session, "case_review_spam", "case_review")
            db.session.commit()
            return render_template("casereviews/sent.html", case=None)
        limited = over_limit("case_review_apply", "CHARTER_WRITE_LIMIT",
                             N_("You have applied for a case review too many times from this connection."),
                             audited=True)
        if limited:
            return limited
        if form.validate():
            application = replace(_application(form, CaseReviewChannel.ONLINE), language=current_language())
            if application.representative_name:  # the representative's address is the one typed
                application = replace(application, email="", representative_email=form.email.data or "")
            with refusals_to(form.description.errors) as attempt:
                case = rules.receive(db.session, application, current_app.config)
            if attempt:
                session["case_review_reference"] = case.reference
                return redirect(url_for("asb_case_review.sent"))
        return render_template("casereviews/apply.html", form=form), 400
    return render_template("casereviews/apply.html", form=form)


@public_bp.route("/asb-case-review/sent")
def sent():
    case = queries.case_by_reference(db.session, session.get("case_review_reference") or "")
    if case is None:
        return redirect(url_for("asb_case_review.apply"))
    return render_template("casereviews/sent.html", case=case,
                           decide_by=rules.decide_by(case, current_app.config))


@bp.route("/")
def queue():
    found = queries.cases_for(db.session, current_user, visible_neighbourhoods(db.session, current_user))
    now = today()
    return render_template("casereviews/queue.html",
                           rows=[(c, rules.clocks(c, now, current_app.config)) for c in found])


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = forms.StaffApplicationForm()
    _choices(form)
    if request.method == "POST":
        if form.validate():
            application = _application(form, CaseReviewChannel(form.channel.data))
            with refusals_to(form.description.errors) as attempt:
                case = rules.receive(db.session, application, current_app.config, actor=current_user)
            if attempt:
                flash(f"Recorded the application {case.reference}.")
                return redirect(url_for("case_reviews.case", case_ref=case.reference))
        return render_template("casereviews/new.html", form=form), 400
    return render_template("casereviews/new.html", form=form)


def _in_scope(case_ref: str) -> CaseReview:
    case = queries.case_by_reference(db.session, case_ref)
    if case is not None and case.neighbourhood_id is None and current_user.role == Role.ADMIN:
        return case
    check_scope(db.session, current_user, case.neighbourhood_id if case else None, "case_review", case_ref)
    assert case is not None  # check_scope answered 404 otherwise
    return case


def _case_page(case: CaseReview, status: int = 200, errors: list | None = None, **given):
    agencies = [a.name for a in every_agency(db.session) if a.retired_on is None]
    meeting = given.get("meeting") or forms.MeetingForm(formdata=None, prefix="meeting")
    meeting.agencies.choices = [(name, name) for name in agencies]
    review = given.get("review") or forms.ReviewForm(formdata=None, prefix="review")
    review.attended.choices = [(a.id, a.agency) for a in case.agencies]
    page_forms = {
        "report": forms.ReportForm(formdata=None, prefix="report"),
        "upload": forms.ImportForm(formdata=None, prefix="upload"),
        "override": forms.ReasonForm(formdata=None, prefix="override"),
        "recommendation": forms.RecommendationForm(formdata=None, prefix="recommendation"),
        "appeal": forms.AppealForm(formdata=None, prefix="appeal"),
        "appeal_decision": forms.AppealDecisionForm(formdata=None, prefix="appeal_decision"),
        **given, "meeting": meeting, "review": review}
    config = current_app.config
    return render_template("casereviews/case.html", case=case, errors=errors or [],
                           assessment=rules.assessment(case, config),
                           clocks=rules.clocks(case, today(), config), letters=letters.available(case),
                           threshold=config["CASE_REVIEW_THRESHOLD"], forms=page_forms), status


def _done(case: CaseReview, message: str):
    flash(message)
    return redirect(url_for("case_reviews.case", case_ref=case.reference))


@bp.route("/<case_ref>")
def case(case_ref: str):
    return _case_page(_in_scope(case_ref))


@bp.post("/<case_ref>/reports")
def add_report(case_ref: str):
    found = _in_scope(case_ref)
    form = forms.ReportForm(prefix="report")
    if not form.validate():
        return _case_page(found, 400, report=form)
    assert form.incident_date.data and form.reported_on.data  # required
    report = Report(found.reference, form.incident_ref.data or "", form.incident_date.data,
                    form.reported_on.data, form.agency.data or "")
    with refusals_to(form.incident_ref.errors) as attempt:
        rules.add_reports(db.session, found, [report], ReportSource.STAFF, current_user)
    return _done(found, "Added the report.") if attempt else _case_page(found, 400, report=form)


@bp.post("/<case_ref>/reports/import")
@allow_upload(REPORTS_FILE_BYTES, fields=("upload-file",))
def import_reports(case_ref: str):
    found = _in_scope(case_ref)
    form = forms.ImportForm(prefix="upload")
    form.file.errors = []  # not validated: the file is read below
    upload = form.file.data
    if not upload or not upload.filename:
        form.file.errors = ["Choose a CSV file of reports"]
        return _case_page(found, 400, upload=form)
    name = upload.filename.rsplit("/", 1)[-1][:120]
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        form.file.errors = [f"{name}: the file is not UTF-8 text; save it as 'CSV UTF-8'."]
        return _case_page(found, 400, upload=form)
    with refusals_to(form.file.errors) as attempt:
        try:
            read = read_reports(text, name)
        except ReportFileError as error:
            raise rules.CaseReviewError(str(error)) from None
        count = rules.add_reports(db.session, found, read, ReportSource.IMPORT, current_user, name)
    return _done(found, f"Imported {count} reports from {name}.") if attempt \
        else _case_page(found, 400, upload=form)


@bp.post("/<case_ref>/reports/<int:report_id>")
def confirm_report(case_ref: str, report_id: int):
    found = _in_scope(case_ref)
    errors: list[str] = []
    keep = request.form.get("keep") == "yes"
    with refusals_to(errors) as attempt:
        rules.confirm_report(db.session, found, report_id, keep, current_user)
    if attempt:
        return _done(found, "Confirmed the PACT issue as the applicant's." if keep else "Removed the report.")
    return _case_page(found, 400, errors)


@bp.post("/<case_ref>/pact")
def find_pact(case_ref: str):
    found = _in_scope(case_ref)
    errors: list[str] = []
    with refusals_to(errors) as attempt:
        added = rules.refresh_pact_links(db.session, found, current_user)
    return _done(found, f"Found {added} more PACT issues to confirm.") if attempt \
        else _case_page(found, 400, errors)


def _step(case_ref: str, action, message: str):
    """A step with no form fields (decide, send the outcome)."""
    found = _in_scope(case_ref)
    errors: list[str] = []
    with refusals_to(errors) as attempt:
        action(found)
    return _done(found, message) if attempt else _case_page(found, 400, errors)


@bp.post("/<case_ref>/decide")
def decide(case_ref: str):
    return _step(case_ref, lambda c: rules.decide(db.session, c, current_app.config, current_user),
                 "Decided the threshold and sent the decision letter.")


@bp.post("/<case_ref>/outcome")
def outcome(case_ref: str):
    return _step(case_ref, lambda c: rules.send_outcome(db.session, c, current_user),
                 "Sent the outcome letter.")


@bp.post("/<case_ref>/override")
@requires(Role.ADMIN)
def override(case_ref: str):
    found = _in_scope(case_ref)
    form = forms.ReasonForm(prefix="override")
    if not form.validate():
        return _case_page(found, 400, override=form)
    with refusals_to(form.reason.errors) as attempt:
        rules.override(db.session, found, form.reason.data or "", current_app.config, current_user)
    return _done(found, "The review will go ahead; the applicant is told why.") if attempt \
        else _case_page(found, 400, override=form)


@bp.post("/<case_ref>/meeting")
def meeting(case_ref: str):
    found = _in_scope(case_ref)
    form = forms.MeetingForm(prefix="meeting")
    if not form.validate():
        return _case_page(found, 400, meeting=form)
    assert form.meeting_on.data is not None  # required
    names = list(form.agencies.data or []) + ([form.other.data] if form.other.data else [])
    with refusals_to(form.meeting_on.errors) as attempt:
        rules.invite(db.session, found, names, form.meeting_on.data, current_user)
    return _done(found, "Invited the agencies to the review meeting.") if attempt \
        else _case_page(found, 400, meeting=form)


@bp.post("/<case_ref>/review")
def review(case_ref: str):
    found = _in_scope(case_ref)
    form = forms.ReviewForm(prefix="review")
    if not form.validate():
        return _case_page(found, 400, review=form)
    with refusals_to(form.findings.errors) as attempt:
        rules.record_review(db.session, found, set(form.attended.data or []), form.findings.data or "",
                            current_user)
    return _done(found, "Recorded the review meeting.") if attempt else _case_page(found, 400, review=form)


@bp.post("/<case_ref>/recommendations")
def recommend(case_ref: str):
    found = _in_scope(case_ref)
    form = forms.RecommendationForm(prefix="recommendation")
    if not form.validate():
        return _case_page(found, 400, recommendation=form)
    assert form.due_on.data is not None  # required
    with refusals_to(form.action.errors) as attempt:
        rules.recommend(db.session, found, form.action.data or "", form.owner.data or "",
                        form.due_on.data, current_user)
    return _done(found, "Added the recommendation.") if attempt \
        else _case_page(found, 400, recommendation=form)


@bp.post("/<case_ref>/appeal")
def appeal(case_ref: str):
    found = _in_scope(case_ref)
    form = forms.AppealForm(prefix="appeal")
    if not form.validate():
        return _case_page(found, 400, appeal=form)
    with refusals_to(form.grounds.errors) as attempt:
        rules.lodge_appeal(db.session, found, form.grounds.data or "", current_user)
    return _done(found, "Recorded the appeal.") if attempt else _case_page(found, 400, appeal=form)


@bp.post("/<case_ref>/appeal/decision")
def appeal_decision(case_ref: str):
    found = _in_scope(case_ref)
    form = forms.AppealDecisionForm(prefix="appeal_decision")
    if not form.validate():
        return _case_page(found, 400, appeal_decision=form)
    with refusals_to(form.decision.errors) as attempt:
        rules.decide_appeal(db.session, found, form.upheld.data == "yes", form.decision.data or "",
                            current_user)
    return _done(found, "Sent the appeal decision.") if attempt \
        else _case_page(found, 400, appeal_decision=form)


@bp.route("/<case_ref>/letters/<kind>.pdf")
def letter(case_ref: str, kind: str):
    found = _in_scope(case_ref)
    if kind not in letters.available(found):
        abort(404)
    response = Response(letters.pdf(letters.page(found, kind)), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{found.reference}-{kind}.pdf"'
    return response
