"""The demo loads realistic synthetic data, deterministically and only once."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.demo import STATUS_CYCLE, seed_demo
from portal.models import (
    Invitation,
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
from portal.survey.drafts import token_hash


@pytest.fixture
def seeded(app, db_session):
    summary = seed_demo(db_session, seed=7, responses_per_wave=1500, config=app.config)
    db_session.commit()
    return summary


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


def test_the_open_wave_has_a_panel_at_work(app, seeded, db_session):
    wave = db_session.scalar(select(Wave).where(Wave.panel_mode))
    members = db_session.scalars(select(PanelMember).where(PanelMember.wave_id == wave.id)).all()
    assert 1900 <= len(members) <= 2100
    assert all(m.email.endswith("@example.org") for m in members if not m.opted_out_at)
    per_place = Counter(m.neighbourhood_id for m in members)
    assert len(per_place) == _count(db_session, Neighbourhood) and min(per_place.values()) >= 50
    assert len({m.recruited_on.year for m in members}) >= 4  # recruited in different years
    left = [m for m in members if m.opted_out_at]
    assert 0.005 * len(members) <= len(left) <= 0.03 * len(members)
    assert all(m.email == "" for m in left) and _count(db_session, PanelOptOut) == len(left)
    invitations = db_session.scalars(select(Invitation)).all()
    used = [i for i in invitations if i.used_at]
    assert len(invitations) == len(members) and 0.2 * len(members) <= len(used) <= 0.5 * len(members)
    answered = db_session.scalar(select(func.count()).where(Response.wave_id == wave.id))
    assert answered == len(used)  # the panel's answers and the wave's responses agree
    reminded = [i for i in invitations if i.reminded_at]
    assert reminded and not any(i.used_at and i.used_at < i.reminded_at for i in reminded)
    mails = db_session.scalars(select(OutboundMail)).all()
    assert len(mails) == len(invitations) + len(reminded)
    hashes = {i.token_hash for i in invitations}
    for mail in mails:
        assert mail.status == "sent" and "[survey link removed after sending]" in mail.body
        assert "/survey/leave-the-panel/" in mail.body and "/invitation/" not in mail.body
    words = {w for m in mails for w in re.findall(r"[A-Za-z0-9_-]{30,}", m.body)}
    assert not {token_hash(w) for w in words} & hashes
    # the demo's links work in the app that loaded it
    path = re.search(r"http://[^/]+(/survey/leave-the-panel/\S+)", mails[0].body).group(1)
    assert "Stop inviting me" in app.test_client().get(path).get_data(as_text=True)


def test_seeding_twice_adds_nothing(seeded, db_session):
    tables = [Neighbourhood, PopulationEstimate, Response, PactIssue, Meeting, Priority, StaffUser,
              PanelMember, OutboundMail, PanelOptOut]
    before = {model.__name__: _count(db_session, model) for model in tables}
    again = seed_demo(db_session, seed=7, responses_per_wave=1500, config={})
    db_session.commit()
    assert not any(again.added.values())
    assert "nothing was added" in again.describe()
    assert {model.__name__: _count(db_session, model) for model in tables} == before


def test_demo_responses_are_deterministic(seeded, db_session):
    first = db_session.scalars(select(Response.answers).order_by(Response.uid).limit(5)).all()
    assert first and all("police_council_dealing" in a or "age_band" in a for a in first)


def test_demo_command_migrates_a_new_database_and_prints_the_sign_ins(empty_database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database_url, "SECRET_KEY": "x",
                      "LOG_LEVEL": "WARNING"})
    result = app.test_cli_runner().invoke(args=["demo", "--responses", "200"])
    assert result.exit_code == 0, result.output
    assert "admin@bathnes-csp.example.org" in result.output
    assert "synthetic" in result.output.lower()
    with app.app_context():
        app.extensions["database"].kw["bind"].dispose()


def test_demo_lands_near_the_plans_ni21_baseline_and_burglary_ratio(seeded, db_session):
    from analysis import estimate_indicators, rake_weights
    from analysis.gap import perception_gap
    from portal.survey.frames import population_margins, wave_frame
    from portal.survey.queries import find_wave

    frame = wave_frame(db_session, find_wave(db_session, "2008-09"))
    weighting = rake_weights(frame, population_margins(db_session))
    ni21 = estimate_indicators(frame, weighting, indicators=["ni21"]).iloc[0]
    assert abs(ni21.estimate - 0.255) < 0.03, ni21.estimate
    unweighted = estimate_indicators(frame, np.ones(len(frame)), indicators=["ni21"]).iloc[0]
    assert abs(unweighted.estimate - ni21.estimate) > 0.01  # weighting matters
    gap = perception_gap(frame, weighting)
    burglary = gap[gap.crime == "burglary"].iloc[0]
    assert 4.5 < burglary.ratio < 8, burglary.ratio


def test_demo_pact_figures_differ_between_neighbourhoods_and_waves(seeded, db_session):
    from datetime import UTC, datetime, timedelta

    from portal.pact.metrics import load_issue_records, pact_metrics
    from portal.reports.data import pact_section

    now = datetime.now(UTC)
    waves = {w.slug: w for w in db_session.scalars(select(Wave))}
    past = pact_section(db_session, None, waves["2010-11"], now)
    assert past.period_label == "1 April 2010 to 31 March 2011"
    rows = {r.name: r for r in past.by_neighbourhood}
    assert len({r.raised for r in rows.values()}) >= 3
    assert len({r.share_dealt_with_locally for r in rows.values()}) >= 3
    assert any(r.share_acknowledged_within_24h < 1 for r in rows.values())
    busiest = max(rows.values(), key=lambda r: r.raised).name
    assert busiest in ("Bath City Centre", "Twerton") and rows["Chew Valley"].raised <= 5
    # every wave, the open one too, has PACT activity of its own period in every neighbourhood
    for wave in waves.values():
        section = pact_section(db_session, None, wave, now)
        assert all(r.raised > 0 for r in section.by_neighbourhood), wave.slug
        assert section.meetings_held > 0
    chew = next(p for p in db_session.scalars(select(Neighbourhood)) if p.slug == "chew-valley")
    assert pact_section(db_session, chew, waves["2010-11"], now).meetings_held == 10  # missed two
    # the last twelve months: Twerton has an issue waiting 37 hours, so its share is below 100%
    today = pact_metrics(load_issue_records(db_session), now - timedelta(days=365), now, now)
    assert today.by_neighbourhood["twerton"].still_unacknowledged == 1
    assert today.by_neighbourhood["twerton"].share_acknowledged_within_24h < 1
def test_the_summary_counts_with_the_right_plural():
    from portal.demo import DemoSummary

    summary = DemoSummary()
    summary.count("agency", 2)
    summary.count("PACT issue")
    summary.count("survey response", 1204)
    assert summary.describe() == ("Loaded synthetic demo data: 2 agencies, 1 PACT issue, "
                                  "1,204 survey responses.")
