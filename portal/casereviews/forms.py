"""Forms of the Case Review: the public application, the staff application, and each staff step."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Optional

from portal.casereviews.cases import AGENCY_MAX, EMAIL_MAX, NAME_MAX, PHONE_MAX, TEXT_MAX
from portal.charter.forms import not_only_a_link, plain_name
from portal.core.forms import MultiCheckboxField, plausible_date, strip, too_long
from portal.models import CaseReviewChannel

EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.org")


def _neighbourhood_field() -> SelectField:
    return SelectField(_l("Which neighbourhood is the behaviour in?"), choices=[], validate_choice=False,
                       validators=[DataRequired(_l("Choose the neighbourhood where it happens"))])


class _Application(FlaskForm):
    neighbourhood = _neighbourhood_field()
    description = TextAreaField(_l("What is happening, and who have you reported it to?"), filters=[strip],
                                validators=[DataRequired(_l("Describe the anti-social behaviour and who "
                                                            "you have reported it to")),
                                            too_long(_l("The description"), TEXT_MAX)])
    name = StringField(_l("Full name of the person experiencing the behaviour"),
                       filters=[plain_name, strip],
                       validators=[not_only_a_link, DataRequired(_l("Enter the name of the person "
                                                                    "experiencing the behaviour")),
                                   too_long(_l("The name"), NAME_MAX)])
    phone = StringField(_l("Their phone number (optional)"), filters=[strip],
                        validators=[too_long(_l("The phone number"), PHONE_MAX)])
    on_behalf = BooleanField(_l("I am applying on someone else's behalf"))
    representative_name = StringField(_l("Your name"), filters=[plain_name, strip],
                                      validators=[too_long(_l("Your name"), NAME_MAX)])
    consent = BooleanField(_l("They have agreed to me applying for them"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.neighbourhood.data and self.neighbourhood.data not in dict(self.neighbourhood.choices):  # type: ignore[arg-type]
            self.neighbourhood.errors = [gettext("Choose a neighbourhood from the list")]
            ok = False
        if self.on_behalf.data:
            if not self.representative_name.data:
                self.representative_name.errors = [
                    gettext("Enter your own name, as you are applying for them")]
                ok = False
            if not self.consent.data:
                self.consent.errors = [gettext("Confirm they have agreed: we cannot accept an application on "
                                               "someone's behalf without their consent")]
                ok = False
        return ok


class ApplyForm(_Application):
    email = StringField(_l("Email address for our reply"), filters=[strip],
                        validators=[DataRequired(_l("Enter an email address so we can reply")),
                                    too_long(_l("Email address"), EMAIL_MAX), Email(EMAIL_FORMAT)])
    website = StringField(_l("Leave this field empty"), filters=[strip])  # the honeypot


class StaffApplicationForm(_Application):
    channel = RadioField("How did the application arrive?",
                         choices=[(c.value, c.label) for c in CaseReviewChannel
                                  if c != CaseReviewChannel.ONLINE],
                         validators=[DataRequired("Choose how it arrived")])
    email = StringField("Email address (optional if there is a phone number)", filters=[strip],
                        validators=[Optional(), too_long("Email address", EMAIL_MAX), Email(EMAIL_FORMAT)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not (self.email.data or self.phone.data):
            self.email.errors = [*self.email.errors, "Give an e-mail address or a phone number"]
            ok = False
        return ok


class ReportForm(FlaskForm):
    incident_ref = StringField("Incident reference", filters=[strip],
                               validators=[DataRequired("Enter the agency's reference for the incident"),
                                           too_long("The reference", AGENCY_MAX)])
    agency = StringField("Reported to", filters=[strip],
                         validators=[DataRequired("Enter the agency it was reported to"),
                                     too_long("The agency", AGENCY_MAX)])
    incident_date = DateField("Date of the incident",
                              validators=[DataRequired("Enter the incident's date, like 2026-03-14"),
                                          plausible_date])
    reported_on = DateField("Date reported",
                            validators=[DataRequired("Enter the date it was reported, like 2026-03-15"),
                                        plausible_date])


class ImportForm(FlaskForm):
    file = FileField("CSV file of reports")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason (the applicant is told it)", filters=[strip],
                           validators=[DataRequired("Give the reason for the override"),
                                       too_long("The reason", TEXT_MAX)])


class MeetingForm(FlaskForm):
    agencies = MultiCheckboxField("Agencies to invite", choices=[], validate_choice=False)
    other = StringField("Another agency (optional)", filters=[strip],
                        validators=[too_long("The agency", AGENCY_MAX)])
    meeting_on = DateField("Date of the review meeting",
                           validators=[DataRequired("Enter the meeting's date, like 2026-04-02"),
                                       plausible_date])


class ReviewForm(FlaskForm):
    attended = MultiCheckboxField("Agencies that attended", choices=[], coerce=int, validate_choice=False)
    findings = TextAreaField("Findings of the review", filters=[strip],
                             validators=[DataRequired("Write the review's findings"),
                                         too_long("The findings", TEXT_MAX)])


class RecommendationForm(FlaskForm):
    action = TextAreaField("Recommendation", filters=[strip],
                           validators=[DataRequired("Write the recommendation"),
                                       too_long("The recommendation", TEXT_MAX)])
    owner = StringField("Owner (the agency that will do it)", filters=[strip],
                        validators=[DataRequired("Enter the agency that owns it"),
                                    too_long("The owner", AGENCY_MAX)])
    due_on = DateField("Due by", validators=[DataRequired("Enter the date it is due, like 2026-06-30"),
                                             plausible_date])


class AppealForm(FlaskForm):
    grounds = TextAreaField("Grounds of the appeal", filters=[strip],
                            validators=[DataRequired("Write the grounds of the appeal"),
                                        too_long("The grounds", TEXT_MAX)])


class AppealDecisionForm(FlaskForm):
    upheld = RadioField("The appeal is", choices=[("yes", "Upheld"), ("no", "Not upheld")],
                        validators=[DataRequired("Choose upheld or not upheld")])
    decision = TextAreaField("Decision and reasons (the applicant is told them)", filters=[strip],
                             validators=[DataRequired("Write the decision and its reasons"),
                                         too_long("The decision", TEXT_MAX)])
