"""What a resident is told before taking part (`portal.survey.consent`): who runs the survey and
why, anonymity and the smallest group reported (the analysis's own rule), that it is voluntary and
which question must be answered, how long it takes, how to complain; wording from settings."""

from __future__ import annotations

import html

import pytest

from analysis.estimates import DEFAULT_DISCLOSURE
from portal.core.config import SURVEY_TEXTS, settings_from_env
from portal.survey.waves import frozen_questionnaire
from tests.pages import check_page


def _start(client, wave) -> str:
    response = client.get(f"/survey/{wave.slug}/")
    assert response.status_code == 200
    check_page(response.data)
    return html.unescape(response.get_data(as_text=True))


def test_the_start_page_gives_what_informed_consent_needs(client, wave):
    page = _start(client, wave)
    assert SURVEY_TEXTS["SURVEY_RUN_BY"] in page and SURVEY_TEXTS["SURVEY_PURPOSE"] in page
    assert f"groups of at least {DEFAULT_DISCLOSURE.suppress_below} people" in " ".join(page.split())
    assert "Taking part is voluntary" in page
    questionnaire = frozen_questionnaire(wave.questionnaire)
    required = [q.text for q in questionnaire.questions if q.required]
    assert required and all(f"“{text}”" in page for text in required)  # said honestly, by name
    assert f"It takes about {questionnaire.estimated_minutes} minutes" in page
    assert 'href="/contact-us"' in page and 'href="/privacy"' in page
    assert "Market Research Society" in page and "cannot be withdrawn" in page


def test_the_threshold_shown_is_the_one_the_analysis_uses(client, wave, monkeypatch):
    from analysis import estimates

    monkeypatch.setattr(estimates, "DEFAULT_DISCLOSURE", estimates.DisclosureRules(suppress_below=50))
    assert "of at least 50 people" in _start(client, wave)
    assert "groups of at least 50 people" in client.get("/privacy").get_data(as_text=True)


def test_the_wording_comes_from_settings(app, client, wave):
    app.config.update(SURVEY_RUN_BY="Testshire Community Safety Partnership",
                      SURVEY_PURPOSE="to test the wording", SURVEY_CONTACT="Ring 01234 567890")
    page = _start(client, wave)
    assert "run by Testshire Community Safety Partnership." in page
    assert "We ask these questions to test the wording." in page and "Ring 01234 567890." in page


@pytest.mark.parametrize("name", list(SURVEY_TEXTS))
def test_each_text_is_a_setting_with_a_default(tmp_path, name):
    assert settings_from_env(tmp_path, {})[name] == SURVEY_TEXTS[name]
    assert settings_from_env(tmp_path, {name: " Our words "})[name] == "Our words"


def test_the_privacy_page_says_how_an_invitation_is_never_linked_to_answers(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert 'id="invitation-never-linked"' in page and "remove the link" in page
