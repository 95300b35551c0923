"""Forms residents fill in: find their neighbourhood, raise an issue, follow an issue."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from portal.models import IssueCategory
from portal.pact.issues import DESCRIPTION_MAX, EMAIL_MAX, LOCATION_MAX, NAME_MAX, PHONE_MAX
from surveys.postcodes import normalise_postcode


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _too_long(what: str, limit: int) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


class FindNeighbourhoodForm(FlaskForm):
    """Sent with GET (nothing is saved), so no CSRF token."""

    class Meta:
        csrf = False

    postcode = StringField("Postcode", filters=[_strip], validators=[Optional(), _too_long("Postcode", 10)])
    neighbourhood = SelectField("Or choose your neighbourhood", choices=[], validate_choice=False)

    def validate_postcode(self, field):
        if field.data and normalise_postcode(field.data) is None:
            raise ValidationError("Enter a full UK postcode, like BA2 1AB")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not self.postcode.data and not self.neighbourhood.data:
            self.postcode.errors = ["Enter a postcode or choose a neighbourhood"]
            return False
        if ok and self.neighbourhood.data and self.neighbourhood.data not in dict(self.neighbourhood.choices):
            self.neighbourhood.errors = ["Choose a neighbourhood from the list"]
            return False
        return ok


class RaiseIssueForm(FlaskForm):
    category = RadioField("What is the issue about?", choices=[(c.value, c.label) for c in IssueCategory],
                          validators=[DataRequired("Choose what the issue is about")])
    description = TextAreaField(
        "Describe the issue", filters=[_strip],
        validators=[DataRequired("Describe the issue"), _too_long("The description", DESCRIPTION_MAX)])
    location = StringField(
        "Where does it happen?", filters=[_strip],
        validators=[DataRequired("Say where it happens, like a street, park or landmark"),
                    _too_long("The place", LOCATION_MAX)])
    latitude = StringField("Latitude", filters=[_strip],
                           validators=[Optional(), _too_long("Latitude", 20)])
    longitude = StringField("Longitude", filters=[_strip],
                            validators=[Optional(), _too_long("Longitude", 20)])
    name = StringField("Your name (optional)", filters=[_strip],
                       validators=[_too_long("Your name", NAME_MAX)])
    email = StringField(
        "Email address (optional)", filters=[_strip],
        validators=[Optional(), _too_long("Email address", EMAIL_MAX),
                    Email("Enter an email address in the correct format, like name@example.org")])
    phone = StringField("Phone number (optional)", filters=[_strip],
                        validators=[_too_long("Phone number", PHONE_MAX)])
    consent = BooleanField("I agree to be contacted about this issue")
    follow_up = BooleanField(
        "You may e-mail me a few weeks after it is closed to ask whether it was resolved")
    # Honeypot: hidden from people by CSS, so only robots fill it in.
    website = StringField("Leave this field empty", filters=[_strip])

    def _coordinate(self, field, low: float, high: float, what: str) -> float | None:
        if not field.data:
            return None
        try:
            value = float(field.data)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            field.errors.append(f"Enter the {what} as a number between {low:g} and {high:g}, like "
                                f"{'51.38' if what == 'latitude' else '-2.39'}")
        return value

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        latitude = self._coordinate(self.latitude, 49.0, 61.0, "latitude")
        longitude = self._coordinate(self.longitude, -9.0, 2.0, "longitude")
        if (latitude is None) != (longitude is None) and not (self.latitude.errors or self.longitude.errors):
            missing = self.longitude if latitude is not None else self.latitude
            missing.errors.append("Give both latitude and longitude, or neither")
        if self.phone.data and not all(c.isdigit() or c in " +()-" for c in self.phone.data):
            self.phone.errors.append("Enter a phone number, like 01225 123456")
        if (self.email.data or self.phone.data) and not self.consent.data:
            self.consent.errors.append(
                "Tick the box to agree to be contacted, or remove your contact details")
        if self.consent.data and not (self.email.data or self.phone.data):
            self.email.errors.append("Enter an email address or phone number so we can contact you")
        if self.follow_up.data and not self.email.data and not self.email.errors:
            self.email.errors.append("Enter an email address so we can ask you whether it was resolved")
        return ok and not any(f.errors for f in self)

    @property
    def point(self) -> tuple[float | None, float | None]:
        if self.latitude.data and self.longitude.data:
            return float(self.latitude.data), float(self.longitude.data)
        return None, None


class FollowIssueForm(FlaskForm):
    class Meta:
        csrf = False

    reference = StringField("Issue reference", filters=[_strip],
                            validators=[DataRequired("Enter the reference you were given, like PACT-7K3M-9Q"),
                                        _too_long("The reference", 20)])
