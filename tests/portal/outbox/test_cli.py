"""`flask --app portal mail list | show`: reading the outbox from the command line."""

from __future__ import annotations

from portal.models import MailStatus, OutboundMail


def test_mail_list_and_show(runner, db_session):
    db_session.add_all([
        OutboundMail(recipient="ada@example.org", subject="First", body="One", status=MailStatus.RECORDED),
        OutboundMail(recipient="bo@example.org", subject="Second", body="Open http://x/y",
                     status=MailStatus.RECORDED, headers={"List-Unsubscribe": "<http://x/u>"})])
    db_session.commit()
    listing = runner.invoke(args=["mail", "list"]).output
    assert listing.index("Second") < listing.index("First") and "bo@example.org" in listing
    shown = runner.invoke(args=["mail", "show", "2"])
    assert shown.exit_code == 0
    assert "To: bo@example.org" in shown.output and "List-Unsubscribe: <http://x/u>" in shown.output
    assert shown.output.rstrip().endswith("Open http://x/y")
    missing = runner.invoke(args=["mail", "show", "99"])
    assert missing.exit_code == 2 and "no message 99" in missing.output
