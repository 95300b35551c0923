"""Who may reach what: roles per staff blueprint, and neighbourhood scope per record.

Every staff blueprint is made with `staff_blueprint`, which checks sign-in and role before any of its
views runs, so a new route cannot forget the check (a test walks the URL map to prove it). Records
outside a coordinator's neighbourhoods are reported as missing (404), never as forbidden, and the
attempt is audited.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, Flask, abort, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from portal.areas.queries import all_neighbourhoods, neighbourhood_by_slug
from portal.core import audit
from portal.models import Neighbourhood, Role, StaffUser

# Blueprints anyone may use without signing in (residents never have accounts).
PUBLIC_BLUEPRINTS = {"public", "issues", "survey", "auth", "static", "api", "results", "subscriptions",
                     "complaints", "accessibility",
                     "asb_case_review", None}


class StaffBlueprint(Blueprint):
    """A blueprint that knows which roles may use it (read by the URL-map access test)."""

    allowed_roles: tuple[Role, ...]


def staff_blueprint(name: str, import_name: str, roles: tuple[Role, ...], **kwargs) -> StaffBlueprint:
    """A blueprint whose every view needs a signed-in staff user with one of `roles`."""
    bp = StaffBlueprint(name, import_name, **kwargs)
    bp.allowed_roles = roles

    @bp.before_request
    def _check_role():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        if current_user.role not in roles:
            abort(403)
        return None

    return bp


def requires(*roles: Role):
    """A view that only some of its blueprint's roles may use (anyone else signed in gets 403).

    The roles are kept on the view as `allowed_roles`, as `staff_blueprint` keeps them on the
    blueprint, so the URL-map access test requests the route as every other role."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        setattr(wrapped, "allowed_roles", roles)  # noqa: B010 - a function attribute, read as data
        return wrapped
    return decorate


def route_roles(app: Flask, endpoint: str) -> tuple[Role, ...] | None:
    """The roles that may use a staff route: its own `requires`, else its blueprint's."""
    roles = getattr(app.view_functions[endpoint], "allowed_roles", None)
    if roles is None and "." in endpoint:
        roles = getattr(app.blueprints[endpoint.rsplit(".", 1)[0]], "allowed_roles", None)
    return roles



def visible_neighbourhoods(session: Session, user: StaffUser) -> list[Neighbourhood]:
    """The neighbourhoods `user` works in, by name: all of them for admins and analysts."""
    if user.sees_all_neighbourhoods:
        return all_neighbourhoods(session)
    return list(user.neighbourhoods)


def check_scope(session: Session, user: StaffUser, neighbourhood_id: int | None,
                target_type: str, target_id: object) -> None:
    """404 (and an audit record) when the user does not cover the record's neighbourhood."""
    if neighbourhood_id is not None and user.covers(neighbourhood_id):
        return
    audit.record(session, "out_of_scope", target_type, target_id, path=request.path)
    session.commit()
    abort(404)


def neighbourhood_in_scope(session: Session, user: StaffUser, slug: str) -> Neighbourhood:
    neighbourhood = neighbourhood_by_slug(session, slug)
    check_scope(session, user, neighbourhood.id if neighbourhood else None, "neighbourhood", slug)
    assert neighbourhood is not None  # check_scope answered 404 otherwise
    return neighbourhood
