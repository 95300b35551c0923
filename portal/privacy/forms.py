"""Forms for subject access and erasure."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from portal.core.forms import strip


class PersonForm(FlaskForm):
    """Look up everything held about an e-mail address (subject access and erasure)."""

    email = StringField("E-mail address", filters=[strip], validators=[
        DataRequired("Enter the e-mail address to look up, like name@example.org"),
        Length(max=254, message="An e-mail address is 254 characters at most")])


class EraseForm(FlaskForm):
    """The erasure's confirmation: the address travels in a hidden field, the box must be ticked."""

    email = HiddenField(validators=[DataRequired("The address to erase is missing; look it up again")])
    confirm = BooleanField("I have checked that the person asking is the holder of this address",
                           validators=[DataRequired("Tick the box to confirm the erasure")])
