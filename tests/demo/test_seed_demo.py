"""The demo loads realistic synthetic data, deterministically and only once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from demo import seed_demo
from demo.pact import STATUS_CYCLE
from portal import create_app
from portal.core.clock import utcnow
from portal.models import (
    Meeting,
    Neighbourhood,
    OutboundMail,
    PactIssue,
    PanelMember,
    PanelOptOut,
    PopulationEstimate,
    Priority,
    Response,
    StaffUser,
    Wave,
)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_demo_is_realistic(seeded, db_session):
    assert 10 <= _count(db_session, Neighbourhood) <= 14
    classes = set(db_session.scalars(select(Neighbourhood.area_class)))
    assert classes == {"urban", "rural"}
    slugs = set(db_session.scalars(select(Neighbourhood.slug)))
    assert {"twerton", "southdown", "whiteway", "bath-city-centre", "keynsham"} <= slugs
    # population by age band and sex for every neighbourhood
    variables = db_session.execute(
        select(PopulationEstimate.variable, func.count()).group_by(PopulationEstimate.variable)
    ).all()
    assert dict(variables)["age_band"] == 7 * len(slugs)
    assert dict(variables)["sex"] == 2 * len(slugs)
    per_wave = dict(db_session.execute(
        select(Wave.slug, func.count(Response.id)).join(Response, isouter=True).group_by(Wave.slug)
    ).all())
    for wave in ("2008-09", "2009-10", "2010-11"):
        assert 1400 <= per_wave[wave] <= 1600
    statuses = set(db_session.scalars(select(PactIssue.status)))
    assert statuses == set(STATUS_CYCLE)
    assert _count(db_session, Meeting) > 0 and _count(db_session, Priority) > 0
    roles = set(db_session.scalars(select(StaffUser.role)))
    assert roles == {"admin", "analyst", "coordinator"}


def test_seeding_twice_adds_nothing(app, seeded, db_session):
    tables = [Neighbourhood, PopulationEstimate, Response, PactIssue, Meeting, Priority, StaffUser,
              PanelMember, OutboundMail, PanelOptOut]
    before = {model.__name__: _count(db_session, model) for model in tables}
    again = seed_demo(db_session, app.config, utcnow(), seed=7, responses_per_wave=1500)
    db_session.commit()
    assert not any(again.added.values())
    assert "nothing was added" in again.describe()
    assert {model.__name__: _count(db_session, model) for model in tables} == before


def test_demo_command_migrates_a_new_database_and_prints_the_sign_ins(empty_database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database_url, "SECRET_KEY": "x",
                      "LOG_LEVEL": "WARNING"})
    result = app.test_cli_runner().invoke(args=["demo", "--responses", "200"])
    assert result.exit_code == 0, result.output
    assert "admin@bathnes-csp.example.org" in result.output
    assert "synthetic" in result.output.lower()
    with app.app_context():
        app.extensions["database"].kw["bind"].dispose()


def test_the_demo_keeps_nothing_past_its_retention_period(app, seeded, db_session):
    """The schedule has run over the demo's history: a dry run finds nothing left to remove,
    and the 2010/11 era's PACT contact details are gone while its issues stay."""
    from contextlib import contextmanager

    from portal.models import IssueContact
    from portal.privacy.retention import run_retention

    @contextmanager
    def same_session():
        yield db_session

    left = run_retention(same_session, app.config, utcnow(), dry_run=True)
    assert left and not any(left.values()), left
    old = select(PactIssue.id).where(PactIssue.closed_at < datetime(2012, 1, 1, tzinfo=UTC))
    assert _count(db_session, PactIssue) > 0 and db_session.scalar(
        select(func.count()).select_from(PactIssue).where(PactIssue.id.in_(old))) > 0
    assert db_session.scalar(select(func.count()).select_from(IssueContact)
                             .where(IssueContact.issue_id.in_(old))) == 0
