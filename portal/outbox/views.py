"""/admin/mail: undelivered mail (admins retry it), and in development the whole outbox, so the
demo's invitations, follow-up questions, alert confirmations and opt-out links can be read and
followed. The outbox answers 404 in production, where bodies hold residents' mail."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for

from portal.auth.access import staff_blueprint
from portal.core.extensions import db
from portal.core.mail import retry_dead
from portal.models import Role
from portal.outbox.pages import body_pieces
from portal.outbox.queries import mail_by_id, newest_mail, undelivered_mail

bp = staff_blueprint("outbox", __name__, roles=(Role.ADMIN,))


@bp.get("/")
def undelivered():
    return render_template("outbox/undelivered.html", messages=undelivered_mail(db.session),
                           outbox_open=not _production())


@bp.post("/<int:message_id>/retry")
def retry(message_id: int):
    if retry_dead(db.session, message_id):
        db.session.commit()
        flash("The message is queued again.")
    else:
        flash("That message is no longer waiting for a retry.")
    return redirect(url_for("outbox.undelivered"))


def _production() -> bool:
    return current_app.config["PORTAL_ENV"] == "production"


def _development_only() -> None:
    if _production():
        abort(404)


@bp.get("/outbox")
def outbox():
    _development_only()
    return render_template("outbox/outbox.html", messages=newest_mail(db.session))


@bp.get("/outbox/<int:message_id>")
def message(message_id: int):
    _development_only()
    mail = mail_by_id(db.session, message_id) or abort(404)
    return render_template("outbox/message.html", mail=mail,
                           pieces=body_pieces(mail.body, current_app.config["PUBLIC_BASE_URL"]))
