"""The partner agencies issues and priorities are given to: added, renamed and retired by admins.

An agency is never deleted: issues and priorities keep pointing at it. Retiring one takes it out
of every choice of agency for new work; restoring it puts it back.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.areas.importing import slug_for
from portal.core import audit
from portal.core.clock import today
from portal.core.refusals import Refusal
from portal.models import Agency

NAME_MAX = 120
# What the page and the command say once it is done.
RETIRED = "Retired {name}: it is no longer offered for new issues and priorities."
RESTORED = "Restored {name}."


class AgencyError(Refusal):
    """An agency cannot be added or changed as asked; the message says why."""


def _checked_name(session: Session, name: str, agency: Agency | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise AgencyError("Enter the agency's name")
    if len(name) > NAME_MAX:
        raise AgencyError(f"The name must be {NAME_MAX} characters or fewer")
    same = session.scalar(select(Agency).where(func.lower(Agency.name) == name.lower()))
    if same is not None and same is not agency:
        raise AgencyError(f"There is already an agency called {same.name}")
    return name


def add_agency(session: Session, name: str) -> Agency:
    """A new agency (the caller commits); its address is made from its name."""
    name = _checked_name(session, name)
    base = slug_for(name) or "agency"
    slug, n = base, 1
    while session.scalar(select(Agency.id).where(Agency.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    agency = Agency(slug=slug, name=name)
    session.add(agency)
    session.flush()
    audit.record(session, "agency_added", "agency", slug, name=name)
    return agency


def rename_agency(session: Session, agency: Agency, name: str) -> None:
    """A new name shown everywhere, past work included; the address stays."""
    old, agency.name = agency.name, _checked_name(session, name, agency)
    audit.record(session, "agency_renamed", "agency", agency.slug, old=old, new=agency.name)


def retire_agency(session: Session, agency: Agency) -> None:
    if agency.retired_on is not None:
        raise AgencyError(f"{agency.name} is already retired")
    agency.retired_on = today()
    audit.record(session, "agency_retired", "agency", agency.slug)


def restore_agency(session: Session, agency: Agency) -> None:
    if agency.retired_on is None:
        raise AgencyError(f"{agency.name} is not retired")
    agency.retired_on = None
    audit.record(session, "agency_restored", "agency", agency.slug)
