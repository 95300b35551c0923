"""Resident satisfaction ("Was it resolved?"): one pure function with hand-checked answers, the
loader reading the database, and the figure with its base on /pact/metrics and in the PDF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.pact.metrics import HINTS, FollowUpRecord, load_follow_up_records, resident_satisfaction

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 2, 1, tzinfo=UTC)
D = timedelta(days=1)


def rec(place, sent, answer=None, answered=None):
    return FollowUpRecord(place, sent, answer, answered)


RECORDS = [
    # Twerton: 5 sent in January; answers: resolved, resolved, partly (counts as not), not resolved;
    # one unanswered; and one answered only after the period ended (not counted).
    rec("twerton", START + D, "resolved", START + 2 * D),
    rec("twerton", START + 2 * D, "resolved", START + 9 * D),
    rec("twerton", START + 3 * D, "partly", START + 4 * D),
    rec("twerton", START + 4 * D, "not_resolved", START + 5 * D),
    rec("twerton", START + 5 * D),
    rec("twerton", END - D, "resolved", END + D),
    # sent before and after the period: not in it, whenever answered
    rec("twerton", START - D, "resolved", START + D),
    rec("keynsham", END + D, "resolved", END + 2 * D),
]


def test_hand_checked_answers():
    result = resident_satisfaction(RECORDS, START, END, END + 30 * D, ["twerton", "keynsham", "chew-valley"])
    t = result.by_neighbourhood["twerton"]
    assert (t.sent, t.answered, t.resolved, t.partly, t.not_resolved) == (6, 4, 2, 1, 1)
    assert t.share_resolved == pytest.approx(2 / 4)  # "partly" is in the base, not among the resolved
    assert t.response_rate == pytest.approx(4 / 6)
    k = result.by_neighbourhood["keynsham"]
    assert (k.sent, k.answered, k.share_resolved, k.response_rate) == (0, 0, None, None)
    assert result.by_neighbourhood["chew-valley"].sent == 0
    assert (result.overall.sent, result.overall.answered) == (6, 4)
    assert "“partly resolved” counts as not resolved" in HINTS["resident_satisfaction"]


def test_a_period_that_has_not_ended_counts_answers_up_to_now():
    now = START + 4 * D + 12 * timedelta(hours=1)
    t = resident_satisfaction(RECORDS, START, END, now).by_neighbourhood["twerton"]
    assert (t.sent, t.answered, t.resolved, t.partly) == (4, 2, 1, 1)  # sent by now; answered by now


def test_a_period_must_have_length():
    with pytest.raises(ValueError):
        resident_satisfaction([], END, START, END)


def test_loader_reads_the_database(db_session, neighbourhoods):
    from portal.models import FollowUpAnswer, PactIssue

    place = neighbourhoods["twerton"]
    db_session.add_all([
        PactIssue(reference="PACT-AAAA-AA", neighbourhood_id=place.id, category="noise", description="x",
                  status="resolved_locally", followup_sent_at=START + D,
                  followup_answer=FollowUpAnswer.PARTLY, followup_answered_at=START + 2 * D),
        PactIssue(reference="PACT-BBBB-BB", neighbourhood_id=place.id, category="noise", description="x",
                  status="resolved_locally"),  # never asked: not a record
    ])
    db_session.commit()
    records = load_follow_up_records(db_session, [place.id])
    assert records == [FollowUpRecord("twerton", START + D, "partly", START + 2 * D)]
    assert load_follow_up_records(db_session, [neighbourhoods["keynsham"].id]) == []
