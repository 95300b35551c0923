"""Recording responses without HTTP: validation, once-only submission keys, single-use invitations
(raced from two threads: on PostgreSQL the row lock makes the second claim find the token used)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.models import Invitation, PanelMember, Response
from portal.survey.drafts import token_hash
from portal.survey.responses import AlreadySubmitted, ResponseRejected, submit_response
from tests.portal.survey.conftest import all_answers


def test_a_valid_response_is_stored_without_the_postcode(db_session, wave):
    uid = submit_response(db_session, wave, {**all_answers(), "postcode": "BA2 1AA"}, "k1")
    response = db_session.scalars(select(Response).where(Response.uid == uid)).one()
    assert response.neighbourhood.slug == "twerton" and "postcode" not in response.answers
    assert response.mode == "online" and len(response.uid) == 32


def test_invalid_answers_are_rejected_with_problems(db_session, wave):
    answers = {**all_answers(), "car_use": "no", "safe_after_dark": "very_scared"}
    with pytest.raises(ResponseRejected) as rejected:
        submit_response(db_session, wave, {k: v for k, v in answers.items() if k != "neighbourhood"}, "k1")
    kinds = {(p.field, p.kind) for p in rejected.value.problems}
    assert ("safe_after_dark", "invalid_answer") in kinds
    assert ("worry_car_crime", "routing_violation") in kinds
    assert ("neighbourhood", "missing_required") in kinds
    assert db_session.scalar(select(func.count()).select_from(Response)) == 0


def test_a_submission_key_records_one_response(db_session, wave):
    submit_response(db_session, wave, all_answers(), "same-key")
    with pytest.raises(AlreadySubmitted):
        submit_response(db_session, wave, all_answers(), "same-key")
    assert db_session.scalar(select(func.count()).select_from(Response)) == 1


def _invite(db_session, wave, neighbourhoods, token: str = "the-token") -> Invitation:  # noqa: S107
    member = PanelMember(wave_id=wave.id, external_id="M1", email="m1@example.org",
                         neighbourhood_id=neighbourhoods["twerton"].id)
    db_session.add(member)
    db_session.flush()
    invitation = Invitation(panel_member_id=member.id, token_hash=token_hash(token))
    db_session.add(invitation)
    db_session.commit()
    return invitation


def _race(app, wave, attempts) -> list[object]:
    """Run each attempt(session) in its own thread and transaction, released together; the first
    invitation UPDATE holds its row lock for 0.3 s so the others must meet it."""
    engine = app.extensions["database"].kw["bind"]

    def hold_lock(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE INVITATION"):
            time.sleep(0.3)

    event.listen(engine, "after_cursor_execute", hold_lock)
    barrier = threading.Barrier(len(attempts))
    results: list[object] = [None] * len(attempts)

    def run(index, attempt):
        with Session(engine, expire_on_commit=False) as session:
            wave_here = session.merge(wave)
            barrier.wait()
            try:
                results[index] = attempt(session, wave_here)
            except Exception as error:  # the outcome under test
                results[index] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        event.remove(engine, "after_cursor_execute", hold_lock)
    return results


def test_an_invitation_token_submits_once_under_two_simultaneous_submissions(app, db_session, wave,
                                                                             neighbourhoods):
    _invite(db_session, wave, neighbourhoods)
    results = _race(app, wave, [
        lambda s, w: submit_response(s, w, all_answers(), "draft-a", invitation_token="the-token"),
        lambda s, w: submit_response(s, w, all_answers(), "draft-b", invitation_token="the-token"),
    ])
    assert sorted(type(r).__name__ for r in results) == ["AlreadySubmitted", "str"], results
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Response)) == 1
    assert db_session.scalars(select(Invitation)).one().used_at is not None


def test_two_simultaneous_posts_of_one_draft_record_one_response(app, db_session, wave):
    results = _race(app, wave, [
        lambda s, w: submit_response(s, w, all_answers(), "one-draft"),
        lambda s, w: submit_response(s, w, all_answers(), "one-draft"),
    ])
    assert sorted(type(r).__name__ for r in results) == ["AlreadySubmitted", "str"], results
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Response)) == 1


def test_a_used_or_unknown_token_cannot_submit(db_session, wave, neighbourhoods):
    _invite(db_session, wave, neighbourhoods)
    uid = submit_response(db_session, wave, all_answers(), "k1", invitation_token="the-token")
    used_at = db_session.scalars(select(Invitation)).one().used_at
    submitted_at = db_session.scalars(select(Response.submitted_at).where(Response.uid == uid)).one()
    assert used_at.date() == submitted_at.date() and (used_at.hour, used_at.minute) == (0, 0)
    for token in ("the-token", "another-token"):
        with pytest.raises(AlreadySubmitted):
            submit_response(db_session, wave, all_answers(), f"k-{token}", invitation_token=token)
    assert db_session.scalar(select(func.count()).select_from(Response)) == 1
