"""Forms of the recorded-crime upload page."""

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms.validators import InputRequired


class StreetFilesForm(FlaskForm):
    files = MultipleFileField("police.uk street-level files (CSV)",
                              validators=[InputRequired("Choose one or more street-level CSV files")])
