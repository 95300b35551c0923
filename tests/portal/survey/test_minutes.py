"""One completion time, from the questionnaire: the home page, the survey's start page and the
invitation e-mail all say the same number of minutes."""

from __future__ import annotations

import re

from portal.survey.panel import invitation_message
from portal.survey.waves import frozen_questionnaire


def _minutes(text: str) -> set[str]:
    return set(re.findall(r"takes about (\d+) minutes?", text))


def test_home_start_page_and_invitation_say_the_same_minutes(client, wave):
    expected = frozen_questionnaire(wave.questionnaire).estimated_minutes
    assert expected == 7  # the standard questionnaire states none: 26 answers at 15 seconds
    home = client.get("/").get_data(as_text=True)
    start = client.get(f"/survey/{wave.slug}/").get_data(as_text=True)
    _subject, body = invitation_message(wave, "http://127.0.0.1:5000/x", "http://127.0.0.1:5000/leave",
                                        reminder=False)
    for text in (home, start, body):
        assert _minutes(text) == {str(expected)}


def test_the_home_page_names_no_figure_without_a_wave(client, neighbourhoods):
    home = client.get("/").get_data(as_text=True)
    assert "minutes" not in home and "answers are anonymous" in home
