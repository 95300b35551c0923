"""The e-mail alerts form on a neighbourhood's page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Email, Length

from portal.core.forms import strip
from portal.pact.issues import EMAIL_MAX


class AlertForm(FlaskForm):
    email = StringField(_l("Email address"), filters=[strip], validators=[
        DataRequired(message=_l("Enter your email address")),
        Length(max=EMAIL_MAX, message=_l("Email address must be %(limit)s characters or fewer",
                                                   limit=EMAIL_MAX)),
        Email(message=_l("Enter an email address in the right format, like name@example.com"),
              check_deliverability=False)])
    frequency = RadioField(_l("How often?"), default="weekly", choices=[
        ("weekly", _l("Once a week, if anything happened")),
        ("immediate", _l("As soon as something happens"))],
        validators=[DataRequired(message=_l("Choose how often to get alerts"))])
