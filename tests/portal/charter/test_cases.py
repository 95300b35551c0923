"""Complaints and enquiries: the public form, the staff queue's scope, the actions with their
e-mails, and the clocks and breaches counted in working days (on both databases)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel.dates import format_date
from sqlalchemy import select

from analysis.formatting import day
from portal.charter import cases as rules
from portal.charter.figures import charter_metrics
from portal.core.clock import local_day
from portal.models import CharterCase, CharterKind, CharterStatus, OutboundMail

GOOD = {"kind": "complaint", "body": "Nobody answered my call about the <b>lights</b>.",
        "neighbourhood": "twerton", "name": "Ann Resident", "email": "ann@example.org"}


def _case(db_session, neighbourhoods, slug="twerton", received=datetime(2024, 3, 22, 10, tzinfo=UTC),
          **fields) -> CharterCase:
    case = CharterCase(reference=rules.new_case_reference(), kind=CharterKind.ENQUIRY, name="Bob",
                       email="bob@example.org", body="When is the next meeting?",
                       neighbourhood=neighbourhoods[slug] if slug else None, received_at=received, **fields)
    db_session.add(case)
    db_session.commit()
    return case


def _mail(db_session, recipient):
    return db_session.scalars(select(OutboundMail).where(OutboundMail.recipient == recipient)
                              .order_by(OutboundMail.id)).all()


def test_resident_writes_and_is_acknowledged_by_email(client, db_session, neighbourhoods):
    response = client.post("/contact-us", data=GOOD)
    assert response.status_code == 302
    case = db_session.scalar(select(CharterCase))
    assert case.kind == CharterKind.COMPLAINT and case.neighbourhood_id == neighbourhoods["twerton"].id
    assert case.status == CharterStatus.RECEIVED and case.language == "en"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert case.reference in page
    [mail] = _mail(db_session, "ann@example.org")
    assert case.reference in mail.subject and case.reference in mail.body
    assert "5 and 15 working days" in mail.body


def test_bad_input_is_shown_back_with_the_error_summary(client, db_session, neighbourhoods):
    response = client.post("/contact-us", data={**GOOD, "email": "not-an-email", "kind": "",
                                                "neighbourhood": "atlantis"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Choose complaint, enquiry or accessibility request" in page
    assert "Enter an email address in the correct format" in page
    assert "Nobody answered my call about the &lt;b&gt;lights&lt;/b&gt;." in page  # shown back, escaped
    assert 'value="Ann Resident"' in page
    assert db_session.scalar(select(CharterCase)) is None


def test_name_and_email_are_required_for_a_reply(client, neighbourhoods):
    page = client.post("/contact-us", data={**GOOD, "name": "", "email": ""}).get_data(as_text=True)
    assert "Enter your name so we can reply to you" in page
    assert "Enter your email address so we can reply to you" in page


def test_writing_is_rate_limited(app, client, db_session, neighbourhoods):
    app.config["CHARTER_WRITE_LIMIT"] = (2, 3600)
    assert [client.post("/contact-us", data=GOOD).status_code for _ in range(3)] == [302, 302, 429]
    assert len(db_session.scalars(select(CharterCase)).all()) == 2


def test_the_acknowledgement_repeats_nothing_the_writer_typed(client, db_session, neighbourhoods):
    # Anyone can type anyone's address: the mail must not carry their words or links to a stranger.
    phishing = {**GOOD, "name": ("Customer\r\n\r\nYour account is locked: https://evil.example/x\n"
                                 "visit www.evil.example"),
                "body": "Sign in at https://evil.example/login to keep your account."}
    assert client.post("/contact-us", data=phishing).status_code == 302
    case = db_session.scalar(select(CharterCase))
    [mail] = _mail(db_session, "ann@example.org")
    assert "Customer" not in mail.body and "evil" not in mail.body and "account" not in mail.body
    assert "Dear" not in mail.body
    received = rules.clocks(case, local_day(case.received_at))
    assert f"Your reference is {case.reference}" in mail.body
    assert day(received.received_on) in mail.body and day(received.answer_by) in mail.body
    assert case.name == "Customer Your account is locked: visit"  # staff still see the name, de-linked
    assert case.body == phishing["body"]


@pytest.mark.parametrize(("typed", "kept"), [
    ("Ann\r\nResident", "Ann Resident"),
    ("  Ann \t\x07\x1b\x85 Resident ", "Ann Resident"),
    ("Ann \u202eResident", "Ann Resident"),
    ("Ann Resident HTTPS://evil.example/a?b=c", "Ann Resident"),
    ("Ann www.evil.example Resident", "Ann Resident"),
    ("Zoë O'Brien-Łukasz", "Zoë O'Brien-Łukasz"),
])
def test_names_lose_control_characters_and_links(client, db_session, neighbourhoods, typed, kept):
    assert client.post("/contact-us", data={**GOOD, "name": typed}).status_code == 302
    assert db_session.scalar(select(CharterCase.name)) == kept


def test_a_name_that_is_only_a_link_is_refused(client, db_session, neighbourhoods):
    response = client.post("/contact-us", data={**GOOD, "name": " http://evil.example/x "})
    assert response.status_code == 400
    assert "Enter your name, not a web address" in response.get_data(as_text=True)
    assert db_session.scalar(select(CharterCase)) is None


def test_acknowledgements_are_limited_per_recipient_address(client, db_session, neighbourhoods):
    # Four writers, each from their own address, all typing one person's e-mail address in a day.
    pages = set()
    for n, email in enumerate(["ann@example.org", "Ann@Example.org", "ann@example.org ", "ANN@example.org"]):
        response = client.post("/contact-us", data={**GOOD, "email": email},
                               environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"})
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        latest = db_session.scalars(select(CharterCase.reference).order_by(CharterCase.id.desc())).first()
        pages.add(page.replace(latest, "REFERENCE").lower())
    assert len(db_session.scalars(select(CharterCase)).all()) == 4  # every case is kept for staff
    assert len(db_session.scalars(select(OutboundMail)).all()) == 3  # the fourth is not acknowledged
    assert len(pages) == 1  # and the writer's page does not say so


def test_the_form_is_linked_from_every_page_footer(client, neighbourhoods):
    assert 'href="/contact-us"' in client.get("/").get_data(as_text=True)
    assert client.get("/contact-us").status_code == 200


def test_a_coordinator_sees_only_their_neighbourhoods(signed_in, db_session, neighbourhoods):
    mine = _case(db_session, neighbourhoods, "twerton")
    theirs = _case(db_session, neighbourhoods, "keynsham")
    nowhere = _case(db_session, neighbourhoods, None)
    coordinator = signed_in("coordinator", "twerton")
    page = coordinator.get("/charter/").get_data(as_text=True)
    assert mine.reference in page and theirs.reference not in page and nowhere.reference not in page
    assert coordinator.get(f"/charter/{theirs.reference}").status_code == 404
    assert coordinator.get(f"/charter/{nowhere.reference}").status_code == 404
    assert coordinator.post(f"/charter/{theirs.reference}/acknowledge").status_code == 404
    admin = signed_in("admin").get("/charter/").get_data(as_text=True)
    assert all(c.reference in admin for c in (mine, theirs, nowhere))
    assert signed_in("analyst").get("/charter/").status_code == 403


def test_acknowledge_answer_and_extend_email_the_resident(signed_in, db_session, neighbourhoods):
    case = _case(db_session, neighbourhoods, received=rules.utcnow())
    staff = signed_in("coordinator", "twerton")
    assert staff.post(f"/charter/{case.reference}/acknowledge").status_code == 302
    assert staff.post(f"/charter/{case.reference}/acknowledge").status_code == 400  # not twice
    due = rules.clocks(case, local_day(case.received_at)).answer_by
    later = rules.add_working_days(due, 3)
    response = staff.post(f"/charter/{case.reference}/extend",
                          data={"extend-new_date": later.isoformat(),
                                "extend-reason": "Waiting for the police"})
    assert response.status_code == 302
    assert staff.post(f"/charter/{case.reference}/answer", data={"answer-response": ""}).status_code == 400
    assert staff.post(f"/charter/{case.reference}/answer",
                      data={"answer-response": "We have fixed the lights."}).status_code == 302
    db_session.expire_all()
    case = db_session.get(CharterCase, case.id)
    assert case.status == CharterStatus.ANSWERED and case.extended_to == later
    subjects = [m.subject for m in _mail(db_session, "bob@example.org")]
    assert subjects == [f"Your enquiry is being looked at ({case.reference})",
                        f"We need more time on your enquiry ({case.reference})",
                        f"Our response to your enquiry ({case.reference})"]
    bodies = [m.body for m in _mail(db_session, "bob@example.org")]
    assert "Waiting for the police" in bodies[1] and rules.day(later) in bodies[1]
    assert "We have fixed the lights." in bodies[2]


def test_a_case_written_in_welsh_is_written_back_in_welsh(client, signed_in, db_session, neighbourhoods):
    """The language of the page a case was written on is kept, and the e-mails staff actions send
    later (their own requests are English) are written in it; the staff's own words go as written."""
    assert client.post("/contact-us?lang=cy", data=GOOD).status_code == 302
    case = db_session.scalar(select(CharterCase))
    assert case.language == "cy"
    staff = signed_in("coordinator", "twerton")
    page = staff.post(f"/charter/{case.reference}/acknowledge", follow_redirects=True)
    assert page.status_code == 200 and '<html lang="en-GB">' in page.text  # the staff page stays English
    answer_by = rules.clocks(case, local_day(case.received_at)).answer_by
    later = rules.add_working_days(answer_by, 3)
    assert staff.post(f"/charter/{case.reference}/extend", data={
        "extend-new_date": later.isoformat(), "extend-reason": "Waiting for the police"}).status_code == 302
    assert staff.post(f"/charter/{case.reference}/answer",
                      data={"answer-response": "We have fixed the lights."}).status_code == 302
    receipt, acknowledged, extended, answered = _mail(db_session, "ann@example.org")
    assert receipt.subject == f"Mae eich cwyn wedi dod i law ({case.reference})"
    assert acknowledged.subject == f"Rydym yn edrych ar eich cwyn ({case.reference})"
    welsh_day = format_date(answer_by, "d MMMM y", locale="cy")
    assert acknowledged.body == (f"Annwyl Ann Resident,\n\nRydym yn edrych ar eich cwyn {case.reference} a "
                                 f"byddwn yn ei hateb yn llawn erbyn {welsh_day}.\n")
    assert extended.subject == f"Mae angen mwy o amser arnom i ateb eich cwyn ({case.reference})"
    assert "Mae’n ddrwg gennym: mae angen mwy o amser arnom" in extended.body
    assert "Y rheswm:\n\nWaiting for the police\n\n" in extended.body  # as the staff wrote it
    assert f"erbyn {format_date(later, 'd MMMM y', locale='cy')}." in extended.body
    assert answered.subject == f"Ein hymateb i’ch cwyn ({case.reference})"
    assert answered.body == (f"Annwyl Ann Resident,\n\nWe have fixed the lights.\n\n"
                             f"Cyfeirnod: {case.reference}\n")


def test_the_welsh_dates_name_the_month_in_welsh(app, db_session, neighbourhoods, make_user):
    user = make_user("admin")
    case = _case(db_session, neighbourhoods, language="cy")  # received 22 March 2024: due 16 April
    english = _case(db_session, neighbourhoods)  # recorded before the language was kept: English
    with app.app_context():
        for which in (case, english):
            rules.acknowledge(db_session, which, user)
            rules.extend(db_session, which, date(2024, 4, 30), "Rheswm", user, date(2024, 4, 2))
    mails = _mail(db_session, "bob@example.org")
    assert [m.subject for m in mails] == [
        f"Rydym yn edrych ar eich ymholiad ({case.reference})",
        f"Mae angen mwy o amser arnom i ateb eich ymholiad ({case.reference})",
        f"Your enquiry is being looked at ({english.reference})",
        f"We need more time on your enquiry ({english.reference})"]
    assert "erbyn 16 Ebrill 2024." in mails[0].body and "April" not in mails[0].body
    assert "erbyn 30 Ebrill 2024." in mails[1].body and "April" not in mails[1].body
    assert mails[3].body.endswith("You will have our full response by 30 April 2024.\n")


def test_an_extension_must_be_a_later_working_day(signed_in, db_session, neighbourhoods):
    case = _case(db_session, neighbourhoods, received=rules.utcnow())
    staff = signed_in("admin")
    due = rules.clocks(case, local_day(case.received_at)).answer_by
    page = staff.post(f"/charter/{case.reference}/extend",
                      data={"extend-new_date": due.isoformat(), "extend-reason": "x"})
    assert page.status_code == 400 and "Choose a date after" in page.get_data(as_text=True)
    assert _mail(db_session, "bob@example.org") == []


def test_no_extension_after_the_deadline_passed(db_session, neighbourhoods, make_user):
    case = _case(db_session, neighbourhoods)  # received Friday 22 March 2024: answer due 16 April
    with pytest.raises(rules.CaseError, match="16 April 2024"):
        rules.extend(db_session, case, date(2024, 5, 1), "late", make_user("admin"), date(2024, 4, 17))


def test_an_anonymised_case_keeps_its_clocks_and_refuses_to_write_to_nobody(db_session, neighbourhoods,
                                                                            make_user):
    """An erasure can anonymise a case still open; before, acknowledging it queued mail to ''."""
    case = _case(db_session, neighbourhoods, response="", language="cy")
    before = rules.clocks(case, date(2024, 4, 30))
    assert rules.anonymise_cases([case]) == 1 and rules.anonymise_cases([case]) == 0
    assert (case.name, case.email, case.body, case.response) == ("[removed]", "", "[removed]", "")
    assert case.language is None  # which language they wrote in says something about them too
    assert rules.clocks(case, date(2024, 4, 30)) == before
    user = make_user("admin")
    for action in (lambda: rules.acknowledge(db_session, case, user),
                   lambda: rules.answer(db_session, case, "Done", user),
                   lambda: rules.extend(db_session, case, date(2024, 4, 30), "why", user, date(2024, 4, 2))):
        with pytest.raises(rules.CaseError, match="anonymised"):
            action()
    assert db_session.scalars(select(OutboundMail)).all() == []


def test_clocks_cross_easter_in_working_days(db_session, neighbourhoods):
    case = _case(db_session, neighbourhoods)  # Friday 22 March 2024, Easter 29 March to 1 April
    on = rules.clocks(case, date(2024, 4, 2))
    assert on.acknowledge_by == date(2024, 4, 2)  # 25, 26, 27, 28, 2 April
    assert on.answer_by == date(2024, 4, 16)
    assert on.acknowledge_days == 5 and not on.acknowledge_breached
    late = rules.clocks(case, date(2024, 4, 3))
    assert late.acknowledge_breached and not late.answer_breached


def test_breaches_are_tagged_and_counted(signed_in, db_session, neighbourhoods):
    received = datetime(2024, 3, 22, 10, tzinfo=UTC)
    _case(db_session, neighbourhoods, acknowledged_at=datetime(2024, 4, 2, 16, tzinfo=UTC),
          answered_at=datetime(2024, 4, 16, 9, tzinfo=UTC), status=CharterStatus.ANSWERED)  # both on time
    _case(db_session, neighbourhoods, acknowledged_at=datetime(2024, 4, 3, 9, tzinfo=UTC),
          answered_at=datetime(2024, 4, 17, 9, tzinfo=UTC), status=CharterStatus.ANSWERED)  # both late
    _case(db_session, neighbourhoods, received=received, extended_to=date(2024, 4, 30),
          acknowledged_at=datetime(2024, 3, 25, 9, tzinfo=UTC),
          answered_at=datetime(2024, 4, 29, 9, tzinfo=UTC),
          status=CharterStatus.ANSWERED)  # answered by its extended date
    _case(db_session, neighbourhoods, received=rules.utcnow())  # inside its time: in neither base
    found = db_session.scalars(select(CharterCase)).all()
    metrics = charter_metrics(found, date.today())
    assert (metrics.acknowledged_on_time, metrics.acknowledge_base) == (2, 3)
    assert (metrics.answered_on_time, metrics.answer_base) == (2, 3)
    page = signed_in("admin").get("/charter/").get_data(as_text=True)
    assert page.count("tag tag-red") == 2
    assert "66.7%" in page and "of 3 cases" in page


def test_actions_work_with_csrf_protection_on(csrf_app, db_session, neighbourhoods, make_user):
    from tests.conftest import PASSWORD
    from tests.pages import check_page

    case = _case(db_session, neighbourhoods, received=rules.utcnow())
    user = make_user("coordinator", "twerton")
    client = csrf_app.test_client()
    token = next(i.attrs["value"] for i in check_page(client.get("/staff/sign-in").data)
                 .find_all("input", name="csrf_token"))
    assert client.post("/staff/sign-in", data={"email": user.email, "password": PASSWORD,
                                               "csrf_token": token}).status_code == 302
    page = check_page(client.get(f"/charter/{case.reference}").data)
    token = page.find_all("input", name="csrf_token")[0].attrs["value"]
    response = client.post(f"/charter/{case.reference}/answer",
                           data={"csrf_token": token, "answer-response": "Done."})
    assert response.status_code == 302
    assert client.post(f"/charter/{case.reference}/acknowledge").status_code == 400  # no token
