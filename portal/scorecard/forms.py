"""The admin's forms: one scorecard actual, and the partnership's targets."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from portal.core.forms import strip


class ActualForm(FlaskForm):
    # The choices are checked by `check_actual`, whose message lists the valid ones.
    indicator = SelectField("Indicator", validators=[DataRequired("Choose the indicator")],
                            validate_choice=False)
    year = SelectField("Year", validators=[DataRequired("Choose the year")], validate_choice=False)
    actual = StringField("Actual", filters=[strip],
                         validators=[DataRequired("Enter the actual, a number in the indicator's unit")])


class TargetsForm(FlaskForm):
    content = TextAreaField("Targets (YAML)", filters=[strip],
                            validators=[DataRequired("Enter the targets")])


class ClearTargetsForm(FlaskForm):
    """A button-only form: CSRF protection and nothing else."""
