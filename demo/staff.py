"""The demo's staff accounts: an administrator, an analyst and three PACT coordinators, each
covering some neighbourhoods, all with one printed password."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.summary import DemoSummary
from portal.auth.passwords import hash_password
from portal.models import Neighbourhood, Role, StaffUser

DEMO_PASSWORD = "voicebox-demo-2026"  # noqa: S105 - printed for the demo's synthetic accounts

# email, role, neighbourhoods covered
STAFF = [
    ("admin@bathnes-csp.example.org", Role.ADMIN, ()),
    ("analyst@bathnes-csp.example.org", Role.ANALYST, ()),
    ("pact.southwest@bathnes-csp.example.org", Role.COORDINATOR, ("twerton", "southdown", "whiteway")),
    ("pact.city@bathnes-csp.example.org", Role.COORDINATOR,
     ("bath-city-centre", "oldfield-park", "widcombe", "larkhall", "combe-down")),
    ("pact.towns@bathnes-csp.example.org", Role.COORDINATOR,
     ("keynsham", "midsomer-norton", "chew-valley", "bathavon")),
]


def seed_staff(session: Session, places: dict[str, Neighbourhood], summary: DemoSummary) -> None:
    """Add the accounts not there yet; every account's sign-in goes into `summary.staff`."""
    existing = set(session.scalars(select(StaffUser.email)))
    password_hash = None
    for email, role, covers in STAFF:
        scope = ", ".join(places[s].name for s in covers) if covers else "all neighbourhoods"
        summary.staff.append((email, role, scope))
        if email in existing:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        session.add(StaffUser(email=email, role=role, password_hash=password_hash,
                              name=email.split("@")[0].replace(".", " ").title(),
                              neighbourhoods=[places[s] for s in covers]))
        summary.count("staff account")
