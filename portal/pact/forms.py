"""Coordinator console forms (WTForms, GOV.UK-styled in the templates)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.pact.issues import NOTE_MAX
from portal.pact.meetings import REVIEW_DECISIONS, TEXT_MAX, TITLE_MAX, VENUE_MAX
from portal.pact.statuses import CATEGORIES, STATUSES


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _too_long(what: str, limit: int) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


# Age in whole days since the issue was raised: "low-high" inclusive.
AGE_FILTERS = {"": "Any age", "0-0": "Under 1 day", "1-7": "1 to 7 days", "8-30": "8 to 30 days",
               "31-90": "31 to 90 days", "91-": "Over 90 days"}
SORTS = {"newest": "Newest first", "oldest": "Oldest first", "updated": "Recently updated",
         "status": "Status", "neighbourhood": "Neighbourhood"}
STATUS_FILTERS = {"": "Any status", "open": "Any open status", "closed": "Any closed status", **STATUSES}


class IssueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    neighbourhood = SelectField("Neighbourhood", choices=[], validate_choice=False)
    status = SelectField("Status", choices=list(STATUS_FILTERS.items()), validate_choice=False)
    category = SelectField("Category", choices=[("", "Any category"), *CATEGORIES.items()],
                           validate_choice=False)
    agency = SelectField("Agency", choices=[], validate_choice=False)
    age = SelectField("Age", choices=list(AGE_FILTERS.items()), validate_choice=False)
    overdue = BooleanField("Only issues not acknowledged within 24 hours")
    sort = SelectField("Sort by", choices=list(SORTS.items()), validate_choice=False)


class StatusForm(FlaskForm):
    status = SelectField("New status", choices=[], validators=[DataRequired("Choose the new status")])
    public_note = TextAreaField(
        "Message for residents", filters=[_strip],
        validators=[_too_long("The message", NOTE_MAX)])
    internal_note = TextAreaField("Internal note (staff only)", filters=[_strip],
                                  validators=[_too_long("The internal note", NOTE_MAX)])


class AssignForm(FlaskForm):
    agency = SelectField("Agency", choices=[], coerce=str, validators=[DataRequired("Choose an agency")])


class UpdateForm(FlaskForm):
    body = TextAreaField("Action or update", filters=[_strip],
                         validators=[DataRequired("Write the action or update"),
                                     _too_long("The update", NOTE_MAX)])
    visibility = RadioField("Who can see it?", choices=[("public", "Residents and staff (public)"),
                                                        ("internal", "Staff only (internal)")],
                            default="internal", validators=[DataRequired("Choose who can see the update")])


class MergeForm(FlaskForm):
    into = StringField("Reference of the issue this duplicates", filters=[_strip],
                       validators=[DataRequired("Enter the reference of the earlier issue"),
                                   _too_long("The reference", 20)])


class MeetingForm(FlaskForm):
    day = DateField("Date", validators=[InputRequired("Enter the date of the meeting")],
                    render_kw={"type": "date"})
    time = TimeField("Start time", validators=[InputRequired("Enter the start time, like 18:30")],
                     render_kw={"type": "time"})
    venue = StringField("Venue", filters=[_strip],
                        validators=[DataRequired("Enter the venue"), _too_long("The venue", VENUE_MAX)])


class RecordMeetingForm(FlaskForm):
    attendance = IntegerField(
        "How many residents came?",
        validators=[InputRequired("Enter how many residents came, as a whole number"),
                    NumberRange(min=0, max=10000, message="Enter a number between 0 and 10,000")])
    minutes = TextAreaField("Minutes (public)", filters=[_strip],
                            validators=[DataRequired("Write the minutes"),
                                        _too_long("The minutes", TEXT_MAX)])


class PriorityForm(FlaskForm):
    title = StringField("Priority", filters=[_strip],
                        validators=[DataRequired("Enter the priority"), _too_long("The priority", TITLE_MAX)])
    description = TextAreaField("What will be done (public)", filters=[_strip],
                                validators=[_too_long("The description", TEXT_MAX)])
    owner = SelectField("Lead agency", choices=[], validators=[DataRequired("Choose the lead agency")])
    review_on = DateField("Review date", validators=[Optional()], render_kw={"type": "date"})
    issues = SelectMultipleField("Issues this priority answers", choices=[], validate_choice=False)


class ReviewForm(FlaskForm):
    decision = RadioField("What did the meeting decide?", choices=list(REVIEW_DECISIONS.items()),
                          validators=[DataRequired("Choose what the meeting decided")])
    note = TextAreaField("Review (public)", filters=[_strip], validators=[_too_long("The review", NOTE_MAX)])
    outcome = TextAreaField("We did (public, if completed)", filters=[_strip],
                            validators=[_too_long("The outcome", NOTE_MAX)])


class PriorityUpdateForm(FlaskForm):
    body = TextAreaField("Update", filters=[_strip],
                         validators=[DataRequired("Write the update"), _too_long("The update", NOTE_MAX)])
    public = BooleanField("Show this update on the neighbourhood page", default=True)


class MetricsForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField("From", validators=[Optional()], render_kw={"type": "date"})
    end = DateField("To (inclusive)", validators=[Optional()], render_kw={"type": "date"})
