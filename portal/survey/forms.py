"""Forms of the survey administration pages (the resident pages read their answers from the request)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from portal.core.forms import plausible_date, strip
from portal.models import WaveDesign

DESIGN_CHOICES = [(d.value, d.label) for d in WaveDesign]


class OpenWaveForm(FlaskForm):
    slug = StringField("Wave slug", filters=[strip],
                       validators=[DataRequired("Enter a slug for the wave, like 2011-12"), Length(max=40)])
    name = StringField("Name", filters=[strip],
                       validators=[DataRequired("Enter a name for the wave, like Voicebox 2011/12"),
                                   Length(max=120)])
    questionnaire = SelectField("Questionnaire version",
                                validators=[DataRequired("Choose the questionnaire version to ask")])
    opens_on = DateField("Opens on", validators=[InputRequired("Enter the opening date as YYYY-MM-DD"),
                                                 plausible_date])
    closes_on = DateField("Closes on", validators=[InputRequired("Enter the closing date as YYYY-MM-DD"),
                                                   plausible_date])
    panel_mode = BooleanField("Panel: invite panel members with single-use links")
    open_link_mode = BooleanField("Open link: anyone with the link can answer", default=True)
    design = RadioField("How is the sample drawn?",
                        choices=DESIGN_CHOICES,
                        default=WaveDesign.SIMPLE.value,
                        validators=[DataRequired("Select how the sample is drawn")])


class DesignForm(FlaskForm):
    """A wave's sample design, changed after set-up (the figures stay; their margins move)."""

    design = RadioField("How was the sample drawn?", choices=DESIGN_CHOICES,
                        validators=[InputRequired("Select how the sample was drawn")])


class ImportForm(FlaskForm):
    mode = RadioField("How were these responses collected?",
                      choices=[("paper", "Paper forms"), ("phone", "Telephone interviews")],
                      validators=[InputRequired("Select paper or telephone")])
    file = FileField("CSV file", validators=[FileRequired("Choose the CSV file to import")])


class PanelUploadForm(FlaskForm):
    file = FileField("Panel CSV file", validators=[FileRequired("Choose the panel CSV file")])


class ConfirmForm(FlaskForm):
    """A button-only form (sending invitations or reminders): CSRF protection and nothing else."""


class FieldworkRemindersForm(FlaskForm):
    """The fieldwork monitor's targeted reminders: which neighbourhoods and, when the panel has
    them, which age bands (choices set by the view; none ticked: every band). ``count`` only counts."""

    neighbourhoods = SelectMultipleField(
        "Neighbourhoods to remind", validate_choice=False,  # the rule names an unknown one
        validators=[DataRequired("Choose at least one neighbourhood to remind")])
    age_bands = SelectMultipleField("Age bands to remind", validate_choice=False)
    count = SubmitField("Count the reminders")
