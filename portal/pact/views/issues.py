"""Console views for issues: the filtered list with service-standard breaches, the CSV export, one
issue with its history, and the actions on it (status, assignment, updates, merging)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.areas.queries import agency_by_slug, all_agencies
from portal.auth.access import check_scope, visible_neighbourhoods
from portal.core.clock import local, utcnow
from portal.core.extensions import db
from portal.core.refusals import refusals_to
from portal.models import IssueStatus, PactIssue
from portal.pact import issues as issue_rules
from portal.pact import queries
from portal.pact.assisted import record_for_resident
from portal.pact.follow_up import reopened_waiting
from portal.pact.forms import (
    AGE_FILTERS,
    AssignForm,
    AssistedIssueForm,
    IssueFilterForm,
    MergeForm,
    StatusForm,
    SummaryForm,
    UpdateForm,
)
from portal.pact.issues import ContactDetails
from portal.pact.pages import issues_csv, overdue
from portal.pact.public_summary import SummaryHeld, draft_flags, publish_summary, withdraw_summary
from portal.pact.queries import LIMIT, IssueFilters, find_issues
from portal.pact.review_flags import Flag
from portal.pact.standards import service_breaches
from portal.pact.views import bp
from portal.pact.workflow import CLOSED, allowed_transitions


def _filters() -> tuple[IssueFilterForm, IssueFilters]:
    places = visible_neighbourhoods(db.session, current_user)
    form = IssueFilterForm(request.args)
    form.neighbourhood.choices = [("", "All your neighbourhoods")] + [(n.slug, n.name) for n in places]
    form.agency.choices = ([("", "Any agency"), ("none", "Not assigned")]
                           + [(a.slug, a.name) for a in all_agencies(db.session)])
    if (form.age.data or "") not in AGE_FILTERS:
        abort(400, f"The age filter {form.age.data[:40]!r} is not one of the choices: choose an age "
                   "from the list (like 1 to 7 days).")
    filters = IssueFilters(neighbourhood=form.neighbourhood.data or "", status=form.status.data or "",
                           category=form.category.data or "", agency=form.agency.data or "",
                           age=form.age.data or "", overdue=bool(form.overdue.data),
                           sort=form.sort.data or "newest")
    return form, filters


@bp.route("/")
def issues():
    form, filters = _filters()
    now = utcnow()
    places = visible_neighbourhoods(db.session, current_user)
    found = find_issues(db.session, places, filters, now)
    return render_template("pact/issues.html", form=form, issues=found, now=now,
                           overdue={i.id for i in found if overdue(i, now)},
                           breaches=service_breaches(db.session, places, now),
                           reopened=reopened_waiting(db.session, [n.id for n in places]),
                           csv_query=request.query_string.decode(), limit=LIMIT)


@bp.route("/issues.csv")
def issues_export():
    _, filters = _filters()
    found = find_issues(db.session, visible_neighbourhoods(db.session, current_user), filters, utcnow(),
                        limit=None)
    return Response(issues_csv(found), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=pact-issues.csv"})


def _issue_in_scope(reference: str) -> PactIssue:
    issue = queries.issue_by_reference(db.session, reference)
    check_scope(db.session, current_user, issue.neighbourhood_id if issue else None, "pact_issue", reference)
    assert issue is not None  # check_scope answered 404 otherwise
    return issue


def _status_form(issue: PactIssue, formdata=None) -> StatusForm:
    form = StatusForm(formdata=formdata, prefix="status")
    form.status.choices = [("", "Choose a status")] + [
        (s, IssueStatus.label_of(s)) for s in allowed_transitions(issue.status)]
    return form


def _assign_form(formdata=None) -> AssignForm:
    form = AssignForm(formdata=formdata, prefix="assign")
    form.agency.choices = [("", "Choose an agency")] + [(a.slug, a.name) for a in all_agencies(db.session)]
    return form


def _summary_form(issue: PactIssue, formdata=None) -> SummaryForm:
    """Prefilled with the published summary, else the resident's words for the coordinator to edit."""
    form = SummaryForm(formdata=formdata, prefix="summary")
    if formdata is None:
        form.summary.data = issue.public_summary or issue.description
    return form


def _issue_page(issue: PactIssue, status: int = 200, held: list[Flag] | None = None, **forms):
    """The issue with its action forms; `held`: the flags of a summary draft held back, shown with
    "Publish anyway" (otherwise the flags of the prefilled draft, as a note)."""
    now = utcnow()
    forms.setdefault("status_form", _status_form(issue))
    forms.setdefault("assign_form", _assign_form())
    forms.setdefault("update_form", UpdateForm(formdata=None, prefix="update"))
    forms.setdefault("merge_form", MergeForm(formdata=None, prefix="merge"))
    forms.setdefault("summary_form", _summary_form(issue))
    summary_flags = held if held is not None else draft_flags(db.session, forms["summary_form"].summary.data)
    return render_template("pact/issue.html", issue=issue, now=now, is_overdue=overdue(issue, now),
                           summary_flags=summary_flags, summary_held=held is not None,
                           closed=issue.status in CLOSED,
                           priorities=queries.priorities_of(db.session, issue),
                           duplicates=queries.duplicates_of(db.session, issue), **forms), status


def _done(issue: PactIssue, message: str):
    """After a committed action: send the mail it queued, say what happened, show the issue."""
    flash(message)
    return redirect(url_for("pact.issue", reference=issue.reference))


@bp.route("/issues/new", methods=["GET", "POST"])
def issue_new():
    """Record an issue a resident raised by phone, at a meeting, in person, by letter or e-mail."""
    now = utcnow()
    places = visible_neighbourhoods(db.session, current_user)
    form = AssistedIssueForm().offer(places, local(now).date(), local(now).time())
    if form.is_submitted() and form.validate():
        contact = ContactDetails(form.name.data or "", form.email.data or "", form.phone.data or "",
                                 bool(form.consent.data))
        raised_at = form.raised_at
        assert raised_at is not None  # the date and time are required, and the form validated
        with refusals_to(form.neighbourhood.errors) as attempt:
            issue = record_for_resident(db.session, current_user, form.place, form.channel.data,
                                        form.category.data, form.description.data or "",
                                        form.location.data or "", raised_at, now, contact)
        if attempt:
            return _done(issue, f"{issue.reference} is recorded for the resident "
                                f"({issue.channel.in_a_sentence}): give them this reference.")
    status = 400 if form.is_submitted() else 200
    return render_template("pact/issue_new.html", form=form), status


@bp.route("/issues/<reference>")
def issue(reference: str):
    return _issue_page(_issue_in_scope(reference))


@bp.route("/issues/<reference>/status", methods=["POST"])
def issue_status(reference: str):
    issue = _issue_in_scope(reference)
    form = _status_form(issue, request.form)
    if form.validate():
        to = form.status.data
        with refusals_to(form.status.errors) as attempt:
            issue_rules.set_status(db.session, issue, to, form.public_note.data or "",
                                   form.internal_note.data or "", current_user)
        if attempt:
            return _done(issue, f"{issue.reference} is now '{IssueStatus.label_of(to)}'.")
    return _issue_page(issue, 400, status_form=form)


@bp.route("/issues/<reference>/assign", methods=["POST"])
def issue_assign(reference: str):
    issue = _issue_in_scope(reference)
    form = _assign_form(request.form)
    if form.validate():
        agency = agency_by_slug(db.session, form.agency.data)
        assert agency is not None  # the form accepts only the agencies it offered
        with refusals_to(form.agency.errors) as attempt:
            issue_rules.assign(db.session, issue, agency, current_user)
        if attempt:
            return _done(issue, f"{issue.reference} is assigned to {agency.name}.")
    return _issue_page(issue, 400, assign_form=form)


@bp.route("/issues/<reference>/updates", methods=["POST"])
def issue_update(reference: str):
    issue = _issue_in_scope(reference)
    form = UpdateForm(request.form, prefix="update")
    if form.validate():
        public = form.visibility.data == "public"
        with refusals_to(form.body.errors) as attempt:
            issue_rules.add_update(db.session, issue, form.body.data or "", public, current_user)
        if attempt:
            return _done(issue, "Public update recorded." if public else "Internal note recorded.")
    return _issue_page(issue, 400, update_form=form)


@bp.route("/issues/<reference>/merge", methods=["POST"])
def issue_merge(reference: str):
    issue = _issue_in_scope(reference)
    form = MergeForm(request.form, prefix="merge")
    if form.validate():
        with refusals_to(form.into.errors) as attempt:
            target = issue_rules.merge_into_typed(db.session, issue, form.into.data or "", current_user)
        if attempt:
            return _done(issue, f"{issue.reference} is closed as a duplicate of {target.reference}.")
    return _issue_page(issue, 400, merge_form=form)


@bp.route("/issues/<reference>/summary", methods=["POST"])
def issue_summary(reference: str):
    issue = _issue_in_scope(reference)
    form = _summary_form(issue, request.form)
    if form.validate():
        with refusals_to(form.summary.errors) as attempt:
            flags = publish_summary(db.session, issue, form.summary.data or "", current_user,
                                    confirmed=form.confirmed)
        if attempt:
            anyway = f", as you confirmed, with {' and '.join(flags)}" if flags else ""
            return _done(issue, f"The public summary of {issue.reference} is published{anyway}.")
        if isinstance(attempt.refusal, SummaryHeld):
            form.held.data = form.summary.data
            return _issue_page(issue, 400, held=attempt.refusal.flags, summary_form=form)
    return _issue_page(issue, 400, summary_form=form)


@bp.route("/issues/<reference>/summary/withdraw", methods=["POST"])
def issue_summary_withdraw(reference: str):
    issue = _issue_in_scope(reference)
    errors: list[str] = []  # the app-wide CSRF check has run: the action needs no other input
    with refusals_to(errors) as attempt:
        withdraw_summary(db.session, issue, current_user)
    if attempt:
        return _done(issue, f"The public summary of {issue.reference} is withdrawn.")
    flash(errors[0])
    return redirect(url_for("pact.issue", reference=issue.reference))
