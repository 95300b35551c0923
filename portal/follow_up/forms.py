"""The follow-up answer form: the answer (preselected from the link) and an optional comment."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.pact.follow_up import ANSWERS, COMMENT_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class FollowUpAnswerForm(FlaskForm):
    answer = RadioField("Was the issue resolved?", choices=[(a.value, a.label) for a in ANSWERS],
                        validators=[DataRequired("Choose whether the issue was resolved")])
    comment = TextAreaField(
        "Anything you want to tell the neighbourhood team? (optional)", filters=[_strip],
        validators=[Length(max=COMMENT_MAX,
                           message=f"The comment must be {COMMENT_MAX:,} characters or fewer")])
