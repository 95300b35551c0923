"""The follow-up answer page (/issues/follow-up/<token>), on the resident blueprint; the rules are
`portal.pact.follow_up`, the e-mails are sent by `flask --app portal follow-ups send` (`portal.pact.cli`).

GET shows the answer the resident clicked, preselected, with a comment box and a confirm button,
and records nothing: mail scanners and link previews open every link in an e-mail, so an answer
recorded on GET would be the scanner's. Only the POST of the form records it (with its CSRF token).
"""

from __future__ import annotations

from flask import current_app, render_template, request

from portal.core.clock import utcnow
from portal.core.extensions import db
from portal.models import FollowUpAnswer
from portal.pact.follow_up import (
    AlreadyAnswered,
    FollowUpLinkError,
    FollowUpSettings,
    issue_for_token,
    record_answer,
)
from portal.pact.forms import FollowUpAnswerForm
from portal.pact.views import resident_bp as bp


def _page(state: str, status: int = 200, **values):
    return render_template("pact/resident/follow_up.html", state=state, **values), status


@bp.route("/issues/follow-up/<token>", methods=["GET", "POST"])
def follow_up(token: str):
    try:
        issue = issue_for_token(db.session, FollowUpSettings.from_config(current_app.config), token)
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
    return _page("done", issue=issue)

