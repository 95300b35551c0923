"""`flask --app portal people erase`: the erasure from the command line, reported per place."""

from __future__ import annotations

from sqlalchemy import select

from portal.models import AuditEvent, IssueContact

ADA = "old@example.org"  # raised the old closed issue in `aged_records`


def test_people_erase_asks_for_yes_then_reports_each_place(runner, db_session, aged_records):
    aged_records["recent"].description = f"My neighbour {ADA.upper()} says the same."
    db_session.commit()
    refused = runner.invoke(args=["people", "erase", ADA])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert db_session.scalar(select(IssueContact.issue_id).where(IssueContact.email == ADA)) is not None

    result = runner.invoke(args=["people", "erase", ADA, "--yes"])
    assert result.exit_code == 0, result.output
    assert "issue contact details deleted: 1" in result.output
    assert "issue descriptions: 1 redacted" in result.output
    db_session.expire_all()
    assert aged_records["recent"].description == "My neighbour [removed] says the same."
    erased = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "person_erased"))
    assert erased.detail["redacted:pact_issue.description"] == 1


def test_people_erase_says_when_nothing_was_found_or_the_address_is_not_one(runner, aged_records):
    nothing = runner.invoke(args=["people", "erase", "nobody@example.org", "--yes"])
    assert nothing.exit_code == 0 and "nothing was erased" in nothing.output
    bad = runner.invoke(args=["people", "erase", "not-an-address", "--yes"])
    assert bad.exit_code == 1 and "is not an e-mail address" in bad.output
