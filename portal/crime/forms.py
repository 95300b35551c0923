"""Forms of the recorded-crime upload page."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms.validators import InputRequired


class LookupForm(FlaskForm):
    lookup = FileField("LSOA lookup (CSV)", validators=[FileRequired("Choose the lookup CSV file")])


class StreetFilesForm(FlaskForm):
    files = MultipleFileField("police.uk street-level files (CSV)",
                              validators=[InputRequired("Choose one or more street-level CSV files")])
