"""The resident's path through the survey, over HTTP: start, pages, errors, routing, back links,
save and resume, check your answers, one response per submission, closed waves, bots."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.models import Response, SurveyDraft
from tests.portal.survey.conftest import COMPLETE, all_answers, location, start, walk


def count_responses(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(Response))


def test_start_page_shows_the_privacy_notice_before_any_question(client, wave):
    page = client.get(f"/survey/{wave.slug}/").get_data(as_text=True)
    assert "How we use your answers" in page
    assert "Start now" in page
    assert 'name="police_council_dealing"' not in page


def test_a_resident_completes_the_survey_and_it_is_recorded_once(client, wave, db_session):
    assert walk(client, wave).endswith(f"/survey/{wave.slug}/check")
    check = client.get(f"/survey/{wave.slug}/check").get_data(as_text=True)
    assert "Check your answers" in check and "Tend to agree" in check and "Twerton" in check
    done = location(client.post(f"/survey/{wave.slug}/check"))
    assert done.endswith(f"/survey/{wave.slug}/thank-you")
    thanks = client.get(done).get_data(as_text=True)
    assert "panel-confirmation" in thanks and 'href="/neighbourhoods/twerton"' in thanks
    # Double click, refresh, back button: still one response.
    again = client.post(f"/survey/{wave.slug}/check")
    assert again.status_code == 302 and again.headers["Location"].endswith("/thank-you")
    assert count_responses(db_session) == 1
    response = db_session.scalars(select(Response)).one()
    assert response.mode == "online" and response.neighbourhood.slug == "twerton"
    assert response.answers == all_answers()
    assert db_session.scalar(select(func.count()).select_from(SurveyDraft)) == 0
    # One submission per browser session in open-link mode.
    assert "already answered" in client.get(f"/survey/{wave.slug}/").get_data(as_text=True)
    assert client.post(f"/survey/{wave.slug}/start").status_code == 302
    assert count_responses(db_session) == 1


def test_an_invalid_answer_comes_back_next_to_the_question_with_everything_kept(client, wave):
    path = start(client, wave)
    page = client.post(path, data={"police_council_dealing": "made_up", "seek_views": "dont_know"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem" in html and 'href="#police_council_dealing"' in html
    assert 'id="police_council_dealing-error"' in html
    assert re.search(r'value="dont_know"\s+checked', html)  # the valid answer typed is kept
    assert html.startswith("<!DOCTYPE html>") and "<title>Error:" in html


def test_required_neighbourhood_and_postcode_checks(client, wave):
    pages = dict(COMPLETE)
    pages["about-you"] = {"neighbourhood": "", "postcode": "not a postcode"}
    path = start(client, wave)
    while "about-you" not in path:
        page_id = re.search(r"/questions/([^?]+)", path).group(1)
        path = location(client.post(path, data=pages[page_id]))
    html = client.post(path, data=pages["about-you"]).get_data(as_text=True)
    assert "Select the neighbourhood you live in" in html
    assert "Postcode must be a real UK postcode" in html and 'value="not a postcode"' in html
    # A postcode in a known sector fills the neighbourhood; the postcode itself is not kept.
    after = location(client.post(path, data={"postcode": "ba2 1aa"}))
    assert after.endswith("/questions/equality")
    back = client.get(path).get_data(as_text=True)
    assert re.search(r'value="twerton"\s+checked', back) and "BA2 1AA" not in back
    # A postcode and a neighbourhood that disagree are questioned.
    html = client.post(path, data={"postcode": "BA2 1AB", "neighbourhood": "keynsham"}).get_data(as_text=True)
    assert "That postcode is in Twerton" in html


def test_routing_skips_car_questions_and_back_links_keep_answers(client, wave, db_session):
    pages = {k: dict(v) for k, v in COMPLETE.items()}
    pages["worry-about-crime"] = {"car_use": "no", "worry_burglary": "fairly_worried",
                                  "worry_car_crime": "very_worried"}  # hidden by car_use = no
    pages["experience-of-crime"] = {"victim_burglary": "no", "victim_violent_crime": "no"}
    walk(client, wave, pages)
    experience = client.get(f"/survey/{wave.slug}/questions/experience-of-crime").get_data(as_text=True)
    assert "victim_car_crime" not in experience and "victim_burglary" in experience
    assert f'href="/survey/{wave.slug}/questions/worry-about-crime" class="back-link"' in experience
    worry = client.get(f"/survey/{wave.slug}/questions/worry-about-crime").get_data(as_text=True)
    assert re.search(r'value="no"\s+checked', worry) and re.search(r'value="fairly_worried"\s+checked', worry)
    assert "Answer this only if you said ‘Yes’" in worry
    location(client.post(f"/survey/{wave.slug}/check"))
    answers = db_session.scalars(select(Response)).one().answers
    assert "worry_car_crime" not in answers and answers["car_use"] == "no"


def test_save_and_resume_by_private_link(client, app, wave, db_session):
    path = start(client, wave)
    saved = client.post(path, data={"police_council_dealing": "strongly_agree", "action": "save"})
    base = app.config["PUBLIC_BASE_URL"]
    page = saved.get_data(as_text=True)
    link = re.search(rf'href="({re.escape(base)}/survey/resume/[^"]+)"', page).group(1)
    token = link.rsplit("/", 1)[1]
    draft = db_session.scalars(select(SurveyDraft)).one()
    assert token not in (draft.resume_token_hash, draft.session_token_hash)
    other = app.test_client()  # another browser
    resumed = location(other.get(link.replace(base, "")))
    assert resumed.endswith("/questions/your-area")
    assert re.search(r'value="strongly_agree"\s+checked', other.get(resumed).get_data(as_text=True))
    assert other.get("/survey/resume/not-a-token").status_code == 404


def test_closed_and_future_waves_say_so(client, make_wave):
    closed = make_wave("2009-10", opens=date(2009, 4, 1), closes=date(2010, 3, 31))
    future = make_wave("2030-31", opens=date.today() + timedelta(days=10),
                       closes=date.today() + timedelta(days=40))
    page = client.get(f"/survey/{closed.slug}/").get_data(as_text=True)
    assert "This survey closed on 31 March 2010" in page
    assert "This survey opens on" in client.get(f"/survey/{future.slug}/").get_data(as_text=True)
    assert "closed" in client.post(f"/survey/{closed.slug}/start").get_data(as_text=True)
    assert client.get("/survey/no-such-wave/").status_code == 404


def test_honeypot_and_rate_limit(client, app, wave, db_session):
    assert location(client.post(f"/survey/{wave.slug}/start", data={"website": "http://spam"})) \
        .endswith(f"/survey/{wave.slug}/")
    assert db_session.scalar(select(func.count()).select_from(SurveyDraft)) == 0
    app.config["SURVEY_START_LIMIT"] = (2, 3600)
    for _ in range(2):
        assert app.test_client().post(f"/survey/{wave.slug}/start").status_code == 302
    refused = app.test_client().post(f"/survey/{wave.slug}/start")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "too many times" in refused.get_data(as_text=True)
    text = refused.get_data(as_text=True)
    assert "You have started the survey too many times from this connection. The limit is 2 in 1 hour. " \
           "Wait 60 minutes and try again. If you were part way through" in text
    welsh = app.test_client().post(f"/survey/{wave.slug}/start?lang=cy")
    text = welsh.get_data(as_text=True)
    assert welsh.status_code == 429 and '<html lang="cy">' in text
    assert "Rydych wedi dechrau’r arolwg gormod o weithiau o’r cysylltiad hwn. Y terfyn yw 2 mewn 1 awr. " \
           "Arhoswch 60 munud a rhowch gynnig arall arni. Os oeddech hanner ffordd drwodd" in text
    assert "too many" not in text and "Wait" not in text


def test_check_page_lists_missing_required_answers(client, wave, db_session):
    pages = {k: dict(v) for k, v in COMPLETE.items()}
    path = start(client, wave)
    # Jump straight to the end: the neighbourhood (required) was never answered.
    location(client.post(path, data=pages["your-area"]))
    page = client.post(f"/survey/{wave.slug}/check")
    assert page.status_code == 400
    assert "Select the neighbourhood you live in" in page.get_data(as_text=True)
    assert count_responses(db_session) == 0
