"""Forms of the questionnaire pages: a definition file to upload, a judgement that a change compares."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.core.forms import strip

MAX_DEFINITION_BYTES = 512 * 1024


class DefinitionUploadForm(FlaskForm):
    file = FileField("Questionnaire file (YAML)",
                     validators=[FileRequired("Choose the questionnaire file to import")])


class ComparableForm(FlaskForm):
    question = SelectField("Changed question",
                           validators=[DataRequired("Choose the question that still compares")])
    reason = TextAreaField("Why it still compares with earlier waves and national measures",
                           filters=[strip],
                           validators=[DataRequired("Say why the changed question still compares"),
                                       Length(max=2000)])
