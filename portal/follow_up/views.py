"""The follow-up answer page (/issues/follow-up/<token>) and `flask --app portal follow-ups send`.

GET shows the answer the resident clicked, preselected, with a comment box and a confirm button,
and records nothing: mail scanners and link previews open every link in an e-mail, so an answer
recorded on GET would be the scanner's. Only the POST of the form records it (with its CSRF token).
"""

from __future__ import annotations

import click
from flask import Blueprint, current_app, render_template, request

from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.core.links import public_url
from portal.core.mail import deliver_pending
from portal.follow_up.forms import FollowUpAnswerForm
from portal.models import FollowUpAnswer
from portal.pact.follow_up import (
    AlreadyAnswered,
    FollowUpLinkError,
    FollowUpSettings,
    issue_for_token,
    record_answer,
    send_follow_ups,
)

bp = Blueprint("follow_up", __name__, cli_group="follow-ups")


def _settings() -> FollowUpSettings:
    return FollowUpSettings.from_config(current_app.config)


def _page(state: str, status: int = 200, **values):
    return render_template("public/follow_up.html", state=state, **values), status


@bp.route("/issues/follow-up/<token>", methods=["GET", "POST"])
def answer(token: str):
    try:
        issue = issue_for_token(db.session, _settings(), token)
    except FollowUpLinkError as error:
        return _page("problem", 400, problem=str(error))
    if issue.followup_answer is not None:
        return _page("already", issue=issue)
    form = FollowUpAnswerForm()
    if request.method == "GET":
        clicked = request.args.get("answer", "")
        form = FollowUpAnswerForm(formdata=None,
                                  answer=clicked if clicked in FollowUpAnswer.values() else None)
        return _page("ask", form=form, issue=issue, token=token)
    if not form.validate():
        return _page("ask", 400, form=form, issue=issue, token=token)
    try:
        record_answer(db.session, issue, form.answer.data, form.comment.data or "", utcnow())
    except AlreadyAnswered as already:
        db.session.rollback()
        return _page("already", issue=already.issue)
    db.session.commit()
    deliver_pending(db.session, current_app.config)
    return _page("done", issue=issue)


@bp.cli.command("send", help="E-mail the due \"Was it resolved?\" questions (run it daily; a rerun, "
                             "or a second server running it at once, asks nobody twice).")
@click.option("--dry-run", is_flag=True, help="Print which issues are due and change nothing.")
def send_command(dry_run: bool) -> None:
    with db.transaction() as session:
        asked = send_follow_ups(session, _settings(), utcnow(), public_url, dry_run=dry_run)
        lines = [f"{i.reference} ({i.neighbourhood.name})" for i in asked]
        sent = 0 if dry_run else deliver_pending(session, current_app.config)
    for line in lines:
        click.echo(line)
    if dry_run:
        click.echo(f"Dry run: {len(lines)} follow-up questions are due; nothing was sent or changed.")
    else:
        click.echo(f"{len(lines)} follow-up questions queued, {sent} e-mails sent.")
