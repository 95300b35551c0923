"""The fieldwork monitor over HTTP: who may see it, what it shows, and targeted reminders (only the
chosen neighbourhoods' and age bands' non-responders still on the panel; counted before sending;
audited with counts and bands; closed waves refuse)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from portal.core.clock import utcnow
from portal.core.jobs import wait_for_jobs
from portal.models import AuditEvent, Invitation, OutboundMail, PanelMember, PopulationEstimate, Response
from tests.pages import check_page
from tests.portal.reports.conftest import early_responses  # noqa: F401  (an open wave, two responses)
from tests.portal.survey.conftest import location


@pytest.fixture
def in_field(survey, db_session):
    """Wave 2010-11 (600 responses) moved into the field: day 10 of 30, with a panel."""
    wave = survey["waves"]["2010-11"]
    wave.opens_on, wave.closes_on = date.today() - timedelta(days=9), date.today() + timedelta(days=20)
    wave.panel_mode = True
    db_session.commit()
    return wave


@pytest.fixture
def panel(in_field, survey, db_session):
    """Two members waiting in each neighbourhood, one who answered (Twerton) and one who left
    (Chew Valley)."""
    places = survey["neighbourhoods"]
    now = utcnow()
    members = {}
    for n, (slug, state) in enumerate([("twerton", "waiting"), ("twerton", "answered"),
                                       ("keynsham", "waiting"), ("keynsham", "waiting"),
                                       ("chew-valley", "waiting"), ("chew-valley", "left")]):
        member = PanelMember(wave_id=in_field.id, external_id=f"M{n}", email=f"m{n}@example.org",
                             neighbourhood_id=places[slug].id,
                             opted_out_at=now if state == "left" else None)
        db_session.add(member)
        db_session.flush()
        db_session.add(Invitation(panel_member_id=member.id, token_hash=uuid.uuid4().hex, sent_at=now,
                                  used_at=now if state == "answered" else None))
        members[member.email] = slug
    db_session.commit()
    return members


def test_analysts_and_admins_see_the_monitor_and_coordinators_cannot(signed_in, in_field):
    path = f"/admin/waves/{in_field.slug}/fieldwork"
    assert signed_in("coordinator", "twerton").get(path).status_code == 403
    analyst = signed_in("analyst")
    page = check_page(analyst.get(path).data)
    text = page.text
    assert "Fieldwork monitor" in text and "day 10 of 30" in text
    for table in ("neighbourhood", "age_band", "sex", "projection"):
        assert page.find_all("table", id=f"fieldwork-{table}"), table
    # Chew Valley has 12 of 600 responses, far below its share: listed first
    first = page.find_all("table", id="fieldwork-neighbourhood")[0].find_all("tbody")[0].find_all("th")[0]
    assert first.text.strip() == "Chew Valley"
    assert "Design effect of the weights now" in text and "Not yet known" not in text
    assert "points" in page.find_all("table", id="fieldwork-projection")[0].text
    assert "Send reminders" not in text  # analysts do not send reminders
    wave_page = analyst.get(f"/admin/waves/{in_field.slug}").get_data(as_text=True)
    assert f'href="/admin/waves/{in_field.slug}/fieldwork"' in wave_page


def test_the_furthest_below_are_ticked(signed_in, panel, in_field):
    page = check_page(signed_in("admin").get(f"/admin/waves/{in_field.slug}/fieldwork").data)
    ticked = {i.attrs["value"] for i in page.find_all("input", type="checkbox") if "checked" in i.attrs}
    assert "chew-valley" in ticked and "twerton" not in ticked


def test_targeted_reminders_reach_only_the_chosen_neighbourhoods(app, signed_in, panel, in_field,
                                                                  db_session):
    admin = signed_in("admin")
    before = db_session.scalar(select(OutboundMail.id).order_by(OutboundMail.id.desc())) or 0
    done = admin.post(f"/admin/waves/{in_field.slug}/fieldwork/reminders",
                      data={"neighbourhoods": ["chew-valley", "keynsham"]})
    location(done)
    wait_for_jobs(app)
    sent = db_session.scalars(select(OutboundMail).where(OutboundMail.id > before)).all()
    assert sorted(m.recipient for m in sent) == ["m2@example.org", "m3@example.org", "m4@example.org"]
    assert all("replaces the one we sent" in m.body for m in sent)
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "panel_reminders_sent")).one()
    assert event.detail == {"count": 3, "neighbourhoods": 2, "age_bands": "all"}  # no addresses, no ids
    page = admin.get(f"/admin/waves/{in_field.slug}/fieldwork").get_data(as_text=True)
    assert "Sending 3 reminders to panel members in 2 neighbourhoods" in page


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choose at least one neighbourhood to remind"),
    ({"neighbourhoods": ["atlantis"]}, "Not a neighbourhood: atlantis"),
])
def test_a_bad_choice_sends_nothing(app, signed_in, panel, in_field, db_session, data, message):
    response = signed_in("admin").post(f"/admin/waves/{in_field.slug}/fieldwork/reminders", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    check_page(response.data)
    wait_for_jobs(app)
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "panel_reminders_sent")) is None


def test_nobody_left_to_remind_is_refused(signed_in, panel, in_field, db_session):
    """Twerton's one waiting member answers: only the one who answered is left there."""
    waiting = db_session.scalar(select(Invitation).join(PanelMember).where(PanelMember.external_id == "M0"))
    waiting.used_at = utcnow()
    db_session.commit()
    response = signed_in("admin").post(f"/admin/waves/{in_field.slug}/fieldwork/reminders",
                                       data={"neighbourhoods": ["twerton"]})
    assert response.status_code == 400
    assert "Everyone invited in those neighbourhoods has answered or left the panel" in response.get_data(
        as_text=True)


def test_closed_waves_refuse_reminders(signed_in, panel, in_field, db_session):
    in_field.opens_on, in_field.closes_on = date(2010, 4, 1), date(2011, 3, 31)
    db_session.commit()
    admin = signed_in("admin")
    response = admin.post(f"/admin/waves/{in_field.slug}/fieldwork/reminders",
                          data={"neighbourhoods": ["chew-valley"]})
    assert response.status_code == 400
    refused = response.get_data(as_text=True)
    assert "Reminders can only be sent while the wave is open; it is closed." in refused
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "panel_reminders_sent")) is None
    assert "Send reminders" not in admin.get(f"/admin/waves/{in_field.slug}/fieldwork").get_data(as_text=True)


def test_analysts_cannot_send_reminders(signed_in, panel, in_field):
    response = signed_in("analyst").post(f"/admin/waves/{in_field.slug}/fieldwork/reminders",
                                         data={"neighbourhoods": ["chew-valley"]})
    assert response.status_code == 403


@pytest.mark.usefixtures("early_responses")
def test_a_wave_that_cannot_be_weighted_yet_says_why(signed_in):
    page = check_page(signed_in("analyst").get("/admin/waves/2026-27/fieldwork").data).text
    assert "Not yet known: the responses cannot be weighted yet" in page
    assert "no answers yet" in page  # a neighbourhood with nobody in NI 21's base


def test_blank_age_bands_do_not_stop_the_monitor(signed_in, in_field, db_session):
    """A resident who left age band blank is weighted by the missing rule, not a refusal."""
    for response in db_session.scalars(select(Response).where(Response.wave_id == in_field.id).limit(20)):
        response.answers = {**response.answers, "age_band": ""}
    db_session.commit()
    page = check_page(signed_in("analyst").get(f"/admin/waves/{in_field.slug}/fieldwork").data).text
    assert "Not yet known" not in page


def test_without_population_figures_the_page_says_so(signed_in, in_field, db_session):
    db_session.execute(delete(PopulationEstimate))
    db_session.commit()
    page = check_page(signed_in("analyst").get(f"/admin/waves/{in_field.slug}/fieldwork").data).text
    assert "No population figures are loaded" in page


# user, wave, responses, names, panel counts, population, option names, profile
MONITOR_QUERIES = 8


def test_the_monitor_queries_are_pinned(signed_in, panel, in_field, count_queries):
    """The page reads the wave's responses, the population and the panel's counts in a fixed
    number of statements, whatever the size of the wave or the panel."""
    admin = signed_in("admin")
    admin.get(f"/admin/waves/{in_field.slug}/fieldwork")  # the frozen questionnaire is read once, then kept
    with count_queries() as statements:
        assert admin.get(f"/admin/waves/{in_field.slug}/fieldwork").status_code == 200
    assert len(statements) == MONITOR_QUERIES, "\n".join(statements)



# M0 Twerton 16-24, M1 Twerton 16-24 (answered), M2 Keynsham 16-24, M3 Keynsham not known,
# M4 Chew Valley 75+, M5 Chew Valley 16-24 (left the panel)
BANDS = {"M0": "16_24", "M1": "16_24", "M2": "16_24", "M3": None, "M4": "75_plus", "M5": "16_24"}


@pytest.fixture
def banded_panel(panel, db_session):
    for member in db_session.scalars(select(PanelMember)):
        member.age_band = BANDS[member.external_id]
    db_session.commit()
    return panel


def _boxes(page, name: str) -> list[tuple[str, bool]]:
    return [(i.attrs["value"], "checked" in i.attrs) for i in page.find_all("input", type="checkbox")
            if i.attrs["name"] == name]


def test_without_age_bands_on_the_panel_only_neighbourhoods_are_offered(signed_in, panel, in_field):
    page = check_page(signed_in("admin").get(f"/admin/waves/{in_field.slug}/fieldwork").data)
    assert _boxes(page, "neighbourhoods") and not _boxes(page, "age_bands")
    # ticked: Chew Valley (M4) and any other neighbourhood below its share with someone waiting
    assert "As ticked, this will send" in page.text


def test_age_bands_are_offered_furthest_below_their_share_first(signed_in, banded_panel, in_field):
    page = check_page(signed_in("admin").get(f"/admin/waves/{in_field.slug}/fieldwork").data)
    table = page.find_all("table", id="fieldwork-age_band")[0].find_all("tbody")[0]
    order = [th.text.strip() for th in table.find_all("th")]
    boxes = _boxes(page, "age_bands")
    labels = {"16_24": "16-24", "25_34": "25-34", "35_44": "35-44", "45_54": "45-54", "55_64": "55-64",
              "65_74": "65-74", "75_plus": "75+"}
    assert [labels[value] for value, _ in boxes] == [o for o in order if o in labels.values()]
    neighbourhoods = [th.text.strip() for th in page.find_all("table", id="fieldwork-neighbourhood")[0]
                      .find_all("tbody")[0].find_all("th")]
    names = [page.find("label", attrs={"for": i.attrs["id"]}).text.split(" (")[0]
             for i in page.find_all("input", attrs={"name": "neighbourhoods"})]
    assert names == neighbourhoods[:len(names)]
    assert "16-24 (2 members to remind)" in page.text and "75+ (1 member to remind)" in page.text
    assert "so are the 1 member whose age band the panel file did not give" in page.text


@pytest.mark.parametrize(("choice", "recipients", "bands", "words"), [
    ({"neighbourhoods": ["twerton", "keynsham", "chew-valley"], "age_bands": ["16_24"]},
     ["m0@example.org", "m2@example.org"], ["16_24"], "aged 16-24 in 3 neighbourhoods"),
    ({"neighbourhoods": ["keynsham", "chew-valley"], "age_bands": ["16_24", "75_plus"]},
     ["m2@example.org", "m4@example.org"], ["16_24", "75_plus"], "aged 16-24 or 75+ in 2 neighbourhoods"),
    ({"neighbourhoods": ["keynsham"], "age_bands": ["16_24"]}, ["m2@example.org"], ["16_24"],
     "aged 16-24 in 1 neighbourhood"),
    ({"neighbourhoods": ["keynsham"]}, ["m2@example.org", "m3@example.org"], "all",  # band not known too
     "Sending 2 reminders to panel members in 1 neighbourhood"),
])
def test_reminders_by_age_band_and_neighbourhood_reach_exactly_those(app, signed_in, banded_panel, in_field,
                                                                      db_session, choice, recipients, bands,
                                                                      words):
    admin = signed_in("admin")
    path = f"/admin/waves/{in_field.slug}/fieldwork/reminders"
    counted = admin.post(path, data={**choice, "count": "y"})
    assert counted.status_code == 200
    assert f"this will send {len(recipients)} reminder" in " ".join(check_page(counted.data).text.split())
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "panel_reminders_sent")) is None
    before = db_session.scalar(select(OutboundMail.id).order_by(OutboundMail.id.desc())) or 0
    location(admin.post(path, data=choice))
    wait_for_jobs(app)
    sent = db_session.scalars(select(OutboundMail).where(OutboundMail.id > before)).all()
    assert sorted(m.recipient for m in sent) == recipients
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "panel_reminders_sent")).one()
    assert event.detail == {"count": len(recipients), "neighbourhoods": len(choice["neighbourhoods"]),
                            "age_bands": bands}
    assert words in admin.get(f"/admin/waves/{in_field.slug}/fieldwork").get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    ({"neighbourhoods": ["twerton"], "age_bands": ["99_plus"]},
     "Not an age band of this wave&#39;s questionnaire: 99_plus"),
    ({"neighbourhoods": ["twerton"], "age_bands": ["75_plus"]},
     "Everyone invited in those neighbourhoods and age bands has answered or left the panel"),
    ({"neighbourhoods": ["twerton"], "age_bands": ["99_plus"], "count": "y"},
     "Not an age band of this wave&#39;s questionnaire: 99_plus"),
])
def test_a_bad_band_choice_sends_nothing(app, signed_in, banded_panel, in_field, db_session, data, message):
    response = signed_in("admin").post(f"/admin/waves/{in_field.slug}/fieldwork/reminders", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    check_page(response.data)
    wait_for_jobs(app)
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "panel_reminders_sent")) is None


def test_the_monitor_queries_stay_pinned_with_age_bands(signed_in, banded_panel, in_field, count_queries):
    admin = signed_in("admin")
    admin.get(f"/admin/waves/{in_field.slug}/fieldwork")
    with count_queries() as statements:
        assert admin.get(f"/admin/waves/{in_field.slug}/fieldwork").status_code == 200
    assert len(statements) == MONITOR_QUERIES, "\n".join(statements)
