"""Settings, read once from the environment into the app config.

Every setting is an environment variable so the same code runs as the embedded demo (SQLite in the
instance folder) and in production (PostgreSQL). The README documents each one.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import click


class ConfigError(click.ClickException):
    """The environment asks for something unsafe or impossible; the message says what to set.

    A `click.ClickException`, so `flask --app portal ...` prints the message on one line and exits 1
    instead of a traceback; servers (gunicorn) still refuse to start with it."""


TRUE_WORDS = {"1", "true", "yes", "on"}


def N_(text: str) -> str:
    """Mark a default wording for the catalogue; `portal.survey.consent` translates it."""
    return text


# The compiled gettext catalogues (translations/<language>/LC_MESSAGES/messages.mo; README).
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
MEGABYTE = 1024 * 1024

# Per-address limits (requests per hour); read only when set, else each area's default applies.


def _flag(env: dict, name: str, default: bool = False) -> bool:
    value = env.get(name)
    return default if value is None else value.strip().lower() in TRUE_WORDS


def _dev_secret_key(instance_path: Path) -> str:
    """Generate a development key once and keep it, so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def default_base_url(env: dict) -> str:
    """Where the demo serves itself (`scripts/demo.sh` listens on `PORT`, default 5000), so links
    in e-mails reach the running portal when `PUBLIC_BASE_URL` is not set."""
    port = env.get("PORT", "").strip() or "5000"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"PORT must be a TCP port number (1 to 65535), not {port!r}.")
    return f"http://127.0.0.1:{int(port)}"
def _public_base_url(url: str) -> str:
    """The site's address without a trailing slash; refuses anything that is not http(s)://host."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"PUBLIC_BASE_URL must be an address like https://voicebox.example.org, not {url!r}.")
    return url.strip().rstrip("/")


def _positive_int(env: dict, name: str, default: int) -> int:
    raw = env.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {raw!r}.")
    return value


def normalise_database_url(url: str) -> str:
    """Let people paste the usual `postgres://` or `postgresql://` URLs; we drive them with psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _refuse_unsafe_production(env: dict, secret_key: str | None, database_url: str) -> None:
    """Production needs a secret key, PostgreSQL (unless SQLite is allowed) and its public address."""
    if not secret_key:
        raise ConfigError("PORTAL_ENV=production needs SECRET_KEY: set it to a long random string.")
    if database_url.startswith("sqlite") and not _flag(env, "ALLOW_SQLITE_IN_PRODUCTION"):
        raise ConfigError(
            "PORTAL_ENV=production needs a PostgreSQL DATABASE_URL "
            "(or set ALLOW_SQLITE_IN_PRODUCTION=1 for a single-user installation)."
        )
    if not env.get("PUBLIC_BASE_URL"):
        raise ConfigError(
            "PORTAL_ENV=production needs PUBLIC_BASE_URL, the address residents and staff use "
            "(like https://voicebox.example.org): links in emails are built from it, never from "
            "the request's Host header."
        )


# The retention schedule: setting -> (default, unit). `portal.privacy.retention` applies it; the privacy
# page states it in words.
RETENTION_SETTINGS = {
    "RETENTION_ISSUE_CONTACT_MONTHS": (12, "months"),
    "RETENTION_PANEL_MONTHS": (12, "months"),
    "RETENTION_DRAFT_DAYS": (30, "days"),
    "RETENTION_SIGN_IN_DAYS": (90, "days"),
    "RETENTION_AUDIT_MONTHS": (24, "months"),
    "RETENTION_MAIL_DAYS": (90, "days"),
    "RETENTION_CHARTER_MONTHS": (12, "months"),
    "RETENTION_CASE_REVIEW_MONTHS": (24, "months"),
}

# What residents are told before they take part in a survey (informed consent under the MRS Code of
# Conduct; `portal.survey.consent`): setting -> default wording. Each is one plain sentence or two.
SURVEY_TEXTS = {
    "SURVEY_RUN_BY": N_("the Community Safety Partnership: the police, the council, the fire and rescue "
                        "service, health services and other local partners working together on crime "
                        "and anti-social behaviour in your area"),
    "SURVEY_PURPOSE": N_("to find out how safe you feel where you live, which crime and anti-social "
                         "behaviour matter most to you, and whether you think the police and the council "
                         "are dealing with them. The results set local priorities and measure the "
                         "partnership's plan. This is research: nobody will try to sell you anything or "
                         "contact you because of your answers"),
    "SURVEY_CONTACT": N_("We carry out this survey under the Market Research Society's Code of Conduct. "
                         "If you have a question or a complaint about this survey, write to us: we "
                         "acknowledge complaints within 5 working days and answer them fully within 15. "
                         "If you are unhappy with how we use your information, you can also complain to "
                         "the Information Commissioner's Office (ico.org.uk)"),
}

# Per-address limits (count, seconds); the environment sets the count (API_RATE_LIMIT per minute,
# CHARTER_RECIPIENT_LIMIT per day, the others per hour). CHARTER_RECIPIENT_LIMIT counts the
# acknowledgements mailed to one e-mail address, whoever typed it.
LIMITS = {
    "PACT_RAISE_LIMIT": (10, 3600), "PACT_LOOKUP_LIMIT": (30, 3600),
    "SURVEY_START_LIMIT": (60, 3600), "SURVEY_SUBMIT_LIMIT": (30, 3600),
    "CHARTER_WRITE_LIMIT": (5, 3600), "CHARTER_RECIPIENT_LIMIT": (3, 86400),
    "ALERT_SUBSCRIBE_LIMIT": (5, 3600), "API_RATE_LIMIT": (300, 60),
}


def _limits(env: dict) -> dict:
    return {name: (_positive_int(env, name, count), seconds) for name, (count, seconds) in LIMITS.items()}


def _tuning(env: dict) -> dict:
    """How hard the portal works, and the analyst's definition files."""
    return {
        # Report PDFs rendered at once by a batch (threads of one process or one worker).
        "REPORTS_WORKERS": _positive_int(env, "REPORTS_WORKERS", 2),
        # Connections each process keeps open; at least the threads serving requests.
        "DATABASE_POOL_SIZE": _positive_int(env, "DATABASE_POOL_SIZE", 16),
        # How often a queue worker says it is alive (seconds).
        "JOB_HEARTBEAT_SECONDS": _positive_int(env, "JOB_HEARTBEAT_SECONDS", 10),
        # Empty: the plan's files in analysis/definitions/.
        "CONCERN_MAPPING": env.get("CONCERN_MAPPING", ""),
    }


def settings_from_env(instance_path: Path, env: dict | None = None) -> dict:
    """Build the config mapping from environment variables, refusing unsafe production set-ups."""
    env = dict(os.environ if env is None else env)
    production = env.get("PORTAL_ENV", "development").strip().lower() == "production"

    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'voicebox.sqlite3'}"
    database_url = normalise_database_url(database_url)
    secret_key = env.get("SECRET_KEY")

    if production:
        _refuse_unsafe_production(env, secret_key, database_url)
    elif not secret_key:
        secret_key = _dev_secret_key(instance_path)
    public_base_url = _public_base_url(env.get("PUBLIC_BASE_URL") or default_base_url(env))

    redis_url = env.get("REDIS_URL", "").strip()
    uploads = env.get("UPLOADS_DIR", "").strip() or str(instance_path / "uploads")

    return _limits(env) | _tuning(env) | {
        "PORTAL_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # Mail: with no MAIL_SERVER, outgoing mail is recorded in the database (development default).
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag(env, "MAIL_USE_TLS"),
        "MAIL_FROM": env.get("MAIL_FROM", "PACT Voicebox <no-reply@voicebox.invalid>"),
        "PUBLIC_BASE_URL": public_base_url,
        "SIGN_IN_MAX_FAILURES": int(env.get("SIGN_IN_MAX_FAILURES", "5")),
        "SIGN_IN_LOCKOUT_MINUTES": int(env.get("SIGN_IN_LOCKOUT_MINUTES", "15")),
        # A staff session unused for this long ends; signing out ends every session of the user.
        "STAFF_IDLE_MINUTES": _positive_int(env, "STAFF_IDLE_MINUTES", 120),
        # Bodies larger than this are refused with 413 before they are parsed (imports allow more).
        "MAX_CONTENT_LENGTH": _positive_int(env, "MAX_REQUEST_MB", 5) * MEGABYTE,
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        # Background jobs go to this Redis (RQ) and run in `flask --app portal worker` processes;
        # empty: they run in a thread of the app process (a single server).
        "REDIS_URL": redis_url,
        # Large uploads wait here until their background job has read them (the national postcode
        # file). With several servers and a queue, every server and worker must see this folder.
        "UPLOADS_DIR": uploads,
        # Flask-Limiter: counts in Redis when there is one (shared by every process and server).
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "voicebox"),
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none). Rate
        # limits and the audit log use the client address, so set this behind a proxy.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        # The key of the panel's address hashes (who left the panel, `portal.survey.opt_out`).
        # Empty: SECRET_KEY. Set it once and keep it: changing it forgets who asked to leave.
        "PANEL_ADDRESS_KEY": env.get("PANEL_ADDRESS_KEY", ""),
    } | _languages(env) | _retention(env) | _meeting_papers(env) | _follow_up(env) | _survey_texts(env) \
        | _delivery(env) | _accessibility(env) | _case_reviews(env)


def _languages(env: dict) -> dict:
    """The languages residents may choose (`portal.core.languages`), English first, and where their
    compiled catalogues are (Flask-Babel's setting; several folders separated by ';')."""
    from portal.core.languages import parse_languages

    try:
        languages = parse_languages(env.get("LANGUAGES") or "en,cy")
    except ValueError as error:
        raise ConfigError(f"LANGUAGES: {error}.") from None
    return {"LANGUAGES": languages,
            "BABEL_TRANSLATION_DIRECTORIES": env.get("TRANSLATIONS_DIR") or str(TRANSLATIONS),
            "BABEL_DEFAULT_LOCALE": "en"}



# The accessibility statement's compliance status until an admin saves the statement
# (`portal.accessibility.statement`): one of these words.
ACCESSIBILITY_STATUSES = ("fully", "partially", "not")


def _accessibility(env: dict) -> dict:
    status = (env.get("ACCESSIBILITY_STATUS") or "partially").strip().lower()
    if status not in ACCESSIBILITY_STATUSES:
        raise ConfigError(f"ACCESSIBILITY_STATUS must be one of {', '.join(ACCESSIBILITY_STATUSES)} "
                          f"(compliant with WCAG 2.2 AA), not {status!r}.")
    return {"ACCESSIBILITY_STATUS": status}


def _seconds(env: dict, name: str, default: float) -> float:
    raw = env.get(name) or str(default)
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value <= 60:
        raise ConfigError(f"{name} must be a number of seconds above 0 and at most 60, not {raw!r}.")
    return value


def _delivery(env: dict) -> dict:
    """How mail is retried (`portal.core.mail`) and how long Redis may take to answer."""
    redis_timeout = _seconds(env, "REDIS_TIMEOUT_SECONDS", 0.5)
    return {
        # SMTP timeout for the queue worker and `flask --app portal mail send` (seconds).
        "MAIL_TIMEOUT_SECONDS": _seconds(env, "MAIL_TIMEOUT_SECONDS", 10),
        # SMTP timeout when, with no Redis, the request that queued the mail tries to send it.
        "MAIL_REQUEST_TIMEOUT_SECONDS": _seconds(env, "MAIL_REQUEST_TIMEOUT_SECONDS", 2),
        # Attempts before a message is given up on ("dead", shown to admins at /admin/mail).
        "MAIL_MAX_ATTEMPTS": _positive_int(env, "MAIL_MAX_ATTEMPTS", 5),
        # The wait after the first failure, doubled after each further one (seconds).
        "MAIL_RETRY_SECONDS": _positive_int(env, "MAIL_RETRY_SECONDS", 60),
        # Redis (limits, the queue) that takes longer than this to connect or answer counts as down.
        "REDIS_TIMEOUT_SECONDS": redis_timeout,
        # Flask-Limiter passes these to Redis (the memory storage ignores them).
        "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": redis_timeout,
                                      "socket_connect_timeout": redis_timeout},
    }


def _survey_texts(env: dict) -> dict:
    """The consent notice's texts on the survey start page; empty settings keep the defaults."""
    return {name: (env.get(name) or "").strip() or default for name, default in SURVEY_TEXTS.items()}


def _meeting_papers(env: dict) -> dict:
    """Caps on a PACT meeting's PDF papers (`portal.pact.agendas`): megabytes each (at most 20, the
    upload's request cap) and how many per meeting."""
    megabytes = _positive_int(env, "MEETING_PAPER_MAX_MB", 5)
    if megabytes > 20:
        raise ConfigError(f"MEETING_PAPER_MAX_MB can be at most 20, not {megabytes}.")
    return {"MEETING_PAPER_MAX_MB": megabytes,
            "MEETING_PAPERS_MAX": _positive_int(env, "MEETING_PAPERS_MAX", 10)}


# "Was it resolved?" (`portal.pact.follow_up`): weeks after an issue is closed as resolved locally
# before the resident is asked, and weeks the answer links work.
FOLLOW_UP_SETTINGS = {"FOLLOW_UP_WEEKS": 4, "FOLLOW_UP_LINK_WEEKS": 8}


def _follow_up(env: dict) -> dict:
    """The follow-up settings; refused when the question would fall due only after the retention
    schedule has deleted the address it goes to (RETENTION_ISSUE_CONTACT_MONTHS, counted here as
    months of 28 days, the shortest)."""
    settings = {name: _positive_int(env, name, default) for name, default in FOLLOW_UP_SETTINGS.items()}
    months = _positive_int(env, "RETENTION_ISSUE_CONTACT_MONTHS",
                           RETENTION_SETTINGS["RETENTION_ISSUE_CONTACT_MONTHS"][0])
    if settings["FOLLOW_UP_WEEKS"] * 7 >= months * 28:
        raise ConfigError(
            f"FOLLOW_UP_WEEKS={settings['FOLLOW_UP_WEEKS']} is not sooner than "
            f"RETENTION_ISSUE_CONTACT_MONTHS={months}: contact details would be deleted before the "
            "follow-up question is due. Shorten the first or lengthen the second.")
    return settings


def _retention(env: dict) -> dict:
    """The retention schedule (`portal.privacy.retention`): each period a whole number, at least 1."""
    return {name: _positive_int(env, name, default) for name, (default, _unit) in RETENTION_SETTINGS.items()}


# The ASB Case Review (`portal.casereviews`): the local threshold (at most the Act's 3 incidents, over
# at least its 6 months; each report within this many months of its incident) and the clocks, in
# working days from the day the application was received.
CASE_REVIEW_SETTINGS = {"CASE_REVIEW_THRESHOLD": 3, "CASE_REVIEW_LOOKBACK_MONTHS": 6,
                        "CASE_REVIEW_REPORT_WITHIN_MONTHS": 1, "CASE_REVIEW_DECISION_DAYS": 10,
                        "CASE_REVIEW_APPEAL_DAYS": 10}


def _case_reviews(env: dict) -> dict:
    settings = {name: _positive_int(env, name, default) for name, default in CASE_REVIEW_SETTINGS.items()}
    if settings["CASE_REVIEW_THRESHOLD"] > 3:
        raise ConfigError(f"CASE_REVIEW_THRESHOLD={settings['CASE_REVIEW_THRESHOLD']}: the Act allows a "
                          "threshold of at most 3 incidents; set 1, 2 or 3.")
    if settings["CASE_REVIEW_LOOKBACK_MONTHS"] < 6:
        raise ConfigError(f"CASE_REVIEW_LOOKBACK_MONTHS={settings['CASE_REVIEW_LOOKBACK_MONTHS']}: the "
                          "Act counts reports over at least the 6 months before the application.")
    return settings
