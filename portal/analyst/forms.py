"""Analyst dashboard forms: the choice of wave, area and indicator (GET), and the report buttons."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

AUTHORITY = "authority"


class ChoiceForm(FlaskForm):
    """What the dashboard shows; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    wave = SelectField("Survey wave", choices=[], validate_choice=False)
    area = SelectField("Neighbourhood or authority", choices=[], validate_choice=False)
    indicator = SelectField("Indicator", choices=[], validate_choice=False)


class NeighbourhoodPdfForm(FlaskForm):
    wave = HiddenField()
    neighbourhood = SelectField("Neighbourhood", choices=[], validate_choice=False)


class BatchForm(FlaskForm):
    wave = HiddenField()
