"""The admins' form for the accessibility statement's editable part."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, TextAreaField
from wtforms.validators import DataRequired

from portal.core.forms import plausible_date, strip, too_long
from portal.models import ComplianceStatus


class StatementForm(FlaskForm):
    status = RadioField("Compliance with WCAG 2.2 AA",
                        choices=[(s.value, s.label.capitalize()) for s in ComplianceStatus],
                        validators=[DataRequired("Choose how compliant the site is")])
    items = TextAreaField("What is not accessible, and why", filters=[strip],
                          validators=[too_long("The list", 60000)])
    prepared_on = DateField("Date the statement was prepared",
                            validators=[DataRequired("Enter the date it was prepared, like 2026-09-23"),
                                        plausible_date])
    reviewed_on = DateField("Date it was last reviewed",
                            validators=[DataRequired("Enter the date it was last reviewed, like 2026-12-01"),
                                        plausible_date])
