"""PACT's forms (WTForms, GOV.UK-styled in the templates): the resident's (find a neighbourhood,
raise and follow an issue, answer "Was it resolved?"), the coordinator console's, and the admin's
edit of the concern mapping."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.core.clock import from_local, utcnow
from portal.core.forms import plausible_date, strip, too_long
from portal.models import Agency, IssueCategory, IssueStatus, PactIssue
from portal.pact.agendas import AGENDA_MAX
from portal.pact.assisted import ASSISTED_CHANNELS, check_raised_at
from portal.pact.follow_up import ANSWERS, COMMENT_MAX
from portal.pact.issues import (
    DESCRIPTION_MAX,
    EMAIL_MAX,
    LOCATION_MAX,
    NAME_MAX,
    NOTE_MAX,
    PHONE_MAX,
    IssueError,
)
from portal.pact.meetings import REVIEW_DECISIONS, TEXT_MAX, TITLE_MAX, VENUE_MAX
from portal.pact.public_summary import SUMMARY_MAX
from surveys.postcodes import normalise_postcode


def _add_error(field: Field, message: str) -> None:
    """Add a message to a validated field's errors (WTForms types them as a Sequence; after
    validation they are the field's list)."""
    assert isinstance(field.errors, list)
    field.errors.append(message)


# The resident's forms: find a neighbourhood, raise an issue, follow one, answer "Was it resolved?".

class FindNeighbourhoodForm(FlaskForm):
    """Sent with GET (nothing is saved), so no CSRF token."""

    class Meta:
        csrf = False

    postcode = StringField(_l("Postcode"), filters=[strip],
                           validators=[Optional(), too_long(_l("Postcode"), 10)])
    neighbourhood = SelectField(_l("Or choose your neighbourhood"), choices=[], validate_choice=False)

    def validate_postcode(self, field):
        if field.data and normalise_postcode(field.data) is None:
            raise ValidationError(gettext("Enter a full UK postcode, like BA2 1AB"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not self.postcode.data and not self.neighbourhood.data:
            self.postcode.errors = [gettext("Enter a postcode or choose a neighbourhood")]
            return False
        # The view sets the choices as (value, label) pairs; WTForms' stubs allow other shapes.
        if ok and self.neighbourhood.data and self.neighbourhood.data not in dict(self.neighbourhood.choices):  # type: ignore[arg-type]
            self.neighbourhood.errors = [gettext("Choose a neighbourhood from the list")]
            return False
        return ok


class RaiseIssueForm(FlaskForm):
    category = RadioField(_l("What is the issue about?"),
                          choices=[(c.value, _l(c.label)) for c in IssueCategory],
                          validators=[DataRequired(_l("Choose what the issue is about"))])
    description = TextAreaField(
        _l("Describe the issue"), filters=[strip],
        validators=[DataRequired(_l("Describe the issue")), too_long(_l("The description"), DESCRIPTION_MAX)])
    location = StringField(
        _l("Where does it happen?"), filters=[strip],
        validators=[DataRequired(_l("Say where it happens, like a street, park or landmark")),
                    too_long(_l("The place"), LOCATION_MAX)])
    latitude = StringField(_l("Latitude"), filters=[strip],
                           validators=[Optional(), too_long(_l("Latitude"), 20)])
    longitude = StringField(_l("Longitude"), filters=[strip],
                            validators=[Optional(), too_long(_l("Longitude"), 20)])
    name = StringField(_l("Your name (optional)"), filters=[strip],
                       validators=[too_long(_l("Your name"), NAME_MAX)])
    email = StringField(
        _l("Email address (optional)"), filters=[strip],
        validators=[Optional(), too_long(_l("Email address"), EMAIL_MAX),
                    Email(_l("Enter an email address in the correct format, like name@example.org"))])
    phone = StringField(_l("Phone number (optional)"), filters=[strip],
                        validators=[too_long(_l("Phone number"), PHONE_MAX)])
    consent = BooleanField(_l("I agree to be contacted about this issue"))
    follow_up = BooleanField(
        _l("You may e-mail me a few weeks after it is closed to ask whether it was resolved"))
    # Honeypot: hidden from people by CSS, so only robots fill it in.
    website = StringField(_l("Leave this field empty"), filters=[strip])

    def _coordinate(self, field, low: float, high: float, what: str) -> float | None:
        if not field.data:
            return None
        try:
            value = float(field.data)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            message = (
                gettext("Enter the latitude as a number between %(low)s and %(high)s, like %(example)s")
                if what == "latitude" else
                gettext("Enter the longitude as a number between %(low)s and %(high)s, like %(example)s"))
            field.errors.append(message % {"low": f"{low:g}", "high": f"{high:g}",
                                           "example": "51.38" if what == "latitude" else "-2.39"})
        return value

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        latitude = self._coordinate(self.latitude, 49.0, 61.0, "latitude")
        longitude = self._coordinate(self.longitude, -9.0, 2.0, "longitude")
        if (latitude is None) != (longitude is None) and not (self.latitude.errors or self.longitude.errors):
            missing = self.longitude if latitude is not None else self.latitude
            _add_error(missing, gettext("Give both latitude and longitude, or neither"))
        if self.phone.data and not all(c.isdigit() or c in " +()-" for c in self.phone.data):
            _add_error(self.phone, gettext("Enter a phone number, like 01225 123456"))
        if (self.email.data or self.phone.data) and not self.consent.data:
            _add_error(
                self.consent,
                gettext("Tick the box to agree to be contacted, or remove your contact details"))
        if self.consent.data and not (self.email.data or self.phone.data):
            _add_error(self.email, gettext("Enter an email address or phone number so we can contact you"))
        if self.follow_up.data and not self.email.data and not self.email.errors:
            _add_error(self.email,
                       gettext("Enter an email address so we can ask you whether it was resolved"))
        return ok and not any(f.errors for f in self)

    @property
    def point(self) -> tuple[float | None, float | None]:
        if self.latitude.data and self.longitude.data:
            return float(self.latitude.data), float(self.longitude.data)
        return None, None


class FollowIssueForm(FlaskForm):
    class Meta:
        csrf = False

    reference = StringField(_l("Issue reference"), filters=[strip],
                            validators=[DataRequired(
                                _l("Enter the reference you were given, like PACT-7K3M-9Q")),
                                        too_long(_l("The reference"), 20)])


class FollowUpAnswerForm(FlaskForm):
    """The follow-up answer form: the answer (preselected from the link) and an optional comment."""

    answer = RadioField(_l("Was the issue resolved?"), choices=[(a.value, _l(a.label)) for a in ANSWERS],
                        validators=[DataRequired(_l("Choose whether the issue was resolved"))])
    comment = TextAreaField(
        _l("Anything you want to tell the neighbourhood team? (optional)"), filters=[strip],
        validators=[Length(max=COMMENT_MAX,
                           message=_l("The comment must be %(limit)s characters or fewer",
                                                limit=format(COMMENT_MAX, ",")))])


class MappingForm(FlaskForm):
    """The admin's edit of which PACT categories and priority topics address which survey concern."""

    content = TextAreaField("Mapping (YAML)", filters=[strip], validators=[DataRequired("Enter the mapping")])


class RestoreForm(FlaskForm):
    """A button-only form: CSRF protection and nothing else."""


# The coordinator console's and the admin's forms.


PAST_MEETING_DAYS = 60  # how far back a meeting may be dated when it is scheduled
METRICS_DEFAULT_DAYS = 90  # the metrics page's period when none (or a wrong one) is asked for

# Age in whole days since the issue was raised: "low-high" inclusive.
AGE_FILTERS = {"": "Any age", "0-0": "Under 1 day", "1-7": "1 to 7 days", "8-30": "8 to 30 days",
               "31-90": "31 to 90 days", "91-": "Over 90 days"}
SORTS = {"newest": "Newest first", "oldest": "Oldest first", "updated": "Recently updated",
         "status": "Status", "neighbourhood": "Neighbourhood"}
STATUS_FILTERS = {"": "Any status", "open": "Any open status", "closed": "Any closed status",
                  **{s.value: s.label for s in IssueStatus}}


class IssueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    neighbourhood = SelectField("Neighbourhood", choices=[], validate_choice=False)
    status = SelectField("Status", choices=list(STATUS_FILTERS.items()), validate_choice=False)
    category = SelectField("Category",
                           choices=[("", "Any category"), *((c.value, c.label) for c in IssueCategory)],
                           validate_choice=False)
    agency = SelectField("Agency", choices=[], validate_choice=False)
    age = SelectField("Age", choices=list(AGE_FILTERS.items()), validate_choice=False)
    overdue = BooleanField("Only issues not acknowledged within 24 hours")
    sort = SelectField("Sort by", choices=list(SORTS.items()), validate_choice=False)


class StatusForm(FlaskForm):
    status = SelectField("New status", choices=[], validators=[DataRequired("Choose the new status")])
    public_note = TextAreaField(
        "Message for residents", filters=[strip],
        validators=[too_long("The message", NOTE_MAX)])
    internal_note = TextAreaField("Internal note (staff only)", filters=[strip],
                                  validators=[too_long("The internal note", NOTE_MAX)])


class AssignForm(FlaskForm):
    agency = SelectField("Agency", choices=[], coerce=str, validators=[DataRequired("Choose an agency")])


class UpdateForm(FlaskForm):
    body = TextAreaField("Action or update", filters=[strip],
                         validators=[DataRequired("Write the action or update"),
                                     too_long("The update", NOTE_MAX)])
    visibility = RadioField("Who can see it?", choices=[("public", "Residents and staff (public)"),
                                                        ("internal", "Staff only (internal)")],
                            default="internal", validators=[DataRequired("Choose who can see the update")])


class SummaryForm(FlaskForm):
    summary = TextAreaField(
        "Public summary", filters=[strip],
        validators=[DataRequired("Write the public summary"), too_long("The public summary", SUMMARY_MAX)])
    # A draft with review flags is shown back held, with the flags, its text in `held` and the
    # "Publish anyway" button; pressing it publishes that text only if it was not edited since.
    held = HiddenField(filters=[strip], validators=[Optional(), too_long("The held summary", SUMMARY_MAX)])
    confirm = SubmitField("Publish anyway")

    @property
    def confirmed(self) -> bool:
        """True when "Publish anyway" was pressed for the text held, unchanged."""
        return bool(self.confirm.data) and bool(self.held.data) and self.held.data == self.summary.data


class MergeForm(FlaskForm):
    into = StringField("Reference of the issue this duplicates", filters=[strip],
                       validators=[DataRequired("Enter the reference of the earlier issue"),
                                   too_long("The reference", 20)])


class MeetingForm(FlaskForm):
    day = DateField("Date", validators=[InputRequired("Enter the date of the meeting"), plausible_date],
                    render_kw={"type": "date"})
    time = TimeField("Start time", validators=[InputRequired("Enter the start time, like 18:30")],
                     render_kw={"type": "time"})
    venue = StringField("Venue", filters=[strip],
                        validators=[DataRequired("Enter the venue"), too_long("The venue", VENUE_MAX)])

    @property
    def starts_at(self) -> datetime | None:
        """The start as an aware UTC datetime (the date and time are typed in UK local time)."""
        if self.day.data is None or self.time.data is None:
            return None
        return from_local(self.day.data, self.time.data)

    def validate_day(self, field) -> None:
        # A meeting is scheduled ahead or recorded soon after; older dates are typing mistakes.
        starts_at = self.starts_at
        if starts_at is not None and starts_at < utcnow() - timedelta(days=PAST_MEETING_DAYS):
            raise ValidationError(f"Enter a date in the last {PAST_MEETING_DAYS} days or in the future")


class RecordMeetingForm(FlaskForm):
    attendance = IntegerField(
        "How many residents came?",
        validators=[InputRequired("Enter how many residents came, as a whole number"),
                    NumberRange(min=0, max=10000, message="Enter a number between 0 and 10,000")])
    minutes = TextAreaField("Minutes (public)", filters=[strip],
                            validators=[DataRequired("Write the minutes"),
                                        too_long("The minutes", TEXT_MAX)])


class PriorityForm(FlaskForm):
    """A priority agreed at a meeting; `offer` sets the agencies and the open issues to choose from."""

    title = StringField("Priority", filters=[strip],
                        validators=[DataRequired("Enter the priority"), too_long("The priority", TITLE_MAX)])
    description = TextAreaField("What will be done (public)", filters=[strip],
                                validators=[too_long("The description", TEXT_MAX)])
    owner = SelectField("Lead agency", choices=[], validators=[DataRequired("Choose the lead agency")])
    review_on = DateField("Review date", validators=[Optional(), plausible_date], render_kw={"type": "date"})
    issues = SelectMultipleField("Issues this priority answers", choices=[], validate_choice=False)

    def offer(self, agencies: list[Agency], open_issues: list[PactIssue]) -> PriorityForm:
        self._agencies = {a.slug: a for a in agencies}
        self._issues = {i.reference: i for i in open_issues}
        self.owner.choices = [("", "Choose an agency")] + [(a.slug, a.name) for a in agencies]
        # Each issue itself, not a text label: the template shows its details beside its box.
        self.issues.choices = [(i.reference, i) for i in open_issues]  # type: ignore[misc]
        return self

    @property
    def owner_agency(self) -> Agency | None:
        return getattr(self, "_agencies", {}).get(self.owner.data)

    @property
    def linked_issues(self) -> list[PactIssue]:
        return [self._issues[ref] for ref in self.issues.data or ()]

    def validate_owner(self, field) -> None:
        if not field.errors and self.owner_agency is None:
            raise ValidationError("Choose the lead agency")

    def validate_issues(self, field) -> None:
        if any(ref not in getattr(self, "_issues", {}) for ref in field.data or ()):
            raise ValidationError("Choose only open issues in this neighbourhood")


class ReviewForm(FlaskForm):
    decision = RadioField("What did the meeting decide?", choices=list(REVIEW_DECISIONS.items()),
                          validators=[DataRequired("Choose what the meeting decided")])
    note = TextAreaField("Review (public)", filters=[strip], validators=[too_long("The review", NOTE_MAX)])
    outcome = TextAreaField("We did (public, if completed)", filters=[strip],
                            validators=[too_long("The outcome", NOTE_MAX)])


class PriorityUpdateForm(FlaskForm):
    body = TextAreaField("Update", filters=[strip],
                         validators=[DataRequired("Write the update"), too_long("The update", NOTE_MAX)])
    public = BooleanField("Show this update on the neighbourhood page", default=True)


class MetricsForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField("From", validators=[Optional(), plausible_date], render_kw={"type": "date"})
    end = DateField("To (inclusive)", validators=[Optional(), plausible_date], render_kw={"type": "date"})

    def validate_for(self, today: date) -> bool:
        """Validate, reading a blank end date as `today` (the end must not be before the start)."""
        valid = self.validate()
        end = self.end.data or today
        if valid and self.start.data and end < self.start.data:
            _add_error(self.end, "The end date must be the same as or after the start date")
            return False
        return valid

    def period(self, today: date, valid: bool) -> tuple[date, date]:
        """The days to report, both included: those asked for when the form is valid, else (and for
        a day left blank) the last `METRICS_DEFAULT_DAYS` days to `today`. The form shows them."""
        start = self.start.data if valid and self.start.data else today - timedelta(days=METRICS_DEFAULT_DAYS)
        end = self.end.data if valid and self.end.data else today
        self.start.data, self.end.data = start, end
        return start, end

    @staticmethod
    def bounds(start: date, end: date) -> tuple[datetime, datetime]:
        """UTC instants from UK midnight starting `start` to UK midnight after `end`."""
        return from_local(start, time(0)), from_local(end + timedelta(days=1), time(0))


class AgendaForm(FlaskForm):
    agenda = TextAreaField("Agenda (public once published)", filters=[strip],
                           validators=[too_long("The agenda", AGENDA_MAX)])


class PaperForm(FlaskForm):
    paper = FileField("Add a paper (PDF)", validators=[FileRequired("Choose a PDF file to add")])
class AssistedIssueForm(RaiseIssueForm):
    """A coordinator recording a resident's issue: the public form's fields and checks (category,
    description, place, contact details only with consent) plus the neighbourhood, the channel and
    when the resident raised it (UK local time; earlier today or in recent days, never later)."""

    website = None  # type: ignore[assignment]  # None removes the inherited field: no honeypot, staff only
    neighbourhood = SelectField("Neighbourhood", choices=[], validate_choice=False,  # checked below
                                validators=[DataRequired("Choose the neighbourhood")])
    channel = RadioField("How did the resident raise it?",
                         choices=[(c.value, c.label) for c in ASSISTED_CHANNELS],
                         validators=[DataRequired("Choose how the resident raised the issue")])
    raised_day = DateField("Date they raised it", validators=[InputRequired("Enter the date they raised it"),
                                                              plausible_date], render_kw={"type": "date"})
    raised_time = TimeField("Time", validators=[InputRequired("Enter the time, like 14:30")],
                            render_kw={"type": "time"})
    name = StringField("Resident's name (optional)", filters=[strip],
                       validators=[too_long("The name", NAME_MAX)])
    email = StringField(
        "Resident's email address (optional)", filters=[strip],
        validators=[Optional(), too_long("The email address", EMAIL_MAX),
                    Email("Enter an email address in the correct format, like name@example.org")])
    phone = StringField("Resident's phone number (optional)", filters=[strip],
                        validators=[too_long("The phone number", PHONE_MAX)])
    consent = BooleanField("The resident agreed to be contacted about this issue")

    def offer(self, neighbourhoods, today: date, now_time: time) -> AssistedIssueForm:
        """Offer only the user's neighbourhoods; default to now when nothing was typed."""
        choices = [(n.slug, n.name) for n in neighbourhoods]
        self.neighbourhood.choices = [("", "Choose a neighbourhood"), *choices]
        self._places = {n.slug: n for n in neighbourhoods}
        if not self.is_submitted():
            self.raised_day.data, self.raised_time.data = today, now_time.replace(second=0, microsecond=0)
        return self

    @property
    def place(self):
        return getattr(self, "_places", {}).get(self.neighbourhood.data)

    @property
    def raised_at(self) -> datetime | None:
        if self.raised_day.data is None or self.raised_time.data is None:
            return None
        return from_local(self.raised_day.data, self.raised_time.data)

    def validate_neighbourhood(self, field) -> None:
        if field.data and self.place is None:
            raise ValidationError("Choose one of your neighbourhoods")

    def validate_raised_time(self, field) -> None:
        if self.raised_at is None:
            return
        try:
            check_raised_at(self.raised_at, utcnow())
        except IssueError as error:
            raise ValidationError(str(error)) from error

