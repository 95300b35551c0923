"""The staff home page: what each signed-in role can reach, scoped to their neighbourhoods."""

from flask import current_app, render_template, url_for
from flask_login import current_user

from portal.areas.queries import counts_by_neighbourhood
from portal.auth.access import neighbourhood_in_scope, route_roles, staff_blueprint, visible_neighbourhoods
from portal.core.extensions import db
from portal.models import PactIssue, Response, Role
from portal.staff.pages import population_rows

bp = staff_blueprint("staff", __name__, roles=(Role.COORDINATOR, Role.ANALYST, Role.ADMIN))


# What the staff home page offers: (title, endpoint, description); each role sees the tools its
# routes let it use (`route_roles`), so the page never restates who may use what.
TOOLS = [
    ("PACT console", "pact.issues",
     "Triage, assign and close local issues; meetings, priorities and service standards."),
    ("PACT metrics", "pact.metrics",
     "Issues raised and closed, % dealt with locally, days to first response and to close."),
    ("Complaints and enquiries", "charter.queue",
     "Residents' written complaints and enquiries against the Service Charter's 5 and 15 working days."),
    ("ASB case reviews", "case_reviews.queue",
     "Community Trigger applications: reports across agencies, the threshold, the review and its letters."),
    ("Accessibility statement", "statement.edit",
     "The statement's compliance status, what is not accessible and why, and its review date."),
    ("Survey results", "analyst.dashboard",
     "Weighted indicators with confidence intervals, comparisons, charts and PDF reports."),
    ("Survey waves", "admin.waves",
     "Open waves, panel invitations, paper and telephone imports, exports."),
    ("LAA scorecard", "scorecard.index",
     "Every Local Area Agreement target with actuals and status; NI 21 and NI 16 filled in."),
    ("Survey concerns and PACT priorities", "concern_mapping.edit",
     "Which PACT categories and priority topics address each survey concern."),
    ("Set up the partnership", "setup.checklist",
     "What a new partnership does in order, from ONS files, and what is still missing."),
    ("The partnership", "setup.partnership",
     "Its name, area, contacts and logo, shown on every page, e-mail, report and feed."),
    ("Agencies", "setup.agencies",
     "Add, rename and retire the partner agencies issues and priorities are given to."),
    ("Recorded crime", "crime.index",
     "Import police.uk street-level files and the LSOA lookup for rates and fear against risk."),
]


def _tools(role: str) -> list[dict]:
    return [{"title": title, "url": url_for(endpoint), "description": text}
            for title, endpoint, text in TOOLS
            if endpoint in current_app.view_functions and role in (route_roles(current_app, endpoint) or ())]


@bp.route("/")
def home():
    neighbourhoods = visible_neighbourhoods(db.session, current_user)
    ids = [n.id for n in neighbourhoods]
    return render_template(
        "staff/home.html",
        neighbourhoods=neighbourhoods,
        responses=counts_by_neighbourhood(db.session, Response.neighbourhood_id, ids),
        issues=counts_by_neighbourhood(db.session, PactIssue.neighbourhood_id, ids),
        tools=_tools(current_user.role),
    )


@bp.route("/neighbourhoods/<slug>")
def neighbourhood(slug: str):
    place = neighbourhood_in_scope(db.session, current_user, slug)
    return render_template("staff/neighbourhood.html", place=place,
                           population=population_rows(db.session, place),
                           **survey_concerns(place))


def survey_concerns(place) -> dict:
    """The latest closed wave's concerns beside the active priorities (empty with no wave yet)."""
    from portal.pact.concerns import concern_rows
    from portal.reports.cache import analysis_cache
    from portal.reports.data import ReportError

    try:
        analysis = analysis_cache().get(db.session, None)
    except ReportError:
        return {"concerns": None, "concerns_wave": None}
    return {"concerns": concern_rows(db.session, analysis, place),
            "concerns_wave": analysis.wave.name}
