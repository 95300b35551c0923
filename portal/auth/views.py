from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from analysis.formatting import plural
from portal.auth.forms import SignInForm
from portal.auth.signin import SignInLimits, check_sign_in
from portal.auth.staff_sessions import end_every_session, mark_signed_in
from portal.core import audit
from portal.core.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only follow same-site relative paths after sign-in (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _rules() -> SignInLimits:
    config = current_app.config
    return SignInLimits(config["SIGN_IN_MAX_FAILURES"], config["SIGN_IN_LOCKOUT_MINUTES"])


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"))
    form = SignInForm()
    status, headers = 200, dict[str, str]()
    if form.validate_on_submit():
        result = check_sign_in(db.session, form.email.data or "", form.password.data or "",
                               request.remote_addr or "", _rules())
        if result.ok:
            login_user(result.user)
            mark_signed_in()
            return redirect(_safe_next(request.args.get("next")) or url_for("staff.home"))
        if result.refusal is not None:
            form.form_errors.append(
                f"Too many failed sign-in attempts. Wait {plural(result.refusal.minutes, 'minute')} "
                "and try again."
            )
            status, headers = 429, result.refusal.headers
        else:
            form.form_errors.append("The email address or password is not right")
            status = 401
    elif form.errors:
        status = 400
    return render_template("auth/sign_in.html", form=form,
                           idle_minutes=current_app.config["STAFF_IDLE_MINUTES"]), status, headers


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    """Sign out here and everywhere: every session of this user, on every server, ends now."""
    audit.record(db.session, "sign_out", "staff_user", current_user.id)
    end_every_session(db.session, current_user.id)
    db.session.commit()
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("public.home"))
