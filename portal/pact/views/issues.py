"""Console views for issues: the filtered list with service-standard breaches, the CSV export, one
issue with its history, and the actions on it (status, assignment, updates, merging)."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.access import check_scope, visible_neighbourhoods
from portal.extensions import db
from portal.mail import deliver_pending
from portal.models import Agency, PactIssue, Priority, priority_issue, utcnow
from portal.pact import issues as issue_rules
from portal.pact.console import LIMIT, IssueFilters, find_issues, issues_csv, overdue
from portal.pact.forms import AssignForm, IssueFilterForm, MergeForm, StatusForm, UpdateForm
from portal.pact.references import normalise_reference
from portal.pact.standards import service_breaches
from portal.pact.views import bp
from portal.pact.workflow import CLOSED, allowed_transitions, change_status, status_label
from portal.refusals import refusals_to


def _agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.name)))


def _filters() -> tuple[IssueFilterForm, IssueFilters]:
    places = visible_neighbourhoods(db.session, current_user)
    form = IssueFilterForm(request.args)
    form.neighbourhood.choices = [("", "All your neighbourhoods")] + [(n.slug, n.name) for n in places]
    form.agency.choices = ([("", "Any agency"), ("none", "Not assigned")]
                           + [(a.slug, a.name) for a in _agencies()])
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
                           csv_query=request.query_string.decode(), limit=LIMIT)


@bp.route("/issues.csv")
def issues_export():
    _, filters = _filters()
    found = find_issues(db.session, visible_neighbourhoods(db.session, current_user), filters, utcnow(),
                        limit=None)
    return Response(issues_csv(found), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=pact-issues.csv"})


def _issue_in_scope(reference: str) -> PactIssue:
    issue = db.session.scalar(select(PactIssue).where(PactIssue.reference == reference))
    check_scope(db.session, current_user, issue.neighbourhood_id if issue else None, "pact_issue", reference)
    return issue


def _status_form(issue: PactIssue, formdata=None) -> StatusForm:
    form = StatusForm(formdata=formdata, prefix="status")
    form.status.choices = [("", "Choose a status")] + [
        (s, status_label(s)) for s in allowed_transitions(issue.status)]
    return form


def _assign_form(formdata=None) -> AssignForm:
    form = AssignForm(formdata=formdata, prefix="assign")
    form.agency.choices = [("", "Choose an agency")] + [(a.slug, a.name) for a in _agencies()]
    return form


def _issue_page(issue: PactIssue, status: int = 200, **forms):
    now = utcnow()
    forms.setdefault("status_form", _status_form(issue))
    forms.setdefault("assign_form", _assign_form())
    forms.setdefault("update_form", UpdateForm(formdata=None, prefix="update"))
    forms.setdefault("merge_form", MergeForm(formdata=None, prefix="merge"))
    priorities = db.session.scalars(
        select(Priority).join(priority_issue).where(priority_issue.c.issue_id == issue.id)).all()
    duplicates = db.session.scalars(select(PactIssue).where(PactIssue.duplicate_of_id == issue.id)).all()
    return render_template("pact/issue.html", issue=issue, now=now, is_overdue=overdue(issue, now),
                           closed=issue.status in CLOSED, priorities=priorities, duplicates=duplicates,
                           **forms), status


def _done(issue: PactIssue, message: str):
    """After a committed action: send the mail it queued, say what happened, show the issue."""
    deliver_pending(db.session, current_app.config)
    flash(message)
    return redirect(url_for("pact.issue", reference=issue.reference))


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
            if to in CLOSED:
                issue_rules.close(db.session, issue, to, form.public_note.data, current_user)
                if form.internal_note.data:
                    issue_rules.add_update(db.session, issue, form.internal_note.data, False, current_user)
            else:
                change_status(db.session, issue, to, current_user, public_note=form.public_note.data,
                              internal_note=form.internal_note.data)
        if attempt:
            return _done(issue, f"{issue.reference} is now '{status_label(to)}'.")
    return _issue_page(issue, 400, status_form=form)


@bp.route("/issues/<reference>/assign", methods=["POST"])
def issue_assign(reference: str):
    issue = _issue_in_scope(reference)
    form = _assign_form(request.form)
    if form.validate():
        agency = db.session.scalar(select(Agency).where(Agency.slug == form.agency.data))
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
            issue_rules.add_update(db.session, issue, form.body.data, public, current_user)
        if attempt:
            return _done(issue, "Public update recorded." if public else "Internal note recorded.")
    return _issue_page(issue, 400, update_form=form)


@bp.route("/issues/<reference>/merge", methods=["POST"])
def issue_merge(reference: str):
    issue = _issue_in_scope(reference)
    form = MergeForm(request.form, prefix="merge")
    if form.validate():
        target_ref = normalise_reference(form.into.data)
        target = target_ref and db.session.scalar(select(PactIssue).where(PactIssue.reference == target_ref))
        if not target or not current_user.covers(target.neighbourhood_id):
            form.into.errors.append(f"There is no issue {form.into.data} in your neighbourhoods")
        else:
            with refusals_to(form.into.errors) as attempt:
                issue_rules.merge(db.session, issue, target, current_user)
            if attempt:
                return _done(issue, f"{issue.reference} is closed as a duplicate of {target.reference}.")
    return _issue_page(issue, 400, merge_form=form)
