"""Staff sessions that end: on sign-out, a new password or a disabled account (everywhere at once),
and after `STAFF_IDLE_MINUTES` without a request.

Sessions are signed cookies, so a copied cookie cannot be revoked by forgetting it on the server.
Instead each cookie names the user's *session version* (flask-login's id is "id:version", see
`StaffUser.get_id`), and every staff request loads the user and compares: raising the version in
the database ends every session of that user on every server in the same instant.
"""

from __future__ import annotations

from flask import Flask, current_app, flash, session
from flask_login import logout_user
from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.core.clock import epoch_seconds
from portal.core.extensions import db
from portal.models import StaffUser

LAST_SEEN = "staff_seen"  # Unix time of the session's last request, in whole seconds
# Rewrite the cookie's timestamp at most this often (seconds), not on every request.
SEEN_RESOLUTION = 60


def load_user(session_id: str) -> StaffUser | None:
    """flask-login's loader: the user named by "id:version" if that version is still current."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 18:
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_every_session(db_session: Session, user_id: int) -> None:
    """Raise the user's session version (one atomic UPDATE); the caller commits."""
    db_session.execute(update(StaffUser).where(StaffUser.id == user_id)
                       .values(session_version=StaffUser.session_version + 1))


def mark_signed_in() -> None:
    session[LAST_SEEN] = int(epoch_seconds())


def end_idle_session() -> None:
    """Before every request: sign out a staff session idle longer than STAFF_IDLE_MINUTES."""
    if "_user_id" not in session:
        return
    now = int(epoch_seconds())
    seen = session.get(LAST_SEEN)
    minutes = current_app.config["STAFF_IDLE_MINUTES"]
    if isinstance(seen, int) and now - seen > minutes * 60:
        logout_user()
        session.pop(LAST_SEEN, None)
        flash(f"You were signed out because the page was not used for {minutes} minutes. "
              "Sign in again to carry on.")
        return
    if not isinstance(seen, int) or now - seen >= SEEN_RESOLUTION:
        session[LAST_SEEN] = now


def init_app(app: Flask) -> None:
    app.before_request(end_idle_session)
