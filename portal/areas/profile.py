"""The partnership's profile: its names, the area it covers and how residents reach it.

Every surface reads it through `profile(session)`; before an admin sets it (an empty install),
that gives neutral words and says the install is not set up, instead of any partnership's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from flask import g
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from portal.core import audit
from portal.core.extensions import db
from portal.core.refusals import Refusal
from portal.models import Partnership

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,38}")
WEBSITE = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
LIMITS = {"name": 160, "short_name": 60, "area_name": 120, "contact_email": 254,
          "contact_phone": 40, "website": 200, "privacy_contact": 254}
REQUIRED = ("name", "short_name", "area_name", "contact_email")
LABELS = {"name": "The partnership's name", "short_name": "Its short name",
          "area_name": "The area it covers", "contact_email": "Contact e-mail address",
          "contact_phone": "Contact phone number", "website": "Website",
          "privacy_contact": "Privacy contact (e-mail address)"}


class ProfileError(Refusal):
    """The profile cannot be saved as given; the message names the field."""


@dataclass(frozen=True)
class Profile:
    """What the surfaces print; `set_up` is false on an install no admin has set up yet."""

    name: str = "Community Safety Partnership"
    short_name: str = "CSP"
    area_name: str = "the partnership's area"
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""
    privacy_contact: str = ""
    has_logo: bool = False
    set_up: bool = False


def profile(session: Session) -> Profile:
    row = session.get(Partnership, 1)
    if row is None:
        return Profile()
    return Profile(**{f.name: getattr(row, f.name) for f in fields(Profile)
                      if f.name not in ("has_logo", "set_up")},
                   has_logo=row.logo is not None, set_up=True)


def current_profile() -> Profile:
    """The profile for this request or job: read once per app context, for every template."""
    if "partnership_profile" not in g:
        try:
            g.partnership_profile = profile(db.session)
        except SQLAlchemyError:  # an error page while the database is away: neutral words
            db.session.rollback()
            return Profile()
    return g.partnership_profile


def check_profile(values: dict[str, str]) -> dict[str, str]:
    """The values tidied (spaces), or ProfileError naming the first field that is wrong."""
    clean = {name: " ".join((values.get(name) or "").split()) for name in LIMITS}
    for name in REQUIRED:
        if not clean[name]:
            raise ProfileError(f"Enter {LABELS[name][0].lower()}{LABELS[name][1:]}")
    for name, limit in LIMITS.items():
        if len(clean[name]) > limit:
            raise ProfileError(f"{LABELS[name]} must be {limit} characters or fewer")
    for name in ("contact_email", "privacy_contact"):
        if clean[name] and not EMAIL.fullmatch(clean[name]):
            raise ProfileError(f"{LABELS[name]} must be an e-mail address, like "
                               "community.safety@example.gov.uk")
    if clean["contact_phone"] and not PHONE.fullmatch(clean["contact_phone"]):
        raise ProfileError("The phone number may hold only digits, spaces, brackets, - and a "
                           "leading +")
    if clean["website"] and not WEBSITE.fullmatch(clean["website"]):
        raise ProfileError("The website must start with https:// or http://")
    return clean


def save_profile(session: Session, values: dict[str, str]) -> Partnership:
    """Create or update the profile (the caller commits); fields not given keep their value."""
    row = session.get(Partnership, 1)
    current = {name: getattr(row, name) for name in LIMITS} if row else {}
    clean = check_profile({**current, **{k: v for k, v in values.items() if v is not None}})
    if row is None:
        row = Partnership(id=1, **clean)
        session.add(row)
    else:
        for name, value in clean.items():
            setattr(row, name, value)
    session.flush()
    g.pop("partnership_profile", None)
    audit.record(session, "partnership_profile_saved", "partnership", "profile",
                 **{k: v for k, v in clean.items() if k in ("name", "short_name", "area_name")})
    return row
