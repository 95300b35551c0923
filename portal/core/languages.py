"""The resident's language: which languages the site offers (LANGUAGES), which one a request is
answered in, and what a page needs to say so (`<html lang>`, `dir`, the switch link).

A resident page is answered in the language asked for with `?lang=` (remembered in the session), else
the one remembered, else the best match of the browser's Accept-Language, else English. Staff, analyst
and open-data pages are always English: their strings are not in the catalogues, and their dates and
numbers must read the same for every member of staff. A string missing from a language's catalogue
falls back to the English msgid for that string only (gettext's own rule).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, force_locale, get_locale, gettext

ENGLISH = "en"
SESSION_KEY = "language"
# The blueprints residents use; only their pages are translated (`portal/__init__.py::BLUEPRINTS`).
# A request that matched no route (a 404) is a resident's too: it gets the resident's language.
RESIDENT_BLUEPRINTS = frozenset({"public", "issues", "survey", "results", "subscriptions", "complaints",
                                 "accessibility", "asb_case_review", None})


def N_(text: str) -> str:
    """Mark a string for the catalogue where it is defined; it is translated where it is shown."""
    return text


# Words residents read that are defined where they cannot be marked (f-strings, tables shared with the
# staff pages and PDFs): marked here for the catalogue; a test checks each is still the source's wording.
MARKED_ELSEWHERE = {
    "area classes": (N_("urban"), N_("rural")),
    "pact_labels": (N_("First response within 24 hours"),),
    "pact_hints": (
        N_("Of the issues raised in the period that are at least 24 hours old, the share with a first "
           "response within 24 hours of being raised (acknowledged, or turned down (a duplicate or out of "
           "scope) with the reason sent to the resident); an issue still waiting after 24 hours counts as "
           "missed."),
        N_("Issues closed in the period (closed issues only); issues still open are counted by age."),
    ),
}


@dataclass(frozen=True)
class Language:
    code: str  # the catalogue's name, as in ?lang= and translations/<code>/
    name: str  # in the language itself: "Cymraeg", "English"
    html_lang: str  # <html lang>
    direction: str  # "ltr" or "rtl"


def describe(code: str) -> Language:
    """A language code's own name, `lang` attribute and direction (CLDR's, through Babel)."""
    locale = Locale.parse(code)
    name = (locale.get_display_name(locale) or code)
    direction = "rtl" if locale.character_order == "right-to-left" else "ltr"
    return Language(code=code, name=name[:1].upper() + name[1:],
                    html_lang="en-GB" if code == ENGLISH else code.replace("_", "-"), direction=direction)


def parse_languages(raw: str) -> tuple[str, ...]:
    """The LANGUAGES setting ("en,cy"): known codes, English first, each once; a ValueError names
    the first problem."""
    codes: list[str] = []
    for part in raw.split(","):
        code = part.strip()
        if not code:
            continue
        try:
            Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            raise ValueError(f"{code!r} is not a language code Babel knows (like cy, pl, ur)") from None
        if code not in codes:
            codes.append(code)
    if ENGLISH in codes:
        codes.remove(ENGLISH)
    return (ENGLISH, *codes)


def offered() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def is_resident_request() -> bool:
    return has_request_context() and request.blueprint in RESIDENT_BLUEPRINTS


def select_language() -> str:
    """Flask-Babel's locale selector (see the module's docstring for the order)."""
    if not is_resident_request():
        return ENGLISH
    languages = offered()
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    remembered = session.get(SESSION_KEY)
    if remembered in languages:
        return remembered
    return request.accept_languages.best_match(languages) or ENGLISH


def current_language() -> str:
    """The code of the language this request is answered in: outside a request, the one forced with
    `writing_in` (an e-mail a job writes in a resident's language), else 'en'."""
    if not has_request_context():
        return _writing.get() or ENGLISH
    locale = get_locale()
    return str(locale) if locale is not None else ENGLISH


def _remember_choice() -> None:
    """A resident who follows a language link keeps that language on the next pages."""
    asked = request.args.get("lang")
    if asked and is_resident_request() and asked in offered() and session.get(SESSION_KEY) != asked:
        session[SESSION_KEY] = asked


def switch_links() -> list[tuple[Language, str]]:
    """The page in each other language: (language, this address with ?lang=code)."""
    if not is_resident_request():
        return []
    here = current_language()
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return [(describe(code), f"{request.path}?{urlencode([*args, ('lang', code)])}")
            for code in offered() if code != here]


_writing: ContextVar[str | None] = ContextVar("writing_in", default=None)


@contextmanager
def writing_in(code: str | None) -> Iterator[None]:
    """Write what follows (an e-mail to a resident) in the language `code` (None: English), in a
    request or a job: Flask-Babel's `force_locale`, which the month names in dates follow too."""
    token = _writing.set(code or ENGLISH)
    try:
        with force_locale(code or ENGLISH):
            yield
    finally:
        _writing.reset(token)


def with_language(url: str, code: str | None) -> str:
    """`url` opening in the language `code` (its ?lang=, which the pages then remember); unchanged
    for None. For the links in e-mails written in a resident's language."""
    if not code:
        return url
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "lang"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", code)])))


def translate(text: str) -> str:
    """A string marked elsewhere (`N_`, a status label) in the request's language."""
    return gettext(text) if text else text


def format_day(value) -> str | None:
    """'3 Mawrth 2011' in the request's language; None in English (the callers' own wording)."""
    language = current_language()
    if language == ENGLISH:
        return None
    return babel_format_date(value, "d MMMM y", locale=language)


@dataclass(frozen=True)
class Coverage:
    code: str
    total: int  # resident strings (msgids of translations/messages.pot)
    missing: tuple[str, ...]  # shown in English in this language


def coverage(config) -> list[Coverage]:
    """How much of the resident interface each offered language translates, from the compiled
    catalogues the app uses, so staff can see which strings fall back to English."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    from portal.core.config import TRANSLATIONS

    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        wanted = [m.id for m in read_po(f) if m.id]
    result = []
    for code in config["LANGUAGES"]:
        if code == ENGLISH:
            continue
        translated: dict = {}
        for folder in config["BABEL_TRANSLATION_DIRECTORIES"].split(";"):
            path = Path(folder) / code / "LC_MESSAGES" / "messages.mo"
            if path.is_file():
                with open(path, "rb") as f:
                    translated |= {_key(m.id): m.string for m in read_mo(f) if m.id and m.string}
        missing = tuple(str(msgid[0] if isinstance(msgid, list | tuple) else msgid)
                        for msgid in wanted if _key(msgid) not in translated)
        result.append(Coverage(code, len(wanted), missing))
    return result


def _key(msgid):
    return tuple(msgid) if isinstance(msgid, list | tuple) else msgid


def _check_catalogues(app: Flask) -> None:
    """Every offered language but English needs a compiled catalogue, or it would be English
    under another name."""
    folders = [Path(folder) for folder in app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")]
    for code in app.config["LANGUAGES"]:
        if code != ENGLISH and not any((f / code / "LC_MESSAGES" / "messages.mo").is_file() for f in folders):
            from portal.core.config import ConfigError

            raise ConfigError(f"LANGUAGES offers {code!r} but there is no translations/{code}/LC_MESSAGES/"
                              "messages.mo: compile it with pybabel compile -d translations (README, "
                              "'Adding a language').")


def init_app(app: Flask) -> None:
    _check_catalogues(app)
    Babel(app, locale_selector=select_language)
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # as extracted (babel.cfg): one line per msgid
    app.before_request(_remember_choice)

    @app.context_processor
    def _language():
        language = describe(current_language())
        return {"language": language, "language_links": switch_links()}

    app.jinja_env.filters["tr"] = translate
    app.jinja_env.filters["language_name"] = english_name


def english_name(code: str) -> str:
    """A language code's name in English, for staff pages ('Welsh'); the code itself if unknown."""
    try:
        return Locale.parse(code).get_display_name(ENGLISH) or code
    except (ValueError, UnknownLocaleError):
        return code
