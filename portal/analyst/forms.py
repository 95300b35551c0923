"""Analyst forms: the dashboard's choice of wave, area and indicator (GET), the report buttons, and
the model page's indicator and covariates."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

from portal.core.forms import MultiCheckboxField

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


class ModelIndicatorForm(FlaskForm):
    """Which indicator the model page shows; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    indicator = SelectField("Indicator", choices=[], validate_choice=False)


class ModelChoiceForm(FlaskForm):
    covariates = MultiCheckboxField("Covariates", choices=[], validate_choice=False)
