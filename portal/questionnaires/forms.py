"""Forms of the questionnaire pages: a definition file to upload, a judgement that a change compares."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

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


class RoutingForm(FlaskForm):
    """The routing fields: up to three conditions on earlier answers, ANY or ALL of them."""

    show_if_match = RadioField("With more than one condition, show the question when",
                               choices=[("any", "ANY of these conditions holds"),
                                        ("all", "ALL of these conditions hold")],
                               default="any", validators=[Optional()])
    show_if_question = SelectField("Condition 1: an earlier question", choices=[], default="",
                                  validate_choice=False)
    show_if_codes = StringField("Condition 1: its codes that show the question", filters=[strip],
                                validators=[Length(max=500)])
    show_if_question_2 = SelectField("Condition 2: an earlier question (optional)", choices=[], default="",
                                  validate_choice=False)
    show_if_codes_2 = StringField("Condition 2: its codes", filters=[strip],
                                  validators=[Length(max=500)])
    show_if_question_3 = SelectField("Condition 3: an earlier question (optional)", choices=[], default="",
                                  validate_choice=False)
    show_if_codes_3 = StringField("Condition 3: its codes", filters=[strip],
                                  validators=[Length(max=500)])

    def route_on(self, fields: list[tuple[str, str, str]]) -> None:
        """Offer ``fields`` ((field, type, label) from ``earlier_choice_fields``) to each
        condition."""
        choices = [("", "Always show it"), *[(field, label) for field, _, label in fields]]
        allowed = AnyOf([value for value, _ in choices],
                        message="Choose a choice question asked before this one, with its own "
                        "options: routing only looks back")
        for select in (self.show_if_question, self.show_if_question_2, self.show_if_question_3):
            select.choices = choices
            select.validators = [allowed]


class QuestionForm(RoutingForm):
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
    exclusive = StringField("Options that clear the others (multiple choice, optional)",
                            filters=[strip], validators=[Length(max=500)])
    error_message = StringField("Error message (optional)", filters=[strip],
                                validators=[Length(max=300)])
    min = IntegerField("Smallest number allowed (number questions, optional)",
                       validators=[Optional(), NumberRange(-1_000_000, 1_000_000)])
    max = IntegerField("Largest number allowed (number questions, optional)",
                       validators=[Optional(), NumberRange(-1_000_000, 1_000_000)])


PAGE_ID = Regexp(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
                 message="Use lower-case words joined by hyphens, like your-area")


class PageForm(FlaskForm):
    id = StringField("Page id", filters=[strip],
                     validators=[DataRequired("Enter a page id, like getting-about"),
                                 Length(max=60), PAGE_ID])
    title = StringField("Page title", filters=[strip],
                        validators=[DataRequired("Enter the page title"), Length(max=200)])


class DeletePageForm(FlaskForm):
    confirm = BooleanField("Yes, delete the page and its questions")


class MoveForm(FlaskForm):
    direction = RadioField("Move", choices=[("up", "Up"), ("down", "Down")],
                           validators=[InputRequired("Choose up or down")])


class QuestionPageForm(FlaskForm):
    page = RadioField("Which page should it go to?", choices=[],
                       validators=[InputRequired("Choose the page to move the question to")])


class PageRoutingForm(RoutingForm):
    """A page's routing: the same conditions as a question's, on answers of earlier pages."""


class PublishForm(FlaskForm):
    note = TextAreaField("What this version changes", filters=[strip],
                         validators=[DataRequired("Say what this version changes"),
                                     Length(max=2000)])
