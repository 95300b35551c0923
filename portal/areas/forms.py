"""Forms of the set-up pages."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.areas.agencies import NAME_MAX
from portal.core.forms import strip


class AgencyForm(FlaskForm):
    name = StringField("Agency's name", filters=[strip], validators=[
        DataRequired("Enter the agency's name"),
        Length(max=NAME_MAX, message=f"The name must be {NAME_MAX} characters or fewer")])


class ButtonForm(FlaskForm):
    """A button-only form: CSRF protection and nothing else."""
