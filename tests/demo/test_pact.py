"""The demo's PACT record: figures that differ between neighbourhoods and waves, and this year's
follow-up questions in the outbox with links that work in the app that loaded the demo."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from demo import seed_demo
from portal.core.clock import utcnow
from portal.models import FollowUpAnswer, IssueContact, Neighbourhood, OutboundMail, PactIssue, Wave


def test_demo_pact_figures_differ_between_neighbourhoods_and_waves(seeded, db_session):
    from portal.pact.metrics import load_issue_records, pact_metrics
    from portal.reports.data import pact_section

    now = datetime.now(UTC)
    waves = {w.slug: w for w in db_session.scalars(select(Wave))}
    past = pact_section(db_session, None, waves["2010-11"], now)
    assert past.period_label == "1 April 2010 to 31 March 2011"
    rows = {r.name: r for r in past.by_neighbourhood}
    assert len({r.raised for r in rows.values()}) >= 3
    assert len({r.share_dealt_with_locally for r in rows.values()}) >= 3
    assert any(r.share_first_response_within_24h < 1 for r in rows.values())
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
    assert today.by_neighbourhood["twerton"].still_waiting == 1
    assert today.by_neighbourhood["twerton"].share_first_response_within_24h < 1


def test_this_years_follow_up_questions_are_in_the_outbox_and_their_links_work(app, seeded, db_session):
    recent = PactIssue.followup_sent_at > utcnow() - timedelta(days=120)
    asked = db_session.scalars(select(PactIssue).where(recent)).all()
    assert asked
    residents = {issue.contact.email for issue in asked}
    mails = db_session.scalars(select(OutboundMail).where(OutboundMail.recipient.in_(residents))).all()
    assert len(mails) == len(asked) and all(mail.status == "pending" for mail in mails)
    # in Twerton the first answer reopened the issue; the newest question in each place is unanswered
    assert any(i.followup_answer == FollowUpAnswer.NOT_RESOLVED for i in asked
               if i.neighbourhood.slug == "twerton")
    waiting = next(i for i in asked if i.followup_answer is None)
    mail = next(m for m in mails if m.recipient == waiting.contact.email and waiting.reference in m.body)
    path = re.search(r"http://[^/]+(/issues/follow-up/\S+)", mail.body).group(1)
    page = app.test_client().get(path)
    assert page.status_code == 200 and "Was the issue resolved?" in page.get_data(as_text=True)


def test_the_config_says_when_a_question_is_due(app, db_session):
    """FOLLOW_UP_WEEKS comes from the config passed in: with a year, nothing closed this year is due."""
    config = {**app.config, "FOLLOW_UP_WEEKS": 52}
    summary = seed_demo(db_session, config, utcnow(), seed=7, responses_per_wave=50)
    db_session.commit()
    assert summary.added["follow-up question"] > 0  # the past years' questions
    recent = select(PactIssue).where(PactIssue.followup_sent_at > utcnow() - timedelta(days=120))
    assert not db_session.scalars(recent).all()
    residents = select(IssueContact.email)
    assert not db_session.scalars(select(OutboundMail).where(OutboundMail.recipient.in_(residents))).all()
