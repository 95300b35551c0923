"""The shared form filter: every free-text field in the portal's forms takes text through `strip`,
which removes the spaces around it and the control characters in it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from wtforms import Form, StringField, TextAreaField
from wtforms.fields.core import UnboundField

import portal
from portal.core.forms import strip


def _free_text_fields():
    for info in pkgutil.walk_packages(portal.__path__, "portal."):
        if not info.name.endswith(".forms") or info.name == "portal.core.forms":
            continue
        module = importlib.import_module(info.name)
        for form_name, form in vars(module).items():
            if not (inspect.isclass(form) and issubclass(form, Form) and form.__module__ == module.__name__):
                continue
            for name, field in vars(form).items():  # passwords, e-mail and hidden fields are subclasses
                if isinstance(field, UnboundField) and field.field_class in (StringField, TextAreaField):
                    yield f"{info.name}.{form_name}.{name}", field


FIELDS = dict(_free_text_fields())


def test_the_forms_have_free_text_fields():
    assert "portal.pact.forms.PriorityUpdateForm.body" in FIELDS
    assert "portal.pact.forms.SummaryForm.summary" in FIELDS


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_every_free_text_field_uses_the_shared_filter(name):
    assert strip in FIELDS[name].kwargs.get("filters", ()), f"{name}: add filters=[strip]"


def test_strip_turns_line_breaks_into_newlines_and_drops_other_controls():
    assert strip("  Speed checks\x0btwice\x0ca week\r\nfrom May\rto June\x85\x07\x1b\x7f\x9f \t") == \
        "Speed checks\ntwice\na week\nfrom May\nto June"
    assert strip("a\tb\nc") == "a\tb\nc"  # tab and newline stay
    assert strip(None) is None
