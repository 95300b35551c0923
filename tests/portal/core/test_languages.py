"""The resident's language: the catalogues are complete and up to date, the language is chosen by
?lang=, the session and Accept-Language, staff pages stay English, a missing string falls back to
English alone, and a right-to-left language turns the page round."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from portal import REPO_ROOT, create_app
from portal.core.languages import MARKED_ELSEWHERE, parse_languages

TRANSLATIONS = REPO_ROOT / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


def _extracted(tmp_path: Path) -> set:
    """The msgids pybabel extracts from the sources now (babel.cfg names the resident-facing ones)."""
    out = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-k", "N_", "--no-location", "-o", str(out), "."],
                   cwd=REPO_ROOT, check=True)
    with open(out, "rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_the_template_and_the_welsh_catalogue_hold_every_resident_string(tmp_path):
    extracted = _extracted(tmp_path)
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        shipped = {m.id for m in read_po(f) if m.id}
    assert extracted == shipped, ("translations/messages.pot is out of date: run the pybabel extract and "
                                  "update commands in the README", extracted ^ shipped)
    welsh = {m.id for m in _catalogue("cy") if m.id}
    assert welsh == shipped


def test_every_resident_string_is_translated_in_welsh_with_its_placeholders():
    catalogue = _catalogue("cy")
    messages = [m for m in catalogue if m.id]
    assert len(messages) > 400
    untranslated = [m.id for m in messages
                    if not all(m.string if isinstance(m.string, tuple) else [m.string])]
    assert untranslated == [], f"{len(untranslated)} of {len(messages)} not translated in cy"
    assert not [m.id for m in messages if m.fuzzy]
    for m in messages:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) - {"", "count"}
        for string in strings:
            assert wanted <= set(PLACEHOLDER.findall(string)), (m.id, string)
            assert string.count("<a ") == ids[0].count("<a "), m.id  # links kept


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_compiled_catalogue_is_the_one_the_po_file_says(tmp_path):
    """translations/*.mo are committed (so a fresh clone runs as it is): they must match the .po."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        language = po.parent.parent.name
        with open(po.with_suffix(".mo"), "rb") as f:
            shipped = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
        expected = {_key(m.id): _key(m.string) for m in _catalogue(language) if m.id and m.string}
        assert shipped == expected, f"run pybabel compile -d translations ({language})"


def test_words_marked_for_translation_away_from_their_source_still_read_as_the_source():
    from portal.models import statuses
    from portal.pact.metrics import HINTS, LABELS

    assert set(MARKED_ELSEWHERE["area classes"]) == {"urban", "rural"}
    assert MARKED_ELSEWHERE["pact_labels"] == (LABELS["first_response_within_24h"],)
    assert MARKED_ELSEWHERE["pact_hints"] == (HINTS["first_response_within_24h"],
                                              HINTS["median_days_to_close"])
    assert statuses.IssueCategory.NOISE.label == "Noise"


def test_languages_setting_is_checked():
    assert parse_languages("cy, en,cy") == ("en", "cy")
    with pytest.raises(ValueError, match="xx-nope"):
        parse_languages("en,xx-nope")


def _home(client, **kwargs) -> str:
    return client.get("/privacy", **kwargs).get_data(as_text=True)


def test_english_by_default_with_a_link_to_welsh(client):
    page = _home(client)
    assert '<html lang="en-GB">' in page and "How we use your information" in page
    assert '<a href="/privacy?lang=cy" lang="cy" hreflang="cy">Cymraeg</a>' in page
    assert 'dir="rtl"' not in page


def test_lang_cy_is_remembered_for_the_next_pages(client):
    page = _home(client, query_string={"lang": "cy"})
    assert '<html lang="cy">' in page and "Sut rydym yn defnyddio eich gwybodaeth" in page
    assert '<a href="/privacy?lang=en" lang="en-GB" hreflang="en-GB">English</a>' in page
    assert '<html lang="cy">' in client.get("/contact-us").get_data(as_text=True)
    assert '<html lang="en-GB">' in _home(client, query_string={"lang": "en"})
    assert '<html lang="en-GB">' in _home(client)


def test_accept_language_is_the_default_and_an_unknown_lang_is_ignored(client):
    assert '<html lang="cy">' in _home(client, headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert '<html lang="en-GB">' in _home(client, headers={"Accept-Language": "fr-FR,fr"})
    page = _home(client, query_string={"lang": "fr"}, headers={"Accept-Language": "en-GB"})
    assert '<html lang="en-GB">' in page


def test_staff_pages_stay_english_whatever_the_resident_chose(client):
    _home(client, query_string={"lang": "cy"})
    page = client.get("/staff/sign-in").get_data(as_text=True)
    assert '<html lang="en-GB">' in page and "Cymraeg" not in page and "Skip to main content" in page


def test_a_resident_error_message_is_in_welsh(client):
    page = client.get("/issues/follow", query_string={"lang": "cy", "reference": "nonsense"})
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Rhowch y cyfeirnod yn y fformat PACT-7K3M-9Q" in text and "Mae problem wedi codi" in text


def _tiny_catalogue(folder: Path, language: str, messages: dict[str, str]) -> None:
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale=language)
    for msgid, msgstr in messages.items():
        catalogue.add(msgid, msgstr)
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as f:
        write_mo(f, catalogue)


def test_a_right_to_left_language_with_missing_strings(tmp_path, database_url):
    """A sample Urdu catalogue of one string: the page is dir="rtl", that string is in Urdu, and
    every string it lacks falls back to English on its own."""
    _tiny_catalogue(tmp_path, "ur", {"How we use your information": "ہم آپ کی معلومات کیسے استعمال کرتے ہیں"})
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k",
                      "LANGUAGES": ("en", "cy", "ur"),
                      "BABEL_TRANSLATION_DIRECTORIES": f"{tmp_path};{TRANSLATIONS}"})
    page = app.test_client().get("/privacy?lang=ur").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in page
    assert "<h1 class=\"heading-l\">ہم آپ کی معلومات کیسے استعمال کرتے ہیں</h1>" in page
    assert "Local issues" in page  # not in the sample catalogue: English
    assert 'lang="cy" hreflang="cy">Cymraeg</a>' in page and 'hreflang="en-GB">English</a>' in page
    # Staff see what each language lacks.
    out = app.test_cli_runner().invoke(args=["languages"]).output
    total = len([m for m in _catalogue("cy") if m.id])
    assert f"cy (Cymraeg): {total} of {total} resident strings translated" in out
    assert f"ur (اردو): 1 of {total} resident strings translated" in out
    assert "  missing, shown in English: Local issues\n" in out
    assert "missing, shown in English: How we use your information\n" not in out


def test_a_language_offered_without_a_catalogue_is_refused(database_url):
    from portal.core.config import ConfigError

    with pytest.raises(ConfigError, match="'pl'"):
        create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k",
                    "LANGUAGES": ("en", "pl")})
