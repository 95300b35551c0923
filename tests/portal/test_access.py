"""Every staff route checks sign-in, role and neighbourhood scope on the server.

The tests walk the app's URL map, so a new route is checked the moment it exists: a staff route
outside a `staff_blueprint` fails, every route is requested as each role its blueprint or its own
`requires(...)` leaves out, and so does a URL variable this file does not know how to fill
(add a `records` provider in a `tests/portal/<area>/scope_records.py`, or list it in UNSCOPED if it
names no neighbourhood's record).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import create_app
from portal.auth.access import PUBLIC_BLUEPRINTS, route_roles
from portal.models import ROLES, AuditEvent

# URL variables that do not identify a neighbourhood's record (the route is not neighbourhood-scoped).
UNSCOPED = {"filename", "wave", "wave_slug", "report_id", "job_id", "questionnaire", "user_id",
            "import_id", "message_id", "run_id", "version_id",
            "draft_id", "page_id", "question_id", "language", "covariate"}

STAFF_PREFIXES = ("/staff", "/analyst", "/admin", "/pact", "/charter", "/case-reviews")


def _rules():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    rules = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else None
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        rules.append(pytest.param(rule.rule, rule.endpoint, blueprint, methods, sorted(rule.arguments),
                                  id=f"{rule.endpoint}:{rule.rule}"))
    return rules


RULES = _rules()
STAFF_RULES = [r for r in RULES if r.values[2] not in PUBLIC_BLUEPRINTS]


@pytest.fixture
def url_values(db_session, neighbourhoods, make_user):
    """Values for URL variables, each naming a record in Twerton (or any value for UNSCOPED)."""
    from tests.portal.scope_records import twerton_records

    return twerton_records(db_session, neighbourhoods)


def _fill(rule: str, arguments: list[str], values: dict[str, str]) -> str:
    path = rule
    for argument in arguments:
        if argument in values:
            value = values[argument]
        elif argument in UNSCOPED:
            value = "1"
        else:
            pytest.fail(f"{rule}: no test value for <{argument}>; add a Twerton record for it in a "
                        "tests/portal/<area>/scope_records.py or list it in UNSCOPED")
        path = path.replace(f"<{argument}>", str(value))
        for converter in ("int", "string", "path", "uuid"):
            path = path.replace(f"<{converter}:{argument}>", str(value))
    return path


@pytest.mark.parametrize("rule, endpoint, blueprint, methods, arguments", RULES)
def test_staff_paths_belong_to_staff_blueprints(app, rule, endpoint, blueprint, methods, arguments):
    if blueprint in PUBLIC_BLUEPRINTS:
        if endpoint.startswith("auth."):
            return
        assert not rule.startswith(STAFF_PREFIXES), f"{endpoint} is public but lives under {rule}"
    else:
        blueprint_roles = getattr(app.blueprints[blueprint], "allowed_roles", None)
        assert blueprint_roles, f"{endpoint}: make its blueprint with portal.auth.access.staff_blueprint"
        roles = route_roles(app, endpoint)
        assert roles and set(roles) <= set(blueprint_roles) <= set(ROLES), (
            f"{endpoint}: requires({roles}) names a role its blueprint does not admit")


@pytest.mark.parametrize("rule, endpoint, blueprint, methods, arguments", STAFF_RULES)
def test_anonymous_visitors_are_sent_to_sign_in(client, url_values, rule, endpoint, blueprint,
                                                methods, arguments):
    path = _fill(rule, arguments, url_values)
    for method in methods:
        response = client.open(path, method=method)
        assert response.status_code == 302, f"{method} {path}"
        assert response.headers["Location"].startswith("/staff/sign-in")


@pytest.mark.parametrize("rule, endpoint, blueprint, methods, arguments", STAFF_RULES)
def test_other_roles_are_forbidden(app, signed_in, url_values, rule, endpoint, blueprint, methods,
                                   arguments):
    allowed = route_roles(app, endpoint)
    path = _fill(rule, arguments, url_values)
    for role in sorted(set(ROLES) - set(allowed)):
        client = signed_in(role, "keynsham") if role == "coordinator" else signed_in(role)
        for method in methods:
            assert client.open(path, method=method).status_code == 403, f"{role} {method} {path}"


# Routes only admins may use, inside blueprints other staff reach or in admin-only blueprints: they
# change waves or show residents' contact details (panel addresses, subject access, erasure). Pinned,
# so dropping a `requires(Role.ADMIN)` fails here and not only in a review; the walker above then
# requests each as an analyst and as a coordinator.
ADMIN_ONLY = {
    "/admin/concerns/", "/admin/concerns/restore",
    "/admin/accessibility/", "/case-reviews/<case_ref>/override",
    "/admin/crime/", "/admin/crime/files",
    "/admin/mail/", "/admin/mail/<int:message_id>/retry", "/admin/mail/outbox",
    "/admin/mail/outbox/<int:message_id>",
    "/admin/languages/", "/admin/languages/questionnaires/<int:version_id>",
    "/admin/people", "/admin/people/access.json", "/admin/questionnaires/import",
    "/admin/questionnaires/<int:version_id>/draft",
    "/admin/questionnaires/<int:version_id>/translations", "/admin/questionnaires/drafts/<int:draft_id>",
    "/admin/questionnaires/drafts/<int:draft_id>/pages/<page_id>/questions/new",
    "/admin/questionnaires/drafts/<int:draft_id>/questions/<question_id>/delete",
    "/admin/questionnaires/drafts/<int:draft_id>/questions/<question_id>/edit",
    "/admin/questionnaires/drafts/<int:draft_id>/questions/<question_id>/copy",
    "/admin/questionnaires/drafts/<int:draft_id>/questions/<question_id>/move",
    "/admin/questionnaires/drafts/<int:draft_id>/questions/<question_id>/page",
    "/admin/questionnaires/drafts/<int:draft_id>/pages/new",
    "/admin/questionnaires/drafts/<int:draft_id>/pages/<page_id>/edit",
    "/admin/questionnaires/drafts/<int:draft_id>/pages/<page_id>/delete",
    "/admin/questionnaires/drafts/<int:draft_id>/pages/<page_id>/move",
    "/admin/questionnaires/drafts/<int:draft_id>/pages/<page_id>/routing",
    "/admin/questionnaires/drafts/<int:draft_id>/publish", "/admin/people/erase",
    "/admin/setup/", "/admin/setup/agencies", "/admin/setup/agencies/<slug>/rename",
    "/admin/setup/areas", "/admin/setup/areas/neighbourhoods", "/admin/setup/areas/postcodes",
    "/admin/setup/areas/population", "/admin/setup/areas/<slug>/class",
    "/admin/setup/areas/postcodes/<int:run_id>", "/admin/setup/areas/covariates",
    "/admin/setup/areas/covariates/<covariate>/remove",
    "/admin/setup/partnership", "/admin/setup/partnership/logo", "/admin/setup/partnership/logo/remove",
    "/admin/setup/agencies/<slug>/retire", "/admin/setup/agencies/<slug>/restore",
    "/admin/waves/new", "/admin/waves/<wave_slug>/import", "/admin/waves/<wave_slug>/panel",
    "/admin/waves/<wave_slug>/design",
    "/admin/waves/<wave_slug>/panel/invitations", "/admin/waves/<wave_slug>/panel/non-responders",
    "/admin/waves/<wave_slug>/panel/reminders", "/admin/waves/<wave_slug>/fieldwork/reminders",
    "/analyst/scorecard/actuals",
    "/analyst/scorecard/targets", "/analyst/scorecard/targets.yaml", "/analyst/scorecard/targets/clear",
}


def test_the_admin_only_routes_are_the_pinned_ones(app):
    admin_only = {r.values[0] for r in STAFF_RULES if set(route_roles(app, r.values[1])) == {"admin"}}
    assert admin_only == ADMIN_ONLY, (
        "Admin-only routes changed: a route lost requires(Role.ADMIN) "
        f"({sorted(ADMIN_ONLY - admin_only)}) or gained it ({sorted(admin_only - ADMIN_ONLY)}); "
        "update ADMIN_ONLY only if that is the intended policy")


SCOPED_RULES = [r for r in STAFF_RULES if set(r.values[4]) - UNSCOPED]


@pytest.mark.parametrize("rule, endpoint, blueprint, methods, arguments", SCOPED_RULES)
def test_coordinators_get_404_for_another_neighbourhoods_records(app, signed_in, url_values,
                                                                 db_session, rule, endpoint,
                                                                 blueprint, methods, arguments):
    if "coordinator" not in route_roles(app, endpoint):
        pytest.skip("coordinators cannot use this blueprint at all (checked above)")
    client = signed_in("coordinator", "keynsham")
    path = _fill(rule, arguments, url_values)
    for method in methods:
        assert client.open(path, method=method).status_code == 404, f"{method} {path}"
    audited = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "out_of_scope")).all()
    assert len(audited) == len(methods)


def test_a_coordinator_sees_only_their_neighbourhoods(signed_in):
    client = signed_in("coordinator", "keynsham")
    page = client.get("/staff/").get_data(as_text=True)
    assert "Keynsham" in page and "Twerton" not in page and "Chew Valley" not in page
    assert client.get("/staff/neighbourhoods/keynsham").status_code == 200


def test_analysts_and_admins_see_every_neighbourhood(signed_in):
    for role in ("analyst", "admin"):
        page = signed_in(role).get("/staff/").get_data(as_text=True)
        assert "Keynsham" in page and "Twerton" in page and "Chew Valley" in page


def test_staff_home_offers_each_role_its_tools(signed_in):
    coordinator = signed_in("coordinator", "keynsham").get("/staff/").get_data(as_text=True)
    assert "PACT console" in coordinator and "Survey waves" not in coordinator
    analyst = signed_in("analyst").get("/staff/").get_data(as_text=True)
    assert "Survey waves" in analyst and "PACT console" not in analyst
