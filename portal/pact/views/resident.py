"""The resident's PACT pages (no account): find the neighbourhood and raise an issue there, the
"raised" page, follow an issue by its reference, the issue's public page and a published meeting
paper. Raising and reference look-ups that miss are rate-limited per address."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext

from portal.areas.queries import all_neighbourhoods, neighbourhood_for_postcode, neighbourhood_or_404
from portal.core import audit
from portal.core.extensions import db
from portal.core.languages import N_
from portal.core.limits import over_limit
from portal.pact.forms import FindNeighbourhoodForm, FollowIssueForm, RaiseIssueForm
from portal.pact.issues import ContactDetails, public_events, raise_issue
from portal.pact.paper_response import paper_response
from portal.pact.queries import find_issue, issue_by_reference, public_paper
from portal.pact.references import shaped_reference
from portal.pact.views import resident_bp as bp
from surveys.postcodes import normalise_postcode


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
    form.neighbourhood.choices = [("", gettext("Choose a neighbourhood")),
                                  *((n.slug, n.name) for n in places)]
    status = 200
    if request.args:
        if form.validate():
            slug = form.neighbourhood.data
            if form.postcode.data:
                found = neighbourhood_for_postcode(db.session, form.postcode.data)
                slug = found.slug if found else None
                if slug is None:
                    form.postcode.errors = [gettext(
                        "We could not find a neighbourhood for %(postcode)s. Check the postcode, or choose "
                        "your neighbourhood from the list", postcode=normalise_postcode(form.postcode.data))]
            if slug:
                return redirect(url_for("issues.raise_issue_form", slug=slug))
        status = 400
    return render_template("pact/resident/choose_neighbourhood.html", form=form), status


@bp.route("/neighbourhoods/<slug>/issues/new", methods=["GET", "POST"])
def raise_issue_form(slug: str):
    place = neighbourhood_or_404(db.session, slug)
    form = RaiseIssueForm()
    status = 200
    if request.method == "POST":
        if form.website.data:  # the honeypot: a robot filled in a field people never see
            audit.record(db.session, "pact_issue_spam", "neighbourhood", place.slug)
            db.session.commit()
            return render_template("pact/resident/raised.html", issue=None, place=place)
        limited = over_limit("raise_issue", "PACT_RAISE_LIMIT",
                             N_("You have raised an issue too many times from this connection."),
                             audited=True)
        if limited:
            return limited
        if form.validate():
            latitude, longitude = form.point
            issue = raise_issue(
                db.session, place, form.category.data, form.description.data or "", form.location.data or "",
                latitude, longitude,
                ContactDetails(form.name.data or "", form.email.data or "", form.phone.data or "",
                               bool(form.consent.data), bool(form.follow_up.data)))
            db.session.commit()
            session["raised_reference"] = issue.reference
            return redirect(url_for("issues.issue_raised"))
        status = 400
    return render_template("pact/resident/raise.html", form=form, place=place), status


@bp.route("/issues/raised")
def issue_raised():
    reference = session.get("raised_reference")
    issue = issue_by_reference(db.session, reference)
    if not issue:
        return redirect(url_for("issues.choose_neighbourhood"))
    return render_template("pact/resident/raised.html", issue=issue, place=issue.neighbourhood)


@bp.route("/issues/follow")
def follow():
    form = FollowIssueForm(request.args)
    status = 200
    if request.args:
        if form.validate():
            # The right shape goes to the look-up, which says when no issue has that reference
            # (even one no reference could have); only a wrong shape is a format error.
            reference = shaped_reference(form.reference.data or "")
            if reference is None:
                form.reference.errors = [gettext("Enter the reference in the format PACT-7K3M-9Q")]
            else:
                return redirect(url_for("issues.issue", reference=reference))
        status = 400
    return render_template("pact/resident/follow.html", form=form), status


@bp.route("/issues/<reference>")
def issue(reference: str):
    shaped = shaped_reference(reference)
    if shaped and shaped != reference:
        return redirect(url_for("issues.issue", reference=shaped))
    found = find_issue(db.session, reference)
    if not found:
        limited = over_limit("issue_lookup_miss", "PACT_LOOKUP_LIMIT",
                             N_("You have looked up an issue reference that does not exist too many times "
                                "from this connection."), audited=True)
        if limited:
            return limited
        form = FollowIssueForm(formdata=None, reference=reference)
        form.reference.errors = [gettext("There is no issue with the reference %(reference)s. Check it and "
                                          "try again", reference=reference)]
        return render_template("pact/resident/follow.html", form=form), 404
    return render_template("pact/resident/issue.html", issue=found, events=public_events(found))
