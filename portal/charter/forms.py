"""Forms for complaints and enquiries: the resident's letter, and the staff actions on it."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, StopValidation

from portal.charter.cases import BODY_MAX, EMAIL_MAX, NAME_MAX, REASON_MAX, RESPONSE_MAX
from portal.core.forms import strip, too_long
from portal.core.languages import N_
from portal.models import CharterKind

# Anything that reads as a link: a scheme (http://, https://) or a bare www. host, up to the next space.
URL_LIKE = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)
ONLY_A_LINK = N_("Enter your name, not a web address")


# The bidirectional embeddings, overrides and isolates, which can make text read other than it is
# (other format characters, like the zero-width joiners some scripts spell names with, stay).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def plain_name(value):
    """A filter for a person's name: control characters (newlines, tabs) and direction overrides
    become spaces, anything URL-like is dropped, and runs of white space become one space."""
    if not isinstance(value, str):
        return value
    text = "".join(" " if unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS else c for c in value)
    return " ".join(URL_LIKE.sub(" ", text).split())


def not_only_a_link(form, field) -> None:
    """Refuse a name that the filter emptied because it was only a link, saying so (a name left
    empty by the person gets the required field's message)."""
    typed = field.raw_data[0] if field.raw_data else ""
    if not field.data and isinstance(typed, str) and URL_LIKE.search(typed):
        raise StopValidation(gettext(ONLY_A_LINK))


class WriteToUsForm(FlaskForm):
    kind = RadioField(_l("Is this a complaint, an enquiry or an accessibility request?"),
                      choices=[(k.value, _l(k.label)) for k in CharterKind],
                      validators=[DataRequired(_l("Choose complaint, enquiry or accessibility request"))])
    body = TextAreaField(_l("Your complaint or enquiry"), filters=[strip],
                         validators=[DataRequired(_l("Write your complaint or enquiry")),
                                     too_long(_l("Your complaint or enquiry"), BODY_MAX)])
    neighbourhood = SelectField(_l("Which neighbourhood is it about? (optional)"), choices=[],
                                validate_choice=False)
    name = StringField(_l("Your name"), filters=[plain_name, strip],
                       validators=[not_only_a_link,
                                   DataRequired(_l("Enter your name so we can reply to you")),
                                   too_long(_l("Your name"), NAME_MAX)])
    email = StringField(_l("Email address"), filters=[strip],
                        validators=[DataRequired(_l("Enter your email address so we can reply to you")),
                                    too_long(_l("Email address"), EMAIL_MAX),
                                    Email(_l("Enter an email address in the correct format, like "
                                          "name@example.org"))])
    # Honeypot: hidden from people by CSS, so only robots fill it in.
    website = StringField(_l("Leave this field empty"), filters=[strip])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # The view sets the choices as (value, label) pairs; WTForms' stubs allow other shapes.
        if self.neighbourhood.data and self.neighbourhood.data not in dict(self.neighbourhood.choices):  # type: ignore[arg-type]
            self.neighbourhood.errors = [gettext("Choose a neighbourhood from the list, or leave it")]
            return False
        return ok


class AnswerForm(FlaskForm):
    response = TextAreaField("Full response", filters=[strip],
                             validators=[DataRequired("Write the response to send to the resident"),
                                         too_long("The response", RESPONSE_MAX)])


class ExtendForm(FlaskForm):
    new_date = DateField("New date for the full response",
                         validators=[DataRequired("Enter the new date, like 2025-04-16")])
    reason = TextAreaField("Reason (the resident is told it)", filters=[strip],
                           validators=[DataRequired("Give the reason for the extension"),
                                       too_long("The reason", REASON_MAX)])
