"""Form pieces shared by more than one area of the portal: filters, validators and messages."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext
from wtforms import SelectMultipleField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.core.text import plain_text

# Dates the partnership's work can fall on; outside them date arithmetic (a day after 31 December
# 9999, a time zone before year 1) would fail, and no survey, meeting or report needs them.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def plausible_date(form, field) -> None:
    """Refuse a well-formed date outside EARLIEST..LATEST with a message saying which years work."""
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(f"Enter a date between {EARLIEST.year} and {LATEST.year}")


def strip(value):
    """A filter for every free-text field: text without the spaces people type around it and
    without control characters (Word's soft line break becomes a newline; see portal.core.text)."""
    return plain_text(value).strip() if isinstance(value, str) else value


def too_long(what, limit: int) -> Length:
    """A length cap whose message names the field and the limit (`what` may be a lazy string: the
    message is then in the resident's language)."""
    return Length(max=limit, message=lazy_gettext("%(what)s must be %(limit)s characters or fewer",
                                                  what=what, limit=format(limit, ",")))


class MultiCheckboxField(SelectMultipleField):
    """A choice of several as checkboxes (templates: ``macros/forms.html::checkboxes``)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
