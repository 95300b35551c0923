"""Fixtures for PACT tests: issues raised through the real rules, coordinators of Twerton."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.clock import utcnow
from portal.models import Agency, Meeting
from portal.pact.issues import ContactDetails, raise_issue


@pytest.fixture
def agencies(db_session, neighbourhoods) -> dict[str, Agency]:
    """The fixture's police agency plus the council's anti-social behaviour team."""
    from sqlalchemy import select

    council = Agency(slug="council-asb", name="Council anti-social behaviour team")
    db_session.add(council)
    db_session.commit()
    police = db_session.scalar(select(Agency).where(Agency.slug == "police"))
    return {"police": police, "council-asb": council}


@pytest.fixture
def make_issue(db_session, neighbourhoods):
    def make(
        slug: str = "twerton",
        *,
        category: str = "noise",
        description: str = "Loud music at night.",
        location: str = "Flats above the parade",
        email: str = "",
        consent: bool = False,
        age: timedelta = timedelta(0),
    ):
        issue = raise_issue(
            db_session,
            neighbourhoods[slug],
            category,
            description,
            location,
            contact=ContactDetails("Ada", email, "", consent) if email else None,
            now=utcnow() - age,
            notify=False,  # arranging: the receipt has its own tests (test_mail.py)
        )
        db_session.commit()
        return issue

    return make


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", "twerton", email="pact.twerton@example.org")


@pytest.fixture
def twerton_client(app, coordinator):
    from tests.conftest import sign_in

    return sign_in(app.test_client(), coordinator)


@pytest.fixture
def held_meeting(db_session, neighbourhoods):
    meeting = Meeting(
        neighbourhood_id=neighbourhoods["twerton"].id,
        starts_at=utcnow() - timedelta(hours=2),
        venue="Twerton community centre",
    )
    db_session.add(meeting)
    db_session.commit()
    return meeting
