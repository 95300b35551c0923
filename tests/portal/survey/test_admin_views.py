"""Survey administration over HTTP: waves, imports (all or nothing), exports, the panel."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pandas as pd
import pyreadstat
from sqlalchemy import func, select

from portal.core.jobs import wait_for_jobs
from portal.models import AuditEvent, Invitation, OutboundMail, PanelMember, Response, SurveyImport, Wave
from tests.portal.survey.conftest import all_answers, location, walk

HEADER_FIELDS = ["police_council_dealing", "seek_views", "car_use", "worry_burglary", "worry_car_crime"]


def csv_file(rows: list[dict[str, str]], template: str) -> bytes:
    header = template.lstrip("\ufeff").strip().split(",")
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(row.get(column, "") for column in header))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def paper_row(serial: str, **overrides) -> dict[str, str]:
    row = {"response_id": serial, "neighbourhood": "twerton", "submitted_at": date.today().isoformat(),
           **{k: v for k, v in all_answers().items() if k != "neighbourhood"}}
    row.update(overrides)
    return row


def test_admin_opens_a_wave_and_analysts_cannot(signed_in, db_session, neighbourhoods):
    analyst = signed_in("analyst")
    assert analyst.get("/admin/").status_code == 200
    assert analyst.get("/admin/waves/new").status_code == 403
    admin = signed_in("admin")
    form = {"slug": "2011-12", "name": "Voicebox 2011/12", "questionnaire": "crime-and-community-safety:2",
            "opens_on": date.today().isoformat(),
            "closes_on": (date.today() + timedelta(days=60)).isoformat(), "open_link_mode": "y"}
    assert admin.post("/admin/waves/new", data={**form, "slug": ""}).status_code == 400  # invalid form
    bad = admin.post("/admin/waves/new", data={**form, "closes_on": "2000-01-01"})
    assert bad.status_code == 400  # refused
    assert "The closing date must be the same as or after the opening date" in bad.get_data(as_text=True)
    assert location(admin.post("/admin/waves/new", data=form)).endswith("/admin/waves/2011-12")
    wave = db_session.scalars(select(Wave)).one()
    assert wave.questionnaire.version == 2 and wave.questionnaire.checksum.startswith("sha256:")
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "wave_opened")) is not None
    page = admin.get("/admin/waves/2011-12").get_data(as_text=True)
    assert "Voicebox 2011/12" in page and "Export for analysis" in page


def test_a_paper_import_with_one_bad_row_imports_nothing_and_names_the_row(signed_in, wave, db_session):
    admin = signed_in("admin")
    template = admin.get(f"/admin/waves/{wave.slug}/template.csv").get_data(as_text=True)
    rows = [paper_row("P001"), paper_row("P002", police_council_dealing="maybe"),
            paper_row("P003", car_use="no")]  # P003 answers car questions routing does not ask
    page = admin.post(f"/admin/waves/{wave.slug}/import", data={
        "mode": "paper", "file": (io.BytesIO(csv_file(rows, template)), "forms.csv")},
        content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Nothing was imported" in html
    assert re.search(r"<td>3</td><td>police_council_dealing</td><td>&#39;maybe&#39; is not", html)
    assert re.search(r"<td>4</td><td>worry_car_crime</td>", html)
    assert db_session.scalar(select(func.count()).select_from(Response)) == 0
    # Fixed file: everything goes in, with the mode kept.
    rows[1] = paper_row("P002")
    rows[2] = paper_row("P003", car_use="no", worry_car_crime="", victim_car_crime="")
    done = admin.post(f"/admin/waves/{wave.slug}/import", data={
        "mode": "phone", "file": (io.BytesIO(csv_file(rows, template)), "forms.csv")},
        content_type="multipart/form-data")
    assert location(done).endswith(f"/admin/waves/{wave.slug}")
    modes = db_session.scalars(select(Response.mode)).all()
    assert modes == ["phone"] * 3
    assert db_session.scalars(select(SurveyImport)).one().rows == 3
    # The same forms again are refused, not counted twice.
    again = admin.post(f"/admin/waves/{wave.slug}/import", data={
        "mode": "phone", "file": (io.BytesIO(csv_file(rows, template)), "forms.csv")},
        content_type="multipart/form-data")
    assert again.status_code == 400 and "was imported into this wave before" in again.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Response)) == 3


def test_a_paper_form_dated_outside_the_wave_is_refused(signed_in, wave, db_session):
    """A keyed-in date before the wave opened or after it closed is a typing slip that would put
    the response in the wrong year's figures."""
    admin = signed_in("admin")
    template = admin.get(f"/admin/waves/{wave.slug}/template.csv").get_data(as_text=True)
    before = (wave.opens_on - timedelta(days=1)).isoformat()
    after = (wave.closes_on + timedelta(days=1)).isoformat()
    rows = [paper_row("P001"), paper_row("P002", submitted_at=before),
            paper_row("P003", submitted_at=after + "T10:30")]
    page = admin.post(f"/admin/waves/{wave.slug}/import", data={
        "mode": "paper", "file": (io.BytesIO(csv_file(rows, template)), "forms.csv")},
        content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    fieldwork = f"({wave.opens_on.isoformat()} to {wave.closes_on.isoformat()})"
    assert re.search(rf"<td>3</td><td>submitted_at</td><td>&#39;{before}&#39; is outside the "
                     rf"wave&#39;s fieldwork {re.escape(fieldwork)}", html)
    assert f"&#39;{after}T10:30&#39; is outside the wave&#39;s fieldwork" in html
    assert db_session.scalar(select(func.count()).select_from(Response)) == 0


def test_only_admins_import(signed_in, wave):
    analyst = signed_in("analyst")
    assert analyst.get(f"/admin/waves/{wave.slug}/import").status_code == 403
    assert analyst.post(f"/admin/waves/{wave.slug}/import").status_code == 403
    template = analyst.get(f"/admin/waves/{wave.slug}/template.csv")
    assert template.status_code == 200 and "police_council_dealing" in template.get_data(as_text=True)


def test_exports_in_three_formats_with_labels_and_no_identities(signed_in, app, wave, db_session,
                                                                tmp_path):
    client = app.test_client()
    walk(client, wave)
    location(client.post(f"/survey/{wave.slug}/check"))
    db_session.add(PanelMember(wave_id=wave.id, external_id="PANEL-7", email="secret.person@example.org",
                               neighbourhood_id=db_session.scalar(select(Response.neighbourhood_id))))
    db_session.commit()
    analyst = signed_in("analyst")
    csv_bytes = analyst.get(f"/admin/waves/{wave.slug}/export.csv").data
    frame = pd.read_csv(io.BytesIO(csv_bytes), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(frame.columns[:6]) == ["response_id", "wave", "neighbourhood", "mode", "language",
                                       "submitted_at"]
    assert frame.loc[0, "language"] == "en"
    assert frame.loc[0, "neighbourhood"] == "twerton" and frame.loc[0, "asb_drugs"] == "fairly_big_problem"
    assert "postcode" not in frame.columns
    xlsx = analyst.get(f"/admin/waves/{wave.slug}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    sav = analyst.get(f"/admin/waves/{wave.slug}/export.sav")
    assert sav.headers["Content-Disposition"].endswith('.sav"')
    path = str(tmp_path / "export.sav")
    with open(path, "wb") as handle:
        handle.write(sav.data)
    data, meta = pyreadstat.read_sav(path)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["safe_after_dark"].startswith("How safe or unsafe do you feel")
    assert meta.variable_value_labels["safe_after_dark"][data.loc[0, "safe_after_dark"]] == "Fairly unsafe"
    assert meta.variable_value_labels["neighbourhood"][data.loc[0, "neighbourhood"]] == "Twerton"
    for blob in (csv_bytes, xlsx.data, sav.data):
        assert b"PANEL-7" not in blob and b"secret.person" not in blob
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "survey_export")) == 3


def test_panel_upload_invitations_single_use_and_non_responders(signed_in, app, make_wave, db_session):
    wave = make_wave("2012-13", panel=True, open_link=False)
    admin = signed_in("admin")
    assert signed_in("analyst").get(f"/admin/waves/{wave.slug}/panel").status_code == 403
    bad = b"id,email,neighbourhood\r\nM1,one@example.org,Twerton\r\nM2,not-an-email,nowhere\r\n"
    page = admin.post(f"/admin/waves/{wave.slug}/panel", data={"file": (io.BytesIO(bad), "panel.csv")},
                      content_type="multipart/form-data")
    assert page.status_code == 400 and "Nothing was added" in page.get_data(as_text=True)
    good = b"id,email,neighbourhood\r\nM1,one@example.org,Twerton\r\nM2,two@example.org,keynsham\r\n"
    location(admin.post(f"/admin/waves/{wave.slug}/panel", data={"file": (io.BytesIO(good), "panel.csv")},
                        content_type="multipart/form-data"))
    location(admin.post(f"/admin/waves/{wave.slug}/panel/invitations"))
    wait_for_jobs(app)  # invitations are sent by a background job
    mails = db_session.scalars(select(OutboundMail).order_by(OutboundMail.id)).all()
    assert [m.recipient for m in mails] == ["one@example.org", "two@example.org"]
    base = re.escape(app.config["PUBLIC_BASE_URL"])
    link = re.search(base + r"(/survey/\S+/invitation/(\S+))", mails[0].body)
    path, token = link.group(1), link.group(2)
    assert token not in {i.token_hash for i in db_session.scalars(select(Invitation))}
    # Panel-only wave: no link, no survey.
    assert "by invitation" in app.test_client().get(f"/survey/{wave.slug}/").get_data(as_text=True)
    resident = app.test_client()
    page = resident.get(path).get_data(as_text=True)
    assert "Start now" in page and "Voicebox panel" in page
    walk(resident, wave, invitation=token)
    location(resident.post(f"/survey/{wave.slug}/check"))
    response = db_session.scalars(select(Response)).one()
    assert "M1" not in str(response.answers) and "one@example.org" not in str(response.answers)
    assert app.test_client().get(path).status_code == 410  # used
    listing = admin.get(f"/admin/waves/{wave.slug}/panel/non-responders").get_data(as_text=True)
    assert "two@example.org" in listing and "one@example.org" not in listing
    location(admin.post(f"/admin/waves/{wave.slug}/panel/reminders"))
    wait_for_jobs(app)
    reminder = db_session.scalars(select(OutboundMail).order_by(OutboundMail.id.desc())).first()
    assert reminder.recipient == "two@example.org" and "replaces the one we sent" in reminder.body
    old = re.search(base + r"(/survey/\S+)", mails[1].body).group(1)
    assert app.test_client().get(old).status_code == 404  # the reminder's link replaced it
    csv_download = admin.get(f"/admin/waves/{wave.slug}/panel/non-responders?format=csv").data
    assert b"two@example.org" in csv_download


def test_links_in_mail_come_from_public_base_url_never_the_host_header(signed_in, app, make_wave, db_session):
    app.config["PUBLIC_BASE_URL"] = "https://voicebox.example.org/csp"
    wave = make_wave("2012-13", panel=True, open_link=True)
    cookie = signed_in("admin").get_cookie(app.config["SESSION_COOKIE_NAME"])
    # The test client's jar sends cookies to localhost only, so this client sends the cookie itself.
    admin = app.test_client(use_cookies=False)
    forged = {"Host": "phish.example.net", "X-Forwarded-Host": "phish.example.net",
              "Cookie": f"{cookie.key}={cookie.value}"}
    members = b"id,email,neighbourhood\r\nM1,one@example.org,Twerton\r\nM2,two@example.org,Keynsham\r\n"
    location(admin.post(f"/admin/waves/{wave.slug}/panel", data={"file": (io.BytesIO(members), "panel.csv")},
                        content_type="multipart/form-data", headers=forged))
    location(admin.post(f"/admin/waves/{wave.slug}/panel/invitations", headers=forged))
    wait_for_jobs(app)  # invitations and reminders are sent by background jobs
    location(admin.post(f"/admin/waves/{wave.slug}/panel/reminders", headers=forged))
    wait_for_jobs(app)
    bodies = [m.body for m in db_session.scalars(select(OutboundMail))]
    assert len(bodies) == 4  # two invitations, two reminders
    for body in bodies:
        assert "phish" not in body
        assert re.search(r"https://voicebox\.example\.org/csp/survey/2012-13/invitation/\S+", body)
    page = admin.get(f"/admin/waves/{wave.slug}", headers=forged).get_data(as_text=True)
    assert "https://voicebox.example.org/csp/survey/2012-13/" in page and "phish" not in page


def test_a_wave_set_up_as_stratified_keeps_its_figures_and_changes_its_margins(signed_in, survey,
                                                                               db_session):
    """The sample design: chosen at set-up or on the wave page (admins only, audited); the
    dashboard's estimates stay and the standard errors follow the design."""
    from portal.models import WaveDesign
    from portal.reports.data import load_analysis

    wave_slug = "2010-11"
    before = load_analysis(db_session, wave_slug).current.row("ni21", None)
    analyst, admin = signed_in("analyst"), signed_in("admin")
    assert analyst.post(f"/admin/waves/{wave_slug}/design",
                        data={"design": "stratified"}).status_code == 403
    page = admin.get(f"/admin/waves/{wave_slug}").get_data(as_text=True)
    assert "Save the sample design" in page and "One sample of the whole area" in page
    assert admin.post(f"/admin/waves/{wave_slug}/design", data={"design": "cluster"}).status_code == 400
    assert location(admin.post(f"/admin/waves/{wave_slug}/design",
                               data={"design": "stratified"})).endswith(f"/admin/waves/{wave_slug}")
    db_session.expire_all()
    wave = db_session.scalars(select(Wave).where(Wave.slug == wave_slug)).one()
    assert wave.design == WaveDesign.STRATIFIED
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "wave_design_changed"))
    assert event is not None
    after = load_analysis(db_session, wave_slug).current.row("ni21", None)
    assert after["estimate"] == before["estimate"] and after["se"] != before["se"]
    page = admin.get(f"/admin/waves/{wave_slug}").get_data(as_text=True)
    assert "A separate sample in each neighbourhood" in page

    form = {"slug": "2012-13", "name": "Voicebox 2012/13",
            "questionnaire": "crime-and-community-safety:2", "opens_on": date.today().isoformat(),
            "closes_on": (date.today() + timedelta(days=60)).isoformat(), "open_link_mode": "y",
            "design": "stratified"}
    assert location(admin.post("/admin/waves/new", data=form)).endswith("/admin/waves/2012-13")
    assert db_session.scalars(select(Wave).where(Wave.slug == "2012-13")).one().design == \
        WaveDesign.STRATIFIED


def _upload(admin, wave, data: bytes):
    return admin.post(f"/admin/waves/{wave.slug}/panel", data={"file": (io.BytesIO(data), "panel.csv")},
                      content_type="multipart/form-data")


def test_panel_upload_keeps_age_bands_and_refuses_a_bad_one_keeping_nothing(signed_in, make_wave, db_session):
    wave = make_wave("2012-13", panel=True, open_link=False)
    admin = signed_in("admin")
    help_text = admin.get(f"/admin/waves/{wave.slug}/panel").get_data(as_text=True)
    assert "<code>age_band</code>" in help_text and "<code>16_24</code> or 16-24" in help_text
    bad = (b"id,email,neighbourhood,age_band\r\nM1,one@example.org,Twerton,16_24\r\n"
           b"M2,two@example.org,Keynsham,<b>old</b>\r\n")
    page = _upload(admin, wave, bad)
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "Nothing was added" in text
    assert "&#39;&lt;b&gt;old&lt;/b&gt;&#39; is not one of the questionnaire&#39;s age bands" in text
    assert "<b>old</b>" not in text
    assert db_session.scalar(select(func.count()).select_from(PanelMember)) == 0
    good = (b"id,email,neighbourhood,age_band\r\nM1,one@example.org,Twerton,16_24\r\n"
            b"M2,two@example.org,Keynsham,75+\r\nM3,three@example.org,Keynsham,\r\n")
    location(_upload(admin, wave, good))
    bands = dict(db_session.execute(select(PanelMember.external_id, PanelMember.age_band)).all())
    assert bands == {"M1": "16_24", "M2": "75_plus", "M3": None}


def test_panel_members_are_invited_and_reminded_in_their_language(signed_in, app, make_wave, db_session):
    """A Welsh member's invitation and reminder are Welsh (subject and body, month names), their
    links open the pages in Welsh; a member with no language stays English. The wave's name goes
    as written."""
    wave = make_wave("2012-13", panel=True, open_link=False)
    admin = signed_in("admin")
    help_text = admin.get(f"/admin/waves/{wave.slug}/panel").get_data(as_text=True)
    assert "<code>language</code>" in help_text and "<code>cy</code> for Welsh" in help_text
    bad = (b"id,email,neighbourhood,language\r\nM1,one@example.org,Twerton,cy\r\n"
           b"M2,two@example.org,Keynsham,<i>xx</i>\r\n")
    page = _upload(admin, wave, bad)
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "Nothing was added" in text
    assert "<td>3</td><td>language</td><td>&#39;&lt;i&gt;xx&lt;/i&gt;&#39; is not one of the site&#39;s " \
           "languages" in text and "<i>xx</i>" not in text
    assert db_session.scalar(select(func.count()).select_from(PanelMember)) == 0
    good = (b"id,email,neighbourhood,language\r\nM1,one@example.org,Twerton,cy\r\n"
            b"M2,two@example.org,Keynsham,\r\n")
    location(_upload(admin, wave, good))
    languages = dict(db_session.execute(select(PanelMember.email, PanelMember.language)).all())
    assert languages == {"one@example.org": "cy", "two@example.org": None}

    location(admin.post(f"/admin/waves/{wave.slug}/panel/invitations"))
    wait_for_jobs(app)
    invitations = {m.recipient: m for m in db_session.scalars(select(OutboundMail))}
    welsh, english = invitations["one@example.org"], invitations["two@example.org"]
    assert welsh.subject == "Eich gwahoddiad: arolwg Voicebox 2012-13"
    assert "Fe’ch gwahoddir i ateb arolwg diogelwch cymunedol Voicebox 2012-13." in welsh.body
    assert "Mae’r arolwg yn cau ar" in welsh.body and "You are invited" not in welsh.body
    base_url = app.config["PUBLIC_BASE_URL"]
    base = re.escape(base_url)
    link = re.search(base + r"(/survey/\S+/invitation/\S+)", welsh.body).group(1)
    assert link.endswith("?lang=cy")
    leave = re.search(base + r"(/survey/leave-the-panel/\S+)", welsh.body).group(1)
    assert leave.endswith("?lang=cy") and welsh.headers["List-Unsubscribe"] == f"<{base_url}{leave}>"
    assert english.subject == "Your invitation: Voicebox 2012-13 survey"
    assert "You are invited to answer this community safety survey: Voicebox 2012-13." in english.body
    assert "lang=" not in english.body
    page = app.test_client().get(link).get_data(as_text=True)
    assert "Dechrau nawr" in page and "Start now" not in page  # the Welsh pages, from the link alone

    location(admin.post(f"/admin/waves/{wave.slug}/panel/reminders"))
    wait_for_jobs(app)
    reminders = {m.recipient: m for m in db_session.scalars(
        select(OutboundMail).where(OutboundMail.id.not_in([welsh.id, english.id])))}
    welsh_reminder = reminders["one@example.org"]
    assert welsh_reminder.subject == "Nodyn atgoffa: arolwg Voicebox 2012-13"
    assert ("Nid ydym wedi cael eich atebion i arolwg diogelwch cymunedol Voicebox 2012-13 eto."
            in welsh_reminder.body)
    assert "Mae’r ddolen hon yn cymryd lle’r un a anfonwyd gennym o’r blaen." in welsh_reminder.body
    assert re.search(base + r"/survey/\S+/invitation/\S+\?lang=cy", welsh_reminder.body)
    assert reminders["two@example.org"].subject == "Reminder: Voicebox 2012-13 survey"
    assert "replaces the one we sent" in reminders["two@example.org"].body
