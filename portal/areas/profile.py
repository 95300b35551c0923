"""The partnership's profile: its names, the area it covers and how residents reach it.

Every surface reads it through `profile(session)`; before an admin sets it (an empty install),
that gives neutral words and says the install is not set up, instead of any partnership's name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from flask import g, has_app_context
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
    """The profile cannot be saved as given; the message names the field, `field` says which."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Profile:
    """What the surfaces print; `set_up` is false on an install no admin has set up yet."""

    name: str = "Community Safety Partnership"
    short_name: str = "CSP"
    area_name: str = "All neighbourhoods"  # what reports call the whole area until it is named
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""
    privacy_contact: str = ""
    has_logo: bool = False
    set_up: bool = False
    demo: bool = False  # the synthetic demo: pages and reports say so

    @property
    def sign_off(self) -> str:
        """The lines an e-mail ends with: who sent it and how to reach them (none until set up)."""
        if not self.set_up:
            return ""
        contacts = " · ".join(c for c in (self.contact_email, self.contact_phone) if c)
        return "\n".join(line for line in (self.name, contacts, self.website) if line)


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


def _forget() -> None:
    """Drop this app context's copy, so the rest of the request shows the change."""
    if has_app_context():
        g.pop("partnership_profile", None)


def check_profile(values: Mapping[str, str | None]) -> dict[str, str]:
    """The values tidied (spaces), or ProfileError naming the first field that is wrong."""
    clean = {name: " ".join((values.get(name) or "").split()) for name in LIMITS}
    for name in REQUIRED:
        if not clean[name]:
            raise ProfileError(f"Enter {LABELS[name][0].lower()}{LABELS[name][1:]}", name)
    for name, limit in LIMITS.items():
        if len(clean[name]) > limit:
            raise ProfileError(f"{LABELS[name]} must be {limit} characters or fewer", name)
    for name in ("contact_email", "privacy_contact"):
        if clean[name] and not EMAIL.fullmatch(clean[name]):
            raise ProfileError(f"{LABELS[name]} must be an e-mail address, like "
                               "community.safety@example.gov.uk", name)
    if clean["contact_phone"] and not PHONE.fullmatch(clean["contact_phone"]):
        raise ProfileError("The phone number may hold only digits, spaces, brackets, - and a "
                           "leading +", "contact_phone")
    if clean["website"] and not WEBSITE.fullmatch(clean["website"]):
        raise ProfileError("The website must start with https:// or http://", "website")
    return clean


def save_profile(session: Session, values: Mapping[str, str | None]) -> Partnership:
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
    _forget()
    audit.record(session, "partnership_profile_saved", "partnership", "profile",
                 **{k: v for k, v in clean.items() if k in ("name", "short_name", "area_name")})
    return row


# --------------------------------------------------------------------------- the logo

LOGO_MAX_BYTES = 200 * 1024
LOGO_MAX_SIDE = 2000  # pixels
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# What a logo needs: shapes, text, gradients, clipping. No script, foreignObject, image, a,
# animation or style element, so nothing in it can run, fetch or link anywhere.
SVG_ELEMENTS = {"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
                "text", "tspan", "title", "desc", "defs", "lineargradient", "radialgradient", "stop",
                "clippath", "mask", "use", "symbol"}
_LOCAL_URL = re.compile(r"url\(\s*#[\w.-]+\s*\)")


def checked_logo(data: bytes) -> tuple[bytes, str]:
    """(the logo as stored, its media type) for an uploaded PNG or SVG; ProfileError otherwise.
    A PNG is decoded and saved again (dropping its text and metadata chunks); an SVG keeps only
    drawing elements and attributes, with no event handlers and no outside references."""
    if len(data) > LOGO_MAX_BYTES:
        raise ProfileError(f"The logo must be {LOGO_MAX_BYTES // 1024} KB or smaller")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(data), "image/png"
    if b"<svg" in data[:2048]:
        return _svg(data), "image/svg+xml"
    raise ProfileError("The logo must be a PNG or an SVG file")


def _png(data: bytes) -> bytes:
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if max(image.size) > LOGO_MAX_SIDE:
                raise ProfileError(f"The logo must be at most {LOGO_MAX_SIDE} pixels on each side")
            image.load()
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ProfileError("The logo is not a PNG image that can be read") from None
    return out.getvalue()


def _svg(data: bytes) -> bytes:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise ProfileError("The logo is not an SVG file that can be read") from None
    if etree.QName(root).localname != "svg":
        raise ProfileError("The logo is not an SVG file that can be read")
    for element in list(root.iter()):
        if element is root:
            continue
        parent = element.getparent()
        unwanted = not isinstance(element.tag, str) or _svg_name(element.tag) not in SVG_ELEMENTS
        if unwanted and parent is not None:
            parent.remove(element)
    for element in root.iter():
        for attribute in list(element.attrib):
            name, value = etree.QName(attribute).localname.lower(), element.attrib[attribute]
            namespace = etree.QName(attribute).namespace
            outside = "url(" in value.lower() and not _LOCAL_URL.fullmatch(value.strip())
            if (name.startswith("on") or name == "style" or outside
                    or namespace not in (None, XLINK_NS)
                    or (name == "href" and not value.strip().startswith("#"))):
                del element.attrib[attribute]
    return etree.tostring(root, xml_declaration=False, encoding="utf-8")


def _svg_name(tag: str) -> str:
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return local.lower() if namespace in ("", SVG_NS) else ""


def save_logo(session: Session, data: bytes | None) -> None:
    """Store a checked logo, or remove it (``None``); the profile must exist."""
    row = session.get(Partnership, 1)
    if row is None:
        raise ProfileError("Set the partnership's name and contacts before its logo")
    if data is None:
        row.logo, row.logo_type = None, None
    else:
        row.logo, row.logo_type = checked_logo(data)
    _forget()
    audit.record(session, "partnership_logo_saved" if data else "partnership_logo_removed",
                 "partnership", "logo")


def logo(session: Session) -> tuple[bytes, str, object] | None:
    """(bytes, media type, when it changed) of the logo, or None."""
    row = session.get(Partnership, 1)
    if row is None or row.logo is None or row.logo_type is None:
        return None
    return row.logo, row.logo_type, row.updated_at
