"""Pages for residents (no account, no personal data): the home page, each neighbourhood's PACT page,
raising an issue and following one by its reference."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from analysis.formatting import plural
from portal.areas.queries import (
    all_neighbourhoods,
    neighbourhood_for_postcode,
    neighbourhood_or_404,
)
from portal.core import audit, limits
from portal.core.clock import today, utcnow
from portal.core.errors import render_error
from portal.core.extensions import db
from portal.core.mail import deliver_pending
from portal.pact.agendas import public_paper
from portal.pact.issues import ContactDetails, find_issue, issue_by_reference, public_events, raise_issue
from portal.pact.pages import neighbourhood_page
from portal.pact.paper_response import paper_response
from portal.pact.references import shaped_reference
from portal.public.forms import FindNeighbourhoodForm, FollowIssueForm, RaiseIssueForm
from portal.retention import retention_periods
from portal.survey.consent import minimum_group
from portal.survey.waves import survey_minutes
from surveys.postcodes import normalise_postcode

log = logging.getLogger("portal.public")

bp = Blueprint("public", __name__)

# Defaults; override with app config PACT_RAISE_LIMIT / PACT_LOOKUP_LIMIT = (count, seconds).
RAISE_LIMIT = (10, 3600)
LOOKUP_LIMIT = (30, 3600)



def _over_limit(bucket: str, name: str, default: tuple[int, int], what: str):
    """Count this request from the caller's address; the 429 page if it is one too many, else None."""
    limit = limits.Limit(*current_app.config.get(name, default))
    refusal = limits.hit(bucket, request.remote_addr or "", limit)
    if refusal is None:
        # The audit log keeps each counted request, as when it did the counting (at most the limit's
        # count of rows per address and window: refusals are not written).
        audit.record(db.session, "rate_limited_request", bucket)
        db.session.commit()
        return None
    log.warning("pact rate limit", extra={"bucket": bucket})
    body, status = render_error(429, (
        f"You have {what} too many times from this connection: the limit is "
        f"{refusal.limit.describe()}. Wait {plural(refusal.minutes, 'minute')} and try again. Nothing you "
        "entered was saved. To report a crime call 101, or 999 in an emergency."))
    return body, status, refusal.headers


@bp.route("/")
def home():
    return render_template("public/home.html", neighbourhoods=all_neighbourhoods(db.session),
                           follow=FollowIssueForm(formdata=None),
                           survey_minutes=survey_minutes(db.session, today()))


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; send them to the icon (no 404 logged)."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.route("/privacy")
def privacy():
    """How we use residents' information, with the retention schedule as configured."""
    return render_template("public/privacy.html", keep=retention_periods(current_app.config),
                           suppress_below=minimum_group())


@bp.route("/neighbourhoods/<slug>")
def neighbourhood(slug: str):
    place = neighbourhood_or_404(db.session, slug)
    return render_template("public/neighbourhood.html", page=neighbourhood_page(db.session, place, utcnow()))


@bp.route("/neighbourhoods/<slug>/meetings/<int:meeting_id>/papers/<int:paper_id>/<filename>")
def meeting_paper(slug: str, meeting_id: int, paper_id: int, filename: str):
    """A published agenda's paper; 404 while the agenda is unpublished (or withdrawn). The filename
    in the address is for people and is not trusted: the stored, sanitised one is sent."""
    return paper_response(db.session, public_paper(db.session, slug, meeting_id, paper_id))


@bp.route("/issues/new")
def choose_neighbourhood():
    """Step 1 of raising an issue: find the neighbourhood by postcode or from the list (GET form)."""
    places = all_neighbourhoods(db.session)
    form = FindNeighbourhoodForm(request.args)
    form.neighbourhood.choices = [("", "Choose a neighbourhood")] + [(n.slug, n.name) for n in places]
    status = 200
    if request.args:
        if form.validate():
            slug = form.neighbourhood.data
            if form.postcode.data:
                found = neighbourhood_for_postcode(db.session, form.postcode.data)
                slug = found.slug if found else None
                if slug is None:
                    form.postcode.errors = [
                        f"We could not find a neighbourhood for {normalise_postcode(form.postcode.data)}. "
                        "Check the postcode, or choose your neighbourhood from the list"]
            if slug:
                return redirect(url_for("public.raise_issue_form", slug=slug))
        status = 400
    return render_template("public/choose_neighbourhood.html", form=form), status


@bp.route("/neighbourhoods/<slug>/issues/new", methods=["GET", "POST"])
def raise_issue_form(slug: str):
    place = neighbourhood_or_404(db.session, slug)
    form = RaiseIssueForm()
    status = 200
    if request.method == "POST":
        if form.website.data:  # the honeypot: a robot filled in a field people never see
            audit.record(db.session, "pact_issue_spam", "neighbourhood", place.slug)
            db.session.commit()
            return render_template("public/raised.html", issue=None, place=place)
        limited = _over_limit("raise_issue", "PACT_RAISE_LIMIT", RAISE_LIMIT, "raised an issue")
        if limited:
            return limited
        if form.validate():
            latitude, longitude = form.point
            issue = raise_issue(
                db.session, place, form.category.data, form.description.data, form.location.data,
                latitude, longitude,
                ContactDetails(form.name.data or "", form.email.data or "", form.phone.data or "",
                               bool(form.consent.data), bool(form.follow_up.data)))
            db.session.commit()
            deliver_pending(db.session, current_app.config)
            session["raised_reference"] = issue.reference
            return redirect(url_for("public.issue_raised"))
        status = 400
    return render_template("public/raise.html", form=form, place=place), status


@bp.route("/issues/raised")
def issue_raised():
    reference = session.get("raised_reference")
    issue = issue_by_reference(db.session, reference)
    if not issue:
        return redirect(url_for("public.choose_neighbourhood"))
    return render_template("public/raised.html", issue=issue, place=issue.neighbourhood)


@bp.route("/issues/follow")
def follow():
    form = FollowIssueForm(request.args)
    status = 200
    if request.args:
        if form.validate():
            # The right shape goes to the look-up, which says when no issue has that reference
            # (even one no reference could have); only a wrong shape is a format error.
            reference = shaped_reference(form.reference.data)
            if reference is None:
                form.reference.errors = ["Enter the reference in the format PACT-7K3M-9Q"]
            else:
                return redirect(url_for("public.issue", reference=reference))
        status = 400
    return render_template("public/follow.html", form=form), status


@bp.route("/issues/<reference>")
def issue(reference: str):
    shaped = shaped_reference(reference)
    if shaped and shaped != reference:
        return redirect(url_for("public.issue", reference=shaped))
    found = find_issue(db.session, reference)
    if not found:
        limited = _over_limit("issue_lookup_miss", "PACT_LOOKUP_LIMIT", LOOKUP_LIMIT,
                              "looked up an issue reference that does not exist")
        if limited:
            return limited
        form = FollowIssueForm(formdata=None, reference=reference)
        form.reference.errors = [f"There is no issue with the reference {reference}. Check it and try again"]
        return render_template("public/follow.html", form=form), 404
    return render_template("public/issue.html", issue=found, events=public_events(found))
