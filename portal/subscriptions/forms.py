"""The e-mail alerts form on a neighbourhood's page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Email, Length

from portal.core.forms import strip
from portal.pact.issues import EMAIL_MAX


class AlertForm(FlaskForm):
    email = StringField("Email address", filters=[strip], validators=[
        DataRequired(message="Enter your email address"),
        Length(max=EMAIL_MAX, message=f"Email address must be {EMAIL_MAX} characters or fewer"),
        Email(message="Enter an email address in the right format, like name@example.com",
              check_deliverability=False)])
    frequency = RadioField("How often?", default="weekly", choices=[
        ("weekly", "Once a week, if anything happened"),
        ("immediate", "As soon as something happens")],
        validators=[DataRequired(message="Choose how often to get alerts")])
