"""Fixtures for the resident survey: an open wave of the standard questionnaire, complete answers,
and a client that walks the pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from portal.models import PostcodeSector
from portal.survey.waves import open_wave
from tests.portal.reports.conftest import survey  # noqa: F401  (the report tests survey data: the exports)

STANDARD = "crime-and-community-safety"

# A complete set of answers for version 1, by page (car_use yes: the car questions are asked).
COMPLETE = {
    "your-area": {"police_council_dealing": "tend_to_agree", "seek_views": "dont_know"},
    "anti-social-behaviour": {
        "asb_noisy_neighbours": "not_a_problem_at_all", "asb_teenagers": "fairly_big_problem",
        "asb_litter": "very_big_problem", "asb_vandalism": "not_a_very_big_problem",
        "asb_drugs": "fairly_big_problem", "asb_drunk_rowdy": "no_opinion",
        "asb_abandoned_cars": "not_a_problem_at_all", "respect": "fairly_big_problem"},
    "influencing-decisions": {"influence_decisions": "tend_to_disagree"},
    "feeling-safe": {"safe_after_dark": "fairly_unsafe", "safe_during_day": "very_safe"},
    "worry-about-crime": {"car_use": "yes", "worry_burglary": "fairly_worried",
                          "worry_car_crime": "not_very_worried", "worry_violent_crime": "not_at_all_worried"},
    "experience-of-crime": {"victim_burglary": "no", "victim_car_crime": "yes", "victim_violent_crime": "no"},
    "about-you": {"neighbourhood": "twerton", "postcode": ""},
    "equality": {"age_band": "35_44", "sex": "female", "ethnicity": "white_british", "disability": "no"},
}


def all_answers() -> dict[str, str]:
    return {k: v for page in COMPLETE.values() for k, v in page.items() if v}


@pytest.fixture
def make_wave(db_session, neighbourhoods):
    db_session.add(PostcodeSector(sector="BA2 1", neighbourhood_id=neighbourhoods["twerton"].id))
    db_session.commit()

    def make(slug="2011-12", *, opens=None, closes=None, panel=False, open_link=True, version=1):
        today = date.today()
        wave = open_wave(db_session, slug=slug, name=f"Voicebox {slug}", questionnaire_slug=STANDARD,
                         questionnaire_version=version, opens_on=opens or today - timedelta(days=1),
                         closes_on=closes or today + timedelta(days=30), panel_mode=panel,
                         open_link_mode=open_link)
        db_session.commit()
        return wave
    return make


@pytest.fixture
def wave(make_wave):
    return make_wave()


def location(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def start(client, wave, **data) -> str:
    """Start the survey; returns the first page's path."""
    return location(client.post(f"/survey/{wave.slug}/start", data=data))


def walk(client, wave, answers_by_page=COMPLETE, **start_data) -> str:
    """Answer every page; returns the path reached (the check page when all went well)."""
    path = start(client, wave, **start_data)
    while "/questions/" in path:
        page_id = re.search(r"/questions/([^?]+)", path).group(1)
        path = location(client.post(path, data=answers_by_page.get(page_id, {})))
    return path
