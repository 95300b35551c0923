"""One way to refuse an action: every domain error a person can cause is a `Refusal`, and
`refusals_to` commits the action or rolls it back and puts the refusal's message on the form."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.analyst.views import ChoiceError
from portal.core.refusals import Refusal, refusals_to
from portal.crime.importing import CrimeDataError
from portal.models import Agency
from portal.pact.issues import IssueError
from portal.pact.meetings import MeetingError
from portal.pact.workflow import TransitionError
from portal.reports.data import ReportError, WaveNotReady
from portal.scorecard.actuals import ScorecardError
from portal.subscriptions.alerts import AlertError
from portal.survey.queries import DatasetError
from portal.survey.responses import AlreadySubmitted, ResponseRejected
from portal.survey.waves import WaveError


@pytest.mark.parametrize("error", [IssueError, MeetingError, TransitionError, WaveError, DatasetError,
                                   ReportError, WaveNotReady, ChoiceError, ResponseRejected, AlertError,
                                   CrimeDataError, ScorecardError, AlreadySubmitted])
def test_every_domain_error_is_a_refusal(error):
    assert issubclass(error, Refusal)


def _agencies(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Agency))


@pytest.fixture
def session(app):
    with Session(app.extensions["database"].kw["bind"]) as session:
        yield session


def test_a_finished_block_is_committed(session, db_session):
    errors: list[str] = []
    with refusals_to(errors, session) as attempt:
        session.add(Agency(slug="council", name="Council"))
    assert attempt and attempt.refusal is None and errors == []
    assert _agencies(db_session) == 1


def test_a_refusal_rolls_back_and_puts_its_message_on_the_form(session, db_session):
    errors: list[str] = ["an earlier error"]
    with refusals_to(errors, session) as attempt:
        session.add(Agency(slug="council", name="Council"))
        session.flush()
        raise IssueError("The issue is already assigned to Council.")
    assert not attempt
    assert isinstance(attempt.refusal, IssueError)
    assert errors == ["an earlier error", "The issue is already assigned to Council."]
    assert _agencies(db_session) == 0


def test_a_fault_is_not_a_refusal_and_propagates(session):
    with pytest.raises(KeyError), refusals_to([], session):
        raise KeyError("not a person's mistake")


def test_the_message_is_the_text_given():
    refusal = MeetingError("Write the update.")
    assert str(refusal) == refusal.message == "Write the update."
