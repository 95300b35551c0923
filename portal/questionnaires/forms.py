"""Forms of the questionnaire pages: a definition file to upload, a judgement that a change compares."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.core.forms import strip

MAX_DEFINITION_BYTES = 512 * 1024


class DefinitionUploadForm(FlaskForm):
    file = FileField("Questionnaire file (YAML)",
                     validators=[FileRequired("Choose the questionnaire file to import")])


class TranslationUploadForm(FlaskForm):
    file = FileField("Translators' file (CSV)",
                     validators=[FileRequired("Choose the translators' CSV file to upload")])


class ComparableForm(FlaskForm):
    question = SelectField("Changed question",
                           validators=[DataRequired("Choose the question that still compares")])
    reason = TextAreaField("Why it still compares with earlier waves and national measures",
                           filters=[strip],
                           validators=[DataRequired("Say why the changed question still compares"),
                                       Length(max=2000)])


QUESTION_TYPES = [("single_choice", "Single choice"), ("multiple_choice", "Multiple choice"),
                  ("grid", "Grid (the same options for several rows)"), ("integer", "Number"),
                  ("postcode", "Postcode"), ("text", "Short free text"),
                  ("long_text", "Long free text")]


class QuestionForm(FlaskForm):
    id = StringField("Question id", filters=[strip],
                     validators=[DataRequired("Enter an id, like bus_use"), Length(max=40)])
    type = RadioField("Type of question", choices=QUESTION_TYPES,
                      validators=[InputRequired("Choose the type of question")])
    text = TextAreaField("Question", filters=[strip],
                         validators=[DataRequired("Enter the question"), Length(max=1000)])
    hint = StringField("Help text (optional)", filters=[strip], validators=[Length(max=500)])
    required = BooleanField("Residents must answer it")
    options = TextAreaField("Options (choice and grid questions)", filters=[strip])
    rows = TextAreaField("Rows (grid questions)", filters=[strip])
    show_if_question = SelectField("Show it only when an earlier answer is...", choices=[])
    show_if_codes = StringField("...one of these codes (separated by commas)", filters=[strip])


class PublishForm(FlaskForm):
    note = TextAreaField("What this version changes", filters=[strip],
                         validators=[DataRequired("Say what this version changes"),
                                     Length(max=2000)])
